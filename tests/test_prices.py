"""`fundledger prices import FILE`: published daily rates into `price` entries, offline,
all or nothing, and idempotent. The files follow the layouts the banks publish: the ECB's
one-day eurofxref.csv (its figures are the ECB's reference rates of 28 June 2024), the
ECB's eurofxref-hist.csv (its header column for column, trailing comma included; N/A for
a currency no longer quoted) and the Bank of England database's CSV download."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from importers.errors import Problem
from importers.rates import Rate, read_rates
from reports.sofa import sofa
from tests.conftest import run_cli
from tests.statements_books import load

D = Decimal
day = datetime.date

ECB_DAY = (
    "Date, USD, JPY, BGN, CZK, DKK, GBP, HUF, PLN, RON, SEK, CHF, ISK, NOK, TRY, AUD, BRL, "
    "CAD, CNY, HKD, IDR, ILS, INR, KRW, MXN, MYR, NZD, PHP, SGD, THB, ZAR, \n"
    "28 June 2024, 1.0705, 171.94, 1.9558, 25.025, 7.4575, 0.84638, 395.10, 4.3090, "
    "4.9773, 11.3595, 0.9634, 148.90, 11.3965, 35.1868, 1.6079, 5.8915, 1.4670, 7.7748, "
    "8.3594, 17487.21, 4.0200, 89.2495, 1474.86, 19.5654, 5.0501, 1.7601, 62.560, 1.4513, "
    "39.319, 19.4970, \n")

ECB_HIST_HEADER = ("Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,HUF,LTL,LVL,MTL,PLN,ROL,RON,SEK,"
                   "SIT,SKK,CHF,ISK,NOK,HRK,RUB,TRL,TRY,AUD,BRL,CAD,CNY,HKD,IDR,ILS,INR,KRW,"
                   "MXN,MYR,NZD,PHP,SGD,THB,ZAR,")


def _hist_row(date: str, **rates: str) -> str:
    columns = ECB_HIST_HEADER.split(",")[1:-1]
    return ",".join([date, *(rates.get(c, "N/A") for c in columns)]) + ","


ECB_HIST = "\n".join([ECB_HIST_HEADER,
                      _hist_row("2021-04-23", USD="1.2066", JPY="129.98", GBP="0.86905"),
                      _hist_row("2021-04-22", USD="1.2028", GBP="N/A")]) + "\n"

BOE = "DATE,XUDLUSS,XUDLERS\n02 Jan 2024,1.2623,1.1555\n03 Jan 2024,1.2645,\n"

BOOKS = """\
option "title" "Rates Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:PayPal
2017-01-01 open Income:Donations:PayPal
2017-01-01 custom "fund" "general" "unrestricted"

2024-07-01 * "PayPal" "Gift in dollars"
  fund: "general"
  Assets:PayPal                   100.00 USD
  Income:Donations:PayPal        -100.00 USD
"""


def test_ecb_daily_file_into_pounds(tmp_path):
    path = tmp_path / "eurofxref.csv"
    path.write_text(ECB_DAY)
    got = {r.currency: r for r in read_rates(path, "GBP")}
    # A euro is the GBP column; a dollar is 0.84638 / 1.0705 = 0.79063989 (8 figures),
    # a baht 0.84638 / 39.319 = 0.021525980
    assert got["EUR"] == Rate(day(2024, 6, 28), "EUR", D("0.84638"), "GBP")
    assert got["USD"] == Rate(day(2024, 6, 28), "USD", D("0.79063989"), "GBP")
    assert got["THB"].rate == D("0.021525980")
    assert "GBP" not in got and len(got) == 30  # 30 quoted currencies: 29 others + EUR


def test_ecb_history_skips_what_was_not_quoted(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB_HIST)
    got = read_rates(path, "GBP")
    # 23 April: euro 0.86905, dollar 0.86905 / 1.2066 = 0.72024697, yen 0.86905 / 129.98;
    # 22 April has no GBP rate: nothing into pounds that day
    assert {(r.date, r.currency): r.rate for r in got if r.currency in ("EUR", "USD")} == {
        (day(2021, 4, 23), "EUR"): D("0.86905"), (day(2021, 4, 23), "USD"): D("0.72024697")}
    assert {r.date for r in got} == {day(2021, 4, 23)}
    # books kept in euros: the dollar is 1 / 1.2028 euros (1.2028 x 0.83139342 = 1.0000000)
    eur = {r.currency: r.rate for r in read_rates(path, "EUR") if r.date == day(2021, 4, 22)}
    assert eur == {"USD": D("0.83139342")}


def test_bank_of_england_into_sterling(tmp_path):
    path = tmp_path / "boe.csv"
    path.write_text(BOE)
    # XUDLUSS is dollars a pound buys: a dollar is 1 / 1.2623 = 0.79220471 pounds;
    # XUDLERS 1.1555 euros: a euro is 0.86542622 pounds; no euro rate on 3 January
    assert read_rates(path, "GBP") == [
        Rate(day(2024, 1, 2), "USD", D("0.79220471"), "GBP"),
        Rate(day(2024, 1, 2), "EUR", D("0.86542622"), "GBP"),
        Rate(day(2024, 1, 3), "USD", D("0.79082641"), "GBP")]  # 1 / 1.2645
    with pytest.raises(Problem, match="Bank of England rates are into sterling, but the "
                                      "books are kept in EUR"):
        read_rates(path, "EUR")


def test_import_adds_the_books_currencies_once_and_the_sofa_uses_them(tmp_path):
    main = tmp_path / "books" / "main.beancount"
    main.parent.mkdir()
    main.write_text(BOOKS)
    rates = tmp_path / "eurofxref.csv"
    rates.write_text(ECB_DAY)
    r = run_cli("report", "sofa", "--books", str(main), "--year", "2024")
    assert r.returncode != 0 and "2024-07-01 price USD <rate> GBP" in r.stderr
    r = run_cli("prices", "import", str(rates), "--books", str(main))
    assert r.returncode == 0, r.stderr
    # the books hold dollars only (GBP is theirs): one rate
    assert (main.parent / "prices.beancount").read_text() == (
        "2024-06-28 price USD 0.79063989 GBP\n")
    assert 'include "prices.beancount"' in main.read_text()
    before = {p.name: p.read_bytes() for p in main.parent.iterdir()}
    r = run_cli("prices", "import", str(rates), "--books", str(main))
    assert r.returncode == 0 and "No new rates" in r.stdout
    assert {p.name: p.read_bytes() for p in main.parent.iterdir()} == before
    # 100 USD on 1 July at the latest rate on or before it (28 June): 79.063989 -> 79.06
    s = sofa(*load(main), day(2024, 1, 1), day(2024, 12, 31), prior=False)
    assert s.row("income.donations").unrestricted == D("79.06")


def test_a_bad_row_is_refused_and_nothing_is_written(tmp_path):
    main = tmp_path / "books" / "main.beancount"
    main.parent.mkdir()
    main.write_text(BOOKS)
    before = {p.name: p.read_bytes() for p in main.parent.iterdir()}
    rates = tmp_path / "boe.csv"
    for bad, message in (("04 Jan 2024,1,26,1.15", "4 cells where the header has 3"),
                         ("04 Jan 2024,n/a?,1.1", "'n/a?' is not a rate"),
                         ("2024-13-04,1.26,1.1", "'2024-13-04' is not a date")):
        rates.write_text(BOE + bad + "\n")
        r = run_cli("prices", "import", str(rates), "--books", str(main))
        assert r.returncode != 0
        assert f"{rates}:4: {message}; nothing was written" in r.stderr
        assert {p.name: p.read_bytes() for p in main.parent.iterdir()} == before
