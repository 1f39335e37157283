"""A money account below zero is flagged by `reconcile` and warned of by `check`, and
every money account is listed, whatever an import named it. Books built for it: a
crowdfunder paid out to one name for the firm's client account, its invoices paid from
another name for the same account (issue 25: "ends at -£2,400 while check says OK")."""

from __future__ import annotations

from reports.reconcile import reconcile_accounts
from tests.conftest import run_cli
from tests.statements_books import load

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:Held:Smith-Solicitors GBP
2024-01-01 open Assets:Held:Smith GBP
2024-01-01 open Assets:Wise:EUR EUR
2024-01-01 open Assets:Transfers GBP
2024-01-01 open Income:Crowdfunding:CaseFunder GBP
2024-01-01 open Income:Donations:Wise EUR
2024-01-01 open Expenses:Legal:Solicitors GBP
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"

2024-02-01 * "CaseFunder" "Payout to the client account"
  fund: "case"
  Assets:Held:Smith-Solicitors     3000.00 GBP
  Income:Crowdfunding:CaseFunder  -3000.00 GBP
2024-03-01 * "Smith" "Invoice S-1, paid from client account"
  fund: "case"
  Assets:Held:Smith               -2400.00 GBP
  Expenses:Legal:Solicitors        2400.00 GBP
2024-03-02 * "Supporter" "Gift in euros"
  fund: "general"
  Assets:Wise:EUR                    50.00 EUR
  Income:Donations:Wise             -50.00 EUR
2024-03-03 balance Assets:Wise:EUR   50.00 EUR
"""


def test_reconcile_flags_an_account_below_zero_and_lists_every_money_account(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(BOOKS)
    checks = {c.account: c for c in reconcile_accounts(load(main)[0])}
    # Assets:Wise:EUR is a money account an import opened under a name of its own
    assert set(checks) == {"Assets:Held:Smith-Solicitors", "Assets:Held:Smith",
                           "Assets:Wise:EUR", "Assets:Transfers"}
    smith = checks["Assets:Held:Smith"]
    assert (smith.overdrawn, smith.reconciled) == (True, False)
    assert smith.problem() == (
        "Assets:Held:Smith is below zero (-£2,400.00): money cannot be taken from where "
        "there is none; an entry is missing or booked to the wrong account (two names for "
        "one account?)")
    assert checks["Assets:Wise:EUR"].reconciled  # its statement agrees
    assert checks["Assets:Transfers"].reconciled  # never used, nil


def test_check_warns_of_a_money_account_below_zero(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(BOOKS)
    r = run_cli("check", str(main))
    assert r.returncode == 0, r.stdout + r.stderr  # the books load clean: a warning
    assert "warning: Assets:Held:Smith is below zero (-£2,400.00)" in r.stderr
    assert "Smith-Solicitors is below zero" not in r.stderr
