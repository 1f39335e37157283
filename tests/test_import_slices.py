"""A download longer than one slice of rows (ledger.quick_tails.SLICE): parsing keeps
its near-unique columns (ids, amounts, names, emails) in Arrow and walks them a slice at
a time (importers.table.Texts), and the posting lines are made a slice of groups at a
time. A row in a later slice must come out exactly as written, with its own amounts, id,
row and donor; a refund there must find the payment it names in the first slice.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from importers import run
from importers.errors import Problem
from importers.pseudonym import Pseudonymiser
from ledger import cache as load_cache
from ledger import quick
from ledger.books import BooksError
from ledger.quick_tails import SLICE
from tests.importers_support import write_books

KEY = b"test-key"
HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee",
          "Net", "From Email Address", "To Email Address", "Transaction ID",
          "Reference Txn ID", "Balance", "Balance Impact"]
ROWS = SLICE + 3000  # every donor, id and amount different: the columns stay in Arrow
GIFT = SLICE + 1234  # rows (0-based, below the header) written by hand
NO_FEE = SLICE + 1500
REFUND = SLICE + 2500
REFUNDED = 5
LAST_OF_DAY = 17 * 2000 - 1  # 17 January's last row: in the second slice


def row(i: int, name: str, email: str, gross: str, fee: str, net: str, tid: str,
        kind: str = "Donation Payment", ref: str = "") -> list[str]:
    day = 1 + i // 2000  # two thousand rows a day from 1 January 2023 (18 days)
    date = f"{1 + (day - 1) % 28:02d}/{1 + (day - 1) // 28:02d}/2023"
    return [date, f"{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}", "Europe/London",
            name, kind, "Completed", "GBP", gross, fee, net, email, "us@charity.example",
            tid, ref, "", "Credit" if not gross.startswith("-") else "Debit"]


def download(path: Path, refund_of: str = "5REFUNDME0000000", off_by: int = 0) -> Path:
    """The download, its Balance column the running sum of Net (in pence; the last row
    of 17 January, row LAST_OF_DAY, off_by pence out)."""
    rows = []
    for i in range(ROWS):
        pence, fee = 1000 + i, 20 + i % 50  # all different, none by hand
        rows.append(row(i, f"Donor {i}", f"donor{i}@example.org", f"{pence // 100}.{pence % 100:02d}",
                        f"-0.{fee:02d}", f"{(pence - fee) // 100}.{(pence - fee) % 100:02d}",
                        f"{i:08d}TX{i * 7919 % 100000:06d}"))
    rows[REFUNDED] = row(REFUNDED, "Ann First", "ann@example.org", "25.00", "-0.55", "24.45",
                         "5REFUNDME0000000")
    rows[GIFT] = row(GIFT, "Zoë Hand", "zoe.hand@example.org", "1,234.56", "-17.48",
                     "1,217.08", "9KL34000XY123456")
    rows[NO_FEE] = row(NO_FEE, "Otto Free", "otto@example.org", "0.50", "0.00", "0.50",
                       "7NOFEE0000000000")
    rows[REFUND] = row(REFUND, "Ann First", "ann@example.org", "-25.00", "0.00", "-25.00",
                       "8BACK00000000000", "Payment Refund", refund_of)
    pence = 0
    for i, r in enumerate(rows):
        pence += int(r[9].replace(",", "").replace(".", ""))
        held = pence + (off_by if i == LAST_OF_DAY else 0)
        r[-2] = f"{held // 100}.{held % 100:02d}"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def entry(text: str, import_id: str) -> str:
    """The entry of one import-id, as written."""
    return next(e for e in text.split("\n\n") if f'import-id: "{import_id}"' in e)


def test_a_later_slices_rows_are_written_as_the_export_says(tmp_path):
    main = write_books(tmp_path / "books")
    path = download(tmp_path / "paypal.csv")
    result = run.plan(main, [str(path)], "", Pseudonymiser(KEY))
    assert result.blocks, "the common rows went one by one: this would prove nothing"
    text = result.text["imports/paypal/2023.beancount"]
    pseudo = Pseudonymiser(KEY)
    # row GIFT is spreadsheet row GIFT + 2 (the header is row 1); 2023-01-01 plus 17 days
    gift = entry(text, "paypal:9KL34000XY123456").split("\n")
    assert gift[0] == '2023-01-18 * "PayPal" "Donation"'
    assert f"  import-row: {GIFT + 2}" in gift
    assert f'  donor: "{pseudo.donor("zoe.hand@example.org")}"' in gift
    assert [line.split() for line in gift if line.startswith("  ") and ":" in line.split()[0]
            and len(line.split()) == 3] == [
        ["Assets:PayPal", "1217.08", "GBP"],
        ["Expenses:Fees:Payment", "17.48", "GBP"],
        ["Income:Donations:PayPal", "-1234.56", "GBP"]]
    free = entry(text, "paypal:7NOFEE0000000000")
    assert "Expenses:Fees" not in free  # a zero fee is no posting
    assert free.endswith("Assets:PayPal                            0.50 GBP\n"
                         "  Income:Donations:PayPal                 -0.50 GBP")
    back = entry(text, "paypal:8BACK00000000000")
    assert '  refund-of: "paypal:5REFUNDME0000000"' in back and "donor:" not in back
    assert "Assets:PayPal                          -25.00 GBP" in back
    assert result.added - result.asserted == ROWS


def test_a_refund_in_a_later_slice_naming_no_payment_received_is_refused(tmp_path):
    main = write_books(tmp_path / "books")
    path = download(tmp_path / "paypal.csv", refund_of="NOSUCHPAYMENT000")
    with pytest.raises(Problem) as got:
        run.plan(main, [str(path)], "", Pseudonymiser(KEY))
    assert str(got.value).startswith(f"{path}:{REFUND + 2}: ")


def test_the_books_check_sums_every_slice(tmp_path):
    """The quick check reads the posting lines of every slice (importers.tails.Tails,
    from what the Postings make them of): each day's closing balance, asserted from
    the Balance column, is proven to hold without a full load; one day's balance a pound
    out, in the second slice, is not, and the import is refused at that row."""
    main = write_books(tmp_path / "books").resolve()
    loaded = load_cache.real_load(main)
    path = download(tmp_path / "paypal.csv")
    result = run.plan(main, [str(path)], "", Pseudonymiser(KEY))
    days = ROWS // 2000 + 1  # 17 days of 2000 rows, and the 768 of the 18th
    assert (result.added - result.asserted, result.asserted) == (ROWS, days)
    assert quick.proven_clean(main, result.changes(main), loaded)

    wrong = run.plan(main, [str(download(tmp_path / "wrong.csv", off_by=100))], "",
                     Pseudonymiser(KEY))
    assert not quick.proven_clean(main, wrong.changes(main), loaded)
    before = main.read_bytes()
    with pytest.raises(BooksError) as got:
        run.run(main, [str(tmp_path / "wrong.csv")], dry_run=True, pseudo=Pseudonymiser(KEY))
    assert str(got.value).startswith(f"{tmp_path / 'wrong.csv'}:{LAST_OF_DAY + 2}: Balance "
                                     "failed for 'Assets:PayPal'"), str(got.value)[:500]
    assert main.read_bytes() == before
