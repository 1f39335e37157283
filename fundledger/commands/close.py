from __future__ import annotations

import datetime
import sys

import click
from beancount.core.data import Open

from fundledger import demo_books
from fundledger.loaded import loaded
from fundledger.options import books_option, shown
from ledger import books as ledger_books
from ledger import closing
from ledger import funds as fundmodel
from reports import funds as report

CLOSING_FILE = "closing.beancount"
LEFTOVER = {"return": "return-to-platform", "release": "release-to-unrestricted"}
DATE = click.DateTime(formats=["%Y-%m-%d"])


def _refuse(fund: str, blockers: list[str]) -> None:
    click.echo(f"Cannot close {fund}; nothing was written:", err=True)
    for b in blockers:
        click.echo(f"  - {b}", err=True)
    sys.exit(1)


def _leftover_blockers(s: report.FundSummary, how: str) -> list[str]:
    """What stops the leftover being dealt with: anything but money sitting in our
    accounts (release may also leave money where a transfer put it)."""
    out = []
    if s.unpaid_invoices or any(h.account.startswith("Liabilities:") for h in s.holdings):
        out += [b for b in s.blockers if "unpaid" in b or "owed" in b]
        if not out:
            out.append("money is still owed on the fund's liabilities")
    for h in s.holdings:
        if h.account == report.UNATTRIBUTED:
            out.append(f"{report.show_money(h.amount, s.unit)} {h.description}")
        elif h.account.startswith("(") and how == "return":
            out.append(f"{report.show_money(h.amount, s.unit)} is {h.description}: move it to "
                       "an account first, or release it instead of returning it")
    out += [f"{n} {c} booked without a rate to {s.unit}" for c, n in s.foreign.items()]
    return out


@click.command("close")
@click.argument("fund")
@books_option
@click.option("--date", "date", type=DATE, default=None, metavar="DATE",
              help="The closing day (YYYY-MM-DD). Default: today.")
@click.option("--leftover", type=click.Choice(sorted(LEFTOVER)), default=None,
              help="What to do with money left in the fund: return it to the platform (its "
                   "donors) or release it to unrestricted funds. Default: the fund's terms.")
@click.option("--override-terms", is_flag=True,
              help="Knowingly do with the leftover something other than the fund's terms "
                   "say (needs --decision).")
@click.option("--decision", default=None, metavar="TEXT",
              help="The trustees' decision to note on the entries, e.g. 'minute 2024/09'.")
@click.option("--dry-run", is_flag=True, help="Print the entries that would be written; "
                                              "write nothing.")
def command(fund, books, date, leftover, override_terms, decision, dry_run) -> None:
    """Close FUND: deal with any leftover under the fund's terms, then close it at zero.

    A fund closes when its balance is exactly zero and nothing is pending. If money is
    left (and no invoice is unpaid), the leftover is first returned to the platform or
    released to unrestricted funds, as the fund's `terms` say; --leftover may choose
    otherwise only with --override-terms and a --decision. Otherwise the close is
    refused, the reasons listed, and the books are left untouched. Entries go to
    closing.beancount, and the books must load clean afterwards or nothing is written.
    """
    entries, options = loaded(books)
    declared, _budgets, _errors = fundmodel.declarations(entries)
    if fund not in declared:
        raise click.ClickException(
            f"no fund '{fund}' in {shown(books)} (funds: {', '.join(declared)})")
    decl = declared[fund]
    day = date.date() if date else datetime.date.today()
    if decl.closed:
        _refuse(fund, [f"it is already closed (on {decl.closed})"])
    if day < decl.opened:
        _refuse(fund, [f"{day} is before the fund opens on {decl.opened}"])
    later = sorted({t.date for t, _p, f in fundmodel.fund_postings(entries)
                    if f == fund and t.date > day})
    if later:
        _refuse(fund, [(f"the fund is used after {day} (first on {later[0]}): "
                        "close it on or after its last entry")])
    summary = next(s for s in report.reconcile(entries, options, as_of=day) if s.fund == fund)

    text = ""
    if summary.status == "overspent":
        _refuse(fund, list(summary.blockers))
    if summary.status != "closable":
        text = _leftover(summary, decl, declared, day, leftover, override_terms, decision,
                         entries)
    elif leftover:
        click.echo(f"{fund} has no leftover; --leftover is not needed.", err=True)
    text += closing.close_text(fund, day, decision)

    main = ledger_books.resolve(books)
    if dry_run:
        click.echo(text, nl=False)
        problems = ledger_books.check_changed(
            main, ledger_books.appended(main, {CLOSING_FILE: "\n" + text}))
        if problems:
            _refuse(fund, ["the books would not load clean with these entries:", *problems])
        return
    if main == demo_books.MAIN.resolve():
        raise click.ClickException(
            "these are the embedded demo books, which are never changed: write a copy with "
            "`fundledger demo DIR` and close the fund there (or add --dry-run)")
    try:
        # append() works out the new file contents under the books' lock, so an import
        # running meanwhile is not overwritten; if it moved this fund's balance, the
        # plugin's zero-balance check refuses the close instead.
        ledger_books.append(main, {CLOSING_FILE: "\n" + text})
    except ledger_books.BooksError as e:
        _refuse(fund, ["the books would not load clean:", *e.lines])
    click.echo(f"Closed {fund} on {day}; entries appended to {shown(main.parent / CLOSING_FILE)}.")


def _leftover(s, decl, declared, day, leftover, override_terms, decision, entries) -> str:
    """The entries that bring the fund to zero, or a refusal listing why not."""
    terms = decl.terms
    if leftover is None:
        if terms is None:
            _refuse(s.fund, [*s.blockers, ("the fund declares no terms: choose "
                             "--leftover return or --leftover release")])
        how = next(k for k, v in LEFTOVER.items() if v == terms)
    else:
        how = leftover
        if terms is not None and LEFTOVER[how] != terms and not (override_terms and decision):
            _refuse(s.fund, [(f"the fund's terms are {terms}, not {LEFTOVER[how]}: "
                              "to do otherwise pass --override-terms with the trustees' "
                              "--decision")])
    problems = _leftover_blockers(s, how)
    if problems:
        _refuse(s.fund, problems)
    holdings = {h.account: h.amount for h in s.holdings if not h.account.startswith("(")}
    if how == "release":
        to_fund = next((f.id for f in declared.values() if f.fund_class == "unrestricted"
                        and f.id != s.fund and f.closed is None and f.opened <= day), None)
        if to_fund is None:
            _refuse(s.fund, ["there is no other open unrestricted fund to release it to"])
        note = decision or (f"Leftover of {report.show_money(s.balance, s.unit)} released "
                            "to unrestricted funds " + _why(terms))
        return closing.release_text(s.fund, to_fund, day, s.balance, holdings, s.unit,
                                    note) + "\n"
    income = sorted(s.raised_by_account.items(), key=lambda kv: (-kv[1], kv[0]))
    if not income:
        _refuse(s.fund, [*s.blockers, ("the fund raised nothing on an income account, so "
                         "there is nowhere to return the leftover to")])
    usable = [a for a, _n in income if _accepts(entries, a, s.unit)]
    if not usable:
        _refuse(s.fund, [(f"the fund's money came in on {income[0][0]}, which holds "
                          f"{', '.join(_currencies(entries, income[0][0]))} only: book the "
                          "return by hand at the rate the bank used, then close the fund")])
    note = decision or (f"Leftover of {report.show_money(s.balance, s.unit)} returned to "
                        "the platform " + _why(terms))
    return closing.return_text(s.fund, usable[0], day, s.balance, holdings, s.unit,
                               note) + "\n"


def _why(terms: str | None) -> str:
    return f"under the fund's terms ({terms})" if terms else "(the fund declares no terms)"


def _currencies(entries, account: str) -> list[str]:
    for e in entries:
        if isinstance(e, Open) and e.account == account:
            return list(e.currencies or [])
    return []


def _accepts(entries, account: str, unit: str) -> bool:
    """Can `account` take a posting in `unit` (its open directive may constrain it)?"""
    allowed = _currencies(entries, account)
    return not allowed or unit in allowed
