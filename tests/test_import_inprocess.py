"""The import pipeline called in this process (importers.run, parse, classify, build,
columns), on real-layout exports, each expected entry worked by hand.

The other importer tests mostly run `fundledger import` in a subprocess; these call the
same functions directly, so `make mutate` sees which tests reach a planted bug. Each case
goes through both ways an entry is built (importers.columns and Builder's generic path)
where both apply. What is pinned down: the sign of money in and out (a signed amount, or
paid-in and paid-out columns), each fee's sign, income booked gross, the fund, the donor's
pseudonym and nothing else about the donor, refunds naming what they refund, the books'
own rules before the source's, dropping what the books or the run already hold, and a
statement's opening balance.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core.amount import Amount
from beancount.parser import parser

from importers import run
from importers.errors import Problem
from importers.profile import Rule
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from importers.txn import render
from ledger import books as ledger_books
from tests.importers_support import FIXTURES, load_clean, snapshot, txns, write_books
from tests.test_import_fees import CASES

D = Decimal
KEY = b"in-process-key"
PSEUDO = Pseudonymiser(KEY)
BOTH = pytest.mark.parametrize("columnwise", [True, False], ids=["columns", "generic"])


def built(main: Path, path: Path, columnwise: bool = True, fund: str = "",
          suspense: bool = False) -> dict[str, object]:
    """The file's entries as beancount parses their text, by import-id."""
    entries = load_clean(main)
    settings = from_entries(entries, main.parent, fund)
    settings.suspense = suspense
    imp = run.identify(str(path), run.importers_for(settings, PSEUDO))
    text = "".join(render(t) + "\n" for t in imp.txns(str(path), settings, columnwise))
    parsed, errors, _ = parser.parse_string(text)
    assert not errors, errors
    return {e.meta["import-id"]: e for e in parsed}


def postings(entry) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for p in entry.postings:
        out[p.account] = out.get(p.account, D(0)) + p.units.number
    return out


@BOTH
@pytest.mark.parametrize("case", list(CASES))
def test_every_fee_sign_in_process(tmp_path, case, columnwise):
    """tests/test_import_fees.py's hand-worked rows, here through both ways of building."""
    export, import_id, expected = CASES[case]
    path = export(tmp_path) if callable(export) else FIXTURES / export
    # suspense, as the CLI test runs it: payments out no rule claims are booked too
    got = built(write_books(tmp_path / "books"), path, columnwise, suspense=True)
    assert postings(got[import_id]) == expected
    assert {p.units.currency for p in got[import_id].postings} == {"GBP"}


@BOTH
def test_a_gift_its_donor_and_a_refund_of_it(tmp_path, columnwise):
    got = built(write_books(tmp_path / "books"), FIXTURES / "paypal_uk.csv", columnwise)
    gift, refund = got["paypal:5PP00003"], got["paypal:5PP00004"]
    assert gift.meta["fund"] == refund.meta["fund"] == "general"
    assert gift.meta["donor"] == PSEUDO.donor("bertie.fixture@example.org")
    assert "donor" not in refund.meta  # money back out is no gift
    assert refund.meta["refund-of"] == "paypal:5PP00003"
    assert "refund-of" not in gift.meta
    assert gift.payee == "PayPal" and gift.narration == "Donation"
    for e in got.values():  # only the pseudonym: no name, email, address or message
        text = repr(e)
        assert "Fixture" not in text and "@" not in text and "Privet" not in text


def test_a_fund_given_on_the_command_line_takes_every_row(tmp_path):
    got = built(write_books(tmp_path / "books"), FIXTURES / "paypal_uk.csv", fund="case")
    named = {m["fund"] for e in got.values() if hasattr(e, "postings")
             for m in (e.meta, *(p.meta or {} for p in e.postings)) if "fund" in m}
    assert named == {"case"}  # a conversion's postings name their payment's fund


# A bank statement written by hand: paid in and paid out, a running balance, no ids.
STATEMENT = """\
Date,Description,Paid in,Paid out,Balance
01/03/2023,FPI ANNA SMITH REF 1,20.00,,120.00
02/03/2023,DD ZOOM.US 4412,,14.39,105.61
03/03/2023,PAYPAL TRANSFER,50.00,,155.61
04/03/2023,FPI ANNA SMITH REF 2,5.00,,160.61
04/03/2023,DD ZOOM.US 4413,,-1.00,159.61
"""
ZOOM_RULE = """\
2017-01-01 custom "fundledger-rule" "bank"
  pattern: "zoom"
  sign: "debit"
  account: "Expenses:Running:Hosting"
  payee: "Zoom"
"""


def bank(tmp_path: Path, text: str = STATEMENT, name: str = "statement.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def by_row(got: dict) -> dict[int, object]:
    return {int(e.meta["import-row"]): e for e in got.values()
            if hasattr(e, "postings") and ":opening:" not in e.meta["import-id"]}


@BOTH
def test_paid_in_is_money_in_and_paid_out_money_out(tmp_path, columnwise):
    main = write_books(tmp_path / "books", ZOOM_RULE)
    rows = by_row(built(main, bank(tmp_path), columnwise))
    assert {r: postings(e) for r, e in rows.items()} == {
        2: {"Assets:Bank:Current": D("20.00"), "Income:Donations:Bank": D("-20.00")},
        3: {"Assets:Bank:Current": D("-14.39"), "Expenses:Running:Hosting": D("14.39")},
        4: {"Assets:Bank:Current": D("50.00"), "Assets:Transfers": D("-50.00")},
        5: {"Assets:Bank:Current": D("5.00"), "Income:Donations:Bank": D("-5.00")},
        # a paid-out cell written negative is still money out
        6: {"Assets:Bank:Current": D("-1.00"), "Expenses:Running:Hosting": D("1.00")},
    }
    assert rows[3].payee == "Zoom" and rows[2].payee == "Bank"
    # One payer's two gifts are one donor: the pseudonym of the name alone.
    assert rows[2].meta["donor"] == rows[5].meta["donor"] == PSEUDO.donor("ANNA SMITH")
    assert all("donor" not in rows[r].meta for r in (3, 4, 6))
    assert {e.meta["fund"] for e in rows.values()} == {"general"}  # money out and moved too
    ids = [e.meta["import-id"] for e in rows.values()]
    assert len(set(ids)) == 5 and all(i.startswith("bank:") for i in ids)
    assert all("ANNA" not in i for i in ids)


def test_a_statement_asserts_each_days_closing_balance_and_its_opening(tmp_path):
    main = write_books(tmp_path / "books", ZOOM_RULE)
    got = built(main, bank(tmp_path))
    balances = {(str(e.date), str(e.amount.number)) for e in got.values()
                if type(e).__name__ == "Balance"}
    assert balances == {("2023-03-02", "120.00"), ("2023-03-03", "105.61"),
                        ("2023-03-04", "155.61"), ("2023-03-05", "159.61")}
    run.run(main, [str(bank(tmp_path))], pseudo=PSEUDO)
    opening = [e for e in txns(load_clean(main)) if ":opening:" in e.meta["import-id"]]
    assert len(opening) == 1 and str(opening[0].date) == "2023-03-01"
    assert postings(opening[0]) == {"Assets:Bank:Current": D("100.00"),
                                    "Equity:Funds:Opening": D("-100.00")}
    assert opening[0].meta["fund"] == "general"


@pytest.mark.parametrize("row, problem", [
    ("05/03/2023,BOTH,1.00,2.00,160.61", "both 'Paid in' and 'Paid out' hold an amount"),
    ("05/03/2023,NEITHER,,,160.61", "missing amount in column 'Paid in'"),
])
def test_a_row_with_both_or_neither_amount_is_refused(tmp_path, row, problem):
    main = write_books(tmp_path / "books", ZOOM_RULE)
    path = bank(tmp_path, STATEMENT + row + "\n")
    with pytest.raises(Problem) as e:
        built(main, path)
    assert str(e.value) == f"{path}:7: {problem}"


def test_a_books_rule_claims_only_rows_of_its_sign(tmp_path):
    """A debit rule matching a credit row leaves it to the source's own rule."""
    rule = ZOOM_RULE.replace('"zoom"', '"zoom|anna"')
    rows = by_row(built(write_books(tmp_path / "books", rule), bank(tmp_path)))
    assert postings(rows[2]) == {"Assets:Bank:Current": D("20.00"),
                                 "Income:Donations:Bank": D("-20.00")}
    credit = rule.replace('sign: "debit"', 'sign: "credit"').replace(
        'account: "Expenses:Running:Hosting"', 'account: "Income:Grants:Lumen"')
    credit = credit.replace('"zoom|anna"', '"anna"')
    main = write_books(tmp_path / "books2", credit + ZOOM_RULE)
    rows = by_row(built(main, bank(tmp_path)))
    assert postings(rows[2]) == {"Assets:Bank:Current": D("20.00"),
                                 "Income:Grants:Lumen": D("-20.00")}
    assert postings(rows[3])["Expenses:Running:Hosting"] == D("14.39")


def test_money_out_no_rule_claims_is_refused_or_held_in_suspense(tmp_path):
    main = write_books(tmp_path / "books")  # no rule for the Zoom payments
    path = bank(tmp_path)
    with pytest.raises(Problem) as e:
        built(main, path)
    assert str(e.value).startswith(f"{path}:3: Description 'DD ZOOM.US', money out")
    rows = by_row(built(main, path, suspense=True))
    assert postings(rows[3]) == {"Assets:Bank:Current": D("-14.39"),
                                 "Expenses:Unclassified": D("14.39")}
    assert rows[3].narration == "Unclassified payment" and "donor" not in rows[3].meta
    assert postings(rows[2])["Income:Donations:Bank"] == D("-20.00")


def paypal_refund_only(tmp_path: Path) -> Path:
    """paypal_uk.csv's refund of 5PP00003 without the payment it refunds."""
    lines = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "refund.csv"
    path.write_text("\n".join([lines[0], lines[4]]) + "\n", encoding="utf-8")
    return path


def test_a_refund_of_a_payment_never_received_is_not_a_refund(tmp_path):
    main = write_books(tmp_path / "books")
    path = paypal_refund_only(tmp_path)
    with pytest.raises(Problem) as e:
        built(main, path)
    assert str(e.value).startswith(f"{path}:2: Type 'Payment Refund', money out")
    # Once the books hold the payment, the same row is its refund.
    run.run(main, [str(FIXTURES / "paypal_uk.csv")], pseudo=PSEUDO)
    refund = built(main, path)["paypal:5PP00004"]
    assert refund.meta["refund-of"] == "paypal:5PP00003"
    assert postings(refund)["Income:Donations:PayPal"] == D("25.00")


def test_a_second_import_adds_nothing_and_changes_nothing(tmp_path):
    main = write_books(tmp_path / "books", ZOOM_RULE)
    files = [str(FIXTURES / "paypal_uk.csv"), str(bank(tmp_path))]
    first = run.run(main, files, pseudo=PSEUDO)
    before = snapshot(main.parent)
    entries = txns(load_clean(main))
    ids = [e.meta["import-id"] for e in entries if "import-id" in e.meta]
    assert len(ids) == len(set(ids))
    again = run.run(main, files, pseudo=PSEUDO)
    assert (again.added, again.duplicates) == (0, first.added - first.asserted - 1)
    assert snapshot(main.parent) == before
    assert again.summary().startswith(f"0 new, {again.duplicates} duplicate(s) skipped")


def test_the_same_export_twice_in_one_run_is_imported_once(tmp_path):
    main = write_books(tmp_path / "books")
    one = run.plan(main, [str(FIXTURES / "stripe.csv")], "", PSEUDO)
    copy = shutil.copy(FIXTURES / "stripe.csv", tmp_path / "again.csv")
    two = run.plan(main, [str(FIXTURES / "stripe.csv"), copy], "", PSEUDO)
    assert one.duplicates == 0 and one.added > 0
    assert (two.added, two.duplicates) == (one.added, one.added)
    assert two.text == one.text


def test_one_id_for_two_different_entries_is_refused(tmp_path):
    main = write_books(tmp_path / "books")
    src = (FIXTURES / "stripe.csv").read_text(encoding="utf-8-sig")
    changed = tmp_path / "changed.csv"
    header, first, *rest = src.splitlines()
    cells = first.split(",")
    cells[1] = cells[1].replace("2023-03-01", "2023-03-02")  # the same id, another day
    changed.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    assert "2023-03-02" in changed.read_text().splitlines()[1]
    before = snapshot(main.parent)
    with pytest.raises(Problem) as e:
        run.run(main, [str(FIXTURES / "stripe.csv"), str(changed)], pseudo=PSEUDO)
    iid = "stripe:" + cells[0]
    assert str(e.value) == (f"{changed}:2: id {iid} was already used by "
                            f"{FIXTURES / 'stripe.csv'}:2 for a different entry")
    assert snapshot(main.parent) == before


FEBRUARY = """\
Date,Description,Paid in,Paid out,Balance
20/02/2023,FPI BEN JONES REF 9,30.00,,70.00
28/02/2023,FPI BEN JONES REF 10,30.00,,100.00
"""


def test_an_earlier_statement_moves_the_opening_balance_back(tmp_path):
    main = write_books(tmp_path / "books", ZOOM_RULE)
    run.run(main, [str(bank(tmp_path))], pseudo=PSEUDO)
    run.run(main, [str(bank(tmp_path, FEBRUARY, "february.csv"))], pseudo=PSEUDO)
    entries = txns(load_clean(main))
    openings = {e.meta["import-id"]: e for e in entries if ":opening:" in e.meta["import-id"]}
    march = next(i for i in openings if i.endswith("2023-03-01"))
    feb = next(i for i in openings if i.endswith("2023-02-20"))
    assert postings(openings[feb]) == {"Assets:Bank:Current": D("40.00"),
                                       "Equity:Funds:Opening": D("-40.00")}
    withdrawn = openings[march + ":withdrawn"]
    assert str(withdrawn.date) == "2023-03-01"
    assert postings(withdrawn) == {"Assets:Bank:Current": D("-100.00"),
                                   "Equity:Funds:Opening": D("100.00")}
    assert len(openings) == 3
    # The account's balance now follows from February's opening alone.
    held = sum(p.units.number for e in entries for p in e.postings
               if p.account == "Assets:Bank:Current")
    assert held == D("159.61")
    # And importing both again adds nothing.
    again = run.run(main, [str(bank(tmp_path)), str(tmp_path / "february.csv")], pseudo=PSEUDO)
    assert again.added == 0


def test_a_dry_run_writes_nothing_and_counts_the_same(tmp_path):
    main = write_books(tmp_path / "books", ZOOM_RULE)
    before = snapshot(main.parent)
    dry = run.run(main, [str(bank(tmp_path))], pseudo=PSEUDO, dry_run=True)
    assert snapshot(main.parent) == before
    real = run.run(main, [str(bank(tmp_path))], pseudo=PSEUDO)
    assert (dry.added, dry.duplicates, dry.text) == (real.added, real.duplicates, real.text)
    assert dry.added == 5 + 4 + 1  # five rows, four closing balances, the opening
    assert ledger_books.resolve(main) == main.resolve()


@BOTH
def test_a_net_that_is_not_gross_less_fees_is_refused_at_its_row(tmp_path, columnwise):
    lines = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / "paypal.csv"
    path.write_text("\n".join([lines[0], lines[1].replace('"995.00"', '"999.99"', 1)]) + "\n",
                    encoding="utf-8")
    with pytest.raises(Problem) as e:
        built(write_books(tmp_path / "books"), path, columnwise)
    assert str(e.value) == f"{path}:2: net is not gross less fees"


def paypal_rows(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    """PayPal rows in paypal_uk.csv's layout: its first row with these cells changed."""
    import csv

    text = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig")
    header, first = list(csv.reader(text.splitlines()[:2]))
    path = tmp_path / "paypal-small.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for cells in rows:
            row = dict(zip(header, first, strict=True)) | cells
            writer.writerow([row[h] for h in header])
    return path


ANY_SIGN_GIFT = """\
2017-01-01 custom "fundledger-rule" "paypal"
  column: "Type"
  values: "Donation Payment"
  kind: "income"
"""


@BOTH
def test_a_gift_under_a_pound_has_its_donor_and_a_zero_row_none(tmp_path, columnwise):
    """The donor goes on money in (gross above zero, however small); refund-of only on
    money back out, never on a gift that names another payment."""
    path = paypal_rows(tmp_path, [
        {"Transaction ID": "5PP-S1", "Gross": "0.50", "Fee": "0.00", "Net": "0.50",
         "Reference Txn ID": "INV-1", "Balance": "0.50"},
        {"Transaction ID": "5PP-S2", "Gross": "0.00", "Fee": "0.00", "Net": "0.00",
         "Reference Txn ID": "INV-2", "Balance": "0.50"}])
    got = built(write_books(tmp_path / "books", ANY_SIGN_GIFT), path, columnwise)
    small, zero = got["paypal:5PP-S1"], got["paypal:5PP-S2"]
    assert postings(small) == {"Assets:PayPal": D("0.50"), "Income:Donations:PayPal": D("-0.50")}
    assert postings(zero) == {"Assets:PayPal": D("0.00"), "Income:Donations:PayPal": D("0.00")}
    assert small.meta["donor"] == PSEUDO.donor("alice.fixture@example.org")
    assert "donor" not in zero.meta
    assert "refund-of" not in small.meta and "refund-of" not in zero.meta


SOURCE_ACCOUNT = """\
2017-01-01 custom "fundledger-source" "bank"
  account: "Assets:bank"
"""
ZOOM_FIRST = STATEMENT.splitlines()[0] + "\n" + STATEMENT.splitlines()[2] + "\n"


@BOTH
@pytest.mark.parametrize("books, text, row, account, key", [
    (SOURCE_ACCOUNT + ZOOM_RULE, STATEMENT, 2, "Assets:bank", "account"),  # money in
    (SOURCE_ACCOUNT + ZOOM_RULE, ZOOM_FIRST, 2, "Assets:bank", "account"),  # money out
    (ZOOM_RULE.replace("Running:Hosting", "running"), STATEMENT, 3, "Expenses:running",
     "expense"),
    (SOURCE_ACCOUNT.replace('account: "Assets:bank"', 'income: "Income:bank"') + ZOOM_RULE,
     STATEMENT, 2, "Income:bank", "income"),
], ids=["account of income", "account of an expense", "expense", "income"])
def test_an_account_name_beancount_refuses_is_named_at_its_row(tmp_path, columnwise, books,
                                                              text, row, account, key):
    path = bank(tmp_path, text)
    with pytest.raises(Problem) as e:
        built(write_books(tmp_path / "books", books), path, columnwise)
    assert str(e.value) == (f"{path}:{row}: {account!r} ('{key}' of the bank profile or the "
                            "books' rules) is not a beancount account name")


@BOTH
def test_money_out_of_a_source_without_a_net_column_is_its_gross(tmp_path, columnwise):
    header = (FIXTURES / "enthuse.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "enthuse.csv"
    path.write_text(header + "\nWebsite,13/04/2023,Platform charge,ENT-C-1,-5.00,,,,,,,,\n",
                    encoding="utf-8")
    rule = ('2017-01-01 custom "fundledger-rule" "enthuse"\n  column: "Type"\n'
            '  values: "Platform charge"\n  sign: "debit"\n  account: "Expenses:Fees:Platform"\n')
    got = built(write_books(tmp_path / "books", rule), path, columnwise)
    charge = got["enthuse:ENT-C-1"]
    assert postings(charge) == {"Assets:Platforms:Enthuse": D("-5.00"),
                                "Expenses:Fees:Platform": D("5.00")}
    assert charge.meta["fund"] == "general" and "donor" not in charge.meta


def own_profile(tmp_path: Path, profile: str, export: str, extra: str = "") -> tuple[Path, Path]:
    """Books declaring a profile of their own (`profile`, TOML), and an export (`export`,
    CSV text) in its layout: (main, export path)."""
    main = write_books(tmp_path / "books",
                       '2017-01-01 custom "fundledger-profile" "own.toml"\n' + extra)
    (tmp_path / "books" / "own.toml").write_text(profile)
    path = tmp_path / "export.csv"
    path.write_text(export, encoding="utf-8")
    return main, path


TRANCHES = (
    'name = "tranches"\ntitle = "Grant tranches"\npayee = "Lumen Foundation"\n'
    'signature = ["Received", "Reference", "EUR", "GBP"]\ndate = "Received"\n'
    'date_formats = ["%Y-%m-%d"]\nid = "Reference"\ngross = "GBP"\n'
    'fixed_currency = "GBP"\nforeign_amount = "EUR"\nforeign_currency = "Currency"\n'
    '[[rules]]\nkind = "income"\nnarration = "Grant tranche"\ndonor = false\n'
    '[accounts]\naccount = "Assets:Bank:Current"\nincome = "Income:Grants:Lumen"\n')


@BOTH
def test_a_grant_in_euros_is_booked_at_the_pounds_received(tmp_path, columnwise):
    """The income in the funder's currency at the total received (@@); a tranche paid
    back is the same the other way round, however the export signs its euros."""
    main, path = own_profile(
        tmp_path, TRANCHES, 'Received,Reference,EUR,Currency,GBP\n'
        '2019-06-14,T1,"30,000.00",EUR,26610.00\n2019-09-01,T2,"-1,000.00",EUR,-880.00\n')
    got = built(main, path, columnwise)

    def booked(entry):
        return {(p.account, p.units.number, p.units.currency,
                 (p.units.number * p.price.number).copy_abs() if p.price else None,
                 p.price.currency if p.price else None) for p in entry.postings}

    assert booked(got["tranches:T1"]) == {
        ("Assets:Bank:Current", D("26610.00"), "GBP", None, None),
        ("Income:Grants:Lumen", D("-30000.00"), "EUR", D("26610.00"), "GBP")}
    assert booked(got["tranches:T2"]) == {
        ("Assets:Bank:Current", D("-880.00"), "GBP", None, None),
        ("Income:Grants:Lumen", D("1000.00"), "EUR", D("880.00"), "GBP")}
    assert got["tranches:T1"].narration == "Grant tranche" and "donor" not in got["tranches:T1"].meta


TRANCHES_AND_BUDGET = TRANCHES.replace('signature = ["Received", "Reference", "EUR", "GBP"]',
                                       'signature = ["Received", "Type", "Reference", "EUR"]'
                                       '\nline = "Line"').replace(
    '[[rules]]\nkind = "income"', '[[rules]]\ncolumn = "Type"\nvalues = ["Tranche"]\nkind = "income"'
) + '[[rules]]\ncolumn = "Type"\nvalues = ["Budget"]\nkind = "budget"\n'


@BOTH
def test_a_file_with_foreign_amounts_keeps_its_other_kinds_of_row_apart(tmp_path, columnwise):
    """Rows with no foreign amount are written column-wise only where their kind is one
    that path writes: a budget line beside a grant tranche stays a budget line."""
    main, path = own_profile(tmp_path, TRANCHES_AND_BUDGET,
                             "Received,Type,Reference,EUR,Currency,GBP,Line\n"
                             '2019-06-14,Tranche,T1,"30,000.00",EUR,26610.00,\n'
                             "2019-06-14,Budget,B1,,,5000.00,Solicitors\n")
    got = built(main, path, columnwise)
    budget = got["tranches:B1"]
    assert (budget.type, [v.value for v in budget.values]) == (
        "fund-budget", ["general", "Solicitors", Amount(D("5000.00"), "GBP")])
    assert postings(got["tranches:T1"]) == {"Assets:Bank:Current": D("26610.00"),
                                            "Income:Grants:Lumen": D("-30000.00")}


@BOTH
def test_a_fee_account_beancount_refuses_is_named_at_its_row(tmp_path, columnwise):
    books = '2017-01-01 custom "fundledger-source" "enthuse"\n  fees: "Expenses:fees"\n'
    with pytest.raises(Problem) as e:
        built(write_books(tmp_path / "books", books), FIXTURES / "enthuse.csv", columnwise)
    assert str(e.value) == (f"{FIXTURES / 'enthuse.csv'}:2: 'Expenses:fees' ('fees' of the "
                            "enthuse profile or the books' rules) is not a beancount account name")


def test_a_foreign_grants_income_account_beancount_refuses_is_named_at_its_row(tmp_path):
    main, path = own_profile(
        tmp_path, TRANCHES, "Received,Reference,EUR,Currency,GBP\n2019-06-14,T1,30000.00,EUR,26610.00\n",
        '2017-01-01 custom "fundledger-source" "tranches"\n  income: "Income:grants"\n')
    with pytest.raises(Problem) as e:
        built(main, path)
    assert str(e.value) == (f"{path}:2: 'Income:grants' ('income' of the tranches profile or "
                            "the books' rules) is not a beancount account name")


def test_the_common_rows_are_built_column_wise_unless_asked_not_to(tmp_path):
    main = write_books(tmp_path / "books")
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(FIXTURES / "stripe.csv"), run.importers_for(settings, PSEUDO))
    assert imp.entries(str(FIXTURES / "stripe.csv"), settings).block is not None
    assert imp.entries(str(FIXTURES / "stripe.csv"), settings, False).block is None


def priced(entry) -> dict[str, tuple[Decimal, str, Decimal | None]]:
    """account -> (units, currency, the total price in pounds to the penny, or None)."""
    return {p.account: (p.units.number, p.units.currency,
                        (p.units.number * p.price.number).copy_abs().quantize(D("0.01"))
                        if p.price else None) for p in entry.postings}


@BOTH
def test_a_dollar_gift_converted_in_the_same_download_is_priced_at_its_rate(tmp_path,
                                                                            columnwise):
    """paypal_uk.csv: $20.00 less a $1.08 fee, $18.92 changed into £14.50. Each posting
    at that rate to the penny (the fee: 1.08 x 14.50 / 18.92 = 0.8277 -> £0.83), the
    income booked in pounds, what the two come to (£14.50 + £0.83)."""
    got = built(write_books(tmp_path / "books"), FIXTURES / "paypal_uk.csv", columnwise)
    assert priced(got["paypal:5PP00006"]) == {
        "Assets:PayPal": (D("18.92"), "USD", D("14.50")),
        "Expenses:Fees:Payment": (D("1.08"), "USD", D("0.83")),
        "Income:Donations:PayPal": (D("-15.33"), "GBP", None)}


def test_a_dollar_gift_whose_conversion_came_first_in_the_run_is_priced(tmp_path):
    """February's download (converting January's $23.80 into £18.73) before January's: the
    gift is priced as it is built (the fee: 1.20 x 18.73 / 23.80 = 0.9444 -> £0.94; the
    income in pounds, £18.73 + £0.94)."""
    main = write_books(tmp_path / "books")
    files = [str(FIXTURES / n) for n in ("paypal_feb.csv", "paypal_jan.csv", "paypal_uk.csv")]
    result = run.plan(main, files, "", PSEUDO)
    gift = next(t for t in result.new if t.import_id == "paypal:6PP00002")
    assert {p.account: (p.number, p.currency, p.price) for p in gift.postings} == {
        "Assets:PayPal": (D("23.80"), "USD", (D("18.73"), "GBP")),
        "Expenses:Fees:Payment": (D("1.20"), "USD", (D("0.94"), "GBP")),
        "Income:Donations:PayPal": (D("-19.67"), "GBP", None)}
    # The other downloads' rows are as they would be on their own.
    alone = run.plan(write_books(tmp_path / "alone"), [files[2]], "", PSEUDO)
    assert all(t in result.text["imports/paypal/2023.beancount"]
               for t in alone.text["imports/paypal/2023.beancount"].split("\n\n")[1:])


def closing(got: dict) -> set[tuple[str, str]]:
    return {(str(e.date), str(e.amount.number)) for e in got.values()
            if type(e).__name__ == "Balance"}


def opening(main: Path, path: Path) -> tuple[str, Decimal]:
    """The statement's opening balance: its day and amount."""
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, PSEUDO))
    (t,) = imp.entries(str(path), settings).openings
    return str(t.date), t.postings[0].number


def test_a_statement_listed_newest_first_closes_each_day_on_its_last_row(tmp_path):
    header, *rows = STATEMENT.splitlines()
    newest_first = "\n".join([header, *reversed(rows)]) + "\n"
    main, path = write_books(tmp_path / "books", ZOOM_RULE), bank(tmp_path, newest_first)
    assert closing(built(main, path)) == {("2023-03-02", "120.00"), ("2023-03-03", "105.61"),
                                          ("2023-03-04", "155.61"), ("2023-03-05", "159.61")}
    assert opening(main, path) == ("2023-03-01", D("100.00"))


def test_a_one_day_statement_runs_in_file_order(tmp_path):
    header, *rows = STATEMENT.splitlines()
    main = write_books(tmp_path / "books", ZOOM_RULE)
    path = bank(tmp_path, "\n".join([header, *rows[3:]]) + "\n")
    assert closing(built(main, path)) == {("2023-03-05", "159.61")}
    assert opening(main, path) == ("2023-03-04", D("155.61"))  # 160.61 less the 5.00 paid in


def test_a_row_without_a_balance_leaves_the_other_days_asserted(tmp_path):
    text = STATEMENT.replace(",14.39,105.61", ",14.39,")
    got = built(write_books(tmp_path / "books", ZOOM_RULE), bank(tmp_path, text))
    assert closing(got) == {("2023-03-02", "120.00"), ("2023-03-04", "155.61"),
                            ("2023-03-05", "159.61")}


def test_the_opening_is_the_general_funds_and_says_what_it_is(tmp_path):
    main = write_books(tmp_path / "books")
    gifts = (f"{STATEMENT.splitlines()[0]}\n01/03/2023,FPI ANNA SMITH REF 1,20.00,,120.00\n"
             "04/03/2023,FPI ANNA SMITH REF 2,5.00,,125.00\n")
    run.run(main, [str(bank(tmp_path, gifts))], fund="case", pseudo=PSEUDO)
    (t,) = [e for e in txns(load_clean(main)) if ":opening:" in e.meta["import-id"]]
    assert (t.payee, t.narration) == ("Bank", "Balance brought forward from the statement")
    assert t.meta["fund"] == "general"  # money held before the books, whatever --fund says


def test_a_statement_opening_on_a_row_that_moves_nothing(tmp_path):
    rule = ('2017-01-01 custom "fundledger-rule" "bank"\n  values: "INTEREST"\n'
            '  kind: "income"\n')
    header, *rows = STATEMENT.splitlines()
    text = "\n".join([header, "01/03/2023,INTEREST,0.00,,100.00", *rows]) + "\n"
    main, path = write_books(tmp_path / "books", ZOOM_RULE + rule), bank(tmp_path, text)
    assert opening(main, path) == ("2023-03-01", D("100.00"))


def test_a_statement_with_one_signed_amount_column_opens_before_its_first_row(tmp_path):
    profile = ('name = "ledgerish"\ntitle = "A statement"\npayee = "Bank"\n'
               'signature = ["Date", "Ref", "Amount", "Balance"]\ndate = "Date"\n'
               'date_formats = ["%Y-%m-%d"]\nid = "Ref"\ngross = "Amount"\n'
               'balance = "Balance"\nfixed_currency = "GBP"\n'
               '[[rules]]\nkind = "income"\nsign = "credit"\ndonor = false\n'
               '[accounts]\naccount = "Assets:Bank:Current"\nincome = "Income:Grants:Lumen"\n')
    main, path = own_profile(tmp_path, profile, "Date,Ref,Amount,Balance\n2023-03-01,R1,20.00,120.00\n")
    assert opening(main, path) == ("2023-03-01", D("100.00"))


def test_a_statement_newest_first_is_written_in_date_and_row_order(tmp_path):
    """Each day's closing balance is written after the rows before it in the export."""
    header, *rows = STATEMENT.splitlines()
    main = write_books(tmp_path / "books", ZOOM_RULE)
    path = bank(tmp_path, "\n".join([header, *reversed(rows)]) + "\n")
    text = run.plan(main, [str(path)], "", PSEUDO).text["imports/bank/2023.beancount"]
    # 1 March's closing (row 6) is dated 2 March, the day of the Zoom payment (row 5).
    assert text.index("2023-03-02 * ") < text.index("2023-03-02 balance")


def bank_profile():
    from importers import profile as profile_lib

    return next(p for p in profile_lib.builtin() if p.name == "bank")


@pytest.mark.parametrize("keys, expected", [
    ({"values": "INTEREST", "sign": "credit"},
     Rule(kind="income", column="Description", values=("INTEREST",), sign="credit",
          donor=True)),
    ({"values": "ZOOM | SLACK ", "sign": "debit", "account": "Expenses:Running:Hosting",
      "payee": "Zoom", "narration": "Calls", "fund": "case"},
     Rule(kind="expense", column="Description", values=("ZOOM", "SLACK"), sign="debit",
          payee="Zoom", narration="Calls", fund="case", donor=False,
          accounts={"expense": "Expenses:Running:Hosting"})),
    ({"pattern": "interest", "kind": "income", "account": "Income:Grants:Lumen",
      "column": "Paid in"},
     Rule(kind="income", column="Paid in", pattern="interest", donor=True,
          accounts={"income": "Income:Grants:Lumen"})),
    ({"pattern": "refund", "kind": "income", "sign": "debit"},
     Rule(kind="income", column="Description", pattern="refund", sign="debit", donor=False)),
    ({"values": "TFR", "kind": "transfer", "account": "Assets:Transfers"},
     Rule(kind="transfer", column="Description", values=("TFR",), donor=False,
          accounts={"transfer": "Assets:Transfers"})),
    ({"values": "CHARGE", "kind": "fee", "account": "Expenses:Fees:Payment"},
     Rule(kind="fee", column="Description", values=("CHARGE",), donor=False,
          accounts={"fees": "Expenses:Fees:Payment"})),
    ({"values": "MEMO", "kind": "skip", "account": "Expenses:Running:Hosting"},
     Rule(kind="skip", column="Description", values=("MEMO",), donor=False)),
])
def test_a_books_rule_says_what_it_was_written_to_say(keys, expected):
    from importers import classify

    assert classify.book_rule(bank_profile(), keys, "rules.beancount:3") == expected


@pytest.mark.parametrize("keys, message", [
    ({"values": "X", "sign": "both"}, "sign must be \"credit\" or \"debit\", not 'both'"),
    ({"values": "X", "kind": "gift"},
     "kind 'gift' is not one of expense, income, transfer, fee, skip"),
    ({"sign": "debit", "account": "Expenses:Running:Hosting"},
     "a rule needs values or a pattern to match"),
    ({"values": "X", "sign": "debit"}, "an expense rule needs an account"),
    ({"values": "X", "kind": "transfer"}, "a transfer rule needs an account"),
])
def test_a_books_rule_that_cannot_be_used_says_why_and_where(keys, message):
    from importers import classify

    with pytest.raises(Problem) as e:
        classify.rules_for(bank_profile(), [("rules.beancount:3", keys)])
    assert str(e.value) == f"rules.beancount:3: rule cannot be used: rules.beancount:3: {message}"


def test_the_books_rules_come_first_in_their_order_and_suspense_last():
    from importers import classify

    profile = bank_profile()
    rules = classify.rules_for(profile, [("a:1", {"values": "A", "kind": "skip"}),
                                         ("a:2", {"values": "B", "kind": "skip"})])
    assert [r.values for r in rules[:2]] == [("A",), ("B",)]
    assert rules[2:-2] == profile.rules and rules[-2:] == classify.SUSPENSE
    with pytest.raises(Problem) as e:
        classify.rules_for(profile, [("a:3", {"pattern": "(unclosed"})])
    assert str(e.value).startswith("a:3: rule cannot be used: missing ), unterminated subpattern")


def test_the_first_rule_that_claims_a_row_keeps_it(tmp_path):
    """A later rule never takes a row an earlier one claimed, by values or by pattern; a
    pattern reads the column whatever its case."""
    rules = "".join(
        f'2017-01-01 custom "fundledger-rule" "bank"\n  {match}\n  sign: "debit"\n'
        f'  account: "{account}"\n'
        for match, account in (('values: "DD ZOOM.US 4412"', "Expenses:Running:Hosting"),
                               ('pattern: "ZOOM"', "Expenses:Legal:Counsel"),
                               ('values: "DD ZOOM.US 4413"', "Expenses:Running:Hosting")))
    rows = by_row(built(write_books(tmp_path / "books", rules), bank(tmp_path)))
    assert postings(rows[3])["Expenses:Running:Hosting"] == D("14.39")
    assert postings(rows[6])["Expenses:Legal:Counsel"] == D("1.00")


@pytest.mark.parametrize("original", [
    {"Type": "Bank Deposit to PP Account", "Gross": "25.00", "Fee": "0.00", "Net": "25.00"},
    {"Type": "Donation Payment", "Gross": "0.00", "Fee": "0.00", "Net": "0.00"},
], ids=["a deposit", "a zero gift"])
def test_a_refund_of_anything_but_money_received_as_income_is_not_a_refund(tmp_path,
                                                                           original):
    path = paypal_rows(tmp_path, [
        {"Transaction ID": "5PP-O1", "Reference Txn ID": "", **original},
        {"Transaction ID": "5PP-R1", "Type": "Payment Refund", "Gross": "-25.00",
         "Fee": "0.00", "Net": "-25.00", "Reference Txn ID": "5PP-O1",
         "Balance Impact": "Debit"}])
    main = write_books(tmp_path / "books", ANY_SIGN_GIFT)
    with pytest.raises(Problem) as e:
        built(main, path)
    assert str(e.value).startswith(f"{path}:3: Type 'Payment Refund', money out")


def test_a_refund_of_a_row_no_rule_claims_is_held_in_suspense(tmp_path):
    path = paypal_rows(tmp_path, [
        {"Transaction ID": "5PP-O1", "Type": "Mystery Credit", "Gross": "25.00",
         "Fee": "0.00", "Net": "25.00", "Reference Txn ID": ""},
        {"Transaction ID": "5PP-R1", "Type": "Payment Refund", "Gross": "-25.00",
         "Fee": "0.00", "Net": "-25.00", "Reference Txn ID": "5PP-O1",
         "Balance Impact": "Debit"}])
    got = built(write_books(tmp_path / "books"), path, suspense=True)
    assert postings(got["paypal:5PP-R1"]) == {"Assets:PayPal": D("-25.00"),
                                              "Expenses:Unclassified": D("25.00")}
    assert "refund-of" not in got["paypal:5PP-R1"].meta


FUNDSHEET = (
    'name = "fundsheet"\ntitle = "Gifts by fund"\npayee = "Bank"\n'
    'signature = ["Date", "Ref", "Amount", "Fund", "Note"]\ndate = "Date"\n'
    'date_formats = ["%Y-%m-%d"]\nid = "Ref"\ngross = "Amount"\nfixed_currency = "GBP"\n'
    'fund_column = "Fund"\nnarration_column = "Note"\n'
    '[[rules]]\nkind = "income"\nsign = "credit"\ndonor = false\n'
    '[accounts]\naccount = "Assets:Bank:Current"\nincome = "Income:Grants:Lumen"\n')


@BOTH
def test_each_row_keeps_its_own_fund_and_narration_from_its_columns(tmp_path, columnwise):
    """A profile of the books' own naming each row's fund and narration: rows of one
    rule with different funds or notes are not one entry's copies."""
    main, path = own_profile(tmp_path, FUNDSHEET,
                             "Date,Ref,Amount,Fund,Note\n2023-03-01,R1,20.00,general,Spring appeal\n"
                             "2023-03-01,R2,30.00,case,Court costs\n"
                             "2023-03-02,R3,20.00,general,\n")
    got = built(main, path, columnwise)
    assert [(got[f"fundsheet:R{n}"].meta["fund"], got[f"fundsheet:R{n}"].narration)
            for n in (1, 2, 3)] == [("general", "Spring appeal"), ("case", "Court costs"),
                                    ("general", "Donation")]


@BOTH
def test_each_campaign_takes_its_own_fund(tmp_path, columnwise):
    """casefunder.csv's campaign is the books' case (fund "case"); a pledge to another
    campaign of the same platform, one the books do not declare, is refused (issue 29: an
    injected campaign value was booked to the general fund)."""
    lines = (FIXTURES / "casefunder.csv").read_text(encoding="utf-8-sig").splitlines()
    other = lines[2].replace("CF-T-002", "CF-T-902").replace("the-case", "other-appeal")
    path = tmp_path / "casefunder.csv"
    path.write_text("\n".join([lines[0], lines[1], other]) + "\n", encoding="utf-8")
    with pytest.raises(Problem, match=r"casefunder.csv:3: campaign in column 'Campaign' "
                       r"\(shaped 'aaaaa-aaaaaa'\) is none of those the books declare for "
                       r"casefunder \(the-case\)"):
        built(write_books(tmp_path / "books"), path, columnwise)
    path.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    got = built(write_books(tmp_path / "books2"), path, columnwise)
    assert got["casefunder:CF-T-001"].meta["fund"] == "case"


def test_a_pending_row_is_skipped_unless_it_moves_the_balance_already(tmp_path):
    """PayPal's pending rows move no money yet, except a hold (it takes the money out of
    the balance at once) and money the bank is paying in: those two are booked, the
    pending gift is not."""
    path = paypal_rows(tmp_path, [
        {"Transaction ID": "5PP-G1", "Status": "Pending"},
        {"Transaction ID": "5PP-H1", "Type": "Hold on Balance for Dispute Investigation",
         "Status": "Pending", "Gross": "-40.00", "Fee": "0.00", "Net": "-40.00",
         "Balance Impact": "Debit"},
        {"Transaction ID": "5PP-D1", "Type": "Bank Deposit to PP Account",
         "Status": "Pending", "Gross": "60.00", "Fee": "0.00", "Net": "60.00"}])
    got = built(write_books(tmp_path / "books"), path)
    assert sorted(k for k in got if ":balance:" not in k) == ["paypal:5PP-D1", "paypal:5PP-H1"]
    assert postings(got["paypal:5PP-H1"]) == {"Assets:PayPal": D("-40.00"),
                                              "Assets:PayPal:Held": D("40.00")}
    assert postings(got["paypal:5PP-D1"])["Assets:PayPal"] == D("60.00")
