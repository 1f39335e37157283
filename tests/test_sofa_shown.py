"""What the SOFA and its funds note SHOW, on every surface, in this process: the terminal
text, CSV, the HTML page, JSON, the workbook reopened with openpyxl and `fundledger report
sofa` run with click's runner. The figures are those of tests/statements_books.py's SORP
books for 2023, worked by hand there and in tests/test_sofa_hand.py; each surface must
show every one of them, in its column."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from reports import sofa_render, xlsx
from reports.sofa import sofa
from tests.statements_books import load, write_sorp
from tests.test_statements_shown import amount, html_rows, invoke, text_rows

D = Decimal
Y2023 = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))

# fund: class, brought forward, income, expenditure, gains, transfers, carried forward,
# the prior year's carried forward. general: 189.99 + its 300 opening; 100 + 40 + 5 + 3;
# 10.01 + 20 + 15 (rent, insurance, office); -50 to the case, -30 designated. The case:
# 400 spent and 600 returned. The grant: 300 + 100 spent, 10 lost on exchange.
FUNDS = {
    "general": ("unrestricted", "489.99", "148.00", "45.01", "0", "-80.00", "512.98",
                "189.99"),
    "reserve": ("designated", "0", "0", "0", "0", "30.00", "30.00", "0"),
    "case": ("restricted", "950.00", "0", "1000.00", "0", "50.00", "0", "950.00"),
    "grant": ("restricted", "0", "1000.00", "400.00", "-10.00", "0", "590.00", "0"),
    "core": ("restricted", "0", "607.00", "0", "0", "0", "607.00", "0"),
    "endow": ("endowment", "500.00", "0", "0", "25.00", "0", "525.00", "500.00"),
}
# label: unrestricted, restricted, endowment, total, prior total (test_sofa_hand.py)
ROWS = {
    "Total income": ("148.00", "1607.00", "0", "1755.00", "1700.00"),
    "Other expenditure": ("27.00", "0", "0", "27.00", "0"),
    "Unspent funds returned to donors": ("0", "600.00", "0", "600.00", "0"),
    "Total expenditure": ("45.01", "1400.00", "0", "1445.01", "60.01"),
    "Net gains/(losses)": ("0", "-10.00", "25.00", "15.00", "0"),
    "Transfers between funds": ("-50.00", "50.00", "0", "0", "0"),
    "Total funds brought forward": ("489.99", "950.00", "500.00", "1939.99", "0"),
    "Total funds carried forward": ("542.98", "1197.00", "525.00", "2264.98", "1639.99"),
}


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return write_sorp(tmp_path_factory.mktemp("sorp"))


@pytest.fixture(scope="module")
def statement(path):
    return sofa(*load(path), *Y2023)


def numbers(cells) -> tuple:
    return tuple(amount(c) for c in cells)


def want(values) -> tuple:
    return tuple(amount(v) for v in values)


def funds_note(rows) -> dict:
    """{fund: (class, figures...)} from the rows after the funds note's header."""
    out = {}
    for r in rows:
        cells = [c for c in r if c not in ("", None)]
        if cells and cells[0] in FUNDS and len(cells) >= 8:
            out.setdefault(cells[0], (cells[1], *numbers(cells[2:])))
    return out


def check_note(got: dict, prior: bool = True) -> None:
    for fund, (cls, *figures) in FUNDS.items():
        assert got[fund] == (cls, *want(figures if prior else figures[:-1])), fund


def check_rows(rows, width=5) -> None:
    found = {}
    for r in rows:
        cells = [c for c in r if c not in ("", None)]
        if cells and isinstance(cells[0], str):
            found.setdefault(cells[0].strip(), numbers(cells[1:width + 1]))
    for label, values in ROWS.items():
        assert found[label] == want(values), label


def test_the_funds_note_in_text_csv_and_html(statement):
    text = sofa_render.to_table(statement)
    check_note(funds_note(text_rows(text.split("Funds note")[1])))
    check_rows(text_rows(text.split("Comparatives")[0]))
    table = list(csv.reader(io.StringIO(sofa_render.to_csv(statement))))
    header = next(r for r in table if r and r[0] == "fund")
    assert header == ["fund", "class", "brought_forward", "income", "expenditure", "gains",
                      "transfers", "carried_forward", "prior_carried_forward"]
    check_note(funds_note(table))
    check_rows([r[1:] for r in table[:20]])  # the SOFA, before the funds note
    page = html_rows(sofa_render.to_html(statement))
    check_note(funds_note(page))
    check_rows(page)
    total = next(r for r in page if r and r[0] == "Total")
    # the funds note's totals: the SOFA's brought forward, income, spend, gains, carried
    assert numbers(total[2:]) == want(("1939.99", "1755.00", "1445.01", "15.00", "0",
                                       "2264.98", "1639.99"))


def test_the_funds_note_in_json_and_the_workbook(statement):
    data = json.loads(sofa_render.to_json(statement))
    got = {f["fund"]: f for f in data["funds"]}
    for fund, (cls, bf, income, spent, gains, transfers, cf, prior_cf) in FUNDS.items():
        assert numbers([got[fund][k] for k in ("brought_forward", "income", "expenditure",
                                               "gains", "transfers", "carried_forward")]) == \
            want((bf, income, spent, gains, transfers, cf)), fund
        assert data["fund_classes"][fund] == cls
    prior = {f["fund"]: amount(f["carried_forward"]) for f in data["prior"]["funds"]}
    assert prior == {fund: amount(v[-1]) for fund, v in FUNDS.items()}
    assert {r["label"]: want([r["unrestricted"], r["restricted"], r["endowment"],
                              r["total"], r["prior_total"]]) for r in data["sofa"]
            if r["label"] in ROWS} == {k: want(v) for k, v in ROWS.items()}
    stream = xlsx.sofa_workbook(statement, io.BytesIO())
    stream.seek(0)
    wb = openpyxl.load_workbook(stream)
    assert wb.sheetnames == ["SOFA", "SOFA (prior)", "Funds note", "Funds note (prior)"]
    note = {r[0]: (r[2], *numbers(r[3:9])) for r in wb["Funds note"].iter_rows(
        min_row=3, values_only=True) if r[0] in FUNDS}
    check_note(note, prior=False)
    total = next(r for r in wb["Funds note"].iter_rows(values_only=True) if r[0] == "Total")
    assert numbers(total[3:9]) == want(("1939.99", "1755.00", "1445.01", "15.00", "0",
                                        "2264.98"))
    check_rows(list(wb["SOFA"].iter_rows(values_only=True)))


def test_the_sofa_command(path):
    text = invoke("report", "sofa", "--books", path, "--year", "2023")
    check_note(funds_note(text_rows(text.split("Funds note")[1])))
    check_rows(text_rows(text.split("Comparatives")[0]))
    table = list(csv.reader(io.StringIO(invoke("report", "sofa", "--books", path, "--year",
                                               "2023", "--format", "csv"))))
    check_note(funds_note(table))
