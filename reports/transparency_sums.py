"""The collection pass of the transparency statement: what each fund raised (by channel,
donor pseudonym, year and account it came into), spent by firm and category, and moved
between funds; and the sums a public reader may see (raised lines, firms, the time
series). Donors are only ever counted, never named."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal

from beancount.core.data import Transaction

from ledger import accruals
from ledger import firms as firmlib
from ledger import funds as fundmodel
from ledger import options as ledger_options
from ledger.rates import NoRate, Rates
from reports import funds as reconciliation
from reports import fx
from reports.classify import PAYMENT_FEES, PLATFORM_FEES, is_gain_or_loss
from reports.transparency_model import (
    CHANNEL_LABELS,
    COURT_FEES,
    CROWDFUNDING,
    DONATIONS,
    DONOR_CHANNELS,
    FEWER,
    GIFTS_LABEL,
    GRANT,
    MIN_GROUP,
    OTHER_CHANNELS,
    OTHER_INCOME,
    ZERO,
    FirmSpend,
    Item,
    Period,
    supporters_text,
)

# --- what every posting is, for a public reader -----------------------------------------

def other_category(account: str) -> str:
    """Expenses:Running:Hosting -> 'Running: hosting'."""
    parts = account.split(":")[1:]
    if not parts:
        return account
    head, rest = parts[0], [p.lower() for p in parts[1:]]
    return f"{head}: {', '.join(rest)}" if rest else head


def _donor(txn: Transaction, posting) -> str | None:
    return (posting.meta or {}).get("donor") or (txn.meta or {}).get("donor")


# --- the collection pass ----------------------------------------------------------------

@dataclass
class _Acc:
    """Sums for one fund (or for all selected funds together)."""

    income: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    donors: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    grant_units: dict[tuple[str, str], Decimal] = field(
        default_factory=lambda: defaultdict(Decimal))
    sources: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    legal: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    transfers: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    year_raised: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    year_spent: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    year_donors: dict[int, set] = field(default_factory=lambda: defaultdict(set))
    # Channels with gifts booked without a donor (a platform's payout of many pledges):
    # their supporters cannot be counted, only bounded from below.
    untagged: set = field(default_factory=set)
    # What each donor gave through each channel, net of refunds ({(channel, donor): n}):
    # a donor refunded in full gave nothing and is not counted.
    given: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    # Gifts by the asset account they came into ({account: {donor: amount}}): "where it is
    # held" is shown only if no account holds a small group's gifts.
    received: dict[str, dict] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Decimal)))


def _grant_funder(txn: Transaction, account: str) -> str:
    # A grant's payee is the funder, an organisation; a donor-tagged one is never named.
    if txn.payee and not (txn.meta or {}).get("donor"):
        return txn.payee
    return account.split(":")[-1]


def _collect(entries: Iterable, selected: set[str], titles: dict[str, str],
             currency: str, as_of: datetime.date | None) -> tuple[dict[str, _Acc], _Acc]:
    """What a public statement needs beyond the reconciliation's totals: who gave through
    which channel (as pseudonyms, only ever counted), grants in their own currency, legal
    fees by firm and category, transfers by the other fund, and sums by year."""
    per_fund: dict[str, _Acc] = defaultdict(_Acc)
    total = _Acc()
    entries = list(entries)
    year_end = ledger_options.fy_end(entries)  # one financial year everywhere (the SOFA's)
    firms = firmlib.declarations(entries)
    rates = Rates(entries, currency)
    # A refund carries no donor (the donor is paid, not giving): its `refund-of` names the
    # gift it returns, whose donor it is netted against.
    awarded: dict[str, str] = {}  # fund -> funder, of grants accrued when awarded
    gift_donor = {e.meta["import-id"]: e.meta["donor"] for e in entries
                  if isinstance(e, Transaction) and "donor" in e.meta and "import-id" in e.meta}
    for txn, posting, fund in fundmodel.fund_postings(entries):
        if fund not in selected or (as_of is not None and txn.date > as_of):
            continue
        w = fx.booked(posting, currency)
        if w.currency != currency:  # as reconcile counts it (reports.fx.in_unit)
            try:
                w = fx.in_unit(posting, txn, currency, rates)
            except NoRate:
                continue  # reported by the reconciliation as `foreign`, in the notes
        accs = (per_fund[fund], total)
        n = w.number
        year = ledger_options.fy_of(txn.date, year_end)
        account = posting.account
        if is_gain_or_loss(account):
            continue  # the reconciliation's gains/(losses): neither raised nor spent
        if account.startswith("Income:"):
            if txn.meta.get(reconciliation.LEFTOVER_KEY) == reconciliation.RETURNED:
                continue  # a leftover sent back, shown as returned, not as fundraising
            ch = reconciliation.channel(account)
            source = _grant_funder(txn, account) if ch == GRANT else _source(account)
            donor = _donor(txn, posting)
            paid_back = gift_donor.get(txn.meta.get("refund-of")) if n > 0 else None
            for acc in accs:
                if donor or paid_back:
                    acc.given[(ch, donor or paid_back)] += -n
                acc.income[(ch, source)] += -n
                acc.year_raised[year] += -n
                if source:
                    acc.sources[ch].add(source)
                if donor:
                    acc.donors[ch].add(donor)
                    acc.year_donors[year].add(donor)
                elif ch in DONOR_CHANNELS and n < 0:
                    # A gift with no donor (a platform's payout of many pledges). A refund
                    # with none takes money back from a donor already counted.
                    acc.untagged.add(ch)
                for asset in {p.account for p in txn.postings
                              if p.account.startswith("Assets:")}:
                    acc.received[asset][donor] += -n
                if ch == GRANT and posting.units.currency != currency:
                    if txn.meta.get(accruals.ACCRUAL_KEY) == accruals.AWARD:
                        awarded[fund] = source  # accrued, not received: see below
                    else:
                        acc.grant_units[(source, posting.units.currency)] += \
                            -posting.units.number
        elif account.startswith("Expenses:"):
            category = reconciliation.legal_category(account)
            for acc in accs:
                acc.year_spent[year] += n
                if account.startswith("Expenses:Legal") and category != COURT_FEES:
                    acc.legal[(_firm(txn, posting, firms), category)] += n
        elif account == fundmodel.TRANSFERS_ACCOUNT:
            others = {f for p in txn.postings
                      if p.account == fundmodel.TRANSFERS_ACCOUNT
                      and (f := fundmodel.posting_fund(p, txn)) and f != fund}
            label = ", ".join(sorted(titles.get(f, f) for f in others)) or "another fund"
            per_fund[fund].transfers[label] += -n
    # An accrued award's money is what settles its debtor, tranche by tranche: a grant is
    # published as received only once it has arrived.
    for txn in entries:
        fund = txn.meta.get("fund") if isinstance(txn, Transaction) else None
        if fund not in awarded or (as_of is not None and txn.date > as_of):
            continue
        for p in txn.postings:
            if p.account == accruals.DEBTOR and p.units.number < 0 \
                    and p.units.currency != currency:
                for acc in (per_fund[fund], total):
                    acc.grant_units[(awarded[fund], p.units.currency)] += -p.units.number
    for acc in (*per_fund.values(), total):
        for ch, donors in acc.donors.items():
            acc.donors[ch] = {d for d in donors if acc.given[(ch, d)] > 0}
    return per_fund, total


def fee_kinds(txn: Transaction) -> set[str]:
    """The kinds of fee charged in a transaction ("platform", "payment"): a fee booked with
    a gift is a known share of it, so it is as sensitive as the gift."""
    kinds = set()
    for p in txn.postings:
        if p.account in PLATFORM_FEES:
            kinds.add("platform")
        elif p.account in PAYMENT_FEES:
            kinds.add("payment")
    return kinds


def _source(account: str) -> str:
    """Income:Donations:PayPal -> 'PayPal'; Income:Interest -> 'Interest'."""
    parts = account.split(":")
    return parts[-1] if len(parts) > 2 else (parts[1] if len(parts) == 2 else "")


def _firm(txn: Transaction, posting, firms: dict | None = None) -> str:
    """The firm paid, as `legal --by firm` names it (reports.funds.firm_of): a firm, or
    the category of spend paid to no firm; never a bank's name, never a donor's."""
    return reconciliation.firm_of(posting, txn, firms)


# --- from sums to what may be published -------------------------------------------------

def atom_key(ch: str, source: str) -> str:
    """The disclosure atom's channel key: the channel, or each grant's funder on its own."""
    return f"{GRANT}:{source}" if ch == GRANT else ch


def _raised_items(acc: _Acc, rounded: bool, merge: bool) -> tuple[Item, ...]:
    """Raised by channel (each grant by its funder). Channels given by 1 to 4 donors are
    shown together as "Other channels"; with `merge`, every gift channel is one line."""
    by_channel: dict[str, Decimal] = defaultdict(Decimal)
    for (ch, _source), n in acc.income.items():
        by_channel[ch] += n
    items: list[Item] = []
    merged_amount, merged_donors, merged_names, merged_untagged = ZERO, set(), [], False
    for ch in (CROWDFUNDING, GRANT, DONATIONS, OTHER_INCOME):
        if ch not in by_channel:
            continue
        donors = acc.donors.get(ch, set())
        if ch != GRANT and (merge or 0 < len(donors) < MIN_GROUP):
            merged_amount += by_channel[ch]
            merged_donors |= donors
            merged_names.append(ch)
            merged_untagged = merged_untagged or ch in acc.untagged
            continue
        if ch == GRANT:
            for (c, source), n in sorted(acc.income.items()):
                if c == GRANT:
                    items.append(Item(f"Grant from {source}", n,
                                      keys=frozenset({atom_key(c, source)})))
            continue
        detail = ", ".join(sorted(acc.sources.get(ch, ())))
        items.append(Item(CHANNEL_LABELS[ch], by_channel[ch],
                          f"through {detail}" if detail and ch != OTHER_INCOME else detail,
                          supporters_text(len(donors), ch not in acc.untagged, rounded),
                          keys=frozenset({ch})))
    if merged_names:
        names = " and ".join(CHANNEL_LABELS[ch].lower() for ch in merged_names)
        label, detail = (
            (GIFTS_LABEL, f"{names}, shown together") if merge and len(merged_names) > 1
            else (CHANNEL_LABELS[merged_names[0]], "") if merge
            else (CHANNEL_LABELS[OTHER_CHANNELS],
                  f"{names}: channels with {FEWER} supporters each are shown together"))
        items.append(Item(label, merged_amount, detail,
                          supporters_text(len(merged_donors), not merged_untagged, rounded),
                          keys=frozenset(merged_names)))
    return tuple(items)


def _grant_original(acc: _Acc) -> tuple[Item, ...]:
    return tuple(Item(f"Grant from {source}", n, cur)
                 for (source, cur), n in sorted(acc.grant_units.items()) if n)


def _firms(acc: _Acc) -> tuple[FirmSpend, ...]:
    by_firm: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (firm, category), n in acc.legal.items():
        by_firm[firm][category] += n
    order = ["profit costs", "counsel", "VAT", "other legal"]
    firms = [FirmSpend(firm, sum(cats.values(), ZERO),
                       tuple(Item(c, cats[c]) for c in order if cats.get(c)))
             for firm, cats in by_firm.items()]
    # Firms largest first, then what no firm was paid, by category, as `legal --by firm`.
    return tuple(sorted(firms, key=lambda f: (not reconciliation.is_firm(f.firm), -f.amount,
                                              f.firm)))


def _periods(acc: _Acc, year_end: tuple[int, int], merge: bool) -> tuple[Period, ...]:
    """Raised and spent by financial year, consecutive years merged until no period's gifts
    come from 1 to 4 donors (a year with one gift must not show that gift); with `merge`,
    one period for all years.

    Only the statement as a whole has a time series: a per-fund series grouped differently
    would let a reader subtract one table from another and get back a small year.
    """
    years = sorted(set(acc.year_raised) | set(acc.year_spent))

    def name(year: int) -> str:
        return ledger_options.fy_label(year, year_end)

    def safe(group: list[int]) -> bool:
        donors = set().union(*(acc.year_donors.get(y, set()) for y in group))
        return not 0 < len(donors) < MIN_GROUP

    groups: list[list[int]] = []
    current: list[int] = []
    if merge and years:
        groups, years = [years], []
    for year in years:
        current.append(year)
        if safe(current):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    # The last years still come from too few donors: fold them back into the periods
    # before, as far as it takes.
    while len(groups) > 1 and not safe(groups[-1]):
        last = groups.pop()
        groups[-1] = groups[-1] + last
    return tuple(
        Period(name(g[0]) if len(g) == 1 else f"{name(g[0])}\u2013{name(g[-1])}",
               sum((acc.year_raised.get(y, ZERO) for y in g), ZERO),
               sum((acc.year_spent.get(y, ZERO) for y in g), ZERO), tuple(g))
        for g in groups)


def _all_donors(acc: _Acc) -> set:
    return set().union(*acc.donors.values()) if acc.donors else set()


def _on_its_own(acc: _Acc) -> bool:
    """Whether a fund may be shown on its own: its gifts come from 0 or at least 5 donors."""
    return not 0 < len(_all_donors(acc)) < MIN_GROUP


def _merge_accs(accs: Iterable[_Acc]) -> _Acc:
    out = _Acc()
    for a in accs:
        for f in fields(_Acc):
            _add_into(getattr(out, f.name), getattr(a, f.name))
    return out


def _add_into(into, more) -> None:
    """Sums added, sets of donors joined, at any depth (every _Acc field is one of these)."""
    if isinstance(more, set):
        into |= more
        return
    for k, v in more.items():
        if isinstance(v, (set, dict)):
            _add_into(into[k], v)
        else:
            into[k] += v
