"""Books and helpers for the Fava tests: small books whose figures can be worked out by
hand, Fava's real Flask app on them, and a reader for the Funds page's tables."""

from __future__ import annotations

import html
import html.parser
import re
from decimal import Decimal
from pathlib import Path

EXTENSION_LINE = '2017-01-01 custom "fava-extension" "reports.fava_ext" "{}"\n'

# Figures by hand:
# general: 100.00 donated in 2017, 40.00 transferred to case in 2019: balance 60.00.
# case: 1,000.00 pledged in 2018 less a 50.00 platform fee (950.00 to the firm's client
#   account); legal 300.00 (Firm LLP, 2018, #legal) and 200.00 + counsel 150.00 (Chambers)
#   in 2019 (#legal); 40.00 in from general in 2019: balance 1000 - 50 - 300 - 350 + 40
#   = 340.00, of which 950 - 650 = 300.00 at the firm and 40.00 with general.
SMALL = """\
option "title" "Small Campaign"
option "operating_currency" "GBP"
plugin "ledger.plugin"
""" + EXTENSION_LINE + """
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Income:Donations:PayPal GBP
2017-01-01 open Income:Crowdfunding:Platform GBP
2017-01-01 open Expenses:Fees:Platform GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Legal:Counsel GBP
2017-01-01 open Equity:Funds:Transfers GBP

2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2018-01-01 custom "fund" "case" "restricted"
  title: "A case <b>in court</b>"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "return-to-platform"

2017-06-01 * "PayPal" "Donation"
  fund: "general"
  Assets:Bank:Current               100.00 GBP
  Income:Donations:PayPal          -100.00 GBP

2018-02-01 * "Platform" "Pledges paid to the firm's client account"
  fund: "case"
  Assets:Held:Firm                  950.00 GBP
  Expenses:Fees:Platform             50.00 GBP
  Income:Crowdfunding:Platform    -1000.00 GBP

2018-05-01 * "Firm LLP" "Advice" #legal
  fund: "case"
  Expenses:Legal:Solicitors         300.00 GBP
  Assets:Held:Firm                 -300.00 GBP

2019-03-01 * "Firm LLP" "Hearing" #legal
  fund: "case"
  Expenses:Legal:Solicitors         200.00 GBP
  Expenses:Legal:Counsel            150.00 GBP
    firm: "Chambers"
  Assets:Held:Firm                 -350.00 GBP

2019-04-01 * "Trustees" "General tops up the case"
  Equity:Funds:Transfers             40.00 GBP
    fund: "general"
  Equity:Funds:Transfers            -40.00 GBP
    fund: "case"
"""


def write_small(folder: Path, text: str = SMALL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "main.beancount"
    main.write_text(text)
    return main


def fava_app(main: Path):
    """Fava's own Flask app on the books, loaded now; returns (app, slug)."""
    from fava.application import create_app

    app = create_app([str(main.resolve())], load=True)
    app.testing = True
    return app, app.config["LEDGERS"].first_slug()


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


class _Tables(html.parser.HTMLParser):
    """Collects text of cells marked `data-field`, by row key (data-fund / data-field)."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, list[tuple[str | None, str]]] = {}
        self._row: str | None = None
        self._cell: str | None = None
        self._in_cell = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and ("data-fund" in a or "data-field" in a):
            self._row = a.get("data-fund") or a.get("data-field")
            self.rows[self._row] = []
        elif tag == "td" and self._row is not None:
            self._in_cell, self._cell, self._text = True, a.get("data-field"), []

    def handle_endtag(self, tag):
        if tag == "td" and self._in_cell:
            self.rows[self._row].append((self._cell, "".join(self._text).strip()))
            self._in_cell = False
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._in_cell:
            self._text.append(data)


def funds_table(page: str) -> dict[str, dict[str, Decimal]]:
    """The Funds list: {fund id: {raised, fees, legal, other, transfers_in, transfers_out,
    returned, balance}}."""
    parser = _Tables()
    parser.feed(page)
    return {fund: {f: amount(t) for f, t in cells if f}
            for fund, cells in parser.rows.items()
            if any(f == "balance" for f, _t in cells)}


def figures(page: str) -> dict[str, tuple[Decimal, ...]]:
    """A fund page's figures: {field: (in period, at end)} or (at end,) for all time."""
    parser = _Tables()
    parser.feed(page)
    return {field: tuple(amount(t) for _f, t in cells[1:])
            for field, cells in parser.rows.items() if cells and cells[0][0] is None}


def statement_tables(page: str, key: str) -> dict[str, dict[str, list[Decimal | str]]]:
    """The Statements page's balance sheet or receipts and payments section (`key`:
    balance-sheet, receipts-payments): {table title: {line: {column: cell}}}, figures as
    Decimal ("(288.00)" is -288.00), and {"refusal": {text: {}}} where the report refused."""
    found = re.search(rf'<section class="statement" data-statement="{key}">(.*?)</section>',
                      page, re.DOTALL)
    assert found, key
    body, out = found.group(1), {}
    for refusal in re.findall(r'<p class="error"[^>]*>(.*?)</p>', body, re.DOTALL):
        out.setdefault("refusal", {})[html.unescape(refusal.strip())] = {}
    for title, table in re.findall(r"<h3>(.*?)</h3>\s*<div[^>]*>\s*<table[^>]*>(.*?)</table>",
                                   body, re.DOTALL):
        lines = out.setdefault(html.unescape(title), {})
        for label, row in re.findall(r'<tr data-item="([^"]*)"[^>]*>(.*?)</tr>', table,
                                     re.DOTALL):
            lines[html.unescape(label)] = {
                html.unescape(column): _figure(html.unescape(re.sub(r"<[^>]+>", "", c)).strip())
                for column, c in re.findall(r'<td class="num" data-label="([^"]*)">(.*?)</td>',
                                            row, re.DOTALL)}
    return out


def _figure(text: str) -> Decimal | str:
    bare = text.replace(",", "")
    if re.fullmatch(r"\(\d+\.\d+\)", bare):
        return -Decimal(bare[1:-1])
    return Decimal(bare) if re.fullmatch(r"-?\d+\.\d+", bare) else text
