"""What broke when real files met the importer (issue "Real exports as they come"), each
as a file in the real layout, through the real CLI into real books."""

from __future__ import annotations

import csv
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from conftest import init_books, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from importers_support import snapshot

from importers import numbers

PAYPAL_HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross",
                 "Fee", "Net", "From Email Address", "To Email Address", "Transaction ID",
                 "Shipping Address", "Address Status", "Item Title", "Item ID",
                 "Reference Txn ID", "Receipt ID", "Balance", "Contact Phone Number", "Subject",
                 "Note", "Balance Impact"]


def paypal_row(date, name, typ, gross, fee, net, tid, ref, balance, impact, email=""):
    return [date, "10:00:00", "Europe/London", name, typ, "Completed", "GBP", gross, fee, net,
            email, "treasurer@org.example", tid, "", "", "", "", ref, "", balance, "", "", "",
            impact]


def write_csv(path: Path, rows, delimiter=",", encoding="utf-8-sig") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL,
               lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# A UK download as PayPal writes it: a gift, our own Zoom subscription and a software
# purchase (payments out, same Types as gifts), a refund of the gift, and a "refund" naming
# a billing agreement, not a gift we received. The Balance column adds up.
PAYPAL_ROWS = [
    paypal_row("03/02/2023", "Ann Donor", "Donation Payment", "40.00", "-1.36", "38.64",
               "7AA00001", "", "38.64", "Credit", "ann@donor.example"),
    paypal_row("04/02/2023", "Zoom Video", "Subscription Payment", "-12.00", "0.00", "-12.00",
               "7AA00002", "B-9K2", "26.64", "Debit"),
    paypal_row("05/02/2023", "Softshop Ltd", "Express Checkout Payment", "-5.00", "0.00", "-5.00",
               "7AA00003", "", "21.64", "Debit"),
    paypal_row("06/02/2023", "Ann Donor", "Payment Refund", "-10.00", "0.34", "-9.66",
               "7AA00004", "7AA00001", "11.98", "Debit", "ann@donor.example"),
    paypal_row("07/02/2023", "Zoom Video", "Payment Refund", "-1.00", "0.00", "-1.00",
               "7AA00005", "B-9K2", "10.98", "Debit"),
]


@pytest.fixture
def new_books(tmp_path):
    return init_books(tmp_path, "--name", "Test Org")


def entries_of(books: Path):
    entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == [], [e.message for e in errors]
    return entries


def income_by_entry(entries) -> dict[str, Decimal]:
    return {e.meta["import-id"]: sum((p.units.number for p in e.postings
                                      if p.account.startswith("Income:")), Decimal(0))
            for e in entries if isinstance(e, data.Transaction) and "import-id" in e.meta}


def test_payments_out_are_spending_never_negative_income(tmp_path, new_books):
    books, env = new_books
    export = write_csv(tmp_path / "Download.CSV", [PAYPAL_HEADER, *PAYPAL_ROWS])
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    entries = entries_of(books)
    income = income_by_entry(entries)
    assert income["paypal:7AA00001"] == Decimal("-40.00")  # the gift, gross
    assert income["paypal:7AA00004"] == Decimal("10.00")  # its refund, against income
    for spent in ("paypal:7AA00002", "paypal:7AA00003", "paypal:7AA00005"):
        assert income[spent] == 0, spent  # not a negative donation
    by_id = {e.meta.get("import-id"): e for e in entries if isinstance(e, data.Transaction)}
    assert by_id["paypal:7AA00004"].meta["refund-of"] == "paypal:7AA00001"
    assert "refund-of" not in by_id["paypal:7AA00005"].meta  # names no gift we received
    unclassified = {e.meta["import-id"]: p.units.number for e in entries
                    if isinstance(e, data.Transaction) for p in e.postings
                    if p.account == "Expenses:Unclassified"}
    assert unclassified == {"paypal:7AA00002": Decimal("12.00"),
                            "paypal:7AA00003": Decimal("5.00"),
                            "paypal:7AA00005": Decimal("1.00")}
    check = run_cli("check", books, env=env)
    assert check.returncode == 0 and "3 entries unclassified" in check.stderr, check.stderr


def _rules_block(stderr: str) -> str:
    """The rules the refusal proposes, as the treasurer would paste them."""
    return stderr.split("e.g.:\n\n", 1)[1].split("\nor import with", 1)[0]


def test_unclaimed_rows_are_listed_at_once_and_the_rules_offered_work(tmp_path, new_books):
    books, env = new_books
    export = write_csv(tmp_path / "Download.CSV", [PAYPAL_HEADER, *PAYPAL_ROWS])
    before = snapshot(books)
    r = run_cli("import", export, "--books", books, env=env)
    assert r.returncode == 1
    first = r.stderr.splitlines()[0]
    # By PayPal's Type: every kind at once, with its count and rows; nothing written.
    assert first.startswith(f"{export}:3: Type 'Subscription Payment', money out"), first
    assert "(3 row(s) of 3 kind(s))" in first
    assert "Type 'Subscription Payment', money out: 1 row(s) (rows 3)" in r.stderr
    assert "Type 'Express Checkout Payment', money out: 1 row(s) (rows 4)" in r.stderr
    assert "Type 'Payment Refund', money out: 1 row(s) (rows 6)" in r.stderr
    assert snapshot(books) == before
    # The block pastes into the books as it is; with real accounts, the import goes in.
    block = _rules_block(r.stderr)
    assert block.count('custom "fundledger-rule" "paypal"') == 3
    accounts = iter(["Expenses:Running:Software", "Expenses:Running:Office",
                     "Expenses:Running:Software"])
    block = re.sub("Expenses:FIXME", lambda _m: next(accounts), block)
    assert "paste rules like these into rules.beancount" in r.stderr
    with open(books / "rules.beancount", "a", encoding="utf-8") as f:  # as the refusal says
        f.write("\n" + block)
    again = run_cli("import", export, "--books", books, env=env)
    assert again.returncode == 0, again.stderr
    booked = {e.meta["import-id"]: [p.account for p in e.postings] for e in entries_of(books)
              if isinstance(e, data.Transaction) and "import-id" in e.meta}
    assert "Expenses:Running:Software" in booked["paypal:7AA00002"]
    assert "Expenses:Running:Office" in booked["paypal:7AA00003"]


def test_a_bank_payer_is_counted_not_named_when_refused(tmp_path, new_books):
    """Money in through a description naming payers is never echoed in a refusal."""
    books, env = new_books
    profile = tmp_path / "bank-in.toml"
    profile.write_text('name = "mybank"\ntitle = "My bank"\n'
                       'signature = ["Date", "Description", "Amount", "Balance"]\n'
                       'date = "Date"\ndate_formats = ["%d/%m/%Y"]\n'
                       'id = ["Date", "Amount", "Balance"]\nnet = "Amount"\n'
                       'fixed_currency = "GBP"\ndonor = ["Description"]\n'
                       'description = "Description"\n'
                       '[accounts]\naccount = "Assets:Bank:Current"\n')
    with open(books / "main.beancount", "a") as f:
        f.write(f'2000-01-01 custom "fundledger-profile" "{profile}"\n')
    export = write_csv(tmp_path / "statement.csv", [
        ["Date", "Description", "Amount", "Balance"],
        ["01/03/2023", "FPI PRIYA PATEL REF GIFT", "25.00", "25.00"],
        ["02/03/2023", "DD BRITISH GAS", "-10.00", "15.00"]])
    r = run_cli("import", export, "--books", books, env=env)
    assert r.returncode == 1
    assert "PRIYA" not in r.stderr.upper() and "PATEL" not in r.stderr.upper()
    assert "money in (payer not shown): 1 row(s) (rows 2)" in r.stderr
    assert "Description 'DD BRITISH GAS', money out: 1 row(s) (rows 3)" in r.stderr


def test_payer_taken_from_the_description_is_one_donor(tmp_path, new_books):
    books, env = new_books
    rows = [["Date", "Description", "Paid in", "Paid out", "Balance"]]
    balance = Decimal(0)
    for n in range(1, 6):
        balance += 10
        rows.append([f"0{n}/03/2023", f"FPI JOHN DOE REF 000{n}", "10.00", "", f"{balance}"])
    balance += 15
    rows.append(["06/03/2023", "FPI  john doe   REF 9", "15.00", "", f"{balance}"])
    balance += 20
    rows.append(["07/03/2023", "FPI JANE ROE REF 0001", "20.00", "", f"{balance}"])
    export = write_csv(tmp_path / "statement.csv", rows)
    r = run_cli("import", export, "--books", books, env=env)
    assert r.returncode == 0, r.stderr
    donors = [e.meta["donor"] for e in entries_of(books)
              if isinstance(e, data.Transaction) and "donor" in e.meta]
    assert len(donors) == 7 and len(set(donors)) == 2
    assert "john" not in (books / "imports").joinpath("bank", "2023.beancount").read_text().lower()


def test_decimal_commas_and_semicolons_are_read_exactly(tmp_path, new_books):
    books, env = new_books
    rows = [["Date", "Description", "Paid in", "Paid out", "Balance"],
            ["01/03/2023", "FPI ANNA REF 1", "1.234,50", "", "1.234,50"],
            ["02/03/2023", "DD ENERGY CO", "", "-59,30", "1.175,20"]]
    export = write_csv(tmp_path / "statement.csv", rows, delimiter=";", encoding="cp1252")
    # The built-in bank profile declares a decimal point: a comma is refused, not x100.
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 1
    assert ("amount in column 'Paid in' (shaped '9.999,99') is not a number written with "
            "'.'") in r.stderr
    profile = tmp_path / "eu-bank.toml"
    text = (Path(__file__).parent.parent / "importers/profiles/bank.toml").read_text()
    profile.write_text(text.replace('name = "bank"', 'name = "eu-bank"')
                       .replace('decimal = "."', 'decimal = ","\nthousands = "."'))
    with open(books / "main.beancount", "a") as f:
        f.write(f'2000-01-01 custom "fundledger-profile" "{profile}"\n')
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    amounts = sorted(p.units.number for e in entries_of(books)
                     if isinstance(e, data.Transaction) and ":opening:" not in e.meta["import-id"]
                     for p in e.postings if p.account == "Assets:Bank:Current")
    assert amounts == [Decimal("-59.30"), Decimal("1234.50")]


def test_a_currency_cell_cannot_write_a_directive(tmp_path, new_books):
    books, env = new_books
    profile = tmp_path / "fx-bank.toml"
    profile.write_text('name = "fxbank"\ntitle = "FX bank"\n'
                       'signature = ["Date", "Description", "Amount", "Original amount", '
                       '"Original currency"]\n'
                       'date = "Date"\ndate_formats = ["%d/%m/%Y"]\nid = ["Date", "Amount"]\n'
                       'net = "Amount"\nfixed_currency = "GBP"\n'
                       'foreign_amount = "Original amount"\n'
                       'foreign_currency = "Original currency"\n'
                       '[[rules]]\nsign = "credit"\nkind = "income"\ndonor = false\n'
                       '[accounts]\naccount = "Assets:Bank:Current"\n'
                       'income = "Income:Grants"\n')
    with open(books / "main.beancount", "a") as f:
        f.write(f'2000-01-01 custom "fundledger-profile" "{profile}"\n')
    evil = 'EUR\n2023-03-01 open Assets:Stolen\n2023-03-01 * "x"\n  Assets:Stolen 1 EUR'
    export = write_csv(tmp_path / "grant.csv", [
        ["Date", "Description", "Amount", "Original amount", "Original currency"],
        ["01/03/2023", "LUMEN FOUNDATION", "850.00", "1000.00", evil]])
    before = snapshot(books)
    r = run_cli("import", export, "--books", books, env=env)
    assert r.returncode == 1
    assert f"{export}:2: currency " in r.stderr and "is not a 3-letter code" in r.stderr
    assert snapshot(books) == before


def test_dry_run_checks_the_books_and_writes_nothing(tmp_path, new_books):
    books, env = new_books
    export = write_csv(tmp_path / "Download.CSV", [PAYPAL_HEADER, *PAYPAL_ROWS])
    before = {p: p.read_bytes() for p in books.rglob("*") if p.is_file()}
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", "--dry-run",
                env=env)
    assert r.returncode == 0, r.stderr
    assert "2000-01-01 open Assets:PayPal" in r.stdout  # what it would open, on the start date
    after = {p: p.read_bytes() for p in books.rglob("*") if p.is_file()}
    assert after == before  # not even a lock file
    # A gift in a currency the books forbid: the dry run says what the real import would.
    with open(books / "main.beancount", "a") as f:
        f.write("2000-01-01 open Assets:PayPal USD\n")
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", "--dry-run",
                env=env)
    assert r.returncode == 1
    assert "a real import would be refused" in r.stderr
    assert "Invalid currency GBP" in r.stderr


def test_a_fifo_is_refused_not_waited_on(tmp_path, new_books):
    books, env = new_books
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    r = run_cli("import", fifo, "--books", books, env=env)  # run_cli's timeout guards a hang
    assert r.returncode == 1
    assert f"{fifo}: is not a regular file" in r.stderr


def test_a_workbook_made_to_hang_is_identified_quickly(tmp_path, new_books):
    import openpyxl

    books, env = new_books
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "nothing"
    ws.cell(row=1_048_576, column=16_384, value="x")  # a sheet a million rows deep
    bomb = tmp_path / "bomb.xlsx"
    wb.save(bomb)
    r = run_cli("import", bomb, "--books", books, "--dry-run", env=env)
    assert r.returncode == 1
    # Identified from its head; refused from the dimension it declares, before reading.
    assert "the sheet declares 1,048,576 rows of 16,384 columns" in r.stderr


def test_books_including_files_outside_their_folder_are_not_written(tmp_path, new_books):
    books, env = new_books
    (tmp_path / "elsewhere.beancount").write_text("")
    with open(books / "main.beancount", "a") as f:
        f.write('include "../elsewhere.beancount"\n')
    export = write_csv(tmp_path / "Download.CSV", [PAYPAL_HEADER, *PAYPAL_ROWS])
    before = snapshot(books)
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 1
    assert 'include "../elsewhere.beancount" is outside the books folder' in r.stderr
    assert snapshot(books) == before


def test_init_writes_books_that_check_clean_and_serve_the_import_page(tmp_path):
    books = tmp_path / "org"
    r = run_cli("init", books, "--name", "Friends of the Court", "--fund", "main-fund")
    assert r.returncode == 0, r.stderr
    main = (books / "main.beancount").read_text()
    assert 'option "title" "Friends of the Court"' in main and 'plugin "ledger.plugin"' in main
    assert 'include "rules.beancount"' in main and (books / "rules.beancount").is_file()
    fava = (books / "fava.beancount").read_text()
    for line in ('"fava-extension" "reports.fava_ext"', '"import-config" "import_config.py"',
                 '"import-dirs" "exports"', '"default-page" "extension/Funds/"'):
        assert line in fava
    assert "exports/" in (books / ".gitignore").read_text().splitlines()
    assert (books / "exports").is_dir() and (books / "README.md").is_file()
    check = run_cli("check", books)
    assert check.returncode == 0 and "main-fund" in check.stdout, check.stdout + check.stderr
    # Never over anything.
    again = run_cli("init", books)
    assert again.returncode == 1 and "not an empty folder" in again.stderr
    bad = run_cli("init", tmp_path / "x", "--currency", "pounds!")
    assert bad.returncode == 1 and not (tmp_path / "x").exists()


def test_fava_import_page_offers_one_importer_and_words_a_refusal(tmp_path, new_books):
    books, _env = new_books
    from fundledger.commands.serve import create_app

    export = write_csv(books / "exports" / "Download.CSV", [PAYPAL_HEADER, *PAYPAL_ROWS])
    bad = books / "exports" / "bad.CSV"
    bad.write_text(export.read_text(encoding="utf-8-sig").replace("03/02/2023", "31/02/2023"))
    app, _ledger = create_app(books / "main.beancount")
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    client = app.test_client()
    files = client.get(f"/{slug}/api/imports").get_json()["data"]
    offered = {Path(f["name"]).name: [i["importer_name"] for i in f["importers"]]
               for f in files}
    assert offered["Download.CSV"] == ["fundledger.paypal"]
    ok = client.get(f"/{slug}/api/extract",
                    query_string={"filename": str(export), "importer": "fundledger.paypal"})
    assert ok.status_code == 200
    extracted = ok.get_json()["data"]
    # Transactions and balance assertions only: the save opens what they use.
    assert {e["t"] for e in extracted} == {"Transaction", "Balance"}
    refused = client.get(f"/{slug}/api/extract",
                         query_string={"filename": str(bad), "importer": "fundledger.paypal"})
    assert refused.status_code == 400
    message = refused.get_json()["error"]
    assert message.startswith(f"{bad}:2: date in column 'Date' (shaped '99/99/9999')") and "Traceback" not in message
    # The raw export (donors' names and emails) is imported, never served as a document.
    served = client.get(f"/{slug}/document/", query_string={"filename": str(export)})
    assert served.status_code == 404
    assert b"ann@donor.example" not in served.data


# ---- amounts: every supported style gives exactly the Decimal written -------------------

STYLES = [(".", ","), (".", " "), (".", "\u00a0"), (".", "'"), (".", ""),
          (",", "."), (",", " "), (",", "\u202f"), (",", "")]


def render(value: Decimal, decimal: str, thousands: str, form: str) -> str:
    sign, digits = ("-" if value < 0 else ""), f"{abs(value):.2f}"
    whole, cents = digits.split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    body = thousands.join([whole, *groups]) + decimal + cents
    if form == "parens" and sign:
        return f"({body})"
    if form == "trailing" and sign:
        return f"{body}-"
    if form == "dr" and sign:
        return f"{body} DR"
    if form == "symbol":
        return f"{sign}£{body}" if sign else f"+£{body}"
    if form == "code":
        return f"GBP {sign}{body}"
    return sign + body


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(-10**11, 10**11), style=st.sampled_from(STYLES),
       form=st.sampled_from(["plain", "parens", "trailing", "dr", "symbol", "code"]),
       script=st.sampled_from(["ascii", "arabic", "fullwidth"]))
def test_any_amount_in_any_supported_style_is_that_decimal(cents, style, form, script):
    value = Decimal(cents).scaleb(-2)
    decimal, thousands = style
    text = render(value, decimal, thousands, form)
    if script != "ascii":
        zero = 0x0660 if script == "arabic" else 0xFF10
        text = "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)
    # Declared, the style reads every amount exactly.
    assert numbers.parse(text, decimal, thousands or None) == value
    # Undeclared, an amount is read exactly or refused: never another number.
    try:
        got = numbers.parse(text)
    except numbers.AmountError:
        return
    assert got == value


def test_amounts_that_read_two_ways_are_refused_unless_the_file_settles_them():
    with pytest.raises(numbers.AmountError, match="reads two ways"):
        numbers.parse("1,234")
    assert numbers.parse("1,234", settled=".") == Decimal(1234)
    assert numbers.parse("1,234", settled=",") == Decimal("1.234")
    assert numbers.parse("-59,30") == Decimal("-59.30")  # never 100 times too much
    assert numbers.settle(["12.50", "1,234", "3,50"]) == (".", "3,50")  # a file mixing marks
    with pytest.raises(numbers.AmountError):
        numbers.parse("--5")


def test_rules_suggest_lends_the_books_own_rule_from_another_source(tmp_path, new_books):
    books, env = new_books
    with open(books / "funds.beancount", "a") as f:
        f.write('2020-01-01 custom "fundledger-rule" "paypal"\n  pattern: "zoom"\n'
                '  sign: "debit"\n  account: "Expenses:Running:Software"\n  payee: "Zoom"\n')
    export = write_csv(tmp_path / "statement.csv", [
        ["Date", "Description", "Paid in", "Paid out", "Balance"],
        ["01/03/2023", "FPI ANNA SMITH REF 1", "20.00", "", "20.00"],
        ["02/03/2023", "DD ZOOM.US 4412", "", "14.39", "5.61"],
        ["03/03/2023", "DD BRITISH GAS", "", "3.00", "2.61"]])
    before = snapshot(books)
    r = run_cli("rules", "suggest", export, "--books", books, env=env)
    assert r.returncode == 0, r.stderr
    assert snapshot(books) == before
    zoom, gas = r.stdout.split("\n\n")[:2]
    assert 'pattern: "^DD ZOOM.US"' in zoom.replace("\\\\.", ".")
    assert 'account: "Expenses:Running:Software"' in zoom and "as the paypal rule" in zoom
    assert 'account: "Expenses:FIXME"' in gas
    assert "ANNA" not in r.stdout  # money in is claimed by the bank's own rule anyway
    # Pasted with the blank filled in, the statement imports with nothing unclassified.
    with open(books / "funds.beancount", "a") as f:
        f.write("\n" + r.stdout.replace("Expenses:FIXME", "Expenses:Running:Energy"))
    done = run_cli("import", export, "--books", books, env=env)
    assert done.returncode == 0, done.stderr
    check = run_cli("check", books, env=env)
    assert check.returncode == 0 and "unclassified" not in check.stderr


def test_a_dollar_payment_paid_from_converted_pounds_costs_the_fund_pounds(new_books):
    from ledger import funds

    books, env = new_books
    export = Path(__file__).parent / "fixtures" / "real" / "paypal-en.csv"
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(export.read_text(encoding="utf-8-sig"))))
    paid = next(row for row in rows if row["Currency"] == "USD" and row["Gross"].startswith("-")
                and row["Type"] != "General Currency Conversion")
    converted = next(row for row in rows if row["Type"] == "General Currency Conversion"
                     and row["Currency"] == "GBP")
    assert converted["Reference Txn ID"] == paid["Transaction ID"]
    # The fund holds no dollars PayPal no longer has: the payment cost it the pounds.
    assert set(funds.balances(entries_of(books))["general"]) == {"GBP"}
    spent = [p for e in entries_of(books) if isinstance(e, data.Transaction)
             and e.meta.get("import-id") == f"paypal:{paid['Transaction ID']}"
             for p in e.postings if p.account == "Expenses:Unclassified"]
    # booked in pounds itself (importers.paypal.price_at_conversion): what PayPal took
    assert (spent[0].units.currency, spent[0].price) == ("GBP", None)
    assert spent[0].units.number == -Decimal(converted["Net"])


def test_the_funds_page_says_what_is_unclassified(tmp_path, new_books):
    books, env = new_books
    export = write_csv(tmp_path / "Download.CSV", [PAYPAL_HEADER, *PAYPAL_ROWS])
    from fundledger.commands.serve import create_app

    app, _ledger = create_app(books / "main.beancount")
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    page = app.test_client().get(f"/{slug}/extension/Funds/").get_data(as_text=True)
    assert "Not yet classified" not in page
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    app, _ledger = create_app(books / "main.beancount")
    page = app.test_client().get(f"/{slug}/extension/Funds/").get_data(as_text=True)
    assert "Not yet classified: 3 entries unclassified (Expenses:Unclassified 18.00 GBP)" in page


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_an_empty_donor_key_is_one_clear_line_and_nothing_changes(tmp_path, new_books, content):
    books, env = new_books
    key = tmp_path / "donor.key"
    key.write_text(content)
    key.chmod(0o600)
    export = write_csv(tmp_path / "Download.CSV", [PAYPAL_HEADER, *PAYPAL_ROWS])
    before = snapshot(books)
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 1
    assert r.stderr.strip() == (f"{key}: the donor key file is empty; restore it from your "
                                "backup (a new key gives returning donors new pseudonyms)")
    assert snapshot(books) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_excel_unicode_text_is_read(tmp_path, new_books, encoding):
    """Excel's "Unicode text": UTF-16 (with a BOM, or without one), tabs between cells."""
    books, env = new_books
    rows = [["Date", "Description", "Paid in", "Paid out", "Balance"],
            ["01/03/2023", "FPI ANNA REF 1", "1,250.00", "", "1,250.00"],
            ["02/03/2023", "STRIPE PAYMENTS UK", "97.35", "", "1,347.35"]]
    export = write_csv(tmp_path / "statement.txt", rows, delimiter="\t", encoding=encoding)
    r = run_cli("import", export, "--books", books, env=env)
    assert r.returncode == 0, r.stderr
    moved = sorted(p.units.number for e in entries_of(books) if isinstance(e, data.Transaction)
                   for p in e.postings if p.account == "Assets:Bank:Current")
    assert moved == [Decimal("97.35"), Decimal("1250.00")]


WORD = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ&.'-()*+?[", min_size=1, max_size=8)
REF = st.text(alphabet="0123456789ABCX/-", min_size=1, max_size=8).filter(
    lambda w: any(c.isdigit() for c in w))


@given(st.lists(WORD, min_size=1, max_size=5),
       st.lists(st.lists(st.tuples(st.integers(0, 5), REF), max_size=3), min_size=1,
                max_size=4))
@settings(max_examples=300, deadline=None)
def test_a_proposed_pattern_matches_every_row_it_was_proposed_for(words, refs_per_row):
    """A bank description's references can sit anywhere ("STAPLES UK 4412 CD 1234"): the
    rows grouped under one payee must all be matched by the one pattern offered for them."""
    from importers.classify import pattern_for, payee_text

    texts = []
    for refs in refs_per_row:
        row = list(words)
        for at, ref in sorted(refs, reverse=True):
            row.insert(min(at, len(row)), ref)
        texts.append(" ".join(row))
    assert len({payee_text(t) for t in texts}) == 1
    pattern = pattern_for(texts)
    assert all(re.search(pattern, t, re.IGNORECASE) for t in texts), (pattern, texts)


def test_the_pattern_offered_for_a_card_payment_matches_it():
    from importers.classify import pattern_for

    assert pattern_for(["STAPLES UK 4412 CD 1234", "STAPLES UK CD 0001"]) == "^STAPLES UK"
    assert pattern_for(["30-91-74 01188342 SAVINGS"]) == "SAVINGS"


def test_fava_extract_answers_an_importer_crash_without_a_traceback(tmp_path):
    """Issue 29 finding 8: Fava's api/extract answered an importer's crash with Fava's own
    message, a Python traceback (holding what the failing line read). Through the error
    handler `fundledger serve` installs, the page gets one plain line."""
    from fava.core.ingest import ImporterExtractError

    from importers.fava import plain_import_errors
    from tests.fava_support import fava_app
    from tests.transparency_support import write_books

    app, _slug = fava_app(write_books(tmp_path / "books"))
    plain_import_errors(app)

    @app.route("/crash")
    def crash():
        try:  # how Fava raises it: from inside the importer's failure
            raise ValueError("cell jane.doe@example.org")
        except ValueError as exc:
            raise ImporterExtractError from exc

    response = app.test_client().get("/crash")
    assert response.status_code == 500
    message = response.get_json()["error"]
    assert "Traceback" not in message and "jane" not in message
    assert message.startswith("this file could not be imported (ValueError)")
