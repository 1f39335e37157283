"""Property: whatever bytes arrive, an import either gives entries that parse as beancount
or raises the one clear error (errors.Problem): never a traceback."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from beancount.parser import parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importers_support import FIXTURES

from importers import profile as profile_lib
from importers.base import ProfileImporter
from importers.errors import Problem
from importers.pseudonym import Pseudonymiser
from importers.run import identify
from importers.settings import Settings
from importers.txn import render

PSEUDO = Pseudonymiser(b"property-test-key")
IMPORTERS = [ProfileImporter(p, PSEUDO) for p in profile_lib.builtin()]
SETTINGS = Settings(general="general")
CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "0", "-1.50", "1,000.00", "(2.00)", "£3", "GBP", "usd", "Completed", "Pending", "Memo",
     "Donation Payment", "Payment Refund", "General Withdrawal", "General Currency Conversion",
     "charge", "refund", "payout", "31/12/2023", "12/31/2023", "2023-02-30", "1e9", "NaN"]))
HYP = settings(max_examples=120, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])


def attempt(data: bytes, suffix: str = ".csv") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{suffix}"
        path.write_bytes(data)
        try:
            imp = identify(str(path), IMPORTERS)
            txns = imp.txns(str(path), SETTINGS)
        except Problem as e:
            assert str(e).startswith(str(path))
            # A bad row is one line; rows no rule claims are one line, then the kinds
            # listed (indented) and rules to paste after a blank line.
            told = e.message.split("\n\n")[0].splitlines()
            assert e.row == 0 or all(line.startswith("  ") for line in told[1:])
            return
        text = "\n".join(render(t) for t in txns)
        _entries, errors, _ = parser.parse_string(text)
        assert not errors, (text, errors)


def table(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    return buf.getvalue().encode()


def header_of(name: str) -> list[str]:
    return next(csv.reader(io.StringIO((FIXTURES / name).read_bytes().decode("utf-8-sig"))))


@HYP
@given(st.data())
def test_random_rows_under_real_headers(data):
    name = data.draw(st.sampled_from(["paypal_uk.csv", "stripe.csv", "casefunder.csv",
                                      "solicitors.csv", "gocardless.csv", "enthuse.csv",
                                      "opencollective.csv"]))
    header = header_of(name)
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header) + 1),
                              max_size=6))
    attempt(table(header, rows))


@HYP
@given(st.data())
def test_one_cell_of_a_real_file_changed(data):
    name = data.draw(st.sampled_from(["paypal_uk.csv", "stripe.csv", "casefunder.csv",
                                      "bank_cp1252.csv"]))
    rows = list(csv.reader(io.StringIO((FIXTURES / name).read_bytes().decode("cp1252"))))
    i = data.draw(st.integers(0, len(rows) - 1))
    if rows[i]:
        j = data.draw(st.integers(0, len(rows[i]) - 1))
        rows[i][j] = data.draw(CELL)
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    attempt(buf.getvalue().encode("utf-8"))


@HYP
@given(st.binary(max_size=300), st.sampled_from([".csv", ".xlsx", ".ofx"]))
def test_arbitrary_bytes(data, suffix):
    attempt(data, suffix)


@HYP
@given(st.integers(0, 1500), st.binary(max_size=40))
def test_a_damaged_ofx_statement(cut, junk):
    good = (FIXTURES / "statement.ofx").read_bytes()
    attempt(good[:cut] + junk + good[cut + len(junk):], ".ofx")
