"""Closing funds through the CLI, on real books on disk: closes, refusals, leftovers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import beanquery

from fundledger import demo_books
from reports import funds as report
from tests.funds_books import PAY_F2, SPEND_REST_OF_CASE, load_clean, write_books

D = Decimal

def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".fundledger" not in p.name}


def summaries(main: Path) -> dict[str, report.FundSummary]:
    entries, options = load_clean(main)
    return {s.fund: s for s in report.reconcile(entries, options)}


def test_closable_fund_closes(cli, tmp_path):
    main = write_books(tmp_path / "b", SPEND_REST_OF_CASE)
    assert summaries(main)["case"].status == "closable"
    result = cli("close", "case", "--books", main, "--date", "2018-07-01")
    assert result.returncode == 0, result.stderr
    assert 'custom "fund-close" "case"' in (main.parent / "closing.beancount").read_text()
    assert cli("check", main).returncode == 0
    case = summaries(main)["case"]
    assert case.status == "closed" and str(case.closed) == "2018-07-01"


def test_fund_with_blockers_is_refused_and_books_untouched(cli, tmp_path):
    main = write_books(tmp_path / "b")  # case: F-2 (100.00) unpaid
    before = snapshot(main.parent)
    result = cli("close", "case", "--books", main, "--date", "2018-07-01")
    assert result.returncode == 1
    assert "1 invoice unpaid: F-2 (£100.00)" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(main.parent) == before


def test_release_leftover_to_unrestricted(cli, tmp_path):
    main = write_books(tmp_path / "b")
    before = summaries(main)
    left = before["grant"].balance  # 870.00 received - 600.00 paid = 270.00
    assert left == D("270.00")
    result = cli("close", "grant", "--books", main, "--date", "2019-06-01",
                 "--decision", "Minute 2019/3: released by the trustees; the funder agreed")
    assert result.returncode == 0, result.stderr
    assert cli("check", main).returncode == 0
    after = summaries(main)
    assert after["grant"].status == "closed" and after["grant"].balance == 0
    assert after["grant"].transfers_out == left
    assert after["general"].balance == before["general"].balance + left
    assert after["general"].transfers_in == left
    # The money did not move: it is now held in the same bank account for general.
    held = {h.account: h.amount for h in after["general"].holdings}
    assert held == {"Assets:Bank:Current": before["general"].balance + left}
    assert "Minute 2019/3" in (main.parent / "closing.beancount").read_text()


def test_return_leftover_to_platform(cli, tmp_path):
    main = write_books(tmp_path / "b", PAY_F2)
    before = summaries(main)["case"]
    assert before.balance == D("50.00")  # 1000 - 50 fees - 900 legal
    result = cli("close", "case", "--books", main, "--date", "2018-07-01",
                 "--decision", "Minute 2018/7: return the unspent pledges")
    assert result.returncode == 0, result.stderr
    assert cli("check", main).returncode == 0
    case = summaries(main)["case"]
    assert case.status == "closed" and case.balance == 0 and case.holdings == ()
    assert case.returned == D("50.00")
    assert case.raised_total == before.raised_total  # still the gross raised
    conn = beanquery.connect("beancount:" + str(main))
    (row,) = conn.execute("SELECT sum(position) WHERE account = 'Assets:Held:Firm'").fetchall()
    assert row[0].is_empty()  # the client account was paid out in full


def test_leftover_against_terms_needs_an_override(cli, tmp_path):
    main = write_books(tmp_path / "b", PAY_F2)  # case terms: return-to-platform
    before = snapshot(main.parent)
    result = cli("close", "case", "--books", main, "--date", "2018-07-01", "--leftover", "release")
    assert result.returncode == 1
    assert "terms are return-to-platform" in result.stderr
    assert snapshot(main.parent) == before
    result = cli("close", "case", "--books", main, "--date", "2018-07-01", "--leftover",
                 "release", "--override-terms", "--decision", "Platform closed; minute 7")
    assert result.returncode == 0, result.stderr
    s = summaries(main)
    assert s["case"].status == "closed" and s["case"].returned == 0
    assert s["general"].transfers_in == D("50.00")


def test_dry_run_prints_and_writes_nothing(cli, tmp_path):
    main = write_books(tmp_path / "b")
    before = snapshot(main.parent)
    result = cli("close", "grant", "--books", main, "--date", "2019-06-01", "--dry-run",
                 "--decision", "Minute 2019/3: the funder agreed to the release")
    assert result.returncode == 0, result.stderr
    assert '2019-06-01 custom "fund-close" "grant"' in result.stdout
    assert "dated 2019-06-01 (--date)" in result.stderr
    assert "Equity:Funds:Transfers" in result.stdout
    assert snapshot(main.parent) == before


def test_embedded_demo_books_are_never_written(cli):
    before = snapshot(demo_books.BOOKS)
    result = cli("close", "lumen-grant", "--date", "2024-12-31",
                 "--decision", "Minute 2024/12: the funder agreed")
    assert result.returncode != 0 and "fundledger demo" in result.stderr
    assert snapshot(demo_books.BOOKS) == before


def test_demo_unpaid_invoice_blocks_jr_facial(cli, demo):
    before = snapshot(demo.parent)
    result = cli("close", "jr-facial", "--books", demo, "--date", "2024-12-31")
    assert result.returncode == 1
    assert "BW-2308" in result.stderr
    assert snapshot(demo.parent) == before


def test_demo_lumen_grant_released_and_closed(cli, demo):
    result = cli("close", "lumen-grant", "--books", demo, "--date", "2024-12-31",
                 "--decision", "Minute 2024/12: released; Lumen Foundation agreed by letter")
    assert result.returncode == 0, result.stderr
    assert cli("check", demo).returncode == 0
    conn = beanquery.connect("beancount:" + str(demo))
    rows = conn.execute("SELECT sum(weight) WHERE account ~ '^(Income|Expenses|Equity:Funds)' "
                        "AND meta('fund') = 'lumen-grant'").fetchall()
    assert rows[0][0].is_empty()
    assert summaries(demo)["lumen-grant"].status == "closed"


def test_return_of_a_eur_grant_is_refused_with_a_way_forward(cli, tmp_path):
    main = write_books(tmp_path / "b")
    before = snapshot(main.parent)
    result = cli("close", "grant", "--books", main, "--date", "2019-06-01", "--leftover",
                 "return", "--override-terms", "--decision",
                 "Funder asked for it back; the funder agreed")
    assert result.returncode == 1
    assert "Income:Grants:Funder, which holds EUR only" in result.stderr
    assert snapshot(main.parent) == before


def test_unknown_or_closed_fund(cli, tmp_path):
    main = write_books(tmp_path / "b", SPEND_REST_OF_CASE)
    result = cli("close", "nope", "--books", main)
    assert result.returncode != 0 and "no fund 'nope'" in result.stderr
    assert cli("close", "case", "--books", main, "--date", "2018-07-01").returncode == 0
    again = cli("close", "case", "--books", main, "--date", "2018-08-01")
    assert again.returncode == 1 and "already closed" in again.stderr


# --- the decision itself (reports.closing.plan), without the CLI --------------------------

def test_plan_is_pure_and_its_entries_close_the_fund(tmp_path):
    import datetime

    from beancount import loader

    from reports import closing

    main = write_books(tmp_path / "b")
    before = snapshot(main.parent)
    entries, options = load_clean(main)
    day = datetime.date(2019, 6, 1)
    got = closing.plan(entries, options, "grant", day, decision="Funder agreed: minute 3")
    assert (got.fund, got.day, got.leftover) == ("grant", day, "release")
    assert snapshot(main.parent) == before  # it only answers
    assert 'custom "fund-close" "grant"' in got.text
    # Its entries, added to the books, close the fund at zero with the plugin satisfied.
    trial = main.parent / "trial.beancount"  # beside main, so its include still resolves
    trial.write_text(main.read_text() + "\n" + got.text)
    after, errors, options = loader.load_file(str(trial))
    assert errors == []
    s = {x.fund: x for x in report.reconcile(after, options)}["grant"]
    assert s.status == "closed" and s.balance == 0
    # Refusals carry every reason; an unknown fund lists the declared ones.
    try:
        closing.plan(entries, options, "case", day)
    except closing.CannotClose as e:
        assert any("F-2" in r for r in e.reasons)
    else:
        raise AssertionError("case has an unpaid invoice and must not close")
    try:
        closing.plan(entries, options, "nope", day)
    except closing.UnknownFund as e:
        assert "grant" in e.declared and "case" in e.declared
    else:
        raise AssertionError("an unknown fund must be refused")


# --- decisions on record ---------------------------------------------------------------

def test_demo_leftover_without_decision_is_refused(cli, demo):
    before = snapshot(demo.parent)
    result = cli("close", "lumen-grant", "--books", demo, "--date", "2024-12-31",
                 "--leftover", "release")
    assert result.returncode == 1
    assert "pass --decision with the trustees' minute" in result.stderr
    assert snapshot(demo.parent) == before


def test_grant_decision_must_say_the_funder_agreed(cli, demo):
    before = snapshot(demo.parent)
    result = cli("close", "lumen-grant", "--books", demo, "--date", "2024-12-31",
                 "--decision", "Minute 2024/12: release the underspend")
    assert result.returncode == 1 and "the funder agreed" in result.stderr
    assert snapshot(demo.parent) == before
    minute = "Minute 2024/12: release the underspend, as Lumen Foundation agreed on 3 Dec"
    assert cli("close", "lumen-grant", "--books", demo, "--date", "2024-12-31",
               "--decision", minute).returncode == 0
    written = (demo.parent / "closing.beancount").read_text()
    # the trustees' words, and no others: nothing is worded for them
    decisions = [line.strip() for line in written.splitlines() if "decision:" in line]
    assert decisions and all(d == f'decision: "{minute}"' for d in decisions)


def test_dry_run_is_dated_today_like_close(cli, tmp_path):
    import datetime

    main = write_books(tmp_path / "b", SPEND_REST_OF_CASE)
    result = cli("close", "case", "--books", main, "--dry-run")
    today = datetime.date.today()
    assert result.returncode == 0, result.stderr
    assert f'{today} custom "fund-close" "case"' in result.stdout
    assert f"dated {today} (today" in result.stderr


DONATE = """\
2018-01-10 custom "fund" "appeal" "restricted"
  title: "An appeal"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
  charity: "Access to Justice Foundation"

2018-02-01 * "Platform" "Pledges"
  fund: "appeal"
  Assets:Bank:Current               300.00 GBP
  Income:Crowdfunding:Platform     -300.00 GBP

2018-03-01 * "Firm LLP" "Advice"
  fund: "appeal"
  Expenses:Legal:Solicitors         220.00 GBP
  Assets:Bank:Current              -220.00 GBP
"""


def test_donate_to_charity_pays_the_named_charity(cli, tmp_path):
    main = write_books(tmp_path / "b", DONATE)
    refused = cli("close", "appeal", "--books", main, "--date", "2018-07-01")
    assert refused.returncode == 1 and "--decision" in refused.stderr
    result = cli("close", "appeal", "--books", main, "--date", "2018-07-01",
                 "--decision", "Minute 2018/6: donate the 80.00 left as the appeal's terms say")
    assert result.returncode == 0, result.stderr
    assert cli("check", main).returncode == 0
    text = (main.parent / "closing.beancount").read_text()
    assert '* "Access to Justice Foundation"' in text and 'leftover: "donated"' in text
    conn = beanquery.connect("beancount:" + str(main))
    (row,) = conn.execute("SELECT sum(number) WHERE account = 'Expenses:Grants:Charities'"
                          ).fetchall()
    assert row[0] == D("80.00")  # 300 raised - 220 legal
    assert summaries(main)["appeal"].status == "closed"


def test_donate_terms_need_a_charity_and_cover_only_that_payment(cli, tmp_path):
    main = write_books(tmp_path / "b", DONATE.replace(
        '  charity: "Access to Justice Foundation"\n', ""))
    result = cli("check", main)
    assert result.returncode == 1 and "must name the charity" in result.stdout
    # The terms authorise the leftover to the named charity, nothing else off-purpose.
    main = write_books(tmp_path / "c", DONATE + """
2018-04-01 open Expenses:Grants:Charities GBP
2018-04-01 * "Someone Else" "Not the named charity"
  fund: "appeal"
  leftover: "donated"
  Expenses:Grants:Charities          10.00 GBP
  Assets:Bank:Current               -10.00 GBP
""")
    result = cli("check", main)
    assert result.returncode == 1 and "outside its purpose" in result.stdout


def test_the_only_unrestricted_fund_with_money_says_it_closes_only_at_zero(cli, demo):
    """Closing `general` while it holds money: no --leftover can help (what every other
    fund leaves goes to it, and its money is no platform's to return), so none is
    suggested, with or without one, and nothing is written."""
    before = {p: p.read_bytes() for p in demo.parent.rglob("*.beancount")}
    for extra in ((), ("--leftover", "release", "--decision", "Minute 9: wind up the charity")):
        r = cli("close", "general", "--books", demo, *extra)
        assert r.returncode != 0
        assert "only open unrestricted fund" in r.stderr and "close only at zero" in r.stderr
        assert "choose --leftover" not in r.stderr and "pass --decision" not in r.stderr
    assert {p: p.read_bytes() for p in demo.parent.rglob("*.beancount")} == before
