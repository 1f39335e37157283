"""Reading what fundledger shows, for the examiner's recomputation
(tests/test_examiner_recompute.py): the CLI run in-process, the Statements page's SOFA
and the label rows of a statement written as CSV or XLSX."""

from __future__ import annotations

import html.parser
import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from fundledger.cli import cli
from tests import fava_support

D = Decimal


def invoke(*args: str) -> str:
    done = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def report_json(main: Path, name: str, fy: int) -> dict:
    # The SOFA with every fund's row, as the examiner reads it (not the published form).
    every = ("--every-fund",) if name == "sofa" else ()
    return json.loads(invoke("report", name, "--books", main, "--year", str(fy),
                             "--format", "json", *every))


class _SofaPage(html.parser.HTMLParser):
    """The Statements page's SOFA: {row key: {column: amount}} (not the prior year's)."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict[str, Decimal]] = {}
        self._row: str | None = None
        self._column: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self._row = a.get("data-row")
            if self._row:
                self.rows[self._row] = {}
        elif tag == "td" and self._row and a.get("data-column"):
            self._column, self._text = a["data-column"], []

    def handle_endtag(self, tag):
        if tag == "td" and self._column:
            self.rows[self._row][self._column] = fava_support.amount("".join(self._text))
            self._column = None

    def handle_data(self, data):
        if self._column:
            self._text.append(data)


def sofa_page(text: str) -> dict[str, dict[str, Decimal]]:
    parser = _SofaPage()
    parser.feed(text)
    return parser.rows


def labelled(rows) -> dict[str, tuple]:
    """A statement's rows by their label (the first cell), the first of each label."""
    out: dict[str, tuple] = {}
    for r in rows:
        if r and r[0]:
            out.setdefault(str(r[0]).strip(), tuple(r))
    return out


def total_of(rows: list[tuple], label: str) -> Decimal:
    """The Total column of `label` in a table headed Unrestricted ... Total."""
    header = next(r for r in rows if "Unrestricted" in r and "Total" in r)
    return D(str(labelled(rows)[label][header.index("Total")]))
