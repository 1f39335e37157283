"""Every disclosure-control threshold of the transparency statement, at 4 and at 5 donors.

A group of 1 to 4 donors is never shown on its own (reports.transparency, MIN_GROUP): a
channel, a fund, the group of merged funds, a period of the time series and the whole
statement. Each test builds books where one group has exactly 4 donors, then exactly 5,
and checks the statement on both sides of the line: a threshold off by one (`<=` for `<`,
a 4 for the 5) fails here. Gifts are worked by hand: donor i of a group gives 10 + i
pounds, so every group's sum is known and distinct.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader as beancount_loader

from ledger import books as ledger_books
from reports import disclosure
from reports import transparency as tr
from reports import transparency_render as render

HEADER = """\
option "title" "Edge Campaign"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Crowdfunding:Platform GBP
2017-01-01 open Income:Donations:PayPal GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
"""

CHANNELS = {"crowdfunding": "Income:Crowdfunding:Platform", "donations": "Income:Donations:PayPal"}


def fund(fund_id: str) -> str:
    return (f'2018-01-01 custom "fund" "{fund_id}" "restricted"\n  title: "Fund {fund_id}"\n'
            '  purpose: "Expenses:Legal"\n\n')


def gifts(fund_id: str, channel: str, n: int, prefix: str, year: int = 2019) -> str:
    """n distinct donors (`d-<prefix>-<i>`), donor i giving 10 + i pounds."""
    return "".join(
        f'{year}-03-{i + 1:02d} * "Gift"\n  fund: "{fund_id}"\n  donor: "d-{prefix}-{i}"\n'
        f"  Assets:Bank  {10 + i}.00 GBP\n  {CHANNELS[channel]}  -{10 + i}.00 GBP\n\n"
        for i in range(n))


def given(n: int) -> Decimal:
    return Decimal(sum(10 + i for i in range(n)))


def statement(tmp_path, body: str, funds: list[str] | None = None) -> tr.Statement:
    main = tmp_path / "main.beancount"
    main.write_text(HEADER + body)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    # One statement's own rules (thresholds at 4 and 5): an internal draft, which is judged
    # alone; the checks across published statements are tests/test_disclosure.py's.
    return tr.statement(entries, options, funds, draft=True)


def raised(items) -> dict[str, tuple[Decimal, str]]:
    return {i.label: (i.amount, i.supporters) for i in items}


def by_id(s: tr.Statement) -> dict:
    return {f.id: f for f in s.funds}


# --- a channel --------------------------------------------------------------------------

def test_a_channel_of_4_donors_is_merged_and_its_platform_not_named(tmp_path):
    s = statement(tmp_path, fund("f") + gifts("f", "donations", 6, "a")
                  + gifts("f", "crowdfunding", 4, "b"))
    expected = {"Donations": (given(6), "6"), "Other channels": (given(4), tr.FEWER)}
    assert raised(by_id(s)["f"].raised) == expected
    # The statement's own totals: the same channels, rounded as a count was suppressed.
    assert raised(s.raised) == {"Donations": (given(6), "at least 5"),
                                "Other channels": (given(4), tr.FEWER)}
    for name, text in render.outputs(s).items():
        assert "through Platform" not in text, name


def test_a_channel_of_5_donors_is_shown_with_its_count(tmp_path):
    s = statement(tmp_path, fund("f") + gifts("f", "donations", 6, "a")
                  + gifts("f", "crowdfunding", 5, "b"))
    f = by_id(s)["f"]
    assert raised(f.raised) == {"Crowdfunding": (given(5), "5"), "Donations": (given(6), "6")}
    assert next(i for i in f.raised if i.label == "Crowdfunding").detail == "through Platform"
    assert f.supporters == "11" and s.supporters == "11"


@pytest.mark.parametrize(("crowd", "donations", "expected"), [
    # Both channels small: one merged line of their sum, counted over both.
    (4, 4, {"Other channels": (given(4) * 2, "8")}),
    # Only one small: the merged line is that channel alone, its count hidden.
    (4, 5, {"Donations": (given(5), "5"), "Other channels": (given(4), tr.FEWER)}),
    (5, 4, {"Crowdfunding": (given(5), "5"), "Other channels": (given(4), tr.FEWER)}),
    # Neither small: nothing merged.
    (5, 5, {"Crowdfunding": (given(5), "5"), "Donations": (given(5), "5")}),
])
def test_two_small_channels_at_once(tmp_path, crowd, donations, expected):
    s = statement(tmp_path, fund("f") + gifts("f", "crowdfunding", crowd, "c")
                  + gifts("f", "donations", donations, "d"))
    f = by_id(s)["f"]
    assert raised(f.raised) == expected
    merged = next((i for i in f.raised if i.label == "Other channels"), None)
    if crowd < 5 and donations < 5:
        assert merged.detail.startswith("crowdfunding and donations:")


def test_two_small_channels_of_the_same_few_donors_stay_fewer_than_5(tmp_path):
    # The same 2 donors give through both channels, and 6 others through a third door
    # (other income): the merged line is 2 people, however many lines it merges.
    body = (fund("f") + gifts("f", "crowdfunding", 2, "x") + gifts("f", "donations", 2, "x")
            + "2017-01-01 open Income:Events GBP\n\n"
            + gifts("f", "donations", 6, "e").replace("Income:Donations:PayPal",
                                                      "Income:Events"))
    f = by_id(statement(tmp_path, body))["f"]
    assert raised(f.raised)["Other channels"] == (given(2) * 2, tr.FEWER)


# --- a fund, and the group of merged funds ----------------------------------------------

@pytest.mark.parametrize("n", [4, 5])
def test_a_fund_of_4_donors_is_shown_only_with_others(tmp_path, n):
    # big: 7 donors, mid: 6 donors, edge: n donors.
    s = statement(tmp_path, fund("big") + fund("mid") + fund("edge")
                  + gifts("big", "donations", 7, "b") + gifts("mid", "donations", 6, "m")
                  + gifts("edge", "donations", n, "e"))
    f = by_id(s)
    if n == 4:
        # edge alone would be a group of 4: the shown fund with fewest donors (mid) joins.
        assert list(f) == ["big", tr.OTHER_FUNDS]
        other = f[tr.OTHER_FUNDS]
        assert other.merged == ("Fund mid", "Fund edge")
        assert other.title == tr.OTHER_FUNDS_MIXED_TITLE
        assert other.raised_total == given(6) + given(4)
        for name, text in render.outputs(s).items():
            assert str(given(4)) not in text, name
    else:
        assert list(f) == ["big", "mid", "edge"]
        assert f["edge"].supporters == "5" and f["edge"].raised_total == given(5)
        assert not any("shown only together" in note for note in s.notes)


@pytest.mark.parametrize(("a", "b", "joins"), [(2, 2, True), (2, 3, False)])
def test_merged_funds_are_made_up_to_5_donors_and_no_more(tmp_path, a, b, joins):
    # Two small funds: together 4 donors need a shown fund to join them; 5 do not.
    s = statement(tmp_path, fund("big") + fund("p") + fund("q")
                  + gifts("big", "donations", 7, "b") + gifts("p", "donations", a, "p")
                  + gifts("q", "donations", b, "q"))
    f = by_id(s)
    other = f[tr.OTHER_FUNDS]
    if joins:
        assert list(f) == [tr.OTHER_FUNDS]
        assert other.merged == ("Fund big", "Fund p", "Fund q")
        assert other.title == tr.OTHER_FUNDS_MIXED_TITLE
    else:
        assert list(f) == ["big", tr.OTHER_FUNDS]
        assert other.merged == ("Fund p", "Fund q")
        assert other.title == tr.OTHER_FUNDS_TITLE
        assert other.supporters == "5"


# --- the whole statement ----------------------------------------------------------------

def test_a_statement_of_4_donors_is_refused_and_of_5_published(tmp_path):
    with pytest.raises(tr.TooFewSupporters):
        statement(tmp_path, fund("f") + gifts("f", "donations", 4, "a"))
    s = statement(tmp_path, fund("f") + gifts("f", "donations", 5, "a"))
    assert s.supporters == "5" and s.raised_total == given(5)


def test_a_statement_of_one_fund_is_judged_by_its_own_donors(tmp_path):
    body = (fund("big") + fund("edge") + gifts("big", "donations", 7, "b")
            + gifts("edge", "donations", 4, "e"))
    with pytest.raises(tr.TooFewSupporters):
        statement(tmp_path, body, ["edge"])
    body += gifts("edge", "donations", 1, "e5", year=2020)  # a fifth donor
    assert statement(tmp_path, body, ["edge"]).supporters == "5"


# --- a period of the time series --------------------------------------------------------

# A year of one donor is the plainest leak of all (its figure is that donor's gift): the
# lower bound of "1 to 4" is pinned as well as the upper.
@pytest.mark.parametrize("n", [1, 4, 5])
def test_a_year_of_4_donors_is_merged_with_the_next(tmp_path, n):
    s = statement(tmp_path, fund("f") + gifts("f", "donations", n, "y", 2019)
                  + gifts("f", "donations", 5, "z", 2020))
    periods = [(p.label, p.raised) for p in s.periods]
    if n < 5:
        assert periods == [("2019\u20132020", given(n) + given(5))]
    else:
        assert periods == [("2019", given(5)), ("2020", given(5))]


@pytest.mark.parametrize("n", [1, 4, 5])
def test_a_last_year_of_4_donors_is_folded_back(tmp_path, n):
    s = statement(tmp_path, fund("f") + gifts("f", "donations", 5, "y", 2019)
                  + gifts("f", "donations", n, "z", 2020))
    periods = [(p.label, p.raised) for p in s.periods]
    if n < 5:
        assert periods == [("2019\u20132020", given(5) + given(n))]
    else:
        assert periods == [("2019", given(5)), ("2020", given(5))]


def test_a_period_of_a_later_statement_is_checked_against_a_published_one(tmp_path):
    """All funds are published for 2019 (fund c, 2 donors that year, shown together with
    another fund). A later statement of a and d shows 2019 as a period of its own: the
    published total less that period would be c's 2019 gifts. No figure of either
    statement gives them alone; only the period does, so it must be checked too."""
    main = tmp_path / "main.beancount"
    main.write_text(HEADER + fund("a") + fund("c") + fund("d")
                    + gifts("a", "donations", 6, "a", 2019) + gifts("c", "donations", 2, "c", 2019)
                    + gifts("d", "donations", 5, "d", 2019) + gifts("a", "donations", 5, "a20-", 2020)
                    + gifts("c", "donations", 5, "c20-", 2020))
    entries, errors, options = ledger_books.load(main)
    assert errors == []
    first = tr.statement(entries, options, None, datetime.date(2019, 12, 31))
    register = beancount_loader.load_string(disclosure.entry_text(
        datetime.date(2020, 1, 15), first.as_of, None, first.digest, first.form.meta()))[0]
    assert first.raised_total == given(6) + given(2) + given(5)
    later = tr.statement(entries + register, options, ["a", "d"], datetime.date(2020, 12, 31))
    assert given(2) not in {first.raised_total - p.raised for p in later.periods}
    # Coarsened as far as it takes: the years together, a and d together, one gift line.
    total = given(6) + given(5) + given(5)
    assert [(p.label, p.raised) for p in later.periods] == [("2019\u20132020", total)]
    assert later.form.periods_merged and later.form.shown_together == {"a", "d"}


GRANT_AND_BANK = """\
2017-01-01 open Income:Grants:Lumen GBP
2017-01-01 open Income:Donations:Bank GBP
2019-05-01 * "Lumen Foundation" "Grant"
  fund: "g"
  Assets:Bank  1000.00 GBP
  Income:Grants:Lumen  -1000.00 GBP

2019-06-01 * "Gift"
  fund: "g"
  donor: "d-bank-1"
  Assets:Bank  7.00 GBP
  Income:Donations:Bank  -7.00 GBP

"""


def test_every_figure_the_disclosure_check_sees_is_the_figure_printed(tmp_path):
    """The check judges each printed figure by the gifts it is made of (its cell). A cell
    that names the wrong gifts (a line's channel or funder lost, say) would judge another
    figure than the one printed, and a leak through that line would go unseen; so each
    cell's value, summed from the gifts, must be the figure printed beside it: every
    raised line (a grant by its funder, a channel, channels merged) and total of every
    section, of the whole statement, and each period."""
    main = tmp_path / "main.beancount"
    main.write_text(HEADER + GRANT_AND_BANK + fund("c") + fund("g") + fund("s")
                    + gifts("c", "crowdfunding", 6, "cc", 2019) + gifts("c", "donations", 5, "cd")
                    + gifts("g", "donations", 5, "gd", 2020) + gifts("s", "donations", 2, "sd")
                    + fund("m") + gifts("m", "crowdfunding", 2, "mc") + gifts("m", "donations", 5, "md"))
    entries, errors, options = ledger_books.load(main)
    assert errors == []
    as_of = datetime.date(2020, 12, 31)
    atoms = tr.gifts(entries, options, [as_of])
    labels = set()
    for form in (tr.Form(), tr.Form(channels_merged=True, periods_merged=True)):
        s, cells = tr._build(entries, options, None, as_of, form, disclosure.rules(entries))
        printed = ([i.amount for f in s.funds for i in f.raised]
                   + [f.raised_total for f in s.funds] + [i.amount for i in s.raised]
                   + [s.raised_total] + [p.raised for p in s.periods])
        assert [disclosure.value(c, atoms) for c in cells] == printed, form
        labels |= {i.label for f in s.funds for i in f.raised}
    # What the books hold: a grant line, channels shown together, gifts on one line.
    assert {"Grant from Lumen Foundation", "Other channels", tr.GIFTS_LABEL} <= labels


# --- counts beside a suppressed one -----------------------------------------------------

def test_rounded_counts_at_the_boundaries():
    assert [tr.supporters_text(n, rounded=True) for n in (4, 5, 9, 10, 14, 15)] == [
        tr.FEWER, "at least 5", "at least 5", "at least 10", "at least 10", "at least 15"]
    assert [tr.supporters_text(n, complete=False) for n in (4, 5)] == ["", "at least 5"]


def test_a_merged_line_of_the_whole_statement_is_rounded_beside_a_hidden_count(tmp_path):
    """h's crowdfunding (1 donor) is hidden, "fewer than 5". The whole statement's merged
    line (crowdfunding and other income: 3 + 4 donors) must then be rounded: its exact 7
    less f's 6 would give h's hidden count back."""
    events = "2017-01-01 open Income:Events GBP\n\n" + gifts("f", "donations", 4, "e").replace(
        "Income:Donations:PayPal", "Income:Events")
    s = statement(tmp_path, fund("f") + fund("h") + gifts("f", "crowdfunding", 2, "fc")
                  + events + gifts("f", "donations", 5, "fd") + gifts("h", "donations", 5, "hd")
                  + gifts("h", "crowdfunding", 1, "hc"))
    assert raised(by_id(s)["f"].raised)["Other channels"] == (given(2) + given(4), "6")
    assert raised(by_id(s)["h"].raised)["Other channels"] == (given(1), tr.FEWER)
    assert raised(s.raised) == {"Donations": (given(5) * 2, "at least 10"),
                                "Other channels": (given(2) + given(4) + given(1), "at least 5")}


def test_gifts_on_one_line_keep_a_lone_channels_own_name(tmp_path):
    """With every gift channel on one line, a fund given through one channel shows that
    channel's own name; two or more are "Gifts", each named."""
    main = tmp_path / "main.beancount"
    main.write_text(HEADER + fund("one") + gifts("one", "donations", 5, "o") + fund("two")
                    + gifts("two", "donations", 5, "t") + gifts("two", "crowdfunding", 5, "c"))
    entries, errors, options = ledger_books.load(main)
    assert errors == []
    s, _cells = tr._build(entries, options, None, datetime.date(2019, 12, 31),
                          tr.Form(channels_merged=True), disclosure.rules(entries))
    lines = {f.id: [(i.label, i.detail) for i in f.raised] for f in s.funds}
    assert lines == {"one": [("Donations", "")],
                     "two": [(tr.GIFTS_LABEL, "crowdfunding and donations, shown together")]}


def test_merged_funds_sum_their_grants_sources_and_transfers(tmp_path):
    # p: 2 donors through PayPal, a grant of 100 EUR received as 90.00, 5.00 in from big.
    # q: 3 donors through Stripe, a grant of 200 EUR received as 170.00, 7.00 in from big.
    # Together 5 donors: "Other funds" is p and q alone, and sums what they had.
    extra = """\
2017-01-01 open Income:Donations:Stripe GBP
2017-01-01 open Income:Grants:Trust EUR
2017-01-01 open Equity:Funds:Transfers GBP

"""
    grants = "".join(f"""\
2019-04-0{i} * "Trust" "Grant"
  fund: "{f}"
  Assets:Bank  {gbp} GBP
  Income:Grants:Trust  -{eur} EUR @@ {gbp} GBP

2019-04-0{i} * "Firm LLP" "Advice"
  fund: "{f}"
  Expenses:Legal:Solicitors  {moved} GBP
  Assets:Bank  -{moved} GBP

2019-04-0{i} * "Trustees" "Top up"
  Equity:Funds:Transfers  {moved} GBP
    fund: "big"
  Equity:Funds:Transfers  -{moved} GBP
    fund: "{f}"

""" for i, f, eur, gbp, moved in ((1, "p", "100.00", "90.00", "5.00"),
                                 (2, "q", "200.00", "170.00", "7.00")))
    body = (extra + fund("big") + fund("p") + fund("q") + gifts("big", "donations", 7, "b")
            + gifts("p", "donations", 2, "p")
            + gifts("q", "donations", 3, "q").replace("Income:Donations:PayPal",
                                                      "Income:Donations:Stripe")
            + grants)
    other = by_id(statement(tmp_path, body))[tr.OTHER_FUNDS]
    assert other.merged == ("Fund p", "Fund q")
    donations = next(i for i in other.raised if i.label == "Donations")
    assert (donations.amount, donations.detail, donations.supporters) == (
        given(2) + given(3), "through PayPal, Stripe", "5")
    assert [(i.label, i.amount, i.detail) for i in other.grant_original] == [
        ("Grant from Trust", Decimal("300.00"), "EUR")]
    assert [(i.label, i.amount) for i in other.transfers] == [("From Fund big", Decimal("12.00"))]
    assert [(x.firm, x.amount) for x in other.legal_by_firm] == [("Firm LLP", Decimal("12.00"))]


INTEREST = """\
2017-01-01 open Income:Interest GBP

2019-12-31 * "Bank" "Interest"
  fund: "f"
  Assets:Bank  3.21 GBP
  Income:Interest  -3.21 GBP

"""

PAYOUT = """\
2019-04-01 * "Platform" "Payout of pledges made offline"
  fund: "f"
  Assets:Bank  99.00 GBP
  Income:Crowdfunding:Platform  -99.00 GBP

"""


def test_a_channel_of_1_donor_is_merged_and_income_from_no_donor_stands_alone(tmp_path):
    s = statement(tmp_path, INTEREST + fund("f") + gifts("f", "donations", 6, "a")
                  + gifts("f", "crowdfunding", 1, "b"))
    got = {i.label: (i.amount, i.detail, i.supporters) for i in by_id(s)["f"].raised}
    assert got == {
        "Donations": (given(6), "through PayPal", "6"),
        # Bank interest is nobody's gift: shown as it is, named by its source, no count.
        "Other income": (Decimal("3.21"), "Interest", ""),
        "Other channels": (given(1), ("crowdfunding: channels with fewer than 5 supporters "
                                     "each are shown together"), tr.FEWER)}


def test_merged_channels_with_gifts_of_no_known_donor_count_only_at_least(tmp_path):
    # Crowdfunding: 3 donors and a payout of pledges whose donors are not known; donations:
    # 3 donors. Both small, merged: 6 known donors, and perhaps more behind the payout.
    s = statement(tmp_path, fund("f") + gifts("f", "crowdfunding", 3, "c") + PAYOUT
                  + gifts("f", "donations", 3, "d"))
    got = {i.label: (i.amount, i.supporters) for i in by_id(s)["f"].raised}
    assert got == {"Other channels": (given(3) * 2 + 99, "at least 6")}


def test_periods_over_three_years(tmp_path):
    # 2 + 2 + 2 donors: only the three years together reach 5.
    s = statement(tmp_path, fund("f") + gifts("f", "donations", 2, "a", 2018)
                  + gifts("f", "donations", 2, "b", 2019) + gifts("f", "donations", 2, "c", 2020))
    assert [(p.label, p.raised) for p in s.periods] == [("2018\u20132020", given(2) * 3)]
    # 5, 5, then 4: the small last year folds into the one before, not the first.
    s = statement(tmp_path, fund("f") + gifts("f", "donations", 5, "a", 2018)
                  + gifts("f", "donations", 5, "b", 2019) + gifts("f", "donations", 4, "c", 2020))
    assert [(p.label, p.raised) for p in s.periods] == [
        ("2018", given(5)), ("2019\u20132020", given(5) + given(4))]


def test_a_donor_written_on_the_income_posting_is_counted(tmp_path):
    """One payout of several pledges, each donor on their own income posting (a platform's
    payout split by supporter): the donors are the postings', not the transaction's."""
    pledges = "".join(f'  Income:Crowdfunding:Platform  -{10 + i}.00 GBP\n    donor: "d-p-{i}"\n'
                      for i in range(5))
    payout = (f'2019-03-01 * "Payout"\n  fund: "f"\n  donor: "d-payout"\n'
              f"  Assets:Bank  {given(5)} GBP\n" + pledges + "\n")
    s = statement(tmp_path, fund("f") + payout + gifts("f", "donations", 5, "a"))
    assert raised(by_id(s)["f"].raised) == {"Crowdfunding": (given(5), "5"),
                                            "Donations": (given(5), "5")}
    assert by_id(s)["f"].supporters == "10"


def test_a_fund_of_one_donor_who_also_gave_to_the_fund_joining_it(tmp_path):
    """edge: 1 donor, who is also one of mid's 5. Alone, "Other funds" would be that one
    donor's gifts: mid joins (the shown fund with fewest donors), which makes 5 donors,
    counted once, and no more funds join."""
    s = statement(tmp_path, fund("big") + fund("mid") + fund("edge")
                  + gifts("big", "donations", 6, "b") + gifts("mid", "donations", 5, "x")
                  + gifts("edge", "donations", 1, "x", year=2020))
    f = by_id(s)
    assert list(f) == ["big", tr.OTHER_FUNDS]
    assert f[tr.OTHER_FUNDS].merged == ("Fund mid", "Fund edge")
    assert f[tr.OTHER_FUNDS].supporters == "5"
