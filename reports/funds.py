"""Fund reconciliation: per fund, what came in, what went out, what is left, where, and
whether the fund can be closed.

`reconcile(entries, options)` is a pure function over loaded entries (the fund plugin has
already copied transaction `fund:` defaults onto postings). Every amount is a Decimal in
the books' operating currency, taken from posting weights (`ledger.funds.weight`), so a
grant received as `-30000.00 EUR @@ 26610.00 GBP` counts as the 26,610.00 GBP booked.

Account meanings follow docs/books.md ("Accounts", "Where a fund's money is held",
"An invoice is unpaid").
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from beancount.core.amount import Amount
from beancount.core.data import Transaction

from ledger import accruals
from ledger import firms as firmlib
from ledger import funds as fundmodel
from ledger.closing import LEFTOVER_KEY
from ledger.rates import NoRate, Rates, operating_currency
from reports import fx
from reports.classify import (
    PAYMENT_FEES,
    PLATFORM_FEES,
    channel,
    is_gain_or_loss,
    legal_category,
)
from reports.fund_holdings import (
    HOLDING_ROOTS,
    UNATTRIBUTED,
    ZERO,
    Holding,
    Invoice,
    _first_unrestricted,
    _invoice_funds,
    _unpaid_invoices,
    describe_account,
    holding_parts,
    pooled_transfer,
    status,
)

# Transactions written by `fundledger close` to return a leftover carry this, so the money
# sent back shows as "returned" rather than as negative fundraising.
RETURNED = "returned"


# "error": a state the fund rules forbid (closed with money in it, a restricted fund
# below zero). The plugin fails such books on load, but Fava still shows its pages.
STATUSES = ("open", "closable", "closed", "overspent", "error")


@dataclasses.dataclass(frozen=True)
class FundSummary:
    fund: str
    title: str
    fund_class: str
    currency: str  # the fund's declared currency (e.g. a EUR grant); amounts are in `unit`
    unit: str  # the books' operating currency every amount below is in
    terms: str | None
    purpose: tuple[str, ...]
    opened: datetime.date
    closed: datetime.date | None
    raised: dict[str, Decimal]  # gross income by channel: crowdfunding, grant, donations, other
    raised_by_account: dict[str, Decimal]
    raised_total: Decimal
    raised_as_received: dict[str, Decimal]  # gross income in the currencies it came in
    returned: Decimal  # leftover sent back to the platform / donors on closing
    platform_fees: Decimal
    payment_fees: Decimal
    legal_by_firm: dict[str, Decimal]
    legal_by_category: dict[str, Decimal]
    legal_total: Decimal
    other_spend: Decimal
    other_by_account: dict[str, Decimal]
    transfers_in: Decimal
    transfers_out: Decimal
    balance: Decimal
    holdings: tuple[Holding, ...]
    unpaid_invoices: tuple[Invoice, ...]
    foreign: dict[str, Decimal]  # money held in another currency with no rate booked
    status: str
    blockers: tuple[str, ...]
    charity: str | None = None  # who gets a leftover under donate-to-charity terms
    # Held before the books' first entry (Equity:Funds:Opening, an import's balance brought
    # forward): neither raised nor a transfer from another fund.
    brought_forward: Decimal = ZERO
    # Net gains/(losses): exchange differences on a grant's tranches, revaluations. Neither
    # raised nor spent, as in the SOFA, so "raised" is the SOFA's income, one definition.
    gains: Decimal = ZERO

    def to_json(self) -> dict:
        """The JSON contract other tools read (see issue 4); extra keys are additive."""
        u = self.unit

        def m(d: Decimal) -> str:
            return f"{d} {u}"

        return {
            "fund": self.fund,
            "title": self.title,
            "class": self.fund_class,
            "currency": self.currency,
            "balance": m(self.balance),
            "legal": {firm: m(v) for firm, v in self.legal_by_firm.items()},
            "status": self.status,
            "blockers": list(self.blockers),
            "terms": self.terms,
            "opened": self.opened.isoformat(),
            "closed": self.closed.isoformat() if self.closed else None,
            "raised": {k: m(v) for k, v in self.raised.items()},
            "raised_by_account": {k: m(v) for k, v in self.raised_by_account.items()},
            "raised_total": m(self.raised_total),
            "raised_as_received": {c: f"{n} {c}" for c, n in self.raised_as_received.items()},
            "returned": m(self.returned),
            "fees": {"platform": m(self.platform_fees), "payment": m(self.payment_fees)},
            "legal_by_category": {k: m(v) for k, v in self.legal_by_category.items()},
            "legal_total": m(self.legal_total),
            "other_spend": m(self.other_spend),
            "other_by_account": {k: m(v) for k, v in self.other_by_account.items()},
            "transfers": {"in": m(self.transfers_in), "out": m(self.transfers_out)},
            "brought_forward": m(self.brought_forward),
            "gains": m(self.gains),
            "held": [{"account": h.account, "description": h.description,
                      "amount": m(h.amount)} for h in self.holdings],
            "unpaid_invoices": [{"invoice": i.number, "payee": i.payee,
                                 "date": i.date.isoformat(), "amount": m(i.amount)}
                                for i in self.unpaid_invoices],
            "foreign": {c: str(v) for c, v in self.foreign.items()},
        }


def to_json(summaries: Iterable[FundSummary]) -> dict:
    return {"funds": [s.to_json() for s in summaries]}


NOT_A_FIRM = "Not paid to a firm"  # the heading of legal spend no firm was paid


def not_a_firm(category: str) -> str:
    """The label of legal spend paid to no firm, by its category ("Not paid to a firm:
    court fees"): a category, never shown as if it were a firm."""
    return f"{NOT_A_FIRM}: {category}"


def is_firm(label: str) -> bool:
    return not label.startswith(NOT_A_FIRM)


def firm_of(posting, txn: Transaction, firms: dict | None = None) -> str:
    """The firm a legal posting paid, or, where no firm is known, its category under
    "Not paid to a firm" (`not_a_firm`): court fees, VAT and disbursements are
    categories, never firms, and a bank is never a firm.

    A court fee is paid to the court, even when through the solicitors. Otherwise the firm
    is the declared firm (ledger.firms: by `firm:`, client account, payee or the name in
    the description), else the posting's or transaction's `firm:`, else the payee of a
    hand entry or an invoice. An imported statement line's payee is the bank or platform
    the statement came from, so it names no firm unless a rule gives it a `firm:`.
    One label on every surface: `funds`, `legal --by firm`, Fava and the transparency
    statement all group by this."""
    category = legal_category(posting.account)
    if category == "court fees":
        return not_a_firm(category)
    if firms:
        found = firmlib.of_posting(posting, txn, firms)
        if found is not None:
            return found.name
    named = (posting.meta or {}).get("firm") or txn.meta.get("firm")
    if named:
        return str(named)
    if firms:  # declared firms name every firm the books pay: this payee is none of them
        return not_a_firm(category)
    from_statement = "import-id" in txn.meta and "invoice" not in txn.meta
    given = "donor" in txn.meta or any("donor" in (p.meta or {}) for p in txn.postings)
    if txn.payee and not from_statement and not given:  # a gift's payee is a donor: unnamed
        return txn.payee
    return not_a_firm(category)


class _Acc:
    """Running sums for one fund."""

    def __init__(self):
        self.raised: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.raised_by_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.received: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.returned = ZERO
        self.platform = ZERO
        self.payment = ZERO
        self.legal_firm: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.legal_cat: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.other: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.t_in = ZERO
        self.t_out = ZERO
        self.opening = ZERO
        self.gains = ZERO
        self.balance = ZERO
        self.holdings: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.foreign: dict[str, Decimal] = defaultdict(lambda: ZERO)



def reconcile(entries, options, as_of: datetime.date | None = None,
              since: datetime.date | None = None, history=None) -> list[FundSummary]:
    """One summary per declared fund, in declaration order, as of `as_of` (inclusive).

    `entries` may be one period's transactions (those from `since`, with the books'
    declarations and prices): then `history`, the books up to the period's end, gives
    money held in other currencies, and a fund's exchange difference is the period's,
    what it holds at the end retranslated less what it held the day before `since`, as
    the SOFA counts it; not a retranslation of the period's own transactions alone."""
    unit = operating_currency(options)
    if as_of is not None:
        entries = [e for e in entries if e.date <= as_of]
    declared, _budgets, _errors = fundmodel.declarations(entries)
    default = _first_unrestricted(declared)
    invoice_funds = _invoice_funds(entries)
    acc: dict[str, _Acc] = {fid: _Acc() for fid in declared}
    rates = Rates(entries, unit)
    firms = firmlib.declarations(entries)

    def value(p, txn) -> Amount:
        """The posting in the unit as every statement counts it (reports.fx.in_unit), else
        its weight in its own currency (no rate at all)."""
        try:
            return fx.in_unit(p, txn, unit, rates)
        except NoRate:
            return fundmodel.weight(p)

    for txn in entries:
        if not isinstance(txn, Transaction):
            continue
        returning = txn.meta.get(LEFTOVER_KEY) == RETURNED
        txn_funds: set[str] = set()
        # An accrued award is received as its debtor is settled, tranche by tranche.
        for p in txn.postings if txn.meta.get("fund") in acc else ():
            if p.account == accruals.DEBTOR and p.units.number < 0:
                acc[txn.meta["fund"]].received[p.units.currency] -= p.units.number
        for p in txn.postings:
            if not fundmodel.is_fund_account(p.account):
                continue
            fid = fundmodel.posting_fund(p, txn)
            if fid is None or fid not in acc:
                continue  # the plugin reports these; the books do not load clean
            txn_funds.add(fid)
            a = acc[fid]
            w = value(p, txn)
            if w.currency != unit:
                a.foreign[w.currency] -= w.number  # the fund's money, as its balance counts
                continue
            n = w.number
            a.balance -= n
            account = p.account
            if is_gain_or_loss(account):
                a.gains -= n
            elif account.startswith("Income:"):
                if returning:
                    a.returned += n
                else:
                    a.raised[channel(account)] -= n
                    a.raised_by_account[account] -= n
                    if txn.meta.get(accruals.ACCRUAL_KEY) != accruals.AWARD:
                        a.received[p.units.currency] -= p.units.number
            elif account in PLATFORM_FEES:
                a.platform += n
            elif account in PAYMENT_FEES:
                a.payment += n
            elif account.startswith("Expenses:Legal:") or account == "Expenses:Legal":
                a.legal_firm[firm_of(p, txn, firms)] += n
                a.legal_cat[legal_category(account)] += n
            elif account.startswith("Expenses:"):
                a.other[account] += n
            elif account == fundmodel.OPENING_ACCOUNT:
                a.opening -= n
            elif n < 0:  # Equity:Funds:*: a credit is money coming into the fund
                a.t_in -= n
            else:
                a.t_out += n
        if len(txn_funds) > 1 and not any(
                p.account.startswith(HOLDING_ROOTS) for p in txn.postings):
            pooled_transfer(txn, txn_funds, acc, unit)
            continue
        for p, fid in holding_parts(txn, txn_funds, invoice_funds, default):
            if fid in acc:
                w = value(p, txn)
                if w.currency == unit:
                    acc[fid].holdings[p.account] += w.number

    # Money held or owed in another currency at the closing rate (reports.fx), as on the
    # balance sheet: the difference is the holding fund's exchange gain or loss, so a
    # fund's balance is the SOFA's carried forward (dollars given at 0.80 and spent at
    # 0.78 leave no dollars and a loss, not 2p a dollar "held" in an empty account).
    last = as_of or max((e.date for e in entries), default=None)
    for fund, account, difference in _exchange(entries, options, last, since, history,
                                               rates):
        if fund in acc and difference:
            a = acc[fund]
            a.gains += difference
            a.balance += difference
            a.holdings[account] += difference

    def worth(units: dict[str, Decimal]) -> Decimal | None:
        """What an invoice still owes in each currency, in the unit at the closing rate
        (as its creditor's holding is retranslated above); None where a currency has none."""
        try:
            return sum((rates.value(Amount(n, c), last) for c, n in units.items() if n),
                       ZERO) if last else None
        except NoRate:
            return None

    unpaid = _unpaid_invoices(entries, invoice_funds, default, worth)
    out = []
    for fid, fund in declared.items():
        a = acc[fid]
        holdings = [Holding(account, n, describe_account(account, n))
                    for account, n in sorted(a.holdings.items()) if n != 0]
        residual = a.balance - sum((h.amount for h in holdings), ZERO)
        if residual != 0:
            holdings.append(Holding(UNATTRIBUTED, residual,
                                    "moved in a transaction of several funds without a "
                                    "fund: on the asset posting"))
        invoices = tuple(i for i in unpaid if i.fund == fid)
        foreign = {c: n for c, n in a.foreign.items() if n != 0}
        state, blockers = status(fund, a.balance, holdings, invoices, foreign, unit, as_of)
        out.append(FundSummary(
            fund=fid, title=fund.title, fund_class=fund.fund_class,
            currency=fund.currency or unit, unit=unit, terms=fund.terms,
            purpose=fund.purpose, opened=fund.opened, closed=fund.closed,
            raised=_nonzero(a.raised), raised_by_account=_nonzero(a.raised_by_account),
            raised_total=sum(a.raised.values(), ZERO), returned=a.returned,
            raised_as_received=_nonzero(a.received),
            platform_fees=a.platform, payment_fees=a.payment,
            legal_by_firm=_firms_first(_nonzero(a.legal_firm)),
            legal_by_category=_nonzero(a.legal_cat),
            legal_total=sum(a.legal_cat.values(), ZERO),
            other_spend=sum(a.other.values(), ZERO), other_by_account=_nonzero(a.other),
            transfers_in=a.t_in, transfers_out=a.t_out, balance=a.balance,
            holdings=tuple(holdings), unpaid_invoices=invoices, foreign=foreign,
            status=state, blockers=tuple(blockers), charity=fund.charity,
            brought_forward=a.opening, gains=a.gains))
    return out


def _exchange(entries, options, last, since, history, rates):
    """(fund, account, unrealised exchange difference) of money held in other currencies:
    to date at `last`, or with `since`, over the period from it (reports.fx)."""
    if not last:
        return []
    if since is None or history is None:
        return [(r.fund, r.account, r.difference)
                for r in fx.retranslate(entries, options, last, rates).items]
    end, before = (r.items for r in fx.retranslate_at(
        history, options, [last, since - datetime.timedelta(days=1)]))
    out: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for r in end:
        out[r.fund, r.account] += r.difference
    for r in before:
        out[r.fund, r.account] -= r.difference
    return [(fund, account, n) for (fund, account), n in out.items()]


def _firms_first(by_firm: dict[str, Decimal]) -> dict[str, Decimal]:
    """Firms by name, then what no firm was paid, by category (`not_a_firm`)."""
    return dict(sorted(by_firm.items(), key=lambda kv: (not is_firm(kv[0]), kv[0])))


def _nonzero(d: dict[str, Decimal]) -> dict[str, Decimal]:
    return {k: v for k, v in sorted(d.items()) if v != 0}
