"""An independent examiner on books a treasurer wrote by hand when leaving a spreadsheet
(tests/examiner_migrated_books.py): several included files, a year ending 30 September,
balances brought in from the spreadsheet in one entry whose `fund:` is on the fund
postings only, dollars in PayPal, a EUR grant in tranches spent partly in dollars and
closed with its leftover released, a crowdfunder topped up from general funds, invoices
owed at each year end. Every figure below is worked by hand, and every surface (the CLI's
JSON, CSV and XLSX, the funder report, the transparency statement and Fava, served over
HTTP) must show it."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from fundledger.cli import cli
from reports.trial_balance import RETRANSLATION
from tests import fava_support
from tests.browser_support import fava_server
from tests.examiner_migrated_books import write_migrated
from tests.examiner_surfaces import invoke, report_json, sofa_page

D = Decimal
KEYS = ("brought_forward", "income", "expenditure", "gains", "transfers", "carried_forward")

# Each fund's year by hand: (brought forward, income, expenditure, gains, transfers,
# carried forward), for the financial years ending 30 September.
HAND = {
    2023: {
        # 2,500 in the bank + 250 USD in PayPal booked at 205.00 (0.82), brought forward,
        # not income; five gifts of 160 = 800; insurance 240; the dollars are 250 x 0.78
        # = 195 at the year end: a 10 loss; 1,000 designated to the reserve:
        # 2,705 + 800 - 240 - 10 - 1,000 = 2,255
        "general": (D(2705), D(800), D(240), D(-10), D(-1000), D(2255)),
        "reserve": (0, 0, 0, 0, D(1000), D(1000)),
        # 1,200 at Riverside brought forward; 6,000 pledged gross; platform fee 300 +
        # RV-101 2,400 + court fee 528 = 3,228: 1,200 + 6,000 - 3,228 = 3,972
        "river": (D(1200), D(6000), D(3228), 0, 0, D(3972)),
        # tranche 1 brought 17,400; RV-102 9,000 + US counsel 2,000 USD paid as 1,580 +
        # RV-103 3,000 (invoiced 20 Sept, owed at the year end) = 13,580: 3,820
        "hedera": (0, D(17400), D(13580), 0, 0, D(3820)),
    },
    2024: {
        # five gifts of 30 = 150; the dollars 250 x 0.76 = 190: a further 5 loss;
        # 500 to the river case, 3,820 released from the grant:
        # 2,255 + 150 - 5 - 500 + 3,820 = 5,720
        "general": (D(2255), D(150), 0, D(-5), D(3320), D(5720)),
        "reserve": (D(1000), 0, D(250), 0, 0, D(750)),  # counsel's advice 250
        # RV-104 4,000 + RV-110 300 (owed at the year end); 500 from general: 172
        "river": (D(3972), 0, D(4300), 0, D(500), D(172)),
        # tranche 2 brought 17,000; counsel 4,000 + court fees 1,000 + RV-105 12,000 =
        # 17,000; closed 31 July 2024, its 3,820 released to general: nil
        "hedera": (D(3820), D(17000), D(17000), 0, D(-3820), 0),
    },
    2025: {
        # a gift of 60; the 250 USD carried at 190.00 (0.76) are withdrawn as 192.50
        # (0.77, the conversion's own rate): a 2.50 gain; RV-110 paid (no expenditure);
        # hedera closed before the year: not in the funds note
        "general": (D(5720), D(60), 0, D("2.50"), 0, D("5782.50")),
        "reserve": (D(750), 0, 0, 0, 0, D(750)),
        "river": (D(172), 0, 0, 0, 0, D(172)),
    },
}
CLASS = {"general": "unrestricted", "reserve": "unrestricted", "river": "restricted",
         "hedera": "restricted"}
# Net assets by hand at each year end, by line:
#   2023: bank 2,500 + 800 + 17,400 - 9,000 - 1,580 - 240 = 9,880, PayPal 195: cash at
#   bank 10,075; Riverside 1,200 + 5,700 - 2,928 = 3,972; owed RV-103 3,000: 11,047 =
#   2,255 + 1,000 + 3,972 + 3,820
#   2024: bank 9,880 - 3,000 + 17,000 - 500 - 4,000 - 1,000 - 12,000 + 150 - 250 =
#   6,280, PayPal 190: 6,470; Riverside 3,972 + 500 - 4,000 = 472; owed RV-110 300:
#   6,642 = 5,720 + 750 + 172
#   2025: bank 6,340 + 192.50 = 6,532.50, PayPal nil; Riverside 172: 6,704.50
# Where each class's money is (the analysis of net assets between funds): the general
# fund's money is in the bank and PayPal (the reserve's 1,000 with it, less the 250 it
# paid), the river case's at Riverside, the grant's in the bank (owing RV-103 in 2023).
HAND_SHEET = {  # (cash at bank, held by solicitors, creditors) per class
    2023: {"unrestricted": (D(3255), 0, 0), "restricted": (D(6820), D(3972), D(3000))},
    2024: {"unrestricted": (D(6470), 0, 0), "restricted": (0, D(472), D(300))},
    2025: {"unrestricted": (D("6532.50"), 0, 0), "restricted": (0, D(172), 0)},
}
# Cash by class (receipts and payments): (brought forward, receipts, payments,
# transfers, exchange difference, carried forward)
HAND_CASH = {
    2023: {  # received 800 | 6,000 + 17,400; paid 240 | 300 + 2,928 + 9,000 + 1,580
        "unrestricted": (D(2705), D(800), D(240), 0, D(-10), D(3255)),
        "restricted": (D(1200), D(23400), D(13808), 0, 0, D(10792)),
    },
    2024: {  # paid 250 | RV-103 3,000 + 4,000 + 1,000 + 4,000 + 12,000
        "unrestricted": (D(3255), D(150), D(250), D(3320), D(-5), D(6470)),
        "restricted": (D(10792), D(17000), D(24000), D(-3320), 0, D(472)),
    },
    2025: {  # RV-110 paid from the client account; the dollars' 2.50 gain
        "unrestricted": (D(6470), D(60), 0, 0, D("2.50"), D("6532.50")),
        "restricted": (D(472), 0, D(300), 0, 0, D(172)),
    },
}
# The grant in euros, first in first out: tranche 1 20,000 EUR for 17,400 (0.87),
# tranche 2 20,000 EUR for 17,000 (0.85).
#   RV-102 9,000 / 0.87 = 10,344.83; US counsel 1,580 / 0.87 = 1,816.09; RV-103 3,000 /
#   0.87 = 3,448.28 (3,820 of tranche 1 left); counsel 4,000: 3,820 / 0.87 + 180 / 0.85
#   = 4,390.80 + 211.76 = 4,602.57 (rounded once); court fees 1,000 / 0.85 = 1,176.47;
#   RV-105 12,000 / 0.85 = 14,117.65.
#   Solicitors 10,344.83 + 3,448.28 + 14,117.65 = 27,910.76 (over its 25,000)
#   Counsel 1,816.09 + 4,602.57 = 6,418.66; court fees 1,176.47; spent 35,505.89 EUR
#   of 40,000: 4,494.11 left (30,580 GBP spent, 3,820 released). Exchange difference:
#   40,000 EUR at the award-date 0.88 = 35,200 less the 34,400 received = 800.
HAND_FUNDER = {"Solicitors": D("27910.76"), "Counsel": D("6418.66"),
               "Court fees": D("1176.47")}
# Each fund after everything: general 2,705 + 1,010 raised - 240 - 12.50 lost on the
# dollars (205.00 booked, 192.50 received) + 3,820 in - 1,500 out = 5,782.50
HAND_FUNDS = {"general": D("5782.50"), "reserve": D(750), "river": D(172), "hedera": 0}


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    return write_migrated(tmp_path_factory.mktemp("migrated") / "books")


def by_class(year: dict[str, tuple]) -> dict[str, tuple]:
    out = {c: [D(0)] * 6 for c in ("unrestricted", "restricted")}
    for fund, row in year.items():
        out[CLASS[fund]] = [a + b for a, b in zip(out[CLASS[fund]], row, strict=True)]
    return {c: tuple(v) for c, v in out.items()}


def test_the_books_check_clean_and_reconcile(books):
    for args in (["check", str(books)], ["reconcile", "--books", str(books)]):
        done = CliRunner().invoke(cli, args)
        assert done.exit_code == 0, done.output
    # `check` names each fund's balance as every other surface does: general's with its
    # 12.50 lost on the dollars (5,795.00 as its postings alone add up)
    lines = CliRunner().invoke(cli, ["check", str(books)]).output.splitlines()[1:]
    shown = {x.split()[0]: x.split()[-2:] for x in lines}
    assert {f: D(0) if v[-1] == "0" else D(v[0].replace(",", "")) for f, v in shown.items()
            } == HAND_FUNDS
    assert {v[-1] for v in shown.values()} == {"GBP", "0"}


@pytest.mark.parametrize("fy", sorted(HAND))
def test_the_sofa_and_funds_note_are_the_hand_figures(books, fy):
    s = report_json(books, "sofa", fy)
    note = {m["fund"]: tuple(D(m.get(k, "0")) for k in KEYS) for m in s["funds"]}
    assert note == HAND[fy]
    rows = {r["key"]: r for r in s["sofa"]}
    got = {c: tuple(D(rows[k][c]) for k in ("bf", "income.total", "expenditure.total",
                                            "gains", "transfers", "cf"))
           for c in ("unrestricted", "restricted")}
    assert got == by_class(HAND[fy])


@pytest.mark.parametrize("fy", sorted(HAND))
def test_the_balance_sheet_balances_and_its_analysis_is_where_the_money_is(books, fy):
    b = report_json(books, "balance-sheet", fy)
    total = sum(row[5] for row in HAND[fy].values())
    assert D(b["net_assets"]) == D(b["total_funds"]) == total
    assert D(b["funds"]["unrestricted"]) + D(b["funds"]["designated"]) == \
        by_class(HAND[fy])["unrestricted"][5]
    lines = ("cash_at_bank", "held_by_solicitors", "liabilities")
    analysis = {c: tuple(D(b["analysis"][c][k]) for k in lines) for c in HAND_SHEET[fy]}
    assert analysis == HAND_SHEET[fy]
    # each line of the analysis adds up to the balance sheet's line
    sheet = (D(b["assets"]["cash_at_bank"]), D(b["assets"]["held_by_solicitors"]),
             D(b["liabilities"]["total"]))
    assert tuple(sum(v[i] for v in HAND_SHEET[fy].values()) for i in range(3)) == sheet


@pytest.mark.parametrize("fy", sorted(HAND))
def test_cash_by_fund_class_is_where_each_class_holds_it(books, fy):
    r = report_json(books, "receipts-payments", fy)
    cols = r["columns"]
    for c, (bf, received, paid, moved, fx, cf) in HAND_CASH[fy].items():
        got = (D(r["funds_brought_forward"][c]),
               sum((D(v[c]) for v in cols["receipts"].values()), D(0)),
               sum((D(v[c]) for v in cols["payments"].values()), D(0)),
               D(cols["transfers"][c]), D(r["exchange_by_class"][c]),
               D(r["funds_carried_forward"][c]))
        assert got == (bf, received, paid, moved, fx, cf), (fy, c)
        assert bf + received - paid + moved + fx == cf
    assert D(r["cash_carried_forward"]) == sum(v[5] for v in HAND_CASH[fy].values())


def test_funds_say_where_each_fund_is_held(books):
    shown = json.loads(invoke("funds", "--books", books, "--format", "json"))["funds"]
    got = {f["fund"]: f for f in shown}
    assert {f: D(v["balance"].split()[0]) for f, v in got.items()} == HAND_FUNDS
    assert got["general"]["brought_forward"] == "2705.00 GBP"
    assert got["river"]["brought_forward"] == "1200.00 GBP"
    held = {f: {h["account"]: D(h["amount"].split()[0]) for h in v["held"]}
            for f, v in got.items()}
    # bank: 2,500 + 800 - 240 - 500 + 150 + 3,820 + 60 + 192.50 = 6,782.50; no dollars
    # left; the reserve's 1,000 is in general's accounts
    assert held["general"] == {"Assets:Bank:Current": D("6782.50"),
                               "(with reserve)": D(-1000)}
    assert held["river"] == {"Assets:Held:Riverside": D(172)}
    assert not [b for b in got["river"]["blockers"] if "several funds" in b]
    rows = csv.DictReader(io.StringIO(invoke("funds", "--books", books, "--format", "csv")))
    assert {r["fund"]: D(r["balance"]) for r in rows} == HAND_FUNDS


def test_the_funder_report_in_euros(books, tmp_path):
    f = json.loads(invoke("report", "funder", "hedera", "--books", books, "--format", "json"))
    lines = {x["line"]: D(x["to_date"]) for x in f["lines"] if D(x["to_date"])}
    assert lines == HAND_FUNDER
    assert (D(f["to_date"]), D(f["remaining"]), D(f["to_date_in_unit"]),
            D(f["remaining_in_unit"]), D(f["balance_in_unit"])) == (
        D("35505.89"), D("4494.11"), D(30580), D(3820), 0)
    path = tmp_path / "hedera.xlsx"
    invoke("report", "funder", "hedera", "--books", books, "-o", path)
    summary = {r[0]: r for r in openpyxl.load_workbook(path)["Summary"].iter_rows(
        values_only=True) if r[0]}
    assert D(str(summary["Exchange difference (GBP)"][1])) == D(800)
    assert D(str(summary["Solicitors"][2])) == HAND_FUNDER["Solicitors"]


def test_legal_owed_at_each_year_end(books):
    for end, owed in (("2023-09-30", {"RV-103"}), ("2024-09-30", {"RV-110"})):
        legal = json.loads(invoke("legal", "--books", books, "--as-of", end,
                                  "--format", "json"))
        assert {x["invoice"] for x in legal["lines"] if not x["paid"]} == owed


def test_fava_over_http_shows_the_same_figures(books):
    with fava_server(str(books)) as server:
        def get(path: str) -> str:
            with urllib.request.urlopen(server.base + path, timeout=60) as response:
                return response.read().decode()

        listed = fava_support.funds_table(get("/extension/Funds/"))
        assert {f: v["balance"] for f, v in listed.items()} == HAND_FUNDS
        assert listed["general"]["brought_forward"] == D(2705)
        river = fava_support.figures(get("/extension/Funds/?fund=river"))
        assert (river["brought_forward"], river["raised"], river["legal"],
                river["balance"]) == ((D(1200),), (D(6000),), (D(7228),), (D(172),))
        # Fava's time filter on the financial year: each fund's figures for the period
        # are the funds note's (the dollars' 5.00 loss in FY2024 too)
        fy2024 = urllib.parse.quote("2023-10-01 - 2024-09-30")
        for fund, (bf, income, spent, gains, moved, cf) in HAND[2024].items():
            shown = fava_support.figures(get(f"/extension/Funds/?fund={fund}&time={fy2024}"))
            period = {k: v[0] for k, v in shown.items()}
            assert (period["raised"], period["platform_fees"] + period["payment_fees"]
                    + period["legal"] + period["other"], period.get("gains", D(0)),
                    period["transfers_in"] - period["transfers_out"], period["balance"]) == (
                income, spent, gains, moved, cf - bf), fund
            assert shown["balance"][1] == cf, fund
        # the funder report flags the line spent beyond its budget, as the workbook, the
        # JSON and the Funds page do: solicitors, 27,910.76 EUR of 25,000.00
        rows = dict(re.findall(r'<tr data-line="([^"]+)"[^>]*>(.*?)</tr>',
                               get("/extension/Statements/?fund=hedera"), re.DOTALL))
        assert ["over budget" in rows[x] for x in HAND_FUNDER] == [True, False, False]
        page = get("/extension/Statements/?year=2024")
        shown = sofa_page(page)
        assert shown["cf"]["restricted"] == D(172)
        assert shown["gains"]["unrestricted"] == D(-5)
        sheet = fava_support.statement_tables(page, "balance-sheet")
        flat = {label: cells for table in sheet.values() for label, cells in table.items()}
        assert set(flat["Total net assets"].values()) >= {D(6642)}
        assert set(flat["Total funds"].values()) >= {D(6642)}


def _csv(books: Path, name: str, fy: int) -> list[dict]:
    return list(csv.DictReader(io.StringIO(
        invoke("report", name, "--books", books, "--year", str(fy)).lstrip("\ufeff"))))


@pytest.mark.parametrize("fy", [2023, 2024, 2025])
def test_the_entries_behind_and_the_nominal_ledger_add_up_to_the_statements(books, fy):
    """Filter the entries behind on a line and sum: the statement's figure, the 250 USD in
    PayPal at the closing rate too (2023: booked 205.00, 195.00 at 0.78, the general
    fund's 10.00 loss; 2024: 190.00 at 0.76, a further 5.00; 2025: withdrawn as 192.50,
    a 2.50 gain). The nominal ledger's accounts end where the trial balance has them,
    the bank with the 192.50 it received."""
    behind: dict[tuple[str, str, str], Decimal] = {}
    for r in _csv(books, "entries-behind", fy):
        key = (r["statement"], r["line"], r["column"])
        behind[key] = behind.get(key, D(0)) + D(r["amount"])
    b = report_json(books, "balance-sheet", fy)
    for line in ("cash_at_bank", "held_by_solicitors"):
        assert behind.get(("balance sheet", line, ""), D(0)) == D(b["assets"][line]), line
    assert behind[("balance sheet", "creditors_within_one_year", "")] == D(
        b["liabilities"]["creditors_within_one_year"])
    cash = {2023: D(10075), 2024: D(6470), 2025: D("6532.50")}[fy]
    assert behind[("balance sheet", "cash_at_bank", "")] == cash
    s = {r["key"]: r for r in report_json(books, "sofa", fy)["sofa"]}
    for (statement, line, column), n in behind.items():
        if statement == "sofa":
            assert n == D(s[line][column]), (line, column)
    assert behind[("sofa", "gains", "unrestricted")] == HAND[fy]["general"][3]
    ledger = [r for r in _csv(books, "nominal-ledger", fy) if r["account"] == "Assets:PayPal"]
    t = {x["account"]: D(x["debit"]) - D(x["credit"])
         for x in report_json(books, "trial-balance", fy)["lines"]}
    assert D(ledger[-1]["balance"]) == t.get("Assets:PayPal", D(0)) == {
        2023: D(195), 2024: D(190), 2025: 0}[fy]
    bank = [r for r in _csv(books, "nominal-ledger", fy) if r["account"] == "Assets:Bank:Current"]
    assert D(bank[-1]["balance"]) == t["Assets:Bank:Current"] == {
        2023: D(9880), 2024: D(6280), 2025: D("6532.50")}[fy]
    # the dollars' exchange difference of the year, a loss a debit
    assert t[RETRANSLATION] == {2023: D(10), 2024: D(5), 2025: D("-2.50")}[fy]


CONVERTED = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:PayPal
2024-01-01 open Income:Donations
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 price USD 0.79 GBP
2024-02-01 * "Donor" "Gift"
  fund: "general"
  donor: "d-000000c1"
  Assets:PayPal                   100.00 GBP
  Income:Donations               -100.00 GBP
2024-03-01 * "PayPal" "Pounds changed into dollars, as PayPal's export books it"
  Assets:PayPal                   -19.20 GBP @@ 24.00 USD
  Assets:PayPal                    24.00 USD
"""


def test_pounds_changed_into_dollars_cost_what_was_paid_on_every_statement(tmp_path):
    """PayPal changed 19.20 GBP into 24.00 USD (0.80) on a day the books' price says 0.79.
    The dollars cost 19.20, not 18.96: at the year end (0.79) they are 18.96, a 0.24 loss
    of the general fund. Net assets: 80.80 + 18.96 = 99.76 = 100.00 given - 0.24."""
    main = tmp_path / "main.beancount"
    main.write_text(CONVERTED)
    b = report_json(main, "balance-sheet", 2024)
    assert (D(b["net_assets"]), D(b["total_funds"])) == (D("99.76"), D("99.76"))
    s = {r["key"]: D(r["total"]) for r in report_json(main, "sofa", 2024)["sofa"]}
    assert (s["income.total"], s["gains"], s["cf"]) == (D(100), D("-0.24"), D("99.76"))
    r = report_json(main, "receipts-payments", 2024)
    assert (D(r["total_receipts"]), D(r["total_payments"]), D(r["exchange_difference"]),
            D(r["cash_carried_forward"])) == (D(100), 0, D("-0.24"), D("99.76"))
    t = {x["account"]: D(x["debit"]) - D(x["credit"])
         for x in report_json(main, "trial-balance", 2024)["lines"]}
    assert (t["Assets:PayPal"], t[RETRANSLATION]) == (D("99.76"), D("0.24"))
    funds = json.loads(invoke("funds", "--books", main, "--as-of", "2024-12-31",
                              "--format", "json"))["funds"]
    assert [(f["fund"], f["balance"], f["gains"]) for f in funds] == [
        ("general", "99.76 GBP", "-0.24 GBP")]


SPLIT = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:PayPal
2024-01-01 open Income:Donations
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
2024-01-01 price USD 0.80 GBP
2024-12-31 price USD 0.70 GBP
2024-02-01 * "PayPal" "The month's dollar gifts, from the spreadsheet, for two funds"
  Assets:PayPal                    50.00 USD
  Income:Donations                -30.00 USD
    fund: "case"
  Income:Donations                -20.00 USD
    fund: "general"
"""


def test_one_deposit_of_two_funds_dollars_is_each_funds_at_the_closing_rate(tmp_path):
    """50 USD in PayPal, 30 of them the case's and 20 general's (no `fund:` on the PayPal
    posting): at 0.80 the case raised 24.00 and general 16.00; at the closing 0.70 they
    hold 21.00 and 14.00, losses of 3.00 and 2.00. Net assets 50 x 0.70 = 35.00 = total
    funds; before, the loss was on the balance sheet and in no fund (40.00)."""
    main = tmp_path / "main.beancount"
    main.write_text(SPLIT)
    b = report_json(main, "balance-sheet", 2024)
    assert (D(b["net_assets"]), D(b["total_funds"])) == (D(35), D(35))
    assert (D(b["analysis"]["restricted"]["cash_at_bank"]),
            D(b["analysis"]["unrestricted"]["cash_at_bank"])) == (D(21), D(14))
    note = {m["fund"]: (D(m["income"]), D(m["gains"]), D(m["carried_forward"]))
            for m in report_json(main, "sofa", 2024)["funds"]}
    assert note == {"case": (D(24), D(-3), D(21)), "general": (D(16), D(-2), D(14))}
    funds = json.loads(invoke("funds", "--books", main, "--as-of", "2024-12-31",
                              "--format", "json"))["funds"]
    assert {f["fund"]: [(h["account"], h["amount"]) for h in f["held"]] for f in funds} == {
        "case": [("Assets:PayPal", "21.00 GBP")], "general": [("Assets:PayPal", "14.00 GBP")]}


def test_the_grant_accrued_when_awarded_closes_on_the_same_decision(tmp_path):
    """The same books on the accruals basis (the award 40,000 EUR at 0.88 = 35,200.00 is
    income on 1 March 2023, its tranches settle the debtor): the trustees' decision names
    the funder as it did, and `close` accepts it (write_migrated asserts so).
    FY2023: tranche 1 brought 17,400 for 17,600 of debtor (-200); the 20,000 EUR still
    due are 17,200 at the closing 0.86, booked 17,600 (-400): 35,200 - 13,580 - 600 =
    21,020. FY2024: tranche 2 brought 17,000 for the 17,200 carried (-200):
    21,020 - 17,000 - 200 - 3,820 released = nil."""
    main = write_migrated(tmp_path / "books", accrued=True)
    for fy, expected in ((2023, (0, 35200, 13580, -600, 0, 21020)),
                         (2024, (21020, 0, 17000, -200, -3820, 0))):
        note = {m["fund"]: tuple(D(m.get(k, "0")) for k in KEYS)
                for m in report_json(main, "sofa", fy)["funds"]}
        assert note["hedera"] == tuple(D(n) for n in expected), fy
    b = report_json(main, "balance-sheet", 2023)
    assert (D(b["net_assets"]), D(b["total_funds"]), D(b["assets"]["debtors"])) == (
        D(28247), D(28247), D(17200))
    f = json.loads(invoke("report", "funder", "hedera", "--books", main, "--format", "json"))
    assert {x["line"]: D(x["to_date"]) for x in f["lines"] if D(x["to_date"])} == HAND_FUNDER


def test_the_sofa_workbook_and_csv_and_the_transparency_statement(books, tmp_path):
    """The same FY2024 figures in the SOFA's workbook (opened again) and CSV, and the
    public statement to 30 September 2024: raised 24,200 + 17,150 = 41,350; spent
    17,048 + 21,550 = 38,598; the dollars lost 15; 3,905 held before the books began:
    3,905 + 41,350 - 38,598 - 15 = 6,642 left."""
    path = tmp_path / "sofa.xlsx"
    invoke("report", "sofa", "--books", books, "--year", "2024", "--format", "xlsx", "-o", path)
    book = openpyxl.load_workbook(path)
    note = {r[0]: r for r in book["Funds note"].iter_rows(values_only=True) if r[0]}
    header = note["Fund"]
    for fund, row in HAND[2024].items():
        cells = dict(zip(header, note[fund], strict=True))
        assert (D(str(cells["Brought forward"])), D(str(cells["Income"])),
                D(str(cells["Expenditure"])), D(str(cells["Carried forward"]))) == (
            row[0], row[1], row[2], row[5]), fund
    sofa = {str(r[0]).strip(): r for r in book["SOFA"].iter_rows(values_only=True) if r[0]}
    assert D(str(sofa["Total funds carried forward"][3])) == D(6642)
    text = invoke("report", "sofa", "--books", books, "--year", "2024", "--format", "csv")
    table = {r["line"]: r for r in csv.DictReader(io.StringIO(text.split("\n\n")[0]))}
    assert (D(table["gains"]["unrestricted"]), D(table["cf"]["total"])) == (D(-5), D(6642))
    invoke("report", "transparency", "--books", books, "-o", tmp_path / "site")
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "site" / "statement.csv").read_text(encoding="utf-8-sig"))))
    whole = {(r["section"], r["item"]): D(r["amount"]) for r in rows
             if r["fund"] == "all" and r["amount"]}
    assert (whole["raised", "total"], whole["spent", "total"],
            whole["gains", "exchange gains/(losses)"], whole["left", "balance"]) == (
        D(41350), D(38598), D(-15), D(6642))
    left = {r["fund"]: D(r["amount"]) for r in rows if (r["section"], r["item"]) == (
        "left", "balance") and r["fund"] != "all"}
    assert left == {f: row[5] for f, row in HAND[2024].items()}
