"""The fund figures (`reports.funds.reconcile`) on small books worked by hand
(tests/funds_books.py): every field of each fund's summary at once, and each rule of
where money is held, what is owed, what was brought forward or returned and what stops a
fund closing, one case each. In the test process and function-scoped, so that mutation
testing (tools/mutate.py) sees each test reach the code it checks."""

from __future__ import annotations

import csv
import datetime
import io
import textwrap
from decimal import Decimal

import pytest

from reports import funds_render
from reports.fund_holdings import Holding, Invoice, unpaid_invoices
from reports.funds import FundSummary, reconcile
from tests.funds_books import PAY_F2, load_clean, write_books
from tests.statements_books import SORP_HEADER, write_sorp

D = Decimal
day = datetime.date
LEFT_RETURNED = "returned to the crowdfunding platform, for its supporters"
LEFT_RELEASED = "released to general funds"


def summaries(tmp_path, extra: str = "", as_of=None) -> dict[str, FundSummary]:
    entries, options = load_clean(write_books(tmp_path / "books", extra))
    return {s.fund: s for s in reconcile(entries, options, as_of=as_of)}


def blank(**fields) -> FundSummary:
    """A summary with nothing in it, and the given fields."""
    base = {"currency": "GBP", "unit": "GBP", "terms": None, "purpose": (), "closed": None,
            "raised": {}, "raised_by_account": {}, "raised_total": D(0),
            "raised_as_received": {}, "returned": D(0), "platform_fees": D(0),
            "payment_fees": D(0), "legal_by_firm": {}, "legal_by_category": {},
            "legal_total": D(0), "other_spend": D(0), "other_by_account": {},
            "transfers_in": D(0), "transfers_out": D(0), "balance": D(0), "holdings": (),
            "unpaid_invoices": (), "foreign": {}, "status": "open", "blockers": (),
            "charity": None, "brought_forward": D(0)}
    return FundSummary(**{**base, **fields})


def test_every_figure_of_each_fund(tmp_path):
    got = summaries(tmp_path)
    assert list(got) == ["general", "case", "grant"]  # in the order they are declared
    assert got["general"] == blank(
        fund="general", title="General", fund_class="unrestricted", opened=day(2017, 1, 1),
        raised={"donations": D("100.00")}, raised_by_account={"Income:Donations:Bank": D(100)},
        raised_total=D(100), raised_as_received={"GBP": D(100)},
        other_spend=D(30), other_by_account={"Expenses:Running:Rent": D(30)},
        balance=D(70), holdings=(Holding("Assets:Bank:Current", D(70), "Current bank account"),),
        blockers=("£70.00 not yet spent, returned or released",
                  "£70.00 still held in Assets:Bank:Current (Current bank account)"))
    # raised 1,000 gross; fees 40 + 10; legal 500 + 200 + 100 (F-1) and 100 owed (F-2):
    # 1000 - 50 - 900 = 50, held 950 - 800 = 150 at the firm, 100 owed to it
    assert got["case"] == blank(
        fund="case", title="A case", fund_class="restricted", terms="return-to-platform",
        purpose=("Expenses:Legal", "Expenses:Fees"), opened=day(2018, 1, 10),
        raised={"crowdfunding": D(1000)},
        raised_by_account={"Income:Crowdfunding:Platform": D(1000)}, raised_total=D(1000),
        raised_as_received={"GBP": D(1000)}, platform_fees=D(40), payment_fees=D(10),
        legal_by_firm={"Chambers": D(200), "Firm LLP": D(700)},
        legal_by_category={"VAT": D(100), "counsel": D(200), "profit costs": D(600)},
        legal_total=D(900), balance=D(50),
        holdings=(Holding("Assets:Held:Firm", D(150), "Firm client account"),
                  Holding("Liabilities:Creditors:Firm", D(-100), "owed to Firm")),
        unpaid_invoices=(Invoice("F-2", "case", "Firm LLP", day(2018, 4, 1), D(100)),),
        blockers=((f"£50.00 not yet spent, returned or released (if money is left: "
                  f"{LEFT_RETURNED})"),
                  "£150.00 still held in Assets:Held:Firm (Firm client account)",
                  "1 invoice unpaid: F-2 (£100.00)"))
    # EUR 1,000 booked at 870.00 GBP, 600.00 GBP paid
    assert got["grant"] == blank(
        fund="grant", title="A EUR grant", fund_class="restricted", currency="EUR",
        terms="release-to-unrestricted", purpose=("Expenses:Legal",), opened=day(2019, 1, 1),
        raised={"grant": D(870)}, raised_by_account={"Income:Grants:Funder": D(870)},
        raised_total=D(870), raised_as_received={"EUR": D(1000)},
        legal_by_firm={"Other Firm": D(600)}, legal_by_category={"profit costs": D(600)},
        legal_total=D(600), balance=D(270),
        holdings=(Holding("Assets:Bank:Current", D(270), "Current bank account"),),
        blockers=((f"£270.00 not yet spent, returned or released (if money is left: "
                  f"{LEFT_RELEASED})"),
                  "£270.00 still held in Assets:Bank:Current (Current bank account)"))


def test_as_of_a_date(tmp_path):
    """On 1 March 2018 the case had raised its 1,000 and paid F-1 (800): 150 left, all held
    at the firm; the grant was not yet declared."""
    got = summaries(tmp_path, as_of=day(2018, 3, 1))
    assert list(got) == ["general", "case"]
    case = got["case"]
    assert (case.balance, case.legal_total, case.unpaid_invoices) == (D(150), D(800), ())
    assert case.holdings == (Holding("Assets:Held:Firm", D(150), "Firm client account"),)


def test_an_invoice_paid_from_money_with_no_fund_is_the_invoices_fund(tmp_path):
    """Paying F-2 from the client account has no fund postings: the money was the case's
    (its invoice's), so the case's debt and its held money both go down by 100."""
    case = summaries(tmp_path, PAY_F2)["case"]
    assert case.holdings == (Holding("Assets:Held:Firm", D(50), "Firm client account"),)
    assert case.unpaid_invoices == ()


def test_a_move_between_our_own_accounts_is_the_first_unrestricted_funds(tmp_path):
    got = summaries(tmp_path, """
        2017-01-01 open Assets:Bank:Savings GBP
        2018-07-01 * "Bank" "Sweep to savings"
          Assets:Bank:Savings               60.00 GBP
          Assets:Bank:Current              -60.00 GBP
        """)
    assert got["general"].holdings == (
        Holding("Assets:Bank:Current", D(10), "Current bank account"),
        Holding("Assets:Bank:Savings", D(60), "Savings bank account"))


def test_an_opening_balance_is_brought_forward_not_raised(tmp_path):
    got = summaries(tmp_path, """
        2017-01-01 open Equity:Funds:Opening GBP
        2017-01-01 * "Balance brought forward"
          fund: "general"
          Assets:Bank:Current              500.00 GBP
          Equity:Funds:Opening            -500.00 GBP
        """)
    g = got["general"]
    assert (g.brought_forward, g.raised_total, g.transfers_in, g.balance) == (
        D(500), D(100), 0, D(570))


def test_a_returned_leftover_is_returned_not_negative_raising(tmp_path):
    got = summaries(tmp_path, PAY_F2 + textwrap.dedent("""
        2018-06-01 * "Platform" "Return the leftover"
          fund: "case"
          leftover: "returned"
          Income:Crowdfunding:Platform       50.00 GBP
          Assets:Held:Firm                  -50.00 GBP
        2018-06-02 custom "fund-close" "case"
        """))
    case = got["case"]
    assert (case.raised, case.raised_total, case.returned, case.balance) == (
        {"crowdfunding": D(1000)}, D(1000), D(50), 0)
    assert (case.status, case.blockers, case.holdings) == ("closed", (), ())


def test_a_transfer_that_moves_money_and_one_that_does_not(tmp_path):
    got = summaries(tmp_path, """
        2019-05-01 * "Trustees" "Top up the grant from general, paid across"
          Equity:Funds:Transfers            25.00 GBP
            fund: "general"
          Equity:Funds:Transfers           -25.00 GBP
            fund: "grant"
        2019-05-02 * "Trustees" "Set aside for the case and the grant, no money moved"
          Equity:Funds:Transfers            20.00 GBP
            fund: "general"
          Equity:Funds:Transfers           -15.00 GBP
            fund: "case"
          Equity:Funds:Transfers            -5.00 GBP
            fund: "grant"
        """)
    general, case, grant = got["general"], got["case"], got["grant"]
    assert (general.transfers_in, general.transfers_out) == (0, D(45))
    assert (grant.transfers_in, grant.transfers_out, case.transfers_in) == (D(30), 0, D(15))
    assert general.holdings == (
        Holding("(with grant)", D(-25), "set aside for grant, still in our accounts"),
        Holding("(with several funds)", D(-20),
                "set aside for several funds, still in our accounts"),
        Holding("Assets:Bank:Current", D(70), "Current bank account"))
    assert grant.holdings[0] == Holding("(with general)", D(25),
                                        "transferred from general, in its accounts")
    assert "£25.00 still held in general's accounts (transferred without moving money)" in (
        grant.blockers)
    assert grant.holdings[1] == Holding("(with several funds)", D(5),
                                        "transferred from several funds, in its accounts")
    assert case.holdings[0] == Holding("(with several funds)", D(15),
                                       "transferred from several funds, in its accounts")
    assert ("£15.00 still held in the accounts of several funds (transferred without moving "
            "money)") in case.blockers


def test_money_moved_in_a_transaction_of_several_funds_without_a_fund(tmp_path):
    """A transfer that moves money but whose bank postings name no fund: each bank posting
    is the fund whose share it balances (general's 25.00 left current, the case's 25.00
    arrived in savings). Where no such match holds every fund's share (25.00 out of the
    bank, 15.00 and 10.00 to two funds), which fund's money moved is not known, and each
    side's difference is shown as not attributed."""
    before = {h.account: h.amount for h in summaries(tmp_path)["general"].holdings}
    got = summaries(tmp_path, """
        2017-01-01 open Assets:Bank:Savings GBP
        2019-05-01 * "Trustees" "Top up the case, paid to savings"
          Equity:Funds:Transfers            25.00 GBP
            fund: "general"
          Equity:Funds:Transfers           -25.00 GBP
            fund: "case"
          Assets:Bank:Savings               25.00 GBP
          Assets:Bank:Current              -25.00 GBP
        """)
    held = {f: {h.account: h.amount for h in got[f].holdings} for f in ("general", "case")}
    assert held["general"]["Assets:Bank:Current"] == before["Assets:Bank:Current"] - 25
    assert held["case"]["Assets:Bank:Savings"] == D(25)
    assert "(not attributed)" not in held["general"] | held["case"]
    got = summaries(tmp_path, """
        2017-01-01 open Assets:Bank:Savings GBP
        2019-05-01 * "Trustees" "Top up the case and the grant, paid to savings"
          Equity:Funds:Transfers            25.00 GBP
            fund: "general"
          Equity:Funds:Transfers           -15.00 GBP
            fund: "case"
          Equity:Funds:Transfers           -10.00 GBP
            fund: "grant"
          Assets:Bank:Savings               25.00 GBP
          Assets:Bank:Current              -25.00 GBP
        """)
    words = "moved in a transaction of several funds without a fund: on the asset posting"
    assert got["general"].holdings[-1] == Holding("(not attributed)", D(-25), words)
    assert got["case"].holdings[-1] == Holding("(not attributed)", D(15), words)
    assert f"£15.00 {words}" in got["case"].blockers


def test_the_firm_paid(tmp_path):
    got = summaries(tmp_path, """
        2017-01-01 open Expenses:Legal:CourtFees GBP
        2018-05-01 * "Firm LLP" "Issue fee, paid through the firm"
          fund: "case"
          Expenses:Legal:CourtFees          20.00 GBP
            firm: "Firm LLP"
          Assets:Held:Firm                 -20.00 GBP
        2018-05-02 * "Counsel's clerk"
          fund: "case"
          Expenses:Legal:Counsel            10.00 GBP
          Assets:Held:Firm                 -10.00 GBP
        """)
    case = got["case"]
    # "Counsel's clerk" is the entry's narration, not a payee: it names no firm, so the
    # fee is counsel's category, not a firm of that name.
    assert case.legal_by_firm == {"Chambers": D(200), "Not paid to a firm: counsel": D(10),
                                  "Not paid to a firm: court fees": D(20), "Firm LLP": D(700)}
    assert case.legal_by_category["court fees"] == D(20)


def test_what_stops_a_fund_closing(tmp_path):
    got = summaries(tmp_path, """
        2018-05-01 * "Firm LLP" "Owed, with no invoice number"
          fund: "case"
          Expenses:Legal:Solicitors         30.00 GBP
          Liabilities:Creditors:Firm       -30.00 GBP
        2018-07-01 * "Landlord" "Rent beyond the general fund"
          fund: "general"
          Expenses:Running:Rent             90.00 GBP
          Assets:Bank:Current              -90.00 GBP
        """)
    case, general = got["case"], got["general"]
    # 50 - 30 = 20 left; 150 held; 130 owed, 100 of it on F-2
    assert case.blockers == (
        f"£20.00 not yet spent, returned or released (if money is left: {LEFT_RETURNED})",
        "£150.00 still held in Assets:Held:Firm (Firm client account)",
        "1 invoice unpaid: F-2 (£100.00)",
        "£30.00 owed to creditors without an invoice number")
    assert (general.status, general.balance) == ("overspent", D(-20))
    assert general.blockers == ("overspent by £20.00: the fund's balance is -£20.00",
                                ("-£20.00 still held in Assets:Bank:Current "
                                "(Current bank account)"))


def test_two_invoices_unpaid(tmp_path):
    got = summaries(tmp_path, """
        2018-04-02 * "Firm LLP" "Another hearing"
          fund: "case"
          invoice: "F-3"
          Expenses:Legal:Solicitors         20.00 GBP
          Liabilities:Creditors:Firm       -20.00 GBP
        """)
    assert "2 invoices unpaid: F-2 (£100.00), F-3 (£20.00)" in got["case"].blockers


@pytest.mark.parametrize("fund_class", ["restricted", "endowment"])
def test_states_the_fund_rules_forbid_are_errors(tmp_path, fund_class):
    """A closed fund with money in it, a restricted (or endowment) fund below zero: the
    plugin refuses the books, and the figures say what is wrong."""
    main = write_books(tmp_path / "books", f"""
        2017-01-01 custom "fund" "fixed" "{fund_class}"
          purpose: "Expenses:Running"
        2018-07-01 * "Landlord" "Rent from a fund with nothing"
          fund: "fixed"
          Expenses:Running:Rent             10.00 GBP
          Assets:Bank:Current              -10.00 GBP
        2019-06-01 custom "fund-close" "grant"
        """)
    from ledger import books as ledger_books

    entries, errors, options = ledger_books.load(main)
    assert errors  # the plugin's own refusals
    got = {s.fund: s for s in reconcile(entries, options)}
    assert (got["fixed"].status, got["fixed"].blockers) == ("error", (
        (f"a {fund_class} fund cannot go below zero, but its balance is -£10.00: an entry "
        "is missing or charged to the wrong fund (fundledger check names it)"),))
    assert (got["grant"].status, got["grant"].blockers) == ("error", (
        ("closed on 2019-06-01 but its balance is £270.00, not nil: an entry is missing or "
        "wrong (fundledger check names it)"),))


def test_a_fund_with_nothing_left_can_close(tmp_path):
    got = summaries(tmp_path, PAY_F2 + textwrap.dedent("""
        2018-06-01 * "Firm LLP" "Final"
          fund: "case"
          Expenses:Legal:Solicitors         50.00 GBP
          Assets:Held:Firm                 -50.00 GBP
        """))
    case = got["case"]
    assert (case.balance, case.holdings, case.unpaid_invoices, case.status, case.blockers) == (
        0, (), (), "closable", ())


def test_unpaid_invoices_of_the_books(tmp_path):
    entries, _options = load_clean(write_books(tmp_path / "books"))
    assert unpaid_invoices(entries) == [
        Invoice("F-2", "case", "Firm LLP", day(2018, 4, 1), D(100))]


def test_where_money_moved_in_a_transaction_of_two_funds_is_held(tmp_path):
    """A posting's own fund, else the transaction's: the case's 25.00 went to the firm,
    general's came out of the bank. Where only one fund is named, on a posting that is not
    money, the money is that fund's."""
    got = summaries(tmp_path, """
        2019-05-01 * "Trustees" "Top up the case, paid across"
          fund: "general"
          Equity:Funds:Transfers            25.00 GBP
          Equity:Funds:Transfers           -25.00 GBP
            fund: "case"
          Assets:Held:Firm                  25.00 GBP
            fund: "case"
          Assets:Bank:Current              -25.00 GBP
        2019-05-02 * "Firm LLP" "Copying"
          Expenses:Legal:Solicitors          5.00 GBP
            fund: "case"
          Assets:Held:Firm                  -5.00 GBP
        """)
    assert got["general"].holdings == (
        Holding("Assets:Bank:Current", D(45), "Current bank account"),)
    assert got["case"].holdings == (
        Holding("Assets:Held:Firm", D(170), "Firm client account"),
        Holding("Liabilities:Creditors:Firm", D(-100), "owed to Firm"))


def test_small_sums_still_stop_a_close(tmp_path):
    """50 pence left, one pound held, one pound held for the case by general: each is a
    blocker, however small."""
    got = summaries(tmp_path, PAY_F2 + textwrap.dedent("""
        2018-06-01 * "Firm LLP" "Nearly all the rest"
          fund: "case"
          Expenses:Legal:Solicitors         49.50 GBP
          Assets:Held:Firm                 -49.50 GBP
        2019-03-01 * "Other Firm" "Nearly all the grant"
          fund: "grant"
          Expenses:Legal:Solicitors        269.00 GBP
          Assets:Bank:Current             -269.00 GBP
        2019-04-01 * "Trustees" "A pound for the grant, no money moved"
          Equity:Funds:Transfers             1.00 GBP
            fund: "general"
          Equity:Funds:Transfers            -1.00 GBP
            fund: "grant"
        """))
    assert got["case"].blockers == (
        f"£0.50 not yet spent, returned or released (if money is left: {LEFT_RETURNED})",
        "£0.50 still held in Assets:Held:Firm (Firm client account)")
    assert got["grant"].blockers == (
        f"£2.00 not yet spent, returned or released (if money is left: {LEFT_RELEASED})",
        "£1.00 still held in Assets:Bank:Current (Current bank account)",
        "£1.00 still held in general's accounts (transferred without moving money)")


def test_a_leftover_for_a_named_charity(tmp_path):
    got = summaries(tmp_path, """
        2018-01-01 custom "fund" "appeal" "restricted"
          purpose: "Expenses:Legal"
          terms: "donate-to-charity"
          charity: "Law Centre"
        2018-02-01 * "Bank" "Gift"
          fund: "appeal"
          Assets:Bank:Current               12.00 GBP
          Income:Donations:Bank            -12.00 GBP
        """)
    appeal = got["appeal"]
    assert (appeal.terms, appeal.charity) == ("donate-to-charity", "Law Centre")
    assert appeal.blockers[0] == ("£12.00 not yet spent, returned or released (if money is "
                                  "left: given to Law Centre)")


def test_every_fee_and_spend_adds_up(tmp_path):
    """Two payment fees (the processor's 10.00 and the bank's 2.00), two platform fees
    (40.00 and 3.00), two returned parts,
    legal spend on the bare Expenses:Legal account and with no firm named, rent twice, a
    transfer of 50 pence out."""
    got = summaries(tmp_path, PAY_F2 + textwrap.dedent("""
        2017-01-01 open Expenses:Fees:Bank GBP
        2017-01-01 open Expenses:Legal GBP
        2018-05-02 * "Bank" "Charges"
          fund: "case"
          Expenses:Fees:Bank                 2.00 GBP
          Expenses:Fees:Platform             3.00 GBP
          Assets:Held:Firm                  -5.00 GBP
        2018-05-03 *
          fund: "case"
          Expenses:Legal                     8.00 GBP
          Assets:Held:Firm                  -8.00 GBP
        2018-05-04 * "Platform" "Return part of the leftover"
          fund: "case"
          leftover: "returned"
          Income:Crowdfunding:Platform      30.00 GBP
          Assets:Held:Firm                 -30.00 GBP
        2018-05-05 * "Platform" "Return the rest"
          fund: "case"
          leftover: "returned"
          Income:Crowdfunding:Platform       7.00 GBP
          Assets:Held:Firm                  -7.00 GBP
        2018-07-01 * "Landlord" "Rent"
          fund: "general"
          Expenses:Running:Rent             20.00 GBP
          Assets:Bank:Current              -20.00 GBP
        2018-08-01 * "Trustees" "Fifty pence to the case"
          Equity:Funds:Transfers             0.50 GBP
            fund: "general"
          Equity:Funds:Transfers            -0.50 GBP
            fund: "case"
        """))
    case, general = got["case"], got["general"]
    assert (case.platform_fees, case.payment_fees, case.returned) == (D(43), D(12), D(37))
    assert case.legal_by_category == {"VAT": D(100), "counsel": D(200),
                                      "other legal": D(8), "profit costs": D(600)}
    assert case.legal_by_firm["Not paid to a firm: other legal"] == D(8)
    # 1000 - 43 - 12 - 908 - 37 returned + 0.50 in
    assert (case.transfers_in, case.transfers_out, case.balance) == (D("0.50"), 0, D("0.50"))
    assert (general.other_spend, general.other_by_account) == (
        D(50), {"Expenses:Running:Rent": D(50)})
    assert (general.transfers_in, general.transfers_out) == (0, D("0.50"))


def test_a_fund_with_nothing_in_it_is_in_the_json_as_decimal_strings(tmp_path):
    got = summaries(tmp_path, """
        2019-06-01 custom "fund" "empty" "unrestricted"
        """)
    js = got["empty"].to_json()
    assert (js["raised_total"], js["legal_total"], js["other_spend"], js["balance"]) == (
        "0.00 GBP", "0.00 GBP", "0.00 GBP", "0.00 GBP")


def test_dollars_without_a_rate_to_the_cent(tmp_path):
    got = summaries(tmp_path, """
        2017-01-01 open Assets:PayPal
        2017-01-01 open Income:Donations:PayPal
        2018-05-01 * "PayPal" "A dollar"
          fund: "general"
          Assets:PayPal                      1.00 USD
          Income:Donations:PayPal           -1.00 USD
        """)
    assert got["general"].foreign == {"USD": D("1.00")}


def test_books_kept_in_euros(tmp_path):
    path = write_sorp(tmp_path / "eur", currency="EUR")
    entries, options = load_clean(path)
    general = reconcile(entries, options)[0]
    assert (general.unit, general.currency, general.balance, general.foreign) == (
        "EUR", "EUR", D("512.98"), {})
    assert general.blockers[0].startswith("€512.98 not yet spent")


def test_books_with_no_unrestricted_fund(tmp_path):
    """Money moved between our own accounts belongs to the first unrestricted fund; with
    none declared it belongs to no fund, and nothing else changes."""
    path = write_sorp(tmp_path / "b", """
        2023-10-01 * "Bank" "Sweep to the firm"
          Assets:Held:Firm                  10.00 GBP
          Assets:Bank                      -10.00 GBP
        """, header=SORP_HEADER.replace('"general" "unrestricted"', '"general" "designated"'))
    entries, options = load_clean(path)
    got = {s.fund: s for s in reconcile(entries, options)}
    assert got["general"].holdings[-1] == Holding("Assets:Bank", D("542.98"), "Bank account")


def test_books_the_plugin_refuses_still_give_each_funds_figures(tmp_path):
    """Postings with no fund or an undeclared one (Fava still shows pages of such books):
    they are no fund's, and the postings beside them still count. An invoice booked with no
    fund is the first unrestricted fund's to pay, and its number is all it has."""
    from ledger import books as ledger_books

    main = write_books(tmp_path / "books", """
        2018-05-01 * "Bank" "Gifts, one to a fund nobody declared"
          Income:Donations:Bank             -5.00 GBP
            fund: "ghost"
          Income:Donations:Bank             -7.00 GBP
            fund: "general"
          Assets:Bank:Current               12.00 GBP
        2018-05-02 *
          invoice: "N-1"
          Expenses:Legal:Solicitors          6.00 GBP
          Liabilities:Creditors:Firm        -6.00 GBP
        2018-05-03 * "Trustees" "Designate, with a stray line of no fund"
          Equity:Funds:Transfers             4.00 GBP
            fund: "general"
          Equity:Funds:Transfers            -4.00 GBP
            fund: "case"
          Expenses:Running:Rent              3.00 GBP
          Income:Donations:Bank             -3.00 GBP
        """)
    entries, errors, options = ledger_books.load(main)
    assert errors
    got = {s.fund: s for s in reconcile(entries, options)}
    general = got["general"]
    assert (general.raised_total, general.transfers_out, general.balance) == (
        D(107), D(4), D(73))
    assert general.unpaid_invoices == (Invoice("N-1", "general", "", day(2018, 5, 2), D(6)),)
    assert got["case"].transfers_in == D(4)
    assert [(i.number, i.fund) for i in unpaid_invoices(entries)] == [("F-2", "case"),
                                                                     ("N-1", "general")]


def test_an_invoice_shared_by_two_funds_is_neither_funds_alone(tmp_path):
    got = summaries(tmp_path, """
        2019-02-02 * "Firm LLP" "Joint advice"
          invoice: "J-1"
          Expenses:Legal:Solicitors         30.00 GBP
            fund: "case"
          Expenses:Legal:Solicitors         20.00 GBP
            fund: "grant"
          Liabilities:Creditors:Firm       -50.00 GBP
        2019-02-03 * "Firm LLP" "A pound of F-2, paid by general"
          invoice: "F-2"
          Liabilities:Creditors:Firm         1.00 GBP
            fund: "general"
          Assets:Bank:Current               -1.00 GBP
            fund: "general"
        """)
    entries, _options = load_clean(tmp_path / "books" / "main.beancount")
    assert [(i.number, i.fund, i.amount) for i in unpaid_invoices(entries)] == [
        ("F-2", "case", D(99)), ("J-1", None, D(50))]
    assert [i.number for i in got["case"].unpaid_invoices] == ["F-2"]
    assert got["grant"].unpaid_invoices == ()


def test_spending_balanced_against_no_fund_and_no_money_is_no_transfer(tmp_path):
    """Rent written off against an equity account that is neither money nor a fund's:
    general's balance falls by 10.00 with no money moving, and nothing says it is held
    with another fund (no transfer was made)."""
    got = summaries(tmp_path, """
        2017-01-01 open Equity:Adjustments GBP
        2018-07-01 * "Landlord" "Rent written off against reserves"
          fund: "general"
          Expenses:Running:Rent             10.00 GBP
          Equity:Adjustments               -10.00 GBP
        """)
    general = got["general"]
    assert general.balance == D(60)
    assert [h.account for h in general.holdings] == ["Assets:Bank:Current", "(not attributed)"]


def test_an_invoice_in_euros_paid_in_full_at_another_rate_is_paid(tmp_path):
    """100 EUR booked at 0.85 (85.00) and paid at 0.845 (84.50): every euro is paid, so it
    is not owed, though 0.50 of pounds differ (an exchange difference, not a debt)."""
    entries, _options = load_clean(write_books(tmp_path / "books", """
        2017-01-01 open Liabilities:Creditors:Chambers
        2019-03-15 * "Chambers" "Opinion, invoiced in euros"
          fund: "grant"
          invoice: "CH-1"
          Expenses:Legal:Counsel            85.00 GBP
          Liabilities:Creditors:Chambers  -100.00 EUR @ 0.85 GBP
        2019-05-01 * "Chambers" "Opinion paid"
          fund: "grant"
          invoice: "CH-1"
          Liabilities:Creditors:Chambers   100.00 EUR @@ 84.50 GBP
          Assets:Bank:Current              -84.50 GBP
        """))
    assert [i.number for i in unpaid_invoices(entries)] == ["F-2"]


def test_an_invoice_in_euros_still_owed_is_valued_as_its_creditor_is(tmp_path):
    """200 EUR invoiced to general at 0.85 and not paid; a price of 0.86 later: what the
    invoice still owes is 172.00 GBP at the closing rate, as the creditor's holding is
    (not 200 "pounds", nor the 170.00 booked), so no pounds seem owed without an invoice
    number. Booked with no price of its own, at the books' rate on its day, the same."""
    books = """
        2017-01-01 open Liabilities:Creditors:Chambers
        2019-03-01 price EUR 0.85 GBP
        2019-03-15 * "Chambers" "Opinion, invoiced in euros"
          fund: "general"
          invoice: "CH-2"
          Expenses:Legal:Counsel           170.00 GBP
          Liabilities:Creditors:Chambers  -200.00 EUR @ 0.85 GBP
        2019-06-30 price EUR 0.86 GBP
        """
    general = summaries(tmp_path / "a", books)["general"]
    assert [(i.number, i.amount) for i in general.unpaid_invoices] == [("CH-2", D("172.00"))]
    assert ("Liabilities:Creditors:Chambers", D("-172.00")) in [
        (h.account, h.amount) for h in general.holdings]
    assert not [b for b in general.blockers if "without an invoice number" in b]
    assert "1 invoice unpaid: CH-2 (£172.00)" in general.blockers
    # a plain euro invoice, no price on it: valued at the books' prices, not as pounds
    plain = summaries(tmp_path / "b", "        2017-01-01 open Expenses:Legal:Abroad\n" + books
                      .replace(" @ 0.85 GBP", "").replace(
                          "Expenses:Legal:Counsel           170.00 GBP",
                          "Expenses:Legal:Abroad            200.00 EUR"))["general"]
    assert [(i.number, i.amount) for i in plain.unpaid_invoices] == [("CH-2", D("172.00"))]
    assert not [b for b in plain.blockers if "without an invoice number" in b]


def test_each_fund_in_words_as_funds_prints_it(tmp_path):
    """`fundledger funds`'s detail of a fund, every line: the euro grant (1,000.00 EUR
    received as 870.00 GBP, 600.00 paid to Other Firm, 270.00 left in the bank), and the
    case once its 50.00 leftover is returned to the platform."""
    got = summaries(tmp_path / "grant")
    assert funds_render.fund_detail(got["grant"]).splitlines() == [
        "grant: A EUR grant",
        "  restricted to its purpose, EUR, opened 2019-01-01, open",
        "  If money is left: released to general funds",
        "  Raised (gross)",
        "    grant                                       870.00 GBP",
        "      Income:Grants:Funder                      870.00 GBP",
        "      (received as 1,000.00 EUR)",
        "  Legal by firm",
        "    Other Firm                                  600.00 GBP",
        "  Legal by category",
        "    profit costs                                600.00 GBP",
        "  Balance",
        "    balance                                     270.00 GBP",
        "  Held in",
        "    Assets:Bank:Current (Current bank account)  270.00 GBP",
        "  Not closable because",
        ("    - £270.00 not yet spent, returned or released (if money is left: released to "
         "general funds)"),
        "    - £270.00 still held in Assets:Bank:Current (Current bank account)"]
    case = summaries(tmp_path / "case", PAY_F2 + textwrap.dedent("""
        2018-06-01 * "Platform" "Return the leftover"
          fund: "case"
          leftover: "returned"
          Income:Crowdfunding:Platform       50.00 GBP
          Assets:Held:Firm                  -50.00 GBP
        """))["case"]
    words = [" ".join(line.split()) for line in funds_render.fund_detail(case).splitlines()]
    # raised 1,000.00, of it 50.00 returned; fees 40.00 + 10.00; legal 900.00 + 100.00 (F-2)
    assert words[words.index("Raised (gross)"):words.index("Legal by firm")] == [
        "Raised (gross)", "crowdfunding 1,000.00 GBP",
        "Income:Crowdfunding:Platform 1,000.00 GBP",
        "Returned", "leftover returned 50.00 GBP",
        "Fees", "platform 40.00 GBP", "payment 10.00 GBP"]
    assert words[words.index("Balance"):] == ["Balance", "balance 0.00 GBP"]  # held nowhere


def test_the_funds_csv_row_of_each_fund(tmp_path):
    """`fundledger funds --format csv`: the case holds 150.00 at the firm and owes it
    100.00 (F-2), both in its row; the euro grant's figures are in pounds, its unit."""
    rows = {r["fund"]: r for r in csv.DictReader(io.StringIO(
        funds_render.csv_text(list(summaries(tmp_path).values()))))}
    assert [(f, r["currency"], r["unit"], r["balance"], r["held"]) for f, r in rows.items()] == [
        ("general", "GBP", "GBP", "70.00", "Assets:Bank:Current 70.00"),
        ("case", "GBP", "GBP", "50.00",
         "Assets:Held:Firm 150.00; Liabilities:Creditors:Firm -100.00"),
        ("grant", "EUR", "GBP", "270.00", "Assets:Bank:Current 270.00")]


def test_the_funds_json_of_what_is_owed_and_what_has_no_rate(tmp_path):
    """`fundledger funds --format json`: the case's invoice F-2 still owed 100.00, and
    general's 10.00 dollars with no rate to pounds, kept apart in their own currency."""
    got = summaries(tmp_path, """
        2017-01-01 open Assets:PayPal
        2017-01-01 open Income:Donations:PayPal
        2018-07-01 * "PayPal" "Gift in dollars"
          fund: "general"
          Assets:PayPal                      10.00 USD
          Income:Donations:PayPal           -10.00 USD
        """)
    case, general = got["case"].to_json(), got["general"].to_json()
    assert case["unpaid_invoices"] == [{"invoice": "F-2", "payee": "Firm LLP",
                                        "date": "2018-04-01", "amount": "100.00 GBP"}]
    assert (general["foreign"], case["foreign"]) == ({"USD": "10.00"}, {})
