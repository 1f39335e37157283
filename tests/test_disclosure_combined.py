"""Attacks on the published statements that the other disclosure tests do not try, each
in books written here and worked by hand. The reader holds every statement the tool agrees
to publish (all funds and each fund alone, at every period end, each recorded in the
register as `--publish` records it) and subtracts one figure from another; no value it
gets may be a small group's gifts.

- A gift in another currency valued at the books' `price` (no `@@` on the entry): every
  published total counted it, but the disclosure check left it out, so the year of one
  euro gift was published and the two year ends, subtracted, gave it.
- A refund: booked with no `donor:` (the donor is paid, not giving), it was taken for an
  organisation's known money, so a year whose only movement was one donor's refund was
  published and the two year ends gave the refunded gift.
- A crowdfunder's page: it shows the campaign's total raised to anyone. A fund's gifts
  line (its channels merged) held the pledges and two bank gifts; less the page's total,
  it gave those two donors' gifts.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from beancount import loader

from reports import disclosure
from reports import transparency as tr

D = Decimal
TODAY = datetime.date(2026, 1, 1)
ENDS = [datetime.date(y, 12, 31) for y in (2017, 2018, 2019, 2020)]

HEAD = """\
option "title" "Attack"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Bank:EUR EUR
2017-01-01 open Assets:PayPal GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Donations:EUR EUR
2017-01-01 open Income:Donations:PayPal GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2017-01-01 price EUR 0.80 GBP
"""


def gift(day: str, donor: str, amount: str, income: str = "Income:Donations:Bank",
         asset: str = "Assets:Bank:Current", currency: str = "GBP", meta: str = "") -> str:
    return (f'{day} * "Gift"\n  fund: "general"\n  donor: "{donor}"\n{meta}'
            f"  {asset}  {amount} {currency}\n  {income}  -{amount} {currency}\n\n")


def published(text: str, funds=(None,)) -> list[tr.Statement]:
    """Every statement the tool agrees to publish, each recorded as `--publish` does."""
    entries, errors, options = loader.load_string(text)
    assert errors == [], errors
    out: list[tr.Statement] = []
    register: list = []
    for day in ENDS:
        for scope in funds:
            try:
                s = tr.statement(entries + register, options, scope, day, today=TODAY)
            except (tr.ReportError, tr.UnknownFund):
                continue
            out.append(s)
            text = disclosure.entry_text(TODAY, s.as_of, scope, s.digest, s.form.meta())
            register += loader.load_string(text)[0]
    return out


def values(statements: list[tr.Statement]) -> set[Decimal]:
    """Every figure a reader takes from the statements, and every difference of two."""
    got = set()
    for s in statements:
        got |= {s.raised_total, s.balance, *(i.amount for i in s.raised)}
        got |= {n for p in s.periods for n in (p.raised, p.spent)}
        for f in s.funds:
            got |= {f.raised_total, f.balance, *(i.amount for i in f.raised)}
    got = {abs(v) for v in got}
    return got | {abs(a - b) for a, b in itertools.combinations(got, 2)}


BACKGROUND = HEAD + "".join(gift(f"2017-03-0{i}", f"d-{i}", f"{10 * i}.00") for i in range(1, 8))


def test_a_gift_in_another_currency_at_the_books_rate_is_checked():
    # 2017: seven bank gifts, 10 + 20 + ... + 70 = 280.00. 2018: one euro gift, 1,234.00 EUR
    # at the books' price of 0.80, £987.20, and nothing else. Published as it was: 2017
    # (raised 280.00) and 2018 (raised 1,267.20): 1,267.20 - 280.00 = 987.20, the gift.
    text = BACKGROUND + gift("2018-05-05", "d-x", "1234.00", "Income:Donations:EUR",
                             "Assets:Bank:EUR", "EUR")
    statements = published(text)
    assert [s.as_of for s in statements] == [ENDS[0]]  # 2018 shows by subtraction
    assert statements[0].raised_total == D("280.00")
    assert D("987.20") not in values(statements)


def refund_books(meta: str) -> str:
    # 2019: six PayPal gifts, 23 + 31 + 47 + 52 + 38 + 29 = 220.00. 2020: d-3's 52.00
    # refunded, nothing else. Published as it was: 2019 (raised 220.00) and 2020 (raised
    # 168.00, five supporters): 220.00 - 168.00 = 52.00, one donor's gift.
    text = HEAD + "".join(
        gift(f"2019-06-0{i + 1}", f"d-{i}", f"{a}.00", "Income:Donations:PayPal",
             "Assets:PayPal", meta=f'  import-id: "paypal:G{i}"\n')
        for i, a in enumerate([23, 31, 47, 52, 38, 29]))
    return text + (f'2020-02-01 * "PayPal" "Refund"\n  fund: "general"\n{meta}'
                   "  Assets:PayPal  -52.00 GBP\n  Income:Donations:PayPal  52.00 GBP\n")


def test_a_refund_naming_its_gift_is_that_donors_money():
    statements = published(refund_books('  refund-of: "paypal:G3"\n'))
    assert [s.as_of for s in statements] == [datetime.date(2019, 12, 31)]
    assert D("52.00") not in values(statements)


def test_a_refund_naming_no_gift_is_one_unknown_persons_money():
    statements = published(refund_books(""))
    assert [s.as_of for s in statements] == [datetime.date(2019, 12, 31)]
    assert D("52.00") not in values(statements)


CROWD_HEAD = """\
option "title" "Crowd"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Crowdfunding:CaseFunder GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2017-01-01 custom "fund" "case" "restricted"
  title: "Case"
  purpose: "Expenses:Legal"
"""
PLEDGES = [25, 40, 15, 60, 35, 20, 45, 30, 55, 10, 65, 50]  # the page: 450.00, 12 pledgers


def test_a_crowdfunders_page_total_does_not_give_the_other_gifts_of_its_fund():
    # case: 12 pledges through the crowdfunder (no fee booked with them), 450.00, and two
    # bank gifts, 50.00 and 70.00. general: twelve bank gifts, 100.00 to 105.00 and
    # 120.00 to 125.00. Published as it was, case's one line "Gifts" read 570.00, from
    # "14" supporters: 570.00 less the page's 450.00 is the two bank gifts, 120.00.
    text = CROWD_HEAD + "".join(
        f'2019-03-{i + 1:02d} * "CaseFunder" "Pledge"\n  fund: "case"\n  donor: "c-{i}"\n'
        f"  Assets:Held:Firm  {a}.00 GBP\n  Income:Crowdfunding:CaseFunder  -{a}.00 GBP\n\n"
        for i, a in enumerate(PLEDGES))
    text += "".join(gift(f"2019-05-0{i + 1}", f"b-{i}", f"{a}.00").replace("general", "case")
                    for i, a in enumerate([50, 70]))
    text += "".join(gift(f"2019-06-{i + 1:02d}", f"g-{i}", f"{a}.00")
                    for i, a in enumerate([*range(100, 106), *range(120, 126)]))
    statements = published(text, (None, ["case"], ["general"]))
    assert statements, "the statement of all funds is published, coarsened"
    page = D(sum(PLEDGES))
    seen = values(statements)
    seen |= {abs(v - page) for v in seen}
    assert not seen & {D("50.00"), D("70.00"), D("120.00")}
