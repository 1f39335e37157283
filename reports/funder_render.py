"""The funder report as JSON, for other tools and for checking (the workbook is
reports.xlsx.funder_workbook). Amounts are decimal strings in the grant's currency.

    {"fund", "currency", "from", "to",
     "lines": [{"line", "budget", "period", "to_date"}, ...],
     "period", "to_date"}

`period` is what was spent in from..to, `to_date` from the grant's start to `to`; both
converted at the rates of the tranches the money was paid from, so to_date through one
year plus the next year's period is to_date through the next year, line by line. Extra
keys are additive.
"""

from __future__ import annotations

import json

from reports.funder import FunderReport


def as_json(r: FunderReport) -> dict:
    return {
        "fund": r.fund,
        "currency": r.currency,
        "from": r.start.isoformat(),
        "to": r.end.isoformat(),
        "lines": [{"line": x.line, "budget": str(x.budget), "period": str(x.spent),
                   "to_date": str(x.spent_to_date), "budgeted": x.budgeted,
                   "over_budget": bool(x.budget) and x.over}
                  for x in r.lines],
        "period": str(r.spent),
        "to_date": str(r.spent_to_date),
        "award": str(r.award),
        "remaining": str(r.remaining),
        "received_in_period": str(r.received),
        "unit": r.gbp,
        "period_in_unit": str(r.spent_gbp),
        "to_date_in_unit": str(r.spent_to_date_gbp),
        "uncovered_in_unit": str(r.uncovered_gbp),
        "remaining_in_unit": str(r.remaining_gbp),
        "accrued_in_unit": str(r.accrued_gbp),
        # None (null): left out, the fund holding gifts from supporters (funder_public)
        "other_to_date_in_unit": _or_none(r.other_to_date_gbp),
        "balance_in_unit": _or_none(r.balance_gbp),
    }


def _or_none(n) -> str | None:
    return None if n is None else str(n)


def json_text(r: FunderReport) -> str:
    return json.dumps(as_json(r), indent=2, ensure_ascii=False) + "\n"
