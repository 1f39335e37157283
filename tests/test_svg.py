"""The inline SVG charts: escaped, exact, self-contained, the same bytes every time."""

from __future__ import annotations

import re
from decimal import Decimal

from reports import svg

D = Decimal


def money(n: Decimal) -> str:
    return f"£{n:,.2f}"


def test_labels_are_escaped_and_nothing_is_fetched():
    chart = svg.bar_chart([("<script>alert(1)</script> & Co", D("12.50"))], "Spend", money)
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    assert "http" not in chart and "href" not in chart
    assert chart == svg.bar_chart([("<script>alert(1)</script> & Co", D("12.50"))],
                                  "Spend", money)


def test_bars_are_proportional_to_the_amounts():
    chart = svg.bar_chart([("A", D(300)), ("B", D(100))], "Spend", money)
    widths = [D(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', chart)]
    assert widths == [D(358), D("119.3")]


def test_long_labels_are_cut_but_described_in_full():
    name = "The Very Long Named Chambers of Counsel, Partners and Associates LLP"
    chart = svg.bar_chart([(name, D("41888.00"))], "Spend by firm", money)
    assert f"<desc id=\"chart-spend-by-firm-d\">{name}: £41,888.00</desc>" in chart
    shown = chart.split('font-size="13">')[1].split("<")[0]
    assert shown.endswith("\u2026") and len(shown) < len(name)


def test_axis_labels_and_maximum_are_exact():
    assert svg.compact_money(D("52260.00")) == "£52k"
    assert svg.compact_money(D("1250")) == "£1.3k"
    assert svg.compact_money(D("999")) == "£999"
    assert svg.compact_money(D("1100000"), "€") == "€1.1m"
    assert [svg._nice_max(D(x)) for x in ("75235", "0.5", "100", "101")] == [
        D("1E+5"), D("0.5"), D("1E+2"), D("2E+2")]


def test_raised_spent_chart_splits_merged_periods_over_two_lines():
    chart = svg.raised_spent_chart([("2017\u20132019", D(10), D(5)), ("2020", D(0), D(2))],
                                   "Raised and spent", money)
    assert "2017\u2013<tspan" in chart and ">2019</tspan>" in chart
    assert chart.count("<rect") == 2 + 4  # legend + two bars per period
    assert "raised £10.00, spent £5.00" in chart
