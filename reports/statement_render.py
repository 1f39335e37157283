"""The balance sheet, receipts and payments accounts and trial balance as tables: for the
terminal, CSV, self-contained HTML and (via reports.xlsx) a workbook. Rendering only: the
figures come from reports.balance_sheet, reports.receipts_payments, reports.trial_balance.

Each statement becomes a list of `Table`s (a title, a header, rows whose first cell is a
label and the rest amounts); every format renders those same tables.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from jinja2 import Environment, select_autoescape

from reports import classify, render
from reports.balance_sheet import (
    ANALYSIS_COLUMNS,
    CURRENT,
    FUND_CLASS_ORDER,
    BalanceSheet,
    analysis_total,
)
from reports.receipts_payments import ReceiptsPayments
from reports.trial_balance import TrialBalance

FUND_LABELS = {"unrestricted": "Unrestricted funds: general", "designated":
               "Unrestricted funds: designated", "restricted": "Restricted funds",
               "endowment": "Endowment funds"}


@dataclasses.dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]
    totals: set[int] = dataclasses.field(default_factory=set)  # row indexes shown bold

    def add(self, *cells, total: bool = False) -> None:
        if total:
            self.totals.add(len(self.rows))
        self.rows.append(list(cells))


def _d(n: Decimal) -> str:
    return str(n)


# ---- balance sheet -------------------------------------------------------------------

def balance_sheet_tables(b: BalanceSheet) -> list[Table]:
    prior = b.prior
    header = ["", f"At {b.date}"] + ([f"At {prior.date}"] if prior else [])

    def cells(get):
        return [get(b)] + ([get(prior)] if prior else [])

    sheet = Table(f"Balance sheet at {b.date} ({b.currency})", header, [])
    label = {h.key: h.label for h in (*classify.BALANCE_SHEET_LINES, *classify.LIABILITY_LINES)}
    sheet.add(label["fixed_assets"], *cells(lambda s: s.position.assets["fixed_assets"]))
    sheet.add("Current assets:", *["" for _ in cells(lambda s: 0)])
    for key in CURRENT:
        sheet.add(f"  {label[key]}", *cells(lambda s, k=key: s.position.assets[k]))
    sheet.add("Total current assets", *cells(lambda s: sum(
        (s.position.assets[k] for k in CURRENT), Decimal(0))), total=True)
    sheet.add(f"  {label['creditors_within_one_year']}",
              *cells(lambda s: -s.position.liabilities["creditors_within_one_year"]))
    sheet.add("Net current assets", *cells(lambda s: s.net_current_assets), total=True)
    sheet.add(label["creditors_after_one_year"],
              *cells(lambda s: -s.position.liabilities["creditors_after_one_year"]))
    sheet.add("Total net assets", *cells(lambda s: s.position.net_assets), total=True)
    sheet.add("The funds of the charity:", *["" for _ in cells(lambda s: 0)])
    for cls in FUND_CLASS_ORDER:
        sheet.add(f"  {FUND_LABELS[cls]}", *cells(lambda s, c=cls: s.funds.get(c, 0)))
    sheet.add("Total unrestricted funds (including designated)", *cells(
        lambda s: s.funds["unrestricted"] + s.funds["designated"]))
    sheet.add("Total funds", *cells(lambda s: s.total_funds), total=True)

    funds = Table("Funds of the charity", ["Fund", "Class", f"Balance at {b.date}"], [])
    for f in b.fund_balances:
        funds.add(f.fund, f.fund_class, f.balance)
    funds.add("Total", "", b.total_funds, total=True)

    cols = [c for c in ANALYSIS_COLUMNS if c != "endowment" or any(b.analysis[c].values())]
    analysis = Table("Analysis of net assets between funds",
                     ["", *(f"{c.capitalize()} funds" for c in cols), "Total"], [])
    for key in [h.key for h in classify.BALANCE_SHEET_LINES]:
        values = [b.analysis[c][key] for c in cols]
        analysis.add(label[key], *values, sum(values, Decimal(0)))
    values = [-b.analysis[c]["liabilities"] for c in cols]
    analysis.add("Creditors", *values, sum(values, Decimal(0)))
    values = [analysis_total(b.analysis[c]) for c in cols]
    analysis.add("Net assets", *values, sum(values, Decimal(0)), total=True)
    return [sheet, funds, analysis, *rates_tables(b.position.rates),
            *not_counted_tables(b.position.foreign, b.currency, f"held at {b.date}")]


def not_counted_tables(foreign: dict[str, Decimal], unit: str, what: str) -> list[Table]:
    """Money in a currency with no rate at all: left out of the figures, so said beside
    them (a statement that dropped it silently would look complete)."""
    if not foreign:
        return []
    t = Table(f"Not counted: money {what} in a currency with no rate to {unit} (add a "
              "price entry for it)", ["Currency", "Amount"], [])
    for currency, n in sorted(foreign.items()):
        t.add(currency, f"{n} {currency}")
    return [t]


def rates_tables(rates) -> list[Table]:
    """The exchange rates a statement used (FRS 102 s30: say which), if any."""
    if not rates:
        return []
    t = Table("Exchange rates used (the books' price entries; money held in another "
              "currency at the rate at the statement's date)",
              ["Currency", "Rate", "Price dated"], [])
    for r in rates:
        t.add(r.currency, f"{r.rate} {r.unit}", r.rate_date.isoformat())
    return [t]


def balance_sheet_json(b: BalanceSheet) -> dict:
    p = b.position
    return {
        "date": b.date.isoformat(),
        "currency": b.currency,
        "assets": {**{k: _d(v) for k, v in p.assets.items()},
                   "current_assets": _d(sum((p.assets[k] for k in CURRENT), Decimal(0))),
                   "total": _d(p.total_assets)},
        "liabilities": {**{k: _d(v) for k, v in p.liabilities.items()},
                        "total": _d(p.total_liabilities)},
        "net_current_assets": _d(b.net_current_assets),
        "net_assets": _d(p.net_assets),
        "funds": {k: _d(v) for k, v in b.funds.items()},
        "total_funds": _d(b.total_funds),
        "fund_balances": [{"fund": f.fund, "class": f.fund_class, "balance": _d(f.balance)}
                          for f in b.fund_balances],
        "analysis": {c: {k: _d(v) for k, v in col.items()} for c, col in b.analysis.items()},
        "accounts": {a: _d(n) for a, n in p.accounts.items()},
        "foreign": {c: _d(n) for c, n in p.foreign.items()},
    }


# ---- receipts and payments -----------------------------------------------------------

def receipts_payments_tables(r: ReceiptsPayments) -> list[Table]:
    """By fund class (endowment where the books have one), total, and the prior year's
    total beside each line; then each class's cash brought and carried forward."""
    cols = [c for c in ("unrestricted", "restricted", "endowment")
            if c != "endowment" or r.endowment]
    prior = r.prior
    header = ["", *(c.capitalize() for c in cols), "Total",
              *([f"Prior year to {prior.end}"] if prior else [])]
    blank = [""] * (len(header) - 1)

    def row(label, get, total=False):
        values = [get(r, c) for c in cols]
        t.add(label, *values, sum(values, Decimal(0)),
              *([sum((get(prior, c) for c in ("unrestricted", "restricted", "endowment")),
                     Decimal(0))] if prior else []), total=total)

    t = Table(f"Receipts and payments accounts, {r.start} to {r.end} ({r.currency})",
              header, [])
    t.add("Receipts:", *blank)
    for i, x in enumerate(r.receipts):
        row(f"  {x.label}", lambda s, c, i=i: s.receipts[i].column(c))
    row("Total receipts", lambda s, c: s.total("receipts", c), total=True)
    t.add("Payments:", *blank)
    for i, x in enumerate(r.payments):
        row(f"  {x.label}", lambda s, c, i=i: s.payments[i].column(c))
    row("Total payments", lambda s, c: s.total("payments", c), total=True)
    row("Net receipts/(payments)",
        lambda s, c: s.total("receipts", c) - s.total("payments", c), total=True)
    row(f"  {r.transfers.label}", lambda s, c: s.transfers.column(c))
    if r.exchange_difference or (prior and prior.exchange_difference):
        row("  Exchange difference on money in other currencies",
            lambda s, c: s.exchange_by_class.get(c, Decimal(0)))
    row("Cash brought forward", lambda s, c: s.funds_brought_forward[c])
    row("Cash carried forward", lambda s, c: s.funds_carried_forward[c], total=True)

    cash = Table("Cash funds", ["Account", f"At {r.start}", f"At {r.end}"], [])
    for account, (bf, cf) in r.cash_accounts.items():
        cash.add(account, bf, cf)
    cash.add("Total", r.cash_brought_forward, r.cash_carried_forward, total=True)

    s = r.statement
    other = Table(f"Statement of assets and liabilities at {r.end}", ["", "Amount"], [])
    other.add("Cash funds", s.assets["cash_at_bank"] + s.assets["held_by_solicitors"])
    other.add("Other monetary assets (debtors)", s.assets["debtors"])
    other.add("Investment and fixed assets", s.assets["fixed_assets"])
    for h in classify.LIABILITY_LINES:
        other.add(f"Liabilities: {h.label}", s.liabilities[h.key])
    return [t, cash, other, *rates_tables(r.statement.rates),
            *not_counted_tables(r.foreign, r.currency, "received or paid in the period"),
            *not_counted_tables(r.statement.foreign, r.currency, f"held at {r.end}")]


def receipts_payments_json(r: ReceiptsPayments) -> dict:
    def by_column(line) -> dict:
        return {c: _d(line.column(c)) for c in ("unrestricted", "restricted", "endowment")}

    return {
        "start": r.start.isoformat(), "end": r.end.isoformat(), "currency": r.currency,
        "receipts": {x.key: _d(x.total) for x in r.receipts},
        "payments": {x.key: _d(x.total) for x in r.payments},
        "columns": {"receipts": {x.key: by_column(x) for x in r.receipts},
                    "payments": {x.key: by_column(x) for x in r.payments},
                    "transfers": by_column(r.transfers)},
        "total_receipts": _d(r.total_receipts),
        "total_payments": _d(r.total_payments),
        "cash_brought_forward": _d(r.cash_brought_forward),
        "cash_carried_forward": _d(r.cash_carried_forward),
        "funds_brought_forward": {c: _d(n) for c, n in r.funds_brought_forward.items()},
        "funds_carried_forward": {c: _d(n) for c, n in r.funds_carried_forward.items()},
        "cash_accounts": {a: {"brought_forward": _d(b), "carried_forward": _d(c)}
                          for a, (b, c) in r.cash_accounts.items()},
        "assets_and_liabilities": {
            "assets": {k: _d(v) for k, v in r.statement.assets.items()},
            "liabilities": {k: _d(v) for k, v in r.statement.liabilities.items()}},
        "foreign": {c: _d(n) for c, n in r.foreign.items()},
        "exchange_difference": _d(r.exchange_difference),
        "exchange_by_class": {c: _d(n) for c, n in r.exchange_by_class.items()},
        "prior": None if r.prior is None else {
            "start": r.prior.start.isoformat(), "end": r.prior.end.isoformat(),
            "total_receipts": _d(r.prior.total_receipts),
            "total_payments": _d(r.prior.total_payments),
            "cash_brought_forward": _d(r.prior.cash_brought_forward),
            "cash_carried_forward": _d(r.prior.cash_carried_forward)},
    }


# ---- trial balance -------------------------------------------------------------------

def trial_balance_tables(t: TrialBalance) -> list[Table]:
    table = Table(f"Trial balance, {t.start} to {t.end} ({t.currency})",
                  ["Account", "Debit", "Credit"], [])
    for line in t.lines:
        table.add(line.account, line.debit, line.credit)
    table.add("Total", t.total_debit, t.total_credit, total=True)
    return [table]


def trial_balance_json(t: TrialBalance) -> dict:
    return {"start": t.start.isoformat(), "end": t.end.isoformat(), "currency": t.currency,
            "lines": [{"account": x.account, "debit": _d(x.debit), "credit": _d(x.credit)}
                      for x in t.lines],
            "total_debit": _d(t.total_debit), "total_credit": _d(t.total_credit)}


# ---- formats -------------------------------------------------------------------------

def json_text(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_table(heading: str, tables: list[Table]) -> str:
    parts = [heading, ""]
    for t in tables:
        align = "l" + "".join("l" if all(not isinstance(r[i], Decimal) for r in t.rows)
                              else "r" for i in range(1, len(t.header)))
        parts += [t.title, "", render.table(t.header, t.rows, align=align), ""]
    return "\n".join(parts)


def to_csv(tables: list[Table]) -> str:
    """Every table one after another, each row led by its table's title."""
    rows = []
    for t in tables:
        rows.append([t.title, *t.header[1:]])
        rows += [[r[0].strip() if isinstance(r[0], str) else r[0], *r[1:]] for r in t.rows]
        rows.append([])
    width = max(len(r) for r in rows)
    return render.write_csv(["table / line", *[""] * (width - 1)], rows)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
table{border-collapse:collapse;margin-bottom:2rem;width:100%}
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold;border-top:2px solid #333}
</style></head><body>
<h1>{{ heading }}</h1>
{% for t in tables %}
<h2>{{ t.title }}</h2>
<table><thead><tr>{% for h in t.header %}<th{% if not loop.first %} class="n"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for r in t.rows %}<tr{% if loop.index0 in t.totals %} class="total"{% endif %}>{% for c in r %}<td{% if is_money(c) %} class="n"{% endif %}>{{ money(c) if is_money(c) else c }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
{% endfor %}
</body></html>
"""


def bracketed(n: Decimal) -> str:
    """A statement's figure as printed: negatives in brackets."""
    return f"({render.money(-n)})" if n < 0 else render.money(n)


def to_html(heading: str, tables: list[Table]) -> str:
    """One self-contained page (no script, no outside requests); negatives in brackets."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(PAGE).render(heading=heading, tables=tables, money=bracketed,
                                        is_money=lambda v: isinstance(v, Decimal))


def nominal_ledger_csv(rows) -> str:
    """reports.trial_balance.nominal_ledger as CSV, one row per posting."""
    return render.write_csv(
        ["account", "date", "description", "fund", "amount", "balance", "source"],
        [[x.account, x.date, x.narration, x.fund, x.amount, x.balance, x.source]
         for x in rows])


def entries_behind_csv(rows) -> str:
    """reports.trial_balance.entries_behind as CSV: filter on a line, sum the amounts."""
    return render.write_csv(
        ["statement", "line", "column", "fund", "date", "account", "amount", "description",
         "source"],
        [[x.statement, x.line, x.column, x.fund, x.date, x.account, x.amount, x.narration,
          x.source] for x in rows])
