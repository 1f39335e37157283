"""Small inline SVG charts: no script, no font, no image, nothing fetched.

Each chart is a self-contained `<svg>` with a `<title>` and `<desc>` (read by screen
readers) and scales to its container's width through its viewBox. The viewBoxes are
narrow (360 units) so that text stays legible on a phone, where the chart is drawn at
about one unit per pixel. Geometry is computed in Decimal like the money it draws, and
every label is escaped: charts are safe to embed in an autoescaped Jinja page (the
transparency statement, the Fava extension).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

WIDTH = 360
RAISED_COLOUR = "#1b6f6a"
SPENT_COLOUR = "#b8452f"
BAR_COLOUR = "#2f5d8a"
TEXT_COLOUR = "#1f2328"


def _n(x: Decimal | int) -> str:
    """A coordinate: one decimal place is plenty for a screen."""
    return f"{Decimal(x):.1f}".rstrip("0").rstrip(".")


def compact_money(number: Decimal, symbol: str = "£") -> str:
    """An axis label: £1.2k, £52k, £1.1m (exact Decimal rounding, no float)."""
    sign = "-" if number < 0 else ""
    n = abs(number)
    for unit, size in (("m", Decimal(1_000_000)), ("k", Decimal(1000))):
        if n >= size:
            value = n / size
            places = Decimal("0.1") if value < 10 else Decimal(1)
            text = f"{value.quantize(places, ROUND_HALF_UP):f}".removesuffix(".0")
            return f"{sign}{symbol}{text}{unit}"
    return f"{sign}{symbol}{n.quantize(Decimal(1), ROUND_HALF_UP):f}"


def _nice_max(top: Decimal) -> Decimal:
    """The axis maximum: the data's maximum rounded up to 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return Decimal(1)
    exponent = top.adjusted()
    for step in (1, 2, 5, 10):
        candidate = Decimal(step).scaleb(exponent)
        if candidate >= top:
            return candidate
    return Decimal(10).scaleb(exponent)


def _fit(label: str, room: int) -> str:
    """A label cut to about `room` units at 13px (7 units a character on average); the
    full text is in the chart's description and the table beside it."""
    most = max(room // 7, 4)
    return label if len(label) <= most else label[:most - 1].rstrip() + "\u2026"


def _open(height: Decimal | int, title: str, desc: str) -> tuple[str, str]:
    # An id from the title, so the same statement always renders to the same bytes.
    uid = "chart-" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "untitled")
    head = (f'<svg viewBox="0 0 {WIDTH} {_n(height)}" '
            f'role="img" aria-labelledby="{uid}-t {uid}-d" class="chart" '
            f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
            f'fill="{TEXT_COLOUR}">'
            f'<title id="{uid}-t">{escape(title)}</title>'
            f'<desc id="{uid}-d">{escape(desc)}</desc>')
    return head, "</svg>"


def bar_chart(items: Sequence[tuple[str, Decimal]], title: str, value_text,
              colour: str = BAR_COLOUR) -> Markup:
    """Horizontal bars, one per (label, amount), the label and figure above each bar.

    `value_text(amount)` formats the figure (e.g. "£41,888.00")."""
    desc = "; ".join(f"{label}: {value_text(n)}" for label, n in items) or "nothing to show"
    row = 46
    height = max(row * len(items) + 6, 30)
    head, tail = _open(height, title, desc)
    top = max((n for _label, n in items), default=Decimal(0))
    scale = Decimal(WIDTH - 2) / top if top > 0 else Decimal(0)
    parts = [head]
    for i, (label, n) in enumerate(items):
        y = row * i
        value = value_text(n)
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">'
                     f'{escape(_fit(label, WIDTH - 8 * len(value) - 12))}</text>'
                     f'<text x="{WIDTH}" y="{y + 16}" font-size="13" text-anchor="end" '
                     f'font-weight="600">{escape(value)}</text>'
                     f'<rect x="0" y="{y + 22}" width="{_n(max(n * scale, Decimal(1)))}" '
                     f'height="16" rx="2" fill="{colour}"/>')
    if not items:
        parts.append('<text x="0" y="20" font-size="13">Nothing spent yet.</text>')
    parts.append(tail)
    return Markup("".join(parts))


def raised_spent_chart(periods: Sequence[tuple[str, Decimal, Decimal]], title: str,
                       value_text, symbol: str = "£") -> Markup:
    """Paired columns per period: money raised and money spent, with a legend and a y axis."""
    desc = "; ".join(f"{label}: raised {value_text(r)}, spent {value_text(s)}"
                     for label, r, s in periods) or "nothing to show"
    left, right, top_pad, plot_h = 44, 4, 30, 160
    label_h = 34
    height = top_pad + plot_h + label_h
    head, tail = _open(height, title, desc)
    legend = (f'<rect x="{left}" y="4" width="12" height="12" fill="{RAISED_COLOUR}"/>'
              f'<text x="{left + 16}" y="14" font-size="12">Raised</text>'
              f'<rect x="{left + 76}" y="4" width="12" height="12" fill="{SPENT_COLOUR}"/>'
              f'<text x="{left + 92}" y="14" font-size="12">Spent</text>')
    parts = [head, legend]
    peak = max([max(r, s) for _l, r, s in periods] + [Decimal(0)])
    axis_max = _nice_max(peak)
    base = top_pad + plot_h
    for frac in (Decimal(0), Decimal("0.5"), Decimal(1)):
        y = base - plot_h * frac
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{_n(y)}" y2="{_n(y)}" '
                     f'stroke="#c9ced6" stroke-width="1"/>'
                     f'<text x="{left - 4}" y="{_n(y + 4)}" font-size="11" text-anchor="end">'
                     f'{escape(compact_money(axis_max * frac, symbol))}</text>')
    if periods:
        slot = Decimal(WIDTH - left - right) / len(periods)
        bar = min(slot * Decimal("0.36"), Decimal(28))
        for i, (label, raised, spent) in enumerate(periods):
            cx = left + slot * i + slot / 2
            for value, colour, x in ((raised, RAISED_COLOUR, cx - bar - 1),
                                     (spent, SPENT_COLOUR, cx + 1)):
                h = plot_h * max(value, Decimal(0)) / axis_max
                parts.append(f'<rect x="{_n(x)}" y="{_n(base - h)}" width="{_n(bar)}" '
                             f'height="{_n(h)}" fill="{colour}"/>')
            # A merged period ("2017-2021") is written on two lines to fit its slot.
            first, dash, rest = label.partition("\u2013")
            parts.append(f'<text x="{_n(cx)}" y="{base + 14}" font-size="11" '
                         f'text-anchor="middle">{escape(first + dash)}')
            if rest:
                parts.append(f'<tspan x="{_n(cx)}" dy="13">{escape(rest)}</tspan>')
            parts.append("</text>")
    else:
        parts.append(f'<text x="{left}" y="{top_pad + 20}" font-size="13">'
                     'Nothing raised or spent yet.</text>')
    parts.append(tail)
    return Markup("".join(parts))
