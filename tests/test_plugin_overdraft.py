"""A restricted fund overdrawn by something other than spending: a refund to a donor, a
transfer out to another fund, a leftover returned to the platform. Each is an overdraft the
plugin must report, at the boundary: a fund left at exactly zero is fine, one penny below
is not. Only restricted funds carry the rule; unrestricted and designated funds may run
negative (their money is the charity's general money).

Every case is worked by hand: the fund is given 100.00 on 1 February, 90.00 is spent on
2 February, and the movement under test on 3 February takes 10.00 (balance 0.00) or
10.01 (balance -0.01). The spending is on an earlier day, so on 3 February nothing but the
movement under test touches the fund: a rule that watched only Expenses postings would
miss every one of these overdrafts.
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest
from beancount import loader

from ledger import books as ledger_books
from ledger import closing
from ledger.funds import FUND_CLASSES

HEADER = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2018-01-10 custom "fund" "pot" "{fund_class}"
  title: "The fund under test"
  purpose: "Expenses:Legal"
  terms: "return-to-platform"

2018-02-01 * "Donor" "Gift"
  fund: "pot"
  donor: "d-00000001"
  Assets:Bank                 100.00 GBP
  Income:Donations:Bank      -100.00 GBP

2018-02-02 * "Firm" "Fees"
  fund: "pot"
  Expenses:Legal:Solicitors    90.00 GBP
  Assets:Bank                 -90.00 GBP

"""


def refund(amount: Decimal) -> str:
    return f"""\
2018-02-03 * "Bank" "Refund of a gift at the donor's request"
  fund: "pot"
  Income:Donations:Bank       {amount} GBP
  Assets:Bank                -{amount} GBP
"""


def transfer_out(amount: Decimal) -> str:
    return f"""\
2018-02-03 * "Trustees" "Move money to general"
  Equity:Funds:Transfers      {amount} GBP
    fund: "pot"
  Equity:Funds:Transfers     -{amount} GBP
    fund: "general"
"""


def returned_leftover(amount: Decimal) -> str:
    # What `fundledger close` writes for a return-to-platform fund (ledger.closing).
    return closing.return_text("pot", "Income:Donations:Bank", datetime.date(2018, 2, 3),
                               amount, {"Assets:Bank": amount}, "GBP", "minute 7")


MOVEMENTS = {"refund": refund, "transfer out": transfer_out,
             "returned leftover": returned_leftover}


def load_errors(tmp_path, fund_class: str, movement: str, amount: str):
    path = tmp_path / "main.beancount"
    text = HEADER.format(fund_class=fund_class) + textwrap.dedent(
        MOVEMENTS[movement](Decimal(amount)))
    path.write_text(text)
    _entries, errors, _ = loader.load_file(str(path))
    # The movement's first line: the error points the treasurer at it.
    line = text.splitlines().index(next(s for s in text.splitlines()
                                        if s.startswith("2018-02-03"))) + 1
    return path, line, [ledger_books.format_error(e) for e in errors]


@pytest.mark.parametrize("fund_class", ["restricted", "endowment"])
@pytest.mark.parametrize("movement", list(MOVEMENTS))
def test_a_restricted_fund_overdrawn_by_one_penny_is_reported(tmp_path, movement, fund_class):
    path, line, errors = load_errors(tmp_path, fund_class, movement, "10.01")
    assert errors == [(f"{path}:{line}: fund 'pot' is overspent on 2018-02-03: balance "
                       "-0.01 GBP (a restricted fund may not go below zero)")]


@pytest.mark.parametrize("movement", list(MOVEMENTS))
def test_a_restricted_fund_left_at_exactly_zero_is_not_overdrawn(tmp_path, movement):
    assert load_errors(tmp_path, "restricted", movement, "10.00")[2] == []


@pytest.mark.parametrize("fund_class", [c for c in FUND_CLASSES
                                        if c not in ("restricted", "endowment")])
@pytest.mark.parametrize("movement", list(MOVEMENTS))
def test_only_restricted_funds_carry_the_overdraft_rule(tmp_path, fund_class, movement):
    # The same overdraft of an unrestricted or designated fund is the trustees' business:
    # the books load clean.
    assert load_errors(tmp_path, fund_class, movement, "10.01")[2] == []


def test_the_issue_s_refund_example(tmp_path):
    # Given 100, 90 spent, then 50 refunded to the donor: -40.00.
    errors = load_errors(tmp_path, "restricted", "refund", "50.00")[2]
    assert len(errors) == 1 and "fund 'pot' is overspent on 2018-02-03: balance -40.00 GBP" \
        in errors[0]


def test_every_fund_class_is_covered():
    # A new class must be added to the tests above, not silently skipped.
    assert set(FUND_CLASSES) == {"unrestricted", "designated", "restricted", "endowment"}
