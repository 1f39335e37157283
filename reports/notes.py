"""The notes to the accounts an independent examiner expects beside the statements.

    notes(entries, options, start, end) -> Notes

Where a note's figures come from the books they are computed here (from the SOFA, the
balance sheet and the postings); where its words must come from the trustees, the books
declare them, and a note nobody declared is listed in `missing`, never written for them:

    2024-06-30 custom "fundledger-note" "contingent-liabilities" "No case is open ..."
      year: 2024        ; the financial year it is for (default: the last one ended by
                        ; the note's date, as trustees write notes after the year end)

Declared notes (NOTE_KEYS): the reserves policy, related-party transactions, contingent
liabilities (adverse costs orders), events after the balance sheet date, the trustees'
approval and the independent examiner's report. A fund's purpose in words is its
declaration's `description:`. Computed: the basis and accounting policies; debtors and
creditors by account; the funds note with each fund's purpose; grants made and payable;
trustees' expenses (`Expenses:Trustees`) and related-party transactions (tag
`#related-party`); staff costs (`Expenses:Staff`); reserves (unrestricted funds less
designated: the free reserves).
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from beancount.core.data import Custom, Transaction

from ledger import funds as fundmodel
from ledger import options as ledger_options
from reports import classify, render
from reports.balance_sheet import balance_sheet
from reports.sofa import sofa

ZERO = Decimal("0.00")
NOTE = "fundledger-note"


def _money(unit: str):
    return lambda n: render.money(n, unit)

NOTE_KEYS = {
    "reserves-policy": "Reserves policy",
    "related-parties": "Related-party transactions",
    "contingent-liabilities": "Contingent liabilities (adverse costs orders)",
    "post-balance-sheet": "Events after the balance sheet date",
    "trustees-approval": "Approval by the trustees",
    "examiner-report": "Independent examiner's report",
}
GRANTS = "Expenses:Grants"
TRUSTEES = "Expenses:Trustees"
STAFF = "Expenses:Staff"
RELATED = "related-party"


@dataclasses.dataclass
class Section:
    key: str
    title: str
    words: list[str]
    header: list[str] = dataclasses.field(default_factory=list)
    rows: list[list] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Notes:
    start: datetime.date
    end: datetime.date
    currency: str
    basis: str
    sections: list[Section]
    missing: list[str]  # what the trustees must still declare, in their words

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def declared_notes(entries, year: int) -> dict[str, str]:
    """Note key -> the trustees' words for financial year `year` (the latest wins)."""
    end = ledger_options.fy_end(entries)
    out = {}
    for e in entries:
        if not (isinstance(e, Custom) and e.type == NOTE and len(e.values) == 2):
            continue
        key, text = (v.value for v in e.values)
        for_year = e.meta.get("year")
        if for_year is None:  # the last financial year ended on or before the note's date
            for_year = ledger_options.fy_of(e.date + datetime.timedelta(days=1), end) - 1
        try:
            for_year = int(for_year)
        except (TypeError, ValueError, ArithmeticError):
            raise classify.ReportError(
                f"{e.meta.get('filename')}:{e.meta.get('lineno')}: {NOTE} {key}: year: "
                f"{for_year!r} is not a year like 2024") from None
        if key not in NOTE_KEYS:
            raise classify.ReportError(
                f"{e.meta.get('filename')}:{e.meta.get('lineno')}: {NOTE} {key!r} is not "
                f"one of {', '.join(NOTE_KEYS)}")
        if for_year == year and str(text).strip():
            out[str(key)] = str(text)
    return out


def _sum(entries, start, end, prefix, unit) -> Decimal:
    return sum((fundmodel.weight(p).number for t in entries if isinstance(t, Transaction)
                and start <= t.date <= end for p in t.postings
                if classify.under(p.account, prefix) and fundmodel.weight(p).currency == unit),
               ZERO)


def notes(entries, options, start: datetime.date, end: datetime.date) -> Notes:
    unit = classify.operating_currency(options)
    m = _money(unit)
    basis = ledger_options.basis(entries)
    year = ledger_options.fy_of(end, ledger_options.fy_end(entries))
    prior_end = start - datetime.timedelta(days=1)
    said = declared_notes(entries, year)
    declared, _b, _e = fundmodel.declarations(entries)
    descriptions = {e.values[0].value: str(e.meta["description"]) for e in entries
                    if isinstance(e, Custom) and e.type == fundmodel.FUND
                    and e.meta.get("description")}
    s = sofa(entries, options, start, end)
    b = balance_sheet(entries, options, end, prior=prior_end)
    missing = [f"{title} (custom \"{NOTE}\" \"{key}\" \"...\" with year: {year})"
               for key, title in NOTE_KEYS.items() if key not in said]
    out = [_policies(basis, entries, unit)]
    classes = Section("comparatives", "Funds by class, this year and the prior year", [
        ("The SOFA beside these notes gives the prior year's income and expenditure by fund "
        "class too.")], ["Funds", f"At {end}", f"At {prior_end}"])
    for cls in ("unrestricted", "designated", "restricted", "endowment"):
        classes.rows.append([cls, b.funds.get(cls, ZERO), b.prior.funds.get(cls, ZERO)])
    classes.rows.append(["total", b.total_funds, b.prior.total_funds])
    out.append(classes)

    lines = Section("debtors-creditors", "Debtors and creditors", [
        "Balances by account at the year end and the year before; creditors are owed."],
        ["Account", f"At {end}", f"At {prior_end}"])
    for account in sorted(set(b.position.accounts) | set(b.prior.position.accounts)):
        if classify.is_debtor(account) or account.startswith("Liabilities:"):
            lines.rows.append([account, b.position.accounts.get(account, ZERO),
                               b.prior.position.accounts.get(account, ZERO)])
    out.append(lines)

    funds = Section("funds", "Funds note: each fund and its purpose", [],
                    ["Fund", "Class", "Purpose", "Brought forward", "Income", "Expenditure",
                     "Gains/(losses)", "Transfers", "Carried forward"])
    for mv in s.funds:
        fund = declared[mv.fund]
        words = descriptions.get(mv.fund)
        if not words:
            missing.append(f"The purpose of fund {mv.fund} in words (description: on its "
                           "declaration)")
        spend = f" [may be spent on: {', '.join(fund.purpose)}]" if fund.purpose else ""
        funds.rows.append([f"{mv.fund}: {mv.title}", mv.fund_class,
                           f"{words or '(not declared)'}{spend}",
                           mv.brought_forward, mv.income, mv.expenditure, mv.gains, mv.transfers,
                           mv.carried_forward])
    out.append(funds)
    out.append(_grants(entries, start, end, unit, b))
    out.append(_related(entries, start, end, unit, said))
    staff = _sum(entries, start, end, STAFF, unit)
    out.append(Section("staff", "Staff costs", [
        f"Staff costs in the year ({STAFF}): {m(staff)}; the year before: "
        f"{m(_sum(entries, s.prior.start, s.prior.end, STAFF, unit))}."
        + (" No employee received benefits of 60,000 or more." if staff < 60000 else "")]))
    designated = b.funds.get("designated", ZERO)
    out.append(Section("reserves", "Reserves", [
        (f"Unrestricted funds {m(b.funds['unrestricted'] + designated)}, of which "
        f"designated by the trustees {m(designated)}: free reserves "
        f"{m(b.funds['unrestricted'])}. Restricted funds {m(b.funds['restricted'])} "
        f"and endowment {m(b.funds['endowment'])} are not reserves."),
        said.get("reserves-policy", "Reserves policy: not yet declared by the trustees.")]))
    for key in ("contingent-liabilities", "post-balance-sheet", "trustees-approval",
                "examiner-report"):
        out.append(Section(key, NOTE_KEYS[key], [said.get(key, "Not yet declared by the "
                                                           "trustees.")]))
    return Notes(start, end, unit, basis, out, missing)


def _policies(basis: str, entries, unit: str) -> Section:
    if basis == "receipts":
        words = [("Basis of preparation: receipts and payments accounts with a statement of "
                 "assets and liabilities (Charities Act 2011, s133), for a charity under the "
                 "accruals threshold."),
                 ("Income is recognised when received; a grant award whatever its conditions "
                 "is income when its money arrives.")]
    else:
        words = ["Basis of preparation: accruals, under the Charities SORP (FRS 102).",
                 ("Income is recognised when the charity is entitled to it, receipt is "
                 "probable and the amount can be measured: an unconditional grant award "
                 "when awarded, a conditional one when its conditions are met."),
                 "Expenditure is recognised when a liability is incurred (an invoice)."]
    words.append(f"Amounts are in {unit}; a foreign amount at the rate on its date. Money "
                 "held or owed in another currency is retranslated at the closing rate at "
                 "the year end, the difference an exchange gain or loss of the fund that "
                 "holds it (FRS 102 section 30).")
    awards = Section("policies", "Accounting policies and basis of preparation", words,
                     ["Grant award", "Date", "Amount", "Conditions", "Recognised"])
    for e in entries:
        if isinstance(e, Custom) and e.type == "grant-award":
            conditions = str(e.meta.get("conditions", "none"))
            met = e.meta.get("conditions-met")
            when = ("when received" if basis == "receipts" else
                    "when awarded" if conditions.strip().lower() == "none" else
                    f"conditions met on {met}" if met else "not yet: conditions not met")
            awards.rows.append([e.values[0].value, e.date, e.values[1].value, conditions,
                                when])
    return awards


def _grants(entries, start, end, unit, b) -> Section:
    section = Section("grants-payable", "Grants made and grants payable", [],
                      ["Date", "To", "From fund", "Amount"])
    for t in entries:
        if isinstance(t, Transaction) and start <= t.date <= end:
            for p in t.postings:
                if classify.under(p.account, GRANTS):
                    section.rows.append([t.date, t.payee or t.narration,
                                         fundmodel.posting_fund(p, t) or "",
                                         fundmodel.weight(p).number])
    m = _money(unit)
    made = sum((r[3] for r in section.rows), ZERO)
    payable = -sum((n for a, n in b.position.accounts.items()
                    if classify.under(a, "Liabilities:Grants")), ZERO)
    section.words.append(f"Grants made to other charities in the year: {m(made)} "
                         "(charitable activities); payable at the year end "
                         f"(Liabilities:Grants): {m(payable)}.")
    return section


def _related(entries, start, end, unit, said) -> Section:
    m = _money(unit)
    spent = _sum(entries, start, end, TRUSTEES, unit)
    section = Section("related-parties", "Related-party transactions and trustees' expenses",
                      [f"Trustees' expenses reimbursed ({TRUSTEES}): {m(spent)}."
                       if spent else f"No trustees' expenses were paid ({TRUSTEES})."],
                      ["Date", "Transaction", "Amount"])
    for t in entries:
        if isinstance(t, Transaction) and start <= t.date <= end and RELATED in (t.tags or ()):
            moved = sum((fundmodel.weight(p).number for p in t.postings
                         if p.account.startswith("Expenses:")), ZERO) or sum(
                -fundmodel.weight(p).number for p in t.postings
                if p.account.startswith("Income:"))
            section.rows.append([t.date, t.narration, moved])
    section.words.append(said.get("related-parties", "Related-party transactions: not yet "
                                                     "declared by the trustees."))
    return section
