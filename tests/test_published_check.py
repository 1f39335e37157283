"""What the check against the register of published statements covers: once a statement
is recorded as published, any change to the gifts under its figures (an amount, a gift
added or refunded, moved to another fund or channel, on its last day) refuses every later
statement; a change after its end, or to a gift's donor alone, does not. Books worked by
hand, called in the test process."""

from __future__ import annotations

import datetime

import pytest

from ledger import books as ledger_books
from reports import disclosure, transparency
from reports.classify import ReportError

day = datetime.date
END = day(2019, 12, 31)
TODAY = day(2021, 6, 1)

HEADER = """\
option "title" "Published Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Crowdfunding:CJ GBP
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
"""


def gift(when: str, donor: str, amount: str, fund: str = "case",
         account: str = "Income:Donations:Bank") -> str:
    return (f'{when} * "Gift"\n  fund: "{fund}"\n  donor: "{donor}"\n'
            f"  Assets:Bank  {amount} GBP\n  {account}  -{amount} GBP\n")


def journal() -> str:
    """Six donors each giving to both funds in 2019 and in 2020, 10 to 15 pounds, the last
    gift of 2019 on its last day."""
    text = HEADER
    for year in (2019, 2020):
        for i in range(6):
            for fund in ("case", "general"):
                text += gift(f"{year}-0{i + 2}-10", f"d-{i}", f"{10 + i}.00", fund)
    return text + gift("2019-12-31", "d-0", "3.00")


def load(tmp_path, text: str, name: str):
    main = tmp_path / name / "main.beancount"
    main.parent.mkdir()
    main.write_text(text)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> str:
    """The journal with the statement of all funds to the end of 2019 in the register."""
    tmp = tmp_path_factory.mktemp("published")
    entries, options = load(tmp, journal(), "draft")
    s = transparency.statement(entries, options, as_of=END, today=TODAY)
    return journal() + disclosure.entry_text(day(2020, 1, 15), END, None, s.digest, {})


def later_statement(tmp_path, text: str, name: str):
    entries, options = load(tmp_path, text, name)
    return transparency.statement(entries, options, as_of=day(2020, 12, 31), today=TODAY)


def test_the_books_as_published_pass(published, tmp_path):
    assert later_statement(tmp_path, published, "same").as_of == day(2020, 12, 31)


def replace_nth(text: str, old: str, new: str, nth: int = 0) -> str:
    at = -1
    for _ in range(nth + 1):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old):]


REFUND = ('2019-06-01 * "Refund"\n  fund: "case"\n  donor: "d-5"\n'
          "  Income:Donations:Bank  1.00 GBP\n  Assets:Bank  -1.00 GBP\n")
CHANGED = {  # each one thing changed in 2019, the period published
    "an amount": lambda t: replace_nth(
        t, "  Assets:Bank  12.00 GBP\n  Income:Donations:Bank  -12.00 GBP",
        "  Assets:Bank  12.50 GBP\n  Income:Donations:Bank  -12.50 GBP", 1),
    "the last day's gift": lambda t: t.replace(gift("2019-12-31", "d-0", "3.00"),
                                               gift("2019-12-31", "d-0", "4.00")),
    "a gift added": lambda t: t + gift("2019-06-01", "d-5", "1.00"),
    "a refund": lambda t: t + REFUND,
    "a gift moved to another fund": lambda t: replace_nth(
        t, 'fund: "case"\n  donor: "d-1"', 'fund: "general"\n  donor: "d-1"'),
    "a gift moved to another channel": lambda t: replace_nth(
        t, 'donor: "d-3"\n  Assets:Bank  13.00 GBP\n  Income:Donations:Bank',
        'donor: "d-3"\n  Assets:Bank  13.00 GBP\n  Income:Crowdfunding:CJ'),
}


@pytest.mark.parametrize("what", list(CHANGED))
def test_a_change_under_published_figures_is_refused(published, tmp_path, what):
    text = CHANGED[what](published)
    assert text != published
    with pytest.raises(ReportError, match=r"the figures of the statement published on "
                       r"2020-01-15 \(all, to 2019-12-31\) have changed in the books since"):
        later_statement(tmp_path, text, "changed")


def test_a_change_after_the_published_period_or_to_a_donor_alone_is_not(published, tmp_path):
    after = published + gift("2020-01-01", "d-5", "1.00")
    assert later_statement(tmp_path, after, "after").as_of == day(2020, 12, 31)
    donor = published.replace('donor: "d-2"', 'donor: "d-9"', 1)
    assert donor != published
    assert later_statement(tmp_path, donor, "donor").as_of == day(2020, 12, 31)


def test_a_reader_is_taken_to_hold_every_published_statement(tmp_path):
    """The figures a later statement is checked against: the statement of all funds at
    each period end that may be published, and every statement in the register, here one
    of the case alone to 2019, whose figures are exactly those it was published with."""
    entries, options = load(tmp_path, journal(), "bare")
    case = transparency.statement(entries, options, ["case"], as_of=END, today=TODAY)
    text = journal() + disclosure.entry_text(day(2020, 1, 15), END, ["case"], case.digest,
                                             case.form.meta())
    registered = load(tmp_path, text, "registered")
    base = transparency._published(entries, options, TODAY)
    held = transparency._published(*registered, TODAY)
    assert held.permitted == base.permitted == [END, day(2020, 12, 31)]
    assert held.cells[:len(base.cells)] == base.cells
    assert disclosure.digest(held.cells[len(base.cells):], held.gifts) == case.digest


def test_the_statement_says_which_period_is_not_over_yet(tmp_path):
    """On the last day of 2020 its year is not over: the statement runs to the end of 2019
    and says why not to the end of 2020; a day later, 2020 can be published."""
    entries, options = load(tmp_path, journal(), "choice")
    s = transparency.statement(entries, options, today=day(2020, 12, 31))
    assert s.as_of == END
    assert s.choice == (
        "period: 2019-02-10 (the books' first entry) to 2019-12-31",
        ("  not to 2020-12-31: that period is not over yet (its figures could still change "
         "after they were published)"))
    s = transparency.statement(entries, options, as_of=END, today=day(2021, 1, 1))
    assert s.choice == ("period: 2019-02-10 (the books' first entry) to 2019-12-31",
                        "  not to 2020-12-31: you chose 2019-12-31 (--as-of)")
