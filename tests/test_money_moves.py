"""Money that changes currency or owner: each tranche of an accrued grant settles its own
fund's award at that award's rate (not another grant's, not before the award is made),
and a fund's leftover goes where its terms say, from where it is held: back to the
platform it came from, released to the general fund, or to the one charity the terms
name, and the fund rules refuse it given to anyone else. Books worked by hand, loaded
with the plugins in the test process."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger import books as ledger_books
from ledger import funds as fundmodel
from reports import closing as close_report
from reports import funds as fund_report

D = Decimal
day = datetime.date

GRANTS = """\
option "operating_currency" "GBP"
plugin "ledger.accruals"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Grants:Lumen EUR
2017-01-01 open Income:Grants:Nordic EUR
2017-01-01 open Income:Grants:Local GBP
2017-01-01 open Income:Donations
2017-01-01 custom "fund" "lumen" "restricted"
  purpose: "Expenses:Legal"
2017-01-01 custom "fund" "nordic" "restricted"
  purpose: "Expenses:Legal"
2020-03-01 custom "grant-award" "lumen" 2000.00 EUR
  rate: 0.90
  conditions: "none"
2020-03-01 custom "grant-award" "nordic" 2000.00 EUR
  rate: 0.80
  conditions: "none"
2020-02-29 * "Lumen" "A tranche before the award was made"
  fund: "lumen"
  Assets:Bank  100.00 GBP
  Income:Grants:Lumen  -100.00 EUR @@ 100.00 GBP
2020-03-01 * "Lumen" "Tranche on the award's day"
  fund: "lumen"
  Assets:Bank  880.00 GBP
  Income:Grants:Lumen  -1000.00 EUR @@ 880.00 GBP
2020-04-01 * "Nordic" "Tranche"
  fund: "nordic"
  Assets:Bank  850.00 GBP
  Income:Grants:Nordic  -1000.00 EUR @@ 850.00 GBP
2020-04-02 * "Local" "Money in pounds to the same fund is no tranche"
  fund: "nordic"
  Assets:Bank  5.00 GBP
  Income:Grants:Local  -5.00 GBP
2020-04-03 * "Gift" "Dollars to the same fund are no tranche of a euro award"
  fund: "nordic"
  Assets:Bank  8.00 GBP
  Income:Donations  -10.00 USD @@ 8.00 GBP
"""


def load(tmp_path, text: str, name: str = "main"):
    main = tmp_path / name / "main.beancount"
    main.parent.mkdir(parents=True, exist_ok=True)
    main.write_text(text)
    return ledger_books.load(main)


def loaded_clean(tmp_path, text: str, name: str = "main"):
    entries, errors, options = load(tmp_path, text, name)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


def postings(entries, narration: str) -> dict[str, tuple]:
    txn = next(e for e in entries if getattr(e, "narration", None) == narration)
    return {p.account: (p.units.number, p.units.currency,
                        fundmodel.weight(p).number) for p in txn.postings}


def test_each_tranche_settles_its_own_awards_debtor_at_that_awards_rate(tmp_path):
    entries, _options = loaded_clean(tmp_path, GRANTS)
    # Lumen, 0.90: 1,000 EUR settles 900.00 of its debtor; 880.00 came, a loss of 20.00.
    assert postings(entries, "Tranche on the award's day") == {
        "Assets:Bank": (D("880.00"), "GBP", D("880.00")),
        "Assets:Debtors:Grants": (D("-1000.00"), "EUR", D("-900.00")),
        "Income:FX:Grants": (D("20.00"), "GBP", D("20.00"))}
    # Nordic, 0.80: 1,000 EUR settles 800.00; 850.00 came, a gain of 50.00.
    assert postings(entries, "Tranche") == {
        "Assets:Bank": (D("850.00"), "GBP", D("850.00")),
        "Assets:Debtors:Grants": (D("-1000.00"), "EUR", D("-800.00")),
        "Income:FX:Grants": (D("-50.00"), "GBP", D("-50.00"))}
    # Before the award there is no debtor to settle: that money is income as received.
    assert postings(entries, "A tranche before the award was made") == {
        "Assets:Bank": (D("100.00"), "GBP", D("100.00")),
        "Income:Grants:Lumen": (D("-100.00"), "EUR", D("-100.00"))}
    # Pounds to the fund settle nothing of a euro award.
    assert postings(entries, "Money in pounds to the same fund is no tranche") == {
        "Assets:Bank": (D("5.00"), "GBP", D("5.00")),
        "Income:Grants:Local": (D("-5.00"), "GBP", D("-5.00"))}
    assert postings(entries, "Dollars to the same fund are no tranche of a euro award") == {
        "Assets:Bank": (D("8.00"), "GBP", D("8.00")),
        "Income:Donations": (D("-10.00"), "USD", D("-8.00"))}
    # Each award is income at its own rate on its day: 1,800.00 and 1,600.00.
    awards = [e for e in entries if getattr(e, "meta", {}).get("accrual") == "grant-award"]
    assert sorted((e.meta["fund"], fundmodel.weight(e.postings[0]).number) for e in awards) == [
        ("lumen", D("1800.00")), ("nordic", D("1600.00"))]
    summaries = {s.fund: s.balance for s in fund_report.reconcile(entries, {})}
    # lumen: 100 + 1,800 - 20 loss; nordic: 1,600 + 50 gain + 5 + 8
    assert (summaries["lumen"], summaries["nordic"]) == (D("1880.00"), D("1663.00"))


CLOSING = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Held:Smith GBP
2017-01-01 open Income:Crowdfunding:CrowdJustice GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
  terms: "{terms}"
  charity: "Access to Justice Foundation"
2018-01-10 * "CrowdJustice" "Pledges paid to the solicitors"
  fund: "case"
  Assets:Held:Smith  700.00 GBP
  Income:Crowdfunding:CrowdJustice  -700.00 GBP
2018-01-11 * "Bank" "Gifts to the case"
  fund: "case"
  Assets:Bank:Current  300.00 GBP
  Income:Donations:Bank  -300.00 GBP
2018-02-01 * "Smith & Co" "Advice"
  fund: "case"
  Expenses:Legal:Solicitors  600.00 GBP
  Assets:Held:Smith  -600.00 GBP
"""
# The case raised 1,000.00 (700.00 with the solicitors, 300.00 in the bank) and spent
# 600.00 from the solicitors: 400.00 is left, 100.00 with the solicitors, 300.00 in the bank.
CLOSE_DAY = day(2018, 3, 1)


def balances(entries, until) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for e in entries:
        if e.date <= until and hasattr(e, "postings"):
            for p in e.postings:
                if p.account.startswith("Assets:"):
                    out[p.account] = out.get(p.account, D(0)) + p.units.number
    return out


@pytest.mark.parametrize("terms", ["return-to-platform", "release-to-unrestricted",
                                   "donate-to-charity"])
def test_a_leftover_goes_where_the_terms_say_from_where_it_is_held(tmp_path, terms):
    text = CLOSING.format(terms=terms)
    entries, options = loaded_clean(tmp_path, text, "before")
    plan = close_report.plan(entries, options, "case", CLOSE_DAY,
                             decision="Trustees' minute 2018/03: as the terms say")
    after, _options = loaded_clean(tmp_path, text + "\n" + plan.text, "after")
    funds = {s.fund: s for s in fund_report.reconcile(after, options)}
    assert funds["case"].balance == 0 and funds["case"].closed == CLOSE_DAY
    leftover = [e for e in after if e.date == CLOSE_DAY and hasattr(e, "postings")]
    moved: dict[str, Decimal] = {}
    for p in (p for e in leftover for p in e.postings if p.account.startswith("Assets:")):
        moved[p.account] = moved.get(p.account, D(0)) + p.units.number
    if terms == "release-to-unrestricted":
        # Released, the money stays where it is and becomes the general fund's.
        assert funds["general"].balance == D("400.00")
        assert all(n == 0 for n in moved.values())
        assert balances(after, CLOSE_DAY) == balances(entries, CLOSE_DAY)
        return
    # Paid out: each holding account gives exactly what the fund holds in it.
    assert moved == {"Assets:Held:Smith": D("-100.00"), "Assets:Bank:Current": D("-300.00")}
    assert balances(after, CLOSE_DAY) == {"Assets:Held:Smith": 0, "Assets:Bank:Current": 0}
    payees = {e.payee for e in leftover if e.payee}
    if terms == "donate-to-charity":
        assert payees == {"Access to Justice Foundation"}
    else:
        assert payees == {"CrowdJustice"}  # the platform the largest part came from


def donated(payee: str, leftover: str = "donated") -> str:
    return f"""
2018-03-01 open Expenses:Grants:Charities GBP
2018-03-01 * "{payee}" "Leftover of case donated"
  fund: "case"
  leftover: "{leftover}"
  Expenses:Grants:Charities  400.00 GBP
  Assets:Held:Smith  -100.00 GBP
  Assets:Bank:Current  -300.00 GBP
"""


def test_only_the_charity_the_terms_name_may_be_given_the_leftover(tmp_path):
    ok = CLOSING.format(terms="donate-to-charity") + donated("Access to Justice Foundation")
    _entries, errors, _o = load(tmp_path, ok, "named")
    assert errors == []
    for name, text in [
            ("other", CLOSING.format(terms="donate-to-charity") + donated("Someone Else")),
            ("unmarked", CLOSING.format(terms="donate-to-charity")
             + donated("Access to Justice Foundation", "returned")),
            ("terms", CLOSING.format(terms="return-to-platform")
             + donated("Access to Justice Foundation"))]:
        _entries, errors, _o = load(tmp_path, text, name)
        assert len(errors) == 1 and "Expenses:Grants:Charities" in errors[0].message, (
            name, [e.message for e in errors])
