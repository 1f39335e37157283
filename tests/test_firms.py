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
