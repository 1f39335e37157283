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
from dataclasses import replace
from decimal import Decimal
from typing import NamedTuple

from beancount.core.amount import Amount
from beancount.core.data import Custom, Transaction

from ledger import funds as fundmodel
from ledger.rates import NoRate, Rates
from reports import disclosure
from reports import funds as reconciliation
from reports.classify import ReportError
from reports.transparency_model import (
    FEWER,
    GIFTS_LABEL,
    GRANT,
    LEFTOVER,
    MIN_GROUP,
    OTHER_FUNDS,
    OTHER_FUNDS_MIXED_TITLE,
    OTHER_FUNDS_TITLE,
    Form,
    Item,
    NotPublishable,
    Statement,
    TooFewSupporters,
    UnknownFund,
    supporters_text,
)
from reports.transparency_sections import _make
from reports.transparency_sums import _donor, _grant_funder, atom_key, fee_kinds
from reports.transparency_words import DRAFT_NOTE, _join, fund_count

# What callers use, wherever it now lives: the statement's model is in transparency_model.
__all__ = ["FEWER", "GIFTS_LABEL", "LEFTOVER", "MIN_GROUP", "OTHER_FUNDS",
           "OTHER_FUNDS_MIXED_TITLE", "OTHER_FUNDS_TITLE", "Form", "Item", "NotPublishable",
           "ReportError", "Statement", "TooFewSupporters", "UnknownFund", "fund_count",
           "gifts", "statement", "supporters_text"]

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


def gifts(entries: Iterable, options: dict, ends: list[datetime.date]) -> disclosure.Gifts:
    """Every fund's money raised as disclosure atoms: (fund, channel key, publication
    period, calendar year, via) -> {donor (None for money given by no one identified):
    amount}; `via` is the platform and the fees charged on the gifts (disclosure.via).

    Money is counted as the statement's figures count it (transparency_sums): a gift in
    another currency at the books' rate on its day (left out of the audit, it would be
    left out of the check while in every published total). A refund is money paid back to
    a person, never an organisation's known money: it is netted against the donor of the
    gift its `refund-of` names, else it is one unknown person of its own, so a period
    whose only movement is one refund is as sensitive as one gift."""
    entries = list(entries)
    currency = reconciliation.operating_currency(options)
    rates = Rates(entries, currency)
    gift_donor = {e.meta["import-id"]: e.meta["donor"] for e in entries
                  if isinstance(e, Transaction) and "donor" in e.meta and "import-id" in e.meta}
    out: disclosure.Gifts = defaultdict(lambda: defaultdict(Decimal))
    for txn, posting, fund in fundmodel.fund_postings(entries):
        if not posting.account.startswith("Income:"):
            continue
        if txn.meta.get(reconciliation.LEFTOVER_KEY) == reconciliation.RETURNED:
            continue  # as _collect: not in the statement's figures
        w = fundmodel.weight(posting)
        if w.currency != currency:
            try:
                w = Amount(rates.value(w, txn.date), currency)
            except NoRate:
                continue  # as _collect: held as `foreign`, in no figure
        ch = reconciliation.channel(posting.account)
        source = _grant_funder(txn, posting.account) if ch == GRANT else ""
        atom = (fund, atom_key(ch, source), disclosure.period_index(ends, txn.date),
                txn.date.year, disclosure.via(posting.account, fee_kinds(txn)))
        donor = _donor(txn, posting)
        if donor is None and w.number > 0 and ch != GRANT:  # money paid back: a refund
            donor = gift_donor.get(txn.meta.get("refund-of")) or (
                "refund", txn.meta.get("filename"), txn.meta.get("lineno"))
        out[atom][donor] += -w.number
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
    return replace(s, digest=disclosure.digest(cells, public.gifts),
                   choice=_choice(entries, public, as_of, today))


def _choice(entries: list, public: _Public, as_of: datetime.date,
            today: datetime.date | None) -> tuple[str, ...]:
    """The period the statement covers and why it ends there: each later period end that
    cannot be published, and the period not over yet."""
    first = min(e.date for e in entries if isinstance(e, Transaction))
    out = [f"period: {first} (the books' first entry) to {as_of}"]
    for end in public.ends:
        if end > as_of and end not in public.permitted:
            out.append(f"  not to {end}: the gifts of the period that ends then came from "
                       f"{FEWER} supporters, or would show by subtracting a published "
                       "statement (they join the next period that can be published)")
        elif end > as_of:
            out.append(f"  not to {end}: you chose {as_of} (--as-of)")
    today = today or datetime.date.today()
    later = [e for e in disclosure.period_ends(entries, datetime.date.max) if e >= today]
    if later:
        out.append(f"  not to {later[0]}: that period is not over yet (its figures could "
                   "still change after they were published)")
    return tuple(out)
