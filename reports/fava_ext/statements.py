"""The statements in Fava: the SOFA for a chosen financial year and a grant's funder
report, each figure a link to Fava's journal of exactly the entries behind it.

A second page of the extension (Fava lists every extension class of reports.fava_ext):
/<books>/extension/Statements/?year=2024 for the SOFA, ?fund=<grant> for a funder report.
Below the SOFA, the year's balance sheet and receipts and payments accounts, as the tables
reports.statement_render makes of them for the CLI (plain figures, no trail; a refusal,
such as money held in a currency with no rate, shown in the statement's place).
The figures are the very ones the CLI and the downloads give (reports.sofa, reports.funder,
reports.balance_sheet, reports.receipts_payments); this module only adds the trail.

The trail of a SOFA figure: reports.sofa records, per cell, the (account, fund) pairs of
the postings it adds up (and whether they were a leftover returned under the fund's terms,
which counts as expenditure, not income). journal_filter() writes that set in Fava's filter
syntax, `any((account:"^(...)$" fund:"^(...)$"), ...)`, and the link carries the
statement's period as Fava's time filter, so the journal shows the transactions with such
a posting in the period, and those postings add up to the figure. A heading fed by a
support cost shared out over several headings has no link: no posting is wholly its own;
nor has funds brought forward where an opening balance dated inside the period is part of
it (no journal of the days before the period holds it).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core.data import Transaction
from fava.application import url_for
from fava.ext import FavaExtensionBase
from flask import abort, request

from ledger import funds as fundmodel
from ledger import options as ledger_options
from reports import classify
from reports import statement_render as sr
from reports.balance_sheet import balance_sheet
from reports.classify import ReportError
from reports.funder import UNMAPPED, FunderReport, budget_maps, funder_report
from reports.receipts_payments import receipts_payments
from reports.render import money
from reports.sofa import FundMovement, Sofa, sofa

RETURNED = 'leftover:"^returned$"'
COLUMNS = (*classify.SOFA_COLUMNS, "total")
Source = tuple[str, str, bool]  # (account, fund, a returned leftover?)


def _cells(key: str) -> list[tuple[str, str]]:
    """The (section, heading) cells a SOFA row adds up."""
    income = [("income", h.key) for h in classify.INCOME_HEADINGS]
    spent = [("expenditure", h.key) for h in classify.EXPENDITURE_HEADINGS]
    section, _dot, heading = key.partition(".")
    if section in ("income", "expenditure"):
        return (income if section == "income" else spent) if heading == "total" \
            else [(section, heading)]
    movement = [*income, *spent, ("net", "gains"), ("net", "transfers")]
    return {"net": [*income, *spent], "gains": [("net", "gains")],
            "transfers": [("net", "transfers")], "movement": movement,
            "bf": [("funds", "bf")], "cf": [("funds", "bf"), *movement]}.get(key, [])


def sources(statement: Sofa, key: str, column: str) -> frozenset[Source] | None:
    """The postings behind one figure, as (account, fund, returned) (None: shared out)."""
    columns = classify.SOFA_COLUMNS if column == "total" else (column,)
    if key == "bf" and any(("funds", "opening", c) in statement.shared for c in columns):
        return None  # an opening balance dated inside the period: no journal before it
    out: set[Source] = set()
    for section, heading in _cells(key):
        for c in columns:
            if (section, heading, c) in statement.shared:
                return None
            out |= statement.behind.get((section, heading, c), frozenset())
    return frozenset(out)


def _literal(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_:-]+", text) else re.escape(text)


def _alternatives(values) -> str:
    return "^(" + "|".join(_literal(v) for v in sorted(values)) + ")$"


def _any(pairs) -> str:
    """any() of (account, fund) pairs, accounts sharing the same funds written together."""
    funds_of: dict[str, set[str]] = defaultdict(set)
    for account, fund in pairs:
        funds_of[account].add(fund)
    accounts_of: dict[frozenset, set[str]] = defaultdict(set)
    for account, funds in funds_of.items():
        accounts_of[frozenset(funds)].add(account)
    clauses = [f'(account:"{_alternatives(accounts)}" fund:"{_alternatives(funds)}")'
               for funds, accounts in sorted(accounts_of.items(), key=lambda kv: sorted(kv[1]))]
    return "any(" + ", ".join(clauses) + ")"


def journal_filter(found: frozenset[Source] | None) -> str | None:
    """Fava's filter for the transactions holding these postings (None: no link)."""
    if not found or any('"' in f for _a, f, _r in found):
        return None
    kept = {(a, f) for a, f, r in found if not r}
    back = {(a, f) for a, f, r in found if r}
    if not back:
        return f"{_any(kept)} -{RETURNED}"
    if not kept:
        return f"{_any(back)} {RETURNED}"
    return f"({_any(kept)} -{RETURNED}), ({_any(back)} {RETURNED})"


def period(key: str, start: datetime.date, end: datetime.date,
           first: datetime.date) -> str | None:
    """Fava's time filter for a figure of the period start..end: brought forward is what
    came before it, carried forward everything to its end."""
    if key == "bf":
        before = start - datetime.timedelta(days=1)
        return None if before < first else f"{first.isoformat()} - {before.isoformat()}"
    if key == "cf":
        return f"{first.isoformat()} - {end.isoformat()}"
    return f"{start.isoformat()} - {end.isoformat()}"


class Section(NamedTuple):
    """A statement shown below the SOFA: its tables (reports.statement_render's, the ones
    the CLI prints), or the report's refusal in their place."""

    key: str
    heading: str
    tables: list[sr.Table]
    refusal: str | None


def _section(key: str, heading: str, report, to_tables, *args) -> Section:
    try:
        return Section(key, heading, to_tables(report(*args)), None)
    except ReportError as e:  # e.g. money held in a currency with no rate: say so
        return Section(key, heading, [], str(e))


def sections(entries, options, year: int) -> list[Section]:
    """The balance sheet at the year's end (the prior year's beside it) and the receipts
    and payments accounts for the year, each made as `fundledger report balance-sheet` /
    `receipts-payments --year YEAR` makes it."""
    start, end = ledger_options.fy_bounds(entries, year)
    prior = ledger_options.fy_bounds(entries, year - 1)[1]
    return [
        _section("balance-sheet", "Balance sheet", balance_sheet,
                 sr.balance_sheet_tables, entries, options, end, prior),
        _section("receipts-payments", "Receipts and payments",
                 receipts_payments, sr.receipts_payments_tables, entries, options, start,
                 end)]


def latest_year(entries) -> int:
    """The financial year of the books' last transaction: the SOFA shown by default."""
    last = next((e.date for e in reversed(entries) if isinstance(e, Transaction)),
                datetime.date.today())
    return ledger_options.fy_of(last, ledger_options.fy_end(entries))


def grants(entries) -> list[str]:
    """The funds a funder report can be made for: those with budget lines or an award."""
    declared, budgets, _errors = fundmodel.declarations(entries)
    with_budget = {b.fund for b in budgets}
    return [f for f in declared if f in with_budget or _awarded(entries, f)]


def _awarded(entries, fund: str) -> bool:
    return any(type(e).__name__ == "Custom" and e.type == fundmodel.FUND and e.values
               and e.values[0].value == fund and "award" in e.meta for e in entries)


class Statements(FavaExtensionBase):
    """Fava's sidebar entry "Statements" (/<books>/extension/Statements/)."""

    report_title = "Statements"

    def page(self) -> dict:
        entries = self.ledger.all_entries
        try:
            funds = grants(entries)
            fund = request.args.get("fund")
            if fund is not None:
                if fund not in funds:
                    abort(404)
                return {"kind": "funder", "grants": funds, "fund": fund,
                        "report": funder_report(entries, self.ledger.options, fund)}
            year = request.args.get("year", "")
            if year and not year.isdigit():
                abort(404)
            year_n = int(year) if year else latest_year(entries)
            start, end = ledger_options.fy_bounds(entries, year_n)
            try:  # a refused SOFA still leaves the other statements to show
                statement, refusal = sofa(entries, self.ledger.options, start, end), None
            except ReportError as e:
                statement, refusal = None, str(e)
            return {"kind": "sofa", "grants": funds, "year": year_n,
                    "years": self.years(entries), "sofa": statement, "refusal": refusal,
                    "sections": sections(entries, self.ledger.options, year_n)}
        except (ReportError, ledger_options.OptionError) as e:
            return {"kind": "error", "error": str(e), "grants": []}

    def years(self, entries) -> list[int]:
        dated = [e.date for e in entries if isinstance(e, Transaction)]
        if not dated:
            return []
        year_end = ledger_options.fy_end(entries)
        return list(range(ledger_options.fy_of(min(dated), year_end),
                          ledger_options.fy_of(max(dated), year_end) + 1))

    def money(self, number: Decimal | None) -> str:
        return money(number)

    def cell(self, value) -> str:
        """A cell of a statement's table: a figure as the HTML statement prints it."""
        return sr.bracketed(value) if isinstance(value, Decimal) else str(value)

    def first_day(self) -> datetime.date:
        return min((e.date for e in self.ledger.all_entries if isinstance(e, Transaction)),
                   default=datetime.date.today())

    def fund_url(self, statement: Sofa, key: str, fund: FundMovement) -> str | None:
        """The journal behind one figure of the funds note: the SOFA row's postings of one
        fund (income, expenditure, transfers, gains, brought and carried forward)."""
        found = sources(statement, key, classify.sofa_column(fund.fund_class))
        if found is None:
            return None
        expr = journal_filter(frozenset(s for s in found if s[1] == fund.fund))
        time = period(key, statement.start, statement.end, self.first_day())
        if expr is None or time is None:
            return None
        return url_for("report", report_name="journal", filter=expr, time=time)

    def sofa_url(self, statement: Sofa, key: str, column: str) -> str | None:
        """The journal behind one SOFA figure (column "prior": the prior year's total)."""
        if column == "prior":
            statement, column = statement.prior, "total"
            if statement is None:
                return None
        expr = journal_filter(sources(statement, key, column))
        time = period(key, statement.start, statement.end, self.first_day())
        if expr is None or time is None:
            return None
        return url_for("report", report_name="journal", filter=expr, time=time)

    def line_url(self, report: FunderReport, line: str | None) -> str | None:
        """The journal behind a budget line's spend in pounds (None: the total spend)."""
        mine = {s.account for s in report.spend if line is None or s.line == line}
        others = {s.account for s in report.spend if line is not None and s.line != line}
        fund = _alternatives([report.fund])
        if not mine:
            return None
        if not mine & others:  # the line's accounts are its own: they pick its postings
            expr = journal_filter(frozenset((a, report.fund, False) for a in mine))
        elif line != UNMAPPED and not budget_maps(self.ledger.all_entries, report.fund):
            # Lines share accounts (an invoice's splits each carry their budget line): the
            # line's `budget-line`, on the posting or on its transaction, picks them out.
            named = _alternatives([line])
            expr = (f'(any(fund:"{fund}" account:"^Expenses:" budget-line:"{named}")), '
                    f'(budget-line:"{named}" any(fund:"{fund}" account:"^Expenses:"))')
        else:
            return None
        if expr is None:
            return None
        time = f"{report.start.isoformat()} - {report.end.isoformat()}"
        return url_for("report", report_name="journal", filter=expr, time=time)

    def received_url(self, report: FunderReport) -> str | None:
        """The journal of the tranches received in the period."""
        found = {(a, report.fund, False) for a in self.income_accounts(report)}
        expr = journal_filter(frozenset(found))
        if expr is None:
            return None
        time = f"{report.start.isoformat()} - {report.end.isoformat()}"
        return url_for("report", report_name="journal", filter=expr, time=time)

    def income_accounts(self, report: FunderReport) -> set[str]:
        return {p.account for txn, p, fund in fundmodel.fund_postings(self.ledger.all_entries)
                if fund == report.fund and p.account.startswith("Income:")
                and p.units.currency == report.currency
                and report.start <= txn.date <= report.end}

    def funds_url(self) -> str:
        return url_for("extension_report", extension_name="Funds")

    def self_url(self, **args) -> str:
        return url_for("extension_report", extension_name=self.name, **args)
