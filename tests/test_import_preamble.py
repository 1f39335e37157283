"""Lines above the header are skipped only as the profile declares them (issue 27): ING's
account summary is read past; a line nobody declared there refuses the file, naming it,
and the books are left byte for byte."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from importers_support import init_books, snapshot

REAL = Path(__file__).parent / "fixtures" / "real"


def test_an_undeclared_line_above_the_header_is_refused_naming_it(tmp_path):
    books, env = init_books(tmp_path)
    text = (REAL / "ing-de.csv").read_bytes().decode("cp1252")
    # a row pasted above the header: imported silently it would be lost
    bad = tmp_path / "ing.csv"
    bad.write_bytes(text.replace("Sortierung;", "05.06.2025;05.06.2025;Max Rot;Gutschrift;"
                                 "Spende;1.978,40;EUR;50,00;EUR\r\nSortierung;").encode("cp1252"))
    before = snapshot(books)
    r = run_cli("import", bad, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode != 0
    # Named by its row and shape, never its text (issue 29: no error echoes a cell).
    assert "ing.csv:11:" in r.stderr and "shaped '99.99.9999'" in r.stderr
    assert "preamble" in r.stderr and "05.06.2025" not in r.stderr
    assert snapshot(books) == before


def test_a_declared_trailer_is_skipped_and_the_import_says_so(tmp_path):
    """Open Collective's API ends a download that hit its limit with `Warning: totalCount
    is N and limit was M`: the rows above it are imported, and the summary names the
    trailer line, so a treasurer learns the download is incomplete (never silently)."""
    books, env = init_books(tmp_path)
    export = REAL / "opencollective-api.csv"
    rows = len(export.read_text(encoding="utf-8").splitlines())
    r = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    assert (f"footer skipped, as its source declares: {export}:{rows}: "
            "Warning: totalCount is 1203 and limit was 4") in r.stderr
    # A file with no trailer says nothing of one.
    plain = tmp_path / "oc.csv"
    plain.write_text("\n".join(export.read_text(encoding="utf-8").splitlines()[:-1]) + "\n",
                     encoding="utf-8")
    again = run_cli("import", plain, "--books", books, "--unclassified", "suspense", env=env)
    assert again.returncode == 0, again.stderr
    assert "footer skipped" not in again.stderr
