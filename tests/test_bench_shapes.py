"""The import bench's PayPal downloads are the shapes it claims (bench/paypal_shapes.py),
counted here from the CSV itself, and both import through the real CLI and through the
csvbase baseline. Speed is measured by bench/import_bench.py, never asserted here."""

from __future__ import annotations

import csv
import datetime
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import ROOT, cli_env, run_cli

sys.path.insert(0, str(ROOT / "bench"))
import import_bench
import paypal_shapes
from csvbase_paypal import CsvbasePayPal

from fundledger import demo_books

ROWS = 6000


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, tuple[Path, paypal_shapes.Shape, list[dict]]]:
    folder = tmp_path_factory.mktemp("shapes")
    out = {}
    for shape in ("realistic", "distinct"):
        path = folder / f"{shape}.csv"
        facts = paypal_shapes.write(path, shape, ROWS, seed=3)
        with open(path, encoding="utf-8-sig", newline="") as f:
            out[shape] = path, facts, list(csv.DictReader(f))
    return out


def test_same_seed_same_bytes_another_seed_another_file(tmp_path):
    for shape in paypal_shapes.SHAPES:
        a, b, c = (tmp_path / f"{shape}-{n}.csv" for n in "abc")
        paypal_shapes.write(a, shape, 500, seed=1)
        paypal_shapes.write(b, shape, 500, seed=1)
        paypal_shapes.write(c, shape, 500, seed=2)
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() != c.read_bytes()


def test_distinct_shape_repeats_no_donor_amount_or_fee(made):
    _, facts, rows = made["distinct"]
    assert len(rows) == facts.rows == ROWS
    for column in ("From Email Address", "Name", "Gross", "Fee", "Net", "Transaction ID"):
        assert len({r[column] for r in rows}) == ROWS, column
    for r in rows:  # PayPal's 1.4% + 20p, and the net what is left
        gross, fee = amount(r["Gross"]), amount(r["Fee"])
        assert -fee == (gross * Decimal("0.014") + Decimal("0.20")).quantize(Decimal("0.01"))
        assert amount(r["Net"]) == gross + fee


def test_realistic_shape_repeats_donors_with_a_long_tail_and_round_gifts(made):
    _, facts, rows = made["realistic"]
    assert len(rows) == ROWS
    gifts = [r for r in rows if r["Type"].endswith("Payment")]
    per_donor = Counter(r["From Email Address"] for r in gifts)
    assert len(per_donor) == facts.donors
    # About 28% of gifts from a new donor; most give once, a few give very often.
    assert 0.2 < len(per_donor) / len(gifts) < 0.36
    assert sum(1 for n in per_donor.values() if n == 1) > len(per_donor) / 2
    assert max(per_donor.values()) >= 30
    grosses = [amount(r["Gross"]) for r in gifts]
    assert sum(1 for g in grosses if g == g.to_integral_value()) > len(gifts) / 2
    assert len(set(grosses)) > len(gifts) / 20
    fees = {r["Fee"] for r in rows}
    assert len(fees) == facts.fees > 100
    years = {r["Date"][-4:] for r in rows}
    assert len(years) >= 9


def test_realistic_shape_has_refunds_withdrawals_conversions_and_true_balances(made):
    _, facts, rows = made["realistic"]
    kinds = Counter(r["Type"] for r in rows)
    assert kinds["Payment Refund"] >= 5
    assert kinds["General Withdrawal"] >= 100  # one a month for ten years
    assert kinds["General Currency Conversion"] >= 4
    assert facts.entries == ROWS - kinds["General Currency Conversion"] // 2
    ids = {r["Transaction ID"]: i for i, r in enumerate(rows)}
    balance: Counter = Counter()
    for i, r in enumerate(rows):
        net = amount(r["Net"])
        assert net == amount(r["Gross"]) + amount(r["Fee"])
        balance[r["Currency"]] += net
        assert amount(r["Balance"]) == balance[r["Currency"]], r["Transaction ID"]
        if r["Type"] in ("Payment Refund", "General Currency Conversion"):
            assert ids[r["Reference Txn ID"]] < i  # refers to a payment received before
    assert balance["USD"] == balance["EUR"] == 0  # every foreign gift converted


@pytest.mark.parametrize("shape", ["realistic", "distinct"])
def test_each_shape_imports_whole_and_csvbase_reads_every_row(made, shape, tmp_path):
    path, facts, _ = made[shape]
    books = tmp_path / "books"
    books.mkdir()
    (books / "main.beancount").write_text(import_bench.BOOKS)
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    result = run_cli("import", path, "--books", books, "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert f"dry run: {facts.entries} new, 0 duplicate" in result.stderr
    entries = CsvbasePayPal("Assets:PayPal", "GBP").extract(str(path), [])
    assert len(entries) == facts.rows


# One more gift into the demo's PayPal, after its history (which ends with the balance
# withdrawn to 0.00 on 2024-12-20: the last Balance of its export): the demo's PayPal then
# holds 9.66 GBP on 2024-12-24, so a download that ignored the books' balance or last date
# is refused by the statement balances it asserts.
GIFT = """
2024-12-24 * "PayPal" "Donation"
  fund: "general"
  Assets:PayPal                            9.66 GBP
  Expenses:Fees:Payment                    0.34 GBP
  Income:Donations:PayPal                -10.00 GBP
"""


@pytest.mark.parametrize("shape", ["realistic", "distinct"])
def test_a_download_for_the_demo_continues_its_paypal_history_and_imports(shape, demo,
                                                                          tmp_path):
    with open(demo.parent / "journal.beancount", "a", encoding="utf-8") as f:
        f.write(GIFT)
    since, _ = import_bench.paypal_since(demo)
    path = tmp_path / f"{shape}.csv"
    facts = paypal_shapes.write(path, shape, 300, seed=3, since=since)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    day = datetime.datetime.strptime(rows[0]["Date"], "%d/%m/%Y").date()
    assert day > datetime.date(2024, 12, 24)
    first = next(r for r in rows if r["Currency"] == "GBP")
    assert amount(first["Balance"]) == Decimal("9.66") + amount(first["Net"])
    key = tmp_path / "donor.key"  # the demo's own key, readable by us alone
    key.write_bytes(demo_books.KEY.read_bytes())
    key.chmod(0o600)
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key))
    result = run_cli("import", path, "--books", demo, "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert f"dry run: {facts.entries} new, 0 duplicate" in result.stderr


CONVERTED = """\ufeff"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net",\
"From Email Address","To Email Address","Transaction ID","Shipping Address","Item Title",\
"Reference Txn ID","Receipt ID","Balance","Note","Balance Impact"
"18/09/2017","13:45:09","Europe/London","A Donor","Donation Payment","Completed","EUR","11.49",\
"-0.53","10.96","a@example.org","t@example.org","PAY1","","Donation","","","10.96","","Credit"
"18/09/2017","20:00:36","Europe/London","","General Currency Conversion","Completed","EUR",\
"-10.96","0.00","-10.96","","","CONV1","","","PAY1","","0.00","","Debit"
"18/09/2017","20:00:37","Europe/London","","General Currency Conversion","Completed","GBP",\
"9.35","0.00","9.35","","","CONV2","","","PAY1","","9.35","","Credit"
"""


def test_a_converted_gift_imports_into_the_demo_as_into_new_books(demo, tmp_path):
    """A gift PayPal converted at a rate that does not divide evenly imports into the demo
    (which sets the tolerance `fundledger init` writes) and into it without that line."""
    before = demo.read_text(encoding="utf-8")
    assert 'option "inferred_tolerance_default" "*:0.005"' in before
    export = tmp_path / "paypal.csv"  # the same gift, after the demo's PayPal history
    export.write_text(CONVERTED.replace("18/09/2017", "10/01/2025"), encoding="utf-8")
    key = tmp_path / "donor.key"
    key.write_bytes(demo_books.KEY.read_bytes())
    key.chmod(0o600)
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key))
    for text in (before, before.replace('option "inferred_tolerance_default" "*:0.005"\n', "")):
        demo.write_text(text, encoding="utf-8")
        result = run_cli("import", export, "--books", demo, "--dry-run", env=env)
        assert result.returncode == 0, result.stderr
        assert "dry run: 2 new, 0 duplicate" in result.stderr


def converted_gift_without_tolerance(tmp_path) -> tuple:
    """(export, books): the converted gift above, and books that set no tolerance."""
    export = tmp_path / "paypal.csv"
    export.write_text(CONVERTED, encoding="utf-8")
    books = tmp_path / "books"
    books.mkdir()
    (books / "main.beancount").write_text(
        "\n".join(line for line in import_bench.BOOKS.splitlines()
                   if "tolerance" not in line) + "\n")
    return export, books


def test_a_gift_converted_at_a_rate_that_does_not_divide_evenly_imports(tmp_path):
    """Found by the realistic bench shape: every posting priced with `@@` left beancount a
    remainder of 1E-27 GBP, and books setting no GBP tolerance refused it. The income is
    now booked in pounds (importers.paypal.price_at_conversion), worked by hand: rate
    9.35 / 10.96; the fee 0.53 x rate = 0.4521... -> 0.45; the income what the two come
    to, 9.35 + 0.45 = 9.80 GBP (the 11.49 EUR gross at the rate is 9.80 too)."""
    export, books = converted_gift_without_tolerance(tmp_path)
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    result = run_cli("import", export, "--books", books, "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "dry run: 2 new" in result.stderr
    assert "income by fund: general 9.80 GBP" in result.stderr
    gift = result.stdout[result.stdout.index('"paypal:PAY1"'):].split("\n\n")[0]
    assert [" ".join(line.split()) for line in gift.splitlines()[-3:]] == [
        "Assets:PayPal 10.96 EUR @@ 9.35 GBP",
        "Expenses:Fees:Payment 0.53 EUR @@ 0.45 GBP",
        "Income:Donations:PayPal -9.80 GBP"]
    result = run_cli("import", export, "--books", books, env=env)  # and for real
    assert result.returncode == 0, result.stderr
    assert run_cli("check", "--books", books, env=env).returncode == 0


def test_a_rounding_remainder_in_the_books_is_refused_saying_how_to_allow_it(tmp_path):
    """An entry every posting of which is priced (typed by hand, or imported by an earlier
    fundledger into books with the tolerance since removed) still leaves the remainder:
    the refusal names the cause and the one line that allows it, not only a 27-digit
    sum."""
    _export, books = converted_gift_without_tolerance(tmp_path)
    main = books / "main.beancount"
    main.write_text(main.read_text() + (
        '\n2017-09-18 * "PayPal" "Donation in euros, typed by hand"\n'
        '  fund: "general"\n'
        "  Assets:PayPal              10.96 EUR @@ 9.35 GBP\n"
        "  Expenses:Fees:Payment       0.53 EUR @@ 0.45 GBP\n"
        "  Income:Donations:PayPal   -11.49 EUR @@ 9.80 GBP\n"))
    typed = main.read_text().splitlines().index(
        '2017-09-18 * "PayPal" "Donation in euros, typed by hand"') + 1
    result = run_cli("check", "--books", books, env=cli_env())
    assert result.returncode == 1
    [line] = [x for x in result.stdout.splitlines() if "does not balance" in x]
    assert line.startswith(f"{main}:{typed}: ") and "this is rounding" in line
    assert '`option "inferred_tolerance_default" "*:0.005"`' in line


def test_a_real_imbalance_gets_no_rounding_hint():
    from types import SimpleNamespace

    from ledger.books import format_error

    def error(message):
        return SimpleNamespace(source={"filename": "x.beancount", "lineno": 3}, message=message)

    assert format_error(error("Transaction does not balance: (0.01 GBP)")) == (
        "x.beancount:3: Transaction does not balance: (0.01 GBP)")
    assert format_error(error("Transaction does not balance: (-1E-9 EUR)")).endswith("(-1E-9 EUR)")
    assert "this is rounding" in format_error(error("Transaction does not balance: (-1E-27 EUR)"))
