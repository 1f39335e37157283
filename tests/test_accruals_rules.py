"""The accruals plugin's rules one by one, on books of a few lines loaded in the test
process: each refusal's words and line, where the rate and the income account come from,
a conditional award (not income until its conditions are met, then less what came
before), the accounts it opens, the award's entry, and books it leaves alone."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core.amount import Amount
from beancount.core.data import Open, Transaction

from ledger import accruals
from ledger import funds as fundmodel

D = Decimal
day = datetime.date

HEAD = """\
option "operating_currency" "GBP"
plugin "ledger.accruals"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Grants:Lumen EUR
2017-01-01 open Income:Grants:Other
2017-01-01 custom "fund" "grant" "restricted"
  purpose: "Expenses:Legal"
  award-rate: 0.80
2017-01-01 custom "fund" "other" "restricted"
  purpose: "Expenses:Legal"
"""
TRANCHE = """\
2020-05-01 * "Lumen" "Tranche"
  fund: "grant"
  Assets:Bank  900.00 GBP
  Income:Grants:Lumen  -1000.00 EUR @@ 900.00 GBP
"""


def load(text: str):
    entries, errors, _options = loader.load_string(text)
    return entries, [(e.source.get("lineno"), e.message) for e in errors]


def line_of(text: str, start: str) -> int:
    return next(i for i, x in enumerate(text.splitlines()) if x.startswith(start)) + 1


def award(entries) -> Transaction | None:
    return next((e for e in entries if isinstance(e, Transaction)
                 and e.meta.get(accruals.ACCRUAL_KEY) == accruals.AWARD), None)


@pytest.mark.parametrize(("declaration", "message"), [
    ('2020-03-01 custom "grant-award" "grant"\n',
     'a grant award is declared as: custom "grant-award" "<fund>" <amount> <CUR>'),
    ('2020-03-01 custom "grant-award" 1000.00 EUR "grant"\n',
     'a grant award is declared as: custom "grant-award" "<fund>" <amount> <CUR>'),
    ('2020-03-01 custom "grant-award" "grant" "1000.00 EUR"\n',
     'a grant award is declared as: custom "grant-award" "<fund>" <amount> <CUR>'),
    ('2020-03-01 custom "grant-award" "nobody" 1000.00 EUR\n',
     "grant-award: fund 'nobody' is not declared"),
    ('2020-03-01 custom "grant-award" "other" 1000.00 EUR\n  account: "Income:Grants:Other"\n',
     "grant-award 'other': rate: the GBP per EUR on the award date is needed, like 0.8870"),
    ('2020-03-01 custom "grant-award" "grant" 1000.00 EUR\n  rate: 0\n',
     "grant-award 'grant': rate: the GBP per EUR on the award date is needed, like 0.8870"),
    ('2020-03-01 custom "grant-award" "grant" 1000.00 EUR\n  rate: -0.9\n',
     "grant-award 'grant': rate: the GBP per EUR on the award date is needed, like 0.8870"),
    ('2020-03-01 custom "grant-award" "grant" 1000.00 EUR\n  rate: "about 0.9"\n',
     "grant-award 'grant': rate: the GBP per EUR on the award date is needed, like 0.8870"),
    ('2020-03-01 custom "grant-award" "grant" 1000.00 USD\n  rate: 0.75\n',
     "grant-award 'grant': no income account (give account: \"Income:Grants:...\")"),
])
def test_each_refusal_at_its_line(declaration, message):
    text = HEAD + TRANCHE + declaration
    entries, errors = load(text)
    assert errors == [(line_of(text, "2020-03-01 custom"), message)]
    assert award(entries) is None


def test_the_rate_and_the_income_account_where_the_award_gives_none():
    # No rate on the award: the fund's award-rate (0.80); no account: the income account
    # of the fund's own tranches in the award's currency.
    entries, errors = load(HEAD + TRANCHE + '2020-03-01 custom "grant-award" "grant" '
                           "1000.00 EUR\n")
    assert errors == []
    a = award(entries)
    assert (a.date, a.narration, a.meta["fund"]) == (
        day(2020, 3, 1), "Grant awarded: 1000.00 EUR at 0.80", "grant")
    assert [(p.account, p.units.number, p.units.currency, fundmodel.weight(p).number)
            for p in a.postings] == [
        ("Assets:Debtors:Grants", D("1000.00"), "EUR", D("800.00")),
        ("Income:Grants:Lumen", D("-1000.00"), "EUR", D("-800.00"))]
    # The award's own rate wins over the fund's; an award in pounds needs none.
    entries, errors = load(HEAD + TRANCHE + '2020-03-01 custom "grant-award" "grant" '
                           "1000.00 EUR\n  rate: 0.9\n")
    assert [fundmodel.weight(p).number for p in award(entries).postings] == [
        D("900.00"), D("-900.00")]
    entries, errors = load(HEAD + '2020-03-01 custom "grant-award" "other" 500.00 GBP\n'
                           '  account: "Income:Grants:Other"\n')
    assert errors == []
    assert [(p.account, fundmodel.weight(p).number) for p in award(entries).postings] == [
        ("Assets:Debtors:Grants", D("500.00")), ("Income:Grants:Other", D("-500.00"))]


def test_the_accounts_it_opens_on_the_first_awards_day_unless_open():
    text = HEAD + TRANCHE + ('2020-03-01 custom "grant-award" "grant" 1000.00 EUR\n'
                             '2019-03-01 custom "grant-award" "other" 10.00 GBP\n'
                             '  account: "Income:Grants:Other"\n')
    entries, errors = load(text)
    assert errors == []
    opened = {e.account: e.date for e in entries if isinstance(e, Open)}
    assert opened[accruals.DEBTOR] == opened[accruals.FX] == day(2019, 3, 1)
    entries, errors = load(text + "2018-01-01 open Income:FX:Grants\n")
    assert errors == []
    assert [e.date for e in entries if isinstance(e, Open) and e.account == accruals.FX
            ] == [day(2018, 1, 1)]


def test_a_conditional_award_is_income_when_its_conditions_are_met():
    conditional = ('2020-03-01 custom "grant-award" "grant" 3000.00 EUR\n  rate: 0.9\n'
                   '  conditions: "permission to appeal"\n')
    entries, errors = load(HEAD + TRANCHE + conditional)
    assert errors == [] and award(entries) is None
    # Met on 1 June: the tranche of 1 May (1,000 EUR) was income already; 2,000 EUR is
    # accrued on the day it was met, and a tranche on that day settles it.
    met = conditional + "  conditions-met: 2020-06-01\n"
    on_the_day = TRANCHE.replace("2020-05-01", "2020-06-01").replace('"Tranche"', '"Second"')
    entries, errors = load(HEAD + TRANCHE + met + on_the_day)
    assert errors == []
    a = award(entries)
    assert (a.date, a.postings[0].units.number) == (day(2020, 6, 1), D("2000.00"))
    first = next(e for e in entries if getattr(e, "narration", "") == "Tranche")
    second = next(e for e in entries if getattr(e, "narration", "") == "Second")
    assert {p.account for p in first.postings} == {"Assets:Bank", "Income:Grants:Lumen"}
    assert {p.account: fundmodel.weight(p).number for p in second.postings} == {
        "Assets:Bank": D("900.00"), accruals.DEBTOR: D("-900.00")}  # 900 received = 0.9



def test_only_the_awards_currency_received_before_the_conditions_is_taken_off():
    """On an income account that also took 500.00 GBP for the fund before the conditions
    were met, only the 1,000 EUR tranche was the award's: 3,000 - 1,000 = 2,000 EUR is
    accrued, not 3,000 - 1,500 (pounds are not euros)."""
    books = HEAD + """\
2020-04-01 * "Lumen" "Tranche, to the other account"
  fund: "grant"
  Assets:Bank  900.00 GBP
  Income:Grants:Other  -1000.00 EUR @@ 900.00 GBP
2020-04-02 * "Lumen" "A contribution in pounds"
  fund: "grant"
  Assets:Bank  500.00 GBP
  Income:Grants:Other  -500.00 GBP
2020-03-01 custom "grant-award" "grant" 3000.00 EUR
  rate: 0.9
  account: "Income:Grants:Other"
  conditions: "permission to appeal"
  conditions-met: 2020-06-01
"""
    entries, errors = load(books)
    assert errors == []
    a = award(entries)
    assert (a.date, a.postings[0].units) == (day(2020, 6, 1), Amount(D("2000.00"), "EUR"))
    assert a.postings[1].account == "Income:Grants:Other"

def test_books_on_the_receipts_basis_are_left_alone():
    text = HEAD + TRANCHE + '2020-03-01 custom "grant-award" "grant" 1000.00 EUR\n'
    entries, errors = load(text + '2017-01-01 custom "fundledger-option" "basis" "receipts"\n')
    assert errors == [] and award(entries) is None
    assert not any(isinstance(e, Open) and e.account == accruals.DEBTOR for e in entries)
    # A basis that is no basis is reported by the commands that read it, not here.
    entries, _errors = load(text + '2017-01-01 custom "fundledger-option" "basis" "cash"\n')
    assert award(entries) is None


GOOD = '2020-04-01 custom "grant-award" "grant" 1000.00 EUR\n  rate: 0.9\n'


@pytest.mark.parametrize("bad", [
    '2020-03-01 custom "grant-award" "grant"\n',
    '2020-03-01 custom "grant-award" "nobody" 1000.00 EUR\n',
    '2020-03-01 custom "grant-award" "grant" 1000.00 EUR\n  rate: 0\n',
    '2020-03-01 custom "grant-award" "grant" 1000.00 USD\n  rate: 0.75\n',
    '2020-03-01 custom "grant-award" "grant" 1000.00 EUR\n  conditions: "a hearing"\n'])
def test_a_refused_or_conditional_award_leaves_the_next_one_accrued(bad):
    text = HEAD + TRANCHE + bad + GOOD
    entries, _errors = load(text)
    a = award(entries)
    assert a is not None and a.date == day(2020, 4, 1)
    _entries, load_errors, _o = loader.load_string(text)
    for e in load_errors:  # each refusal names the declaration, where it is written
        assert e.source == {"filename": "<string>", "lineno": line_of(text, "2020-03-01")}
        assert e.entry.meta["lineno"] == line_of(text, "2020-03-01")


def test_the_award_the_settlement_and_the_accounts_opened_as_written():
    entries, errors = load(HEAD + TRANCHE + GOOD.replace("2020-04-01", "2020-03-01"))
    assert errors == []
    a = award(entries)
    assert (a.flag, a.tags, a.links) == ("*", frozenset(), frozenset())
    tranche = next(e for e in entries if getattr(e, "narration", "") == "Tranche")
    debtor = next(p for p in tranche.postings if p.account == accruals.DEBTOR)
    # The pounds the bank got are kept on the settlement, for the funder report.
    assert debtor.meta[accruals.RECEIVED_KEY] == amount_of("900.00 GBP")
    opened = [e for e in entries if isinstance(e, Open) and e.account == accruals.DEBTOR]
    assert [e.meta for e in opened] == [{"filename": "<ledger.accruals>", "lineno": 0}]


def amount_of(text: str) -> Amount:
    number, currency = text.split()
    return Amount(D(number), currency)


def test_the_operating_currency_is_the_books_own_and_pounds_by_default():
    # Books kept in euros: a euro award needs no rate.
    euros = (HEAD.replace('"operating_currency" "GBP"', '"operating_currency" "EUR"')
             .replace("  award-rate: 0.80\n", "") + "2017-01-01 open Assets:Debtors:Grants\n"
             + '2020-03-01 custom "grant-award" "grant" 700.00 EUR\n'
             + '  account: "Income:Grants:Lumen"\n')
    entries, errors = load(euros)
    assert errors == []
    assert [fundmodel.weight(p).number for p in award(entries).postings] == [
        D("700.00"), D("-700.00")]
    # Books that name no operating currency: pounds, so a pound award needs no rate.
    pounds = HEAD.replace('option "operating_currency" "GBP"\n', "") + (
        '2020-03-01 custom "grant-award" "other" 50.00 GBP\n  account: "Income:Grants:Other"\n')
    entries, errors = load(pounds)
    assert errors == []
    assert award(entries).postings[0].units.number == D("50.00")


def test_a_tranche_whose_fund_is_on_its_posting_books_the_difference_to_that_fund():
    tranche = TRANCHE.replace('  fund: "grant"\n  Assets:Bank  900.00 GBP\n',
                              '  Assets:Bank  900.00 GBP\n    fund: "grant"\n').replace(
        "@@ 900.00 GBP\n", '@@ 900.00 GBP\n    fund: "grant"\n')
    assert tranche != TRANCHE
    entries, errors = load(HEAD + tranche + '2020-03-01 custom "grant-award" "grant" '
                           "1000.00 EUR\n")
    assert errors == []
    txn = next(e for e in entries if getattr(e, "narration", "") == "Tranche")
    fx = next(p for p in txn.postings if p.account == accruals.FX)
    # 1,000 EUR at the fund's 0.80 settles 800.00; 900.00 came: a gain of 100.00.
    assert (fx.units.number, fundmodel.posting_fund(fx, txn)) == (D("-100.00"), "grant")
