"""The column-wise path (importers.columns) and the generic one write the same text for a
download whose ids hold a quote and a backslash, with gifts, a refund and rows with no
donor: in this process, so `make mutate` sees it reach Columns.block. (The demo-wide
comparison is tests/test_import_columns.py, through the CLI's exports.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from importers import run
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from importers.txn import render
from tests.importers_support import FIXTURES, load_clean, write_books


def rendered(main: Path, path: Path, columnwise: bool) -> str:
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"columns")))
    return "".join(render(t) + "\n" for t in imp.txns(str(path), settings, columnwise))


QUOTE = ('"5PP00002"', '"5PP""00002"', 'import-id: "paypal:5PP\\"00002"')
BACKSLASH = ('"5PP00003"', '"5PP\\00003"', 'import-id: "paypal:5PP\\\\00003"')


@pytest.mark.parametrize("marks", [(QUOTE, BACKSLASH), (QUOTE,), (BACKSLASH,)],
                         ids=["both", "quote", "backslash"])
def test_both_ways_write_the_same_text_for_ids_that_need_escaping(tmp_path, marks):
    text = (FIXTURES / "paypal_uk.csv").read_text("utf-8-sig")
    # A quote (doubled inside a CSV field) or a backslash in an id (and in the reference
    # of the refund that names it); and the first gift from nobody named.
    for plain, marked, _written in marks:
        text = text.replace(plain, marked)
    text = text.replace('"Alice Fixture"', '""').replace('"alice.fixture@example.org"', '""')
    export = tmp_path / "paypal.csv"
    export.write_text(text, "utf-8-sig")
    main = write_books(tmp_path / "books")
    columns, generic = rendered(main, export, True), rendered(main, export, False)
    assert columns == generic
    for _plain, _marked, written in marks:
        assert written in columns
    assert 'import-id: "paypal:5PP00001"' in columns and 'donor: ""' not in columns
