"""The entries that close a fund (`ledger.closing`), called in the test process: each
line of the close, the release, the return and the donation written out by hand, quotes
in a decision kept as given, holdings of nothing left out, amounts that do not add up
refused, and the text loaded by beancount (it balances, and each posting lands in the fund
it names); which payment the donate-to-charity terms authorise."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from ledger import closing
from ledger import funds as fundmodel

D = Decimal
DAY = datetime.date(2024, 3, 31)
HELD = {"Assets:Bank": D("30.00"), "Assets:Held:Smith": D("0.00"), "Assets:PayPal": D("12.50")}
MINUTE = 'Minute 4: "close it" \\ as agreed'
QUOTED = '"Minute 4: \\"close it\\" \\\\ as agreed"'


def test_the_close_with_and_without_a_decision():
    assert closing.close_text("case", DAY) == '2024-03-31 custom "fund-close" "case"\n'
    assert closing.close_text('the "A" case', DAY, MINUTE) == (
        '2024-03-31 custom "fund-close" "the \\"A\\" case"\n'
        f"  decision: {QUOTED}\n")
    assert closing.close_text("case", DAY, "") == '2024-03-31 custom "fund-close" "case"\n'


def line(account, number, fund=None):
    text = f"  {account:<40} {number:>12} GBP\n"
    return text + (f'    fund: "{fund}"\n' if fund else "")


def test_a_release_moves_the_fund_and_each_holding_to_the_other_fund():
    text = closing.release_text("case", "general", DAY, D("42.50"), HELD, "GBP", MINUTE)
    assert text == (
        '2024-03-31 * "Trustees" "Release the leftover of case to general"\n'
        f"  decision: {QUOTED}\n"
        '  leftover: "released"\n'
        + line("Equity:Funds:Transfers", "42.50", "case")
        + line("Equity:Funds:Transfers", "-42.50", "general")
        + line("Assets:Bank", "-30.00", "case") + line("Assets:Bank", "30.00", "general")
        + line("Assets:PayPal", "-12.50", "case") + line("Assets:PayPal", "12.50", "general"))
    assert "      42.50 GBP" in text  # amounts right-aligned in twelve places


def test_a_return_pays_the_platform_from_each_holding():
    text = closing.return_text("case", "Income:Crowdfunding:CaseFunder", DAY, D("42.50"), HELD,
                               "GBP", MINUTE)
    assert text == (
        '2024-03-31 * "CaseFunder" "Return the leftover of case to CaseFunder"\n'
        '  fund: "case"\n'
        f"  decision: {QUOTED}\n"
        '  leftover: "returned"\n'
        + line("Income:Crowdfunding:CaseFunder", "42.50")
        + line("Assets:Bank", "-30.00") + line("Assets:PayPal", "-12.50"))


def test_a_donation_pays_the_named_charity_from_each_holding():
    text = closing.donate_text("case", "Access to Justice Foundation", DAY, D("42.50"), HELD,
                               "GBP", MINUTE)
    assert text == (
        '2024-03-31 * "Access to Justice Foundation" "Leftover of case donated under its '
        'terms"\n'
        '  fund: "case"\n'
        f"  decision: {QUOTED}\n"
        '  leftover: "donated"\n'
        + line("Expenses:Grants:Charities", "42.50")
        + line("Assets:Bank", "-30.00") + line("Assets:PayPal", "-12.50"))


@pytest.mark.parametrize("pay", [closing.return_text, closing.donate_text])
def test_holdings_that_do_not_add_up_are_refused(pay):
    with pytest.raises(ValueError) as refused:
        pay("case", "Income:Gifts", DAY, D("42.51"), HELD, "GBP", MINUTE)
    assert str(refused.value) == "the holdings handed in do not add up to the balance"
    # A penny under, too: never more or less than the balance leaves the accounts.
    with pytest.raises(ValueError):
        pay("case", "Income:Gifts", DAY, D("42.49"), HELD, "GBP", MINUTE)


BOOKS = """\
option "operating_currency" "GBP"
2024-01-01 open Assets:Bank GBP
2024-01-01 open Assets:PayPal GBP
2024-01-01 open Income:Gifts GBP
2024-01-01 open Equity:Funds:Transfers GBP
2024-01-01 open Expenses:Grants:Charities GBP
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
  charity: "Access to Justice Foundation"
2024-01-01 custom "fund" "pot" "restricted"
  purpose: "Expenses:Legal"
  terms: "return-to-platform"
2024-02-01 * "Gifts"
  fund: "case"
  Assets:Bank  30.00 GBP
  Assets:PayPal  12.50 GBP
  Income:Gifts  -42.50 GBP
"""


def loaded(text):
    entries, errors, _options = loader.load_string(BOOKS + "\n" + text)
    assert errors == [], errors
    return entries


def test_the_entries_load_balanced_and_each_posting_in_its_fund():
    for text in (
            closing.release_text("case", "general", DAY, D("42.50"), HELD, "GBP", MINUTE),
            closing.return_text("case", "Income:Gifts", DAY, D("42.50"), HELD, "GBP", MINUTE),
            closing.donate_text("case", "Access to Justice Foundation", DAY, D("42.50"), HELD,
                                "GBP", MINUTE)):
        txn = loaded(text + closing.close_text("case", DAY, MINUTE))[-2]
        assert txn.meta["decision"] == MINUTE
        got = sorted((p.account, p.units.number, p.meta.get("fund")) for p in txn.postings)
        assert sum(n for _a, n, _f in got) == 0
        if txn.meta["leftover"] == "released":
            assert got == sorted([
                ("Equity:Funds:Transfers", D("42.50"), "case"),
                ("Equity:Funds:Transfers", D("-42.50"), "general"),
                ("Assets:Bank", D("-30.00"), "case"), ("Assets:Bank", D("30.00"), "general"),
                ("Assets:PayPal", D("-12.50"), "case"),
                ("Assets:PayPal", D("12.50"), "general")])
        else:
            assert txn.meta["fund"] == "case"
            assert [(a, n) for a, n, _f in got if a.startswith("Assets:")] == [
                ("Assets:Bank", D("-30.00")), ("Assets:PayPal", D("-12.50"))]


def test_only_the_named_charity_under_donate_terms_is_given_the_leftover():
    text = closing.donate_text("case", "Access to Justice Foundation", DAY, D("42.50"), HELD,
                               "GBP", MINUTE)
    entries = loaded(text)
    declared, _budgets, _errors = fundmodel.declarations(entries)
    txn = entries[-1]
    assert closing.donated_under_terms(txn, declared["case"])
    # Another payee, another mark, or a fund whose terms are not to donate: not authorised.
    assert not closing.donated_under_terms(txn._replace(payee="Someone Else"), declared["case"])
    assert not closing.donated_under_terms(
        txn._replace(meta={**txn.meta, "leftover": "returned"}), declared["case"])
    assert not closing.donated_under_terms(txn, declared["pot"])
    assert not closing.donated_under_terms(txn, declared["case"]._replace(
        terms="return-to-platform"))


RELEASE = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Donations GBP
2017-01-01 custom "fund" "old-general" "unrestricted"
2017-01-01 custom "fund" "later-general" "unrestricted"
2024-03-31 custom "fund" "new-general" "unrestricted"
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
  terms: "release-to-unrestricted"
2018-01-01 custom "fund-close" "old-general"
2024-02-01 * "Gifts"
  fund: "case"
  Assets:Bank  42.50 GBP
  Income:Donations  -42.50 GBP
"""


def test_a_release_goes_to_the_first_unrestricted_fund_open_on_the_day(tmp_path):
    """Not to one closed before, nor to one opened after: the first open on the day."""
    from ledger import books as ledger_books
    from reports import closing as close_report

    def released(text, on):
        (tmp_path / "main.beancount").write_text(text)
        entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
        assert errors == [], errors
        plan = close_report.plan(entries, options, "case", on, decision="Minute 9 of 2024")
        return [line.split('"')[1] for line in plan.text.splitlines()
                if line.startswith("    fund:")]

    # old-general closed in 2018; later-general is open: the money goes to it.
    assert released(RELEASE, DAY) == ["case", "later-general", "case", "later-general"]
    # With only new-general left open, it opens on the day itself, so it can take it;
    # the day before, no fund can.
    text = RELEASE.replace('2017-01-01 custom "fund" "later-general" "unrestricted"\n', "")
    text = text.replace('2017-01-01 custom "fund" "general" "unrestricted"\n', "")
    assert released(text, DAY) == ["case", "new-general", "case", "new-general"]
    with pytest.raises(close_report.CannotClose, match="no other open unrestricted fund"):
        released(text, DAY - datetime.timedelta(days=1))


POOLED = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:Bank GBP
2024-01-01 open Assets:PayPal GBP
2024-01-01 open Income:Donations GBP
2024-01-01 open Equity:Funds:Transfers GBP
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
  terms: "return-to-platform"
2024-01-10 * "Gifts by bank"
  fund: "case"
  Assets:Bank  50.00 GBP
  Income:Donations  -50.00 GBP
2024-01-11 * "Gifts by PayPal"
  fund: "case"
  Assets:PayPal  80.00 GBP
  Income:Donations  -80.00 GBP
2024-01-12 * "General gifts"
  fund: "general"
  Assets:Bank  200.00 GBP
  Income:Donations  -200.00 GBP
2024-02-01 * "Trustees" "The case gives general 30.00 on paper: no money moves"
  Equity:Funds:Transfers  30.00 GBP
    fund: "case"
  Equity:Funds:Transfers  -30.00 GBP
    fund: "general"
"""


def test_a_leftover_is_paid_first_from_where_most_of_the_fund_is_held(tmp_path):
    """The case holds 50.00 in the bank and 80.00 in PayPal, less 30.00 given to general on
    paper: 100.00 left. Paid from its largest holding first: PayPal's 80.00, then 20.00 of
    the bank's 50.00 (not in the accounts' name order)."""
    from ledger import books as ledger_books
    from reports import closing as close_report

    (tmp_path / "main.beancount").write_text(POOLED)
    entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert errors == [], errors
    plan = close_report.plan(entries, options, "case", DAY, decision="Minute 9 of 2024")
    paid = [line.split() for line in plan.text.splitlines()
            if line.startswith(("  Assets:", "  Income:"))]
    assert paid == [["Income:Donations", "100.00", "GBP"], ["Assets:PayPal", "-80.00", "GBP"],
                    ["Assets:Bank", "-20.00", "GBP"]]
