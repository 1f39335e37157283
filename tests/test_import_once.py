"""An import opens each file once: it is checked (a regular file, within bounds) and its
head read when it is identified, and reading its table starts from that head, never
checking or reading the head again, and a statement or a workbook is parsed or opened once
(issue 26, "one pass over the rows")."""

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


def test_a_statement_is_parsed_and_a_workbook_opened_once(tmp_path: Path,
                                                          monkeypatch) -> None:
    """Identifying an OFX, camt.053 or MT940 statement parses it whole (its rows are the
    head): reading its table takes those rows, never parsing it again; a workbook is
    opened once, read whole, for both."""
    import openpyxl

    from importers import camt, mt940_reader, ofx
    from tests.importers_support import write_xlsx

    main = write_books(tmp_path / "books")
    workbook = write_xlsx(tmp_path / "jg.xlsx", [
        ["Donation Ref", "Donation Date", "Donation Amount", "Transaction Fee",
         "Donor User Id"],
        ["JG-T-1", "01/07/2023 10:00:00", 25, 0.68, "u-1"]])
    real = FIXTURES.parent / "real"
    files = [str(FIXTURES / "statement.ofx"), str(real / "camt053.xml"),
             str(real / "mt940-sparkasse.sta"), str(workbook)]
    calls: Counter[str] = Counter()

    def counted(name, f):
        def wrapper(path, *args, **kw):
            calls[name, str(path)] += 1
            return f(path, *args, **kw)
        return wrapper

    monkeypatch.setattr(ofx, "rows", counted("ofx", ofx.rows))
    monkeypatch.setattr(camt, "rows", counted("camt", camt.rows))
    monkeypatch.setattr(mt940_reader, "rows", counted("mt940", mt940_reader.rows))
    monkeypatch.setattr(openpyxl, "load_workbook",
                        counted("workbook", openpyxl.load_workbook))
    result = run.plan(main, files, "", Pseudonymiser(b"k" * 32), suspense=True)
    assert sorted(result.files) == sorted(files)  # each identified and read
    assert result.added > 0
    assert calls == Counter({("ofx", files[0]): 1, ("camt", files[1]): 1,
                             ("mt940", files[2]): 1, ("workbook", files[3]): 1})
