"""One financial year everywhere (issue 15): with a 31 March year end, `legal --by year`
and the transparency timeline count the SOFA's financial years, and say so."""

from __future__ import annotations

import json
from decimal import Decimal

from conftest import run_cli

from ledger import options as ledger_options
from reports import transparency
from reports.sofa import sofa
from tests.statements_books import load

MARCH = '\n2017-01-01 custom "fundledger-option" "fy-end" "03-31"\n'


def test_fy_of_and_its_label():
    import datetime

    d = datetime.date
    assert ledger_options.fy_of(d(2020, 3, 31), (3, 31)) == 2020
    assert ledger_options.fy_of(d(2020, 4, 1), (3, 31)) == 2021
    assert ledger_options.fy_of(d(2020, 12, 31), (12, 31)) == 2020
    assert ledger_options.fy_label(2020, (3, 31)) == "2019/20"
    assert ledger_options.fy_label(2000, (3, 31)) == "1999/00"
    assert ledger_options.fy_label(2020, (12, 31)) == "2020"
    assert ledger_options.fy_words((3, 31)) == "financial years ending 31 March"


def test_legal_by_year_and_the_timeline_are_the_sofa_s_years(demo):
    with demo.open("a") as f:
        f.write(MARCH)
    entries, options = load(demo)
    end = ledger_options.fy_end(entries)
    assert end == (3, 31)
    r = run_cli("legal", "--books", demo, "--by", "year", "--format", "json")
    assert r.returncode == 0, r.stderr
    legal = json.loads(r.stdout)
    assert legal["years"] == "financial years ending 31 March"
    groups = {g["key"]: Decimal(g["total"].split()[0]) for g in legal["groups"]}
    table = run_cli("legal", "--books", demo, "--by", "year", "--brief").stdout
    assert "by financial years ending 31 March" in table

    # One statement's own periods (a draft: not coarsened against other statements).
    statement = transparency.statement(entries, options, draft=True)
    assert statement.years == "financial years ending 31 March"
    periods = {p.label: p for p in statement.periods}
    single = 0
    for year in range(2017, 2026):
        start, stop = ledger_options.fy_bounds(entries, year)
        s = sofa(entries, options, start, stop, prior=False)
        label = ledger_options.fy_label(year, end)
        assert groups.get(label, Decimal(0)) == s.row("expenditure.legal").total, label
        if label in periods:  # a year shown on its own (not merged for privacy)
            single += 1
            assert periods[label].raised == s.row("income.total").total, label
            assert periods[label].spent == s.row("expenditure.total").total, label
    assert single >= 3
    assert not any(str(y) in groups for y in range(2017, 2026))  # no calendar-year keys


def test_fava_legal_by_year_is_the_financial_year(demo):
    """The Funds page's legal spend by firm and year counts the same financial years as
    `legal --by year`, with the same labels."""
    from fava_support import fava_app

    from reports.legal import legal_spend

    with demo.open("a") as f:
        f.write(MARCH)
    entries, options = load(demo)
    end = ledger_options.fy_end(entries)
    want: dict[str, Decimal] = {}
    for line in legal_spend(entries, options, by="year").lines:
        if line.fund == "lumen-grant":
            label = ledger_options.fy_label(ledger_options.fy_of(line.date, end), end)
            want[label] = want.get(label, Decimal(0)) + line.amount
    app, slug = fava_app(demo)
    page = app.test_client().get(f"/{slug}/extension/Funds/?fund=lumen-grant")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "financial years ending 31 March" in text
    table = text.split('class="legal-by-year"')[1].split("</table>")[0]
    header = [h.split(">")[-1] for h in table.split("</th>")[1:-2]]
    total = table.split("<tr")[-1]
    cells = [c.split(">")[-1] for c in total.split("</td>")[1:-2]]
    got = {h: Decimal(c.replace(",", "")) for h, c in zip(header, cells, strict=True)}
    assert got == {k: v for k, v in want.items() if v}
    assert all("/" in h for h in got)
