"""Accrued grant income, as a beancount plugin: `plugin "ledger.accruals"` in the books,
before `plugin "ledger.plugin"` so the fund rules check what it writes.

A grant awarded unconditionally is income when it is awarded, not when its cash arrives
(Charities SORP FRS 102). The books declare the award:

    2019-05-01 custom "grant-award" "lumen-grant" 60000.00 EUR
      rate: 0.8870            ; GBP per EUR on the award date (else the fund's award-rate)
      conditions: "none"      ; "none": unconditional. Anything else: a condition not yet
                              ;  met, so nothing is accrued until the award is re-declared
      conditions-met: 2019-09-01  ; (with conditions) the day they were met: income then

and the plugin, on the accruals basis (`fundledger-option basis`, default), writes:

- on the award date, the award as income of the fund, with a debtor in the grant's
  currency: `Assets:Debtors:Grants  60000.00 EUR @@ 53220.00 GBP` against the income
  account the grant's tranches are booked on;
- for each tranche received after it (an Income posting of the fund in the grant's
  currency), the income posting becomes the settlement of the debtor at the award-date
  rate, and the difference between the pounds received and that value is booked to
  `Income:FX:Grants` as a realised exchange gain (credit) or loss (debit): the SOFA shows
  it under net gains/(losses), not as a memo line. The debtor posting keeps what was
  actually received as `received:`, so the funder report still sees each tranche.

On the receipts basis it changes nothing. Errors (an unknown fund, no income account, no
rate) are load errors with the declaration's file and line.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from beancount.core import amount as amount_lib
from beancount.core.data import Custom, Open, Posting, Transaction

from ledger import funds as fundmodel
from ledger import options as ledger_options

__plugins__ = ("accrue_grants",)

AWARD = "grant-award"
DEBTOR = "Assets:Debtors:Grants"
FX = "Income:FX:Grants"
ACCRUAL_KEY = "accrual"  # on the award's entry: "grant-award"
RECEIVED_KEY = "received"  # on a tranche's debtor posting: the pounds actually received
CENT = Decimal("0.01")


class AccrualError(NamedTuple):
    source: dict
    message: str
    entry: object


class Award(NamedTuple):
    fund: str
    amount: amount_lib.Amount
    rate: Decimal
    account: str
    entry: Custom
    date: datetime.date  # income from: the award's date, or the day its conditions were met


def _where(entry) -> dict:
    return {"filename": entry.meta.get("filename"), "lineno": entry.meta.get("lineno")}


def _awards(entries, unit: str) -> tuple[list[Award], list[AccrualError]]:
    declared, _b, _e = fundmodel.declarations(entries)
    found, errors = [], []
    for e in entries:
        if not (isinstance(e, Custom) and e.type == AWARD):
            continue
        values = [v.value for v in e.values]
        if (len(values) != 2 or not isinstance(values[0], str)
                or not isinstance(values[1], amount_lib.Amount)):
            errors.append(AccrualError(_where(e), 'a grant award is declared as: custom '
                                       f'"{AWARD}" "<fund>" <amount> <CUR>', e))
            continue
        fund, amount = values
        if fund not in declared:
            errors.append(AccrualError(_where(e), f"grant-award: fund '{fund}' is not "
                                       "declared", e))
            continue
        met = e.meta.get("conditions-met")
        conditional = str(e.meta.get("conditions", "none")).strip().lower() != "none"
        if conditional and not isinstance(met, datetime.date):
            continue  # conditional: not income until the conditions are met
        fund_meta = next((x.meta for x in entries if isinstance(x, Custom) and x.type ==
                          fundmodel.FUND and x.values[0].value == fund), {})
        rate = e.meta.get("rate", fund_meta.get("award-rate"))
        if amount.currency == unit:
            rate = Decimal(1)
        try:
            rate = Decimal(str(rate))
            if rate <= 0:
                raise ValueError
        except (ArithmeticError, ValueError):
            errors.append(AccrualError(_where(e), f"grant-award '{fund}': rate: the {unit} per "
                                       f"{amount.currency} on the award date is needed, "
                                       "like 0.8870", e))
            continue
        account = e.meta.get("account") or next(
            (p.account for t, p, f in fundmodel.fund_postings(entries)
             if f == fund and p.account.startswith("Income:")
             and p.units.currency == amount.currency), None)
        if not account:
            errors.append(AccrualError(_where(e), f"grant-award '{fund}': no income account "
                                       f"(give account: \"Income:Grants:...\")", e))
            continue
        if conditional:  # tranches received before the conditions were met were income
            early = sum((-p.units.number for t, p, f in fundmodel.fund_postings(entries)
                         if f == fund and p.account == account and t.date < met
                         and p.units.currency == amount.currency), Decimal(0))
            amount = amount_lib.Amount(amount.number - early, amount.currency)
        found.append(Award(fund, amount, rate, account, e,
                           met if conditional else e.date))
    return found, errors


def _price(number: Decimal, unit: str) -> amount_lib.Amount:
    return amount_lib.Amount(number.quantize(CENT), unit)


def _total_price(units: Decimal, total: Decimal, unit: str):
    # beancount keeps `@@ total` as a per-unit price; hand it the per-unit value
    return amount_lib.Amount(total / units, unit)


def accrue_grants(entries, options_map, config=None):
    unit = (options_map.get("operating_currency") or ["GBP"])[0]
    try:
        if ledger_options.basis(entries) == "receipts":
            return entries, []
    except ledger_options.OptionError:
        return entries, []  # reported by the commands that read the option
    awards, errors = _awards(entries, unit)
    if not awards:
        return entries, errors
    by_fund = {a.fund: a for a in awards}
    out = []
    opened = {e.account for e in entries if isinstance(e, Open)}
    first = min(a.date for a in awards)
    for account in (DEBTOR, FX):
        if account not in opened:
            out.append(Open({"filename": "<ledger.accruals>", "lineno": 0}, first, account,
                            None, None))
    for e in entries:
        out.append(_settle(e, by_fund, unit) if isinstance(e, Transaction) else e)
        if isinstance(e, Custom) and e.type == AWARD:
            award = next((a for a in awards if a.entry is e), None)
            if award is not None:
                out.append(_award_entry(award, unit))
    out.sort(key=lambda x: (x.date, 0 if isinstance(x, Open) else 1))
    return out, errors


def _award_entry(a: Award, unit: str) -> Transaction:
    n = a.amount.number
    value = (n * a.rate).quantize(CENT)
    meta = {**_where(a.entry), "fund": a.fund, ACCRUAL_KEY: AWARD}
    postings = [
        Posting(DEBTOR, a.amount, None, _total_price(n, value, unit), None, {}),
        Posting(a.account, amount_lib.Amount(-n, a.amount.currency), None,
                _total_price(n, value, unit), None, {"fund": a.fund}),
    ]
    return Transaction(meta, a.date, "*", None,
                       f"Grant awarded: {a.amount.to_string()} at {a.rate}",
                       frozenset(), frozenset(), postings)


def _settle(txn: Transaction, awards: dict[str, Award], unit: str) -> Transaction:
    """A tranche of an accrued award: settle the debtor, book the exchange difference."""
    postings, changed = [], False
    for p in txn.postings:
        fund = fundmodel.posting_fund(p, txn)
        a = awards.get(fund)
        if (a is None or txn.date < a.date or not p.account.startswith("Income:")
                or p.units.currency != a.amount.currency or p.price is None):
            postings.append(p)
            continue
        received = -fundmodel.weight(p).number  # the pounds the bank got
        units = -p.units.number
        value = (units * a.rate).quantize(CENT)  # the debtor it settles, at the award rate
        postings.append(Posting(DEBTOR, p.units, None, _total_price(units, value, unit), None,
                                {RECEIVED_KEY: _price(received, unit)}))
        if received != value:
            postings.append(Posting(FX, amount_lib.Amount(value - received, unit), None, None,
                                    None, {"fund": fund}))
        changed = True
    return txn._replace(postings=postings) if changed else txn
