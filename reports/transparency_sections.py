"""The sections of a transparency statement: each fund shown on its own, the funds shown
only together ("Other funds"), and the whole statement assembled from them with the
cells the disclosure audit checks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from beancount.core.data import Transaction

from ledger import funds as fundmodel
from ledger import options as ledger_options
from reports import disclosure, fund_holdings
from reports import funds as reconciliation
from reports.classify import sofa_column
from reports.funds import FundSummary
from reports.transparency_model import (
    COURT_FEES,
    FEWER,
    LEFTOVER,
    MIN_GROUP,
    OTHER_FUNDS,
    OTHER_FUNDS_LABEL,
    OTHER_FUNDS_MIXED_TITLE,
    OTHER_FUNDS_TITLE,
    STATUS_WORDS,
    ZERO,
    Form,
    FundStatement,
    Item,
    Statement,
    TooFewSupporters,
    UnknownFund,
    _suppressed,
    long_date,
    supporters_text,
)
from reports.transparency_sums import (
    _Acc,
    _all_donors,
    _collect,
    _firms,
    _grant_original,
    _merge_accs,
    _on_its_own,
    _periods,
    _raised_items,
    other_category,
)
from reports.transparency_words import _join, _with_summary


def _summed_items(groups: Iterable[tuple[Item, ...]]) -> tuple[Item, ...]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for items in groups:
        for i in items:
            sums[i.label] += i.amount
    return tuple(Item(label, n) for label, n in sums.items() if n)


def _make_up_the_group(small: list[str], own: list[str], per_fund: dict[str, _Acc],
                       columns: dict[str, str]) -> list[str]:
    """The funds that would be shown on their own but must join the small ones: while the
    merged group's gifts come from 1 to 4 donors, the fund with the fewest donors (the
    first declared, on a tie) joins it. A fund without gifts does not help and never joins.
    A fund of the small ones' SOFA column (`columns`: unrestricted, restricted, endowment)
    is taken first, as the published SOFA's funds note groups them (reports.sofa_public):
    the SOFA's "Other restricted funds" less a restricted fund shown here on its own would
    otherwise be the small funds' gifts.

    Without this, one fund given by a single donor would be "Other funds" on its own, and
    its total (public spend plus balance) that donor's gifts."""
    group = set().union(*(_all_donors(per_fund[f]) for f in small)) if small else set()
    theirs = {columns.get(f) for f in small}
    candidates = sorted((f for f in own if _all_donors(per_fund[f])),
                        key=lambda f: (columns.get(f) not in theirs,
                                       len(_all_donors(per_fund[f])), own.index(f)))
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
        merged=titles, brought_forward=add("brought_forward"), gains=add("gains"))


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
        elif h.account.startswith(fund_holdings.CREDITORS):
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
        leftover=_leftover(fund, summary.balance), brought_forward=summary.brought_forward,
        gains=summary.gains)


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
    columns = {f: sofa_column(declared[f].fund_class) for f in wanted}
    added = _make_up_the_group(small + protected, own, per_fund, columns)
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
        periods=periods, notes=notes, form=form, gains=add("gains"),
        years=ledger_options.fy_words(ledger_options.fy_end(entries)))
    # "Since": the books' first transaction, not the day a fund was declared (init's
    # start date may be years before anything happened).
    first = min((e.date for e in entries if isinstance(e, Transaction)), default=as_of)
    # Every figure that holds gifts, as the atoms it sums: each raised line and total of
    # each section (its balance is that total less public spend and transfers), of the
    # whole statement, and each period of the time series. Fees charged on gifts are
    # cells too: with the platform's rate they give the gifts back, as does the spend of a
    # period, which holds them. The summary says nothing else.
    every = frozenset(wanted)
    cells = [disclosure.Cell(funds_, upto, i.keys) for funds_, f in sections for i in f.raised]
    cells += [disclosure.Cell(funds_, upto) for funds_, _f in sections]
    cells += [disclosure.Cell(every, upto, i.keys) for i in raised]
    cells.append(disclosure.Cell(every, upto))
    cells += [disclosure.Cell(every, upto, None, frozenset(p.years)) for p in periods]
    cells += [disclosure.Cell(funds_, upto, fee=kind) for funds_, f in sections
              for kind, n in (("platform", f.platform_fees), ("payment", f.payment_fees)) if n]
    if result.fees:
        cells.append(disclosure.Cell(every, upto, fee=disclosure.ANY_FEE))
        cells += [disclosure.Cell(every, upto, None, frozenset(p.years), disclosure.ANY_FEE)
                  for p in periods]
    return _with_summary(result, first, _grant_original(total)), cells
