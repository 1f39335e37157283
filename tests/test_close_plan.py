"""Whether a fund can close on a day (`reports.closing.plan`), called in the test process
on books of a few lines: each refusal in the treasurer's words (an unknown fund, one
already closed, a day before it opens or before its last entry, no terms, terms other
than the leftover asked for, no decision on record, a grant's leftover without the funder's
agreement, money still owed, a charity account that does not take pounds, nowhere to
return the money to, an income account in another currency), and the entries a close
writes: the accounts it opens, and what the plan says was done with the leftover."""

from __future__ import annotations

import datetime

import pytest

from ledger import books as ledger_books
from reports import closing

day = datetime.date
DAY = day(2024, 3, 31)
MINUTE = "Minute 5 of 2024"

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:Bank GBP
2024-01-01 open Income:Donations GBP
2024-01-01 open Income:Grants:Lumen GBP
2024-01-01 open Expenses:Legal GBP
2024-01-01 open Liabilities:Creditors:Smith GBP
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
  terms: "return-to-platform"
2024-01-01 custom "fund" "appeal" "restricted"
  purpose: "Expenses:Legal"
2024-01-01 custom "fund" "grant" "restricted"
  purpose: "Expenses:Legal"
  terms: "release-to-unrestricted"
2024-01-01 custom "fund" "done" "restricted"
  purpose: "Expenses:Legal"
2024-02-01 custom "fund-close" "done"
2024-01-10 * "Gifts"
  fund: "case"
  Assets:Bank  100.00 GBP
  Income:Donations  -100.00 GBP
2024-01-11 * "Gifts"
  fund: "appeal"
  Assets:Bank  50.00 GBP
  Income:Donations  -50.00 GBP
2024-01-12 * "Lumen Trust" "Grant"
  fund: "grant"
  Assets:Bank  200.00 GBP
  Income:Grants:Lumen  -200.00 GBP
"""


def loaded(tmp_path, extra=""):
    (tmp_path / "main.beancount").write_text(BOOKS + extra)
    entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


def refused(entries, options, fund, on=DAY, **kw) -> list[str]:
    with pytest.raises(closing.CannotClose) as got:
        closing.plan(entries, options, fund, on, **kw)
    assert str(got.value) == f"cannot close {fund}: " + "; ".join(got.value.reasons)
    assert got.value.fund == fund
    return got.value.reasons


def test_a_fund_the_books_do_not_declare(tmp_path):
    entries, options = loaded(tmp_path)
    with pytest.raises(closing.UnknownFund) as got:
        closing.plan(entries, options, "nope", DAY)
    assert str(got.value) == "no fund 'nope' (funds: general, case, appeal, grant, done)"
    assert (got.value.fund, got.value.declared) == (
        "nope", ["general", "case", "appeal", "grant", "done"])


def test_the_day_and_the_fund_s_own_state(tmp_path):
    entries, options = loaded(tmp_path)
    assert refused(entries, options, "done") == ["it is already closed (on 2024-02-01)"]
    assert refused(entries, options, "case", day(2023, 12, 31)) == [
        "2023-12-31 is before the fund opens on 2024-01-01"]
    assert refused(entries, options, "case", day(2024, 1, 9), decision=MINUTE) == [
        ("the fund is used after 2024-01-09 (first on 2024-01-10): close it on or after its "
        "last entry")]


def test_terms_and_the_leftover_asked_for(tmp_path):
    entries, options = loaded(tmp_path)
    assert refused(entries, options, "appeal", decision=MINUTE)[-1] == (
        "the fund declares no terms: choose --leftover return or --leftover release")
    assert closing.plan(entries, options, "appeal", DAY, leftover="release",
                        decision=MINUTE).leftover == "release"
    other = ("the fund's terms are return-to-platform, not release-to-unrestricted: to do "
             "otherwise pass --override-terms with the trustees' --decision")
    assert refused(entries, options, "case", leftover="release", decision=MINUTE) == [other]
    assert refused(entries, options, "case", leftover="release", override_terms=True) == [
        other]
    plan = closing.plan(entries, options, "case", DAY, leftover="release",
                        override_terms=True, decision=MINUTE)
    assert (plan.fund, plan.day, plan.leftover) == ("case", DAY, "release")
    assert closing.plan(entries, options, "case", DAY, leftover="return",
                        decision=MINUTE).leftover == "return"
    assert closing.plan(entries, options, "case", DAY, decision=MINUTE).leftover == "return"


def test_a_leftover_needs_the_trustees_decision(tmp_path):
    entries, options = loaded(tmp_path)
    words = ("£100.00 is left to return to platform: pass --decision with the trustees' "
             "minute that decided it (it is written on the entry as given)")
    assert refused(entries, options, "case") == [words]
    assert refused(entries, options, "case", decision="   ") == [words]


def test_a_grant_s_leftover_needs_the_funder_s_agreement(tmp_path):
    entries, options = loaded(tmp_path)
    words = ("£200.00 of a grant is left: the --decision must also record that the funder "
             "agreed (e.g. \"Minute 2024/12; the funder agreed by letter of 3 Dec 2024\")")
    for decision in (MINUTE, "Minute 5: agreed by the trustees",
                     "Minute 5: Lumen Trust wrote to us", "Minute 5: the funder disagreed"):
        assert refused(entries, options, "grant", decision=decision) == [words], decision
    for decision in ("Minute 5: Lumen Trust agreed by letter",
                     "Minute 5: the FUNDER consented", "Minute 5: lumen trust approved it",
                     "Minute 5: by agreement with the funder"):
        plan = closing.plan(entries, options, "grant", DAY, decision=decision)
        assert plan.leftover == "release", decision
    # A fund with budget lines is a grant too, whatever account its money came in on.
    budget = '2024-01-01 custom "fund-budget" "case" "Solicitors" 100.00 GBP\n'
    entries, options = loaded(tmp_path, budget)
    assert refused(entries, options, "case", decision=MINUTE)[0].startswith(
        "£100.00 of a grant is left")


def test_money_still_owed_stops_a_leftover_being_dealt_with(tmp_path):
    owed = ('2024-02-01 * "Smith & Co" "Advice, not yet paid"\n  fund: "case"\n'
            "  Expenses:Legal  30.00 GBP\n  Liabilities:Creditors:Smith  -30.00 GBP\n")
    entries, options = loaded(tmp_path, owed)
    assert refused(entries, options, "case", decision=MINUTE) == [
        "£30.00 owed to creditors without an invoice number"]
    entries, options = loaded(tmp_path, owed.replace('paid"\n', 'paid"\n  invoice: "S-9"\n'))
    assert refused(entries, options, "case", decision=MINUTE) == [
        "1 invoice unpaid: S-9 (£30.00)"]


def test_nowhere_to_return_the_money_to(tmp_path):
    moved = ('2024-01-01 open Equity:Funds:Transfers GBP\n'
             '2024-01-13 * "Trustees" "General money given to the case"\n'
             "  Equity:Funds:Transfers  40.00 GBP\n    fund: \"general\"\n"
             "  Equity:Funds:Transfers  -40.00 GBP\n    fund: \"case\"\n"
             '2024-01-14 * "Gifts to general"\n  fund: "general"\n'
             "  Assets:Bank  40.00 GBP\n  Income:Donations  -40.00 GBP\n")
    entries, options = loaded(tmp_path, moved)
    # The case raised 100.00 on Income:Donations: returned there, all 140.00.
    plan = closing.plan(entries, options, "case", DAY, decision=MINUTE)
    assert "  Income:Donations" in plan.text and " 140.00 GBP" in plan.text
    text = BOOKS.replace('  fund: "case"\n  Assets:Bank  100.00 GBP\n  Income:Donations  '
                         '-100.00 GBP\n', '  fund: "general"\n  Assets:Bank  100.00 GBP\n'
                         '  Income:Donations  -100.00 GBP\n')
    (tmp_path / "main.beancount").write_text(text + moved)
    entries, _errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert refused(entries, options, "case", decision=MINUTE)[-1] == (
        "the fund raised nothing on an income account, so there is nowhere to return the "
        "leftover to")


def test_an_income_account_in_another_currency(tmp_path):
    text = BOOKS.replace("2024-01-01 open Income:Donations GBP",
                         "2024-01-01 open Income:Donations EUR,USD")
    text = text.replace('  fund: "case"\n  Assets:Bank  100.00 GBP\n  Income:Donations  '
                        '-100.00 GBP\n', '  fund: "case"\n  Assets:Bank  100.00 GBP\n'
                        '  Income:Donations  -115.00 EUR @@ 100.00 GBP\n')
    text = text.replace('  Assets:Bank  50.00 GBP\n  Income:Donations  -50.00 GBP\n',
                        '  Assets:Bank  50.00 GBP\n  Income:Donations  -57.50 EUR @@ 50.00 GBP\n')
    (tmp_path / "main.beancount").write_text(text)
    entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert errors == []
    assert refused(entries, options, "case", decision=MINUTE) == [
        ("the fund's money came in on Income:Donations, which holds EUR, USD only: book the "
         "return "
        "by hand at the rate the bank used, then close the fund")]


def test_a_donation_opens_its_account_and_the_account_must_take_pounds(tmp_path):
    donate = BOOKS.replace('  terms: "return-to-platform"\n',
                           '  terms: "donate-to-charity"\n  charity: "Access to Justice"\n')
    (tmp_path / "main.beancount").write_text(donate)
    entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert errors == []
    plan = closing.plan(entries, options, "case", DAY, decision=MINUTE)
    assert plan.leftover == "donate"
    assert plan.text.startswith("2024-03-31 open Expenses:Grants:Charities\n\n2024-03-31 * "
                                '"Access to Justice" "Leftover of case donated under its '
                                'terms"\n')
    assert plan.text.endswith('\n\n2024-03-31 custom "fund-close" "case"\n'
                              f'  decision: "{MINUTE}"\n')
    (tmp_path / "main.beancount").write_text(
        donate + "2024-01-01 open Expenses:Grants:Charities EUR\n")
    entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert refused(entries, options, "case", decision=MINUTE) == [
        "Expenses:Grants:Charities does not take GBP"]
    (tmp_path / "main.beancount").write_text(
        donate + "2024-01-01 open Expenses:Grants:Charities GBP\n")
    entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert closing.plan(entries, options, "case", DAY, decision=MINUTE).text.startswith(
        '2024-03-31 * "Access to Justice"')


def test_a_fund_at_nothing_closes_with_the_close_alone(tmp_path):
    spent = ('2024-02-02 * "Smith & Co" "Advice"\n  fund: "case"\n'
             "  Expenses:Legal  100.00 GBP\n  Assets:Bank  -100.00 GBP\n")
    entries, options = loaded(tmp_path, spent)
    plan = closing.plan(entries, options, "case", DAY)
    assert (plan.text, plan.leftover) == ('2024-03-31 custom "fund-close" "case"\n', None)


def loaded_anyway(tmp_path, text):
    """Books the fund plugin refuses, as Fava and `fundledger funds` still read them."""
    (tmp_path / "main.beancount").write_text(text)
    entries, errors, options = ledger_books.load(tmp_path / "main.beancount")
    assert errors
    return entries, options


def test_an_overspent_fund_or_one_in_error_cannot_close(tmp_path):
    over = ('2024-02-01 * "Smith & Co" "More than the case holds"\n  fund: "case"\n'
            "  Expenses:Legal  150.00 GBP\n  Assets:Bank  -150.00 GBP\n")
    entries, options = loaded_anyway(tmp_path, BOOKS + over)
    from reports import funds as fund_report
    blockers = next(s for s in fund_report.reconcile(entries, options, as_of=DAY)
                    if s.fund == "case").blockers
    assert blockers  # the fund figures' own words, repeated as they are
    assert refused(entries, options, "case", decision=MINUTE) == list(blockers)


def test_donate_terms_that_name_no_charity(tmp_path):
    text = BOOKS.replace('  terms: "return-to-platform"\n', '  terms: "donate-to-charity"\n')
    entries, options = loaded_anyway(tmp_path, text)
    assert refused(entries, options, "case", decision=MINUTE) == [
        ("the fund's terms name no charity to donate the leftover to (charity: in its "
        "declaration)")]


def test_no_other_open_unrestricted_fund_to_release_to(tmp_path):
    text = BOOKS.replace('2024-01-01 custom "fund" "general" "unrestricted"\n', "")
    entries, errors, options = ledger_books.load(_write(tmp_path, text))
    assert errors == []
    assert refused(entries, options, "grant", decision="Minute 5: the funder agreed") == [
        "there is no other open unrestricted fund to release it to"]


def test_money_with_no_rate_stops_a_leftover(tmp_path):
    dollars = ('2024-01-01 open Assets:PayPal\n'
               '2024-01-15 * "Gifts in dollars"\n  fund: "case"\n'
               "  Assets:PayPal  10.00 USD\n  Income:Donations  -10.00 USD\n")
    text = BOOKS.replace("2024-01-01 open Income:Donations GBP", "2024-01-01 open Income:Donations")
    entries, errors, options = ledger_books.load(_write(tmp_path, text + dollars))
    assert errors == []
    assert refused(entries, options, "case", decision=MINUTE) == [
        ("10.00 USD has no GBP value (no exchange rate booked): import the download holding "
        "its currency conversion, or book the conversion")]


def _write(tmp_path, text):
    (tmp_path / "main.beancount").write_text(text)
    return tmp_path / "main.beancount"


SHORT = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:Bank GBP
2024-01-01 open Assets:PayPal GBP
2024-01-01 open Income:Donations GBP
2024-01-01 open Expenses:Running GBP
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
  terms: "return-to-platform"
2024-01-10 * "Gifts"
  fund: "case"
  Assets:Bank  80.00 GBP
  Income:Donations  -80.00 GBP
2024-01-11 * "General gifts"
  fund: "general"
  Assets:PayPal  {paypal} GBP
  Income:Donations  -{paypal} GBP
2024-01-12 * "Rent, paid from the bank for general"
  fund: "general"
  Expenses:Running  20.00 GBP
  Assets:Bank  -20.00 GBP
"""


def test_a_leftover_is_paid_from_what_the_accounts_actually_hold(tmp_path):
    """The case holds 80.00 in the bank, but general's rent left the bank with 60.00: 60.00
    comes from the bank and 20.00 from PayPal. With 19.50 in PayPal, 50 pence is missing
    and the close is refused, saying what each account holds."""
    entries, errors, options = ledger_books.load(_write(tmp_path, SHORT.format(paypal="100.00")))
    assert errors == []
    plan = closing.plan(entries, options, "case", DAY, decision=MINUTE)
    assert [line.split() for line in plan.text.splitlines() if line.startswith("  Assets:")] == [
        ["Assets:Bank", "-60.00", "GBP"], ["Assets:PayPal", "-20.00", "GBP"]]
    entries, errors, options = ledger_books.load(_write(tmp_path, SHORT.format(paypal="19.50")))
    assert errors == []
    assert refused(entries, options, "case", decision=MINUTE) == [
        ("£80.00 is left, but the money accounts hold only Assets:Bank £60.00, Assets:PayPal "
        "£19.50 on 2024-03-31: paying it out would take an account below zero. Book what is "
        "missing (a statement not yet imported, a transfer between our accounts), then close "
        "the fund")]


def test_the_funder_is_named_by_the_grant_s_own_payments_only(tmp_path):
    rent = ('2024-01-01 open Expenses:Running GBP\n'
            '2024-01-20 * "Smith & Co" "Rent"\n  fund: "general"\n'
            "  Expenses:Running  5.00 GBP\n  Assets:Bank  -5.00 GBP\n")
    entries, options = loaded(tmp_path, rent)
    assert refused(entries, options, "grant", decision="Minute 5: Smith & Co agreed")[0].startswith(
        "£200.00 of a grant is left")


def test_a_return_goes_to_the_income_account_that_raised_most(tmp_path):
    more = ('2024-01-01 open Income:Platform GBP\n'
            '2024-01-15 * "Platform" "Pledges"\n  fund: "case"\n'
            "  Assets:Bank  300.00 GBP\n  Income:Platform  -300.00 GBP\n")
    entries, options = loaded(tmp_path, more)
    plan = closing.plan(entries, options, "case", DAY, decision=MINUTE)
    assert plan.text.startswith('2024-03-31 * "Platform" "Return the leftover of case to '
                                'Platform"\n')
    assert "  Income:Platform" in plan.text and " 400.00 GBP" in plan.text


def test_books_kept_in_euros(tmp_path):
    entries, errors, options = ledger_books.load(_write(tmp_path, BOOKS.replace("GBP", "EUR")))
    assert errors == []
    plan = closing.plan(entries, options, "case", DAY, decision=MINUTE)
    assert [line.split() for line in plan.text.splitlines()
            if line.startswith(("  Income:", "  Assets:"))] == [
        ["Income:Donations", "100.00", "EUR"], ["Assets:Bank", "-100.00", "EUR"]]


def test_an_invoice_paid_after_the_day_still_stops_a_close_on_it(tmp_path):
    owed = ('2024-02-01 * "Smith & Co" "Advice"\n  fund: "case"\n  invoice: "S-1"\n'
            "  Expenses:Legal  30.00 GBP\n  Liabilities:Creditors:Smith  -30.00 GBP\n"
            '2024-04-15 * "Smith & Co" "Paid"\n  invoice: "S-1"\n'
            "  Liabilities:Creditors:Smith  30.00 GBP\n  Assets:Bank  -30.00 GBP\n")
    entries, options = loaded(tmp_path, owed)
    assert refused(entries, options, "case", decision=MINUTE) == [
        "1 invoice unpaid: S-1 (£30.00)"]


def test_an_overspent_general_fund_cannot_close(tmp_path):
    spent = ('2024-01-20 * "Landlord" "Rent, more than general holds"\n  fund: "general"\n'
             "  Expenses:Legal  20.00 GBP\n  Assets:Bank  -20.00 GBP\n")
    entries, options = loaded(tmp_path, spent)
    from reports import funds as fund_report
    s = next(x for x in fund_report.reconcile(entries, options, as_of=DAY)
             if x.fund == "general")
    assert (s.status, bool(s.blockers)) == ("overspent", True)
    assert refused(entries, options, "general", decision=MINUTE) == list(s.blockers)


HELD = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:Bank GBP
2024-01-01 open Assets:Cash GBP
2024-01-01 open Assets:PayPal GBP
2024-01-01 open Income:Donations GBP
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
  terms: "return-to-platform"
2024-01-10 * "Gifts"
  fund: "case"
  Assets:Bank  80.00 GBP
  Assets:PayPal  {paypal} GBP
  Income:Donations  -{case} GBP
2024-01-11 * "General gifts"
  fund: "general"
  Assets:Bank  200.00 GBP
  Assets:Cash  30.00 GBP
  Income:Donations  -230.00 GBP
"""


@pytest.mark.parametrize(("paypal", "case"), [("50.00", "130.00"), ("0.50", "80.50")])
def test_each_holding_gives_what_the_fund_holds_there_and_no_more(tmp_path, paypal, case):
    """The bank holds 280.00, 80.00 of it the case's: the case's leftover takes 80.00 from
    the bank and the rest from PayPal, where the rest of it is (50 pence, too)."""
    entries, errors, options = ledger_books.load(_write(tmp_path, HELD.format(
        paypal=paypal, case=case)))
    assert errors == []
    plan = closing.plan(entries, options, "case", DAY, decision=MINUTE)
    assert [line.split() for line in plan.text.splitlines() if line.startswith("  Assets:")] == [
        ["Assets:Bank", "-80.00", "GBP"], ["Assets:PayPal", f"-{paypal}", "GBP"]]


def test_what_the_fund_s_own_accounts_lack_comes_from_the_fullest_other(tmp_path):
    """As above, 20.00 is missing from the bank: of PayPal (100.00) and the cash box (30.00),
    the fuller pays it, whatever the accounts' names."""
    text = SHORT.format(paypal="100.00").replace(
        "2024-01-01 open Assets:PayPal GBP\n",
        "2024-01-01 open Assets:PayPal GBP\n2024-01-01 open Assets:Cash GBP\n") + (
        '2024-01-13 * "Cash gifts"\n  fund: "general"\n'
        "  Assets:Cash  30.00 GBP\n  Income:Donations  -30.00 GBP\n")
    entries, errors, options = ledger_books.load(_write(tmp_path, text))
    assert errors == []
    plan = closing.plan(entries, options, "case", DAY, decision=MINUTE)
    assert [line.split() for line in plan.text.splitlines() if line.startswith("  Assets:")] == [
        ["Assets:Bank", "-60.00", "GBP"], ["Assets:PayPal", "-20.00", "GBP"]]


def test_a_release_moves_only_money_accounts_not_what_another_fund_holds_for_it(tmp_path):
    paper = ('2024-01-01 open Equity:Funds:Transfers GBP\n'
             '2024-02-01 * "Trustees" "The grant gives general 30.00 on paper"\n'
             '  Equity:Funds:Transfers  30.00 GBP\n    fund: "grant"\n'
             '  Equity:Funds:Transfers  -30.00 GBP\n    fund: "general"\n')
    entries, options = loaded(tmp_path, paper)
    plan = closing.plan(entries, options, "grant", DAY, decision="Minute 5: the funder agreed")
    assert [line.split()[:2] for line in plan.text.splitlines()
            if line.startswith("  ") and not line.startswith(("    ", "  decision", "  leftover"))
            ] == [["Equity:Funds:Transfers", "170.00"], ["Equity:Funds:Transfers", "-170.00"],
                  ["Assets:Bank", "-200.00"], ["Assets:Bank", "200.00"]]


def test_money_a_fund_cannot_say_where_it_holds_stops_its_leftover(tmp_path):
    # A loan into the case's bank: 50.00 is owed on its liabilities, though no invoice is.
    loan = ('2024-01-01 open Liabilities:Loan GBP\n2024-01-20 * "Bank" "Loan"\n'
            '  fund: "case"\n  Assets:Bank  50.00 GBP\n  Liabilities:Loan  -50.00 GBP\n')
    entries, options = loaded(tmp_path, loan)
    assert refused(entries, options, "case", decision=MINUTE) == [
        "money is still owed on the fund's liabilities"]
    # Gifts to two funds in one entry paid into two accounts, neither posting with a fund
    # nor of either fund's share: the case's 30.00 is held nowhere the books say. (Paid
    # into one account, each fund's share of it is there: reports.fund_holdings.)
    two = ('2024-01-01 open Assets:Cash GBP\n'
           '2024-01-20 * "Gifts to two funds"\n  Assets:Bank  40.00 GBP\n'
           '  Assets:Cash  10.00 GBP\n'
           '  Income:Donations  -30.00 GBP\n    fund: "case"\n'
           '  Income:Donations  -20.00 GBP\n    fund: "general"\n')
    entries, options = loaded(tmp_path, two)
    assert refused(entries, options, "case", decision=MINUTE) == [
        "£30.00 moved in a transaction of several funds without a fund: on the asset posting"]


def test_a_release_goes_to_general_funds_not_a_designated_one(tmp_path):
    """A designated fund is set aside by the trustees for a purpose: a leftover released
    "to unrestricted" goes to the general fund, though the designated one is declared
    first."""
    text = BOOKS.replace('2024-01-01 custom "fund" "general" "unrestricted"\n',
                         '2024-01-01 custom "fund" "reserve" "designated"\n'
                         '2024-01-01 custom "fund" "general" "unrestricted"\n')
    entries, errors, options = ledger_books.load(_write(tmp_path, text))
    assert errors == []
    plan = closing.plan(entries, options, "grant", DAY, decision="Minute 5: the funder agreed")
    assert [line.split('"')[1] for line in plan.text.splitlines()
            if line.startswith("    fund:")] == ["grant", "general", "grant", "general"]
    assert "Release the leftover of grant to general" in plan.text


def test_another_fund_s_funder_cannot_agree_for_this_grant(tmp_path):
    """Other Trust gave to the appeal, not to the grant: its agreement is not the grant's
    funder's."""
    other = ('2024-01-13 * "Other Trust" "Grant"\n  fund: "appeal"\n'
             "  Assets:Bank  30.00 GBP\n  Income:Grants:Lumen  -30.00 GBP\n")
    entries, options = loaded(tmp_path, other)
    assert refused(entries, options, "grant", decision="Minute 5: Other Trust agreed")[0] == (
        "£200.00 of a grant is left: the --decision must also record that the funder agreed "
        "(e.g. \"Minute 2024/12; the funder agreed by letter of 3 Dec 2024\")")
    plan = closing.plan(entries, options, "grant", DAY, decision="Minute 5: Lumen Trust agreed")
    assert plan.leftover == "release"
