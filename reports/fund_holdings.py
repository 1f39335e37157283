"""Where a fund's money is held, what it owes, and what stops it being closed.

The attribution of asset and liability postings to funds (docs/books.md, "Where a fund's
money is held"), unpaid invoices ("An invoice is unpaid"), and a fund's status with the
plain-words list of what blocks a close. `reports.funds.reconcile` builds each fund's
summary from these; `reports.fx` attributes foreign balances with the same rules.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from beancount.core.amount import Amount
from beancount.core.data import Transaction

from ledger import funds as fundmodel
from ledger.plugin import RESTRICTED
from reports import words
from reports.classify import is_cash

ZERO = Decimal("0.00")
HOLDING_ROOTS = ("Assets:", "Liabilities:")
CREDITORS = "Liabilities:Creditors:"
UNATTRIBUTED = "(not attributed)"
SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}



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


def show_money(number: Decimal, currency: str) -> str:
    """£1,100.50 / -£12.00 / 1,100.50 CHF: how a treasurer writes an amount in a sentence."""
    sign = "-" if number < 0 else ""
    text = f"{abs(number).quantize(Decimal('0.01')):,}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"



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


def holding_funds(txn: Transaction, txn_funds: set[str], invoice_funds: dict[str, str],
                  default: str | None) -> list[str | None]:
    """`holding_fund` of each posting of `txn` (None for one that is no asset or liability).

    In a transaction of several funds an asset or liability posting without its own
    `fund:` is matched to the fund whose postings it balances: first a fund posting of
    exactly the opposite weight (each used once, in the books' order: the spreadsheet's
    balances brought forward in one entry, `Assets:Bank 2500` beside `Equity:Funds:Opening
    -2500` of general); then, if one fund alone is still owed a share, what is left is
    its. The match is kept only if every fund's holdings then move exactly its share of
    the transaction; otherwise those postings stay unattributed (docs/books.md).
    """
    out = [holding_fund(p, txn, txn_funds, invoice_funds, default)
           if p.account.startswith(HOLDING_ROOTS) else None for p in txn.postings]
    loose = [i for i, p in enumerate(txn.postings)
             if out[i] is None and p.account.startswith(HOLDING_ROOTS)]
    if len(txn_funds) < 2 or not loose:
        return out
    ours = _fund_weights(txn)
    matched = list(out)
    used: set[int] = set()
    for i in loose:
        w = fundmodel.weight(txn.postings[i])
        j = next((j for j, (fid, fw) in enumerate(ours) if j not in used and fid
                  and fw.currency == w.currency and fw.number == -w.number), None)
        if j is not None:
            used.add(j)
            matched[i] = ours[j][0]
    owed = _shares_owed(txn, ours, matched)
    rest = [i for i in loose if matched[i] is None]
    if rest and len(owed) == 1:
        (fid, currency), n = next(iter(owed.items()))
        weights = [fundmodel.weight(txn.postings[i]) for i in rest]
        if all(w.currency == currency for w in weights) and sum(
                (w.number for w in weights), ZERO) == n:
            for i in rest:
                matched[i] = fid
    return matched if not _shares_owed(txn, ours, matched) else out


def holding_parts(txn: Transaction, txn_funds: set[str], invoice_funds: dict[str, str],
                  default: str | None) -> list[tuple]:
    """(posting, fund) for each asset or liability posting of `txn`, the fund as
    `holding_funds` says; where one posting with no `fund:` and no price is left holding
    several funds' money, each still short of its share, in that posting's currency and
    direction (one deposit of gifts to two funds, `Assets:PayPal 50.00 USD` beside 30.00
    USD of the case's and 20.00 USD of general's), one part of it per fund, of exactly its
    share: the money of each is there."""
    funds = holding_funds(txn, txn_funds, invoice_funds, default)
    parts = [[(p, f)] if p.account.startswith(HOLDING_ROOTS) else []
             for p, f in zip(txn.postings, funds, strict=True)]
    loose = [i for i, p in enumerate(txn.postings)
             if funds[i] is None and p.account.startswith(HOLDING_ROOTS)]
    if len(txn_funds) > 1 and len(loose) == 1:
        i = loose[0]
        p = txn.postings[i]
        ours = _fund_weights(txn)
        owed = _shares_owed(txn, ours, funds)
        n = p.units.number
        if (p.price is None and p.cost is None and None not in {f for f, _c in owed}
                and all(c == p.units.currency and share * n > 0
                        for (_f, c), share in owed.items())
                and sum(owed.values(), ZERO) == n):
            parts[i] = [(p._replace(units=Amount(share, p.units.currency)), f)
                        for (f, _c), share in sorted(owed.items())]
    return [x for part in parts for x in part]


def _fund_weights(txn) -> list[tuple[str | None, Amount]]:
    """(fund, weight) of each of the transaction's postings to a fund account."""
    return [(fundmodel.posting_fund(p, txn), fundmodel.weight(p)) for p in txn.postings
            if fundmodel.is_fund_account(p.account)]


def _shares_owed(txn, ours, matched) -> dict[tuple[str, str], Decimal]:
    """Each (fund, currency) whose share of the transaction its holdings do not move."""
    owed: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for fid, w in ours:
        owed[fid, w.currency] -= w.number
    for p, fid in zip(txn.postings, matched, strict=True):
        if fid is not None and p.account.startswith(HOLDING_ROOTS):
            w = fundmodel.weight(p)
            owed[fid, w.currency] -= w.number
    return {k: n for k, n in owed.items() if n}


def _unpaid_invoices(entries, invoice_funds, default,
                     worth: Callable[[dict[str, Decimal]], Decimal | None] | None = None
                     ) -> list[Invoice]:
    """Every invoice still owed, with what it owes: its creditor postings' weights summed,
    or `worth` of what it owes in each currency (None: that sum), which values an invoice
    in another currency as its creditor's holding is valued (reports.funds: at the
    closing rate), not its euros counted as pounds."""
    owed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    # What is owed in the invoice's own currency: 1,000 EUR booked at 0.85 and paid in
    # full at another rate is paid, though its pounds differ (an exchange difference).
    units: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
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
                units[number][p.units.currency] += p.units.number
                first.setdefault(number, txn)
                if fund_of.get(number) is None:
                    fund_of[number] = holding_fund(p, txn, txn_funds, invoice_funds, default)
    out = []
    for number, total in owed.items():
        if not any(units[number].values()):
            continue
        valued = worth(units[number]) if worth is not None else None
        out.append(Invoice(number, fund_of.get(number), first[number].payee or "",
                           first[number].date, -(total if valued is None else valued)))
    return out


def unpaid_invoices(entries) -> list[Invoice]:
    """Every invoice whose creditor postings do not yet sum to zero (docs/books.md)."""
    declared, _b, _e = fundmodel.declarations(entries)
    return _unpaid_invoices(entries, _invoice_funds(entries), _first_unrestricted(declared))

SEVERAL = "several funds"  # the other side of a transfer between three funds or more


def pooled_label(fund_id: str) -> str:
    return f"(with {fund_id})"


def pooled_transfer(txn, txn_funds: set[str], acc: dict, unit: str) -> None:
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


def foreign_blocker(n: Decimal, currency: str, unit: str) -> str:
    return (f"{n} {currency} has no {unit} value (no exchange rate booked): import the "
            "download holding its currency conversion, or book the conversion")


def status(fund, balance, holdings, invoices, foreign, unit, as_of):
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
