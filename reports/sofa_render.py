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
    return [{"fund": m.fund, **{k: render.jsonable(getattr(m, k)) for k in FUND_KEYS}}
            for m in funds]


def _rows(rows: list[SofaRow]) -> list[dict]:
    return [{"key": r.key, "label": r.label, "unrestricted": str(r.unrestricted),
             "restricted": str(r.restricted), "total": str(r.total),
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
    return ["", "Unrestricted", "Restricted", "Total", prior]


def _sofa_table_rows(s: Sofa) -> list[list]:
    out, section = [], None
    for r in s.rows:
        if r.section != section:
            section = r.section
            if section in SECTION_TITLES:
                out.append([SECTION_TITLES[section], "", "", "", ""])
        out.append([r.label if r.is_total else f"  {r.label}", r.unrestricted, r.restricted,
                    r.total, "" if r.prior_total is None else r.prior_total])
    return out


def _funds_rows(s: Sofa) -> list[list]:
    return [[m.fund, m.fund_class, *(getattr(m, k) for k in FUND_KEYS)] for m in s.funds]


FUNDS_HEADER = ["Fund", "Class", "Brought forward", "Income", "Expenditure", "Transfers",
                "Carried forward"]


def to_table(s: Sofa) -> str:
    title = f"{s.title}: statement of financial activities" if s.title else (
        "Statement of financial activities")
    return "\n".join([
        f"{title}, {s.start} to {s.end} ({s.currency})", "",
        render.table(_sofa_header(s), _sofa_table_rows(s)), "",
        "Funds note", "",
        render.table(FUNDS_HEADER, _funds_rows(s), align="ll" + "r" * 5), ""])


def to_csv(s: Sofa) -> str:
    """Two tables, the SOFA then the funds note, separated by a blank line."""
    sofa_rows = [[r.key, r.label, r.unrestricted, r.restricted, r.total, r.prior_total]
                 for r in s.rows]
    return (render.write_csv(["line", "label", "unrestricted", "restricted", "total",
                              "prior_total"], sofa_rows)
            + "\n"
            + render.write_csv(["fund", "class", *FUND_KEYS], _funds_rows(s)))


def statement_money(n: Decimal) -> str:
    """Accounts show a negative figure in brackets: -1680 -> (1,680.00)."""
    return f"({render.money(-n)})" if n < 0 else render.money(n)


def to_html(s: Sofa) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        ["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("sofa.html.j2").render(
        s=s, rows=_sofa_table_rows(s), header=_sofa_header(s), funds=_funds_rows(s),
        funds_header=FUNDS_HEADER,
        funds_total=[sum((getattr(m, k) for m in s.funds), Decimal(0)) for k in FUND_KEYS], money=statement_money, section_titles=SECTION_TITLES,
        is_money=lambda v: not isinstance(v, str))
