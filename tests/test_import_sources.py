"""Every built-in source, each from a fixture file with the platform's real headers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from conftest import cli_env, run_cli
from importers_support import (
    FIXTURES,
    csv_rows,
    dec,
    load_clean,
    postings_sum,
    txns,
    write_books,
    write_xlsx,
)


@pytest.fixture
def env(tmp_path):
    return dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))


def imp(env, main, *files):
    r = run_cli("import", *files, "--books", main, env=env)
    assert r.returncode == 0, r.stderr
    return load_clean(main)


def test_crowdfunder_pledges_gross_fees_payout(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "casefunder.csv")
    rows = csv_rows(FIXTURES / "casefunder.csv")
    gifts = [r for r in rows if r["Type"] != "payout"]
    assert postings_sum(entries, "Income:Crowdfunding:CaseFunder") == \
        -sum(dec(r["Amount"]) for r in gifts)
    assert postings_sum(entries, "Expenses:Fees:Platform") == \
        sum(dec(r["Platform fee"]) for r in gifts)
    assert postings_sum(entries, "Expenses:Fees:Payment") == \
        sum(dec(r["Processing fee"]) for r in gifts)
    payout = -sum(dec(r["Amount"]) for r in rows if r["Type"] == "payout")
    assert postings_sum(entries, "Assets:Held:Harbour-Vale") == payout
    # Everything paid out: nothing left at the platform.
    assert postings_sum(entries, "Assets:Platforms:CaseFunder") == 0
    # The campaign's fund comes from the books' fundledger-source directive.
    assert {t.meta["fund"] for t in txns(entries)} == {"case"}
    refund = next(t for t in txns(entries) if t.meta["import-id"] == "casefunder:CF-T-004")
    assert refund.meta["refund-of"] == "casefunder:CF-T-003"


def test_bank_cp1252_preamble_and_identical_lines(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "bank_cp1252.csv")
    # Two identical gifts on one day are two donations, not one.
    gifts = [t for t in txns(entries) if "Income:Donations:Bank" in
             {p.account for p in t.postings}]
    assert len(gifts) == 3
    assert postings_sum(entries, "Income:Donations:Bank") == Decimal("-300.00")
    assert postings_sum(entries, "Assets:Transfers") == Decimal("-1097.35")
    assert postings_sum(entries, "Assets:Bank:Current") == Decimal("1397.35")
    assert gifts[0].meta["donor"] == gifts[1].meta["donor"] != gifts[2].meta["donor"]


def test_paypal_withdrawal_and_bank_credit_reconcile(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "paypal_uk.csv")
    bank = tmp_path / "bank.csv"
    bank.write_text("Date,Description,Paid in,Paid out,Balance\n"
                    "10/02/2023,PAYPAL WITHDRAWAL,\"1,000.00\",,\"1,000.00\"\n")
    entries = imp(env, main, bank)
    assert postings_sum(entries, "Assets:Transfers") == 0
    assert postings_sum(entries, "Assets:Bank:Current") == Decimal("1000.00")


def test_solicitors_invoices(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "solicitors.csv")
    rows = csv_rows(FIXTURES / "solicitors.csv")
    for col, account in (("Profit costs", "Expenses:Legal:Solicitors"),
                         ("Counsel's fees", "Expenses:Legal:Counsel"),
                         ("Disbursements", "Expenses:Legal:CourtFees"),
                         ("VAT", "Expenses:Legal:VAT")):
        assert postings_sum(entries, account) == sum(dec(r[col]) for r in rows)
    unpaid = sum(dec(r["Total"]) for r in rows if not r["Paid from"])
    assert postings_sum(entries, "Liabilities:Creditors:Harbour-Vale") == -unpaid
    paid = sum(dec(r["Total"]) for r in rows if r["Paid from"])
    assert postings_sum(entries, "Assets:Held:Harbour-Vale") == -paid
    by_invoice = {}
    for t in txns(entries):
        by_invoice.setdefault(t.meta["invoice"], []).append(t)
    assert len(by_invoice["HV-T2"]) == 2  # invoiced on one date, paid on another
    assert by_invoice["HV-T2"][1].date == datetime.date(2023, 5, 15)
    counsel = [p for p in by_invoice["HV-T2"][0].postings if p.account.endswith("Counsel")]
    assert counsel[0].meta["firm"] == "Quay Chambers"


def test_grant_budget_xlsx_and_budget_lines(tmp_path, env):
    main = write_books(tmp_path / "b", '2017-01-01 open Expenses:Comms\n'
                       '2019-05-01 custom "fund" "grant" "restricted"\n'
                       '  purpose: "Expenses:Legal, Expenses:Comms"\n'
                       '2019-05-02 * "Funder" "Grant"\n  fund: "grant"\n'
                       '  Assets:Bank:Current  100.00 GBP\n  Income:Grants:Lumen\n')
    budget = write_xlsx(tmp_path / "budget.xlsx", [
        ["Fund", "Budget line", "Amount", "Currency", "Date"],
        ["grant", "Solicitors", 38000, "EUR", datetime.datetime(2019, 5, 1)],
        ["grant", "Counsel", 18000.5, "eur", datetime.datetime(2019, 5, 1)]], title="Budget")
    invoices = tmp_path / "inv.csv"
    invoices.write_text("Invoice,Date,Firm,Fund,Profit costs,Counsel's fees,Disbursements,VAT,"
                        "Paid from\nX-1,01/06/2019,Harbour & Vale LLP,grant,10.00,5.00,0,2.00,"
                        "client account\n")
    tranche = tmp_path / "bank.csv"
    tranche.write_text("Date,Description,Paid in,Paid out,Balance\n")
    entries = imp(env, main, invoices, budget)
    budgets = [e for e in entries if type(e).__name__ == "Custom" and e.type == "fund-budget"]
    assert sorted((e.values[1].value, e.values[2].value.number, e.values[2].value.currency)
                  for e in budgets) == [("Counsel", Decimal("18000.5"), "EUR"),
                                        ("Solicitors", Decimal(38000), "EUR")]
    inv = next(t for t in txns(entries) if t.meta.get("invoice") == "X-1")
    # VAT follows its fee: 2.00 over 10.00 + 5.00 is 1.33 on profit costs, 0.67 on counsel
    assert sorted((p.account, p.units.number, p.meta.get("budget-line"))
                  for p in inv.postings if p.account.startswith("Expenses")) == [
        ("Expenses:Legal:Counsel", Decimal("5.00"), "Counsel"),
        ("Expenses:Legal:Solicitors", Decimal("10.00"), "Solicitors"),
        ("Expenses:Legal:VAT", Decimal("0.67"), "Counsel"),
        ("Expenses:Legal:VAT", Decimal("1.33"), "Solicitors")]


def test_vat_follows_its_fee_in_the_demo():
    """VAT on counsel's fees is counsel's: its firm and budget line (issue 15). Worked out
    from the raw invoice exports, row by row, independently of the importer."""
    import openpyxl

    from fundledger import demo_books
    from reports.funder import funder_report
    from reports.legal import legal_spend
    from tests.statements_books import load

    rows = csv_rows(demo_books.EXPORTS / "harbour-vale-invoices.csv")
    sheet = list(openpyxl.load_workbook(demo_books.EXPORTS / "brightwater-invoices.xlsx")
                 .active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(sheet) if r[0] == "Invoice")
    rows += [dict(zip(sheet[header], r, strict=True)) for r in sheet[header + 1:] if r[0]]
    by_firm: dict[str, Decimal] = {}
    counsel_line = Decimal(0)  # the grant's Counsel line, in GBP
    for r in rows:
        profit, counsel, vat = (dec(str(r[c] or "")) for c in ("Profit costs",
                                                                 "Counsel's fees", "VAT"))
        counsel_vat = vat * counsel / (profit + counsel)
        chambers = r["Counsel"] or r["Firm"]
        by_firm[chambers] = by_firm.get(chambers, 0) + counsel + counsel_vat
        by_firm[r["Firm"]] = by_firm.get(r["Firm"], 0) + profit + vat - counsel_vat
        court = dec(str(r["Disbursements"] or ""))  # the court's, not the firm's
        if court:
            key = "Not paid to a firm: court fees"  # a category, never a firm
            by_firm[key] = by_firm.get(key, 0) + court
        if r["Fund"] == "lumen-grant":
            counsel_line += counsel + counsel_vat
    entries, options = load(demo_books.MAIN)
    legal = {g.key: g.total for g in legal_spend(entries, options, by="firm").groups}
    assert legal == {k: v.quantize(Decimal("0.01")) for k, v in by_firm.items()}
    grant = funder_report(entries, options, "lumen-grant")
    counsel = next(x for x in grant.lines if x.line == "Counsel")
    assert counsel.spent_gbp == counsel_line


def test_grant_tranche_in_eur_received_in_gbp(tmp_path, env):
    main = write_books(tmp_path / "b", '2017-01-01 custom "fundledger-profile" "tranche.toml"\n')
    (tmp_path / "b" / "tranche.toml").write_text(
        'name = "tranches"\ntitle = "Grant tranches"\npayee = "Lumen Foundation"\n'
        'signature = ["Received", "Reference", "EUR", "GBP"]\ndate = "Received"\n'
        'date_formats = ["%Y-%m-%d"]\nid = "Reference"\ngross = "GBP"\n'
        'fixed_currency = "GBP"\nforeign_amount = "EUR"\nforeign_currency = "Currency"\n'
        '[[rules]]\nkind = "income"\nnarration = "Grant tranche"\ndonor = false\n'
        '[accounts]\naccount = "Assets:Bank:Current"\nincome = "Income:Grants:Lumen"\n')
    f = tmp_path / "t.csv"
    f.write_text("Received,Reference,EUR,Currency,GBP\n2019-06-14,T1,\"30,000.00\",EUR,"
                 "26610.00\n")
    entries = imp(env, main, f)
    t = txns(entries)[0]
    income = next(p for p in t.postings if p.account == "Income:Grants:Lumen")
    assert (income.units.number, income.units.currency) == (Decimal("-30000.00"), "EUR")
    assert postings_sum(entries, "Assets:Bank:Current") == Decimal("26610.00")


def test_gocardless(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "gocardless.csv")
    paid = [r for r in csv_rows(FIXTURES / "gocardless.csv") if r["status"] == "paid"]
    assert len(txns(entries)) == len(paid)
    fees = sum(dec(r["transaction_fee_debit"]) + dec(r["app_fee_debit"]) for r in paid)
    assert postings_sum(entries, "Expenses:Fees:Payment") == fees
    assert postings_sum(entries, "Income:Donations:GoCardless") == \
        -(sum(dec(r["amount"]) for r in paid) + fees)


def test_justgiving_xlsx(tmp_path, env):
    main = write_books(tmp_path / "b")
    header = ["Donation Ref", "Donation Date", "Donation Amount", "Transaction Fee",
              "Donor User Id", "Donor First Name", "Donor Last Name", "Donor Email", "Message",
              "Gift Aid Amount"]
    rows = [["JG-T-1", "01/07/2023 10:00:00", 25, 0.68, "u-1", "Uma", "Fixture",
             "uma.fixture@example.org", "For Uma's mum", 6.25],
            ["JG-T-2", "01/07/2023 10:00:00", 25, 0.68, "u-2", "Viv", "Fixture",
             "viv.fixture@example.org", "", 0]]
    f = write_xlsx(tmp_path / "jg.xlsx", [header, *rows])
    entries = imp(env, main, f)
    assert postings_sum(entries, "Income:Donations:JustGiving") == Decimal(-50)
    assert postings_sum(entries, "Expenses:Fees:Payment") == Decimal("1.36")
    assert len({t.meta["donor"] for t in txns(entries)}) == 2


def test_enthuse(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "enthuse.csv")
    rows = csv_rows(FIXTURES / "enthuse.csv")
    assert postings_sum(entries, "Income:Donations:Enthuse") == \
        -sum(dec(r["Payment Amount"]) for r in rows)
    donors = {t.meta["import-id"]: t.meta["donor"] for t in txns(entries)}
    assert donors["enthuse:ENT-T-1"] == donors["enthuse:ENT-T-3"] != donors["enthuse:ENT-T-2"]


def test_opencollective(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "opencollective.csv")
    rows = csv_rows(FIXTURES / "opencollective.csv")
    assert postings_sum(entries, "Assets:OpenCollective") == \
        sum(dec(r["Amount Single Column"]) for r in rows)
    assert postings_sum(entries, "Income:Donations:OpenCollective") == Decimal("-70.00")


def test_ofx_statement(tmp_path, env):
    main = write_books(tmp_path / "b")
    entries = imp(env, main, FIXTURES / "statement.ofx")
    got = {t.meta["import-id"]: t for t in txns(entries)}
    assert set(got) == {"ofx:OFX-T-1", "ofx:OFX-T-2", "ofx:OFX-T-3"}
    assert postings_sum(entries, "Assets:Bank:OFX") == Decimal("1050.00")  # its LEDGERBAL
    assert postings_sum(entries, "Assets:Transfers") == Decimal("-1000.00")
    assert got["ofx:OFX-T-2"].meta["donor"] != got["ofx:OFX-T-3"].meta["donor"]


def test_a_pledge_without_identity_is_a_donor_of_one(tmp_path, env):
    """Issue 29 finding 2: a pledge whose supporter id and email are empty was booked with
    no donor, and published as the organisation's own money. Each is one donor now, its
    pseudonym made from its row's id: two such pledges are two supporters."""
    head = ("Transaction ID,Date,Campaign,Type,Supporter ID,Supporter name,Supporter email,"
            "Message,Amount,Platform fee,Processing fee,Net,Refund of,Payout ID\n")
    rows = ("CF-A-1,01/03/2023,the-case,pledge,,,,,2500.00,125.00,37.50,2337.50,,\n"
            "CF-A-2,02/03/2023,the-case,pledge,,,,,2500.00,125.00,37.50,2337.50,,\n"
            "CF-A-3,03/03/2023,the-case,pledge,SUP-9,Ann Example,ann@example.org,,10.00,"
            "0.50,0.15,9.35,,\n")
    export = tmp_path / "casefunder.csv"
    export.write_text(head + rows, encoding="utf-8")
    main = write_books(tmp_path / "b")
    entries = imp(env, main, export)
    donor = {t.meta["import-id"]: t.meta.get("donor") for t in txns(entries)}
    assert all(donor[f"casefunder:CF-A-{i}"] for i in (1, 2, 3)), donor
    assert len({donor[f"casefunder:CF-A-{i}"] for i in (1, 2, 3)}) == 3
    # Imported again under the same key: the same pseudonyms, nothing added.
    again = imp(env, main, export)
    assert len(txns(again)) == len(txns(entries))


def _snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_undeclared_campaign_is_refused_not_booked_to_general(tmp_path, env):
    """Issue 29 finding 8: a campaign cell the books do not declare (here text injected
    into it) was booked to the general fund; it is refused, and not echoed."""
    head = ("Transaction ID,Date,Campaign,Type,Supporter ID,Supporter name,Supporter email,"
            "Message,Amount,Platform fee,Processing fee,Net,Refund of,Payout ID\n")
    export = tmp_path / "casefunder.csv"
    export.write_text(head + "CF-X-1,01/03/2023,jane.doe@example.org,pledge,SUP-1,,,,10.00,"
                      "0.50,0.15,9.35,,\n", encoding="utf-8")
    main = write_books(tmp_path / "b")
    before = _snapshot(main.parent)
    r = run_cli("import", export, "--books", main, env=env)
    assert r.returncode == 1, r.stdout
    assert f"{export}:2: campaign in column 'Campaign'" in r.stderr
    assert "the-case" in r.stderr and "jane" not in r.stderr
    assert _snapshot(main.parent) == before


def test_an_error_never_echoes_a_cell(tmp_path, env):
    """Issue 29 finding 8: an email shifted into the currency column was echoed in the
    error (`currency 'jane.doe@...' is not a 3-letter code`)."""
    text = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig").splitlines()
    text[1] = text[1].replace('"GBP"', '"jane.doe@example.org"', 1)
    export = tmp_path / "Download.csv"
    export.write_text("\n".join(text[:2]) + "\n", encoding="utf-8")
    main = write_books(tmp_path / "b")
    r = run_cli("import", export, "--books", main, env=env)
    assert r.returncode == 1
    assert f"{export}:2: currency in column 'Currency'" in r.stderr, r.stderr
    assert "jane" not in r.stderr and "example" not in r.stderr
    assert "shaped 'aaaa.aaa@aaaaaaa.aaa'" in r.stderr
