"""What the receipts and payments account, the balance sheet and the trial balance SHOW,
on every surface, in this process: the tables, the terminal text, CSV, the HTML page,
the workbook reopened with openpyxl, JSON, the `fundledger report` commands and the pack
(run in-process with click's runner) and the Fava Statements page's sections. Each line
is checked against figures worked by hand on tests/rp_books.py (not read from the code),
so a figure computed right but left out of a surface, or shown in the wrong column, fails
here."""

from __future__ import annotations

import csv
import datetime
import html.parser
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from fundledger.cli import cli
from reports import statement_render as sr
from reports import xlsx
from reports.balance_sheet import balance_sheet
from reports.classify import ReportError
from reports.fava_ext.statements import sections
from reports.receipts_payments import receipts_payments
from reports.trial_balance import nominal_ledger, trial_balance
from tests.rp_books import Y2024, write_rp
from tests.statements_books import load

D = Decimal
PRIOR_END = datetime.date(2023, 12, 31)

# Receipts and payments, 2024: unrestricted, restricted, endowment, total, prior year
# (tests/test_rp_lines.py works out each line from the entries).
RP_ROWS = {
    "Donations and legacies": ("280.00", "1300.00", "5000.00", "6580.00", "1000.00"),
    "Grants and charitable activities": ("0", "3000.00", "0", "3000.00", "0"),
    "Investment income": ("5.00", "0", "0", "5.00", "0"),
    "Investments sold or withdrawn": ("0", "0", "1000.00", "1000.00", "0"),
    "Other receipts": ("2000.00", "0", "0", "2000.00", "0"),
    "Total receipts": ("2285.00", "4300.00", "6000.00", "12585.00", "1000.00"),
    "Raising funds: platform, payment and bank fees": ("0", "50.00", "0", "50.00", "0"),
    "Charitable activities: litigation": ("0", "800.00", "0", "800.00", "0"),
    "Charitable activities: communications": ("120.00", "90.00", "0", "210.00", "0"),
    "Charitable activities: grants to other charities": ("80.00", "0", "0", "80.00", "0"),
    "Investments bought (deposits)": ("0", "0", "4000.00", "4000.00", "0"),
    "Other payments": ("540.00", "0", "0", "540.00", "0"),
    "Unspent funds returned to donors": ("0", "100.00", "0", "100.00", "0"),
    "Total payments": ("740.00", "1040.00", "4000.00", "5780.00", "0"),
    "Net receipts/(payments)": ("1545.00", "3260.00", "2000.00", "6805.00", "1000.00"),
    "Transfers between funds": ("-250.00", "250.00", "0", "0", "0"),
    "Exchange difference on money in other currencies": ("-5.00", "0", "0", "-5.00", "0"),
    "Cash brought forward": ("1050.00", "0", "0", "1050.00", "0"),
    "Cash carried forward": ("2340.00", "3510.00", "2000.00", "7850.00", "1000.00"),
}
RP_CASH = {  # at 1 January, at 31 December
    "Assets:Bank": ("1000.00", "6525.00"), "Assets:Bank:USD": ("0", "75.00"),
    "Assets:Cash:Tin": ("50.00", "50.00"), "Assets:Held:Firm": ("0", "1200.00"),
    "Total": ("1050.00", "7850.00"),
}
RP_STATEMENT = {  # assets and liabilities at 31 December
    "Cash funds": ("7850.00",),  # the bank, dollars and tin 6,650; the firm 1,200
    "Other monetary assets (debtors)": ("0",),
    "Investment and fixed assets": ("3000.00",),  # the deposit: 4,000 - 1,000
    "Liabilities: Creditors: amounts falling due within one year": ("0",),
    "Liabilities: Creditors: amounts falling due after one year": ("1500.00",),
}
RATES = {"USD": ("0.80 GBP", "2024-06-15")}  # the first of two USD rows

# The balance sheet at 31 December 2024 (and 31 December 2023). Funds: general 1,000 +
# 200 + 5 + 50 (the tin) + 80 (dollars) - 90 - 120 - 80 - 250 - 100 - 40 - 5 (the
# dollar's fall) = 650; the reserve 100; the case 1,000 - 50 + 3,000 - 600 + 250 = 3,600;
# the appeal 300 - 200 - 100 = 0 (closed, so not listed); the endowment 5,000.
BS_ROWS = {
    "Fixed assets": ("3000.00", "0"),
    "Debtors": ("0", "0"),
    "Cash at bank and in hand": ("6650.00", "1000.00"),
    "Held by solicitors in client account": ("1200.00", "0"),
    "Total current assets": ("7850.00", "1000.00"),
    "Creditors: amounts falling due within one year": ("0", "0"),
    "Net current assets": ("7850.00", "1000.00"),
    "Creditors: amounts falling due after one year": ("-1500.00", "0"),
    "Total net assets": ("9350.00", "1000.00"),
    "Unrestricted funds: general": ("650.00", "1000.00"),
    "Unrestricted funds: designated": ("100.00", "0"),
    "Restricted funds": ("3600.00", "0"),
    "Endowment funds": ("5000.00", "0"),
    "Total unrestricted funds (including designated)": ("750.00", "1000.00"),
    "Total funds": ("9350.00", "1000.00"),
}
BS_FUNDS = {"general": ("unrestricted", "650.00"), "reserve": ("designated", "100.00"),
            "case": ("restricted", "3600.00"), "endow": ("endowment", "5000.00"),
            "Total": ("", "9350.00")}
# Each column's net assets is its funds: general and reserve 750, case 3,600, endowment
# 5,000 (3,000 on deposit and 2,000 at the bank)
BS_ANALYSIS_NET = ("750.00", "3600.00", "5000.00", "9350.00")

# The trial balance: balances at the end, the year's movements, what earlier years left.
TB_ROWS = {
    "Assets:Bank": ("6525.00", "0"), "Assets:Bank:USD": ("75.00", "0"),
    "Assets:Cash:Tin": ("50.00", "0"), "Assets:Held:Firm": ("1200.00", "0"),
    "Assets:Investments:Deposit": ("3000.00", "0"), "Equity:Funds:Opening": ("0", "50.00"),
    "Expenses:Comms:Design": ("210.00", "0"), "Expenses:Fees:Platform": ("50.00", "0"),
    "Expenses:Grants:Charities": ("80.00", "0"), "Expenses:Legal:Solicitors": ("800.00", "0"),
    "Expenses:Running:Rent": ("40.00", "0"),
    # 1,300 raised less the 100 returned
    "Income:Crowdfunding:CF": ("0", "1200.00"),
    # 200 + 80 (dollars) + 5,000
    "Income:Donations:Bank": ("0", "5280.00"),
    "Income:Grants:Trust": ("0", "3000.00"), "Income:Interest": ("0", "5.00"),
    "Liabilities:Loans:LongTerm": ("0", "1500.00"),
    "Funds brought forward (earlier years' income, expenditure and funds)": ("0", "1000.00"),
    "Exchange differences (money in other currencies at the closing rate)": ("5.00", "0"),
    "Total": ("12035.00", "12035.00"),
}


@pytest.fixture(scope="module")
def rp_path(tmp_path_factory):
    return write_rp(tmp_path_factory.mktemp("shown"))


def amount(text) -> Decimal | str:
    """A shown cell as a number where it is one: 1,000.00, (5.00), -5.00, 0; else text."""
    if isinstance(text, (int, float, Decimal)):
        return D(str(text))
    s = str(text or "").strip()
    m = re.fullmatch(r"\((-?[\d,]+(?:\.\d+)?)\)", s)
    if m:
        return -D(m.group(1).replace(",", ""))
    if re.fullmatch(r"-?[\d,]+(?:\.\d+)?", s):
        return D(s.replace(",", ""))
    return s


def rows_by_label(rows, width: int) -> dict:
    """{label: the `width` cells after it, as numbers}, the first row of each label that
    shows a figure (not a table's title, a header or a heading row)."""
    out: dict = {}
    for r in rows:
        cells = tuple(amount(c) for c in list(r[1:width + 1]))
        if r and str(r[0] or "").strip() and any(isinstance(c, Decimal) for c in cells):
            out.setdefault(str(r[0]).strip(), cells)
    return out


def after(rows, title: str) -> list:
    """The rows from the table titled `title` on."""
    rows = list(rows)
    return rows[next(i for i, r in enumerate(rows) if r and r[0] == title):]


def expect(table: dict) -> dict:
    return {k: tuple(amount(c) for c in v) for k, v in table.items()}


def check(got: dict, want: dict) -> None:
    for label, cells in expect(want).items():
        assert got.get(label) == cells, label


def text_rows(text: str) -> list[list[str]]:
    """A terminal table's rows: cells are separated by two spaces or more."""
    return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines() if line.strip()]


class _Html(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("tr", "h2"):  # a table's title is a row of its own, as in the others
            self.rows.append([])
        if tag in ("td", "th", "h2"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th", "h2") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_rows(text: str) -> list[list[str]]:
    parser = _Html()
    parser.feed(text)
    return parser.rows


def xlsx_rows(heading: str, tables) -> list[tuple]:
    stream = xlsx.tables_workbook(heading, tables, io.BytesIO())
    stream.seek(0)
    ws = openpyxl.load_workbook(stream)["Statement"]
    assert ws.cell(1, 1).value == heading
    return list(ws.iter_rows(values_only=True))


def surfaces(heading: str, tables) -> dict[str, list]:
    """The same tables as each format shows them."""
    return {
        "tables": [r for t in tables for r in [[t.title], *t.rows]],
        "text": text_rows(sr.to_table(heading, tables)),
        "csv": list(csv.reader(io.StringIO(sr.to_csv(tables)))),
        "html": html_rows(sr.to_html(heading, tables)),
        "xlsx": xlsx_rows(heading, tables),
    }


def invoke(*args) -> str:
    done = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def test_receipts_and_payments_on_every_surface(rp_path):
    r = receipts_payments(*load(rp_path), *Y2024)
    tables = sr.receipts_payments_tables(r)
    assert [t.title for t in tables] == [
        "Receipts and payments accounts, 2024-01-01 to 2024-12-31 (GBP)", "Cash funds",
        "Statement of assets and liabilities at 2024-12-31",
        ("Exchange rates used (the books' price entries; money held in another currency at "
        "the rate at the statement's date)")]
    assert tables[0].header == ["", "Unrestricted", "Restricted", "Endowment", "Total",
                                "Prior year to 2023-12-31"]
    cli_csv = invoke("report", "receipts-payments", "--books", rp_path, "--year", "2024",
                     "--format", "csv")
    cli_text = invoke("report", "receipts-payments", "--books", rp_path, "--year", "2024")
    assert cli_text.startswith("Lines Trust: receipts and payments accounts, 2024-01-01 to "
                               "2024-12-31\n")
    shown = {**surfaces("R&P", tables), "cli csv": list(csv.reader(io.StringIO(cli_csv))),
             "cli text": text_rows(cli_text)}
    for name, rows in shown.items():
        check(rows_by_label(rows, 5), RP_ROWS)
        got = rows_by_label(rows, 2)
        check(got, RP_CASH)
        check(rows_by_label(rows, 1), RP_STATEMENT)
        usd = next(r for r in rows if r and r[0] == "USD")
        assert tuple(str(c) for c in usd[1:3]) == RATES["USD"], name


def test_receipts_and_payments_json(rp_path):
    out = json.loads(invoke("report", "receipts-payments", "--books", rp_path, "--year",
                            "2024", "--format", "json"))
    assert out == sr.receipts_payments_json(receipts_payments(*load(rp_path), *Y2024))
    assert (out["start"], out["end"], out["currency"]) == ("2024-01-01", "2024-12-31", "GBP")
    assert out["receipts"] == {"donations": "6580.00", "charitable": "3000.00",
                               "investments": "5.00", "investments_sold": "1000.00",
                               "other": "2000.00"}
    assert out["payments"] == {"raising": "50.00", "legal": "800.00", "comms": "210.00",
                               "grants": "80.00", "investments": "4000.00",
                               "other": "540.00", "returned": "100.00"}
    cols = out["columns"]
    assert cols["receipts"]["donations"] == {"unrestricted": "280.00", "restricted": "1300.00",
                                             "endowment": "5000.00"}
    assert cols["payments"]["comms"] == {"unrestricted": "120.00", "restricted": "90.00",
                                         "endowment": "0.00"}
    assert cols["transfers"] == {"unrestricted": "-250.00", "restricted": "250.00",
                                 "endowment": "0.00"}
    assert (out["total_receipts"], out["total_payments"]) == ("12585.00", "5780.00")
    assert (out["cash_brought_forward"], out["cash_carried_forward"]) == ("1050.00", "7850.00")
    assert out["funds_brought_forward"] == {"unrestricted": "1050.00", "restricted": "0.00",
                                            "endowment": "0.00"}
    assert out["funds_carried_forward"] == {"unrestricted": "2340.00",
                                            "restricted": "3510.00", "endowment": "2000.00"}
    assert out["cash_accounts"]["Assets:Cash:Tin"] == {"brought_forward": "50.00",
                                                       "carried_forward": "50.00"}
    assert out["assets_and_liabilities"]["assets"]["fixed_assets"] == "3000.00"
    assert out["assets_and_liabilities"]["liabilities"]["creditors_after_one_year"] == \
        "1500.00"
    assert (out["exchange_difference"], out["exchange_by_class"]["unrestricted"]) == (
        "-5.00", "-5.00")
    assert out["foreign"] == {}
    assert out["prior"] == {"start": "2023-01-01", "end": "2023-12-31",
                            "total_receipts": "1000.00", "total_payments": "0.00",
                            "cash_brought_forward": "0.00", "cash_carried_forward": "1000.00"}


def test_the_balance_sheet_on_every_surface(rp_path):
    b = balance_sheet(*load(rp_path), Y2024[1], prior=PRIOR_END)
    tables = sr.balance_sheet_tables(b)
    assert [t.title for t in tables][:3] == [
        "Balance sheet at 2024-12-31 (GBP)", "Funds of the charity",
        "Analysis of net assets between funds"]
    assert tables[0].header == ["", "At 2024-12-31", "At 2023-12-31"]
    assert tables[2].header == ["", "Unrestricted funds", "Restricted funds",
                                "Endowment funds", "Total"]
    cli_csv = invoke("report", "balance-sheet", "--books", rp_path, "--year", "2024",
                     "--format", "csv")
    shown = {**surfaces("BS", tables), "cli csv": list(csv.reader(io.StringIO(cli_csv)))}
    for name, rows in shown.items():
        check(rows_by_label(rows, 2), BS_ROWS)
        funds = after(rows, "Funds of the charity")
        for fund, (fund_class, balance) in BS_FUNDS.items():
            row = [c for c in next(r for r in funds if r and r[0] == fund) if c not in ("", None)]
            assert (row[1:-1], amount(row[-1])) == ([fund_class] if fund_class else [],
                                                    D(balance)), (name, fund)
        analysis = rows_by_label(after(rows, "Analysis of net assets between funds"), 4)
        assert analysis["Net assets"] == expect({"n": BS_ANALYSIS_NET})["n"], name
        assert analysis["Fixed assets"][2:] == (D("3000.00"), D("3000.00")), name
        assert analysis["Creditors"][3] == D("-1500.00"), name
    # the closed appeal fund (nothing left) is not listed
    assert [f.fund for f in b.fund_balances] == ["general", "reserve", "case", "endow"]


def test_balance_sheet_json(rp_path):
    out = json.loads(invoke("report", "balance-sheet", "--books", rp_path, "--year", "2024",
                            "--format", "json"))
    assert out["date"] == "2024-12-31" and out["currency"] == "GBP"
    assert out["assets"] == {"fixed_assets": "3000.00", "debtors": "0.00",
                             "cash_at_bank": "6650.00", "held_by_solicitors": "1200.00",
                             "current_assets": "7850.00", "total": "10850.00"}
    assert out["liabilities"] == {"creditors_within_one_year": "0.00",
                                  "creditors_after_one_year": "1500.00", "total": "1500.00"}
    assert (out["net_current_assets"], out["net_assets"], out["total_funds"]) == (
        "7850.00", "9350.00", "9350.00")
    assert out["funds"] == {"unrestricted": "650.00", "designated": "100.00",
                            "restricted": "3600.00", "endowment": "5000.00"}
    assert out["fund_balances"][1] == {"fund": "reserve", "class": "designated",
                                       "balance": "100.00"}
    assert out["accounts"]["Liabilities:Loans:LongTerm"] == "-1500.00"
    # the analysis by column: the endowment's 3,000 on deposit and 2,000 at the bank
    assert (out["analysis"]["endowment"]["fixed_assets"],
            out["analysis"]["endowment"]["cash_at_bank"]) == ("3000.00", "2000.00")
    assert out["foreign"] == {}


def test_the_trial_balance_on_every_surface(rp_path):
    t = trial_balance(*load(rp_path), *Y2024)
    tables = sr.trial_balance_tables(t)
    assert tables[0].header == ["Account", "Debit", "Credit"]
    cli_csv = invoke("report", "trial-balance", "--books", rp_path, "--year", "2024",
                     "--format", "csv")
    shown = {**surfaces("TB", tables), "cli csv": list(csv.reader(io.StringIO(cli_csv)))}
    for rows in shown.values():
        got = rows_by_label(rows, 2)
        check(got, TB_ROWS)
    out = json.loads(invoke("report", "trial-balance", "--books", rp_path, "--year", "2024",
                            "--format", "json"))
    assert (out["total_debit"], out["total_credit"]) == ("12035.00", "12035.00")
    assert {x["account"]: (x["debit"], x["credit"]) for x in out["lines"]}[
        "Income:Donations:Bank"] == ("0.00", "5280.00")


def test_the_pack_and_the_statements_page_show_the_same_lines(rp_path, tmp_path):
    out = tmp_path / "pack"
    said = invoke("report", "pack", "--books", rp_path, "--year", "2024", "-o", out)
    assert said.startswith("receipts basis pack for 2024-01-01 to 2024-12-31 written to ")
    check(rows_by_label(html_rows((out / "1-receipts-payments.html").read_text()), 5),
          RP_ROWS)
    check(rows_by_label(csv.reader(io.StringIO(
        (out / "1-receipts-payments.csv").read_text())), 2), RP_CASH)
    check(rows_by_label(html_rows((out / "3-trial-balance.html").read_text()), 2), TB_ROWS)
    entries, options = load(rp_path)
    page = {s.key: s for s in sections(entries, options, 2024)}
    assert page["receipts-payments"].refusal is None
    check(rows_by_label([r for t in page["receipts-payments"].tables for r in t.rows], 5),
          RP_ROWS)
    check(rows_by_label([r for t in page["balance-sheet"].tables for r in t.rows], 2),
          BS_ROWS)


# Shares given to the endowment, held at their cost in francs: the books have no rate for
# the franc, so no statement can value them; each says so beside its figures.
SHARES = """
2020-01-01 open Assets:Investments:Shares
2024-07-20 * "Donor" "Shares"
  fund: "endow"
  Assets:Investments:Shares       10 ACME {100.00 CHF}
  Income:Donations:Bank       -1000.00 CHF
2024-07-21 * "Donor" "More shares"
  fund: "endow"
  Assets:Investments:Shares        5 ACME {100.00 CHF}
  Income:Donations:Bank        -500.00 CHF
"""
NOT_COUNTED = ("Not counted: money {what} in a currency with no rate to GBP (add a price "
               "entry for it)")


def test_what_no_rate_can_value_is_said_not_counted(tmp_path):
    entries, options = load(write_rp(tmp_path / "shares", SHARES))
    b = balance_sheet(entries, options, Y2024[1])
    assert b.position.foreign == {"CHF": D("1500.00")}  # 1,000 and 500
    assert b.position.assets["fixed_assets"] == D("3000.00")  # the deposit alone
    r = receipts_payments(entries, options, *Y2024)
    assert (r.statement.foreign, r.foreign) == ({"CHF": D("1500.00")}, {})
    assert r.total_receipts == D("12585.00")  # the gift of shares moved no money
    for tables, what in [(sr.balance_sheet_tables(b), "held at 2024-12-31"),
                         (sr.receipts_payments_tables(r), "held at 2024-12-31")]:
        note = next(t for t in tables if t.title.startswith("Not counted"))
        assert note.title == NOT_COUNTED.format(what=what)
        assert note.rows == [["CHF", "1500.00 CHF"]]
        assert "1500.00 CHF" in sr.to_html("H", tables)
    before = balance_sheet(entries, options, datetime.date(2024, 7, 19))
    assert before.position.foreign == {}  # the day before the gift
    assert not any(t.title.startswith("Not counted") for t in sr.balance_sheet_tables(before))



def test_every_currency_no_rate_can_value_is_listed(tmp_path):
    """Shares held at their cost in francs (1,500.00) and in yen (3,000.00): each on its
    own line of the note, in the currencies' order, on both statements."""
    yen = ('2024-07-22 * "Donor" "Shares in yen"\n  fund: "endow"\n'
           "  Assets:Investments:Shares        3 NIKK {1000.00 JPY}\n"
           "  Income:Donations:Bank       -3000.00 JPY\n")
    entries, options = load(write_rp(tmp_path / "two", SHARES + yen))
    b = balance_sheet(entries, options, Y2024[1])
    r = receipts_payments(entries, options, *Y2024)
    for tables in (sr.balance_sheet_tables(b), sr.receipts_payments_tables(r)):
        note = next(t for t in tables if t.title.startswith("Not counted"))
        assert note.rows == [["CHF", "1500.00 CHF"], ["JPY", "3000.00 JPY"]]

# Euros received, priced in dollars on days the books have no dollar rate (the first is
# in June): the pounds they brought are unknown, so the account says so beside its
# figures rather than leave them out in silence.
EUROS_IN_DOLLARS = """
2020-01-01 open Assets:Bank:EUR EUR
2024-01-01 price EUR 0.85 GBP
2024-02-15 * "Donor" "Euros, priced in dollars"
  fund: "general"
  Assets:Bank:EUR               100.00 EUR @ 1.10 USD
  Income:Donations:Bank        -110.00 USD
2024-02-16 * "Donor" "More euros, priced in dollars"
  fund: "general"
  Assets:Bank:EUR                50.00 EUR @ 1.10 USD
  Income:Donations:Bank         -55.00 USD
"""


def test_money_in_the_period_with_no_rate_is_said_not_counted(tmp_path):
    entries, options = load(write_rp(tmp_path / "euros", EUROS_IN_DOLLARS))
    r = receipts_payments(entries, options, *Y2024)
    assert r.foreign == {"USD": D("165.00")}  # 110 + 55
    note = next(t for t in sr.receipts_payments_tables(r) if t.title.startswith("Not counted"))
    assert note.title == NOT_COUNTED.format(what="received or paid in the period")
    assert note.rows == [["USD", "165.00 USD"]]
    assert sr.receipts_payments_json(r)["foreign"] == {"USD": "165.00"}


def test_the_packs_ledger_and_entries_behind_add_up_to_the_lines(rp_path, tmp_path):
    out = tmp_path / "pack"
    invoke("report", "pack", "--books", rp_path, "--year", "2024", "-o", out)
    ledger = list(csv.DictReader(io.StringIO((out / "4-nominal-ledger.csv").read_text(encoding="utf-8-sig"))))
    bank = [r for r in ledger if r["account"] == "Assets:Bank"]
    # brought forward from 2023, then each of the year's 14 postings, ending at 6,525
    assert (bank[0]["description"], bank[0]["date"], bank[0]["balance"]) == (
        "balance brought forward", "2024-01-01", "1000.00")
    assert (len(bank), bank[-1]["date"], bank[-1]["balance"]) == (15, "2024-12-31", "6525.00")
    assert sum(D(r["amount"]) for r in bank) == D("5525.00")
    # each posting with the fund it is the money of: the first day's donation general's,
    # the grant of 1 April the case's, the endowment gift of 1 August endow's
    assert [(r["date"], r["amount"], r["fund"]) for r in bank[1:]
            if r["date"] in ("2024-01-01", "2024-04-01", "2024-08-01")] == [
        ("2024-01-01", "200.00", "general"), ("2024-04-01", "3000.00", "case"),
        ("2024-08-01", "5000.00", "endow")]
    # the 2025 donation is after the year: not in its ledger
    assert all(r["date"] <= "2024-12-31" for r in ledger)
    # a loan is brought forward too, as the credit it is (the next year's ledger)
    loan = [r for r in sr_ledger_2025(rp_path) if r["account"] == "Liabilities:Loans:LongTerm"]
    assert [(r["description"], r["balance"]) for r in loan] == [
        ("balance brought forward", "-1500.00")]
    behind = list(csv.DictReader(io.StringIO((out / "5-entries-behind.csv").read_text(encoding="utf-8-sig"))))

    def line(statement, name, column=None):
        return sum((D(r["amount"]) for r in behind if r["statement"] == statement
                    and r["line"] == name and (column is None or r["column"] == column)),
                   D(0))

    assert line("sofa", "expenditure.comms") == D("210.00")  # 120 + INV-2's 90
    assert line("sofa", "expenditure.returned", "restricted") == D("100.00")
    assert line("sofa", "income.donations", "endowment") == D("5000.00")
    assert line("balance sheet", "held_by_solicitors") == D("1200.00")
    assert line("balance sheet", "creditors_after_one_year") == D("1500.00")


def test_the_fava_statements_page_shows_every_line(tmp_path):
    from tests.fava_support import EXTENSION_LINE, fava_app, statement_tables

    app, slug = fava_app(write_rp(tmp_path / "fava", EXTENSION_LINE))
    page = app.test_client().get(f"/{slug}/extension/Statements/?year=2024")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    rp = statement_tables(text, "receipts-payments")

    def rows(table: dict) -> list[list]:
        return [[label, *cells.values()] for label, cells in table.items()]

    check(rows_by_label(rows(rp["Receipts and payments accounts, 2024-01-01 to 2024-12-31 "
                                "(GBP)"]), 5), RP_ROWS)
    check(rows_by_label(rows(rp["Cash funds"]), 2), RP_CASH)
    check(rows_by_label(rows(rp["Statement of assets and liabilities at 2024-12-31"]), 1),
          RP_STATEMENT)
    bs = statement_tables(text, "balance-sheet")
    check(rows_by_label(rows(bs["Balance sheet at 2024-12-31 (GBP)"]), 2), BS_ROWS)
    analysis = rows_by_label(rows(bs["Analysis of net assets between funds"]), 4)
    assert analysis["Net assets"] == expect({"n": BS_ANALYSIS_NET})["n"]


# Dollars two funds hold in one PayPal account, and euros bought with pounds at the
# entry's own rate and spent at once (the books have no euro rate).
HELD_TWICE = """
2020-01-01 open Assets:PayPal USD
2020-01-01 open Assets:Bank:EUR EUR
2024-03-10 * "Bank" "Pounds changed into euros"
  fund: "general"
  Assets:Bank                   -80.00 GBP @@ 100.00 EUR
  Assets:Bank:EUR               100.00 EUR
2024-03-11 * "Printer" "Euro invoice paid"
  fund: "general"
  Assets:Bank:EUR              -100.00 EUR @ 0.80 GBP
  Expenses:Comms:Design          80.00 GBP
2024-06-20 * "PayPal" "Dollar gift"
  fund: "general"
  Assets:PayPal                  20.00 USD
  Income:Donations:Bank         -20.00 USD
2024-06-21 * "PayPal" "Dollar pledges"
  fund: "case"
  Assets:PayPal                  50.00 USD
  Income:Donations:Bank         -50.00 USD
"""


def test_money_two_funds_hold_in_one_account_and_pounds_changed(tmp_path):
    entries, options = load(write_rp(tmp_path / "twice", HELD_TWICE))
    b = balance_sheet(entries, options, Y2024[1])
    # PayPal: 20 + 50 USD at 0.75 = 15.00 + 37.50; the bank 6,525 less the 80 changed
    assert b.position.accounts["Assets:PayPal"] == D("52.50")
    assert b.position.accounts["Assets:Bank"] == D("6445.00")
    assert "Assets:Bank:EUR" not in b.position.accounts  # nothing left in it
    # 6,650 - 80 + 52.50
    assert b.position.assets["cash_at_bank"] == D("6622.50")
    assert b.position.foreign == {}
    # general 650 + 16 (the gift at 0.80) - 1 (at 0.75) - 80 (the invoice); the case
    # 3,600 + 40 - 2.50
    assert (b.funds["unrestricted"], b.funds["restricted"]) == (D("585.00"), D("3637.50"))
    assert b.total_funds == b.position.net_assets == D("9322.50")


def test_books_in_euros_refuse_pounds_no_rate_can_value(tmp_path):
    path = write_rp(tmp_path / "eur")
    path.write_text(path.read_text().replace("GBP", "EUR") + """
2020-01-01 open Assets:Bank:GBP GBP
2024-05-05 * "Donor" "A gift in pounds"
  fund: "general"
  Assets:Bank:GBP                10.00 GBP
  Income:Donations:Bank         -10.00 GBP
""")
    entries, options = load(path)
    with pytest.raises(ReportError, match=r"main.beancount:\d+: Assets:Bank:GBP holds GBP: "
                                          r"no rate from GBP to EUR on or before 2024-05-05"):
        balance_sheet(entries, options, Y2024[1])


def test_the_next_years_trial_balance_after_a_new_rate_on_its_first_day(tmp_path):
    entries, options = load(write_rp(tmp_path / "tb", "2025-01-01 price USD 0.70 GBP\n"))
    t = trial_balance(entries, options, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert {x.account: (x.debit, x.credit) for x in t.lines} == {
        "Assets:Bank": (D("6532.00"), 0),  # 6,525 + the 7 of 1 January
        "Assets:Bank:USD": (D("70.00"), 0),  # 100 USD at the new 0.70
        "Assets:Cash:Tin": (D("50.00"), 0),
        "Assets:Held:Firm": (D("1200.00"), 0),
        "Assets:Investments:Deposit": (D("3000.00"), 0),
        "Income:Donations:Bank": (0, D("7.00")),
        "Liabilities:Loans:LongTerm": (0, D("1500.00")),
        # the funds at 31 December 2024, with the 5.00 already lost on the dollar then
        "Funds brought forward (earlier years' income, expenditure and funds)": (
            0, D("9350.00")),
        # this year's loss only: 75.00 -> 70.00
        "Exchange differences (money in other currencies at the closing rate)": (
            D("5.00"), 0),
    }
    assert t.total_debit == t.total_credit == D("10857.00")


def test_a_fund_closed_with_money_left_is_still_listed(tmp_path):
    """Books the fund plugin refuses (a fund closed with 40.00 left), which Fava still
    shows: the balance sheet lists the fund, so its list adds up to the funds' total."""
    from ledger import books as ledger_books

    path = write_rp(tmp_path / "left")
    path.write_text(path.read_text().replace(
        '  Income:Crowdfunding:CF         40.00 GBP\n  Assets:Held:Firm              -40.00 GBP\n',
        '  Income:Crowdfunding:CF          0.00 GBP\n  Assets:Held:Firm                0.00 GBP\n'))
    entries, errors, options = ledger_books.load(path)
    assert [e.message for e in errors] == [
        ("fund 'appeal' is closed on 2024-10-15 with a balance of 40.00 GBP; a fund closes "
        "only at exactly zero")]
    b = balance_sheet(entries, options, Y2024[1])
    assert [(f.fund, f.balance) for f in b.fund_balances] == [
        ("general", D("650.00")), ("reserve", D("100.00")), ("case", D("3600.00")),
        ("appeal", D("40.00")), ("endow", D("5000.00"))]
    assert sum(f.balance for f in b.fund_balances) == b.total_funds == D("9390.00")


def sr_ledger_2025(path) -> list[dict]:
    rows = nominal_ledger(*load(path), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    return list(csv.DictReader(io.StringIO(sr.nominal_ledger_csv(rows))))


def test_the_fava_statements_page_says_why_a_statement_is_refused(tmp_path):
    """Francs held at the year end with no rate at all: neither the balance sheet nor the
    receipts and payments account can be made, and the Statements page says why in their
    place, in the words the command uses. On books it can make, the totals are marked."""
    from tests.fava_support import EXTENSION_LINE, fava_app, statement_tables

    francs = EXTENSION_LINE + ('2024-01-01 open Assets:PayPal\n'
                               '2024-06-20 * "PayPal" "Gift in francs"\n  fund: "general"\n'
                               "  Assets:PayPal  10.00 CHF\n  Income:Donations:Bank  -10.00 CHF\n")
    main = write_rp(tmp_path / "francs", francs)
    entries, options = load(main)
    with pytest.raises(ReportError) as no_sheet:
        balance_sheet(entries, options, Y2024[1], datetime.date(2023, 12, 31))
    with pytest.raises(ReportError) as no_rp:
        receipts_payments(entries, options, *Y2024)

    def page(books):
        app, slug = fava_app(books)
        return app.test_client().get(f"/{slug}/extension/Statements/?year=2024").get_data(
            as_text=True)

    text = page(main)
    assert statement_tables(text, "balance-sheet") == {"refusal": {str(no_sheet.value): {}}}
    assert statement_tables(text, "receipts-payments") == {"refusal": {str(no_rp.value): {}}}
    text = page(write_rp(tmp_path / "clean", EXTENSION_LINE))
    assert '<tr data-item="Total receipts" class="total">' in text
    assert '<tr data-item="Total net assets" class="total">' in text
