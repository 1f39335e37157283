"""The column-wise renderer (importers.columns) says exactly what the generic path says.

Every fixture and demo export (income, refunds, fees, withdrawals, currency conversions
that re-price a payment, invoices, grant budgets) is built both ways and rendered; the
texts, the ids, the order and the income totals must be identical, and the fast path
must really have taken the common rows (else this test would prove nothing).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from importers import run
from importers.pseudonym import Pseudonymiser
from importers.txn import render
from tests.importers_support import FIXTURES, demo_settings

DEMO = Path(__file__).resolve().parent.parent / "fundledger" / "demo"
FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file()) + sorted(
    (DEMO / "exports").iterdir())


@pytest.fixture(scope="module")
def settings():
    return demo_settings()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_columnwise_equals_generic(path, settings):
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"test-key")))
    fast = imp.txns(str(path), settings)
    slow = imp.txns(str(path), settings, columnwise=False)
    assert [t.import_id for t in fast] == [t.import_id for t in slow]
    assert [render(t) for t in fast] == [render(t) for t in slow]
    assert all(t.text is None for t in slow)
    common = [t for t in slow if t.custom is None and not any(p.price for p in t.postings)
              and t.postings and len({p.currency for p in t.postings}) == 1
              and not any(p.meta for p in t.postings)]
    if any("Income:" in p.account for t in common for p in t.postings):
        assert any(t.text is not None for t in fast), "the column-wise path was not used"
    totals = {}
    for label, txns in (("fast", fast), ("slow", slow)):
        result = run.Result(new=txns)
        totals[label] = {f: dict(c) for f, c in result.totals().items()}
    assert totals["fast"] == totals["slow"]


def test_a_bad_row_is_reported_by_the_generic_path(tmp_path, settings):
    """A net that is not gross less fees: the fast path gives up, the generic one names it."""
    src = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig").splitlines()
    bad = tmp_path / "paypal.csv"
    header, first = src[0], src[1]
    cells = first.split('","')
    net = header.split('","').index("Net")
    cells[net] = "999.99"
    bad.write_text("\n".join([header, '","'.join(cells), *src[2:]]) + "\n", encoding="utf-8")
    imp = run.identify(str(bad), run.importers_for(settings, Pseudonymiser(b"test-key")))
    with pytest.raises(run.Problem) as fast:
        imp.txns(str(bad), settings)
    with pytest.raises(run.Problem) as slow:
        imp.txns(str(bad), settings, columnwise=False)
    assert str(fast.value) == str(slow.value)
    assert "is not gross" in str(fast.value) and ":2:" in str(fast.value)


def test_donor_lines_are_quoted_as_one_entry_quotes_them():
    """columns._donor_lines, column-wise, against txn._q value by value: a pseudonym, one
    holding a quote or a backslash, none (""), a row no donor reached (None), a refund."""
    import numpy as np

    from importers.columns import _donor_lines
    from importers.table import Column
    from importers.txn import _q

    values = ["d-3f9a1c2b", 'd-"q"', "d-\\b", "", None]
    donors = Column(np.array([0, 1, 2, 3, 4, 0], dtype=np.int32), values)
    rows = np.array([5, 4, 3, 2, 1, 0, 0])
    gift = np.array([True, True, True, True, True, True, False])
    expected = [f"  donor: {_q(values[donors.codes[r]])}\n"
                if g and values[donors.codes[r]] else "" for r, g in zip(rows, gift)]
    assert _donor_lines(donors, rows, gift).to_pylist() == expected


@examples(max_examples=200, deadline=None)
@given(st.integers(0, 12).flatmap(lambda n: st.lists(
    st.one_of(st.lists(st.integers(0, 3), min_size=n, max_size=n),
              st.just(list(range(n))),  # a different value on every row, growing
              st.just(list(range(0, 3 * n, 3)))),
    min_size=1, max_size=4)))
def test_rows_are_grouped_by_their_codes_numbered_as_first_met(columns):
    """columns._group: rows holding the same code in every column share a group; groups
    are numbered 0, 1, ... as first met, by each row's combination alone."""
    import numpy as np

    from importers.columns import _group

    combos = list(zip(*columns, strict=True))
    expected = [list(dict.fromkeys(combos)).index(c) for c in combos]
    got = _group(*(np.array(c, dtype=np.int64) for c in columns))
    assert got.tolist() == expected
