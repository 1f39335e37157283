"""importers.numbers in-process, one amount cell at a time, each value worked by hand.

The importers' other tests read amounts through `fundledger import` in a subprocess; these
call the module directly, so a planted bug in it (make mutate) meets a test that sees it.
Every refusal's words are checked too: they are what a treasurer reads.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import numbers

D = Decimal


@pytest.mark.parametrize("text, expected", [
    ("12.50", (1, "12.50", None)),
    (" 12.50 ", (1, "12.50", None)),
    ("(12.50)", (-1, "12.50", None)),
    ("( 12.50 )", (-1, "12.50", None)),
    ("12.50-", (-1, "12.50", None)),
    ("12.50 DR", (-1, "12.50", None)),
    ("12.50 CR", (1, "12.50", None)),
    ("-12.50", (-1, "12.50", None)),
    ("+£5.00", (1, "5.00", None)),
    ("£-5.00", (-1, "5.00", None)),
    ("GBP 12", (1, "12", "GBP")),
    ("GBP -12", (-1, "12", "GBP")),
    ("12 EUR", (1, "12", "EUR")),
    ("€ -3,20", (-1, "3,20", None)),
    ("1 234,50 €", (1, "1 234,50", None)),
    ("1\u00a0234,50", (1, "1 234,50", None)),  # a no-break space between thousands
    ("\u221212.50", (-1, "12.50", None)),  # the minus sign
    ("\u201312.50", (-1, "12.50", None)),  # an en dash
    ("\u201212.50", (-1, "12.50", None)),  # a figure dash
    ("\u0661\u0662\u066b\u0665\u0660", (1, "12.50", None)),  # Arabic-Indic, Arabic decimal
    ("\u0661\u066c\u0662\u0663\u0664", (1, "1,234", None)),  # Arabic thousands mark
    ("\uff11\uff12", (1, "12", None)),  # full-width digits
])
def test_split_reads_the_sign_digits_and_code(text, expected):
    assert numbers.split(text) == expected


@pytest.mark.parametrize("text", [
    "", "abc", "(12.50", "12.50)", "--5", "(-5)", "-5 DR", "+5-", "-5 CR", "(5) DR",
    "\u00b2",  # a superscript two is a digit to isdigit(), not a decimal digit
    "1\u00a0234X",  # a letter after the number is no sign, even among non-ASCII spaces
])
def test_split_refuses_what_is_not_one_amount(text):
    assert numbers.split(text) is None


@pytest.mark.parametrize("body, expected", [
    ("12.50", {".": D("12.50")}),
    ("59,30", {",": D("59.30")}),
    ("1,234", {".": D(1234), ",": D("1.234")}),
    ("1.234", {".": D("1.234"), ",": D(1234)}),
    ("1234", {"": D(1234)}),
    ("1 234", {"": D(1234)}),
    ("1'234", {"": D(1234)}),
    ("1,234.50", {".": D("1234.50")}),
    ("1.234,50", {",": D("1234.50")}),
    ("1 234,50", {",": D("1234.50")}),
    ("1.234.567", {",": D(1234567)}),
    ("12'345.5", {".": D("12345.5")}),
    ("0,123", {",": D("0.123")}),  # a grouped number never starts with 0
    ("1,2,3", {}),
    ("12,34,567", {}),
])
def test_readings_are_every_value_the_digits_can_mean(body, expected):
    got = numbers.readings(body)
    assert got == expected
    assert all(str(v) == str(expected[k]) for k, v in got.items())  # the same exponent too


@pytest.mark.parametrize("text, style, expected", [
    ("1.234,50", (",", "."), D("1234.50")),
    ("(1.234,50)", (",", "."), D("-1234.50")),
    ("1,234.50", (".", ","), D("1234.50")),
    ("1,234.50 DR", (".", ","), D("-1234.50")),
    ("1234,5", (",", "."), D("1234.5")),
    ("1 234,50", (",", "\u00a0"), D("1234.50")),  # any space declared reads every space
    ("1\u202f234,50", (",", " "), D("1234.50")),
    ("1'234.50", (".", None), D("1234.50")),
    ("1 234.50", (".", None), D("1234.50")),
    ("1,234.50", (".", None), D("1234.50")),
    ("1.234,50", (",", None), D("1234.50")),
    ("1'234,50", (",", None), D("1234.50")),
    ("12", (".", None), D(12)),
])
def test_a_declared_style_reads_exactly(text, style, expected):
    got = numbers.parse(text, *style)
    assert got == expected and str(got) == str(expected)


@pytest.mark.parametrize("text, style, message", [
    ("12,5", (".", None), "is not a number written with '.' as the decimal mark"),
    ("12,5", (".", ","),
     "is not a number written with '.' as the decimal mark and ',' between thousands"),
    ("0.123", (",", "."),
     "is not a number written with ',' as the decimal mark and '.' between thousands"),
    ("1.234.5", (",", None), "is not a number written with ',' as the decimal mark"),
    ("abc", (".", None), "is not a number"),
    # Declared marks only: another thousands mark is refused, not read by the default.
    ("1'234.50", (".", ","),
     "is not a number written with '.' as the decimal mark and ',' between thousands"),
    ("1.234,50", (",", "\u00a0"),
     "is not a number written with ',' as the decimal mark and ' ' between thousands"),
])
def test_a_declared_style_refuses_other_amounts_in_words(text, style, message):
    with pytest.raises(numbers.AmountError) as e:
        numbers.parse(text, *style)
    assert str(e.value) == message


@pytest.mark.parametrize("text, settled, expected", [
    ("12.50", "", D("12.50")),
    ("-59,30", "", D("-59.30")),
    ("(59,30)", "", D("-59.30")),
    ("1234", ",", D(1234)),
    ("1 234", "", D(1234)),
    ("-1 234", ".", D(-1234)),
    ("1,234", ".", D(1234)),
    ("1,234", ",", D("1.234")),
    ("-1,234", ",", D("-1.234")),
    ("12.50", ".", D("12.50")),
])
def test_an_undeclared_style_reads_exactly_what_is_certain(text, settled, expected):
    got = numbers.parse(text, settled=settled)
    assert got == expected and str(got) == str(expected)


@pytest.mark.parametrize("text, settled, message", [
    ("1,234", "", ("reads two ways (a decimal point or a thousands separator?): declare "
                  "the source's number style in its profile (decimal = \".\" or \",\")")),
    ("59,30", ".", "has a decimal ',' where the file's other amounts use '.'"),
    ("12.50", ",", "has a decimal '.' where the file's other amounts use ','"),
    ("abc", "", "is not a number"),
    ("1,2,3", "", "is not a number"),
    ("--5", "", "is not a number"),
])
def test_an_undeclared_style_refuses_in_words(text, settled, message):
    with pytest.raises(numbers.AmountError) as e:
        numbers.parse(text, settled=settled)
    assert str(e.value) == message


@pytest.mark.parametrize("bodies, expected", [
    ([], ("", None)),
    (["1234", "1,234"], ("", None)),  # nothing settles it
    (["1234", "12.50", "3.00"], (".", None)),
    (["12.50", "1234", "3.00"], (".", None)),  # a plain 1234 settles nothing, nor clashes
    (["1,234", "59,30", "1,00"], (",", None)),
    (["1,234", "59,30", "12.50", "3,00", "4.00"], (",", "12.50")),  # the first clash
    (["12.50", "1,234", "3,50"], (".", "3,50")),
])
def test_settle_finds_the_files_mark_and_its_first_clash(bodies, expected):
    assert numbers.settle(bodies) == expected


@pytest.mark.parametrize("text, expected", [
    ("10.00 EUR", "EUR"), ("USD 5", "USD"), ("£25", "GBP"), ("€3", "EUR"), ("$5", "USD"),
    ("¥100", "JPY"), ("25", None), ("-25.00", None), ("paid £ twice", "GBP"),
    ("£25 EUR", "EUR"),  # a code written out wins over a sign
])
def test_stated_currency(text, expected):
    assert numbers.stated_currency(text) == expected


# The importer reads "9,617.32" without numbers.parse (importers.fields.GROUPED_DOT): the
# same Decimal, to the same places, as numbers.parse gives, or the same refusal.
grouped = st.builds(
    lambda sign, lead, groups, places: f"{sign}{lead}{''.join(',' + g for g in groups)}"
    + (f".{places}" if places else ""),
    st.sampled_from(("", "-", "+")), st.sampled_from(("1", "9", "12", "999", "0", "01")),
    st.lists(st.sampled_from(("000", "123", "999", "12", "1234")), min_size=1, max_size=3),
    st.sampled_from(("", "5", "50", "505", "0")))


@settings(max_examples=300, deadline=None)
@given(grouped, st.sampled_from(((".", None, ""), (".", ",", ""), (".", "'", ""),
                                 (",", None, ""), (",", ".", ""), ("", None, "."),
                                 ("", None, ","), ("", None, ""))))
def test_grouped_amounts_read_as_numbers_parse_reads_them(text, style):
    from importers import fields

    decimal, thousands, settled = style
    reader = fields.Amounts.__new__(fields.Amounts)
    reader.decimal, reader.thousands, reader.settled = decimal, thousands, settled
    try:
        expected = numbers.parse(text, decimal, thousands, settled)
    except numbers.AmountError as e:
        expected = str(e)
    got = reader.read(text)
    assert (got, str(got)) == (expected, str(expected))


cells = st.one_of(grouped, st.from_regex(r"-?[0-9]{1,5}(\.[0-9]{1,4})?", fullmatch=True),
                  st.sampled_from(("", "1.234", "١٢.٥٠", "١.٢٣٤", "(12.50)", "£5", "1 234,50",
                                   "12,50", "x", "-0.00", "0012.5")))


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=8),
       st.sampled_from(((".", None, ""), (".", ",", ""), (",", None, ""), (",", ".", ""),
                        ("", None, "."), ("", None, ","), ("", None, ""))))
def test_a_column_read_at_once_reads_as_each_value_alone(values, style):
    """Amounts.read_all finds the common layouts in C over the whole column: each value
    comes out as read() makes it alone (the same Decimal to the same places, or the same
    words), None where empty."""
    from importers import fields

    reader = fields.Amounts.__new__(fields.Amounts)
    reader.decimal, reader.thousands, reader.settled = style
    got = reader.read_all(values, np.ones(len(values), dtype=bool))
    expected = [reader.read(v) if v else None for v in values]
    assert [(x, str(x)) for x in got] == [(x, str(x)) for x in expected]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(cells, st.from_regex(r"-?[0-9]{1,4}\.[0-9]{2}", fullmatch=True),
                          st.sampled_from((".50", "-.05", "12.", "1,234.5", "01,234.56",
                                           "1,23.45", "-1,234.567", "1.2.34", "12.50 "))),
                max_size=12))
def test_a_columns_shapes_are_each_values_own(values):
    """fields._shapes settles two-decimal amounts in one pass and matches the rest against
    each shape's pattern: per value, what Python's re says of that value alone."""
    import re

    from importers import fields

    def alone(v: str) -> tuple[bool, bool, bool, bool]:
        three = re.fullmatch(fields.C_THREE[1:-1], v) is not None
        return (re.fullmatch(fields.C_PLAIN[1:-1], v) is not None and not three,
                re.fullmatch(fields.C_GROUPED[1:-1], v) is not None, "." in v, three)

    got = fields._shapes(values)
    assert [tuple(bool(s[i]) for s in got) for i in range(len(values))] == \
        [alone(v) for v in values]
