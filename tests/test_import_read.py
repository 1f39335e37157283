"""Reading an export: Arrow's CSV parser (the fast path for a CSV whose first line is the
header) gives exactly the table the careful csv-module path gives, and blank rows, rows
of spaces and a footer are dropped the same way, with spreadsheet row numbers kept.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import arrowcsv, bounded, frame, read
from importers import profile as profile_lib
from importers.errors import Problem
from tests.importers_support import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
CSVS = sorted(
    p for p in [*FIXTURES.rglob("*.csv"), *(ROOT / "tests" / "corpus").rglob("*.csv"),
                *(ROOT / "fundledger" / "demo" / "exports").rglob("*.csv")])


def careful(path: Path, signature) -> frame.Frame | None:
    opened = bounded.open_export(path)
    rows = read.rows_of(opened.path, opened.head)
    at = profile_lib.header_at(rows, signature)
    return None if at is None else frame.table(path, rows, at, profile_lib.columns_of(rows[at], {}))


def outcome(f, *args):
    try:
        return f(*args)
    except Problem as e:
        return str(e)


@pytest.fixture(params=["whole", "halves"])
def split(request, monkeypatch):
    """Each file read as it is (too small to split), and read as two halves at once as a
    large file is (importers.arrowcsv._parse), split at the line's end nearest its middle."""
    if request.param == "halves":
        monkeypatch.setattr(arrowcsv, "SPLIT", 1)
        monkeypatch.setattr(arrowcsv, "CORES", 2)
    return request.param


@pytest.mark.parametrize("path", CSVS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fast_read_equals_careful_read(path, split):
    matched = 0
    for prof in profile_lib.builtin():
        fast, slow = outcome(read.load, path, prof.signature), outcome(careful, path,
                                                                      prof.signature)
        if isinstance(slow, frame.Frame):
            matched += 1
            assert isinstance(fast, frame.Frame), fast
            assert fast.columns == slow.columns
            assert (fast.records(), fast.skipped) == (slow.records(), slow.skipped)
        else:
            assert fast == slow
    assert matched or "bad" in path.parts or "corpus" in path.parts  # fixtures all match


HEADER = ("Date,Time,TimeZone,Name,Type,Status,Currency,Gross,Fee,Net,From Email Address,"
          "To Email Address,Transaction ID,Reference Txn ID\n")


def row(n: int, date: str = "03/02/2023") -> str:
    return (f"{date},10:00:00,Europe/London,Ann Example,Donation Payment,Completed,GBP,"
            f"10.00,-0.34,9.66,ann@example.org,us@example.org,WS{n:05d},\n")


def test_a_large_file_is_read_as_two_halves_and_nothing_again(monkeypatch):
    """The halves of a clean file are each read once and kept: were the cut off a line's
    end, each would be refused and the file read whole again (the same cells, twice the
    time)."""
    monkeypatch.setattr(arrowcsv, "SPLIT", 1)
    monkeypatch.setattr(arrowcsv, "CORES", 2)
    sizes = []
    real = arrowcsv._read
    monkeypatch.setattr(arrowcsv, "_read", lambda raw, width: sizes.append(len(raw))
                        or real(raw, width))
    paypal = next(p for p in profile_lib.builtin() if p.name == "paypal")
    path = FIXTURES / "paypal_uk.csv"
    got = read.load(path, paypal.signature)
    data = path.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    assert sizes == [len(data) - cut, cut] or sizes == [cut, len(data) - cut]
    assert len(got.records()) == data.count(b"\n") - 1


@pytest.mark.parametrize("where", ["first half", "second half", "last byte"])
def test_windows_1252_past_the_first_64_kb_reads_as_the_careful_way(tmp_path, split, where):
    """The head (64 KB) looks UTF-8, so Arrow is asked to read the file; a Windows-1252
    "\xe9" further on makes the file not UTF-8, and the careful way reads it (as
    "Caf\xe9" decoded, the same cells). Arrow is told not to check each cell's UTF-8:
    the whole file is checked once instead (arrowcsv._utf8)."""
    rows = [row(n) for n in range(3000)]  # about 330 KB
    bad = {"first half": 2000, "second half": 2900, "last byte": 2999}[where]
    rows[bad] = rows[bad].replace("Ann Example", "Caf\xe9 Example")
    data = (HEADER + "".join(rows)).encode("cp1252")
    if where == "last byte":
        data = data[:-1] + b"\xe9\n"  # the last cell's last character
    path = tmp_path / "late.csv"
    path.write_bytes(data)
    paypal = next(p for p in profile_lib.builtin() if p.name == "paypal")
    assert bounded.open_export(path).head.utf8  # what sends it to Arrow first
    assert arrowcsv.cells(str(path), HEADER.count(",") + 1) is None
    fast, slow = outcome(read.load, path, paypal.signature), outcome(
        careful, path, paypal.signature)
    assert isinstance(slow, frame.Frame) and isinstance(fast, frame.Frame), (fast, slow)
    assert (fast.records(), fast.skipped) == (slow.records(), slow.skipped)
    assert "Caf\xe9 Example" in fast.records()[bad].values()


@pytest.mark.parametrize("text", [
    # found by the property below: a quoted cell open at the cut, in a record too wide,
    # which as two halves read as two records of the header's width
    'Date,Amount,Id\n,,"000000\n0",,\n',
    'Date,Amount,Id\r\n,,"000000\r\n0",,\r\n',
    'Date,Amount,Id\n1,2,3\nab"c,,"00000000000000\n0",x,\n'])
def test_a_cut_inside_a_quoted_cell_reads_as_the_whole_file(tmp_path, split, text):
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    data = text.encode()
    if split == "halves":  # the cut falls inside the quotes
        assert data.index(b"\n", len(data) // 2) < data.rindex(b'"')
    fast, slow = outcome(read.load, path, SIG), outcome(careful, path, SIG)
    if isinstance(slow, frame.Frame):
        assert isinstance(fast, frame.Frame), fast
        assert (fast.records(), fast.skipped) == (slow.records(), slow.skipped)
    else:
        assert fast == slow


@pytest.mark.parametrize("blank", ["\n", "   \n", ",, ,\t,\n", "  ,  ,  ,  ,  ,  ,  ,  ,  ,  ,  ,  ,  ,  \n"])
def test_blank_and_space_only_rows_are_dropped_with_row_numbers_kept(tmp_path, blank):
    paypal = next(p for p in profile_lib.builtin() if p.name == "paypal")
    path = tmp_path / "paypal.csv"
    path.write_text(HEADER + row(1) + blank + row(2) + blank + row(3))
    df = read.load(path, paypal.signature)
    assert df["_row"].tolist() == [2, 4, 6]
    assert df.texts("transaction id") == ["WS00001", "WS00002", "WS00003"]
    # A bad row after blank lines is named by the row a spreadsheet shows.
    path.write_text(HEADER + row(1) + blank + blank + row(2, "31/13/2023"))
    from importers import parse
    from importers.pseudonym import Pseudonymiser

    with pytest.raises(Problem, match=r"paypal\.csv:5: date in column 'Date' \(shaped '99/99/9999'\)"):
        parse.parse(str(path), read.load(path, paypal.signature), paypal,
                     Pseudonymiser(b"k"))


def test_an_oversized_cell_over_many_lines_is_refused_as_on_one_line(tmp_path):
    """An open quote that swallows the rest of a file makes one huge cell over many lines:
    both readers must refuse it, not import the rows around it."""
    paypal = next(p for p in profile_lib.builtin() if p.name == "paypal")
    path = tmp_path / "paypal.csv"
    swallowed = "".join(row(n) for n in range(2, 2600))  # ~150,000 characters
    path.write_text(HEADER + row(1) + '"' + swallowed + '"' + ",,,,,,,,,,,,,\n")
    with pytest.raises(Problem, match="too large"):
        read.load(path, paypal.signature)


def test_footer_of_totals_is_dropped(tmp_path):
    paypal = next(p for p in profile_lib.builtin() if p.name == "paypal")
    path = tmp_path / "paypal.csv"
    path.write_text(HEADER + row(1) + row(2) + "Total,,,,,,,20.00,-0.68,19.32,,,,\n")
    assert read.load(path, paypal.signature)["_row"].tolist() == [2, 3]


# --- property: the two readers agree on any CSV under a header ----------------------------

SIG = ("Date", "Amount", "Id")
CELLS = st.one_of(st.text(alphabet=' ,"\r\n\t;xé£0123456789.-', max_size=8),
                  st.sampled_from(["", " ", "  ", "Total", "total 12", "a,b", 'say "hi"',
                                   "x" * 20]))
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=12)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, quoting=st.sampled_from([0, 1]), newline=st.sampled_from(["\n", "\r\n"]),
       bom=st.booleans(), cp1252=st.booleans(),
       tail=st.one_of(st.sampled_from(["", "\n", "\n\n", " "]),  # and hand-made damage:
                      st.text(alphabet=' ,"\r\nx', max_size=12)))  # open quotes, stray CRs
def test_fast_and_careful_read_agree_on_any_csv(tmp_path, split, rows, quoting, newline,
                                                 bom, cp1252, tail):
    buf = io.StringIO()
    csv.writer(buf, quoting=quoting, lineterminator=newline).writerows([list(SIG), *rows])
    text = buf.getvalue() + tail
    data = text.encode("cp1252", errors="replace") if cp1252 else text.encode("utf-8")
    path = tmp_path / "x.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom and not cp1252 else b"") + data)
    fast, slow = outcome(read.load, path, SIG), outcome(careful, path, SIG)
    if isinstance(slow, frame.Frame):
        assert isinstance(fast, frame.Frame), fast
        assert fast.columns == slow.columns
        assert (fast.records(), fast.skipped) == (slow.records(), slow.skipped)
    else:
        assert fast == slow
