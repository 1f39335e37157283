"""The public spend-transparency statement: what each fund raised and spent, for anyone to read.

`statement(entries, options, funds)` returns a `Statement` of plain dataclasses; the HTML,
Markdown and CSV renderers (reports.transparency_render) only format it. Each fund's
totals (raised, fees, legal, other, transfers, balance, where it is held, status) are the
fund reconciliation's (`reports.funds.reconcile`); this module adds only what a public
statement needs: supporter counts, breakdowns safe to publish, a time series and words.

Every privacy decision is taken here, so no renderer can leak what the statement does not
hold:

- Aggregates only. The statement holds no donor pseudonym, no payee of a transaction that
  carries `donor:`, no single gift's amount or date: money is summed per fund, channel,
  firm, category and period.
- Supporters are counted as distinct `donor:` pseudonyms. A count of 1 to 4 is never
  shown: it becomes the text "fewer than 5" (`MIN_GROUP`). Where a count was suppressed,
  the counts it could be subtracted from (the fund's total; every count of the whole
  statement) are rounded down to a multiple of 5 ("at least 15").
- Money raised is shown per channel (crowdfunding, grant, donations, other income). A
  channel given by 1 to 4 donors is not shown on its own: such channels are merged into
  one "other channels" line, whose count is itself "fewer than 5" if the merged group is
  still under 5. Gifts booked without `donor:` (a platform's payout of many pledges) make
  a count "at least N", and no count under 5 is ever said. Income with no `donor:` (a platform's weekly payout,
  a grant, bank interest) is not a gift from an identifiable person; grants are named by
  their funder, which is an organisation.
- The "raised and spent over time" series is by the books' financial year (labelled "2020"
  for a calendar year, "2019/20" otherwise, and `years` says which), but consecutive years are
  merged ("2019-2021") until each period's gifts come from 0 or at least 5 donors, so a
  year with one gift cannot reveal that gift's amount and year. There is one series, for
  the whole statement: per-fund series would give small years back by subtraction. The
  statement is dated the end of its last entry's month, not the day of a last gift.
- A fund is shown on its own only if its gifts come from no identifiable donor or from at
  least 5 distinct `donor:` pseudonyms. Its spend and balance are public, and raised =
  spent + balance - transfers, so hiding only its "raised" line would not protect a fund
  given by one person; and a grant beside the gifts does not help either, as the grant is
  published and the rest is those few donors' money. Funds whose gifts come from 1 to 4
  donors are merged into one "Other funds" section (`OTHER_FUNDS`), which names them (a
  fund's title is not donor data) but shows only their summed figures: raised by channel,
  fees, spend by firm and category, transfers (those between the merged funds cancel),
  balance. Its supporters are counted over the merged donors. If the merged group's gifts
  still come from 1 to 4 donors (one fund given by one person), the section's total would
  still be their gifts, so the fund with the fewest donors among those shown on their own
  joins it, then the next, until the group's gifts come from at least 5 donors: a whole
  fund's figures are the price of not publishing one person's giving. If the whole
  statement's gifts come from 1 to 4 donors (say, a statement of one small fund), no merge
  can help and any total would be their gifts: `statement()` refuses with
  `TooFewSupporters` and nothing is published. A note names the merged funds and says why.
  A fund shown on its own names a transfer to or from a merged fund as "Other funds",
  summed with the section's other transfers: the amount moved out of one small fund
  (its leftover released, say) can be most of what its few donors gave.
- Spending is named by firm (the posting's `firm:`, else the payee) for legal fees and by
  category for everything else: other payees (suppliers, refunds) are never named.
- "Where it is held" is left out for a fund if an account it sits in took gifts from a
  small group (disclosure.sensitive): one bank gift to a crowdfunded case would otherwise
  read "4,321.00 in our bank account".

The rules above protect one statement. A reader holding several can subtract them, so a
public statement (`statement()`) also runs only to the end of a publication period
(financial year or quarter) and is audited (reports.disclosure) together with the
statement of all funds at every period end and with every statement in the books'
register of published statements: it is coarsened (`Form`: gift channels on one line,
one period, more funds in "Other funds") until no small group's gifts can be worked out,
or refused (`NotPublishable`). An internal draft (`draft=True`) may run to any day and is
marked "not for publication" instead.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from beancount.core.data import Custom, Transaction

from ledger import funds as fundmodel
from ledger import options as ledger_options
from reports import disclosure
from reports import funds as reconciliation
from reports.classify import ReportError
from reports.funds import FundSummary

MIN_GROUP = 5
FEWER = f"fewer than {MIN_GROUP}"
ZERO = Decimal("0.00")

# Channels of income, in the order a reader expects them (docs/books.md).
CROWDFUNDING, GRANT, DONATIONS, OTHER_INCOME = "crowdfunding", "grant", "donations", "other"
OTHER_CHANNELS = "other channels"
GIFTS_LABEL = "Gifts"  # every gift channel on one line, where channels would give one away
DONOR_CHANNELS = (CROWDFUNDING, DONATIONS)
CHANNEL_LABELS = {
    CROWDFUNDING: "Crowdfunding",
    GRANT: "Grant",
    DONATIONS: "Donations",
    OTHER_INCOME: "Other income",
    OTHER_CHANNELS: "Other channels",
}

COURT_FEES = "court fees"

# The section of funds each given by fewer than MIN_GROUP donors, shown only together.
OTHER_FUNDS = "other-funds"
OTHER_FUNDS_LABEL = "Other funds"  # how a shown fund's transfers name that section
OTHER_FUNDS_TITLE = f"Other funds (each supported by {FEWER} people)"
OTHER_FUNDS_MIXED_TITLE = f"Other funds (shown together: some had {FEWER} supporters)"

LEFTOVER = {
    "return-to-platform": "Any money left when the case ends goes back to the crowdfunding "
                          "platform, to be dealt with under its terms for supporters.",
    "release-to-unrestricted": "Any money left when the case ends is released to our general "
                               "funds, as supporters were told when they gave.",
    "unrestricted": "This is our general fund: what is left pays for our work in future.",
    "designated": "Our trustees set this money aside; they may release it to our general "
                  "funds if it is not needed.",
    "restricted": "Any money left will only be spent on this fund's purpose.",
    "endowment": "This is an endowment: it is kept, and only what the donor allowed is spent.",
}


@dataclass(frozen=True)
class Item:
    """A labelled sum, optionally with what it is made of and how many supporters gave it."""

    label: str
    amount: Decimal
    detail: str = ""
    supporters: str = ""  # "" (not a gift), "fewer than 5", or a count of at least 5
    # The channels of income (disclosure atom keys) the amount sums: what the disclosure
    # audit needs to know which gifts a raised line holds. Not published.
    keys: frozenset = field(default=frozenset(), compare=False, repr=False)


@dataclass(frozen=True)
class FirmSpend:
    firm: str
    amount: Decimal
    categories: tuple[Item, ...]  # profit costs, counsel, VAT, other legal


@dataclass(frozen=True)
class Period:
    label: str  # a financial year, "2019" or "2018/19", or merged years "2019-2021"
    raised: Decimal
    spent: Decimal
    years: tuple[int, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class FundStatement:
    id: str
    title: str
    fund_class: str
    purpose: str  # plain words for the account prefixes it may be spent on
    opened: datetime.date
    closed: datetime.date | None
    status: str  # open | closed
    raised: tuple[Item, ...]
    raised_total: Decimal
    supporters: str
    grant_original: tuple[Item, ...]  # grants in the funder's currency, e.g. 60,000.00 EUR
    platform_fees: Decimal
    payment_fees: Decimal
    legal_by_firm: tuple[FirmSpend, ...]
    legal_total: Decimal  # firms' fees, without court fees
    court_fees: Decimal
    other_spend: tuple[Item, ...]
    spent_total: Decimal  # fees + legal + court fees + other
    returned: Decimal  # a leftover sent back to the platform when the fund closed
    transfers: tuple[Item, ...]  # + in, - out, labelled by the other fund
    transfers_net: Decimal
    balance: Decimal
    held: tuple[Item, ...]  # where the balance sits ("held in Brightwater client account")
    leftover: str
    merged: tuple[str, ...] = ()  # OTHER_FUNDS only: titles of the funds shown together
    brought_forward: Decimal = ZERO  # held before the books began (an opening balance)


@dataclass(frozen=True)
class Statement:
    organisation: str
    currency: str
    as_of: datetime.date
    summary: str
    funds: tuple[FundStatement, ...]
    raised: tuple[Item, ...]
    raised_total: Decimal
    supporters: str
    spend_by_firm: tuple[FirmSpend, ...]
    court_fees: Decimal
    fees: Decimal
    other_spend: Decimal
    spent_total: Decimal
    returned: Decimal
    balance: Decimal
    periods: tuple[Period, ...]
    notes: tuple[str, ...] = field(default=())
    # An internal draft for a date that is not the end of a publication period: every
    # file says "not for publication".
    draft: bool = False
    # The form the statement takes to protect small groups, and the digest of its
    # figures: what `--publish` writes into the register of published statements.
    form: Form = field(default_factory=lambda: Form())
    digest: str = ""
    years: str = "financial years ending 31 December"  # what the periods' years are


class TooFewSupporters(ReportError):
    """The statement would publish the gifts of a group of fewer than MIN_GROUP donors."""


class NotPublishable(ReportError):
    """The statement asked for is not a public one: a date that is not the end of a
    publication period, or a statement that with those already published (or the
    statement of all funds) would give away a small group's gifts."""


class UnknownFund(ValueError):
    pass


def supporters_text(count: int, complete: bool = True, rounded: bool = False) -> str:
    """How a count of donors is published: never a number below MIN_GROUP.

    `complete` is False when some of the gifts were booked without a donor (a platform's
    payout of many pledges): then only "at least N" is true, and nothing under 5 is said.
    `rounded` is True where a smaller group beside this one was suppressed: the count is
    then rounded down to a multiple of 5 ("at least 15"), or a reader could subtract the
    other counts from it and get the suppressed one back.
    """
    if count == 0:
        return ""
    if count < MIN_GROUP:
        return FEWER if complete else ""
    if rounded:
        return f"at least {count - count % MIN_GROUP}"
    return str(count) if complete else f"at least {count}"


def _suppressed(items: Iterable[Item]) -> bool:
    return any(i.supporters == FEWER for i in items)


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

class Form(NamedTuple):
    """How much a statement is coarsened, beyond its own rules, so that no set of
    published statements gives a small group's gifts away by subtraction."""

    channels_merged: bool = False  # every gift channel on one line ("Gifts")
    periods_merged: bool = False  # the time series as one period
    shown_together: frozenset = frozenset()  # funds put into "Other funds" to protect others

    def meta(self) -> dict[str, str]:
        """The register entry's metadata recording this form (nothing for the plain one)."""
        out = {}
        if self.channels_merged:
            out["channels"] = "merged"
        if self.periods_merged:
            out["periods"] = "merged"
        if self.shown_together:
            out["shown-together"] = " ".join(sorted(self.shown_together))
        return out

    @classmethod
    def of(cls, meta: dict) -> Form:
        return cls(meta.get("channels") == "merged", meta.get("periods") == "merged",
                   frozenset(str(meta.get("shown-together") or "").split()))


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
    year_end = ledger_options.fy_end(entries)  # one financial year everywhere (the SOFA's)
    for txn, posting, fund in fundmodel.fund_postings(entries):
        if fund not in selected or (as_of is not None and txn.date > as_of):
            continue
        w = fundmodel.weight(posting)
        if w.currency != currency:
            continue  # reported by the reconciliation as `foreign`, in the notes
        accs = (per_fund[fund], total)
        n = w.number
        year = ledger_options.fy_of(txn.date, year_end)
        account = posting.account
        if account.startswith("Income:"):
            if txn.meta.get(reconciliation.LEFTOVER_KEY) == reconciliation.RETURNED:
                continue  # a leftover sent back, shown as returned, not as fundraising
            ch = reconciliation.channel(account)
            source = _grant_funder(txn, account) if ch == GRANT else _source(account)
            donor = _donor(txn, posting)
            for acc in accs:
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
                    acc.grant_units[(source, posting.units.currency)] += -posting.units.number
        elif account.startswith("Expenses:"):
            category = reconciliation.legal_category(account)
            for acc in accs:
                acc.year_spent[year] += n
                if account.startswith("Expenses:Legal") and category != COURT_FEES:
                    acc.legal[(_firm(txn, posting), category)] += n
        elif account == fundmodel.TRANSFERS_ACCOUNT:
            others = {f for p in txn.postings
                      if p.account == fundmodel.TRANSFERS_ACCOUNT
                      and (f := fundmodel.posting_fund(p, txn)) and f != fund}
            label = ", ".join(sorted(titles.get(f, f) for f in others)) or "another fund"
            per_fund[fund].transfers[label] += -n
    return per_fund, total


def _source(account: str) -> str:
    """Income:Donations:PayPal -> 'PayPal'; Income:Interest -> 'Interest'."""
    parts = account.split(":")
    return parts[-1] if len(parts) > 2 else (parts[1] if len(parts) == 2 else "")


def _firm(txn: Transaction, posting) -> str:
    firm = (posting.meta or {}).get("firm")
    if firm:
        return firm
    # The payee of a gift is a donor: never name it, even if a legal posting rides along.
    if txn.payee and not _donor(txn, posting):
        return txn.payee
    return "other legal costs"


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
    return tuple(sorted(firms, key=lambda f: (-f.amount, f.firm)))


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
        for k, n in a.income.items():
            out.income[k] += n
        for k, v in a.donors.items():
            out.donors[k] |= v
        for k, n in a.grant_units.items():
            out.grant_units[k] += n
        for k, v in a.sources.items():
            out.sources[k] |= v
        for k, n in a.legal.items():
            out.legal[k] += n
        for k, n in a.transfers.items():
            out.transfers[k] += n
        for k, n in a.year_raised.items():
            out.year_raised[k] += n
        for k, n in a.year_spent.items():
            out.year_spent[k] += n
        for k, v in a.year_donors.items():
            out.year_donors[k] |= v
        for k, by in a.received.items():
            for d, n in by.items():
                out.received[k][d] += n
        out.untagged |= a.untagged
    return out


def _summed_items(groups: Iterable[tuple[Item, ...]]) -> tuple[Item, ...]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for items in groups:
        for i in items:
            sums[i.label] += i.amount
    return tuple(Item(label, n) for label, n in sums.items() if n)


def _make_up_the_group(small: list[str], own: list[str], per_fund: dict[str, _Acc]
                       ) -> list[str]:
    """The funds that would be shown on their own but must join the small ones: while the
    merged group's gifts come from 1 to 4 donors, the fund with the fewest donors (the
    first declared, on a tie) joins it. A fund without gifts does not help and never joins.

    Without this, one fund given by a single donor would be "Other funds" on its own, and
    its total (public spend plus balance) that donor's gifts."""
    group = set().union(*(_all_donors(per_fund[f]) for f in small)) if small else set()
    candidates = sorted((f for f in own if _all_donors(per_fund[f])),
                        key=lambda f: (len(_all_donors(per_fund[f])), own.index(f)))
    added: list[str] = []
    while 0 < len(group) < MIN_GROUP and candidates:
        f = candidates.pop(0)
        added.append(f)
        group |= _all_donors(per_fund[f])
    return added


def _other_funds(group: list[FundStatement], acc: _Acc, title: str,
                 merge: bool = False) -> FundStatement:
    """One section for the funds that may not be shown on their own: their sums only."""
    def add(attr: str) -> Decimal:
        return sum((getattr(f, attr) for f in group), ZERO)

    titles = tuple(f.title for f in group)
    raised_total = add("raised_total")
    # statement() has refused any scope whose gifts come from 1 to 4 donors, and
    # _make_up_the_group() grew this group to at least MIN_GROUP donors.
    donors = _all_donors(acc)
    raised = _raised_items(acc, False, merge)
    supporters = supporters_text(len(donors), not acc.untagged, _suppressed(raised))
    grant_original = _grant_original(acc)
    # Transfers between two merged funds cancel out; only those with other funds remain.
    transfers = _transfer_items({k: v for k, v in acc.transfers.items() if k not in titles})
    # No per-account holdings: one merged fund may be the only money in an account (a
    # one-donor fund in PayPal), and that line would publish its gifts. The balance is
    # the group's sum, which has at least MIN_GROUP donors behind it.
    held: tuple[Item, ...] = ()
    any_open = any(f.closed is None for f in group)
    return FundStatement(
        id=OTHER_FUNDS, title=title, fund_class="", purpose="",
        opened=min(f.opened for f in group), closed=None,
        status=STATUS_WORDS["open"] if any_open else STATUS_WORDS["closed"],
        raised=raised, raised_total=raised_total, supporters=supporters,
        grant_original=grant_original,
        platform_fees=add("platform_fees"), payment_fees=add("payment_fees"),
        legal_by_firm=_firms(acc), legal_total=add("legal_total"),
        court_fees=add("court_fees"),
        other_spend=_summed_items(f.other_spend for f in group),
        spent_total=add("spent_total"), returned=add("returned"),
        transfers=transfers, transfers_net=add("transfers_net"),
        balance=add("balance"), held=held,
        leftover="Each of these funds keeps its own terms for any money left in it.",
        merged=titles, brought_forward=add("brought_forward"))


PURPOSE_WORDS = {
    "Expenses:Legal": "legal costs",
    "Expenses:Fees": "platform and payment fees",
    "Expenses:Comms": "communications",
}


def _purpose_words(fund: fundmodel.Fund) -> str:
    if not fund.purpose:
        return "any of our aims" if fund.fund_class == "unrestricted" else ""
    return ", ".join(PURPOSE_WORDS.get(p, p.split(":")[-1].lower()) for p in fund.purpose)


def _month_end(d: datetime.date) -> datetime.date:
    first_next = (d.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_next - datetime.timedelta(days=1)


def long_date(d: datetime.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _leftover(fund: fundmodel.Fund, balance: Decimal) -> str:
    if fund.closed is not None:
        return f"The fund was closed on {long_date(fund.closed)} with nothing left."
    rule = LEFTOVER.get(fund.terms or "") or LEFTOVER[fund.fund_class]
    if balance <= 0:
        return "Nothing is left in this fund. " + rule
    return rule


def _held(summary: FundSummary) -> tuple[Item, ...]:
    """Where a fund's balance sits, in words a reader understands; what is owed to a firm
    is a negative item ("owed to Brightwater").

    Left out when it would confuse more than inform: a fund whose money is partly kept in
    another fund's accounts (a designated reserve) shows a negative holding there."""
    items = []
    for h in summary.holdings:
        parts = h.account.split(":")
        if h.account.startswith("Assets:Held:"):
            label = f"held in the {h.description}"
        elif h.account.startswith("Assets:Bank:") or h.account == "Assets:Bank":
            label = "in our bank account"
        elif h.account == "Assets:Transfers":
            label = "on its way between our accounts"
        elif h.account.startswith("Assets:"):
            label = f"in our {parts[-1]} account"
        elif h.account.startswith(reconciliation.CREDITORS):
            label = h.description  # "owed to <Firm>": a firm, never a donor
        elif h.account.startswith("(with "):
            label = "kept with our general funds' money"
        else:
            return ()
        items.append((label, h.amount))
    merged: dict[str, Decimal] = defaultdict(Decimal)
    for label, n in items:
        merged[label] += n
    result = tuple(Item(label, n) for label, n in merged.items() if n)
    if any(i.amount < 0 and not i.label.startswith("owed") for i in result):
        return ()
    return result


STATUS_WORDS = {"open": "open", "closable": "open (all spent, to be closed)",
                "closed": "closed", "overspent": "overspent"}


def _transfer_items(transfers: dict[str, Decimal], merged: frozenset[str] = frozenset()
                    ) -> tuple[Item, ...]:
    """+ in, - out, labelled by the other fund. A fund shown only inside "Other funds" is
    named as that section, its transfers summed with the section's others: the amount
    moved to or from one small fund could be what its few donors gave."""
    by: dict[str, Decimal] = defaultdict(Decimal)
    for k, v in transfers.items():
        by[OTHER_FUNDS_LABEL if k in merged else k] += v
    return tuple(Item(("From " if v > 0 else "To ") + k, v) for k, v in sorted(by.items()) if v)


def _fund_statement(fund: fundmodel.Fund, summary: FundSummary, acc: _Acc,
                    r: disclosure.Rules, merged: frozenset[str] = frozenset(),
                    merge: bool = False) -> FundStatement:
    """The reconciliation's totals, with the breakdowns a public reader needs; `merged`
    holds the titles of the funds shown only in "Other funds", `merge` puts every gift
    channel on one line.

    Where the balance is held is left out if any account it sits in took gifts from a
    small group (one bank gift to a crowdfunded case would be "in our bank account")."""
    court = summary.legal_by_category.get(COURT_FEES, ZERO)
    other = tuple(Item(other_category(account), n)
                  for account, n in summary.other_by_account.items() if n)
    transfers = _transfer_items(acc.transfers, merged)
    spent = (summary.platform_fees + summary.payment_fees + summary.legal_total
             + summary.other_spend)
    raised = _raised_items(acc, False, merge)
    small_account = any(disclosure.sensitive(g, r) for g in acc.received.values())
    return FundStatement(
        id=fund.id, title=fund.title, fund_class=fund.fund_class,
        purpose=_purpose_words(fund), opened=fund.opened, closed=fund.closed,
        status=STATUS_WORDS.get(summary.status, summary.status),
        raised=raised, raised_total=summary.raised_total,
        supporters=supporters_text(len(_all_donors(acc)), not acc.untagged,
                                   _suppressed(raised)),
        grant_original=_grant_original(acc),
        platform_fees=summary.platform_fees, payment_fees=summary.payment_fees,
        legal_by_firm=_firms(acc), legal_total=summary.legal_total - court, court_fees=court,
        other_spend=other, spent_total=spent, returned=summary.returned,
        transfers=transfers, transfers_net=summary.transfers_in - summary.transfers_out,
        balance=summary.balance, held=() if small_account else _held(summary),
        leftover=_leftover(fund, summary.balance), brought_forward=summary.brought_forward)


_BUILT: OrderedDict = OrderedDict()  # (books, request) -> (books' entries, result)


def _build(entries: list, options: dict, funds: list[str] | None, as_of: datetime.date | None,
           form: Form, r: disclosure.Rules, upto: int = 0) -> tuple[Statement, list]:
    """_make(), remembered: checking a statement builds the statement of all funds at every
    period end and every published one, each time, from the same books. The register
    entries are left out of the key (they change nothing in a statement); the books' entries
    are kept alive with the result, so their ids cannot be reused meanwhile."""
    books = tuple(id(e) for e in entries
                  if not (isinstance(e, Custom) and e.type == disclosure.PUBLISHED))
    key = (hash(books), tuple(funds or ()), as_of, form, r, upto, options.get("title"),
           tuple(options.get("operating_currency") or ()))
    found = _BUILT.get(key)
    if found is not None and found[0] == books:
        _BUILT.move_to_end(key)
        return found[2]
    result = _make(entries, options, funds, as_of, form, r, upto)
    _BUILT[key] = (books, entries, result)
    while len(_BUILT) > 512:
        _BUILT.popitem(last=False)
    return result


def _make(entries: list, options: dict, funds: list[str] | None, as_of: datetime.date | None,
          form: Form, r: disclosure.Rules, upto: int = 0) -> tuple[Statement, list]:
    """The statement for the given fund ids (all declared funds by default), as at the end
    of `as_of` (default: everything), in the given form; with the cells that hold gifts
    (`disclosure.Cell`, periods up to index `upto`) for the disclosure audit."""
    if as_of is not None:
        # As the books stood that day: a fund declared later is not in it, one closed
        # later is still open.
        entries = [e for e in entries if e.date <= as_of]
    declared, _budgets, _errors = fundmodel.declarations(entries)
    wanted = list(declared) if not funds else list(dict.fromkeys(funds))
    unknown = [f for f in wanted if f not in declared]
    if unknown:
        when = f" on {as_of}" if as_of else ""
        raise UnknownFund(f"no such fund{when}: {', '.join(unknown)} (funds in the books"
                          f"{when}: {', '.join(declared) or 'none'})")
    currency = reconciliation.operating_currency(options)
    summaries = {s.fund: s for s in reconciliation.reconcile(entries, options, as_of)}
    titles = {f.id: f.title for f in declared.values()}
    per_fund, total = _collect(entries, set(wanted), titles, currency, as_of)
    everyone = _all_donors(total)
    if 0 < len(everyone) < MIN_GROUP:
        names = _join([declared[f].title for f in wanted])
        raise TooFewSupporters(
            f"not published: {names} received gifts from {FEWER} supporters in all, so any "
            "figure of what was raised would show what they gave. Publish it together with "
            "other funds (name more funds, or none for all).")
    own = [f for f in wanted if _on_its_own(per_fund[f]) and f not in form.shown_together]
    small = [f for f in wanted if f not in own and f not in form.shown_together]
    protected = [f for f in wanted if f in form.shown_together]
    added = _make_up_the_group(small + protected, own, per_fund)
    merged = [f for f in wanted if f in small or f in added or f in protected]
    own = [f for f in own if f not in added]
    hidden = frozenset(declared[f].title for f in merged)
    merge = form.channels_merged
    sections = [(frozenset({f}), _fund_statement(declared[f], summaries[f], per_fund[f], r,
                                                 hidden, merge)) for f in own]
    if merged:
        sections.append((frozenset(merged), _other_funds(
            [_fund_statement(declared[f], summaries[f], per_fund[f], r) for f in merged],
            _merge_accs(per_fund[f] for f in merged),
            OTHER_FUNDS_TITLE if not (added or protected) else OTHER_FUNDS_MIXED_TITLE,
            merge)))
    fund_statements = tuple(s for _f, s in sections)

    def add(attr: str) -> Decimal:
        return sum((getattr(f, attr) for f in fund_statements), ZERO)

    dates = [e.date for e in entries if isinstance(e, Transaction)]
    # Without a date asked for, the statement runs to the end of the month of the last
    # entry: the date of the last entry could be the date of a single gift.
    as_of = as_of or _month_end(max(dates) if dates else datetime.date.today())
    foreign: dict[str, Decimal] = defaultdict(Decimal)
    for f in wanted:
        for c, n in summaries[f].foreign.items():
            foreign[c] += n
    # The amount is not printed: it may be one gift (a single donation in dollars).
    notes = tuple(f"Money booked in {c} without a {currency} value (no exchange rate in our "
                  "books) is not included in these figures."
                  for c, n in sorted(foreign.items()) if n)
    if small:
        names = _join([declared[f].title for f in small])
        notes += ((f"{len(small)} fund{'s' if len(small) > 1 else ''} ({names}) "
                   f"{'are' if len(small) > 1 else 'is'} shown only together, as "
                   f"\"{OTHER_FUNDS_TITLE}\": each was given money by {FEWER} "
                   "supporters, and a fund's own figures would show what they gave."),)
    if added:
        names = _join([declared[f].title for f in added])
        notes += ((f"{names} {'are' if len(added) > 1 else 'is'} shown in that section too, "
                   f"so that its money comes from at least {MIN_GROUP} supporters and no "
                   "small group's gifts can be worked out from it."),)
    if protected:
        names = _join([declared[f].title for f in protected])
        notes += ((f"{names} {'are' if len(protected) > 1 else 'is'} shown only together "
                   "with other funds, so that no small group's gifts can be worked out by "
                   "subtracting this statement from one we published before."),)
    if form.channels_merged:
        notes += (("Gifts are shown as one line, not by channel, so that no small group's "
                   "gifts can be worked out by subtracting one channel from another."),)
    # A count suppressed in any fund makes every count of the whole statement rounded:
    # the statement's donations count less the funds' shown ones would give it back.
    rounded = any(_suppressed(f.raised) or f.supporters == FEWER for f in fund_statements)
    raised = _raised_items(total, rounded, merge)
    periods = _periods(total, ledger_options.fy_end(entries), form.periods_merged)
    result = Statement(
        organisation=options.get("title") or "",
        currency=currency, as_of=as_of, summary="", funds=fund_statements,
        raised=raised, raised_total=add("raised_total"),
        supporters=supporters_text(len(_all_donors(total)), not total.untagged,
                                   rounded or _suppressed(raised)),
        spend_by_firm=_firms(total), court_fees=add("court_fees"),
        fees=add("platform_fees") + add("payment_fees"),
        other_spend=sum((i.amount for f in fund_statements for i in f.other_spend), ZERO),
        spent_total=add("spent_total"), returned=add("returned"), balance=add("balance"),
        periods=periods, notes=notes, form=form,
        years=ledger_options.fy_words(ledger_options.fy_end(entries)))
    first = min((f.opened for f in fund_statements), default=as_of)
    # Every figure that holds gifts, as the atoms it sums: each raised line and total of
    # each section (its balance is that total less public spend and transfers), of the
    # whole statement, and each period of the time series. The summary says nothing else.
    every = frozenset(wanted)
    cells = [disclosure.Cell(funds_, upto, i.keys) for funds_, f in sections for i in f.raised]
    cells += [disclosure.Cell(funds_, upto) for funds_, _f in sections]
    cells += [disclosure.Cell(every, upto, i.keys) for i in raised]
    cells.append(disclosure.Cell(every, upto))
    cells += [disclosure.Cell(every, upto, None, frozenset(p.years)) for p in periods]
    return _with_summary(result, first, _grant_original(total)), cells


def gifts(entries: Iterable, options: dict, ends: list[datetime.date]) -> disclosure.Gifts:
    """Every fund's money raised as disclosure atoms: (fund, channel key, publication
    period, calendar year) -> {donor (None for money given by no one identified): amount}."""
    currency = reconciliation.operating_currency(options)
    out: disclosure.Gifts = defaultdict(lambda: defaultdict(Decimal))
    for txn, posting, fund in fundmodel.fund_postings(entries):
        if not posting.account.startswith("Income:"):
            continue
        w = fundmodel.weight(posting)
        if (w.currency != currency
                or txn.meta.get(reconciliation.LEFTOVER_KEY) == reconciliation.RETURNED):
            continue  # as _collect: not in the statement's figures
        ch = reconciliation.channel(posting.account)
        source = _grant_funder(txn, posting.account) if ch == GRANT else ""
        atom = (fund, atom_key(ch, source), disclosure.period_index(ends, txn.date),
                txn.date.year)
        out[atom][_donor(txn, posting)] += -w.number
    return out


class _Public(NamedTuple):
    """What a reader may already hold: the statement of all funds at every date it may be
    published, and every statement in the register of published statements."""

    ends: list[datetime.date]  # ends of the publication periods
    permitted: list[datetime.date]  # those a statement of all funds may run to
    cells: list  # disclosure.Cell of all those statements
    gifts: disclosure.Gifts
    rules: disclosure.Rules


def _published(entries: list, options: dict, today: datetime.date | None) -> _Public:
    r = disclosure.rules(entries)
    ends = disclosure.period_ends(entries, today)
    atoms = gifts(entries, options, ends)
    held: list = []
    for p in disclosure.register(entries):
        if p.as_of not in ends:
            raise ReportError(f"{p.where}: the published statement with figures to "
                              f"{p.as_of} does not end a publication period of these books")
        form = Form.of(p.meta)
        try:
            _s, cells = _build(entries, options, list(p.funds or ()) or None, p.as_of, form,
                               r, ends.index(p.as_of))
        except (UnknownFund, TooFewSupporters) as e:
            raise ReportError(f"{p.where}: the published statement ({p.scope}, figures to "
                              f"{p.as_of}) cannot be made from these books: {e}") from None
        if disclosure.digest(cells, atoms) != p.digest:
            raise ReportError(
                f"{p.where}: the figures of the statement published on {p.day} ({p.scope}, "
                f"to {p.as_of}) have changed in the books since: anyone holding it could "
                "subtract it from a new one and see the changed gifts. Put the books for "
                "that period back as they were published.")
        held += cells
    permitted: list[datetime.date] = []
    chain: list = []
    for i, end in enumerate(ends):
        try:
            _s, cells = _protected(entries, options, None, end, i, chain + held, atoms, r)
        except (TooFewSupporters, NotPublishable):
            continue  # this period is folded into the next one that can be published
        permitted.append(end)
        chain += cells
    return _Public(ends, permitted, chain + held, atoms, r)


def _forms(shown_together: frozenset = frozenset()) -> Iterable[Form]:
    """The ways to coarsen a statement, least lost first."""
    yield Form(False, False, shown_together)
    yield Form(True, False, shown_together)
    yield Form(True, True, shown_together)


def _protected(entries: list, options: dict, funds: list[str] | None, as_of: datetime.date,
               upto: int, public: list, atoms: disclosure.Gifts, r: disclosure.Rules
               ) -> tuple[Statement, list]:
    """The statement in the least coarsened form that, with every statement a reader may
    already hold, gives no small group's gifts away; or NotPublishable, saying why."""
    together: frozenset = frozenset()
    while True:
        for form in _forms(together):
            s, cells = _build(entries, options, funds, as_of, form, r, upto)
            found = disclosure.leaks(public + cells, atoms, r)
            if not found:
                return s, cells
        # Put the funds whose gifts would show into "Other funds", and try again; if they
        # are there already, the fund shown on its own with the most supporters joins them
        # (its new gifts then cover theirs), until every fund is in that one section.
        culprits = {a[0] for group in found for a in group}
        shown = {f.id: f for f in s.funds if f.id != OTHER_FUNDS}
        if shown and not culprits & set(shown):
            culprits = {max(shown, key=lambda f: _count(shown[f].supporters))}
        if not culprits & set(shown):
            titles = {f.id: f.title for f in fundmodel.declarations(entries)[0].values()}
            names = _join(sorted(titles.get(f, f) for f in culprits))
            raise NotPublishable(
                f"not published: together with the statement of all funds to {as_of} (or a "
                f"statement already published), this one would let anyone work out what "
                f"{FEWER} supporters gave to {names}. Publish the statement of all funds, "
                "or a selection that includes them.")
        together |= culprits & set(shown)


def _count(supporters: str) -> int:
    digits = "".join(c for c in supporters if c.isdigit())
    return int(digits) if digits and supporters != FEWER else 0


def statement(entries: list, options: dict, funds: list[str] | None = None,
              as_of: datetime.date | None = None, draft: bool = False,
              today: datetime.date | None = None) -> Statement:
    """The public statement for the given fund ids (all declared funds by default), to the
    end of the publication period `as_of` (default: the latest that may be published).

    A public statement runs to the end of a financial year (or quarter), is checked against
    the statement of all funds at every period end and against the register of published
    statements, and is coarsened until none of them can be subtracted from it to give a
    small group's gifts; a fund selection that would is refused (NotPublishable).

    With `draft`, `as_of` may be any day (default: everything in the books): the result is
    an internal draft, marked "not for publication", not checked against other statements.
    """
    r = disclosure.rules(entries)
    if draft:
        s, _cells = _build(entries, options, funds, as_of, Form(), r)
        return replace(s, draft=True, notes=(DRAFT_NOTE,) + s.notes)
    public = _published(entries, options, today)
    if as_of is None:
        if not public.permitted:
            raise NotPublishable(
                "not published: no financial year of these books can be published yet (each "
                f"one's gifts come from {FEWER} supporters, or the year is not over). Make "
                "an internal draft with --draft.")
        as_of = public.permitted[-1]
    if as_of not in public.permitted:
        shown = ", ".join(d.isoformat() for d in public.permitted[-6:]) or "none yet"
        why = ("is not the end of a financial year" if as_of not in public.ends else
               f"cannot be published: the gifts in the period that ends then came from {FEWER}"
               " supporters, or show in it by subtraction")
        raise NotPublishable(
            f"not published: {as_of} {why}. A public statement runs to a date that may be "
            f"published ({shown}); for any other day make an internal draft with --draft.")
    s, cells = _protected(entries, options, funds, as_of, public.ends.index(as_of),
                          public.cells, public.gifts, public.rules)
    return replace(s, digest=disclosure.digest(cells, public.gifts))


DRAFT_NOTE = ("INTERNAL DRAFT, NOT FOR PUBLICATION: these figures run to a day that is not the "
              "end of a publication period, and were not checked against the statements "
              "already published.")


fmt = reconciliation.show_money
SYMBOLS = reconciliation.SYMBOLS


PHRASES = {"Crowdfunding": "through crowdfunding", "Donations": "in donations",
           "Other channels": "through other channels", GIFTS_LABEL: "in gifts"}


def fund_count(s: Statement) -> int:
    """How many funds the statement covers: "Other funds" counts as the funds it holds."""
    return sum(len(f.merged) or 1 for f in s.funds)


def _join(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _with_summary(s: Statement, first: datetime.date, grants: tuple[Item, ...]) -> Statement:
    """The plain-language paragraph at the top, built only from the statement's aggregates."""
    cur = s.currency
    gifts = [i for i in s.raised if not i.label.startswith("Grant")]
    parts = []
    if gifts:
        total = sum((i.amount for i in gifts), ZERO)
        who = f" from {s.supporters} supporters" if s.supporters else ""
        how = _join([f"{fmt(i.amount, cur)} {PHRASES.get(i.label, i.label.lower())}"
                     for i in gifts])
        parts.append(f"{fmt(total, cur)}{who} ({how})" if len(gifts) > 1
                     else f"{fmt(total, cur)}{who} "
                          f"{PHRASES.get(gifts[0].label, gifts[0].label.lower())}")
    original = {i.label: i for i in grants}
    for g in (i for i in s.raised if i.label.startswith("Grant")):
        o = original.get(g.label)
        amount = (f"{fmt(o.amount, o.detail)} ({fmt(g.amount, cur)})" if o
                  else fmt(g.amount, cur))
        parts.append(f"a grant of {amount} from {g.label.removeprefix('Grant from ')}")
    text = [f"Since {first.year} we raised {_join(parts) or 'nothing'}."]
    spent = []
    legal = sum((f.amount for f in s.spend_by_firm), ZERO)
    if legal:
        firms = _join([f"{fmt(f.amount, cur)} to {f.firm}" for f in s.spend_by_firm[:3]]
                      + (["others"] if len(s.spend_by_firm) > 3 else []))
        spent.append(f"{fmt(legal, cur)} on lawyers ({firms})")
    if s.court_fees:
        spent.append(f"{fmt(s.court_fees, cur)} on court fees")
    if s.fees:
        spent.append(f"{fmt(s.fees, cur)} on platform and payment fees")
    if s.other_spend:
        spent.append(f"{fmt(s.other_spend, cur)} on other costs")
    if spent:
        text.append(f"We spent {_join(spent)}.")
    # Transfers between funds of the statement cancel out; to or from other funds they
    # explain why what is left is not raised minus spent.
    moved = sum((f.transfers_net for f in s.funds), ZERO)
    if moved > 0:
        text.append(f"{fmt(moved, cur)} came in from our other funds.")
    elif moved < 0:
        text.append(f"{fmt(-moved, cur)} went to our other funds.")
    held = sum((f.brought_forward for f in s.funds), ZERO)
    if held:
        text.append(f"{fmt(held, cur)} was held before these accounts began.")
    if s.returned:
        text.append(f"{fmt(s.returned, cur)} left over was returned to the crowdfunding "
                    "platform.")
    count = fund_count(s)
    text.append(f"{fmt(s.balance, cur)} is left"
                + (f" across {count} funds." if count > 1 else "."))
    return replace(s, summary=" ".join(text))
