"""An import opens each file once: it is checked (a regular file, within bounds) and its
head read when it is identified, and reading its table starts from that head, never
checking or reading the head again (issue 26, "one pass over the rows")."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from importers import bounded, filerows, run
from importers.pseudonym import Pseudonymiser
from tests.importers_support import FIXTURES, write_books

# A UTF-8 CSV read by Arrow, a Windows-1252 bank export read the careful way, and OFX.
FILES = ["stripe.csv", "bank_cp1252.csv", "statement.ofx"]


def test_each_file_is_checked_and_its_head_read_once(tmp_path: Path, monkeypatch) -> None:
    main = write_books(tmp_path / "books")
    files = [str(FIXTURES / name) for name in FILES]
    checked: Counter[str] = Counter()
    heads: Counter[str] = Counter()
    regular, head = bounded.regular, filerows.head

    def counted_regular(path, *args, **kw):
        checked[str(path)] += 1
        return regular(path, *args, **kw)

    def counted_head(path, *args, **kw):
        heads[str(path)] += 1
        return head(path, *args, **kw)

    monkeypatch.setattr(bounded, "regular", counted_regular)
    monkeypatch.setattr(filerows, "head", counted_head)
    result = run.plan(main, files, "", Pseudonymiser(b"k" * 32))
    assert sorted(result.files) == sorted(files)  # each identified and read
    assert result.added > 0
    assert checked == Counter(files)
    assert heads == Counter(files)
