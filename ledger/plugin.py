"""The fund rules, as a beancount plugin: `plugin "ledger.plugin"` in the books.

It copies a transaction's `fund:` down to its Income/Expenses/Equity:Funds postings that
have none, then turns every break of the fund model into a load error carrying the
entry's file and line, so bean-check, Fava and `fundledger check` all report them:

- an Income, Expenses or Equity:Funds posting with no fund;
- a fund that is not declared;
- a posting dated before the fund's declaration, or after its fund-close;
- a restricted fund spent on an account outside its purpose;
- a restricted fund whose balance goes below zero at the end of any day, both in some
  currency as booked and with its money in another currency counted in the books'
  operating currency at the books' `price` on the day it was booked (as the reports
  count it): a fund holding pounds may owe counsel euros worth less than them, and a
  euro grant spent to the last euro is not overspent by the rate moving;
- a fund-close where the fund's balance is not exactly zero;
- any entry added, changed or removed in a period a `custom "lock"` covers (ledger.lock).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core import flags
from beancount.core.data import Pad, Posting, Transaction
from beancount.ops import pad

from ledger import closing
from ledger import funds as fundmodel
from ledger import lock as period_lock
from ledger import rates as ledger_rates

# Endowments are restricted funds too (SORP): kept to their purpose, never below zero.
RESTRICTED = ("restricted", "endowment")
FUND_ROOTS = fundmodel.FUND_ACCOUNT_ROOTS
ZERO = Decimal(0)

__plugins__ = ("fund_rules",)


class FundError(NamedTuple):
    source: dict
    message: str
    entry: object


def _with_fund_default(txn: Transaction, in_place: bool = False) -> tuple[Transaction, list]:
    """Copy the transaction's `fund:` onto its fund postings that lack one. Returns the
    transaction (the same object when nothing was copied) and its fund postings, each
    with its fund id (None when it has none). in_place: write it into the posting's own
    metadata (see fund_rules), except on padding, whose two postings share the metadata
    of the balance assertion that made them."""
    default = txn.meta.get("fund") if txn.meta else None
    postings = txn.postings
    changed = None
    found = []
    in_place = in_place and txn.flag != flags.FLAG_PADDING
    for i, posting in enumerate(postings):
        account, units, cost, price, flag, meta = posting
        if not account.startswith(FUND_ROOTS):
            continue
        fund_id = meta.get("fund") if meta else None
        if not fund_id and default is not None:
            if in_place and meta is not None:
                meta["fund"] = default
                found.append((posting, default))
                continue
            posting = Posting(account, units, cost, price, flag,
                              {**meta, "fund": default} if meta else {"fund": default})
            if changed is None:
                changed = list(postings)
            changed[i] = posting
            fund_id = default
        found.append((posting, fund_id))
    if changed is None:
        return txn, found
    meta, date, flag, payee, narration, tags, links, _postings = txn
    return Transaction(meta, date, flag, payee, narration, tags, links, changed), found


def _source(posting, txn) -> dict:
    """Point at the posting's own line when beancount kept it, else the transaction's."""
    meta = posting.meta if posting.meta and posting.meta.get("lineno") else txn.meta
    return {"filename": meta.get("filename"), "lineno": meta.get("lineno")}


def fund_rules(entries, options_map, config=None):
    unit = ledger_rates.operating_currency(options_map, None)
    out, errors = rules(entries, in_place=alone(options_map), unit=unit)
    return out, errors + period_lock.check(padded(out, options_map), options_map, memo=True)


def alone(options_map) -> bool:
    """Do the books name no plugin but the fund rules? Then the entries are beancount's
    own: every posting's metadata is a dict its parser made for that posting alone, so
    the rules write the fund into it rather than into a copy of the posting and its
    transaction (two fifths of the rules' time on 100k transactions), and a file's entries
    depend on that file alone as far as plugins go (ledger.lock_memo). Another plugin may
    have made postings share a dict, or entries of one file depend on another."""
    return all(name == __name__ for name, _config in options_map.get("plugin", []))


def padded(entries, options_map) -> list:
    """The entries as the load ends with them: beancount inserts padding after the
    plugins run (ops.pad), and `lock` digests the loaded books, padding and all (its
    amount is a figure of the locked period). Padding the padded inserts nothing."""
    if options_map.get("plugin_processing_mode") == "raw" or Pad not in set(
            map(type, entries)):
        return entries
    return pad.pad(entries, options_map)[0]


def rules(entries, in_place: bool = False, unit: str | None = None) -> tuple[list, list]:
    """The fund rules without the lock: (entries with fund defaults copied down, errors).
    ledger.quick runs them over the funds an import reaches. in_place: the defaults
    written into the postings' own metadata (fund_rules says when that is safe). unit:
    the operating currency, in which a restricted fund's money in another currency is
    counted (at the books' `price` on the day it was booked) before it is held to zero.

    One pass over the entries, and per posting only what its fund needs: it runs on every
    real load of the books (100k transactions), so running balances are kept only for the
    funds a balance rule applies to (restricted ones, and any fund that closes)."""
    funds, _budgets, decl_errors = fundmodel.declarations(entries)
    errors: list = [FundError(e.source, e.message, e.entry) for e in decl_errors]

    out = []
    running: dict[str, fundmodel.Balance] = {}
    touched: dict[str, Transaction] = {}  # restricted funds moved today -> last txn moving them
    overspent: set[str] = set()  # report each fund's first overdraft only
    day: datetime.date | None = None
    close_dates: dict[datetime.date, list] = defaultdict(list)
    for f in funds.values():
        if f.closed:
            close_dates[f.closed].append(f)
    # fund id -> (fund, restricted, balance kept); None for an undeclared fund
    known = {f.id: (f, f.fund_class in RESTRICTED, f.fund_class in RESTRICTED or bool(f.closed))
             for f in funds.values()}
    # (fund id, account) -> is a posting there spending outside the fund's purpose? Asked
    # of every restricted fund's posting, answered once per account.
    outside: dict[tuple[str, str], bool] = {}

    rates = None  # ledger.rates.Rates, made when first needed (most books never do)
    # A restricted fund's balance with its money in another currency counted in `unit`
    # where a rate on its day allows; `running` keeps each currency as booked (what a
    # close must bring to exactly zero). A fund is overspent only if below zero both
    # ways: pounds held may pay euros owed (below zero in euros, not counted in pounds),
    # and a euro grant spent to the last euro is not overspent by the rate moving
    # between its receipt and its spending (below zero counted in pounds, not in euros).
    counted: dict[str, fundmodel.Balance] = {}

    def end_of_day(date: datetime.date | None) -> None:
        for fund_id, txn in touched.items():
            negative = {c: n for c, n in counted.get(fund_id, {}).items() if n < 0}
            if negative and fund_id not in overspent and any(
                    n < 0 for n in running.get(fund_id, {}).values()):
                overspent.add(fund_id)
                unrated = sorted(c for c in negative if c != unit) if unit else []
                errors.append(FundError(
                    txn.meta, f"fund '{fund_id}' is overspent on {date}: balance "
                    f"{fundmodel.format_balance(negative)} (a restricted fund may not go "
                    "below zero)" + (f"; no `price` entry on or before the day it was booked "
                                     f"counts {', '.join(unrated)} in {unit}: with one, e.g. "
                                     f"`{date} price {unrated[0]} <rate> {unit}`, it is "
                                     "counted at that rate" if unrated else ""), txn))
        touched.clear()
        for fund in close_dates.get(date, ()):
            left = {c: n for c, n in running.get(fund.id, {}).items() if n != 0}
            if left:
                errors.append(FundError(
                    _close_meta(entries, fund.id),
                    f"fund '{fund.id}' is closed on {date} with a balance of "
                    f"{fundmodel.format_balance(left)}; a fund closes only at exactly zero",
                    None))

    for entry in entries:
        date = entry.date
        if date != day:
            end_of_day(day)
            day = date
        if type(entry) is not Transaction:
            out.append(entry)
            continue
        txn, fund_postings = _with_fund_default(entry, in_place)
        out.append(txn)
        for posting, fund_id in fund_postings:
            if not fund_id:
                errors.append(FundError(
                    _source(posting, txn), f"posting to {posting.account} has no fund (add "
                    "fund: \"<id>\" to the posting or the transaction)", txn))
                continue
            this = known.get(fund_id)
            if this is None:
                errors.append(FundError(
                    _source(posting, txn), f"fund '{fund_id}' is not declared (posting to "
                    f"{posting.account}){fundmodel.did_you_mean(fund_id, known)}", txn))
                continue
            fund, restricted, kept = this
            if date < fund.opened:
                errors.append(FundError(
                    _source(posting, txn), f"fund '{fund_id}' is used on {date}, before it "
                    f"opens on {fund.opened}", txn))
            if fund.closed and date > fund.closed:
                errors.append(FundError(
                    _source(posting, txn), f"fund '{fund_id}' is used on {date}, after it "
                    f"closed on {fund.closed}", txn))
            if not kept:
                continue
            account, units, cost, price = posting[:4]
            if restricted:
                beyond = outside.get((fund_id, account))
                if beyond is None:
                    beyond = outside[fund_id, account] = (
                        account.startswith("Expenses:") and not _within(account, fund.purpose)
                        and not _within(account, fundmodel.GAINS_AND_LOSSES))
                if beyond and not closing.donated_under_terms(txn, fund):
                    errors.append(FundError(
                        _source(posting, txn), f"restricted fund '{fund_id}' spent on "
                        f"{account}, outside its purpose "
                        f"({', '.join(fund.purpose) or 'none declared'})", txn))
                touched[fund_id] = txn
            # fundmodel.add(balance, fundmodel.weight(posting), -1), written out: it runs
            # for every posting of a restricted or closing fund
            amount = units if cost is None and price is None else fundmodel.weight(posting)
            balance = running.get(fund_id)
            if balance is None:
                balance = running[fund_id] = {}
            balance[amount.currency] = balance.get(amount.currency, ZERO) - amount.number
            if restricted:
                currency, number = amount.currency, amount.number
                if unit and currency != unit:
                    if rates is None:
                        rates = ledger_rates.Rates(entries, unit)
                    rate = rates.rate(currency, date)
                    if rate is not None:
                        currency = unit
                        number = (number * rate.rate).quantize(ledger_rates.CENT)
                held = counted.get(fund_id)
                if held is None:
                    held = counted[fund_id] = {}
                held[currency] = held.get(currency, ZERO) - number
    end_of_day(day)
    return out, errors


def _within(account: str, prefixes: tuple[str, ...]) -> bool:
    return any(account == p or account.startswith(p.rstrip(":") + ":") for p in prefixes)


def _close_meta(entries, fund_id: str) -> dict:
    for entry in entries:
        if getattr(entry, "type", None) == "fund-close" and entry.values \
                and entry.values[0].value == fund_id:
            return entry.meta
    return {}

