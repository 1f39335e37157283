"""The SOFA and funds note as a terminal table, JSON, CSV or self-contained HTML.

JSON contract (docs/reports.md): {"funds": [{"fund", "brought_forward", "income",
"expenditure", "transfers", "carried_forward"}, ...], ...}, amounts as decimal strings in
the operating currency.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reports import render
from reports.sofa import FundMovement, Sofa, SofaRow

FUND_KEYS = ("brought_forward", "income", "expenditure", "transfers", "carried_forward")
TEMPLATES = Path(__file__).parent / "templates"
SECTION_TITLES = {"income": "Income from:", "expenditure": "Expenditure on:",
                  "funds": "Reconciliation of funds:"}


def _funds(funds: list[FundMovement]) -> list[dict]:
    """Per fund; "gains" only where the period has gains or losses (additive)."""
    gains = any(m.gains for m in funds)
    return [{"fund": m.fund, **{k: render.jsonable(getattr(m, k)) for k in FUND_KEYS},
             **({"gains": str(m.gains)} if gains else {})} for m in funds]


def _rows(rows: list[SofaRow]) -> list[dict]:
    return [{"key": r.key, "label": r.label, "unrestricted": str(r.unrestricted),
             "restricted": str(r.restricted), "endowment": str(r.endowment),
             "total": str(r.total),
             "prior_total": None if r.prior_total is None else str(r.prior_total)}
            for r in rows]


def to_json(s: Sofa) -> str:
    data = {
        "currency": s.currency,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "funds": _funds(s.funds),
        "fund_classes": {m.fund: m.fund_class for m in s.funds},
        "sofa": _rows(s.rows),
        "rates": rates_json(s.rates),
        "prior": None if s.prior is None else {
            "start": s.prior.start.isoformat(), "end": s.prior.end.isoformat(),
            "funds": _funds(s.prior.funds), "sofa": _rows(s.prior.rows)},
    }
    return json.dumps(data, indent=2) + "\n"


def _sofa_header(s: Sofa) -> list[str]:
    prior = "Prior"
    if s.prior:
        years = sorted({s.prior.start.year, s.prior.end.year})
        prior = "Prior " + "/".join(str(y) for y in years)
    return ["", "Unrestricted", "Restricted", *(["Endowment"] if s.endowment else []),
            "Total", prior]


def _sofa_table_rows(s: Sofa) -> list[list]:
    out, section = [], None
    for r in s.rows:
        if r.section != section:
            section = r.section
            if section in SECTION_TITLES:
                out.append([SECTION_TITLES[section], *[""] * (len(_sofa_header(s)) - 1)])
        out.append([r.label if r.is_total else f"  {r.label}", r.unrestricted, r.restricted,
                    *([r.endowment] if s.endowment else []), r.total,
                    "" if r.prior_total is None else r.prior_total])
    return out


def comparatives(s: Sofa) -> tuple[list[str], list[list]] | None:
    """The prior year by fund class (SORP's comparative SOFA): its header and rows, the
    same lines as this year's without a prior column of their own."""
    if s.prior is None:
        return None
    p = s.prior
    header = [f"Prior year {p.start} to {p.end}", *_sofa_header(s)[1:-1]]
    return header, [r[:-1] for r in _sofa_table_rows(p)]


def _has_gains(s: Sofa) -> bool:
    return any(m.gains for m in s.funds)


def _funds_rows(s: Sofa) -> list[list]:
    """The funds note; gains only where there are any; the prior year's carried forward
    per fund beside each (the per-fund comparative)."""
    prior = {m.fund: m.carried_forward for m in s.prior.funds} if s.prior else None
    rows = []
    for m in s.funds:
        values = [getattr(m, k) for k in FUND_KEYS]
        if _has_gains(s):
            values.insert(3, m.gains)
        rows.append([m.fund, m.fund_class, *values,
                     *([prior.get(m.fund, ZERO)] if prior is not None else [])])
    return rows


def _funds_header(s: Sofa) -> list[str]:
    header = list(FUNDS_HEADER)
    if _has_gains(s):
        header.insert(5, "Gains/(losses)")
    if s.prior:
        header.append(f"Prior year: carried forward at {s.prior.end}")
    return header


ZERO = Decimal(0)
FUNDS_HEADER = ["Fund", "Class", "Brought forward", "Income", "Expenditure", "Transfers",
                "Carried forward"]


def rates_json(rates) -> list[dict]:
    return [{"currency": r.currency, "rate": str(r.rate), "unit": r.unit,
             "price_date": r.rate_date.isoformat()} for r in rates]


def rates_lines(rates) -> list[str]:
    """Which exchange rates a statement used (FRS 102 s30: say so), one line each."""
    if not rates:
        return []
    return [("Exchange rates used (the books' price entries, the latest on or before each "
            "date; an entry's own @ rate comes first):"),
            *(f"  1 {r.currency} = {r.rate} {r.unit} (price of {r.rate_date})"
              for r in rates), ""]


def to_table(s: Sofa) -> str:
    title = f"{s.title}: statement of financial activities" if s.title else (
        "Statement of financial activities")
    parts = [f"{title}, {s.start} to {s.end} ({s.currency})", "",
             render.table(_sofa_header(s), _sofa_table_rows(s)), ""]
    prior = comparatives(s)
    if prior:
        parts += ["Comparatives: the prior year by fund class", "",
                  render.table(*prior), ""]
    return "\n".join([*parts, "Funds note", "",
                      render.table(_funds_header(s), _funds_rows(s),
                                   align="ll" + "r" * (len(_funds_header(s)) - 2)), "",
                      *rates_lines(s.rates)])


def to_csv(s: Sofa) -> str:
    """The SOFA, the funds note and (with a prior year) the prior year by fund class,
    separated by blank lines."""
    endowment = ["endowment"] if s.endowment else []  # a column only when the books have one
    sofa_rows = [[r.key, r.label, r.unrestricted, r.restricted,
                  *([r.endowment] if s.endowment else []), r.total, r.prior_total]
                 for r in s.rows]
    funds_header = ["fund", "class", *FUND_KEYS]
    if _has_gains(s):
        funds_header.insert(5, "gains")
    if s.prior:
        funds_header.append("prior_carried_forward")
    text = (render.write_csv(["line", "label", "unrestricted", "restricted", *endowment,
                              "total", "prior_total"], sofa_rows)
            + "\n"
            + render.write_csv(funds_header, _funds_rows(s)))
    if s.prior is None:
        return text
    prior_rows = [[r.key, r.label, r.unrestricted, r.restricted,
                   *([r.endowment] if s.endowment else []), r.total] for r in s.prior.rows]
    return text + "\n" + render.write_csv(
        ["prior_line", "label", "unrestricted", "restricted", *endowment, "total"], prior_rows)


def statement_money(n: Decimal) -> str:
    """Accounts show a negative figure in brackets: -1680 -> (1,680.00)."""
    return f"({render.money(-n)})" if n < 0 else render.money(n)


def to_html(s: Sofa) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        ["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("sofa.html.j2").render(
        s=s, rows=_sofa_table_rows(s), header=_sofa_header(s), funds=_funds_rows(s),
        funds_header=_funds_header(s),
        funds_total=[sum((r[i] for r in _funds_rows(s)), Decimal(0))
                     for i in range(2, len(_funds_header(s)))],
        money=statement_money, section_titles=SECTION_TITLES, prior=comparatives(s),
        is_money=lambda v: not isinstance(v, str))
