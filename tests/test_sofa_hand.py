"""The SOFA and funds note on small books worked by hand (tests/statements_books.py,
SORP_JOURNAL, where each figure's arithmetic is written out): every row's section, label
and columns, the prior year, the entries behind each cell, support costs shared out, and
each refusal in its words. In the test process and function-scoped, so that mutation
testing (tools/mutate.py) sees each test reach the code it checks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount.core import data
from beancount.core.amount import Amount

from ledger import books as ledger_books
from reports.classify import ReportError
from reports.sofa import _clean, allocate, sofa
from tests.statements_books import SORP_HEADER, SORP_JOURNAL, load, write_sorp

D = Decimal
day = datetime.date
Y2023 = (day(2023, 1, 1), day(2023, 12, 31))


@pytest.fixture
def books(tmp_path):
    return load(write_sorp(tmp_path / "sorp"))


def test_every_row_worked_by_hand(books):
    s = sofa(*books, *Y2023)
    # (section, key, label, total row?, unrestricted, restricted, endowment, total, prior)
    expected = [
        ("income", "income.donations", "Donations and legacies", False,
         # general's gift; the core grant declared donations; prior: 200 + 1000 + 500
         D("100.00"), D("600.00"), 0, D("700.00"), D("1700.00")),
        ("income", "income.charitable", "Charitable activities", False,
         0, D("1000.00"), 0, D("1000.00"), 0),
        ("income", "income.trading", "Other trading activities", False,
         D("40.00"), D("7.00"), 0, D("47.00"), 0),
        ("income", "income.investments", "Investments", False,
         D("5.00"), 0, 0, D("5.00"), 0),
        ("income", "income.other", "Other income", False, D("3.00"), 0, 0, D("3.00"), 0),
        ("income", "income.total", "Total income", True,
         D("148.00"), D("1607.00"), 0, D("1755.00"), D("1700.00")),
        # raising: rent's 20% (2.00) and insurance's 40% (8.00); prior: fee 50 + 2.00
        ("expenditure", "expenditure.raising", "Raising funds", False,
         D("10.00"), 0, 0, D("10.00"), D("52.00")),
        # legal: rent's 50% (5.00 and the penny left over); case 400 + grant 300
        ("expenditure", "expenditure.legal", "Charitable activities: litigation", False,
         D("5.01"), D("700.00"), 0, D("705.01"), D("5.01")),
        ("expenditure", "expenditure.comms", "Charitable activities: communications", False,
         D("3.00"), D("100.00"), 0, D("103.00"), D("3.00")),
        ("expenditure", "expenditure.grants",
         "Charitable activities: grants to other charities", False, 0, 0, 0, 0, 0),
        # insurance's 60% (12.00) and the office (15.00), not shared
        ("expenditure", "expenditure.other", "Other expenditure", False,
         D("27.00"), 0, 0, D("27.00"), 0),
        ("expenditure", "expenditure.returned", "Unspent funds returned to donors", False,
         0, D("600.00"), 0, D("600.00"), 0),
        ("expenditure", "expenditure.total", "Total expenditure", True,
         D("45.01"), D("1400.00"), 0, D("1445.01"), D("60.01")),
        ("net", "net", "Net income/(expenditure)", True,
         D("102.99"), D("207.00"), 0, D("309.99"), D("1639.99")),
        # the exchange loss on the grant, the endowment's revaluation
        ("net", "gains", "Net gains/(losses)", False, 0, D("-10.00"), D("25.00"), D("15.00"), 0),
        # 50.00 to the case; the 30.00 designated stays in the unrestricted column
        ("net", "transfers", "Transfers between funds", False,
         D("-50.00"), D("50.00"), 0, 0, 0),
        ("net", "movement", "Net movement in funds", True,
         D("52.99"), D("247.00"), D("25.00"), D("324.99"), D("1639.99")),
        # general 200 - 10.01 and its opening balance of 300; case 1000 - 50; endow 500
        ("funds", "bf", "Total funds brought forward", False,
         D("489.99"), D("950.00"), D("500.00"), D("1939.99"), 0),
        ("funds", "cf", "Total funds carried forward", True,
         D("542.98"), D("1197.00"), D("525.00"), D("2264.98"), D("1639.99")),
    ]
    got = [(r.section, r.key, r.label, r.is_total, r.unrestricted, r.restricted, r.endowment,
            r.total, r.prior_total) for r in s.rows]
    assert got == expected
    assert (s.title, s.currency, s.start, s.end, s.endowment) == (
        "Hand Worked Trust", "GBP", *Y2023, True)
    assert (s.prior.start, s.prior.end) == (day(2022, 1, 1), day(2022, 12, 31))
    assert s.prior.prior is None


def test_funds_note_worked_by_hand(books):
    s = sofa(*books, *Y2023)
    note = [(m.fund, m.title, m.fund_class, m.brought_forward, m.income, m.expenditure,
             m.gains, m.transfers, m.carried_forward) for m in s.funds]
    assert note == [
        # 189.99 + the opening 300.00; 100 + 40 + 5 + 3; 10.01 + 20 + 15; -50 - 30
        ("general", "General fund", "unrestricted",
         D("489.99"), D("148.00"), D("45.01"), 0, D("-80.00"), D("512.98")),
        ("reserve", "Reserve", "designated", 0, 0, 0, 0, D("30.00"), D("30.00")),
        # 400 spent and the 600 returned leftover: expenditure, not negative income
        ("case", "Case crowdfunder", "restricted",
         D("950.00"), 0, D("1000.00"), 0, D("50.00"), 0),
        ("grant", "Litigation grant", "restricted",
         0, D("1000.00"), D("400.00"), D("-10.00"), 0, D("590.00")),
        ("core", "Core grant", "restricted", 0, D("607.00"), 0, 0, 0, D("607.00")),
        ("endow", "Endowment", "endowment", D("500.00"), 0, 0, D("25.00"), 0, D("525.00")),
    ]
    prior = {m.fund: (m.brought_forward, m.income, m.expenditure, m.carried_forward)
             for m in s.prior.funds}
    assert prior == {"general": (0, D("200.00"), D("10.01"), D("189.99")),
                     "reserve": (0, 0, 0, 0),
                     "case": (0, D("1000.00"), D("50.00"), D("950.00")),
                     "grant": (0, 0, 0, 0), "core": (0, 0, 0, 0),
                     "endow": (0, D("500.00"), 0, D("500.00"))}


def test_the_entries_behind_each_cell(books):
    s = sofa(*books, *Y2023, prior=False)
    u, r, e = "unrestricted", "restricted", "endowment"

    def src(account, fund, returned=False):
        return (account, fund, returned)

    rent, insurance = (src("Expenses:Running:Rent", "general"),
                       src("Expenses:Running:Insurance", "general"))
    transfers = "Equity:Funds:Transfers"
    assert s.behind == {
        ("funds", "bf", u): {src("Income:Donations:Bank", "general"), rent,
                             src("Equity:Funds:Opening", "general")},
        ("funds", "bf", r): {src("Income:Crowdfunding:CF", "case"),
                             src("Expenses:Fees:Platform", "case")},
        ("funds", "bf", e): {src("Income:Donations:Bank", "endow")},
        ("income", "donations", u): {src("Income:Donations:Bank", "general")},
        ("income", "donations", r): {src("Income:Grants:Funder", "core")},
        ("income", "charitable", r): {src("Income:Grants:Funder", "grant")},
        ("income", "trading", u): {src("Income:Trading:Events", "general")},
        ("income", "trading", r): {src("Income:Trading:Events", "core")},
        ("income", "investments", u): {src("Income:Interest", "general")},
        ("income", "other", u): {src("Income:Other", "general")},
        ("expenditure", "raising", u): {rent, insurance},
        ("expenditure", "legal", u): {rent},
        ("expenditure", "comms", u): {rent},
        ("expenditure", "other", u): {insurance, src("Expenses:Office", "general")},
        ("expenditure", "legal", r): {src("Expenses:Legal:Solicitors", "case"),
                                      src("Expenses:Legal:Solicitors", "grant")},
        ("expenditure", "comms", r): {src("Expenses:Comms:Design", "grant")},
        ("expenditure", "returned", r): {src("Income:Crowdfunding:CF", "case", True)},
        ("net", "gains", r): {src("Expenses:FX", "grant")},
        ("net", "gains", e): {src("Income:Gains:Investments", "endow")},
        ("net", "transfers", u): {src(transfers, "general"), src(transfers, "reserve")},
        ("net", "transfers", r): {src(transfers, "case")},
    }
    # Cells no journal adds up to: the opening balance dated inside the year (on its first
    # day), and the lines a support cost is shared over (rent three ways, insurance two).
    assert s.shared == {("funds", "opening", u), ("expenditure", "raising", u),
                        ("expenditure", "legal", u), ("expenditure", "comms", u),
                        ("expenditure", "other", u)}


def test_no_endowment_column_and_no_title(tmp_path):
    header = (SORP_HEADER.replace('"Hand Worked Trust"', '""')
              .replace('"endow" "endowment"', '"endow" "restricted"\n  purpose: "Expenses:Legal"'))
    s = sofa(*load(write_sorp(tmp_path / "b", header=header)), *Y2023, prior=False)
    assert (s.title, s.endowment) == ("", False)
    # the endowment's gift and gain now sit in the restricted column
    assert s.row("bf").restricted == D("1450.00")
    assert s.row("gains").restricted == D("15.00")


def test_books_kept_in_euros(tmp_path):
    """The operating currency is the books' (and the prior year's), not pounds."""
    path = write_sorp(tmp_path / "eur", currency="EUR")
    s = sofa(*load(path), *Y2023)
    assert (s.currency, s.row("cf").total, s.row("cf").prior_total) == (
        "EUR", D("2264.98"), D("1639.99"))
    assert s.prior.currency == "EUR"


def test_a_fund_opened_on_the_last_day_and_one_closed_on_the_first(tmp_path):
    path = write_sorp(tmp_path / "b", """
        2023-01-01 custom "fund-close" "shut"
        2023-12-31 custom "fund" "newest" "unrestricted"
        2023-12-31 * "Bank" "Gift on the last day"
          fund: "newest"
          Assets:Bank                   9.00 GBP
          Income:Donations:Bank        -9.00 GBP
        """, header=SORP_HEADER + '2022-06-01 custom "fund" "shut" "unrestricted"\n')
    s = sofa(*load(path), *Y2023, prior=False)
    note = {m.fund: (m.brought_forward, m.income, m.carried_forward) for m in s.funds}
    assert note["newest"] == (0, D("9.00"), D("9.00"))
    assert note["shut"] == (0, 0, 0)  # closed on the year's first day: still in the year
    assert "newest" not in {m.fund for m in sofa(*load(path), day(2023, 1, 1),
                                                 day(2023, 12, 30), prior=False).funds}


def test_support_costs_latest_and_longest_declaration(books):
    """Insurance follows its own, longer prefix; rent the later of two declarations."""
    s = sofa(*books, day(2023, 7, 1), day(2023, 7, 1), prior=False)
    got = {k: s.row(f"expenditure.{k}").unrestricted
           for k in ("raising", "legal", "comms", "other")}
    assert got == {"raising": D("10.00"), "legal": D("5.01"), "comms": D("3.00"),
                   "other": D("12.00")}


def test_allocate_to_the_penny():
    # 10.01 at 30/50/20: 3.003, 5.005, 2.002 round to 3.00, 5.00, 2.00; the penny left
    # goes to the largest share (50), wherever it is in the list.
    assert allocate(D("10.01"), [("comms", D(30)), ("legal", D(50)), ("raising", D(20))]) == [
        ("comms", D("3.00")), ("legal", D("5.01")), ("raising", D("2.00"))]
    # 1.00 in thirds: 0.33 each and the penny to the first of the largest
    assert allocate(D("1.00"), [("a", D("33.34")), ("b", D("33.33")), ("c", D("33.33"))]) == [
        ("a", D("0.34")), ("b", D("0.33")), ("c", D("0.33"))]
    # a share over half: 0.07 at 75/25 is 0.0525 and 0.0175, i.e. 0.05 and 0.02: exact
    assert allocate(D("0.07"), [("x", D(25)), ("y", D(75))]) == [("x", D("0.02")),
                                                                   ("y", D("0.05"))]


def test_a_statement_never_shows_minus_zero():
    assert str(_clean(D("-0.00"))) == "0.00"
    assert str(_clean(D("-5.00"))) == "-5.00"


def _error(tmp_path, extra: str, header: str = SORP_HEADER) -> str:
    path = write_sorp(tmp_path / "bad", extra, header)
    entries, _errors, options = ledger_books.load(path)
    with pytest.raises(ReportError) as err:
        sofa(entries, options, *Y2023)
    return str(err.value).replace(str(path), "BOOKS")


def test_postings_without_a_declared_fund_are_refused(tmp_path):
    lines = len((SORP_HEADER + "\n" + SORP_JOURNAL).splitlines())
    extra = """
        2023-10-01 * "Bank" "Gift to a fund nobody declared"
          Assets:Bank                   1.00 GBP
          Income:Donations:Bank        -1.00 GBP
            fund: "ghost"
        """
    # the posting's own line: the blank line, the entry, the bank line, then this one
    assert _error(tmp_path, extra) == (
        f"BOOKS:{lines + 4}: posting to Income:Donations:Bank has undeclared fund 'ghost'; "
        "run `fundledger check`")
    extra = extra.replace('    fund: "ghost"\n', "")
    assert _error(tmp_path, extra) == (
        f"BOOKS:{lines + 4}: posting to Income:Donations:Bank has no fund; "
        "run `fundledger check`")


def _with_bare_posting(books, account: str, units: Amount, fund: str | None):
    """The books and one more entry whose income posting has no metadata of its own, as a
    plugin may write it: an error must then name the entry's line."""
    entries, options = books
    meta = data.new_metadata("plugin.beancount", 7)
    if fund:
        meta["fund"] = fund
    postings = [data.Posting("Assets:Bank", -units, None, None, None, None),
                data.Posting(account, units, None, None, None, None)]
    txn = data.Transaction(meta, day(2023, 10, 1), "*", "", "Written by a plugin",
                           frozenset(), frozenset(), postings)
    return entries + [txn], options


def test_an_error_on_a_posting_without_metadata_names_its_entry(books):
    entries, options = _with_bare_posting(books, "Income:Donations:Bank",
                                          Amount(D("-1.00"), "GBP"), "ghost")
    with pytest.raises(ReportError, match=r"^plugin.beancount:7: posting to "
                                          r"Income:Donations:Bank has undeclared fund"):
        sofa(entries, options, *Y2023)
    entries, options = _with_bare_posting(books, "Income:Donations:Bank",
                                          Amount(D("-1.00"), "USD"), "general")
    with pytest.raises(ReportError, match=r"^plugin.beancount:7: Income:Donations:Bank is "
                                          r"booked in USD: no rate from USD to GBP on or "
                                          r"before 2023-10-01: add the rate to the books, "
                                          r"e\.g\. `2023-10-01 price USD <rate> GBP`"):
        sofa(entries, options, *Y2023)


def test_support_costs_declared_wrongly_are_refused(tmp_path):
    at = len(SORP_HEADER.splitlines()) + 1
    for bad in ('"Expenses:Running"', '"Expenses:Running" "legal seventy, comms 30"'):
        header = SORP_HEADER + f'2017-01-03 custom "support-costs" {bad}\n'
        assert _error(tmp_path, "", header) == (
            f'BOOKS:{at}: support costs are declared as: custom "support-costs" '
            '"Expenses:..." "legal 70, comms 30"')
    for shares in ("legal 70, comms 29", "legal 70, comms 31", "legal 70, lunch 30"):
        header = SORP_HEADER + f'2017-01-03 custom "support-costs" "Expenses:Running" "{shares}"\n'
        assert _error(tmp_path, "", header) == (
            f"BOOKS:{at}: support-costs Expenses:Running: shares must be expenditure "
            "headings (comms, grants, legal, other, raising, returned) adding up to 100")


def test_an_unknown_income_heading_is_refused(tmp_path):
    header = SORP_HEADER.replace('sofa-income: "donations"', 'sofa-income: "gifts"')
    at = SORP_HEADER.splitlines().index('2017-01-01 custom "fund" "core" "restricted"') + 1
    assert _error(tmp_path, "", header) == (
        f'BOOKS:{at}: sofa-income "gifts" is not one of '
        "charitable, donations, investments, other, trading")


def test_a_fund_closed_in_an_earlier_year_leaves_the_note(books):
    """The case closed on 1 September 2023, at exactly zero: it is in 2023's note and in
    2024's prior-year note, and not in 2024's own (nothing moved in it, nothing is left)."""
    s = sofa(*books, day(2024, 1, 1), day(2024, 12, 31))
    assert "case" not in {m.fund for m in s.funds}
    assert "case" in {m.fund for m in s.prior.funds}
    # the other funds, with nothing moving in 2024, carry their balances on
    assert {m.fund: m.carried_forward for m in s.funds} == {
        "general": D("512.98"), "reserve": D("30.00"), "grant": D("590.00"),
        "core": D("607.00"), "endow": D("525.00")}


def test_a_declared_heading_is_for_grant_income_only(tmp_path):
    """The core grant declares donations: its grant goes there, its event income stays
    other trading, and income on an account that only begins like a grant's
    (Income:Grantsmanship, not under Income:Grants) stays other income, as classify says."""
    path = write_sorp(tmp_path / "b", """
        2017-01-01 open Income:Grantsmanship GBP
        2023-10-01 * "Course" "Fee for a grant-writing course"
          fund: "core"
          Assets:Bank                  11.00 GBP
          Income:Grantsmanship        -11.00 GBP
        """)
    s = sofa(*load(path), *Y2023, prior=False)
    assert [(s.row(k).restricted) for k in ("income.donations", "income.trading",
                                            "income.other")] == [
        D("600.00"), D("7.00"), D("11.00")]


def test_books_with_money_moving_in_a_closed_fund_still_add_up(tmp_path):
    """A posting after a fund's close: the plugin refuses such books, but the statement of
    them (Fava still shows pages) lists the fund, so its funds note adds up to the SOFA."""
    path = write_sorp(tmp_path / "b", """
        2024-02-01 * "Bank" "Gift to the closed case"
          fund: "case"
          Assets:Bank                  12.00 GBP
          Income:Donations:Bank       -12.00 GBP
        """)
    entries, errors, options = ledger_books.load(path)
    assert any("case" in str(e.message) for e in errors)
    s = sofa(entries, options, day(2024, 1, 1), day(2024, 12, 31), prior=False)
    case = next(m for m in s.funds if m.fund == "case")
    assert (case.brought_forward, case.income, case.carried_forward) == (0, D(12), D(12))
    assert s.row("income.total").total == sum(m.income for m in s.funds) == D("12.00")
    assert s.row("cf").total == sum(m.carried_forward for m in s.funds)
