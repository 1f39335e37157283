"""Whether a fund can be closed on a day, and the entries that would close it.

The decision (which blockers apply, what the fund's terms say about money left, where a
leftover goes) lives here as a pure function over loaded entries, so the CLI, Fava and
tests ask the same question; ledger.closing writes the entries' text. Nothing here reads
or writes files.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import NamedTuple

from beancount.core.data import Open

from ledger import closing
from ledger import funds as fundmodel
from reports import classify
from reports import funds as report
from reports.balance_sheet import assets_and_liabilities
from reports.fund_holdings import UNATTRIBUTED, foreign_blocker, show_money

LEFTOVER = {"return": "return-to-platform", "release": "release-to-unrestricted",
            "donate": fundmodel.DONATE}
# A grant's underspend is the funder's to allow: the decision must record that they did,
# naming them ("the funder", or the payee the grant came from) and their agreement.
ZERO = Decimal("0.00")
AGREED = re.compile(r"\b(agree|agreed|agreement|consent|consented|approved)\b", re.IGNORECASE)


class CannotClose(Exception):
    """The fund cannot be closed; .reasons lists why, in a treasurer's words."""

    def __init__(self, fund: str, reasons: list[str]):
        super().__init__(f"cannot close {fund}: " + "; ".join(reasons))
        self.fund, self.reasons = fund, reasons


class Plan(NamedTuple):
    fund: str
    day: datetime.date
    text: str  # beancount entries to append
    leftover: str | None  # "return" or "release" when money was left, else None


class UnknownFund(ValueError):
    def __init__(self, fund: str, declared: list[str]):
        super().__init__(f"no fund '{fund}' (funds: {', '.join(declared)})")
        self.fund, self.declared = fund, declared


def plan(entries, options, fund: str, day: datetime.date, leftover: str | None = None,
         override_terms: bool = False, decision: str | None = None) -> Plan:
    """The entries that close `fund` on `day`. Raises UnknownFund, or CannotClose with
    every reason it cannot close (then nothing should be written)."""
    declared, _budgets, _errors = fundmodel.declarations(entries)
    if fund not in declared:
        raise UnknownFund(fund, list(declared))
    decl = declared[fund]
    if decl.closed:
        raise CannotClose(fund, [f"it is already closed (on {decl.closed})"])
    if day < decl.opened:
        raise CannotClose(fund, [f"{day} is before the fund opens on {decl.opened}"])
    later = sorted({t.date for t, _p, f in fundmodel.fund_postings(entries)
                    if f == fund and t.date > day})
    if later:
        raise CannotClose(fund, [(f"the fund is used after {day} (first on {later[0]}): "
                                 "close it on or after its last entry")])
    s = next(x for x in report.reconcile(entries, options, as_of=day) if x.fund == fund)
    if s.status in ("overspent", "error"):
        raise CannotClose(fund, list(s.blockers))
    text, how = "", None
    if s.status != "closable":
        _nowhere_to_go(s, decl, declared, day)
        how = _how(s, decl, leftover, override_terms, decision)
        unminuted = _decision_problems(s, how, decision, _funders(entries, s))
        text = _leftover_text(s, decl, declared, day, how, decision, entries, options,
                              unminuted) + "\n"
    return Plan(fund, day, text + closing.close_text(fund, day, decision), how)


def _nowhere_to_go(s: report.FundSummary, decl: fundmodel.Fund, declared, day) -> None:
    """The books' only open unrestricted fund with money in it: what is left of every other
    fund comes to it, and nothing can go from it (its money is no platform's to return),
    so it closes only at zero. Said first, so no --leftover is suggested in vain."""
    others = [f for f in declared.values() if f.fund_class == "unrestricted"
              and f.id != s.fund and f.closed is None and f.opened <= day]
    if decl.fund_class == "unrestricted" and not others:
        raise CannotClose(s.fund, [*s.blockers, (
            "it is the books' only open unrestricted fund, where every other fund's leftover "
            "goes: it can close only at zero (spend its money, or declare another "
            "unrestricted fund and move the money there first)")])


def _how(s: report.FundSummary, decl: fundmodel.Fund, leftover: str | None,
         override_terms: bool, decision: str | None) -> str:
    """"return" or "release": the fund's terms, or --leftover when it may differ."""
    terms = decl.terms
    if leftover is None:
        if terms is None:
            raise CannotClose(s.fund, [*s.blockers, ("the fund declares no terms: choose "
                                       "--leftover return or --leftover release")])
        return next(k for k, v in LEFTOVER.items() if v == terms)
    if terms is not None and LEFTOVER[leftover] != terms and not (override_terms and decision):
        raise CannotClose(s.fund, [(f"the fund's terms are {terms}, not {LEFTOVER[leftover]}: "
                                   "to do otherwise pass --override-terms with the trustees' "
                                   "--decision")])
    return leftover


def _funders(entries, s: report.FundSummary) -> list[str] | None:
    """For a grant (a fund with budget lines, or raised on Income:Grants), the words that
    name its funder: the payee of its grant income, and the funder `Income:Grants:<Funder>`
    names (on the accruals basis the income is the award's entry, which has no payee, and
    the tranches the funder paid settle its debtor); None for any other fund."""
    _funds, budgets, _errors = fundmodel.declarations(entries)
    if not (any(b.fund == s.fund for b in budgets)
            or any(a.startswith("Income:Grants") for a in s.raised_by_account)):
        return None
    named = {a.split(":")[2].replace("-", " ") for a in s.raised_by_account
             if a.startswith("Income:Grants:")}
    return ["funder", *sorted(named | {t.payee for t, p, f in fundmodel.fund_postings(entries)
                                       if f == s.fund and p.account.startswith("Income:Grants")
                                       and t.payee})]


def _funder_agreed(decision: str, funders: list[str]) -> bool:
    text = decision.lower()
    return bool(AGREED.search(decision)) and any(name.lower() in text for name in funders)


def _decision_problems(s: report.FundSummary, how: str, decision: str | None,
                       funders: list[str] | None) -> list[str]:
    """Money left is dealt with only on the trustees' recorded decision, in their words."""
    left = show_money(s.balance, s.unit)
    if not (decision or "").strip():
        return [(
            f"{left} is left to {LEFTOVER[how].replace('-', ' ')}: pass --decision with the "
            "trustees' minute that decided it (it is written on the entry as given)")]
    if funders is not None and not _funder_agreed(decision, funders):
        return [(f"{left} of a grant is left: the --decision must also record that the "
                 "funder agreed (e.g. \"Minute 2024/12; the funder agreed by letter of 3 Dec "
                 "2024\")")]
    return []


def _leftover_blockers(s: report.FundSummary, how: str) -> list[str]:
    """What stops the leftover being dealt with: anything but money sitting in our
    accounts (release may also leave money where a transfer put it)."""
    out = []
    if s.unpaid_invoices or any(h.account.startswith("Liabilities:") for h in s.holdings):
        out += [b for b in s.blockers if "unpaid" in b or "owed" in b]
        if not out:
            out.append("money is still owed on the fund's liabilities")
    for h in s.holdings:
        if h.account == UNATTRIBUTED:
            out.append(f"{show_money(h.amount, s.unit)} {h.description}")
    out += [foreign_blocker(n, c, s.unit) for c, n in s.foreign.items()]
    return out


def paid_from(s: report.FundSummary, entries, options, day: datetime.date
              ) -> dict[str, Decimal]:
    """The money accounts a leftover is paid out of, so that none goes below zero.

    First where the fund's money is held (its holdings, largest first), each only up to
    what the account actually holds on the day: a fund's holding on a platform whose
    payout was booked as a move between our own accounts is no longer there. The rest
    (that, and money another fund holds for it after a transfer that moved no money) comes
    from the money accounts that hold it, fullest first. Where our money accounts together
    hold less than the leftover, CannotClose says where the money is."""
    actual = {a: n for a, n in assets_and_liabilities(entries, options, day).accounts.items()
              if classify.is_cash(a)}
    left, out = s.balance, {}
    held = sorted(((h.account, h.amount) for h in s.holdings
                   if h.account in actual and h.amount > 0), key=lambda kv: (-kv[1], kv[0]))
    spare = sorted(actual, key=lambda a: (-actual[a], a))
    for account, cap in [*held, *((a, actual[a]) for a in spare)]:
        take = min(cap, actual[account] - out.get(account, ZERO), left)
        if take > 0:
            out[account] = out.get(account, ZERO) + take
            left -= take
    if left > 0:
        where = ", ".join(f"{a} {show_money(n, s.unit)}" for a, n in sorted(
            actual.items()) if n)
        where = f"only {where}" if where else "nothing"
        raise CannotClose(s.fund, [
            (f"{show_money(s.balance, s.unit)} is left, but the money accounts hold "
            f"{where} on {day}: paying it out would take an account below zero. Book "
            "what is missing (a statement not yet imported, a transfer between our "
            "accounts), then close the fund")])
    return out


def _leftover_text(s: report.FundSummary, decl: fundmodel.Fund, declared, day, how: str,
                   decision: str | None, entries, options, unminuted: list[str]) -> str:
    """The entries that bring the fund to zero under `how`, after opening any account
    they use that the books (e.g. new `init` books) have not opened."""
    problems = _leftover_blockers(s, how) + unminuted
    if problems:
        raise CannotClose(s.fund, problems)
    text = _leftover_entries(s, decl, declared, day, how, decision, entries, options)
    return _opens(entries, text, day) + text


def _opens(entries, text: str, day: datetime.date) -> str:
    """`open` lines for the accounts `text` posts to that the books do not open."""
    opened = {e.account for e in entries if isinstance(e, Open)}
    wanted = sorted({line.split()[0] for line in text.splitlines()
                     if line.startswith("  ") and line.split()[0][:1].isupper()
                     and ":" in line.split()[0]} - opened)
    return "".join(f"{day} open {a}\n" for a in wanted) + ("\n" if wanted else "")


def _leftover_entries(s: report.FundSummary, decl: fundmodel.Fund, declared, day, how: str,
                      decision: str | None, entries, options) -> str:
    if how == "release":
        holdings = {h.account: h.amount for h in s.holdings if not h.account.startswith("(")}
        to_fund = next((f.id for f in declared.values() if f.fund_class == "unrestricted"
                        and f.id != s.fund and f.closed is None and f.opened <= day), None)
        if to_fund is None:
            raise CannotClose(s.fund, [("there is no other open unrestricted fund to release "
                                       "it to")])
        return closing.release_text(s.fund, to_fund, day, s.balance, holdings, s.unit,
                                    decision)
    holdings = paid_from(s, entries, options, day)
    if how == "donate":
        if not decl.charity:
            raise CannotClose(s.fund, [("the fund's terms name no charity to donate the "
                                       "leftover to (charity: in its declaration)")])
        opened = any(isinstance(e, Open) and e.account == closing.DONATIONS for e in entries)
        if opened and not _accepts(entries, closing.DONATIONS, s.unit):
            raise CannotClose(s.fund, [f"{closing.DONATIONS} does not take {s.unit}"])
        return closing.donate_text(s.fund, decl.charity, day, s.balance, holdings, s.unit,
                                   decision)
    income = sorted(s.raised_by_account.items(), key=lambda kv: (-kv[1], kv[0]))
    if not income:
        raise CannotClose(s.fund, [*s.blockers, ("the fund raised nothing on an income "
                                   "account, so there is nowhere to return the leftover to")])
    usable = [a for a, _n in income if _accepts(entries, a, s.unit)]
    if not usable:
        raise CannotClose(s.fund, [
            (f"the fund's money came in on {income[0][0]}, which holds "
            f"{', '.join(_currencies(entries, income[0][0]))} only: book the return by hand "
            "at the rate the bank used, then close the fund")])
    return closing.return_text(s.fund, usable[0], day, s.balance, holdings, s.unit, decision)


def _currencies(entries, account: str) -> list[str]:
    for e in entries:
        if isinstance(e, Open) and e.account == account:
            return list(e.currencies or [])
    return []


def _accepts(entries, account: str, unit: str) -> bool:
    """Can `account` take a posting in `unit` (its open directive may constrain it)?"""
    allowed = _currencies(entries, account)
    return not allowed or unit in allowed
