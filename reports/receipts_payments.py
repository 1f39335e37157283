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
- money put on an investment deposit is a payment ("investments bought"), money taken
  off it a receipt; a gift paid straight onto the deposit is both;
- money received for a debtor (an accrued grant's tranche) is a receipt under the heading
  of the income that booked the debtor, with its exchange difference;
- a transfer between funds is on its own line, by fund class (it nets to nothing);
- an opening balance (reports.opening) is never a receipt: it is cash brought forward;
- anything else (a loan) is another receipt or payment.

Receipts and payments are in columns by fund class, as the SOFA's (unrestricted with
designated, restricted, endowment). Cash brought forward and carried forward are the
money accounts' balances, so for every period

    cash_carried_forward - cash_brought_forward == total_receipts - total_payments

and one year's carried forward is the next year's brought forward; by fund class, each
column's cash is what moved in it since the books began (`funds_brought_forward`,
`funds_carried_forward`), adding up to the same totals. The prior year is computed by
this same function (`prior`). An amount in another currency counts at the rate on its
date (its entry's own, else the books' `price`: `ledger.rates`), and money held in
another currency at the closing rate (`reports.fx`), so the invariant holds with the
exchange difference on that money added to the receipts and payments
(`exchange_difference`, a gain positive; by fund class in `exchange_by_class`, from the
fund holding the money). Money in a currency with no rate at all has no pound value:
the account is refused (reports.fx.refuse_unrated), naming the `price` line to add,
rather than left out.
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
from ledger.rates import CENT, NoRate, Rates
from reports import classify, fx, opening
from reports.balance_sheet import AssetsAndLiabilities, assets_and_liabilities
from reports.classify import ReportError, operating_currency
from reports.fund_holdings import holding_parts
from reports.funds import RETURNED
from reports.sofa import shift_year

ZERO = Decimal("0.00")
COLUMNS = classify.SOFA_COLUMNS  # unrestricted (with designated), restricted, endowment


@dataclasses.dataclass
class Line:
    key: str
    label: str
    unrestricted: Decimal
    restricted: Decimal
    endowment: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.unrestricted + self.restricted + self.endowment

    def column(self, name: str) -> Decimal:
        return getattr(self, name)


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
    transfers: Line = dataclasses.field(
        default_factory=lambda: Line("transfers", TRANSFERS, ZERO, ZERO))
    funds_brought_forward: dict[str, Decimal] = dataclasses.field(default_factory=dict)
    funds_carried_forward: dict[str, Decimal] = dataclasses.field(default_factory=dict)
    endowment: bool = False  # the books declare an endowment fund: show its column
    prior: ReceiptsPayments | None = None
    # Money held in other currencies retranslated at the closing rate: its change in the
    # period (gain positive), so that carried forward = brought forward + net + this.
    exchange_difference: Decimal = ZERO
    exchange_by_class: dict[str, Decimal] = dataclasses.field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return self.total_receipts - self.total_payments

    def total(self, lines: str, column: str) -> Decimal:
        return sum((x.column(column) for x in getattr(self, lines)), ZERO)


TRANSFERS = "Transfers between funds"


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


def _debtor_headings(entries) -> dict[tuple[str, str | None], str]:
    """(debtor account, fund) -> the receipt heading of the income that booked it (an
    accrued grant award: its tranches are grant receipts, not "other")."""
    out: dict[tuple[str, str | None], str] = {}
    for txn in entries:
        if not isinstance(txn, Transaction):
            continue
        if not any(classify.is_debtor(p.account) for p in txn.postings):
            continue
        income = [p for p in txn.postings if p.account.startswith("Income:")
                  and not classify.is_gain_or_loss(p.account)]
        for p in txn.postings:
            if income and classify.is_debtor(p.account):
                out.setdefault((p.account, fundmodel.posting_fund(p, txn)),
                               classify.income_heading(income[0].account))
    return out


def cash_balances(entries, options, until: datetime.date, rates: Rates | None = None,
                  column=None) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The money accounts' balances at the end of `until`, in the operating currency, with
    money in other currencies at the closing rate; and that money's exchange difference
    to date (closing less booked value), by column(fund holding it)."""
    unit = operating_currency(options)
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for txn in entries:
        if isinstance(txn, Transaction) and txn.date <= until:
            for p in txn.postings:  # money in another currency: at the closing rate, below
                if classify.is_cash(p.account) and not fx.is_monetary(p, unit):
                    w = fx.booked(p, unit)
                    if w.currency == unit:
                        out[p.account] += w.number
    difference: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in fx.retranslate(entries, options, until, rates).items:
        if classify.is_cash(r.account):
            out[r.account] += r.closing
            difference[column(r.fund) if column else "total"] += r.difference
    return dict(out), dict(difference)


def _moves_money(weights, unit: str) -> bool:
    """Money moved: the money accounts do not net to zero, or an investment deposit met
    income or spending (a gift paid straight onto it)."""
    cash = sum((w.number for p, w in weights
                if w.currency == unit and classify.is_cash(p.account)), ZERO)
    if cash:
        return True
    return any(classify.is_investment(p.account) for p, _w in weights) and any(
        p.account.startswith(("Income:", "Expenses:")) and not classify.is_gain_or_loss(
            p.account) for p, _w in weights)


def _is_transfer(p, weights) -> bool:
    """A posting between funds (Equity:Funds other than an opening balance), in a
    transaction whose such postings net to nothing."""
    def between(q):
        return q.account.startswith("Equity:Funds:") and q.account != fundmodel.OPENING_ACCOUNT
    return between(p) and sum((w.number for q, w in weights if between(q)), ZERO) == 0


def _column(declared, fund_id: str | None) -> str:
    fund = declared.get(fund_id) if fund_id else None
    return classify.sofa_column(fund.fund_class) if fund else "unrestricted"


def _cells() -> tuple[dict, dict, dict, dict, dict]:
    return tuple(defaultdict(lambda: ZERO) for _ in range(5))  # type: ignore[return-value]


def _flows(entries, unit, declared, start, end, rates: Rates, invoices, debtors):
    """(receipts, payments, transfers, opening, foreign) of the transactions dated
    start..end: {(heading, column): amount}, {column: amount} for the last three; and the
    same of every transaction before `start` (one pass for both).
    `invoices`, `debtors`: _invoice_headings and _debtor_headings of the books."""
    period, earlier = _cells(), _cells()

    def value(p, txn) -> Amount:
        try:
            return fx.in_unit(p, txn, unit, rates)
        except NoRate:
            w = fx.booked(p, unit)
            own = fx.own_rate(txn, w.currency, unit)
            return Amount((w.number * own).quantize(CENT), unit) if own else w

    def column(fund_id: str | None) -> str:
        return _column(declared, fund_id)

    for txn in entries:
        if not isinstance(txn, Transaction) or txn.date > end:
            continue
        receipts, payments, transfers, openings, foreign = (
            period if txn.date >= start else earlier)
        weights = [(p, value(p, txn)) for p in txn.postings]
        for p, w in weights:
            if w.currency != unit and classify.is_cash(p.account):
                foreign[w.currency] += w.number
            elif w.currency == unit and _is_transfer(p, weights):
                transfers[column(fundmodel.posting_fund(p, txn))] -= w.number
        if opening.is_opening(txn):  # brought forward by the fund holding it, as `funds` says
            ours = {fundmodel.posting_fund(p, txn) for p in txn.postings
                    if fundmodel.is_fund_account(p.account)} - {None}
            for p, fund_id in holding_parts(txn, ours, {}, None):
                w = value(p, txn)
                if w.currency == unit and classify.is_cash(p.account):
                    openings[column(fund_id)] += w.number
            continue
        if not _moves_money(weights, unit):
            continue  # an invoice booked, a revaluation, a transfer that moved no money
        returning = txn.meta.get(LEFTOVER_KEY) == RETURNED
        settled = next((debtors[p.account, fundmodel.posting_fund(p, txn)]
                        for p, _w in weights if (p.account, fundmodel.posting_fund(p, txn))
                        in debtors), None)
        for p, w in weights:
            if (w.currency != unit or classify.is_cash(p.account)
                    or _is_transfer(p, weights)):
                continue
            n, account = w.number, p.account
            fund_id = fundmodel.posting_fund(p, txn)
            col = column(fund_id)
            if settled and (classify.is_debtor(account) or classify.is_gain_or_loss(account)):
                receipts[settled, col] -= n  # a tranche of an accrued award, its FX too
            elif account.startswith("Income:") and returning:
                payments["returned", col] += n
            elif account.startswith("Income:"):
                receipts[classify.income_heading(account), col] -= n
            elif account.startswith("Expenses:"):
                payments[classify.expenditure_heading(account), col] += n
            elif classify.is_investment(account):
                if n > 0:
                    payments["investments", col] += n
                else:
                    receipts["investments_sold", col] -= n
            elif account.startswith("Liabilities:") and str(txn.meta.get("invoice")) in invoices:
                heading, invoice_fund = invoices[str(txn.meta["invoice"])]
                payments[heading, column(fund_id or invoice_fund)] += n
            elif n > 0:
                payments["other", col] += n
            else:
                receipts["other", col] -= n
    return period, earlier


def _net_by_column(flows) -> dict[str, Decimal]:
    receipts, payments, transfers, openings, _f = flows
    return {c: (sum((n for (_h, col), n in receipts.items() if col == c), ZERO)
                - sum((n for (_h, col), n in payments.items() if col == c), ZERO)
                + transfers[c] + openings[c]) for c in COLUMNS}


def receipts_payments(entries: list, options: dict, start: datetime.date,
                      end: datetime.date,
                      prior: tuple[datetime.date, datetime.date] | None | bool = True,
                      _books: tuple | None = None) -> ReceiptsPayments:
    """`prior`: True for the same dates a year earlier, a (start, end) pair, or False.
    (`_books`: what the prior year shares with its year, read once.)"""
    if start > end:
        raise ReportError(f"the period starts ({start}) after it ends ({end})")
    unit = operating_currency(options)
    if _books is None:
        entries = opening.as_brought_forward(entries)
        _books = (entries, fundmodel.declarations(entries)[0], Rates(entries, unit),
                  (_invoice_headings(entries), _debtor_headings(entries)))
    entries, declared, rates, headings = _books
    flows, earlier = _flows(entries, unit, declared, start, end, rates, *headings)
    receipts, payments, transfers, openings, foreign = flows
    history = _net_by_column(earlier)

    def lines(cells, headings) -> list[Line]:
        return [Line(h.key, h.label, *(cells[h.key, c] for c in COLUMNS)) for h in headings]

    r = lines(receipts, classify.RECEIPT_HEADINGS)
    pay = lines(payments, classify.PAYMENT_HEADINGS)
    statement = assets_and_liabilities(entries, options, end)
    fx.refuse_unrated(entries, options, end, {**statement.foreign, **foreign}, rates)
    moved = Line("transfers", TRANSFERS, *(transfers[c] for c in COLUMNS))

    def column(fund_id):
        return _column(declared, fund_id)

    before, diff_before = cash_balances(entries, options, start - datetime.timedelta(days=1),
                                        rates, column)
    after, diff_after = cash_balances(entries, options, end, rates, column)
    exchange = {c: diff_after.get(c, ZERO) - diff_before.get(c, ZERO) for c in COLUMNS}
    funds_bf = {c: history[c] + openings[c] + diff_before.get(c, ZERO) for c in COLUMNS}
    funds_cf = {c: funds_bf[c] + sum((x.column(c) for x in r), ZERO)
                - sum((x.column(c) for x in pay), ZERO) + moved.column(c) + exchange[c]
                for c in COLUMNS}
    # An opening balance dated inside the period is brought forward, not received.
    for account, n in cash_balances([e for e in entries if opening.is_opening(e)
                                     and e.date >= start], options, end)[0].items():
        before[account] = before.get(account, ZERO) + n
    accounts = {a: (before.get(a, ZERO), after.get(a, ZERO))
                for a in sorted(set(before) | set(after))
                if before.get(a, ZERO) or after.get(a, ZERO)}
    prior_rp = None
    if prior:
        p_start, p_end = (prior if isinstance(prior, tuple)
                          else (shift_year(start, -1), shift_year(end, -1)))
        prior_rp = receipts_payments(entries, options, p_start, p_end, False, _books)
    return ReceiptsPayments(
        title=(options or {}).get("title") or "", currency=unit, start=start, end=end,
        receipts=r, payments=pay, total_receipts=sum((x.total for x in r), ZERO),
        total_payments=sum((x.total for x in pay), ZERO),
        cash_brought_forward=sum(before.values(), ZERO),
        cash_carried_forward=sum(after.values(), ZERO), cash_accounts=accounts,
        statement=statement,
        foreign={c: n for c, n in foreign.items() if n}, transfers=moved,
        funds_brought_forward=funds_bf, funds_carried_forward=funds_cf,
        endowment=any(f.fund_class == "endowment" for f in declared.values()),
        prior=prior_rp, exchange_difference=sum(exchange.values(), ZERO),
        exchange_by_class=exchange)
