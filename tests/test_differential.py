"""Our figures against other tools' on the same books.

- hledger (Debian's /usr/bin/hledger) on the books exported as a journal by
  bench/export_journal.py: every account's total, every fund's balance and every fund's
  legal spend;
- beanquery (its own load of the books) for fund balances and legal spend.

Run on the demo books and on generated books (bench/gen_books.py) with every kind of
transaction: donations, pledges with fees, EUR grant tranches at @@ rates, invoices,
creditors, transfers between funds, closed funds.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import beanquery
import pytest
from beancount.core.data import Transaction

from bench import export_journal, gen_books
from ledger import books, funds

HLEDGER = shutil.which("hledger") or "/usr/bin/hledger"
needs_hledger = pytest.mark.skipif(not Path(HLEDGER).exists(),
                                   reason="hledger is not installed (make test installs it)")
FUND_ACCOUNTS = "^(Income|Expenses|Equity:Funds)(:|$)"
LEGAL = "^Expenses:Legal(:|$)"
CENT = Decimal("0.01")


@pytest.fixture(params=["demo", "generated"])
def loaded(request, tmp_path):
    """(main, entries) of clean books."""
    if request.param == "demo":
        main = request.getfixturevalue("demo")
    else:
        main = gen_books.generate(tmp_path / "gen", n=1500, seed=7)
    entries, errors, _ = books.load(main, cache=False)
    assert errors == [], [books.format_error(e) for e in errors]
    return main, entries


def hledger_csv(journal: Path, *args: str) -> dict[str, dict[str, Decimal]]:
    """`hledger bal` as {row name: {commodity: amount}} (zero rows are not shown)."""
    out = subprocess.run([HLEDGER, "-f", str(journal), "bal", "--flat", "--no-total",
                          "-O", "csv", *args], capture_output=True, text=True, check=True)
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["account", "balance"]
    result: dict[str, dict[str, Decimal]] = {}
    for name, balance in rows[1:]:
        amounts = {}
        for part in balance.split(","):
            number, commodity = part.split()
            amounts[commodity] = Decimal(number)
        result[name] = {c: n for c, n in amounts.items() if n}
    return {k: v for k, v in result.items() if v}


def nonzero(table: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    table = {k: {c: n for c, n in v.items() if n} for k, v in table.items()}
    return {k: v for k, v in table.items() if v}


def per_fund(entries, prefix: str, sign: int) -> dict[str, dict[str, Decimal]]:
    """Our figures, from ledger.funds: each fund's weights on accounts under prefix."""
    out: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for _txn, posting, fund in funds.fund_postings(entries):
        if fund and posting.account.startswith(prefix):
            funds.add(out[fund], funds.weight(posting), sign)
    return nonzero(out)


@needs_hledger
def test_account_totals_agree_with_hledger(loaded, tmp_path):
    _main, entries = loaded
    journal = tmp_path / "books.journal"
    export_journal.write(entries, journal)
    # beancount's side, plainly: the units of every posting, summed per account.
    ours: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for entry in entries:
        if isinstance(entry, Transaction):
            for p in entry.postings:
                ours[p.account][p.units.currency] = (
                    ours[p.account].get(p.units.currency, Decimal(0)) + p.units.number)
    theirs = hledger_csv(journal)
    assert theirs == nonzero(ours)
    assert len(theirs) > 10


@needs_hledger
def test_fund_balances_and_legal_spend_agree_with_hledger(loaded, tmp_path):
    _main, entries = loaded
    journal = tmp_path / "books.journal"
    export_journal.write(entries, journal)
    balances = funds.balances(entries)
    theirs = hledger_csv(journal, "-B", "--pivot", "fund", FUND_ACCOUNTS)
    # hledger sums the postings; a fund's balance is minus that sum.
    assert {f: {c: -n for c, n in v.items()} for f, v in theirs.items()} == nonzero(balances)
    legal = hledger_csv(journal, "-B", "--pivot", "fund", LEGAL)
    assert legal == per_fund(entries, "Expenses:Legal", 1)
    assert legal, "the books have legal spend"


def beanquery_table(main: Path, where: str) -> dict[str, dict[str, Decimal]]:
    conn = beanquery.connect("beancount:" + str(main))
    assert conn.errors == []
    cursor = conn.execute(
        "SELECT meta('fund') AS fund, sum(weight) AS total "
        f"WHERE account ~ '{where}' GROUP BY fund")
    out = {}
    for fund, inventory in cursor.fetchall():
        # beanquery keeps a price's 28-digit per-unit weight; money is booked in cents.
        out[fund] = {pos.units.currency: pos.units.number.quantize(CENT)
                     for pos in inventory}
    return nonzero(out)


def test_fund_balances_and_legal_spend_agree_with_beanquery(loaded):
    main, entries = loaded
    theirs = beanquery_table(main, FUND_ACCOUNTS)
    assert {f: {c: -n for c, n in v.items()} for f, v in theirs.items()} \
        == nonzero(funds.balances(entries))
    assert beanquery_table(main, LEGAL) == per_fund(entries, "Expenses:Legal", 1)


def test_export_keeps_every_transaction_and_posting(loaded, tmp_path):
    _main, entries = loaded
    journal = tmp_path / "books.journal"
    export_journal.write(entries, journal)
    text = journal.read_text()
    txns = [e for e in entries if isinstance(e, Transaction)]
    headers = [ln for ln in text.splitlines() if ln[:4].isdigit()]
    postings = [ln for ln in text.splitlines() if ln.startswith("    ")]
    assert len(headers) == len(txns)
    assert len(postings) == sum(len(t.postings) for t in txns)
