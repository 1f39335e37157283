"""A PayPal currency conversion whose payment was imported in an earlier run.

January's download has a USD donation (25.00 gross, 1.20 fee, 23.80 net) to fund `case`;
February's has its conversion (23.80 USD -> 18.73 GBP). Worked by hand at the conversion's
rate 18.73 / 23.80: the fee is 1.20 * 18.73 / 23.80 = 0.944 -> 0.94 GBP, and the income
absorbs the rounding so the entry balances: 18.73 + 0.94 = 19.67 GBP. So `case` holds
9.51 GBP (January's GBP donation, net) + 18.73 GBP = 28.24 GBP and no dollars, whether
the two downloads are imported in one run, in one file, or a month apart.
"""

from __future__ import annotations

import csv
import datetime
import json
from decimal import Decimal

import pytest
from beancount.parser import parser
from conftest import cli_env, run_cli
from importers_support import FIXTURES, csv_rows, dec, load_clean, snapshot, txns, write_books

from ledger import funds

JAN, FEB = FIXTURES / "paypal_jan.csv", FIXTURES / "paypal_feb.csv"
INCOME, FEES, PAYPAL = "Income:Donations:PayPal", "Expenses:Fees:Payment", "Assets:PayPal"


@pytest.fixture
def env(tmp_path):
    return dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))


def imp(env, main, *files, extra=()):
    """`fundledger import`, which must succeed."""
    r = run_cli("import", *files, "--books", main, *extra, env=env)
    assert r.returncode == 0, r.stderr
    return r


def two_runs(tmp_path, env, name="two-runs"):
    main = write_books(tmp_path / name)
    imp(env, main, JAN, extra=("--fund", "case"))
    feb = imp(env, main, FEB)
    # February's summary: case's dollars restated as the pounds they were worth (25.00 USD
    # gross out, 19.67 GBP in), never a meaningless "0.00 USD".
    assert "case 19.67 GBP, -25.00 USD;" in feb.stderr, feb.stderr
    return main


def by_id(entries):
    return {e.meta["import-id"]: e for e in txns(entries) if "import-id" in e.meta}


def expected_case() -> Decimal:
    """Independent of the importer: January's GBP nets plus what the conversion gave."""
    jan = [r for r in csv_rows(JAN) if r["Currency"] == "GBP"]
    got = [r for r in csv_rows(FEB) if r["Type"] == "General Currency Conversion"
           and r["Currency"] == "GBP"]
    return sum((dec(r["Net"]) for r in jan + got), Decimal(0))


def every_day(entries):
    days = sorted({e.date for e in txns(entries)})
    d = days[0] - datetime.timedelta(days=1)
    while d <= days[-1]:
        yield d
        d += datetime.timedelta(days=1)


def test_later_conversion_restates_the_booked_payment_in_pounds(tmp_path, env):
    main = two_runs(tmp_path, env)
    entries = load_clean(main)  # with the fund plugin: the books are sound
    assert run_cli("check", main, env=env).returncode == 0
    bal = funds.balances(entries)
    assert bal["case"] == {"GBP": expected_case()} == {"GBP": Decimal("28.24")}
    assert bal["general"] == {"GBP": Decimal("4.65")}  # February's own donation
    got = by_id(entries)
    # The January entry is as it was imported (append-only): still in dollars.
    assert {p.units.currency for p in got["paypal:6PP00002"].postings} == {"USD"}
    conv = got["paypal:6PP00003"]
    assert [(p.account, p.units.number, p.units.currency) for p in conv.postings] == [
        (PAYPAL, Decimal("-23.80"), "USD"), (PAYPAL, Decimal("18.73"), "GBP")]
    r = got["paypal:6PP00003:restated"]
    assert r.date == got["paypal:6PP00002"].date  # income recognised the day it came in
    assert r.meta["converts"] == "paypal:6PP00002"
    assert r.meta["fund"] == "case"
    assert r.meta["donor"] == got["paypal:6PP00002"].meta["donor"]
    assert abs(r.meta["rate"] - Decimal("18.73") / Decimal("23.80")) < Decimal("0.000001")
    legs = [(p.account, p.units.number, p.units.currency,
             p.price and funds.weight(p).number) for p in r.postings]
    # the income booked again in pounds itself: what the asset and the fee come to
    assert sorted(legs, key=str) == sorted([
        (PAYPAL, Decimal("-23.80"), "USD", None), (PAYPAL, Decimal("23.80"), "USD", Decimal("18.73")),
        (FEES, Decimal("-1.20"), "USD", None), (FEES, Decimal("1.20"), "USD", Decimal("0.94")),
        (INCOME, Decimal("25.00"), "USD", None), (INCOME, Decimal("-19.67"), "GBP", None),
    ], key=str)
    assert {funds.posting_fund(p, r) for p in r.postings if funds.is_fund_account(p.account)} \
        == {"case"}
    # PayPal holds pounds only, and every dollar that came in went out.
    held: dict[str, Decimal] = {}
    for t in txns(entries):
        for p in t.postings:
            if p.account == PAYPAL:
                held[p.units.currency] = held.get(p.units.currency, Decimal(0)) + p.units.number
    assert held == {"USD": 0, "GBP": Decimal("9.51") + Decimal("18.73") + Decimal("4.65")}


def test_same_balances_as_importing_both_together(tmp_path, env):
    # Every book sends PayPal to `case`, so the three ways differ only in how they meet.
    to_case = '2017-01-01 custom "fundledger-source" "paypal"\n  fund: "case"\n'
    books = write_books(tmp_path / "two-runs", to_case)
    imp(env, books, JAN)
    imp(env, books, FEB)
    later = load_clean(books)
    together = write_books(tmp_path / "one-run", to_case)
    imp(env, together, JAN, FEB)
    # One file holding both months: the payment is priced in place (no restating entry).
    one = tmp_path / "both.csv"
    one.write_bytes(JAN.read_bytes() + FEB.read_bytes().split(b"\n", 1)[1])
    single = write_books(tmp_path / "one-file", to_case)
    imp(env, single, one)
    # February's file first: the payment, met later in the run, is priced in place.
    reversed_ = write_books(tmp_path / "one-run-feb-first", to_case)
    imp(env, reversed_, FEB, JAN)
    runs = [later, load_clean(together), load_clean(single), load_clean(reversed_)]
    assert "paypal:6PP00003:restated" in by_id(runs[1])
    for e in runs[2:]:
        assert "paypal:6PP00003:restated" not in by_id(e)
        gift = by_id(e)["paypal:6PP00002"].postings  # priced, its income in pounds
        assert [(p.account, p.units.currency, p.price is not None) for p in gift] == [
            (PAYPAL, "USD", True), (FEES, "USD", True), (INCOME, "GBP", False)]
    for day in every_day(later):  # not only at the end: on the payment's day too
        case = [funds.balances(e, day).get("case", {}) for e in runs]
        assert case[0] == case[1] == case[2] == case[3], day
        assert set(case[0]) <= {"GBP"}, day
    income = [sum((funds.weight(p).number for t in txns(e) for p in t.postings
                   if p.account == INCOME and funds.posting_fund(p, t) == "case"), Decimal(0))
              for e in runs]
    assert set(income) == {-(Decimal("10.00") + Decimal("19.67") + Decimal("5.00"))}
    # The whole reconciliation (raised, fees, where the money is held) agrees too.
    for as_of in ("2023-01-31", "2023-12-31"):
        a, b = (run_cli("funds", "--books", m, "--as-of", as_of, "--format", "json", env=env)
                for m in (books, single))
        assert a.returncode == b.returncode == 0, a.stderr + b.stderr
        assert json.loads(a.stdout) == json.loads(b.stdout)


def test_reimporting_february_adds_nothing(tmp_path, env):
    main = two_runs(tmp_path, env)
    before = snapshot(main.parent)
    r = imp(env, main, FEB)
    # The conversion and the donation; the restating entry is not even made again.
    assert r.stderr.strip().splitlines()[-1] == "0 new, 2 duplicate(s) skipped"
    assert snapshot(main.parent) == before
    # Books where both came in one file: the payment is priced, so nothing to restate.
    one = tmp_path / "both.csv"
    one.write_bytes(JAN.read_bytes() + FEB.read_bytes().split(b"\n", 1)[1])
    single = write_books(tmp_path / "one-file")
    imp(env, single, one, extra=("--fund", "case"))
    before = snapshot(single.parent)
    assert "0 new" in imp(env, single, FEB).stderr
    assert snapshot(single.parent) == before


def test_dry_run_shows_the_restating_postings(tmp_path, env):
    main = write_books(tmp_path / "books")
    imp(env, main, JAN, extra=("--fund", "case"))
    before = snapshot(main.parent)
    r = imp(env, main, FEB, extra=("--dry-run",))
    assert snapshot(main.parent) == before
    entries, errors, _ = parser.parse_string(r.stdout)
    assert not errors
    restated = [t for t in txns(entries) if t.meta.get("converts") == "paypal:6PP00002"]
    assert len(restated) == 1
    weights = {(p.account, p.units.currency, p.price is not None): p.units.number
               for p in restated[0].postings}
    assert weights[(INCOME, "USD", False)] == Decimal("25.00")
    assert weights[(FEES, "USD", False)] == Decimal("-1.20")
    priced = {p.account: abs(funds.weight(p).number) for p in restated[0].postings
              if p.price}
    assert priced == {PAYPAL: Decimal("18.73"), FEES: Decimal("0.94")}
    assert weights[(INCOME, "GBP", False)] == Decimal("-19.67")


def test_sofa_counts_the_restated_gift_in_pounds(tmp_path, env):
    main = two_runs(tmp_path, env)
    r = run_cli("report", "sofa", "--books", main, "--year", "2023", "--format", "json",
                "--every-fund", env=env)
    assert r.returncode == 0, r.stderr
    case = next(f for f in json.loads(r.stdout)["funds"] if f["fund"] == "case")
    # Hand-worked: 10.00 + 19.67 GBP given, 0.49 + 0.94 GBP fees, 28.24 GBP left.
    assert {k: Decimal(case[k]) for k in ("income", "expenditure", "carried_forward")} == {
        "income": Decimal("29.67"), "expenditure": Decimal("1.43"),
        "carried_forward": expected_case()}
    # A dollar amount that is not restated, with no rate in the books, has no place in a
    # statement in pounds: the refusal names the `price` line to add.
    main.parent.joinpath("main.beancount").write_text(
        main.read_text() + '2023-03-01 * "Cheque in dollars"\n  fund: "case"\n'
        "  Assets:PayPal  5.00 USD\n  Income:Donations:PayPal  -5.00 USD\n")
    r = run_cli("report", "sofa", "--books", main, "--year", "2023", env=env)
    assert r.returncode != 0 and "2023-03-01 price USD <rate> GBP" in r.stderr


def test_conversion_with_no_payment_anywhere_stands_alone(tmp_path, env):
    main = write_books(tmp_path / "books")
    imp(env, main, FEB)
    entries = load_clean(main)
    got = by_id(entries)
    assert not [t for t in txns(entries) if "converts" in t.meta]
    conv = got["paypal:6PP00003"]
    assert {funds.is_fund_account(p.account) for p in conv.postings} == {False}
    # What PayPal held before February (each currency's Balance less its first row's net)
    # is brought forward into the general fund, so February's balances hold.
    held = {}
    for r in csv_rows(FEB):
        held.setdefault(r["Currency"], dec(r["Balance"]) - dec(r["Net"]))
    assert held == {"USD": Decimal("23.80"), "GBP": Decimal("9.51")}
    assert funds.balances(entries) == {"general": {"GBP": Decimal("4.65") + held["GBP"],
                                                   "USD": held["USD"]}}
    # The payment arrives later: importing February again restates it then, and only then.
    # January's statement, imported after February's, says what came before February: the
    # amount brought forward is withdrawn (an appended entry), and only January counts.
    imp(env, main, JAN, extra=("--fund", "case"))
    after = funds.balances(load_clean(main))
    assert after["case"] == {"GBP": Decimal("9.51"), "USD": Decimal("23.80")}
    assert after["general"] == {"GBP": Decimal("4.65")}
    r = imp(env, main, FEB)
    assert r.stderr.strip().splitlines()[-1].startswith("1 new, 2 duplicate(s) skipped")
    assert funds.balances(load_clean(main))["case"] == {"GBP": expected_case()}


def test_beangulp_extract_restates_from_existing_entries(tmp_path, env):
    from importers import profile as profile_lib
    from importers.base import ProfileImporter
    from importers.pseudonym import Pseudonymiser

    main = write_books(tmp_path / "books")
    imp(env, main, JAN, extra=("--fund", "case"))
    existing = load_clean(main)
    paypal = ProfileImporter(profile_lib.load(profile_lib.BUILTIN / "paypal.toml"),
                             Pseudonymiser(b"test-key"))
    out = paypal.extract(str(FEB), existing)
    restated = [e for e in out if e.meta.get("converts") == "paypal:6PP00002"]
    assert len(restated) == 1 and restated[0].meta["fund"] == "case"
    declarations = [e for e in existing if e not in txns(existing)]
    assert not [e for e in paypal.extract(str(FEB), declarations) if "converts" in e.meta]


def test_a_payment_is_restated_once(tmp_path, env):
    main = two_runs(tmp_path, env)
    before = funds.balances(load_clean(main))
    # A later download converting the same payment again (new ids, same reference).
    lines = FEB.read_text(encoding="utf-8-sig").splitlines()
    march = tmp_path / "march.csv"
    # (Its Balance cells left empty: a made-up second conversion has no true balance.)
    rows = list(csv.reader([line.replace("6PP00003", "6PP00013").replace("6PP00004", "6PP00014")
                            .replace("01/02/2023", "01/03/2023") for line in lines[:3]]))
    at = rows[0].index("Balance")
    for row in rows[1:]:
        row[at] = ""
    with open(march, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    r = imp(env, main, march)
    assert r.stderr.strip().splitlines()[-1].startswith("1 new, 0 duplicate(s)")
    entries = load_clean(main)
    assert len([t for t in txns(entries) if t.meta.get("converts") == "paypal:6PP00002"]) == 1
    assert funds.balances(entries)["case"] == before["case"]


def test_income_stays_in_the_year_it_was_received(tmp_path, env):
    # The donation on 31 December, converted on 1 January: the accounts for the year it
    # was given show it in pounds; the next year's show only the exchange.
    dates = {"30/01/2023": "30/12/2022", "31/01/2023": "31/12/2022",
             "01/02/2023": "01/01/2023", "02/02/2023": "02/01/2023"}
    moved = []
    for src in (JAN, FEB):
        text = src.read_text(encoding="utf-8-sig")
        for old, new in dates.items():
            text = text.replace(old, new)
        moved.append(tmp_path / src.name)
        moved[-1].write_text(text)
    main = write_books(tmp_path / "books")
    imp(env, main, moved[0], extra=("--fund", "case"))
    imp(env, main, moved[1])
    assert "converts:" in (main.parent / "imports/paypal/2022.beancount").read_text()
    assert "converts:" not in (main.parent / "imports/paypal/2023.beancount").read_text()
    income = {}
    for year in ("2022", "2023"):
        r = run_cli("report", "sofa", "--books", main, "--year", year, "--format", "json",
                    "--every-fund", env=env)
        assert r.returncode == 0, r.stderr
        income[year] = {f["fund"]: Decimal(f["income"]) for f in json.loads(r.stdout)["funds"]}
    assert income["2022"]["case"] == Decimal("10.00") + Decimal("19.67")
    assert income["2023"] == {"general": Decimal("5.00"), "case": Decimal("0.00")}
    assert funds.balances(load_clean(main), datetime.date(2022, 12, 31)) == {
        "case": {"GBP": expected_case()}}
