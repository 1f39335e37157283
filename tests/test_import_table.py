"""A table's cells in-process (importers.table, importers.fields): whether a column read
into Arrow may need its cells stripped, settled from the cells' first and last bytes, is
what each cell says alone; a column's codes and values are its cells' own, in order of
first appearance, whether Arrow read it or the careful way did; a date cell is the day
its format names (worked by hand)."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import table

CELLS = st.lists(st.text(alphabet=" \t\r\nab9.,-~!\x7f\x00é£\u00a0\u2003", max_size=4),
                 max_size=8)


def edged(cells: list[str]) -> bool:
    """A cell starting or ending with anything but "!".."~"."""
    return any(c and not ("!" <= c[0] <= "~" and "!" <= c[-1] <= "~") for c in cells)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=3), st.integers(0, 2),
       st.sampled_from([pa.string(), pa.large_string()]))
def test_a_column_may_need_stripping_where_a_cell_has_an_edge(chunks, cut, kind):
    """Several chunks, and a column sliced from a longer one (its offsets start later)."""
    arrays = [pa.array(c, kind).slice(min(cut, len(c))) for c in chunks]
    column = pa.chunked_array(arrays, kind)
    assert table._may_need_strip(column) == edged(column.to_pylist())
    assert table._may_need_strip(column.combine_chunks()) == edged(column.to_pylist())


def test_a_column_holding_no_text_or_a_null_is_settled_too():
    assert table._may_need_strip(pa.array(["", ""], pa.large_string())) is False
    assert table._may_need_strip(pa.array(["a", None, " b"], pa.string())) is True
    assert table._may_need_strip(pa.array(["a", None, "b"], pa.string())) is False


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", " a", "a ", "b", "", "é "]), max_size=30),
       st.booleans())
def test_a_columns_codes_are_its_cells_stripped(cells, in_arrow):
    """Few distinct values: each row's code into them, numbered as first met; many: the
    cells themselves. Either way, row by row, each cell stripped."""
    col = table.Column.of(pa.array(cells, pa.large_string()) if in_arrow else list(cells))
    assert col.rows() == [c.strip() for c in cells]
    if len(set(cells)) <= len(cells) // 2:
        assert col.codes.tolist() == [list(dict.fromkeys(cells)).index(c) for c in cells]


@pytest.mark.parametrize("text, fmt, day", [
    ("01/02/2015", "%d/%m/%Y", datetime.date(2015, 2, 1)),
    ("1/2/2015", "%d/%m/%Y", datetime.date(2015, 2, 1)),
    ("29/02/2015", "%d/%m/%Y", None),
    ("01/02/15", "%d/%m/%Y", None),
    ("01/02/15", "%d/%m/%y", datetime.date(2015, 2, 1)),
    ("01 Feb 2015", "%d %b %Y", datetime.date(2015, 2, 1)),
    ("2015-02-01T10:00:00.123Z", "%Y-%m-%dT%H:%M:%S.%fZ", datetime.date(2015, 2, 1)),
    ("2015-02-01", "ISO8601", datetime.date(2015, 2, 1)),
    ("2015-2-1", "ISO8601", datetime.date(2015, 2, 1)),
    ("2015-02-01 10:00", "ISO8601", datetime.date(2015, 2, 1)),
    ("2015-02-01T23:30:00-05:00", "ISO8601", datetime.date(2015, 2, 1)),  # its own day
    ("2015-02-01T10:00:00Z", "ISO8601", datetime.date(2015, 2, 1)),
    ("2015-02-30", "ISO8601", None),
    ("2015-W05", "ISO8601", None),  # a week, not a day
    ("2015-032", "ISO8601", None),
    ("2015-02", "ISO8601", None),
    ("", "ISO8601", None),
    ("", "%d/%m/%Y", None),
])
def test_a_date_cell_is_the_day_its_format_names(text, fmt, day):
    from importers import fields

    assert fields._date(text, fmt) == day
