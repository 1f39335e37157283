"""Legal spend as tables, CSV and JSON."""

from __future__ import annotations

import json

from reports import render
from reports.legal import LegalSpend


def as_json(data: LegalSpend) -> dict:
    u = data.unit
    return {
        "since": data.since.isoformat() if data.since else None,
        "as_of": data.as_of.isoformat() if data.as_of else None,
        "by": data.by,
        "years": data.years,
        "currency": u,
        "total": f"{data.total} {u}",
        "unpaid": f"{data.unpaid} {u}",
        "groups": [{"key": g.key, "total": f"{g.total} {u}", "unpaid": f"{g.unpaid} {u}",
                    "invoices": list(g.invoices), "lines": g.lines} for g in data.groups],
        "lines": [{**render.jsonable(line), "amount": f"{line.amount} {u}"}
                  for line in data.lines],
        "foreign": {c: str(n) for c, n in data.foreign.items()},
    }


def json_text(data: LegalSpend) -> str:
    return json.dumps(as_json(data), indent=2, ensure_ascii=False) + "\n"


def table_text(data: LegalSpend, lines: bool = True) -> str:
    since = (f" since {data.since}" if data.since else "") + (
        f", as the books stood at {data.as_of}" if data.as_of else "")
    by = data.years if data.by == "year" else data.by
    out = [f"Legal fees{since}, by {by} (amounts in {data.unit})", ""]
    rows = [[g.key, ", ".join(g.invoices), g.total, g.unpaid or ""] for g in data.groups]
    rows.append(["Total", "", data.total, data.unpaid or ""])
    out.append(render.table([data.by.capitalize(), "Invoices", "Total", "Unpaid"], rows,
                            align="llrr"))
    if lines and data.lines:
        out += ["", render.table(
            ["Date", "Invoice", "Firm", "Fund", "Category", "Amount", "Paid"],
            [[x.date, x.invoice or "", x.firm, x.fund, x.category, x.amount,
              "yes" if x.paid else "NO"] for x in data.lines], align="lllllrl")]
    for currency, n in data.foreign.items():
        out.append(f"Not counted: {n} {currency} booked without a rate to {data.unit}")
    return "\n".join(out) + "\n"


def csv_text(data: LegalSpend) -> str:
    """Every legal posting, one row each: the spreadsheet sums it any way it likes."""
    return render.write_csv(
        ["date", "invoice", "firm", "fund", "category", "account", "description",
         "amount", "currency", "paid"],
        [[x.date, x.invoice, x.firm, x.fund, x.category, x.account, x.narration, x.amount,
          data.unit, "yes" if x.paid else "no"] for x in data.lines])
