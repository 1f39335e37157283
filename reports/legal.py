"""Legal fees since a date: every Expenses:Legal posting, with its invoice, grouped.

The firm is `reports.funds.firm_of`'s: the declared firm (ledger.firms), else the
posting's `firm:` (counsel paid through the solicitors), else the payee of a hand entry or
an invoice; spend paid to no firm (court fees, or a bank line no firm is named on) is
grouped by its category under "Not paid to a firm", after the firms. Amounts are in the
operating currency, as every statement counts them (reports.fx.in_unit). Fees are
counted when booked (the invoice date), a foreign fee at its entry's own rate, else the
books' rate on its date (`foreign` holds any with no rate at all); a booked invoice still owed is
marked unpaid and its amount is also given as a separate "unpaid" total. With an `as_of`
date, the books as they stood then: what was invoiced and still unpaid at that date.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from beancount.core.data import Transaction

from ledger import firms as firmlib
from ledger import funds as fundmodel
from ledger import options as ledger_options
from ledger.rates import NoRate, Rates
from reports import fx
from reports.classify import legal_category
from reports.fund_holdings import unpaid_invoices
from reports.funds import ZERO, firm_of, is_firm, operating_currency

GROUPINGS = ("firm", "year", "category", "fund")


@dataclasses.dataclass(frozen=True)
class LegalLine:
    date: datetime.date
    fund: str
    firm: str
    category: str
    account: str
    invoice: str | None
    narration: str
    amount: Decimal
    paid: bool


@dataclasses.dataclass(frozen=True)
class LegalGroup:
    key: str
    total: Decimal
    unpaid: Decimal
    invoices: tuple[str, ...]  # invoice numbers, in date order
    lines: int


@dataclasses.dataclass(frozen=True)
class LegalSpend:
    since: datetime.date | None
    by: str
    unit: str
    groups: tuple[LegalGroup, ...]
    total: Decimal
    unpaid: Decimal
    lines: tuple[LegalLine, ...]
    foreign: dict[str, Decimal]  # legal postings with no rate to the operating currency
    years: str = "financial years ending 31 December"  # what --by year's keys are
    as_of: datetime.date | None = None  # the books as they stood at the end of this day


def _key(line: LegalLine, by: str, year_end: tuple[int, int]) -> str:
    if by == "year":  # the books' financial year, as the SOFA's --year counts it
        return ledger_options.fy_label(ledger_options.fy_of(line.date, year_end), year_end)
    return getattr(line, by)


def legal_spend(entries, options, since: datetime.date | None = None,
                by: str = "firm", as_of: datetime.date | None = None) -> LegalSpend:
    """With `as_of`, the books as they stood at the end of that day: fees booked by then,
    and unpaid what was invoiced by then and not paid by then (a year end's creditors)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    if as_of is not None:
        entries = [e for e in entries if e.date <= as_of]
    unit = operating_currency(options)
    unpaid = {i.number for i in unpaid_invoices(entries)}
    firms = firmlib.declarations(entries)
    rates = Rates(entries, unit)
    lines: list[LegalLine] = []
    foreign: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for txn in entries:
        if not isinstance(txn, Transaction) or (since is not None and txn.date < since):
            continue
        invoice = txn.meta.get("invoice")
        owed_without_invoice = invoice is None and any(
            p.account.startswith("Liabilities:Creditors:") for p in txn.postings)
        for p in txn.postings:
            if not (p.account == "Expenses:Legal" or p.account.startswith("Expenses:Legal:")):
                continue
            w = fx.booked(p, unit)
            if w.currency != unit:  # as every statement counts it (reports.fx.in_unit)
                try:
                    w = fx.in_unit(p, txn, unit, rates)
                except NoRate:
                    foreign[w.currency] += w.number
                    continue
            lines.append(LegalLine(
                date=txn.date, fund=fundmodel.posting_fund(p, txn) or "",
                firm=firm_of(p, txn, firms), category=legal_category(p.account), account=p.account,
                invoice=str(invoice) if invoice else None, narration=txn.narration or "",
                amount=w.number,
                paid=not owed_without_invoice and str(invoice) not in unpaid))
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    owed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    invoices: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets
    counts: dict[str, int] = defaultdict(int)
    year_end = ledger_options.fy_end(entries)
    for line in lines:
        k = _key(line, by, year_end)
        totals[k] += line.amount
        counts[k] += 1
        if not line.paid:
            owed[k] += line.amount
        if line.invoice:
            invoices[k][line.invoice] = None
    # Firms largest first, then what no firm was paid, by category (funds.not_a_firm).
    order = sorted(totals) if by in ("year", "fund") else sorted(totals, key=lambda k:
                                                                (not is_firm(k), -totals[k], k))
    groups = tuple(LegalGroup(k, totals[k], owed[k], tuple(invoices[k]), counts[k])
                   for k in order)
    return LegalSpend(since=since, by=by, unit=unit, groups=groups,
                      total=sum(totals.values(), ZERO), unpaid=sum(owed.values(), ZERO),
                      lines=tuple(lines), foreign={c: n for c, n in foreign.items() if n},
                      years=ledger_options.fy_words(year_end), as_of=as_of)
