"""Books that start mid-life (issue 25, item 3): `init --start` is the day the books begin;
imports open their accounts on it, so a hand entry may come before the imported ones, and
a first statement's balance brought forward is an opening balance of funds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data

from tests.conftest import init_books, run_cli

LLOYDS = Path(__file__).parent / "fixtures" / "real" / "lloyds.csv"


def test_a_hand_entry_may_come_before_the_imported_ones(tmp_path):
    books, env = init_books(tmp_path, "--start", "2017-01-01")
    done = run_cli("import", LLOYDS, "--books", books, "--unclassified", "suspense", env=env)
    assert done.returncode == 0, done.stderr
    opens = [line for line in (books / "imports/accounts.beancount").read_text().splitlines()
             if line[:1].isdigit()]
    assert "2017-01-01 open Assets:Bank:Lloyds" in opens
    assert all(line.startswith("2017-01-01 ") for line in opens)
    # The statement (2025) starts at £1,500.00 before its first row (03/03/2025: +25.00 to
    # 1,525.00): money held before the books begin, an opening balance of the general fund.
    entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == []
    (opening,) = [e for e in entries if isinstance(e, data.Transaction)
                  and ":opening:" in e.meta.get("import-id", "")]
    assert {p.account: p.units.number for p in opening.postings} == {
        "Assets:Bank:Lloyds": Decimal("1500.00"), "Equity:Funds:Opening": Decimal("-1500.00")}
    assert not any(p.account.startswith("Income:") for p in opening.postings)
    # The treasurer writes by hand what happened in 2018, long before the statement; the
    # 2018 gift is then withdrawn from the bank before the statement begins.
    with (books / "main.beancount").open("a", encoding="utf-8") as f:
        f.write('\n2018-05-01 * "Cash from the old treasurer"\n  fund: "general"\n'
                "  Assets:Bank:Lloyds      40.00 GBP\n  Equity:Funds:Opening   -40.00 GBP\n"
                '2018-06-01 * "Old treasurer\'s expenses repaid"\n  fund: "general"\n'
                "  Assets:Bank:Lloyds     -40.00 GBP\n  Equity:Funds:Opening    40.00 GBP\n")
    check = run_cli("check", books, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
