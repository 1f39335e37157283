"""Receipts and payments accounts, with a statement of assets and liabilities: the
accounts a charity under the accruals threshold may prepare instead of a SOFA and balance
sheet (the books declare it: `custom "fundledger-option" "basis" "receipts"`).

    receipts_payments(entries, options, start, end) -> ReceiptsPayments

Only money that moved counts. A transaction moves money when its postings to money
accounts (`reports.classify.is_cash`: bank, PayPal, Stripe, a platform's balance, the
solicitors' client account, money in transit) do not net to zero; its other postings say
what the money was for, in the SOFA's headings:

- an Income posting is a receipt under its income heading (a refund nets against it);
- an Expenses posting is a payment under its expenditure heading;
- a leftover returned on closing (`leftover: "returned"`) is a payment, "unspent funds
  returned to donors", as in the SOFA;
- paying a creditor (an invoice booked earlier) is a payment under the heading of the
  invoice's expenses, in the year it is paid; booking the invoice moved no money;
- anything else (a loan) is another receipt or payment; but a statement's balance brought
  forward (cash against `Equity:Funds:Opening` alone) is cash brought forward, never a
  receipt.

Receipts and payments are in columns by fund class, as the SOFA's (unrestricted with
designated, restricted). Cash brought forward and carried forward are the money
accounts' balances, so for every period

    cash_carried_forward - cash_brought_forward == total_receipts - total_payments

and one year's carried forward is the next year's brought forward. An amount in another
currency counts at the rate on its date (its entry's own, else the books' `price`:
`ledger.rates`), and money held in another currency at the closing rate (`reports.fx`), so
the invariant holds with the exchange difference on that money added to the receipts and
payments (`exchange_difference`, a gain positive). Amounts in other currencies with no rate
at all are not counted (they have no pound value); they are listed in `foreign`.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from beancount.core.amount import Amount
from beancount.core.data import Transaction

from ledger import funds as fundmodel
from ledger.closing import LEFTOVER_KEY
from ledger.rates import NoRate, Rates
from reports import classify, fx
from reports.balance_sheet import AssetsAndLiabilities, assets_and_liabilities
from reports.classify import ReportError, operating_currency
from reports.funds import RETURNED

ZERO = Decimal("0.00")
COLUMNS = ("unrestricted", "restricted")


@dataclasses.dataclass
class Line:
    key: str
    label: str
    unrestricted: Decimal
    restricted: Decimal

    @property
    def total(self) -> Decimal:
        return self.unrestricted + self.restricted


@dataclasses.dataclass
class ReceiptsPayments:
    title: str
    currency: str
    start: datetime.date
    end: datetime.date
    receipts: list[Line]
    payments: list[Line]
    total_receipts: Decimal
    total_payments: Decimal
    cash_brought_forward: Decimal
    cash_carried_forward: Decimal
    cash_accounts: dict[str, tuple[Decimal, Decimal]]  # account -> (brought, carried forward)
    statement: AssetsAndLiabilities  # at the period's end
    foreign: dict[str, Decimal]
    # Money held in other currencies retranslated at the closing rate: its change in the
    # period (gain positive), so that carried forward = brought forward + net + this.
    exchange_difference: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.total_receipts - self.total_payments


def _invoice_headings(entries) -> dict[str, tuple[str, str | None]]:
    """Invoice number -> (expenditure heading, fund) of the expenses it booked."""
    out: dict[str, tuple[str, str | None]] = {}
    for txn in entries:
        if not isinstance(txn, Transaction) or not txn.meta.get("invoice"):
            continue
        spend = [p for p in txn.postings if p.account.startswith("Expenses:")]
        if spend:
            biggest = max(spend, key=lambda p: abs(p.units.number))
            out.setdefault(str(txn.meta["invoice"]), (
                classify.expenditure_heading(biggest.account),
                fundmodel.posting_fund(biggest, txn)))
    return out


def cash_balances(entries, options, until: datetime.date, rates: Rates | None = None
                  ) -> tuple[dict[str, Decimal], Decimal]:
    """The money accounts' balances at the end of `until`, in the operating currency, with
    money in other currencies at the closing rate; and that money's exchange difference
    to date (closing less booked value)."""
    unit = operating_currency(options)
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for txn in entries:
        if isinstance(txn, Transaction) and txn.date <= until:
            for p in txn.postings:
                if classify.is_cash(p.account) and not fx.is_monetary(p, unit):
                    w = fx.booked(p, unit)
                    if w.currency == unit:
                        out[p.account] += w.number
    difference = ZERO
    for r in fx.retranslate(entries, options, until, rates).items:
        if classify.is_cash(r.account):
            out[r.account] += r.closing
            difference += r.difference
    return dict(out), difference


def receipts_payments(entries: list, options: dict, start: datetime.date,
                      end: datetime.date) -> ReceiptsPayments:
    if start > end:
        raise ReportError(f"the period starts ({start}) after it ends ({end})")
    unit = operating_currency(options)
    declared, _b, _e = fundmodel.declarations(entries)
    invoices = _invoice_headings(entries)
    receipts: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    payments: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    foreign: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rates = Rates(entries, unit)

    def value(p, txn) -> Amount:
        w = fx.booked(p, unit)
        try:
            return Amount(rates.value(w, txn.date), unit)
        except NoRate:
            return w

    def column(fund_id: str | None) -> str:
        fund = declared.get(fund_id) if fund_id else None
        return classify.sofa_column(fund.fund_class) if fund else "unrestricted"

    opened: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for txn in entries:
        if not isinstance(txn, Transaction) or not start <= txn.date <= end:
            continue
        weights = [(p, value(p, txn)) for p in txn.postings]
        for p, w in weights:
            if w.currency != unit and classify.is_cash(p.account):
                foreign[w.currency] += w.number
        cash = sum((w.number for p, w in weights
                    if w.currency == unit and classify.is_cash(p.account)), ZERO)
        if cash == 0:
            continue  # no money moved: an invoice booked, a transfer between funds
        if any(p.account == fundmodel.OPENING_ACCOUNT for p in txn.postings) and all(
                classify.is_cash(p.account) or p.account == fundmodel.OPENING_ACCOUNT
                for p in txn.postings):
            # A statement's balance brought forward: money held before the books began,
            # cash brought forward, never a receipt.
            for p, w in weights:
                if w.currency == unit and classify.is_cash(p.account):
                    opened[p.account] += w.number
            continue
        returning = txn.meta.get(LEFTOVER_KEY) == RETURNED
        for p, w in weights:
            if w.currency != unit or classify.is_cash(p.account):
                continue
            n, account = w.number, p.account
            fund_id = fundmodel.posting_fund(p, txn)
            if account.startswith("Income:") and returning:
                payments["returned", column(fund_id)] += n
            elif account.startswith("Income:"):
                receipts[classify.income_heading(account), column(fund_id)] -= n
            elif account.startswith("Expenses:"):
                payments[classify.expenditure_heading(account), column(fund_id)] += n
            elif account.startswith("Liabilities:") and str(txn.meta.get("invoice")) in invoices:
                heading, invoice_fund = invoices[str(txn.meta["invoice"])]
                payments[heading, column(fund_id or invoice_fund)] += n
            elif n > 0:
                payments["other", column(fund_id)] += n
            else:
                receipts["other", column(fund_id)] -= n

    def lines(cells, headings) -> list[Line]:
        return [Line(h.key, h.label, cells[h.key, "unrestricted"], cells[h.key, "restricted"])
                for h in headings]

    r = lines(receipts, classify.RECEIPT_HEADINGS)
    pay = lines(payments, classify.PAYMENT_HEADINGS)
    before, diff_before = cash_balances(entries, options, start - datetime.timedelta(days=1),
                                        rates)
    for account, n in opened.items():
        before[account] = before.get(account, ZERO) + n
    after, diff_after = cash_balances(entries, options, end, rates)
    accounts = {a: (before.get(a, ZERO), after.get(a, ZERO))
                for a in sorted(set(before) | set(after))
                if before.get(a, ZERO) or after.get(a, ZERO)}
    return ReceiptsPayments(
        title=(options or {}).get("title") or "", currency=unit, start=start, end=end,
        receipts=r, payments=pay, total_receipts=sum((x.total for x in r), ZERO),
        total_payments=sum((x.total for x in pay), ZERO),
        cash_brought_forward=sum(before.values(), ZERO),
        cash_carried_forward=sum(after.values(), ZERO), cash_accounts=accounts,
        statement=assets_and_liabilities(entries, options, end),
        foreign={c: n for c, n in foreign.items() if n},
        exchange_difference=diff_after - diff_before)
