"""importers.table in-process: whether a column read into Arrow may need its cells
stripped, settled from the cells' first and last bytes, is what each cell says alone."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
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
    s = pd.Series(pd.arrays.ArrowStringArray(column))
    assert table._may_need_strip(s) == edged(column.to_pylist())


def test_a_column_holding_no_text_or_no_arrow_is_settled_too():
    empty = pd.Series(pd.arrays.ArrowStringArray(pa.array(["", ""], pa.string())))
    assert table._may_need_strip(empty) is False
    assert table._may_need_strip(pd.Series(["a"], dtype=object)) is True
    nulls = pd.Series(pd.arrays.ArrowStringArray(pa.array(["a", None, " b"], pa.string())))
    assert table._may_need_strip(nulls) is True
