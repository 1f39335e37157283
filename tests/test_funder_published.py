"""The funder report as sent out, by attack: a grant's fund that also took gifts.

Books written here, worked by hand: `case`, a grant in pounds (10,000.00 awarded), got
tranche 1 of 5,000.00 from its funder on 1 February 2019, two gifts from supporters,
777.00 on 7 March and 333.00 on 9 April, and spent 1,200.00 on 1 May.

- The report listed each gift as a "tranche received", with its day and amount.
- A report can be asked for any dates: other income to date (or the fund's balance) at 31
  March less the same at 28 February, or a report of March alone, gave the 777.00 gift.
- A grant's fund with no gift, into which a small fund's leftover was released: its other
  income was the transfer, most of what the small fund's three donors gave.
"""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from fundledger.cli import cli

D = Decimal
GIFTS = {D("777.00"), D("333.00")}

BOOKS = """\
option "title" "Funder attack"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2019-01-01 open Assets:Bank:Current GBP
2019-01-01 open Income:Grants:Lumen GBP
2019-01-01 open Income:Donations:Bank GBP
2019-01-01 open Expenses:Legal:Solicitors GBP
2019-01-01 custom "fund" "case" "restricted"
  title: "Case"
  purpose: "Expenses:Legal"
  award: 10000.00 GBP
2019-01-01 custom "fund-budget" "case" "Solicitors" 10000.00 GBP
2019-01-01 custom "budget-map" "case" "Expenses:Legal" "Solicitors"
2019-02-01 * "Lumen Trust" "Tranche 1"
  fund: "case"
  Assets:Bank:Current  5000.00 GBP
  Income:Grants:Lumen  -5000.00 GBP
2019-03-07 * "Gift"
  fund: "case"
  donor: "d-aaaa1111"
  Assets:Bank:Current  777.00 GBP
  Income:Donations:Bank  -777.00 GBP
2019-04-09 * "Gift"
  fund: "case"
  donor: "d-bbbb2222"
  Assets:Bank:Current  333.00 GBP
  Income:Donations:Bank  -333.00 GBP
2019-05-01 * "Firm LLP" "Advice"
  fund: "case"
  Expenses:Legal:Solicitors  1200.00 GBP
  Assets:Bank:Current  -1200.00 GBP
"""
PERIODS = [("2019-01-01", "2019-02-28"), ("2019-01-01", "2019-03-31"),
           ("2019-03-01", "2019-03-31"), ("2019-04-01", "2019-04-30"),
           ("2019-01-01", "2019-12-31")]


def run(*args: str) -> str:
    done = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def numbers(value) -> set[Decimal]:
    if isinstance(value, dict):
        return set().union(*(numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(numbers(v) for v in value)) if value else set()
    try:
        return {abs(D(str(value)))}
    except ArithmeticError:
        return set()


def test_no_report_of_any_dates_gives_a_gift_away(tmp_path: Path):
    main = tmp_path / "main.beancount"
    main.write_text(BOOKS)
    seen: set[Decimal] = set()
    for start, end in PERIODS:
        r = json.loads(run("report", "funder", "case", "--books", str(main), "--from", start,
                           "--to", end, "--format", "json"))
        seen |= numbers(r)
        xlsx = tmp_path / f"{start}-{end}.xlsx"
        run("report", "funder", "case", "--books", str(main), "--from", start, "--to", end,
            "-o", str(xlsx))
        for ws in openpyxl.load_workbook(xlsx):
            seen |= {abs(D(str(c))) for row in ws.iter_rows(values_only=True) for c in row
                     if isinstance(c, int | float)}
    seen |= {abs(a - b) for a, b in itertools.combinations(seen, 2)}
    assert not seen & GIFTS
    # The trustees' own copy keeps the reconciliation: 5,000 - 1,200 + 1,110 = 4,910.
    r = json.loads(run("report", "funder", "case", "--books", str(main), "--format", "json",
                       "--to", "2019-12-31", "--every-figure"))
    assert (D(r["other_to_date_in_unit"]), D(r["balance_in_unit"])) == (D(1110), D(4910))
    assert D(r["received_in_period"]) == D(5000)  # the funder's tranche, not the gifts


SMALL_INTO_GRANT = BOOKS.split("2019-03-07")[0] + """\
2019-01-01 open Assets:PayPal GBP
2019-01-01 open Income:Donations:PayPal GBP
2019-01-01 open Equity:Funds:Transfers GBP
2019-01-01 custom "fund" "small" "restricted"
  title: "Small appeal"
  purpose: "Expenses:Legal"
""" + "".join(f"""\
2019-03-0{i} * "Gift"
  fund: "small"
  donor: "s-{i}"
  Assets:PayPal  {a}.00 GBP
  Income:Donations:PayPal  -{a}.00 GBP
""" for i, a in enumerate([17, 23, 31], 1)) + """\
2019-06-30 * "Trustees" "Small appeal's leftover to the case"
  Equity:Funds:Transfers  71.00 GBP
    fund: "small"
  Equity:Funds:Transfers  -71.00 GBP
    fund: "case"
  Assets:PayPal  -71.00 GBP
    fund: "small"
  Assets:Bank:Current  71.00 GBP
    fund: "case"
"""


def test_a_small_funds_leftover_moved_into_the_grants_fund_is_not_shown(tmp_path: Path):
    main = tmp_path / "main.beancount"
    main.write_text(SMALL_INTO_GRANT)
    every = json.loads(run("report", "funder", "case", "--books", str(main), "--to",
                           "2019-12-31", "--format", "json", "--every-figure"))
    assert D(every["other_to_date_in_unit"]) == D("71.00")  # the three gifts, all of them
    r = json.loads(run("report", "funder", "case", "--books", str(main), "--to",
                       "2019-12-31", "--format", "json"))
    assert not numbers(r) & {D("71.00"), D("17.00"), D("23.00"), D("31.00")}
