"""importers.parse on small exports written by hand, in this process: each row's sign
(money in or out), which rule claims it, the donor's pseudonym and the ids that
deduplicate. Every expected value is worked out here from the row as written.

tests/test_import_inprocess.py follows whole exports through to entries; these look at
what parsing hands on (importers.parse.Parsed), so `make mutate` sees a planted bug in
parse at the row it breaks.
"""

from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from importers import classify, fields, parse, read
from importers import profile as profile_lib
from importers.errors import Problem
from importers.pseudonym import Pseudonymiser
from tests.test_import_inprocess import TRANCHES

D = Decimal
PSEUDO = Pseudonymiser(b"parse-test-key")
BANK_HEADER = "Date,Description,Paid in,Paid out,Balance\n"
STRIPE_HEADER = ("balance_transaction_id,created_utc,currency,gross,fee,net,"
                 "reporting_category,customer_email,customer_id\n")


def builtin(name: str) -> profile_lib.Profile:
    return next(p for p in profile_lib.builtin() if p.name == name)


def parsed(tmp_path: Path, profile, text: str, book_rules=(), received=None,
           suspense: bool = False, name: str = "export.csv") -> parse.Parsed:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    df = read.load(path, profile.signature, profile)
    rules = classify.rules_for(profile, list(book_rules))
    return parse.parse(path, df, profile, PSEUDO, rules, received, suspense)


def refused(tmp_path: Path, profile, text: str, **kw) -> str:
    with pytest.raises(Problem) as e:
        parsed(tmp_path, profile, text, **kw)
    return str(e.value)


def kinds(p: parse.Parsed) -> list[str]:
    return [p.kind(i).kind for i in range(len(p))]


def bank_id(*cells: str) -> str:
    """A bank line's id as the books hold it: the first 16 hex digits of the sha256 of
    its date, paid in, paid out and balance cells joined by the unit separator. Changing
    it would import every line already in the books a second time."""
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:16]


def test_a_bank_lines_id_is_the_hash_of_its_declared_cells_and_its_occurrence(tmp_path):
    text = BANK_HEADER + (
        "01/03/2023,FPI ANNA SMITH REF 1,20.00,,120.00\n"
        "01/03/2023,FPI ANNA SMITH REF 1,20.00,,120.00\n"  # the same line again: a second
        "02/03/2023,DD ZOOM.US 4412,,14.39,105.61\n"
        "01/03/2023,FPI OTHER PAYER,20.00,,120.00\n")  # same cells, other description
    p = parsed(tmp_path, builtin("bank"), text, suspense=True)
    first = bank_id("01/03/2023", "20.00", "", "120.00")
    assert p.ids == [f"{first}-1", f"{first}-2",
                     f"{bank_id('02/03/2023', '', '14.39', '105.61')}-1", f"{first}-3"]


def test_a_bank_lines_id_holds_no_description(tmp_path):
    one = parsed(tmp_path, builtin("bank"), BANK_HEADER + "01/03/2023,A,1.00,,1.00\n")
    two = parsed(tmp_path, builtin("bank"), BANK_HEADER + "01/03/2023,B,1.00,,1.00\n",
                 name="b.csv")
    assert one.ids == two.ids


def test_a_row_without_its_id_is_refused_at_its_row(tmp_path):
    text = STRIPE_HEADER + ("txn_1,2023-03-01,gbp,10.00,0.00,10.00,charge,a@example.org,\n"
                            ",2023-03-01,gbp,10.00,0.00,10.00,charge,a@example.org,\n")
    assert refused(tmp_path, builtin("stripe"), text) == (
        f"{tmp_path / 'export.csv'}:3: missing id in column 'balance_transaction_id'")


def stripe(*rows: str) -> str:
    return STRIPE_HEADER + "".join(r + "\n" for r in rows)


def test_an_amount_under_one_pound_has_its_sign(tmp_path):
    """A 50p gift is money in and a 50p refund money out (not zero): a sign is the
    amount's side of zero, whatever its size."""
    p = parsed(tmp_path, builtin("stripe"), stripe(
        "txn_1,2023-03-01,gbp,0.50,0.00,0.50,charge,a@example.org,",
        "txn_2,2023-03-01,gbp,-0.50,0.00,-0.50,refund,a@example.org,",
        "txn_3,2023-03-01,gbp,0.50,0.00,0.50,other_adjustment,,"))
    assert kinds(p) == ["income", "income", "fee"]
    assert [p.at("gross", i) for i in range(3)] == [D("0.50"), D("-0.50"), D("0.50")]
    # a gift's sign claims it for the source's credit rule; with none, a refund is refused
    assert p.kind(0).sign == "credit" and p.kind(1).refund


ADJUSTMENT_OUT = ("a:1", {"column": "reporting_category", "values": "other_adjustment",
                          "sign": "debit", "account": "Expenses:Running:Hosting"})
ADJUSTMENT_IN = ("a:2", {"column": "reporting_category", "values": "other_adjustment",
                         "sign": "credit", "account": "Income:Grants:Lumen"})


@pytest.mark.parametrize("gross, net, expected", [
    ("0.00", "0.00", "fee"),  # a zero row is neither money in nor money out
    ("-0.01", "-0.01", "expense"),
    ("0.01", "0.01", "income"),
    ("1.00", "-0.10", "expense"),  # the net decides: fees took more than came in
    ("-1.00", "0.10", "income"),
    ("-1.00", "", "expense"),  # no net: the gross decides
    ("", "2.00", "income"),
])
def test_the_net_amounts_sign_decides_money_in_or_out_else_the_gross(tmp_path, gross, net,
                                                                      expected):
    p = parsed(tmp_path, builtin("stripe"), stripe(
        f"txn_1,2023-03-01,gbp,{gross},0.00,{net},other_adjustment,,"),
        book_rules=[ADJUSTMENT_OUT, ADJUSTMENT_IN])
    assert kinds(p) == [expected]


def test_a_row_with_neither_gross_nor_net_is_refused_naming_the_net(tmp_path):
    assert refused(tmp_path, builtin("stripe"), stripe(
        "txn_1,2023-03-01,gbp,1.00,0.00,1.00,charge,,",
        "txn_2,2023-03-01,gbp,,0.00,,charge,,")) == (
        f"{tmp_path / 'export.csv'}:3: missing amount in column 'net'")


def only(profile, **changes):
    return dataclasses.replace(profile, **changes)


def test_a_missing_amount_names_the_column_the_profile_reads(tmp_path):
    gross_only = only(builtin("stripe"), net="")
    assert refused(tmp_path, gross_only, stripe("txn_2,2023-03-01,gbp,,0.00,,charge,,")) == (
        f"{tmp_path / 'export.csv'}:2: missing amount in column 'gross'")
    debit_only = only(builtin("bank"), credit="")
    assert refused(tmp_path, debit_only, BANK_HEADER + "01/03/2023,X,,,1.00\n") == (
        f"{tmp_path / 'export.csv'}:2: missing amount in column 'Paid out'")


@pytest.mark.parametrize("paid_in, paid_out, amount, kind", [
    ("20.00", "", D("20.00"), "income"),
    ("0.50", "", D("0.50"), "income"),  # money in, however little
    ("", "14.39", D("-14.39"), "expense"),
    ("", "-14.39", D("-14.39"), "expense"),  # a paid-out cell written negative
    ("0.00", "14.39", D("-14.39"), "expense"),  # a zero beside an amount is no amount
    ("20.00", "0.00", D("20.00"), "income"),
    ("-3.00", "", D("-3.00"), "expense"),  # money back out of the paid-in column
    ("0.00", "", D("0.00"), "Unclassified receipt"),  # a zero line is not money out
])
def test_paid_in_less_paid_out_is_the_rows_amount(tmp_path, paid_in, paid_out, amount, kind):
    rule = ("r:1", {"values": "X", "sign": "debit", "account": "Expenses:Running:Hosting"})
    p = parsed(tmp_path, builtin("bank"), BANK_HEADER + f"01/03/2023,X,{paid_in},{paid_out},"
               "1.00\n", book_rules=[rule], suspense=True)
    got = p.kind(0).narration if p.kind(0) in classify.SUSPENSE else p.kind(0).kind
    assert (p.at("gross", 0), p.at("net", 0), got) == (amount, amount, kind)
    assert p.gross == p.net == [amount]


def test_a_paid_in_only_statement_reads_its_amounts(tmp_path):
    credit_only = only(builtin("bank"), debit="")
    p = parsed(tmp_path, credit_only, BANK_HEADER + "01/03/2023,X,20.00,,1.00\n")
    assert (p.gross, kinds(p)) == ([D("20.00")], ["income"])


@pytest.mark.parametrize("paid_in, paid_out", [("1.00", "2.00"), ("-1.00", "2.00"),
                                               ("1.00", "-2.00")])
def test_both_paid_in_and_paid_out_is_refused(tmp_path, paid_in, paid_out):
    text = BANK_HEADER + "01/03/2023,X,5.00,,1.00\n" + f"02/03/2023,X,{paid_in},{paid_out},1\n"
    assert refused(tmp_path, builtin("bank"), text) == (
        f"{tmp_path / 'export.csv'}:3: both 'Paid in' and 'Paid out' hold an amount")


def test_skipped_rows_are_dropped_and_the_rest_keep_their_rows(tmp_path):
    skip = ("s:1", {"values": "MEMO", "kind": "skip"})
    p = parsed(tmp_path, builtin("bank"), BANK_HEADER + (
        "01/03/2023,FPI ANNA SMITH REF 1,20.00,,120.00\n"
        "01/03/2023,MEMO,,1.00,119.00\n"
        "02/03/2023,FPI BEN JONES,5.00,,124.00\n"), book_rules=[skip])
    assert len(p) == 2 and p.rows == [2, 4] and [p.row(i) for i in range(2)] == [2, 4]
    assert p.gross == [D("20.00"), D("5.00")]
    assert p.dates == [p.at("date", 0), p.at("date", 1)]
    assert [str(d) for d in p.dates] == ["2023-03-01", "2023-03-02"]
    assert list(p.lists["balance"]) == [D("120.00"), D("124.00")]
    assert p.ids[1] == bank_id("02/03/2023", "5.00", "", "124.00") + "-1"
    assert kinds(p) == ["income", "income"]


def test_the_donor_is_the_first_identity_column_that_holds_one(tmp_path):
    p = parsed(tmp_path, builtin("stripe"), stripe(
        "txn_1,2023-03-01,gbp,1.00,0.00,1.00,charge,A@Example.org,cus_1",
        "txn_2,2023-03-01,gbp,1.00,0.00,1.00,charge,,cus_2",
        "txn_3,2023-03-01,gbp,1.00,0.00,1.00,charge,,",
        "txn_4,2023-03-01,gbp,1.00,0.00,1.00,charge,b@example.org,",
        "txn_5,2023-03-01,gbp,1.00,0.00,1.00,charge,a@example.org,cus_9"))
    # A row with no identity at all is a donor of one (issue 29): its own pseudonym.
    assert p.donors == [PSEUDO.donor("a@example.org"), PSEUDO.donor("cus_2"),
                        PSEUDO.donor("row stripe:txn_3"), PSEUDO.donor("b@example.org"),
                        PSEUDO.donor("a@example.org")]
    assert len(set(p.donors)) == 4 and p.donors[2].startswith("d-")
    for i in range(5):
        assert p.at("donor", i) == p.donors[i]


def test_the_identity_itself_goes_no_further_than_parsing(tmp_path):
    p = parsed(tmp_path, builtin("stripe"), stripe(
        "txn_1,2023-03-01,gbp,1.00,0.00,1.00,charge,a@example.org,cus_1"))
    held = repr(p.columns["donor"].values) + repr(p.donors) + repr(p.text)
    assert "example" not in held and "cus_1" not in held


@pytest.mark.parametrize("description, payer", [
    ("FPI JOHN DOE REF 0001", "JOHN DOE"),
    ("FPI JOHN DOE REFERENCE DONATION", "JOHN DOE"),
    ("BGC JOHN DOE 0412 12MAR", "JOHN DOE"),  # words holding digits are references
    ("JOHN  DOE", "JOHN DOE"),
    ("1234", ""),  # nothing but a reference: no donor
])
def test_a_bank_payers_name_is_their_donor(tmp_path, description, payer):
    p = parsed(tmp_path, builtin("bank"), BANK_HEADER + f"01/03/2023,{description},1.00,,1\n")
    assert p.donors == [PSEUDO.donor(payer)]


def test_without_a_payer_pattern_the_whole_cell_is_the_identity(tmp_path):
    plain = only(builtin("bank"), payer="")
    p = parsed(tmp_path, plain, BANK_HEADER + "01/03/2023,FPI JOHN DOE REF 0001,1.00,,1\n")
    assert p.donors == [PSEUDO.donor("FPI JOHN DOE REF 0001")]


def test_a_payer_pattern_that_finds_no_name_leaves_no_donor(tmp_path):
    picky = only(builtin("bank"), payer=r"^FPI (?P<payer>[A-Z ]+)$|^DD")
    p = parsed(tmp_path, picky, BANK_HEADER + (
        "01/03/2023,FPI JOHN DOE,1.00,,1\n"
        "01/03/2023,DD JOHN DOE,1.00,,2\n"    # matched, but the payer group took nothing
        "01/03/2023,SO JANE ROE 12,1.00,,3\n"))  # not matched: the cell, references gone
    assert p.donors == [PSEUDO.donor("JOHN DOE"), "", PSEUDO.donor("SO JANE ROE")]


def test_parse_on_its_own_books_by_the_sources_rules_and_refuses_the_rest(tmp_path):
    """Called with no rules (as `fundledger sources` checks an example row): the source's
    own rules; and a row they leave is refused, not held in suspense."""
    bank = builtin("bank")
    path = tmp_path / "gift.csv"
    path.write_text(BANK_HEADER + "01/03/2023,FPI ANNA,20.00,,1\n", encoding="utf-8")
    p = parse.parse(path, read.load(path, bank.signature, bank), bank, PSEUDO)
    assert p.rules == (*bank.rules, *classify.SUSPENSE)
    assert [r.narration for r in p.kinds] == ["Donation by bank transfer"]
    path = tmp_path / "payment.csv"
    path.write_text(BANK_HEADER + "01/03/2023,DD ZOOM,,2.00,1\n", encoding="utf-8")
    with pytest.raises(Problem) as e:
        parse.parse(path, read.load(path, bank.signature, bank), bank, PSEUDO)
    assert str(e.value).startswith(f"{path}:2: Description 'DD ZOOM', money out")


def test_an_invoice_has_no_amount_of_its_own_only_its_splits(tmp_path):
    """An invoice row's money is in its split columns (profit costs, counsel, VAT, court
    fees), each a cost: the row has no gross or net to read a sign from."""
    p = parsed(tmp_path, builtin("solicitors"), (
        "Invoice,Date,Firm,Matter,Fund,Profit costs,Counsel's fees,Counsel,Disbursements,"
        "VAT,Total,Paid from,Paid on\n"
        "HV-1,30/04/2025,Harbour & Vale LLP,Claim,case,500.00,300.00,Quay,154.00,160.00,"
        "1114.00,bank,15/05/2025\n"
        "HV-2,01/05/2025,Harbour & Vale LLP,Claim,case,,,,,,,bank,\n"))
    assert kinds(p) == ["invoice", "invoice"]
    assert p.splits == [(D("500.00"), D("300.00"), D("160.00"), D("154.00")),
                        (parse.ZERO,) * 4]
    assert p.gross == p.net == [None, None] and "gross" not in p.columns
    assert p.ids == ["HV-1", "HV-2"]


def tranches(tmp_path: Path) -> profile_lib.Profile:
    (tmp_path / "t.toml").write_text(TRANCHES, encoding="utf-8")
    return profile_lib.load(tmp_path / "t.toml")


def test_money_received_in_another_currency_keeps_that_amount_and_currency(tmp_path):
    p = parsed(tmp_path, tranches(tmp_path), (
        "Received,Reference,EUR,Currency,GBP\n"
        "2019-06-14,T1,30000.00,eur,26610.00\n"
        "2019-06-15,T2,,,100.00\n"        # pounds only: no foreign amount, none asked
        "2019-06-16,T3,0.00,,5.00\n"))    # a zero needs no currency
    assert p.foreign == [(D("30000.00"), "EUR"), None, None]
    assert p.gross == [D("26610.00"), D("100.00"), D("5.00")]


def test_an_amount_in_another_currency_without_its_currency_is_refused(tmp_path):
    assert refused(tmp_path, tranches(tmp_path), (
        "Received,Reference,EUR,Currency,GBP\n"
        "2019-06-14,T1,30000.00,EUR,26610.00\n"
        "2019-06-15,T2,1.00,,0.88\n")) == (
        f"{tmp_path / 'export.csv'}:3: an amount in 'EUR' with no currency in 'Currency'")


def test_an_amount_stating_another_currency_than_its_rows_is_refused(tmp_path):
    assert refused(tmp_path, builtin("stripe"), stripe(
        "txn_1,2023-03-01,gbp,£1.00,0.00,1.00,charge,,",
        "txn_2,2023-03-01,usd,£1.00,0.00,1.00,charge,,")) == (
        f"{tmp_path / 'export.csv'}:3: amount in column 'gross' is in GBP, but the "
        "row's currency is USD")


@pytest.mark.parametrize("cells, plain", [
    (["1,234.00", "-5.00", None, "@[`{"], True),  # the neighbours of A-Z and '$'
    (["1.00", "Z"], False), (["1.00", "A"], False), (["$5"], False),
    (["£1.00"], False), (["1.00\u20ac"], False), (["\u00a55"], False)])
def test_a_column_clear_of_capitals_and_signs_is_told_from_its_bytes(cells, plain):
    """An amount column kept in Arrow is cleared of stated currencies by a scan of its
    bytes only where the per-cell pattern could match no cell; chunked or not."""
    assert fields._plain_bytes(pa.array(cells, pa.string())) is plain
    assert fields._plain_bytes(pa.chunked_array([["7.00"], cells], pa.string())) is plain
    assert plain == (not any(fields.MAY_STATE.search(c) for c in cells if c))


def test_suspense_holds_only_what_no_rule_claims(tmp_path):
    zoom = ("r:1", {"values": "DD ZOOM", "sign": "debit", "account": "Expenses:Running:Hosting"})
    p = parsed(tmp_path, builtin("bank"), BANK_HEADER + (
        "01/03/2023,DD ZOOM,,14.39,1\n"
        "02/03/2023,DD UNKNOWN,,5.00,2\n"
        "03/03/2023,FPI ANNA,20.00,,3\n"), book_rules=[zoom], suspense=True)
    assert [p.kind(i) for i in range(3)] == [
        classify.book_rule(builtin("bank"), zoom[1], "r:1"), classify.SUSPENSE[0],
        builtin("bank").rules[1]]


def paypal_file(tmp_path: Path, rows: list[dict[str, str]]) -> str:
    """PayPal rows in paypal_uk.csv's layout: its first row with these cells changed."""
    import csv
    import io

    from tests.importers_support import FIXTURES

    text = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig")
    header, first = list(csv.reader(text.splitlines()[:2]))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    for cells in rows:
        row = dict(zip(header, first, strict=True)) | cells
        writer.writerow([row[h] for h in header])
    return out.getvalue()


REFUND_OF_NOTHING = {"Transaction ID": "R1", "Type": "Payment Refund", "Gross": "-5.00",
                     "Fee": "0.00", "Net": "-5.00", "Reference Txn ID": "NOPE"}


def refund_first(**changes) -> profile_lib.Profile:
    """PayPal's profile with its refund rule first (and changed as asked)."""
    paypal = builtin("paypal")
    refund = next(r for r in paypal.rules if r.refund)
    rest = tuple(r for r in paypal.rules if r is not refund)
    return only(paypal, rules=(dataclasses.replace(refund, **changes), *rest))


def test_a_refund_naming_no_payment_received_is_refused_wherever_its_rule_is(tmp_path):
    text = paypal_file(tmp_path, [REFUND_OF_NOTHING])
    for profile in (builtin("paypal"), refund_first()):
        assert refused(tmp_path, profile, text).startswith(
            f"{tmp_path / 'export.csv'}:2: Type 'Payment Refund', money out")


def test_a_refund_after_other_money_out_is_still_checked(tmp_path):
    fee = ("r:1", {"column": "Type", "values": "Fee", "sign": "debit",
                   "account": "Expenses:Fees:Payment"})
    text = paypal_file(tmp_path, [
        {"Transaction ID": "F1", "Type": "Fee", "Gross": "-1.00", "Fee": "0.00",
         "Net": "-1.00", "Reference Txn ID": ""}, REFUND_OF_NOTHING])
    assert refused(tmp_path, builtin("paypal"), text, book_rules=[fee]).startswith(
        f"{tmp_path / 'export.csv'}:3: Type 'Payment Refund', money out")


def test_a_refund_rule_claims_a_zero_row_without_asking_what_it_refunds(tmp_path):
    text = paypal_file(tmp_path, [REFUND_OF_NOTHING | {"Gross": "0.00", "Net": "0.00"}])
    p = parsed(tmp_path, refund_first(sign=""), text)
    assert [r.refund for r in p.kinds] == [True]


def test_rows_a_profile_skips_are_dropped_before_anything_else(tmp_path):
    """PayPal's memo lines and rows not completed move no money: dropped, even where
    they would be refused (a memo naming no payment, a pending refund)."""
    text = paypal_file(tmp_path, [
        {"Transaction ID": "K1", "Status": "Completed"},
        {"Transaction ID": "K2", "Balance Impact": "Memo", **REFUND_OF_NOTHING},
        {"Transaction ID": "K3", "Status": "Pending"},
        {"Transaction ID": "K4", "Status": "Completed"}])
    p = parsed(tmp_path, builtin("paypal"), text)
    assert p.ids == ["K1", "K4"] and p.rows == [2, 5]


def test_a_skip_with_values_and_not_in_skips_either_way(tmp_path):
    skip = profile_lib.Skip(column="Status", values=("Odd",), not_in=("Completed", "Odd"))
    text = paypal_file(tmp_path, [{"Transaction ID": "K1", "Status": "Odd"},
                                  {"Transaction ID": "K2", "Status": "Other"},
                                  {"Transaction ID": "K3", "Status": "Completed"}])
    p = parsed(tmp_path, only(builtin("paypal"), skip=(skip,)), text)
    assert p.ids == ["K3"]


def test_every_donor_of_a_file_keeps_their_own_pseudonym(tmp_path):
    p = parsed(tmp_path, builtin("stripe"), stripe(
        "txn_1,2023-03-01,gbp,1.00,0.00,1.00,charge,a@example.org,",
        "txn_2,2023-03-01,gbp,1.00,0.00,1.00,charge,b@example.org,",
        "txn_3,2023-03-01,gbp,1.00,0.00,1.00,charge,c@example.org,"))
    assert p.donors == [PSEUDO.donor(f"{x}@example.org") for x in "abc"]


def test_a_donor_among_nearly_all_different_ones_keeps_one_pseudonym(tmp_path):
    """Identities told apart per row, not first by a hash table (a file of different
    donors): the one donor who gives twice, written another way, is still one."""
    rows = [f"txn_{i},2023-03-01,gbp,1.00,0.00,1.00,charge,d{i}@example.org," for i in range(39)]
    rows.append("txn_39,2023-03-01,gbp,1.00,0.00,1.00,charge,D7@Example.ORG,")
    p = parsed(tmp_path, builtin("stripe"), stripe(*rows))
    assert p.donors == [PSEUDO.donor(f"d{i}@example.org") for i in range(39)] \
        + [PSEUDO.donor("d7@example.org")]
    assert p.donors[39] == p.donors[7] and len(set(p.donors)) == 39


def test_a_skip_on_a_column_the_file_lacks_leaves_the_next_skip_working(tmp_path):
    """A layout without one skip's column skips nothing for it; the skips after it still
    apply (PayPal's memo lines are skipped by the skip after the one on Status)."""
    skips = (profile_lib.Skip(column="No Such Column", values=("x",)),
             profile_lib.Skip(column="Status", not_in=("Completed",)))
    text = paypal_file(tmp_path, [{"Transaction ID": "K1", "Status": "Completed"},
                                  {"Transaction ID": "K2", "Status": "Pending"}])
    p = parsed(tmp_path, only(builtin("paypal"), skip=skips), text)
    assert p.ids == ["K1"]


def test_thousands_alone_settle_nothing_a_decimal_comma_then_does(tmp_path):
    """"1,234" reads two ways; "5,50" only with a decimal comma, which settles the file:
    "1,234" is then 1.234, never 1234 (importers.fields reads grouped amounts itself, and
    only a grouped amount with a decimal point, "9,617.32", settles a point)."""
    p = parsed(tmp_path, builtin("stripe"), stripe(
        'txn_1,2023-03-01,gbp,"1,234",0,"1,234",charge,a@example.org,',
        'txn_2,2023-03-01,gbp,"5,50",0,"5,50",charge,a@example.org,'))
    assert [p.at("gross", i) for i in range(2)] == [D("1.234"), D("5.50")]
    text = stripe('txn_1,2023-03-01,gbp,"1,234.50",0,"1,234.50",charge,a@example.org,',
                  'txn_2,2023-03-01,gbp,"5,50",0,"5,50",charge,a@example.org,')
    assert "uses a different decimal mark" in refused(tmp_path, builtin("stripe"), text)
