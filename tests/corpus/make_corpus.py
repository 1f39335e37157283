"""Write the bad-input corpus: malformed exports of every source, and what each must say.

    python tests/corpus/make_corpus.py      # rewrites tests/corpus/<source>/* and expected.toml

Each file starts from a small valid export of its source (real header layouts, invented
people) and breaks it in one way seen in the wild. expected.toml maps each file to the row
`fundledger import` must name and a fragment of the problem it must state; test_corpus.py
checks that the import is refused with that one `FILE:ROW: problem` line and that the books
are byte-for-byte unchanged. The files are committed; rerun this after changing a case.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent

PAYPAL_HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross",
                 "Fee", "Net", "From Email Address", "To Email Address", "Transaction ID",
                 "Reference Txn ID", "Receipt ID", "Balance", "Balance Impact"]
PAYPAL_ROWS = [
    ["03/02/2023", "10:01:02", "Europe/London", "Cora Sample", "Donation Payment",
     "Completed", "GBP", "25.00", "-0.79", "24.21", "cora@example.org", "t@example.org",
     "8CP00001", "", "", "24.21", "Credit"],
    ["04/02/2023", "11:00:00", "Europe/London", "Dev Sample", "Donation Payment", "Completed",
     "GBP", "10.00", "-0.49", "9.51", "dev@example.org", "t@example.org", "8CP00002", "", "",
     "33.72", "Credit"],
    ["05/02/2023", "12:00:00", "Europe/London", "Ema Sample", "Donation Payment", "Completed",
     "GBP", "50.00", "-1.55", "48.45", "ema@example.org", "t@example.org", "8CP00003", "", "",
     "82.17", "Credit"],
]
STRIPE_HEADER = ["balance_transaction_id", "created_utc", "available_on_utc", "currency",
                 "gross", "fee", "net", "reporting_category", "description"]
STRIPE_ROWS = [
    ["txn_9C0001", "2023-03-01 10:00:00", "2023-03-08 00:00:00", "gbp", "50.00", "0.95",
     "49.05", "charge", "Donation"],
    ["txn_9C0002", "2023-03-02 10:00:00", "2023-03-09 00:00:00", "gbp", "20.00", "0.50",
     "19.50", "charge", "Donation"],
    ["txn_9C0003", "2023-03-03 10:00:00", "2023-03-10 00:00:00", "gbp", "100.00", "1.70",
     "98.30", "charge", "Donation"],
]
GOCARDLESS_HEADER = ["id", "amount", "currency", "created_at", "reference", "status",
                     "arrival_date", "transaction_fee_debit", "app_fee_debit"]
GOCARDLESS_ROWS = [
    ["PO900001", "97.60", "GBP", "2023-04-01T09:00:00.000Z", "DD-APR", "paid", "2023-04-03",
     "2.40", "0.00"],
    ["PO900002", "195.20", "GBP", "2023-05-01T09:00:00.000Z", "DD-MAY", "paid", "2023-05-03",
     "4.00", "0.80"],
]
BANK_HEADER = ["Date", "Description", "Paid in", "Paid out", "Balance"]
BANK_ROWS = [
    ["03/03/2023", "DONATION C SAMPLE", "100.00", "", "1100.00"],
    ["04/03/2023", "DONATION D SAMPLE", "40.00", "", "1140.00"],
    ["05/03/2023", "DONATION E SAMPLE", "15.00", "", "1155.00"],
]
ENTHUSE_HEADER = ["Source", "Date", "Type", "Payment ID", "Payment Amount", "Fees",
                  "Supporter ID"]
ENTHUSE_ROWS = [
    ["Website", "10/04/2023", "Donation", "ENT-C-1", "30.00", "0.72", "ES-91"],
    ["Website", "11/04/2023", "Donation", "ENT-C-2", "20.00", "0.52", "ES-92"],
]
OC_HEADER = ["Effective Date & Time", "Transaction ID", "Description", "Credit/Debit", "Kind",
             "Amount Single Column", "Currency", "Opposite Account Handle"]
OC_ROWS = [
    ["2023-05-01T10:00:00.000Z", "oc-c-1", "Contribution", "CREDIT", "CONTRIBUTION", "20.00",
     "GBP", "sample-one"],
    ["2023-05-02T11:00:00.000Z", "oc-c-2", "Contribution", "CREDIT", "CONTRIBUTION", "50.00",
     "GBP", "sample-two"],
]
CASEFUNDER_HEADER = ["Transaction ID", "Date", "Campaign", "Type", "Supporter ID", "Amount",
                     "Platform fee", "Processing fee", "Net", "Refund of", "Payout ID"]
CASEFUNDER_ROWS = [
    ["CF-C-001", "01/03/2023", "northgate-jr", "pledge", "SUP-91", "100.00", "5.00", "1.50",
     "93.50", "", "PO-9"],
    ["CF-C-002", "01/03/2023", "northgate-jr", "pledge", "SUP-92", "50.00", "2.50", "0.75",
     "46.75", "", "PO-9"],
]
SOLICITORS_HEADER = ["Invoice", "Date", "Firm", "Matter", "Fund", "Profit costs",
                     "Counsel's fees", "Counsel", "Disbursements", "VAT", "Total", "Paid from",
                     "Paid on"]
SOLICITORS_ROWS = [
    ["HV-C1", "31/03/2023", "Harbour & Vale LLP", "Advice", "general", "1000.00", "0.00", "",
     "0.00", "200.00", "1200.00", "", ""],
    ["HV-C2", "30/04/2023", "Harbour & Vale LLP", "Letter", "general", "500.00", "0.00", "",
     "0.00", "100.00", "600.00", "", ""],
]
JUSTGIVING_HEADER = ["Donor User Id", "Donation Ref", "Donation Date", "Donation Amount",
                     "Transaction Fee"]
JUSTGIVING_ROWS = [
    ["JG-U-91", "JG-C-0001", "12/05/2023 10:00:00", 25, 0.5],
    ["JG-U-92", "JG-C-0002", "13/05/2023 11:00:00", 40, 0.8],
    ["JG-U-93", "JG-C-0003", "14/05/2023 12:00:00", 15, 0.3],
]


def to_csv(rows: list[list]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def edit(rows: list[list], row: int, column: str, value, header: list[str]) -> list[list]:
    """A copy of rows with one cell changed (row counts data rows from 1)."""
    out = [list(r) for r in rows]
    out[row - 1][header.index(column)] = value
    return out


# (source, file name, contents as text or bytes, expected row, expected fragment)
Case = tuple[str, str, "str | bytes", int, str]


def csv_cases() -> list[Case]:
    c: list[Case] = []
    P, PH = PAYPAL_ROWS, PAYPAL_HEADER

    def paypal(name, rows, row, frag, header=PH, pre="", enc=None):
        text = pre + to_csv([header] + rows)
        c.append(("paypal", name, text.encode(enc) if enc else text, row, frag))

    paypal("bad_date.csv", edit(P, 2, "Date", "31/31/2023", PH), 3, "(shaped '99/99/9999')")
    paypal("date_words.csv", edit(P, 1, "Date", "yesterday", PH), 2, "(shaped 'aaaaaaaaa')")
    paypal("amount_letter_o.csv", edit(P, 3, "Gross", "5O.00", PH), 4, "(shaped '9a.99')")
    paypal("amount_two_points.csv", edit(P, 2, "Net", "9.5.1", PH), 3, "(shaped '9.9.9')")
    paypal("amount_yen_sign.csv", edit(P, 1, "Gross", "¥25", PH), 2,
           "amount in column 'Gross' is in JPY")
    paypal("bom_bad_currency.csv", edit(P, 2, "Currency", "POUNDS", PH), 3,
           "(shaped 'aaaaaa')", pre="\ufeff")
    paypal("cp1252_bad_date.csv", edit(edit(P, 1, "Name", "Zoë Sample £", PH), 3, "Date",
                                      "2023-02-30", PH), 4, "(shaped '9999-99-99')", enc="cp1252")
    paypal("missing_amount.csv", edit(edit(P, 2, "Gross", "", PH), 2, "Net", "", PH), 3,
           "missing amount")
    paypal("missing_id.csv", edit(P, 3, "Transaction ID", "", PH), 4, "missing id")
    paypal("unknown_type.csv", edit(P, 2, "Type", "Mystery Credit", PH), 3, "Mystery Credit")
    paypal("shuffled_values.csv", [r[1:2] + r[:1] + r[2:] for r in P[:1]] + P[1:], 2,
           "(shaped '99:99:99')")
    # A hand-written export: 1,000.00 unquoted splits into two values.
    text = to_csv([PH] + P[:1]) + (
        "04/02/2023,11:00:00,Europe/London,Dev Sample,Donation Payment,Completed,GBP,"
        "1,000.00,-29.30,970.70,dev@example.org,t@example.org,8CP00002,,,994.91,Credit\r\n")
    c.append(("paypal", "unquoted_thousands.csv", text, 3, "values under a header of"))
    paypal("duplicate_id.csv", edit(P, 3, "Transaction ID", "8CP00001", PH), 4, "8CP00001")
    paypal("wrong_header.csv", P, 0, "not an export any source recognises",
           header=[h if h != "Gross" else "Amount" for h in PH])
    paypal("blank_rows_then_bad.csv", [P[0], [], [], edit(P, 2, "Date", "2/30/2023", PH)[1]],
           5, "(shaped '9/99/9999')")
    full = to_csv([PH] + P)
    c.append(("paypal", "truncated.csv", full[: full.rindex("Completed") + 15], 4, "missing"))
    paypal("huge_cell.csv", edit(P, 2, "Name", "x" * 140_000, PH), 3, "too large")
    paypal("mixed_currency_in_amount.csv", edit(P, 2, "Gross", "10.00 EUR", PH), 3,
           "EUR")
    paypal("negative_in_words.csv", edit(P, 1, "Fee", "minus 0.79", PH), 2, "(shaped 'aaaaa 9.99')")

    S, SH = STRIPE_ROWS, STRIPE_HEADER

    def stripe(name, rows, row, frag, header=SH, pre=""):
        c.append(("stripe", name, pre + to_csv([header] + rows), row, frag))

    stripe("bad_created.csv", edit(S, 2, "created_utc", "2023-13-01 10:00:00", SH), 3,
           "(shaped '9999-99-99 99:99:99')")
    stripe("currency_symbol.csv", edit(S, 1, "currency", "£", SH), 2, "is not a 3-letter code")
    stripe("gross_comma_decimal.csv", edit(S, 3, "gross", "100,00,0", SH), 4,
           "amount in column 'gross' (shaped '999,99,9') is not a number")
    stripe("footer_not_total.csv", S + [["Generated by Stripe on 2023-03-04"] + [""] * 8], 5,
           "missing amount")
    stripe("swapped_headers.csv", S, 2, "is not gross",
           header=[{"gross": "fee", "fee": "gross"}.get(h, h) for h in SH])
    c.append(("stripe", "empty.csv", "", 0, "not an export any source recognises"))
    stripe("unknown_category.csv", edit(S, 2, "reporting_category", "mystery", SH), 3,
           "mystery")
    stripe("duplicate_id.csv", edit(S, 2, "balance_transaction_id", "txn_9C0001", SH), 3,
           "txn_9C0001")
    stripe("missing_id.csv", edit(S, 1, "balance_transaction_id", "", SH), 2, "missing id")
    stripe("bom_bad_fee.csv", edit(S, 2, "fee", "0.5.0", SH), 3, "(shaped '9.9.9')",
           pre="\ufeff")

    def add(source: str, header: list[str], cases: list[tuple]) -> None:
        for name, rows, row, frag in cases:
            c.append((source, name, to_csv([header] + rows), row, frag))

    G, GH = GOCARDLESS_ROWS, GOCARDLESS_HEADER
    add("gocardless", GH, [
        ("bad_arrival.csv", edit(G, 2, "arrival_date", "03/05/23", GH), 3, "(shaped '99/99/99')"),
        ("amount_text.csv", edit(G, 1, "amount", "ninety", GH), 2, "(shaped 'aaaaaa')"),
        ("currency_long.csv", edit(G, 2, "currency", "STERLING", GH), 3, "(shaped 'aaaaaaaa')"),
        ("duplicate_id.csv", edit(G, 2, "id", "PO900001", GH), 3, "PO900001"),
    ])

    B, BH = BANK_ROWS, BANK_HEADER
    statement = "\"Account Name:\",\"Sample Org ****0009\"\r\n\r\n"
    for name, rows, row, frag, enc in [
        ("cp1252_bad_amount.csv", edit(B, 2, "Paid in", "£4O.00", BH), 5,
         "amount in column 'Paid in' (shaped '£9a.99') is not a number",
         "cp1252"),
        ("both_in_and_out.csv", edit(B, 3, "Paid out", "15.00", BH), 6, "both", None),
        ("bad_date.csv", edit(B, 1, "Date", "32/03/2023", BH), 4, "(shaped '99/99/9999')", None),
        ("no_amount.csv", edit(B, 2, "Paid in", "", BH), 5, "amount", None),
    ]:
        text = statement + to_csv([BH] + rows)
        c.append(("bank", name, text.encode(enc) if enc else text, row, frag))

    E, EH = ENTHUSE_ROWS, ENTHUSE_HEADER
    add("enthuse", EH, [
        ("bad_date.csv", edit(E, 2, "Date", "11.04.2023", EH), 3, "(shaped '99.99.9999')"),
        ("amount_dollar_text.csv", edit(E, 1, "Payment Amount", "$thirty", EH), 2,
         "(shaped '$aaaaaa')"),
        ("duplicate_id.csv", edit(E, 2, "Payment ID", "ENT-C-1", EH), 3, "ENT-C-1"),
    ])

    O, OH = OC_ROWS, OC_HEADER
    add("opencollective", OH, [
        ("bad_timestamp.csv", edit(O, 2, "Effective Date & Time", "next tuesday", OH), 3,
         "(shaped 'aaaa aaaaaaa')"),
        ("bad_amount.csv", edit(O, 1, "Amount Single Column", "20,OO", OH), 2, "(shaped '99,aa')"),
        ("unknown_kind.csv", edit(O, 2, "Kind", "MYSTERY", OH), 3, "MYSTERY"),
    ])

    CF, CFH = CASEFUNDER_ROWS, CASEFUNDER_HEADER
    add("casefunder", CFH, [
        ("bad_date.csv", edit(CF, 2, "Date", "01-03-2023", CFH), 3, "(shaped '99-99-9999')"),
        ("unknown_type.csv", edit(CF, 1, "Type", "bonus", CFH), 2, "bonus"),
        ("fee_text.csv", edit(CF, 2, "Platform fee", "five", CFH), 3, "(shaped 'aaaa')"),
    ])

    SO, SOH = SOLICITORS_ROWS, SOLICITORS_HEADER
    add("solicitors", SOH, [
        # A two-digit year among four-digit ones is read (importers/parse.py); a day the
        # month does not have is not.
        ("bad_invoice_date.csv", edit(SO, 2, "Date", "31/04/2023", SOH), 3,
         "(shaped '99/99/9999')"),
        ("vat_text.csv", edit(SO, 1, "VAT", "20%", SOH), 2, "(shaped '99%')"),
        ("duplicate_invoice.csv", edit(SO, 2, "Invoice", "HV-C1", SOH), 3, "HV-C1"),
    ])
    return c


def xlsx_cases() -> list[tuple[str, str, object, int, str]]:
    """JustGiving reports come as XLSX: workbooks built with openpyxl."""
    import openpyxl

    def book(rows, tweak=None):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(JUSTGIVING_HEADER)
        for r in rows:
            ws.append(r)
        if tweak:
            tweak(ws)
        return wb

    J = JUSTGIVING_ROWS
    cases = []

    def formula(ws):  # a formula with no cached value: what a script-made export holds
        ws["D3"] = "=D2*2"

    def merged(ws):  # a merged amount cell spanning two donations
        ws.merge_cells("D3:D4")

    def bad_date(ws):
        ws["C4"] = "31/02/2023 10:00:00"

    def text_amount(ws):
        ws["D2"] = "twenty-five"

    def duplicate(ws):
        ws["B4"] = "JG-C-0001"

    cases.append(("justgiving", "formula_amount.xlsx", book(J, formula), 3, "amount"))
    cases.append(("justgiving", "merged_amount.xlsx", book(J, merged), 4, "amount"))
    cases.append(("justgiving", "bad_date.xlsx", book(J, bad_date), 4,
                  "(shaped '99/99/9999 99:99:99')"))
    cases.append(("justgiving", "text_amount.xlsx", book(J, text_amount), 2,
                  "(shaped 'aaaaaa-aaaa')"))
    cases.append(("justgiving", "duplicate_ref.xlsx", book(J, duplicate), 4, "JG-C-0001"))
    full = io.BytesIO()
    book(J).save(full)
    cases.append(("justgiving", "truncated.xlsx", full.getvalue()[:600], 0,
                  "not a readable XLSX workbook"))
    return cases


def main() -> None:
    expected = ["# Written by make_corpus.py: file -> the row and problem an import must report.",
                ""]
    count = 0
    for source, name, content, row, fragment in csv_cases() + xlsx_cases():
        path = HERE / source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            content.save(path)
        frag = fragment.replace("\\", "\\\\").replace('"', '\\"')
        expected += [f'["{source}/{name}"]', f"row = {row}", f'problem = "{frag}"', ""]
        count += 1
    (HERE / "expected.toml").write_text("\n".join(expected))
    print(f"{count} files written under {HERE}")


if __name__ == "__main__":
    main()
