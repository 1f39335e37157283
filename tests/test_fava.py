"""The Funds page in Fava: Fava's real Flask app on real books, and `fundledger serve` over
real HTTP. Figures are checked against small books worked out by hand, and on the demo
books against plain sums over the loaded entries and against reports.funds.reconcile."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import urllib.error
import urllib.request
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core.data import Custom, Transaction
from browser_support import fava_server
from fava_support import EXTENSION_LINE, SMALL, fava_app, figures, funds_table, write_small
from openpyxl import load_workbook

from fundledger import demo_books
from ledger import books as ledger_books
from ledger import funds as fundmodel
from reports.funds import reconcile, to_json

D = Decimal


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    main = write_small(tmp_path_factory.mktemp("small"))
    app, slug = fava_app(main)
    return app.test_client(), f"/{slug}/extension/Funds/"


@pytest.fixture(scope="module")
def demo():
    entries, errors, options = ledger_books.load(demo_books.MAIN)
    assert errors == []
    app, slug = fava_app(demo_books.MAIN)
    return app.test_client(), f"/{slug}/extension/Funds/", entries, options


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.data[:2000]
    return response.get_data(as_text=True)


# ---- small books, figures by hand -------------------------------------------------------

def test_funds_page_all_time(small):
    client, page = small
    table = funds_table(get(client, page))
    # every row adds up: raised - fees - legal - other + in - out - returned = balance
    assert table == {
        "general": {"raised": D("100.00"), "fees": D("0.00"), "legal": D("0.00"),
                    "other": D("0.00"), "transfers_in": D("0.00"),
                    "transfers_out": D("40.00"), "returned": D("0.00"), "balance": D("60.00")},
        "case": {"raised": D("1000.00"), "fees": D("50.00"), "legal": D("650.00"),
                 "other": D("0.00"), "transfers_in": D("40.00"), "transfers_out": D("0.00"),
                 "returned": D("0.00"), "balance": D("340.00")},
    }


def test_fund_page_all_time(small):
    client, page = small
    text = get(client, page + "?fund=case")
    f = figures(text)
    assert f["raised"] == (D("1000.00"),)
    assert f["platform_fees"] == (D("50.00"),)
    assert f["legal:profit costs"] == (D("500.00"),)
    assert f["legal:counsel"] == (D("150.00"),)
    assert f["transfers_in"] == (D("40.00"),)
    assert f["balance"] == (D("340.00"),)
    # The title is the books' text, escaped: never markup.
    assert "A case &lt;b&gt;in court&lt;/b&gt;" in text
    assert "<b>in court</b>" not in text
    # Legal spend by firm and year: Firm LLP 300 (2018) + 200 (2019); Chambers 150 (2019).
    assert _legal_by_year(text) == {
        "Firm LLP": ["300.00", "200.00", "500.00"],
        "Chambers": ["0.00", "150.00", "150.00"],
        "Total": ["300.00", "350.00", "650.00"],
    }
    # Where the money is: 300.00 still at the firm, 40.00 transferred from general's money.
    assert "Assets:Held:Firm" in text and "300.00" in text
    # A restricted fund with money left is not closable: the blocker says why.
    assert "340.00 not yet spent" in text


def _legal_by_year(text: str) -> dict[str, list[str]]:
    table = text.split('class="legal-by-year"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                        row, re.DOTALL)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_time_filter_changes_the_figures(small):
    client, page = small
    table = funds_table(get(client, page + "?time=2018"))
    # In 2018: case raised 1000, fees 50, legal 300; balance at 2018-12-31 = 650.
    assert table["case"] == {"raised": D("1000.00"), "fees": D("50.00"), "legal": D("300.00"),
                             "other": D("0.00"), "transfers_in": D("0.00"),
                             "transfers_out": D("0.00"), "returned": D("0.00"),
                             "balance": D("650.00")}
    # general raised nothing in 2018; its balance at the end of 2018 is the 2017 gift.
    assert table["general"]["raised"] == D("0.00")
    assert table["general"]["balance"] == D("100.00")
    f = figures(get(client, page + "?fund=case&time=2019"))
    # 2019: legal 350, 40 in; change in balance -310; at the end of 2019: 340.
    assert f["legal"] == (D("350.00"), D("650.00"))
    assert f["transfers_in"] == (D("40.00"), D("40.00"))
    assert f["balance"] == (D("-310.00"), D("340.00"))


def test_a_fund_not_yet_open_is_not_listed(small):
    client, page = small
    assert set(funds_table(get(client, page + "?time=2017"))) == {"general"}
    get(client, page + "?fund=case&time=2017", status=404)


def test_filter_bar_and_account_filter(small):
    client, page = small
    # Only #legal transactions: case spent 650 on legal and raised nothing.
    table = funds_table(get(client, page + "?filter=%23legal"))
    assert table["case"]["legal"] == D("650.00")
    assert table["case"]["raised"] == D("0.00")
    assert table["general"]["raised"] == D("0.00")
    # Fava's account filter keeps whole transactions: the 2019 hearing is the only one
    # paying counsel, so the case's legal spend is that transaction's 350.
    table = funds_table(get(client, page + "?account=Expenses:Legal:Counsel"))
    assert table["case"]["legal"] == D("350.00")


def test_links_keep_the_filters(small):
    client, page = small
    text = get(client, page + "?time=2019")
    assert "fund=case&amp;time=2019" in text or "time=2019&amp;fund=case" in text
    assert "download?report=funds.json&amp;time=2019" in text


def test_bad_time_filter_is_a_plain_400(small):
    # (issue 18: it was Fava's 500 error page; tests/test_rough_edges.py asks over HTTP)
    client, page = small
    response = client.get(page + "?time=not-a-date")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "time 'not-a-date' is not a period Fava reads" in response.get_data(as_text=True)


# ---- downloads ----------------------------------------------------------------------------

def test_download_funds_json_follows_the_time_filter(small):
    client, page = small
    response = client.get(page + "download?report=funds.json&time=2018")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=funds.json"
    data = json.loads(response.data)
    by_fund = {f["fund"]: f for f in data["funds"]}
    assert by_fund["case"]["balance"] == "650.00 GBP"
    assert by_fund["general"]["balance"] == "100.00 GBP"


@pytest.mark.parametrize("query", [
    "report=nope",
    "report=",
    "",
    "report=../../../../etc/passwd",
    "report=%2Fetc%2Fpasswd",
    "report=funds.json&fund=../main.beancount",
    "report=funds.json&fund=no-such-fund",
])
def test_unknown_names_are_404(small, query):
    client, page = small
    get(client, page + "download?" + query, status=404)


def test_unknown_fund_page_is_404(small):
    client, page = small
    get(client, page + "?fund=../../main.beancount", status=404)
    get(client, page + "?fund=nobody", status=404)


def test_unknown_endpoint_and_method_are_refused(small):
    client, page = small
    get(client, page + "secrets", status=404)
    assert client.post(page + "download?report=funds.json").status_code == 404


def test_books_without_the_extension_line_have_no_funds_page(tmp_path):
    main = write_small(tmp_path, SMALL.replace(EXTENSION_LINE, ""))
    app, slug = fava_app(main)
    assert app.test_client().get(f"/{slug}/extension/Funds/").status_code == 404


# ---- the demo books, against independent sums ---------------------------------------------

def _declared_by(entries, last: datetime.date | None) -> set[str]:
    declared, _b, _e = fundmodel.declarations(
        [e for e in entries if last is None or e.date <= last])
    return set(declared)


def test_demo_funds_page_matches_plain_sums(demo):
    client, page, entries, _options = demo
    table = funds_table(get(client, page))
    assert set(table) == _declared_by(entries, None)
    balances = fundmodel.balances(entries)
    for fund, row in table.items():
        assert row["balance"] == balances.get(fund, {}).get("GBP", D(0)), fund


def _raised(entries, begin, end) -> dict[str, Decimal]:
    """Income in pounds by fund in [begin, end): a plain sum of posting weights (an amount
    in another currency with no rate booked is not pounds, and not counted)."""
    out: dict[str, Decimal] = defaultdict(lambda: D(0))
    for txn, posting, fund in fundmodel.fund_postings(entries):
        w = fundmodel.weight(posting)
        if begin <= txn.date < end and posting.account.startswith("Income:") and (
                w.currency == "GBP"):
            out[fund] -= w.number
    return out


@pytest.mark.parametrize("year", [2018, 2020, 2023])
def test_demo_time_filter_matches_reconcile_and_plain_sums(demo, year):
    client, page, entries, options = demo
    begin, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    table = funds_table(get(client, page + f"?time={year}"))
    whole = funds_table(get(client, page))
    last = end - datetime.timedelta(days=1)
    assert set(table) == _declared_by(entries, last)
    # Balances at the end of the year: reconcile on the books up to that day, and a plain sum.
    expected = {s.fund: s for s in reconcile(entries, options, as_of=last)}
    plain = fundmodel.balances(entries, until=last)
    raised = _raised(entries, begin, end)
    for fund, row in table.items():
        assert row["balance"] == expected[fund].balance == plain.get(fund, {}).get("GBP", D(0))
        assert row["raised"] == raised.get(fund, D(0)), fund
    # The period changes the figures (the demo has activity every one of these years).
    assert table != {f: whole[f] for f in table}


def test_demo_every_fund_page(demo):
    client, page, entries, options = demo
    for s in reconcile(entries, options):
        text = get(client, page + f"?fund={s.fund}")
        f = figures(text)
        assert f["balance"] == (s.balance,)
        assert f["raised"] == (s.raised_total,)
        assert f["legal"] == (s.legal_total,)
        for h in s.holdings:
            assert h.account in text
        for b in s.blockers:
            assert b.replace("'", "&#39;") in text
        assert "<svg" in text


def _plain_balances(entries, until=None) -> dict[str, Decimal]:
    return {f: b.get("GBP", D(0)) for f, b in fundmodel.balances(entries, until).items()}


def test_demo_funds_csv_download_is_the_cli_csv(demo, cli):
    client, page, entries, _options = demo
    response = client.get(page + "download?report=funds.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=funds.csv"
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    result = cli("funds", "--books", demo_books.MAIN, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert text == result.stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    plain = _plain_balances(entries)
    assert {r["fund"]: D(r["balance"]) for r in rows} == {
        f: plain.get(f, D(0)) for f in _declared_by(entries, None)}


def test_demo_funder_xlsx_for_the_grant(demo):
    client, page, entries, _options = demo
    grants = {b.fund for b in fundmodel.declarations(entries)[1]}
    assert grants, "the demo books declare a grant with a budget"
    for fund in grants:
        response = client.get(page + f"download?report=funder.xlsx&fund={fund}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == (
            f"attachment; filename=funder-{fund}.xlsx")
        sheet = load_workbook(io.BytesIO(response.data))["Transactions"]
        header = [c.value for c in sheet[1]]
        col = header.index("Amount (GBP)")
        listed = sum((D(str(row[col])) for row in sheet.iter_rows(min_row=2, values_only=True)
                      if isinstance(row[0], datetime.datetime)), D(0))
        spent = sum((fundmodel.weight(p).number for _t, p, f in fundmodel.fund_postings(entries)
                     if f == fund and p.account.startswith("Expenses:")), D(0))
        assert listed == spent
        # The fund's page shows the same budget lines.
        text = get(client, page + f"?fund={fund}")
        for b in fundmodel.declarations(entries)[1]:
            if b.fund == fund:
                assert f'data-line="{b.line}"' in text
                assert f"{b.amount.number:,.2f}" in text
        assert "Funder report (XLSX)" in text
    # Not a grant, or no fund: no funder report.
    other = next(f for f in _declared_by(entries, None) if f not in grants)
    get(client, page + f"download?report=funder.xlsx&fund={other}", status=404)
    get(client, page + "download?report=funder.xlsx", status=404)
    assert "Funder report (XLSX)" not in get(client, page + f"?fund={other}")


def test_sofa_xlsx_for_the_time_filter_year(small):
    client, page = small
    response = client.get(page + "download?report=sofa.xlsx&time=2019")
    assert response.status_code == 200, response.data
    assert response.headers["Content-Disposition"] == "attachment; filename=sofa.xlsx"
    book = load_workbook(io.BytesIO(response.data))
    assert "2019-01-01 to 2019-12-31" in book["SOFA"]["A2"].value
    note = book["Funds note"]
    header = [c.value for c in note[2]]
    moves = {row[0]: {h: row[i] for i, h in enumerate(header)}
             for row in note.iter_rows(min_row=3, values_only=True)
             if row[0] and row[0] != "Total"}
    # By hand (fava_support.SMALL): general 100 b/f, 40 out, 60 c/f; case 650 b/f, 350
    # spent, 40 in, 340 c/f.
    assert {f: (D(str(m["Brought forward"])), D(str(m["Carried forward"])))
            for f, m in moves.items()} == {"general": (D(100), D(60)),
                                           "case": (D(650), D(340))}
    # A books-wide report asked for one fund is refused.
    get(client, page + "download?report=sofa.xlsx&fund=general", status=404)


def test_a_report_the_books_cannot_give_says_why(tmp_path):
    # A donation in USD with no rate to pounds: the SOFA (in pounds) refuses it, with the
    # file and line, as `fundledger report sofa` does.
    main = write_small(tmp_path, SMALL + """
2019-06-01 open Income:Donations:USD USD
2019-06-01 open Assets:Bank:USD USD
2019-06-02 * "Bank" "Dollar gift"
  fund: "general"
  Assets:Bank:USD                    50.00 USD
  Income:Donations:USD              -50.00 USD
""")
    app, slug = fava_app(main)
    response = app.test_client().get(
        f"/{slug}/extension/Funds/download?report=sofa.xlsx&time=2019")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f"{main}:" in text and "USD" in text


def test_demo_funds_json_download_equals_reconcile(demo):
    client, page, entries, options = demo
    response = client.get(page + "download?report=funds.json")
    assert response.status_code == 200
    assert json.loads(response.data) == json.loads(json.dumps(to_json(reconcile(entries,
                                                                                options))))


# ---- `fundledger serve` over real HTTP ----------------------------------------------------

def test_serve_demo_serves_a_temporary_copy(tmp_path):
    declared = _declared_by(ledger_books.load(demo_books.MAIN)[0], None)
    with fava_server() as server:
        assert server.funds_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.funds_url) as response:
            text = response.read().decode()
        assert set(funds_table(text)) == declared
        copy_line = next(line for line in server.output if "fresh copy of the demo" in line)
        copy = Path(copy_line.split(" in ", 1)[1].split(" (")[0])
        assert copy.is_dir() and (copy / "main.beancount").is_file()
        assert demo_books.BOOKS.resolve() not in copy.resolve().parents
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(server.funds_url + "download?report=nope")
        assert e.value.code == 404
    assert server.process.returncode == 0, "".join(server.output)
    # Ctrl-C stops the server and throws the copy away.
    assert not copy.exists()


def test_serve_given_books_and_unknown_books(tmp_path, cli):
    main = write_small(tmp_path / "books")
    with (fava_server(str(tmp_path / "books")) as server,
          urllib.request.urlopen(server.funds_url + "?fund=case") as response):
        assert figures(response.read().decode())["balance"] == (D("340.00"),)
    result = cli("serve", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "no books here" in result.stderr
    assert main.read_text() == SMALL


def test_serve_warns_when_books_do_not_enable_the_page(tmp_path, capsys):
    from fundledger.commands import serve

    main = write_small(tmp_path, SMALL.replace(EXTENSION_LINE, ""))
    serve.create_app(main)
    err = capsys.readouterr().err
    assert 'custom "fava-extension" "reports.fava_ext"' in err


def test_serve_prints_no_funds_page_address_that_would_answer_404(tmp_path):
    """Books without the extension line: `serve` prints no "Funds page:" address (Fava
    serves no page there), only Fava's own, which answers, and says how to add the page."""
    import signal
    import subprocess
    import sys
    import time

    from browser_support import free_port
    from conftest import cli_env

    main = write_small(tmp_path / "books", SMALL.replace(EXTENSION_LINE, ""))
    process = subprocess.Popen(
        [sys.executable, "-m", "fundledger", "serve", str(main), "--port", str(free_port())],
        env=dict(cli_env(), PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith("press Ctrl-C"):
                break
        text = "".join(output)
        assert "press Ctrl-C" in text, text
        assert not any(line.startswith("Funds page: ") for line in output), text
        assert 'custom "fava-extension" "reports.fava_ext"' in text
        assert "no Funds page" in text
        fava = next(line.split(": ", 1)[1].strip() for line in output
                    if line.startswith("Fava on "))
        for _ in range(300):  # the server listens a moment after it prints
            try:
                with urllib.request.urlopen(fava, timeout=60) as response:
                    assert response.status == 200
                break
            except urllib.error.URLError as e:
                if isinstance(e, urllib.error.HTTPError):
                    raise
                time.sleep(0.2)
        else:
            raise AssertionError("Fava's page never answered:\n" + text)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=60)
    assert process.returncode == 0


def test_demo_books_enable_the_extension():
    entries, _errors, _options = ledger_books.load(demo_books.MAIN)
    assert any(isinstance(e, Custom) and e.type == "fava-extension"
               and e.values[0].value == "reports.fava_ext" for e in entries)
    assert any(isinstance(e, Transaction) for e in entries)


# ---- Fava's import page runs fundledger's importers -------------------------------------

PAYPAL_EXPORT = Path(__file__).parent / "fixtures" / "imports" / "paypal_uk.csv"


def test_import_page_uploads_and_extracts_with_fundledger_importers(tmp_path, monkeypatch):
    # The demo's own key, kept 0600: the import page, like `fundledger import`, refuses a
    # missing key for books that already hold pseudonyms.
    key = tmp_path / "donor.key"
    key.write_bytes(demo_books.KEY.read_bytes())
    key.chmod(0o600)
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(key))
    main = demo_books.copy_to(tmp_path / "books")
    before = {p: p.read_bytes() for p in main.parent.rglob("*.beancount")}
    app, slug = fava_app(main)
    client = app.test_client()
    ledger = app.config["LEDGERS"].ledgers[0]
    assert ledger.fava_options.import_config == "import_config.py"
    assert [e for e in ledger.errors if "import" in type(e).__name__.lower()] == []
    # The demo's own exports are listed, each identified by a fundledger importer.
    listed = client.get(f"/{slug}/api/imports").get_json()["data"]
    exports = sorted(p.name for p in (main.parent / "exports").iterdir())
    assert sorted(f["basename"] for f in listed) == exports
    assert all(f["importers"] and all(i["importer_name"].startswith("fundledger.")
                                      for i in f["importers"]) for f in listed)
    # A treasurer uploads a PayPal activity download in the browser...
    response = client.put(f"/{slug}/api/upload_import_file",
                          data={"file": (io.BytesIO(PAYPAL_EXPORT.read_bytes()),
                                         "paypal-march.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 200, response.data
    uploaded = main.parent / "exports" / "paypal-march.csv"
    assert uploaded.read_bytes() == PAYPAL_EXPORT.read_bytes()
    listed = client.get(f"/{slug}/api/imports").get_json()["data"]
    mine = next(f for f in listed if f["basename"] == "paypal-march.csv")
    importer = next(i["importer_name"] for i in mine["importers"])
    assert importer == "fundledger.paypal"
    # ...and Fava extracts entries from it with that importer, without donor data.
    extracted = client.get(f"/{slug}/api/extract",
                           query_string={"filename": str(uploaded), "importer": importer})
    assert extracted.status_code == 200, extracted.data
    text = json.dumps(extracted.get_json()["data"])
    ids = {row["Transaction ID"] for row in csv.DictReader(
        io.StringIO(PAYPAL_EXPORT.read_text(encoding="utf-8-sig")))}
    assert any(f"paypal:{i}" in text for i in ids)
    for row in csv.DictReader(io.StringIO(PAYPAL_EXPORT.read_text(encoding="utf-8-sig"))):
        for column in ("Name", "From Email Address", "Shipping Address", "Note"):
            if row[column] and "treasurer@" not in row[column]:
                assert row[column] not in text, column
    # Nothing was written to the books: only Fava's import page's "save" does that.
    assert {p: p.read_bytes() for p in main.parent.rglob("*.beancount")} == before


@pytest.mark.parametrize("fund", [None, "case"])
def test_transparency_zip_is_what_the_cli_writes(tmp_path, cli, fund):
    main = write_small(tmp_path / "books")
    app, slug = fava_app(main)
    query = "report=fund-transparency.zip&fund=case" if fund else "report=transparency.zip"
    response = app.test_client().get(f"/{slug}/extension/Funds/download?{query}")
    assert response.status_code == 200, response.data
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={'transparency-case.zip' if fund else 'transparency.zip'}")
    result = cli("report", "transparency", *([fund] if fund else []), "--books", main,
                 "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in (tmp_path / "out").iterdir())
        for name in z.namelist():
            # Chart element ids come from a counter (unique within a process), not the data.
            ours, cli_file = (re.sub(rb"chart\d+", b"chart", data) for data in (
                z.read(name), (tmp_path / "out" / name).read_bytes()))
            assert ours == cli_file, name


def test_figures_link_to_the_journal_behind_them():
    """A fund's figures link to Fava's journal filtered to that account and fund, keeping
    the time filter; Fava's own filter on those links keeps exactly that fund's entries."""
    import html as html_lib
    from urllib.parse import parse_qs, urlparse

    app, slug = fava_app(demo_books.MAIN)
    client = app.test_client()
    text = get(client, f"/{slug}/extension/Funds/?fund=lumen-grant&time=2020")
    links = {html_lib.unescape(h) for h in re.findall(r'class="journal" href="([^"]+)"', text)}
    legal = next(u for u in links if "account=Expenses:Legal&" in u or
                 u.endswith("account=Expenses:Legal"))
    query = parse_qs(urlparse(legal).query)
    assert query == {"account": ["Expenses:Legal"], "filter": ['fund:"lumen-grant"'],
                     "time": ["2020"]}
    assert get(client, legal).count("<") > 0  # Fava accepts the filter
    ledger = app.config["LEDGERS"].ledgers[0]
    from fava.core import FilteredLedger

    kept = FilteredLedger(ledger, account="Expenses:Legal", filter='fund:"lumen-grant"',
                          time="2020").entries
    # (Fava's clamping adds its own opening-balance entries, flagged S: not ours)
    txns = [e for e in kept if type(e).__name__ == "Transaction" and e.flag != "S"]
    assert txns and all(e.meta.get("fund") == "lumen-grant" for e in txns)
    assert all(e.date.year == 2020 for e in txns)
