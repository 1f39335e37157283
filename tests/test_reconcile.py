"""`fundledger reconcile`: every holding account against its last statement balance, and
the Funds page listing unreconciled accounts as blockers to closing a fund."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from beancount import loader
from fava_support import SMALL, fava_app, write_small

from reports import reconcile

D = Decimal

# Bank: 100.00 in on 2018-01-05; the statement of 2018-02-01 shows 100.00 (imported from
# the statement line bank:stmt-1); 30.00 out on 2018-03-01, on no statement yet.
# PayPal: 20.00 in, statement of 2018-04-01 shows 20.00, nothing since: reconciled.
# Firm's client account: 950.00 in, 300.00 + 350.00 out, no statement at all.
BOOKS = SMALL + """
2017-01-01 open Assets:PayPal GBP
2018-02-01 balance Assets:Bank:Current 100.00 GBP
  import-id: "bank:stmt-1"
2018-03-01 * "Firm" "Advice"
  fund: "general"
  Expenses:Legal:Solicitors  30.00 GBP
  Assets:Bank:Current  -30.00 GBP
2018-03-02 * "PayPal" "Donation"
  fund: "general"
  Assets:PayPal  20.00 GBP
  Income:Donations:PayPal  -20.00 GBP
2018-04-01 balance Assets:PayPal 20.00 GBP
"""


def write(tmp_path: Path, text: str = BOOKS) -> Path:
    return write_small(tmp_path / "books", text)


def by_account(rows):
    return {r.account: r for r in rows}


def test_statement_books_difference_and_entries_since(tmp_path):
    entries, errors, _options = loader.load_file(str(write(tmp_path)))
    assert errors == []
    rows = by_account(reconcile.reconcile_accounts(entries))
    bank = rows["Assets:Bank:Current"]
    assert (str(bank.statement_date), bank.statement, bank.books, bank.difference) == \
        ("2018-02-01", D("100.00"), D("100.00"), D("0.00"))
    assert bank.import_id == "bank:stmt-1"
    assert [t.narration for t in bank.since] == ["Advice"] and bank.since_total == D("-30.00")
    assert not bank.reconciled and "not yet on a statement" in bank.problem()
    assert rows["Assets:PayPal"].reconciled
    held = rows["Assets:Held:Firm"]
    assert held.statement is None and not held.reconciled
    assert held.balance == D("300.00")  # 950 - 300 - 350
    # As at a day before the unseen entry, the bank agrees with its statement.
    earlier = by_account(reconcile.reconcile_accounts(entries, _day("2018-02-15")))
    assert earlier["Assets:Bank:Current"].reconciled
    assert "Assets:PayPal" in earlier and not earlier["Assets:PayPal"].since


def _day(text: str):
    import datetime
    return datetime.date.fromisoformat(text)


def test_difference_is_books_minus_statement(tmp_path):
    # A statement the books disagree with: beancount reports it as a load error too, and
    # reconcile measures it (the CLI refuses books that do not load clean).
    text = BOOKS.replace("2018-04-01 balance Assets:PayPal 20.00 GBP",
                         "2018-04-01 balance Assets:PayPal 25.00 GBP")
    entries, errors, _options = loader.load_file(str(write(tmp_path, text)))
    assert errors
    paypal = by_account(reconcile.reconcile_accounts(entries))["Assets:PayPal"]
    assert paypal.difference == D("-5.00") and "differs from its statement" in paypal.problem()


def test_cli_table_json_and_exit_code(cli, tmp_path):
    main = write(tmp_path)
    result = cli("reconcile", "--books", main)
    assert result.returncode == 1
    assert "1 of 3 holding accounts reconciled" in result.stdout
    assert "Assets:Held:Firm has no statement balance" in result.stdout
    data = json.loads(cli("reconcile", "--books", main, "--format", "json").stdout)
    bank = next(r for r in data if r["account"] == "Assets:Bank:Current")
    assert bank["statement"] == "100.00" and bank["since_total"] == "-30.00"
    assert bank["since_entries"] == 1 and bank["reconciled"] is False
    # Every account reconciled: exit 0.
    done = BOOKS + ("2020-01-01 balance Assets:Bank:Current 70.00 GBP\n"
                    "2020-01-01 balance Assets:Held:Firm 300.00 GBP\n")
    main = write(tmp_path / "done", done)
    result = cli("reconcile", "--books", main)
    assert result.returncode == 0, result.stdout
    assert "3 of 3 holding accounts reconciled." in result.stdout


def test_funds_page_lists_unreconciled_accounts_as_blockers(tmp_path):
    app, slug = fava_app(write(tmp_path))
    client = app.test_client()
    page = client.get(f"/{slug}/extension/Funds/?fund=case").get_data(as_text=True)
    assert "Not reconciled: Assets:Held:Firm has no statement balance" in page
    page = client.get(f"/{slug}/extension/Funds/?fund=general").get_data(as_text=True)
    assert "Not reconciled: Assets:Bank:Current: 1 entry" in page
    assert "Not reconciled: Assets:PayPal" not in page  # agrees with its statement
