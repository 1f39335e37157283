"""The disclosure control (`reports.disclosure`) on groups of gifts worked by hand: the
sensitivity rules at their boundaries (4 and 5 donors, a donor at and just above the
dominance share), which cells hold which atoms, and `leaks()`: what a reader of several
figures can and cannot work out. Pure functions, called in the test process, so mutation
testing (tools/mutate.py) sees each test reach the code it checks."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from reports.classify import ReportError
from reports.disclosure import (
    DEFAULT_DOMINANCE,
    Cell,
    Rules,
    _rank,
    digest,
    leaks,
    rules,
    sensitive,
    value,
    via,
)
from tests.funds_books import JOURNAL, load_clean, write_books

D = Decimal
R = Rules()


def donors(n: int, each: str = "10", prefix: str = "d") -> dict:
    return {f"{prefix}{i}": D(each) for i in range(n)}


def test_a_group_of_4_donors_is_sensitive_and_of_5_is_not():
    assert (R.min_group, R.dominance) == (5, DEFAULT_DOMINANCE) == (5, D("0.5"))
    assert sensitive(donors(4), R)
    assert not sensitive(donors(5), R)
    assert sensitive(donors(1), R)
    assert not sensitive(donors(3), Rules(min_group=3))
    assert sensitive(donors(2), Rules(min_group=3))


def test_money_with_no_donor_is_never_sensitive_and_does_not_count_as_a_donor():
    assert not sensitive({}, R)
    assert not sensitive({None: D("500.00")}, R)
    assert sensitive({None: D("500.00"), **donors(4)}, R)


def test_one_donor_above_the_dominance_share():
    # 5 donors: 50 of 100 is exactly half, not above it; 50.01 of 100.01 is above
    at_half = {"a": D(50), **donors(4, "12.5")}
    assert not sensitive(at_half, R)
    assert sensitive({**at_half, "a": D("50.01")}, R)
    # money with no donor counts in the whole: 60 of 160 is not above half, 60 of 100 is
    big = {"a": D(60), **donors(4)}
    assert sensitive(big, R)
    assert not sensitive({**big, None: D(60)}, R)
    # a declared share: 60 of 100 is not above 60%
    assert not sensitive(big, Rules(dominance=D("0.6")))
    assert sensitive(big, Rules(dominance=D("0.59")))


def test_gifts_under_a_pound():
    # five donors of 50 pence each are five donors; one of 3.00 beside four of 0.90 gave
    # 3.00 of 6.60, less than half
    assert not sensitive(donors(5, "0.50"), R)
    assert not sensitive({"a": D(3), **donors(4, "0.90")}, R)
    assert sensitive({"a": D("3.70"), **donors(4, "0.90")}, R)


def test_refunds_in_a_group():
    # only what was given counts towards the whole: 40 of 80 given is not above half,
    # though 40 of the 50 left after a refund of 30 would be
    assert not sensitive({"a": D(40), **donors(4), "r": D(-30)}, R)
    # donors who gave nothing on balance (all refunded): nothing to hide behind
    assert sensitive({f"d{i}": D(0) for i in range(6)}, R)
    assert sensitive({**{f"d{i}": D(-1) for i in range(6)}, None: D(10)}, R)


def _books(tmp_path, option: str):
    return load_clean(write_books(tmp_path / "b", f"""
        2017-01-01 custom "fundledger-option" "dominance" "{option}"
        """))[0]


@pytest.mark.parametrize(("option", "share"), [("60%", "0.6"), (" 75% ", "0.75"),
                                                 ("0.3", "0.3"), ("99.5%", "0.995")])
def test_the_books_declare_the_dominance_share(tmp_path, option, share):
    assert rules(_books(tmp_path, option)) == Rules(5, D(share))


@pytest.mark.parametrize("option", ["100%", "0%", "1", "0", "half", "-5%", "150%"])
def test_a_share_that_is_no_share_is_refused(tmp_path, option):
    entries = _books(tmp_path, option)
    with pytest.raises(ReportError) as err:
        rules(entries)
    line = len(JOURNAL.splitlines()) + 2  # after the journal and a blank line
    assert str(err.value) == (f'{tmp_path / "b" / "journal.beancount"}:{line}: dominance '
                              f'"{option}" is not a share like "50%"')


def test_no_option_is_the_default(tmp_path):
    entries, _options = load_clean(write_books(tmp_path / "b"))
    assert rules(entries) == Rules(5, D("0.5"))


# Atoms: (fund, channel, period, year)
A = ("case", "crowdfunding", 0, 2023)
B = ("case", "donations", 0, 2023)
C = ("grant", "donations", 1, 2024)
G = ("grant", "grant", 0, 2023)  # a funder's grant: no donor


def test_which_atoms_a_cell_holds():
    every = Cell(frozenset({"case", "grant"}), 1)
    assert [every.holds(a) for a in (A, B, C, G)] == [True, True, True, True]
    first = Cell(frozenset({"case", "grant"}), 0)
    assert [first.holds(a) for a in (A, B, C, G)] == [True, True, False, True]
    case = Cell(frozenset({"case"}), 5)
    assert [case.holds(a) for a in (A, B, C, G)] == [True, True, False, False]
    gifts = Cell(frozenset({"case", "grant"}), 1, keys=frozenset({"donations"}))
    assert [gifts.holds(a) for a in (A, B, C, G)] == [False, True, True, False]
    y2024 = Cell(frozenset({"case", "grant"}), 1, years=frozenset({2024}))
    assert [y2024.holds(a) for a in (A, B, C, G)] == [False, False, True, False]


def test_a_cells_value_and_digest():
    gifts = {A: {"a": D("10.00"), "b": D("5.50")}, B: {None: D("2.00")}, C: {"c": D(7)}}
    case = Cell(frozenset({"case"}), 0)
    assert value(case, gifts) == D("17.50")
    assert value(Cell(frozenset({"grant"}), 0), gifts) == 0
    both = [case, Cell(frozenset({"grant"}), 1)]
    d = digest(both, gifts)
    assert len(d) == 32 and int(d, 16) >= 0
    assert digest(list(reversed(both)), gifts) == d  # the order of the cells is no figure
    assert digest(both + [case], gifts) == d  # nor is a figure given twice
    assert digest(both, {**gifts, C: {"c": D(8)}}) != d  # a changed figure changes it
    assert digest(both[:1], gifts) != d
    keyed = [Cell(frozenset({"case"}), 0, keys=frozenset({"crowdfunding"}))]
    assert digest(keyed, gifts) != digest([case], gifts)
    yearly = [Cell(frozenset({"case"}), 0, years=frozenset({2023}))]
    assert digest(yearly, gifts) != digest([case], gifts)
    # the same atoms and value, but a figure limited to channels is another figure
    channels = [Cell(frozenset({"case"}), 0, keys=frozenset({"crowdfunding", "donations"}))]
    assert value(channels[0], gifts) == value(case, gifts)
    assert digest(channels, gifts) != digest([case], gifts)


def test_the_digest_recorded_in_the_register_keeps_its_form():
    """Digests of published statements are kept in the books (`custom "published"`): the
    same figures must give the same digest in every later version. One line per figure:
    its funds, last period, channels, years and value, sorted, each ending in a newline."""
    import hashlib

    gifts = {A: {"a": D("10.00")}, C: {"c": D(7)}}
    cells = [Cell(frozenset({"case"}), 0),
             Cell(frozenset({"grant", "case"}), 1, keys=frozenset({"donations"}),
                  years=frozenset({2024}))]
    text = ("(['case', 'grant'], 1, ['donations'], [2024], '7')\n"  # "," sorts before "]"
            "(['case'], 0, None, None, '10.00')\n")
    assert digest(cells, gifts) == hashlib.sha256(text.encode()).hexdigest()[:32]


@pytest.mark.parametrize(("rows", "rank"), [
    ([[1, 0, 0], [0, 1, 0], [0, 0, 1]], 3),
    ([[1, 1], [1, 1]], 1),
    ([[0, 0], [0, 0]], 0),
    ([[0, 1], [1, 0]], 2),  # the first pivot is found below the first row
    ([[0, 0, 1], [0, 1, 1], [1, 1, 1]], 3),
    ([[1, 1, 0], [0, 1, 1], [1, 0, -1]], 2),  # the third row is the first less the second
    ([[1, 0, 1, 1]], 1),  # more columns than rows
    ([[1], [1], [0]], 1),
    ([[2, 4], [1, 2]], 1),
    ([[0, 3], [0, 1], [5, 0]], 2),
    ([[1, 1, 0], [0, 0, 1]], 2),  # no pivot in the second column: the third still counts
    # the fourth row is the third less the fifth: found only in exact arithmetic (in
    # floating point the elimination leaves a crumb and finds a fifth pivot)
    ([[1, 1, 0, 0, 0], [1, 0, 0, 1, 1], [1, 0, 1, 1, 1], [1, 0, 1, 0, 0], [0, 0, 0, 1, 1]], 4),
])
def test_rank(rows, rank):
    m = np.array(rows, dtype=np.int64)
    assert _rank(m) == rank == np.linalg.matrix_rank(m.astype(float))


def test_a_figure_of_4_donors_leaks_and_of_5_does_not():
    cell = [Cell(frozenset({"case"}), 0, keys=frozenset({"crowdfunding"}))]
    assert leaks(cell, {A: donors(4)}, R) == [frozenset({A})]
    assert leaks(cell, {A: donors(5)}, R) == []


def test_a_small_group_inside_a_bigger_figure_does_not_leak():
    case = [Cell(frozenset({"case"}), 0)]
    gifts = {A: donors(4, prefix="a"), B: donors(10, prefix="b")}
    assert leaks(case, gifts, R) == []
    # two small groups of different donors, 2 and 3: 5 together
    other = ("case", "other", 0, 2023)
    assert leaks(case, {other: donors(2, prefix="a"), B: donors(3, prefix="b")}, R) == []
    # but not when the 2 are pledges: the crowdfunder's page shows their total, and the
    # figure less it is the 3 donors' gifts
    assert leaks(case, {A: donors(2, prefix="a"), B: donors(3, prefix="b")}, R) == [
        frozenset({B})]
    # of the same donors: still 3 (and B alone, less the page)
    assert leaks(case, {other: donors(2), B: donors(3)}, R) == [frozenset({other, B})]
    assert leaks(case, {A: donors(2), B: donors(3)}, R) == [frozenset({A, B}), frozenset({B})]


def test_a_figure_subtracted_from_another_leaks_the_difference():
    case = Cell(frozenset({"case"}), 0)
    donations = Cell(frozenset({"case"}), 0, keys=frozenset({"donations"}))
    gifts = {A: donors(4, prefix="a"), B: donors(10, prefix="b")}
    assert leaks([case, donations], gifts, R) == [frozenset({A})]
    assert leaks([case, case], gifts, R) == []  # the same figure twice


def test_a_funders_grant_hides_no_one():
    """A grant is public: a figure of a grant and 4 donors' gifts gives the gifts away."""
    both = [Cell(frozenset({"case", "grant"}), 0)]
    assert leaks(both, {G: {None: D(5000)}, A: donors(4)}, R) == [frozenset({A})]
    assert leaks(both, {G: {None: D(5000)}}, R) == []
    assert leaks([], {A: donors(4)}, R) == []  # in no figure at all


def test_overlapping_figures_that_do_not_give_a_small_group_away():
    """c0 = A + B, c1 = B + C: A is 4 donors, but no sum of c0 and c1 is A alone (c0 - c1
    is A - C). A third figure, C alone, gives A away: c0 - c1 + C."""
    gifts = {A: donors(4, prefix="a"), B: donors(10, prefix="b"), C: donors(10, prefix="c")}
    c0 = Cell(frozenset({"case"}), 0)
    c1 = Cell(frozenset({"case", "grant"}), 1, keys=frozenset({"donations"}))
    assert leaks([c0, c1], gifts, R) == []
    c2 = Cell(frozenset({"grant"}), 1)
    assert leaks([c0, c1, c2], gifts, R) == [frozenset({A})]


def test_a_donor_in_two_atoms_of_a_group_counts_once_with_both_gifts():
    """30.00 in other income and 30.00 in donations from one donor, 10.00 each from four
    others in the figure of both: 60.00 of 100.00 is more than half. (Not pledges to a
    crowdfunder: its page gives their total, and the rest would be 3 donors'.)"""
    case = [Cell(frozenset({"case"}), 0)]
    other = ("case", "other", 0, 2023)
    gifts = {other: {"a": D(30), **donors(2, prefix="b")},
             B: {"a": D(30), **donors(2, prefix="c")}}
    assert leaks(case, gifts, R) == [frozenset({other, B})]
    gifts[B] = {"z": D(30), **donors(2, prefix="c")}  # another donor: 30 of 100 at most
    assert leaks(case, gifts, R) == []


def test_two_small_groups_each_given_away():
    a, b = Cell(frozenset({"case"}), 0, keys=frozenset({"crowdfunding"})), Cell(
        frozenset({"case"}), 0, keys=frozenset({"donations"}))
    gifts = {A: donors(3, prefix="a"), B: donors(2, prefix="b"), C: donors(9)}
    assert leaks([a, b, Cell(frozenset({"grant"}), 1)], gifts, R) == [frozenset({A}),
                                                                        frozenset({B})]



def test_one_donor_beside_money_with_no_donor_is_sensitive():
    """One donor is fewer than 5 whatever their share: 10.00 of 110.00 is not above half,
    but 110.00 less a known grant of 100.00 is that donor's gift."""
    assert sensitive({None: D(100), "a": D(10)}, R)


def test_a_cells_value_is_decimal_even_when_it_holds_nothing():
    assert type(value(Cell(frozenset({"nobody"}), 0), {A: donors(5)})) is Decimal


# Atoms with the way their gifts came in: two platforms, each charging a platform fee
PP = via("Income:Donations:PayPal", ["platform"])
ST = via("Income:Donations:Stripe", ["platform"])
A_PP = ("case", "crowdfunding", 0, 2023, PP)
B_ST = ("case", "crowdfunding", 0, 2023, ST)


def test_which_atoms_a_fee_figure_holds():
    fees = Cell(frozenset({"case"}), 0, fee="platform")
    payment = Cell(frozenset({"case"}), 0, fee="payment")
    assert [fees.holds(a) for a in (A_PP, B_ST, A)] == [True, True, False]
    assert [payment.holds(a) for a in (A_PP, B_ST, A)] == [False, False, False]


def test_a_fee_figure_is_another_figure_in_the_digest():
    """The fees on a crowdfunder and the crowdfunder's total hold the same atom, with the
    same value (the gifts): only the fee kind tells the two figures apart."""
    gifts = {A_PP: donors(5)}
    raised = Cell(frozenset({"case"}), 0)
    fees = Cell(frozenset({"case"}), 0, fee="platform")
    assert value(raised, gifts) == value(fees, gifts) == D(50)
    assert digest([fees], gifts) != digest([raised], gifts)


def test_fees_at_two_platforms_different_rates_give_a_small_group_away():
    """raised = A + B and fees = rA * A + rB * B: with two different rates a reader solves
    the two for A (4 donors), though A and B together are 14 donors."""
    raised = Cell(frozenset({"case"}), 0)
    fees = Cell(frozenset({"case"}), 0, fee="platform")
    gifts = {A_PP: donors(4, prefix="a"), B_ST: donors(10, prefix="b")}
    assert leaks([raised, fees], gifts, R) == [frozenset({A_PP})]
    assert leaks([raised], gifts, R) == []


def test_fees_at_two_platforms_at_one_rate_give_the_gifts_without_a_fee_away():
    """raised = A + P + S, fees = r * (P + S) when both platforms charge the same rate r:
    raised - fees / r is A (4 donors, no fee). With two different rates P and S cannot
    be taken apart from A that way, so only the reader assuming equal rates finds it."""
    raised = Cell(frozenset({"case"}), 0)
    fees = Cell(frozenset({"case"}), 0, fee="platform")
    gifts = {B: donors(4, prefix="a"), A_PP: donors(10, prefix="p"),
             B_ST: donors(10, prefix="s")}
    assert leaks([raised, fees], gifts, R) == [frozenset({B})]
