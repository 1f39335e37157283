"""What the reconciliation and the unclassified check cover: every kind of holding
account, every currency, the statement's day, every entry since it, and each field of
what they report; changing just one of these is caught. Small books loaded with the fund
plugin in the test process, each figure worked by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from ledger import unclassified
from reports import reconcile

D = Decimal
day = datetime.date

HEADER = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Income:Donations
2017-01-01 open Expenses:Legal
2017-01-01 open Expenses:Unclassified
2017-01-01 open Income:Unclassified
2017-01-01 open Assets:Debtors:Gift-Aid
2017-01-01 open Assets:PayPalPool
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
"""

# Every kind of holding account: each receives a gift on 2018-01-10 of its own size, and
# has a statement balance on 2018-02-01 showing it.
HOLDINGS = {
    "Assets:Bank:Current": "1.00", "Assets:PayPal": "2.00", "Assets:Stripe": "4.00",
    "Assets:GoCardless": "8.00", "Assets:Platforms:CrowdJustice": "16.00",
    "Assets:OpenCollective": "32.00", "Assets:Held:Smith": "64.00",
}


def gift(when: str, account: str, amount: str, currency: str = "GBP",
         fund: str = "general") -> str:
    return (f'{when} * "Gift"\n  fund: "{fund}"\n  {account}  {amount} {currency}\n'
            f"  Income:Donations  -{amount} {currency}\n")


def books() -> str:
    text = HEADER
    for account, amount in HOLDINGS.items():
        text += f"2017-01-01 open {account}\n"
        text += gift("2018-01-10", account, amount)
        text += f"2018-02-01 balance {account}  {amount} GBP\n"
    # Not a holding account: a debtor is owed money, no statement is asked of it.
    text += gift("2018-01-10", "Assets:Debtors:Gift-Aid", "128.00")
    # A money account under a name of its own (an import may open any): it is listed,
    # and with no statement it is not reconciled.
    text += gift("2018-01-10", "Assets:PayPalPool", "256.00")
    return text


def load(text: str) -> list:
    entries, errors, _options = loader.load_string(text)
    assert not errors, errors
    return entries


def checks(text: str, as_of=None) -> dict:
    return {(c.account, c.currency): c for c in reconcile.reconcile_accounts(load(text), as_of)}


def test_every_kind_of_holding_account_is_checked_and_nothing_else():
    found = checks(books())
    assert set(found) == {(a, "GBP") for a in [*HOLDINGS, "Assets:PayPalPool"]}
    pool = found.pop(("Assets:PayPalPool", "GBP"))
    assert (pool.statement, pool.balance, pool.reconciled, pool.problem()) == (
        None, D("256.00"), False,
        "Assets:PayPalPool has no statement balance in the books (£256.00 held)")
    for account, amount in HOLDINGS.items():
        c = found[account, "GBP"]
        assert (c.statement_date, c.statement, c.books, c.difference, c.since, c.balance) == (
            day(2018, 2, 1), D(amount), D(amount), 0, (), D(amount)), account
        assert c.reconciled and c.problem() is None


@pytest.mark.parametrize("account", list(HOLDINGS))
def test_a_difference_in_any_holding_account_is_caught(account):
    text = books().replace(f"balance {account}  {HOLDINGS[account]} GBP",
                           f"balance {account}  {D(HOLDINGS[account]) + D('0.01')} GBP")
    entries, errors, _o = loader.load_string(text)
    # beancount's own balance check lets a penny pass (its tolerance); this does not.
    assert errors == []
    c = {x.account: x for x in reconcile.reconcile_accounts(entries)}[account]
    assert c.difference == D("-0.01") and not c.reconciled
    assert c.problem() == f"{account} differs from its statement of 2018-02-01 by -£0.01"


@pytest.mark.parametrize("account", list(HOLDINGS))
def test_an_entry_after_the_statement_in_any_holding_account_is_caught(account):
    c = checks(books() + gift("2018-02-01", account, "0.50"))[account, "GBP"]
    # The statement is the balance before its day's entries: that day's gift is since it.
    assert (c.books, c.difference, c.since_total, c.balance) == (
        D(HOLDINGS[account]), 0, D("0.50"), D(HOLDINGS[account]) + D("0.50"))
    assert [t.date for t in c.since] == [day(2018, 2, 1)]
    assert not c.reconciled
    assert c.problem() == (f"{account}: 1 entry (£0.50) not yet on a statement "
                           "(last 2018-02-01)")


def test_each_currency_of_an_account_has_its_own_statement():
    text = (books().replace("2017-01-01 open Assets:Bank:Current\n",
                            "2017-01-01 open Assets:Bank:Current GBP,EUR\n")
            + gift("2018-01-20", "Assets:Bank:Current", "5.00", "EUR"))
    found = checks(text)
    assert found["Assets:Bank:Current", "GBP"].reconciled
    eur = found["Assets:Bank:Current", "EUR"]
    assert (eur.statement, eur.balance, eur.since_total, len(eur.since)) == (
        None, D("5.00"), D("5.00"), 1)
    assert eur.problem() == "Assets:Bank:Current has no statement balance in the books (€5.00 held)"
    text += "2018-03-01 balance Assets:Bank:Current  5.00 EUR\n"
    assert checks(text)["Assets:Bank:Current", "EUR"].reconciled


def test_the_latest_statement_counts_and_entries_since_it_once_each():
    text = books() + (
        '2018-02-10 * "Two legs in one account"\n  fund: "general"\n'
        "  Assets:Bank:Current  3.00 GBP\n  Assets:Bank:Current  2.00 GBP\n"
        "  Income:Donations  -5.00 GBP\n"
        '2018-02-11 * "Fees"\n  fund: "general"\n  Expenses:Legal  0.25 GBP\n'
        "  Assets:Bank:Current  -0.25 GBP\n")
    c = checks(text)["Assets:Bank:Current", "GBP"]
    assert (len(c.since), c.since_total, c.balance) == (2, D("4.75"), D("5.75"))
    assert c.problem() == ("Assets:Bank:Current: 2 entries (£4.75) not yet on a statement "
                           "(last 2018-02-01)")
    # A later statement replaces the earlier one and clears what it shows.
    text += "2018-03-01 balance Assets:Bank:Current  5.75 GBP\n  import-id: \"bank:line-9\"\n"
    c = checks(text)["Assets:Bank:Current", "GBP"]
    assert (c.statement_date, c.statement, c.import_id, c.since) == (
        day(2018, 3, 1), D("5.75"), "bank:line-9", ())
    assert c.reconciled
    # Asked about the day before it, the earlier statement and both entries stand.
    c = checks(text, day(2018, 2, 28))["Assets:Bank:Current", "GBP"]
    assert (c.statement_date, len(c.since), c.import_id) == (day(2018, 2, 1), 2, None)


def test_an_account_never_used_is_reconciled_and_one_used_without_a_statement_is_not():
    text = HEADER + "2017-01-01 open Assets:Bank:Savings\n2017-01-01 open Assets:Stripe\n"
    text += gift("2018-01-10", "Assets:Stripe", "7.00")
    found = checks(text)
    savings = found["Assets:Bank:Savings", ""]
    assert savings.reconciled and (savings.since, savings.since_total, savings.balance) == (
        (), 0, 0)
    stripe = found["Assets:Stripe", "GBP"]
    assert not stripe.reconciled and stripe.problem() == (
        "Assets:Stripe has no statement balance in the books (£7.00 held)")
    # Blockers to closing a fund: only the accounts its money went through.
    assert reconcile.unreconciled(list(found.values()), ["Assets:Bank:Savings"]) == []
    assert reconcile.unreconciled(list(found.values()), ["Assets:Stripe"]) == [
        stripe.problem()]


def test_the_accounts_a_funds_money_went_through():
    text = books() + gift("2018-03-01", "Assets:Held:Smith", "9.00", fund="case")
    text += gift("2018-03-01", "Assets:Debtors:Gift-Aid", "1.00", fund="case")
    assert reconcile.fund_accounts(load(text), "case") == ["Assets:Held:Smith"]
    assert "Assets:Held:Smith" in reconcile.fund_accounts(load(text), "general")


# --- the unclassified check ------------------------------------------------------------

def suspense(when: str, account: str, amount: str, currency: str = "GBP") -> str:
    other = "Assets:Bank:Current"
    return (f'{when} * "Unclaimed row"\n  fund: "general"\n  {account}  {amount} {currency}\n'
            f"  {other}  {-D(amount)} {currency}\n")


def test_the_unclassified_check_counts_each_account_currency_and_entry():
    base = HEADER + "2017-01-01 open Assets:Bank:Current\n" + gift(
        "2018-01-01", "Assets:Bank:Current", "100.00") + gift(
        "2018-01-01", "Assets:Bank:Current", "50.00", "EUR")
    assert not unclassified.find(load(base))
    text = base + suspense("2018-02-01", "Income:Unclassified", "-12.00")
    text += suspense("2018-02-02", "Expenses:Unclassified", "3.50")
    text += suspense("2018-02-03", "Expenses:Unclassified", "1.25", "EUR")
    text += ('2018-02-04 * "Both in one"\n  fund: "general"\n'
             "  Expenses:Unclassified  2.00 GBP\n  Income:Unclassified  -2.00 GBP\n")
    found = unclassified.find(load(text))
    assert found.entries == 4 and bool(found)
    assert found.totals == {"Income:Unclassified": {"GBP": D("-14.00")},
                            "Expenses:Unclassified": {"GBP": D("5.50"), "EUR": D("1.25")}}
    assert found.text().startswith(
        "4 entries unclassified (Expenses:Unclassified 1.25 EUR, Expenses:Unclassified "
        "5.50 GBP, Income:Unclassified -14.00 GBP): recategorise them by hand")
    assert unclassified.report(load(text), {}) == found
    one = unclassified.find(load(base + suspense("2018-02-01", "Income:Unclassified", "-1.00")))
    assert one.text().startswith("1 entry unclassified (Income:Unclassified -1.00 GBP)")


def test_a_money_account_below_zero_and_money_still_in_transit():
    text = (HEADER + "2017-01-01 open Assets:Bank:Current\n2017-01-01 open Assets:PayPal\n"
            "2017-01-01 open Assets:Transfers\n"
            + gift("2018-01-10", "Assets:Bank:Current", "50.00")
            + '2018-01-11 * "Sent to PayPal, not yet arrived"\n  Assets:Transfers  20.00 GBP\n'
              "  Assets:Bank:Current  -20.00 GBP\n"
            + '2018-01-12 * "Paid from PayPal, which held nothing"\n  fund: "general"\n'
              "  Expenses:Legal  7.50 GBP\n  Assets:PayPal  -7.50 GBP\n"
            + "2018-02-01 balance Assets:Bank:Current  30.00 GBP\n")
    found = checks(text)
    paypal = found["Assets:PayPal", "GBP"]
    assert paypal.overdrawn and not paypal.reconciled
    below = ("Assets:PayPal is below zero (-£7.50): money cannot be taken from where there "
             "is none; an entry is missing or booked to the wrong account (two names for one "
             "account?)")
    assert paypal.problem() == below
    assert reconcile.overdrawn(load(text)) == [below]
    transit = found["Assets:Transfers", "GBP"]
    assert not transit.reconciled and transit.problem() == (
        "Assets:Transfers: £20.00 sent between our own accounts has not arrived (book its "
        "arrival)")
    assert found["Assets:Bank:Current", "GBP"].reconciled
    # Once it arrives, nothing is in transit: reconciled with no statement of its own.
    arrived = text + ('2018-01-15 * "Arrived"\n  Assets:PayPal  20.00 GBP\n'
                      "  Assets:Transfers  -20.00 GBP\n")
    transit = checks(arrived)["Assets:Transfers", "GBP"]
    assert transit.reconciled and transit.problem() is None
    assert reconcile.overdrawn(load(arrived)) == []
