"""The reconciliation of holding accounts as a terminal table or JSON (decimal strings)."""

from __future__ import annotations

import json

from reports import render
from reports.reconcile import AccountCheck


def as_json(rows: list[AccountCheck]) -> list[dict]:
    def dec(n):
        return None if n is None else str(n)
    return [{"account": r.account, "currency": r.currency,
             "statement_date": r.statement_date and r.statement_date.isoformat(),
             "statement": dec(r.statement), "import_id": r.import_id, "books": dec(r.books),
             "difference": dec(r.difference), "since_entries": len(r.since),
             "since_total": dec(r.since_total), "balance": dec(r.balance),
             "reconciled": r.reconciled, "problem": r.problem()} for r in rows]


def json_text(rows: list[AccountCheck]) -> str:
    return json.dumps(as_json(rows), indent=2) + "\n"


def table_text(rows: list[AccountCheck]) -> str:
    def money(n):
        return "" if n is None else render.money(n)
    head = ("account", "cur", "statement", "statement bal", "books that day", "difference",
            "since", "since total", "status")
    body = [(r.account, r.currency, str(r.statement_date or "none"), money(r.statement),
             money(r.books), money(r.difference), str(len(r.since)),
             money(r.since_total) if r.since else "",
             "reconciled" if r.reconciled else "NOT reconciled") for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=False)]
    lines = ["  ".join(str(c).ljust(w) if i in (0, 1, 2, 8) else str(c).rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             .rstrip() for row in (head, *body)]
    problems = [r.problem() for r in rows if not r.reconciled]
    lines.append("")
    lines.append(f"{len(rows) - len(problems)} of {len(rows)} holding accounts reconciled"
                 + (":" if problems else "."))
    lines += [f"  - {p}" for p in problems]
    return "\n".join(lines) + "\n"
