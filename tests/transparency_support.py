"""Books and raw exports for the transparency tests, small enough to work out by hand.

Three funds:
- general (unrestricted): donations from 6 donors (10+20+30 in 2017, 40+50+60 in 2018,
  210), crowdfunding from 2 donors (100+100 in 2018, 200), hosting 50 in 2019 paid to
  a supplier who must not be named, 40 transferred to `case`. Balance 320.
- case (restricted, return-to-platform): 5 crowdfunding pledges of 100 (platform fee 5,
  payment fee 2 each: 25 and 10), a grant of 1000 EUR received as 850 GBP, one invoice
  from "=cmd" (profit costs 300, VAT 60, court fees 100) with counsel 200 paid to
  "<script>x</script> Chambers" paid from the bank, 40 in from general. Balance 695:
  465 held in the firm's client account, 190 in the bank, 40 kept with general's money.
- small (restricted, release-to-unrestricted): 3 donors give 20 each via PayPal (60),
  spent on "Small Firm LLP" (60), closed 2019-12-31. Balance 0.
Totals: raised 1820, spent 805, left 1015; 16 distinct donors.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

BOOKS = """\
option "title" "Test Campaign"
option "operating_currency" "GBP"
plugin "ledger.plugin"

2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Stripe GBP
2017-01-01 open Assets:PayPal GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Income:Donations:Stripe GBP
2017-01-01 open Income:Donations:PayPal GBP
2017-01-01 open Income:Crowdfunding:Platform GBP
2017-01-01 open Income:Grants:Funder EUR
2017-01-01 open Expenses:Fees:Platform GBP
2017-01-01 open Expenses:Fees:Payment GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Legal:Counsel GBP
2017-01-01 open Expenses:Legal:CourtFees GBP
2017-01-01 open Expenses:Legal:VAT GBP
2017-01-01 open Expenses:Running:Hosting GBP
2017-01-01 open Equity:Funds:Transfers GBP

2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2018-01-01 custom "fund" "case" "restricted"
  title: "A test case"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "return-to-platform"
2018-01-01 custom "fund" "small" "restricted"
  title: "Small appeal"
  purpose: "Expenses:Legal"
  terms: "release-to-unrestricted"
2019-12-31 custom "fund-close" "small"
"""


def _gift(date, payee, donor, account, asset, amount, fund, fee=None):
    lines = [f'{date} * "{payee}" "Donation"', f'  fund: "{fund}"', f'  donor: "{donor}"']
    if fee:
        platform, payment = fee
        net = amount - platform - payment
        lines += [f"  {asset}  {net}.00 GBP", f"  Expenses:Fees:Platform  {platform}.00 GBP",
                  f"  Expenses:Fees:Payment  {payment}.00 GBP"]
    else:
        lines.append(f"  {asset}  {amount}.00 GBP")
    lines.append(f"  {account}  -{amount}.00 GBP")
    return "\n".join(lines) + "\n\n"


def donors(n: int, start: int) -> list[str]:
    return [f"d-{i:08x}" for i in range(start, start + n)]


def books_text() -> str:
    text = BOOKS + "\n"
    g = donors(8, 1)
    for i, (date, amount) in enumerate([("2017-02-01", 10), ("2017-03-01", 20),
                                        ("2017-04-01", 30), ("2018-02-01", 40),
                                        ("2018-03-01", 50), ("2018-04-01", 60)]):
        # A donor's name as payee must never reach the statement (it should not be in the
        # books at all, but the statement must be safe even when it is).
        payee = "Jane Roe" if i == 0 else "Stripe"
        text += _gift(date, payee, g[i], "Income:Donations:Stripe", "Assets:Stripe", amount,
                      "general")
    text += _gift("2018-05-01", "Platform", g[6], "Income:Crowdfunding:Platform",
                  "Assets:Bank:Current", 100, "general")
    text += _gift("2018-05-02", "Platform", g[7], "Income:Crowdfunding:Platform",
                  "Assets:Bank:Current", 100, "general")
    for i, donor in enumerate(donors(5, 10)):
        text += _gift(f"2018-02-0{i + 1}", "Platform", donor, "Income:Crowdfunding:Platform",
                      "Assets:Held:Firm", 100, "case", fee=(5, 2))
    for i, donor in enumerate(donors(3, 20)):
        text += _gift(f"2018-06-0{i + 1}", "PayPal", donor, "Income:Donations:PayPal",
                      "Assets:PayPal", 20, "small")
    text += """\
2018-03-15 * "Good Foundation" "Grant"
  fund: "case"
  Assets:Bank:Current  850.00 GBP
  Income:Grants:Funder  -1000.00 EUR @@ 850.00 GBP

2018-04-01 * "Trustees" "Top up the case"
  Equity:Funds:Transfers  40.00 GBP
    fund: "general"
  Equity:Funds:Transfers  -40.00 GBP
    fund: "case"

2018-06-20 * "=cmd" "Invoice 1"
  fund: "case"
  Expenses:Legal:Solicitors  300.00 GBP
  Expenses:Legal:VAT  60.00 GBP
  Expenses:Legal:CourtFees  100.00 GBP
  Expenses:Legal:Counsel  200.00 GBP
    firm: "<script>x</script> Chambers"
  Assets:Bank:Current  -660.00 GBP

2019-03-01 * "Secret Supplier Ltd" "Hosting"
  fund: "general"
  Expenses:Running:Hosting  50.00 GBP
  Assets:Bank:Current  -50.00 GBP

2019-06-01 * "Small Firm LLP" "Advice"
  fund: "small"
  Expenses:Legal:Solicitors  60.00 GBP
  Assets:PayPal  -60.00 GBP
"""
    return text


# A raw PayPal export in its real layout, for the gifts to `small`: the donor columns hold
# what must never be published.
PAYPAL_HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross",
                 "Fee", "Net", "From Email Address", "To Email Address", "Transaction ID",
                 "Shipping Address", "Note", "Reference Txn ID", "Receipt ID", "Balance"]
PAYPAL_ROWS = [
    ["01/06/2018", "10:00:00", "BST", "Ottoline Quarrington", "Donation Payment", "Completed",
     "GBP", "20.00", "0.00", "20.00", "ottoline.q@example.org", "treasurer@example.org",
     "7XK11111AA", "12 Wistful Lane, Emberton EM1 2XY", "For the appeal, good luck!", "",
     "", "20.00"],
    ["02/06/2018", "11:00:00", "BST", "Bartholomew Frisk", "Donation Payment", "Completed",
     "GBP", "20.00", "0.00", "20.00", "bfrisk@example.net", "treasurer@example.org",
     "7XK22222BB", "Flat 3, 9 Copper Row, Dunmere DN4 7QP", "In memory of Aunt Ivy", "", "",
     "40.00"],
    ["03/06/2018", "12:00:00", "BST", "Jane Roe", "Donation Payment", "Completed", "GBP",
     "20.00", "0.00", "20.00", "jane.roe@example.com", "treasurer@example.org", "7XK33333CC",
     "", "", "", "", "60.00"],
]


def write_books(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "main.beancount"
    main.write_text(books_text())
    exports = folder / "exports"
    exports.mkdir(exist_ok=True)
    with open(exports / "paypal-2018.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(PAYPAL_HEADER)
        writer.writerows(PAYPAL_ROWS)
    return main


# Columns of a raw export that say who a donor is or what they wrote. Matched on the
# lower-cased header, so any exporter's naming is covered ("From Email Address",
# "customer_email", "Donor User Id", "Supporter ID", "Shipping Address", "Note", ...).
# Both "From" and "To" email columns count: in a refund row the donor is the recipient.
# A bank statement's description ("FPI INES STRAND DONATION") names the donor too.
DONOR_COLUMN = re.compile(
    r"name|e-?mail|address|message|note|comment|donor|supporter|customer|payer|phone|"
    r"postcode|zip|city|street|description|reference|memo|details|narrative")


def _tables(exports: Path):
    """(header, rows) of every CSV and XLSX export under `exports`, cells as text."""
    for path in sorted(exports.rglob("*")):
        if path.suffix.lower() == ".csv":
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")  # UK bank downloads: "£" as byte 0xA3
            rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
            if rows:
                # Bank downloads open with a few "Account Name:" lines: the header is the
                # first row as wide as the widest.
                width = max(len(r) for r in rows)
                start = next(i for i, r in enumerate(rows) if len(r) == width)
                yield rows[start], rows[start + 1:] + rows[:start]
        elif path.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for sheet in book.worksheets:
                rows = [["" if v is None else str(v) for v in r]
                        for r in sheet.iter_rows(values_only=True)]
                if rows:
                    yield rows[0], rows[1:]
            book.close()


def donor_values(exports: Path) -> set[str]:
    """Every value in a donor column of every CSV or XLSX export under `exports`."""
    values: set[str] = set()
    for header, rows in _tables(exports):
        columns = [i for i, c in enumerate(header) if c and DONOR_COLUMN.search(c.lower())]
        for row in rows:
            for i in columns:
                value = (row[i] if i < len(row) else "").strip()
                # Short or numeric values ("UK", "1", "0.00") are not identifying text.
                if len(value) >= 4 and not re.fullmatch(r"[-+0-9.,:/ ]+", value):
                    values.add(value)
    return values


def public_names(entries) -> set[str]:
    """What the statement may print that an export column could also hold: the law firms
    and grant funders it names, fund titles, the organisation, account name parts
    (a PayPal "Name" column says "Bank Account" on a withdrawal row)."""
    from beancount.core.data import Custom, Open, Transaction

    found: set[str] = set()
    for e in entries:
        if isinstance(e, Open):
            found |= set(e.account.split(":"))
        elif isinstance(e, Custom) and e.meta.get("title"):
            found.add(e.meta["title"])
        elif isinstance(e, Transaction) and not e.meta.get("donor"):
            legal_or_grant = any(p.account.startswith(("Expenses:Legal", "Income:Grants"))
                                 for p in e.postings)
            if e.payee and legal_or_grant:
                found.add(e.payee)
            found |= {p.meta["firm"] for p in e.postings if p.meta and p.meta.get("firm")}
    return found


def pseudonyms(entries) -> set[str]:
    """Every `donor:` pseudonym in the books (transaction or posting metadata)."""
    found = set()
    for e in entries:
        meta = getattr(e, "meta", None) or {}
        if meta.get("donor"):
            found.add(meta["donor"])
        for p in getattr(e, "postings", ()) or ():
            if p.meta and p.meta.get("donor"):
                found.add(p.meta["donor"])
    return found


def leaks(outputs: dict[str, str], secrets: set[str]) -> list[str]:
    """`file: value` for every secret that appears in an output as a whole word or phrase.

    Markup escaping is undone first ("O'Brien" printed as "O&#39;Brien" is found). Names,
    emails, addresses, ids and messages (anything with a space, digit, "@" or "-") are
    matched in any case ("INES STRAND" in a bank line is "Ines Strand"); a single plain
    word is matched as written, so a bank line's "PAYOUT" is not the page's "payout"."""
    import html

    found = []
    for name, text in outputs.items():
        plain = html.unescape(text) if name.endswith((".html", ".md")) else text
        for v in sorted(secrets):
            flags = re.IGNORECASE if re.search(r"[\s\d@-]", v) else 0
            if re.search(r"(?<![\w@.-])" + re.escape(v) + r"(?![\w@-])", plain, flags):
                found.append(f"{name}: {v}")
    return found
