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

from ledger import firms as firmlib
from ledger import funds as fundmodel
from ledger.closing import LEFTOVER_KEY
from ledger.plugin import RESTRICTED
from ledger.rates import NoRate, Rates
from reports import words
from reports.classify import (
    PAYMENT_FEES,
    PLATFORM_FEES,
    channel,
    is_cash,
    is_gain_or_loss,
    legal_category,
)

ZERO = Decimal("0.00")
HOLDING_ROOTS = ("Assets:", "Liabilities:")
CREDITORS = "Liabilities:Creditors:"
# Transactions written by `fundledger close` to return a leftover carry this, so the money
# sent back shows as "returned" rather than as negative fundraising.
RETURNED = "returned"
UNATTRIBUTED = "(not attributed)"
SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}

# "error": a state the fund rules forbid (closed with money in it, a restricted fund
# below zero). The plugin fails such books on load, but Fava still shows its pages.
STATUSES = ("open", "closable", "closed", "overspent", "error")


@dataclasses.dataclass(frozen=True)
class Holding:
    """Part of a fund's balance sitting in one asset (or owed on one liability) account."""

    account: str
    amount: Decimal
    description: str  # e.g. "Brightwater client account"


@dataclasses.dataclass(frozen=True)
class Invoice:
    """An invoice booked to a creditor and not (fully) paid."""

    number: str
    fund: str | None
    payee: str
    date: datetime.date  # first entry carrying the number
    amount: Decimal  # still owed, positive


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


def operating_currency(options) -> str:
    ops = (options or {}).get("operating_currency") or []
    return ops[0] if ops else "GBP"


def show_money(number: Decimal, currency: str) -> str:
    """£1,100.50 / -£12.00 / 1,100.50 CHF: how a treasurer writes an amount in a sentence."""
    sign = "-" if number < 0 else ""
    text = f"{abs(number).quantize(Decimal('0.01')):,}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


COURT = "Court fees"  # court fees are the court's, not the firm's that paid them over


def firm_of(posting, txn: Transaction, firms: dict | None = None) -> str:
    """The firm paid: the posting's `firm:` (counsel paid via solicitors), else the payee;
    where the books declare firms (ledger.firms), the declared firm's name, found by its
    `firm:`, its client account or the payee, and never a bank's name for spend no
    declared firm claims (that is "(firm not named)" unless a `firm:` names one).

    A court fee is paid through the solicitors but to the court: it is not the firm's
    fee, so it is grouped as "Court fees" wherever legal spend is shown by firm (`funds`,
    `legal --by firm`, Fava and the transparency statement, which shows it on its own
    line): one firm total on every surface."""
    if legal_category(posting.account) == "court fees":
        return COURT
    if firms:
        found = firmlib.of_posting(posting, txn, firms)
        if found is not None:
            return found.name
        named = (posting.meta or {}).get("firm") or txn.meta.get("firm")
        return str(named) if named else firmlib.NOT_NAMED
    if posting.meta and posting.meta.get("firm"):
        return str(posting.meta["firm"])
    return txn.payee or txn.narration or "(no firm named)"


def describe_account(account: str, amount: Decimal = ZERO) -> str:
    parts = account.split(":")
    if account.startswith("(with "):
        other = account[6:-1]
        return (f"set aside for {other}, still in our accounts" if amount < 0
                else f"transferred from {other}, in its accounts")
    if account.startswith("Assets:Held:") and len(parts) > 2:
        return f"{parts[2]} client account"
    if account.startswith(CREDITORS) and len(parts) > 2:
        return f"owed to {parts[2]}"
    if account == "Assets:Transfers":
        return "in transit between our own accounts"
    if account.startswith("Assets:Bank:") and len(parts) > 2:
        return f"{' '.join(parts[2:])} bank account"
    return f"{' '.join(parts[1:])} account"



def _first_unrestricted(declared: dict[str, fundmodel.Fund]) -> str | None:
    return next((f.id for f in declared.values() if f.fund_class == "unrestricted"), None)


def _invoice_funds(entries) -> dict[str, str]:
    """Invoice number -> the fund its booking was charged to (single-fund transactions)."""
    out: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, Transaction) or not entry.meta.get("invoice"):
            continue
        found = {fundmodel.posting_fund(p, entry) for p in entry.postings
                 if fundmodel.is_fund_account(p.account)} - {None}
        if len(found) == 1:
            out.setdefault(str(entry.meta["invoice"]), found.pop())
    return out


def holding_fund(posting, txn: Transaction, txn_funds: set[str],
                 invoice_funds: dict[str, str], default: str | None) -> str | None:
    """Which fund's money an asset/liability posting moves (docs/books.md).

    Own `fund:`, else the transaction's, else the single fund of its fund postings. A
    transaction with no fund postings at all is either the payment of a booked invoice
    (it belongs to the invoice's fund: paying HV-2403 from the client account spends the
    case's money, not general funds) or a move between our own accounts (first
    unrestricted fund). A posting in a multi-fund transaction without its own `fund:` is
    ambiguous: None, and it shows up as "(not attributed)".
    """
    if posting.meta and posting.meta.get("fund"):
        return posting.meta["fund"]
    if txn.meta.get("fund"):
        return txn.meta["fund"]
    if len(txn_funds) == 1:
        return next(iter(txn_funds))
    if txn_funds:
        return None
    invoice = txn.meta.get("invoice")
    if invoice and str(invoice) in invoice_funds:
        return invoice_funds[str(invoice)]
    return default


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


def _unpaid_invoices(entries, invoice_funds, default) -> list[Invoice]:
    owed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    first: dict[str, Transaction] = {}
    fund_of: dict[str, str | None] = {}
    for txn in entries:
        if not isinstance(txn, Transaction) or not txn.meta.get("invoice"):
            continue
        number = str(txn.meta["invoice"])
        txn_funds = {fundmodel.posting_fund(p, txn) for p in txn.postings
                     if fundmodel.is_fund_account(p.account)} - {None}
        for p in txn.postings:
            if p.account.startswith(CREDITORS):
                w = fundmodel.weight(p)
                owed[number] += w.number
                first.setdefault(number, txn)
                if fund_of.get(number) is None:
                    fund_of[number] = holding_fund(p, txn, txn_funds, invoice_funds, default)
    return [Invoice(number, fund_of.get(number), first[number].payee or "",
                    first[number].date, -total)
            for number, total in owed.items() if total != 0]


def unpaid_invoices(entries) -> list[Invoice]:
    """Every invoice whose creditor postings do not yet sum to zero (docs/books.md)."""
    declared, _b, _e = fundmodel.declarations(entries)
    return _unpaid_invoices(entries, _invoice_funds(entries), _first_unrestricted(declared))


def reconcile(entries, options, as_of: datetime.date | None = None) -> list[FundSummary]:
    """One summary per declared fund, in declaration order, as of `as_of` (inclusive)."""
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
        """The posting's weight, a foreign one at the books' rate on its date (if any)."""
        w = fundmodel.weight(p)
        if w.currency == unit:
            return w
        try:
            return Amount(rates.value(w, txn.date), unit)
        except NoRate:
            return w

    for txn in entries:
        if not isinstance(txn, Transaction):
            continue
        returning = txn.meta.get(LEFTOVER_KEY) == RETURNED
        txn_funds: set[str] = set()
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
            _pooled_transfer(txn, txn_funds, acc, unit)
            continue
        for p in txn.postings:
            if not p.account.startswith(HOLDING_ROOTS):
                continue
            fid = holding_fund(p, txn, txn_funds, invoice_funds, default)
            if fid in acc:
                w = value(p, txn)
                if w.currency == unit:
                    acc[fid].holdings[p.account] += w.number

    unpaid = _unpaid_invoices(entries, invoice_funds, default)
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
        status, blockers = _status(fund, a.balance, holdings, invoices, foreign, unit, as_of)
        out.append(FundSummary(
            fund=fid, title=fund.title, fund_class=fund.fund_class,
            currency=fund.currency or unit, unit=unit, terms=fund.terms,
            purpose=fund.purpose, opened=fund.opened, closed=fund.closed,
            raised=_nonzero(a.raised), raised_by_account=_nonzero(a.raised_by_account),
            raised_total=sum(a.raised.values(), ZERO), returned=a.returned,
            raised_as_received=_nonzero(a.received),
            platform_fees=a.platform, payment_fees=a.payment,
            legal_by_firm=_nonzero(a.legal_firm), legal_by_category=_nonzero(a.legal_cat),
            legal_total=sum(a.legal_cat.values(), ZERO),
            other_spend=sum(a.other.values(), ZERO), other_by_account=_nonzero(a.other),
            transfers_in=a.t_in, transfers_out=a.t_out, balance=a.balance,
            holdings=tuple(holdings), unpaid_invoices=invoices, foreign=foreign,
            status=status, blockers=tuple(blockers), charity=fund.charity,
            brought_forward=a.opening, gains=a.gains))
    return out


SEVERAL = "several funds"  # the other side of a transfer between three funds or more


def pooled_label(fund_id: str) -> str:
    return f"(with {fund_id})"


def _pooled_transfer(txn, txn_funds: set[str], acc: dict[str, _Acc], unit: str) -> None:
    """A transfer between funds that moves no money (only Equity:Funds postings).

    The money stays in the giving fund's accounts; each side records it against the other
    fund, so every fund's holdings still add up to its balance: the reserve shows
    "£1,000.00 with general", general shows "-£1,000.00 with legal-reserve".
    """
    for fid in txn_funds:
        others = sorted(txn_funds - {fid})
        label = pooled_label(others[0] if len(others) == 1 else SEVERAL)
        for p in txn.postings:
            if fundmodel.is_fund_account(p.account) and fundmodel.posting_fund(p, txn) == fid:
                w = fundmodel.weight(p)
                if w.currency == unit:
                    acc[fid].holdings[label] -= w.number


def _nonzero(d: dict[str, Decimal]) -> dict[str, Decimal]:
    return {k: v for k, v in sorted(d.items()) if v != 0}


def foreign_blocker(n: Decimal, currency: str, unit: str) -> str:
    return (f"{n} {currency} has no {unit} value (no exchange rate booked): import the "
            "download holding its currency conversion, or book the conversion")


def _status(fund, balance, holdings, invoices, foreign, unit, as_of):
    """error > closed > overspent > closable > open; blockers say in plain words what
    stops a close (for an error, what is wrong)."""
    if fund.closed is not None and balance != 0:
        return "error", [(f"closed on {fund.closed} but its balance is "
                          f"{show_money(balance, unit)}, not nil: an entry is missing or "
                          "wrong (fundledger check names it)")]
    if fund.closed is not None:
        return "closed", []
    if balance < 0 and fund.fund_class in RESTRICTED:
        return "error", [(f"a {fund.fund_class} fund cannot go below zero, but its balance is "
                          f"{show_money(balance, unit)}: an entry is missing or charged to "
                          "the wrong fund (fundledger check names it)")]
    blockers: list[str] = []
    if balance < 0:
        blockers.append(f"overspent by {show_money(-balance, unit)}: the fund's balance is "
                        f"{show_money(balance, unit)}")
    elif balance > 0:
        blockers.append(f"{show_money(balance, unit)} not yet spent, returned or released"
                        + (f" (if money is left: {words.leftover(fund.terms, fund.charity)})"
                           if fund.terms else ""))
    # At a nil balance, money "held" in our money accounts and with other funds that
    # nets to nothing is attribution, not money: a transfer between funds that moved no
    # cash, then spent from the bank, leaves +X with the giver and -X in the bank.
    moved = [h for h in holdings if h.account.startswith("(with ") or is_cash(h.account)]
    settled = balance == 0 and sum((h.amount for h in moved), ZERO) == 0
    for h in holdings:
        if settled and h in moved:
            continue
        if h.account.startswith("Assets:") and h.amount != 0:
            blockers.append(f"{show_money(h.amount, unit)} still held in {h.account} "
                            f"({h.description})")
    owed_by_invoice = sum((i.amount for i in invoices), ZERO)
    owed_on_books = -sum((h.amount for h in holdings if h.account.startswith(CREDITORS)), ZERO)
    if invoices:
        listed = ", ".join(f"{i.number} ({show_money(i.amount, unit)})" for i in invoices)
        noun = "invoice" if len(invoices) == 1 else "invoices"
        blockers.append(f"{len(invoices)} {noun} unpaid: {listed}")
    if owed_on_books != owed_by_invoice:
        blockers.append(f"{show_money(owed_on_books - owed_by_invoice, unit)} owed to "
                        "creditors without an invoice number")
    for h in holdings:
        if settled and h in moved:
            continue
        if h.account.startswith("(with ") and h.amount > 0:
            other = h.account[6:-1]
            whose = "the accounts of several funds" if other == SEVERAL else f"{other}'s accounts"
            blockers.append(f"{show_money(h.amount, unit)} still held in {whose} "
                            "(transferred without moving money)")
        elif h.account == UNATTRIBUTED:
            blockers.append(f"{show_money(h.amount, unit)} {h.description}")
    for currency, n in foreign.items():
        blockers.append(foreign_blocker(n, currency, unit))
    if balance < 0:
        return "overspent", blockers
    if not blockers:
        return "closable", []
    return "open", blockers
