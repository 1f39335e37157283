"""One name for one firm (issue 25, 5): a firm declared once, its crowdfunder payouts and
its invoices paid from client account in one account, legal spend grouped by it and never
by the bank a payment went through. Books built for it, figures worked by hand below."""

from __future__ import annotations

from decimal import Decimal

from reports import transparency
from reports.funds import reconcile
from reports.legal import legal_spend
from tests.conftest import run_cli
from tests.statements_books import load

D = Decimal

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 custom "firm" "smith" "Smith Solicitors"
  client-account: "Assets:Held:Smith-Solicitors"
2024-01-01 open Assets:Held:Smith-Solicitors GBP
2024-01-01 open Assets:Bank:Current GBP
2024-01-01 open Income:Crowdfunding:CaseFunder GBP
2024-01-01 open Income:Donations:Bank GBP
2024-01-01 open Expenses:Legal:Solicitors GBP
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"

2024-01-10 * "Nationwide" "Gift"
  fund: "general"
  Assets:Bank:Current               500.00 GBP
  Income:Donations:Bank            -500.00 GBP
2024-02-01 * "CaseFunder" "Payout to the client account"
  fund: "case"
  Assets:Held:Smith-Solicitors     3000.00 GBP
  Income:Crowdfunding:CaseFunder  -3000.00 GBP
2024-02-15 * "Nationwide" "SMITH SOLICITORS REF 77"
  fund: "case"
  Assets:Bank:Current              -130.00 GBP
  Expenses:Legal:Solicitors         130.00 GBP
"""

# The solicitors' invoices layout (importers/profiles/solicitors.toml): the firm as the
# invoice names itself, "Smith", paid from the client account.
INVOICES = (
    "Invoice,Date,Firm,Matter,Fund,Profit costs,Counsel's fees,Counsel,Disbursements,VAT,"
    "Total,Paid from,Paid on\n"
    'S-1,01/03/2024,Smith,Pre-action letter,case,2000.00,0.00,,0.00,400.00,"2,400.00",'
    "client account,\n")


def test_one_firm_one_account_one_name(tmp_path):
    main = tmp_path / "books" / "main.beancount"
    main.parent.mkdir()
    main.write_text(BOOKS)
    export = tmp_path / "smith-invoices.csv"
    export.write_text(INVOICES)
    r = run_cli("import", str(export), "--books", str(main))
    assert r.returncode == 0, r.stderr
    entries, options = load(main)
    # the invoice was paid from the declared client account, not a new Assets:Held:Smith
    held = {p.account for e in entries if hasattr(e, "postings") for p in e.postings
            if p.account.startswith("Assets:Held:")}
    assert held == {"Assets:Held:Smith-Solicitors"}
    r = run_cli("check", str(main))
    assert r.returncode == 0 and "below zero" not in r.stderr, r.stderr
    # case: 2,000 + 400 VAT from the client account and 130 from the bank, all Smith's:
    # 2,530, none of it Nationwide's
    case = next(s for s in reconcile(entries, options) if s.fund == "case")
    assert case.legal_by_firm == {"Smith Solicitors": D("2530.00")}
    assert {g.key: g.total for g in legal_spend(entries, options).groups} == {
        "Smith Solicitors": D("2530.00")}
    # held: 3,000 paid out to the client account less 2,400 paid from it
    assert {h.account: h.amount for h in case.holdings} == {
        "Assets:Bank:Current": D("-130.00"), "Assets:Held:Smith-Solicitors": D("600.00")}



def test_the_transparency_statement_names_the_firm_not_the_bank(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(BOOKS)
    s = transparency.statement(*load(main))
    # the 130.00 paid from the bank whose statement gives "Nationwide" as payee and
    # "SMITH SOLICITORS REF 77" as description is Smith's
    assert [(f.firm, f.amount) for f in s.spend_by_firm] == [("Smith Solicitors",
                                                              D("130.00"))]


# No firm declared: a hand entry's payee names the firm it paid, a rule's `firm:` names
# the firm of an imported bank line, and the rest (court fees paid to the court, a bank
# line no firm is named on, a disbursement with no payee) is a category, never a firm.
NO_FIRMS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 custom "fava-extension" "reports.fava_ext" "{}"
2024-01-01 open Assets:Bank:Current GBP
2024-01-01 open Income:Donations:Bank GBP
2024-01-01 open Expenses:Legal:Solicitors GBP
2024-01-01 open Expenses:Legal:VAT GBP
2024-01-01 open Expenses:Legal:CourtFees GBP
2024-01-01 open Expenses:Legal:Disbursements GBP
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"

2024-01-10 * "Nationwide" "Gift"
  fund: "case"
  Assets:Bank:Current              2000.00 GBP
  Income:Donations:Bank           -2000.00 GBP
2024-02-01 * "Smith Solicitors" "Invoice 1"
  fund: "case"
  Expenses:Legal:Solicitors        1000.00 GBP
  Expenses:Legal:VAT                200.00 GBP
  Assets:Bank:Current             -1200.00 GBP
2024-02-10 * "HMCTS" "Issue fee"
  fund: "case"
  Expenses:Legal:CourtFees          332.00 GBP
  Assets:Bank:Current              -332.00 GBP
2024-03-01 * "Nationwide" "FASTER PAYMENT 7781"
  import-id: "nationwide:2024-03-01:1"
  fund: "case"
  Expenses:Legal:Solicitors         130.00 GBP
  Assets:Bank:Current              -130.00 GBP
2024-03-02 * "Nationwide" "JONES REF 9"
  import-id: "nationwide:2024-03-02:1"
  fund: "case"
  Expenses:Legal:Solicitors          45.00 GBP
    firm: "Jones LLP"
  Assets:Bank:Current               -45.00 GBP
2024-03-05 * "Expert's report, paid direct"
  fund: "case"
  Expenses:Legal:Disbursements       80.00 GBP
  Assets:Bank:Current               -80.00 GBP
"""

# By hand: Smith 1,000 + 200 VAT on its invoice = 1,200; Jones 45 (the rule's `firm:`);
# not paid to a firm: court fees 332, the bank line's 130 (profit costs account, no firm),
# the disbursement's 80 (other legal). 1,200 + 45 + 332 + 130 + 80 = 1,787.
NOT_PAID = "Not paid to a firm: "
BY_FIRM = {"Smith Solicitors": D("1200.00"), "Jones LLP": D("45.00"),
           NOT_PAID + "court fees": D("332.00"), NOT_PAID + "profit costs": D("130.00"),
           NOT_PAID + "other legal": D("80.00")}


def test_with_no_firm_declared_a_bank_or_a_category_is_never_a_firm(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(NO_FIRMS)
    entries, options = load(main)
    groups = legal_spend(entries, options).groups
    # firms largest first, then what no firm was paid, by category, largest first
    assert [(g.key, g.total) for g in groups] == list(BY_FIRM.items())
    assert sum(BY_FIRM.values()) == D("1787.00")
    case = next(s for s in reconcile(entries, options) if s.fund == "case")
    assert case.legal_by_firm == BY_FIRM and case.legal_total == D("1787.00")
    assert list(case.legal_by_firm) == ["Jones LLP", "Smith Solicitors", NOT_PAID + "court fees",
                                        NOT_PAID + "other legal", NOT_PAID + "profit costs"]
    r = run_cli("legal", "--books", str(main), "--by", "firm")
    assert r.returncode == 0, r.stderr
    assert "Nationwide" not in r.stdout and "HMCTS" not in r.stdout
    assert "Not paid to a firm: court fees" in r.stdout
    r = run_cli("funds", "--books", str(main))
    assert r.returncode == 0, r.stderr
    legal = r.stdout.split("Legal by firm")[1].split("Legal by category")[0]
    assert [line.strip().split("  ")[0] for line in legal.strip().splitlines()] == list(
        case.legal_by_firm)
    assert "Nationwide" not in legal and "HMCTS" not in legal


def test_the_statement_and_fava_group_as_legal_by_firm(tmp_path):
    from fava_support import fava_app
    from test_fava import _legal_by_year

    main = tmp_path / "main.beancount"
    main.write_text(NO_FIRMS)
    s = transparency.statement(*load(main))
    # court fees on their own line; the rest as `legal --by firm`, firms first
    assert [(f.firm, f.amount) for f in s.spend_by_firm] == [
        ("Smith Solicitors", D("1200.00")), ("Jones LLP", D("45.00")),
        (NOT_PAID + "profit costs", D("130.00")), (NOT_PAID + "other legal", D("80.00"))]
    assert s.court_fees == D("332.00")
    # the public summary names the firms paid, and only firms: 1,200 + 45 + 130 + 80
    assert "£1,455.00 on lawyers (£1,200.00 to Smith Solicitors, £45.00 to Jones LLP and " \
        "others)" in s.summary, s.summary
    assert "Nationwide" not in s.summary and "to Not paid" not in s.summary
    app, slug = fava_app(main)
    page = app.test_client().get(f"/{slug}/extension/Funds/?fund=case").get_data(as_text=True)
    # one year (2024) and its total: firms by name, then the categories, then the total
    assert _legal_by_year(page) == {
        "Jones LLP": ["45.00", "45.00"], "Smith Solicitors": ["1,200.00", "1,200.00"],
        NOT_PAID + "court fees": ["332.00", "332.00"],
        NOT_PAID + "other legal": ["80.00", "80.00"],
        NOT_PAID + "profit costs": ["130.00", "130.00"],
        "Total": ["1,787.00", "1,787.00"]}
    assert list(_legal_by_year(page))[:2] == ["Jones LLP", "Smith Solicitors"]
    assert "Nationwide" not in page.split('class="legal-by-year"')[1].split("</table>")[0]


def test_a_donor_is_never_named_as_a_firm(tmp_path):
    # A gift that pays a fee straight over: the payee is the donor, on the income posting.
    main = tmp_path / "main.beancount"
    main.write_text(NO_FIRMS + """\
2024-04-01 * "Jane Giver" "Gift, 20.00 of it paid straight to the court"
  fund: "case"
  Income:Donations:Bank           -100.00 GBP
    donor: "jg-1"
  Expenses:Legal:Solicitors         20.00 GBP
  Assets:Bank:Current               80.00 GBP
""")
    entries, options = load(main)
    case = next(s for s in reconcile(entries, options) if s.fund == "case")
    # 130 + 20 = 150 of profit costs paid to no firm; no firm named after the donor
    assert case.legal_by_firm[NOT_PAID + "profit costs"] == D("150.00")
    assert "Jane Giver" not in case.legal_by_firm
    assert "Jane Giver" not in {g.key for g in legal_spend(entries, options).groups}
