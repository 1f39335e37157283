"""Issue 29 finding 6: an export that would take too long or too much memory to read is
refused from what it declares (its size, its zip directory, its sheet's dimension, its
line lengths), before it is read, and the books are not touched."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from conftest import run_cli

from importers import bounded, filerows
from importers.errors import Problem


def bomb(path, unpacked: int) -> None:
    """A workbook whose sheet is `unpacked` bytes of one repeated byte: a few hundred KB
    on disk, its directory declaring the size."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            block = b" " * (1 << 20)
            for _ in range(unpacked >> 20):
                f.write(block)


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "donations.xlsx"
    bomb(path, bounded.MAX_UNPACKED + (1 << 20))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(Problem, match="unpacks to more than 64 MB"):
        bounded.regular(path)  # the first thing identification does


def test_a_part_compressed_a_thousand_times_is_refused(tmp_path):
    path = tmp_path / "donations.xlsx"
    bomb(path, 8 << 20)  # under the size limit, over the ratio
    with pytest.raises(Problem, match="compressed more than 100 times"):
        bounded.regular(path)


def test_a_sheet_declaring_a_million_rows_is_refused_before_it_is_read(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Donation Amount", "Donor User Id"])
    ws.cell(row=999_000, column=3, value="x")  # 999,000 rows of 3 columns declared
    path = tmp_path / "justgiving.xlsx"
    wb.save(path)
    assert filerows.head_rows(path)[0] == ["Date", "Donation Amount", "Donor User Id"]
    with pytest.raises(Problem, match="declares 999,000 rows of 3 columns"):
        bounded.open_export(path)


def test_a_csv_of_one_endless_line_is_refused_without_holding_it(tmp_path, demo):
    path = tmp_path / "Download.csv"
    with open(path, "wb") as f:
        f.write(b"Date,Name,Type,Gross\n")
        f.writelines(b"x" * (1 << 20) for _ in range(3))
    with pytest.raises(Problem, match="a line longer than 2 MB") as e:
        bounded.regular(path)
    assert "xxxx" not in str(e.value)  # no cell is ever echoed
    assert e.value.row == 2  # the header is line 1: the endless line starts on line 2
    # Below 5,000 short lines, the long one (counted only once it is found)
    path.write_bytes(b"Date,Name\n" * 5_000 + b"\r\n" + b"y" * (3 << 20) + b"\n1,2\n")
    bounded._text.cache_clear()
    with pytest.raises(Problem, match="a line longer than 2 MB") as e:
        bounded.regular(path)
    assert e.value.row == 5_002
    before = {p: p.read_bytes() for p in demo.parent.rglob("*") if p.is_file()}
    r = run_cli("import", path, "--books", demo, "--dry-run")
    assert r.returncode == 1 and "a line longer than 2 MB" in r.stderr, r.stderr
    assert {p: p.read_bytes() for p in demo.parent.rglob("*") if p.is_file()} == before
