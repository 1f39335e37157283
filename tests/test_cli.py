"""The CLI as a treasurer runs it: real subprocesses on a real copy of the demo books."""

from __future__ import annotations

import pytest

# Each break is appended to a fresh copy of the demo books, in a file of its own.
BREAKS = {
    "missing fund": ("""
2024-08-01 open Expenses:Breaks:Missing GBP
2024-08-02 * "Somebody" "No fund named"
  Expenses:Breaks:Missing       10.00 GBP
  Assets:Bank:Current          -10.00 GBP
""", "Expenses:Breaks:Missing has no fund"),
    "undeclared fund": ("""
2024-08-02 * "Somebody" "Unknown fund"
  fund: "no-such-fund"
  Expenses:Running:Hosting      10.00 GBP
  Assets:Bank:Current          -10.00 GBP
""", "fund 'no-such-fund' is not declared"),
    "mistyped fund": ("""
2024-08-02 * "Brightwater Law" "A fund's name mistyped"
  fund: "jr-facal"
  Expenses:Legal:Solicitors     10.00 GBP
  Assets:Bank:Current          -10.00 GBP
""", ("fund 'jr-facal' is not declared (posting to Expenses:Legal:Solicitors); did you mean "
        "'jr-facial'?")),
    "before open": ("""
2022-08-01 * "CaseFunder" "Early pledge"
  fund: "jr-facial"
  Assets:Held:Brightwater       10.00 GBP
  Income:Crowdfunding:CaseFunder -10.00 GBP
""", "fund 'jr-facial' is used on 2022-08-01, before it opens on 2022-09-01"),
    "after close": ("""
2024-08-01 * "CaseFunder" "Late pledge"
  fund: "jr-surveillance"
  Assets:Bank:Current           10.00 GBP
  Income:Crowdfunding:CaseFunder -10.00 GBP
""", "fund 'jr-surveillance' is used on 2024-08-01, after it closed on 2024-07-05"),
    "outside purpose": ("""
2024-08-01 open Expenses:Breaks:Party GBP
2024-08-02 * "Caterer" "Party from the case fund"
  fund: "jr-facial"
  Expenses:Breaks:Party         10.00 GBP
  Assets:Held:Brightwater      -10.00 GBP
""", "restricted fund 'jr-facial' spent on Expenses:Breaks:Party"),
    "overspent": ("""
2024-08-02 * "Brightwater Law" "Bill larger than the fund"
  fund: "jr-facial"
  Expenses:Legal:Solicitors   5000.00 GBP
  Assets:Bank:Current        -5000.00 GBP
""", "fund 'jr-facial' is overspent on 2024-08-02: balance -"),  # demo figures are imported
    "close with balance": ("""
2024-08-03 custom "fund-close" "lumen-grant"
""", "fund 'lumen-grant' is closed on 2024-08-03 with a balance of 2,232.00 GBP"),
}


def test_help_explains_books(cli):
    result = cli("--help")
    assert result.returncode == 0
    assert "BOOKS is a main .beancount file" in result.stdout
    for command in ("check", "demo"):
        assert command in result.stdout


def test_help_of_serve_and_init_reads_plainly(cli):
    """--books of serve says what books are and that the argument is the same thing (it
    said "also as --books" of itself); init's --start shows DATE, not a strftime pattern."""
    serve = " ".join(cli("serve", "--help").stdout.split())
    assert "also accepted as the argument BOOKS" in serve and "also as --books" not in serve
    assert "a folder holding main.beancount" in serve
    init = cli("init", "--help").stdout
    assert "--start DATE" in init and "%Y" not in init
    # every status the JSON and CSV can say (README, "Reconciling and closing funds")
    funds = " ".join(cli("funds", "--help").stdout.split())
    assert all(s in funds for s in ("open;", "closable", "closed;", "overspent", "error"))


def test_check_demo_default(cli):
    result = cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout and "jr-surveillance" in result.stdout


def test_check_of_new_books_counts_in_plain_english(cli, tmp_path):
    """New books: "0 transactions, 1 fund", not "1 funds"."""
    from conftest import init_books

    books, env = init_books(tmp_path)
    result = cli("check", books, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"{books / 'main.beancount'}: OK, 0 transactions, 1 fund\n")


def test_import_to_a_mistyped_fund_is_a_usage_error(cli, tmp_path):
    """--fund genral: the option is wrong, not the books; the declared funds are named."""
    from conftest import init_books

    books, env = init_books(tmp_path)
    export = tmp_path / "statement.csv"
    export.write_text("Date,Description,Paid in,Paid out,Balance\n"
                      "03/06/2025,FPI PRIYA NAIR REF 0612,25.00,,1025.00\n")
    for dry in ((), ("--dry-run",)):
        result = cli("import", export, "--books", books, "--fund", "genral", *dry, env=env)
        assert result.returncode == 2, result.stderr
        assert ("Invalid value for '--fund': 'genral': no such fund is declared in the "
                "books; did you mean 'general'? (funds: general)") in result.stderr
        assert "would not load cleanly" not in result.stderr


def test_demo_then_check(cli, demo):
    result = cli("check", demo)
    assert result.returncode == 0, result.stdout
    # The folder form works too.
    assert cli("check", demo.parent).returncode == 0


def test_demo_copy_is_independent(cli, demo):
    (demo.parent / "journal.beancount").write_text("garbage that does not parse\n")
    assert cli("check", demo).returncode == 1
    assert cli("check").returncode == 0  # the embedded books are untouched


def test_demo_refuses_non_empty_folder(cli, demo):
    result = cli("demo", demo.parent)
    assert result.returncode != 0
    assert "not empty" in result.stderr


def test_check_missing_books(cli, tmp_path):
    result = cli("check", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "no books here" in result.stderr
    # a folder that is not books (yet): says how to make some
    (tmp_path / "notbooks").mkdir()
    (tmp_path / "notbooks" / "x.txt").write_text("hi\n")
    result = cli("funds", "--books", tmp_path / "notbooks")
    assert result.returncode == 2 and "notbooks/main.beancount: no books here" in result.stderr
    assert "`fundledger init FOLDER` writes new books" in " ".join(result.stderr.split())


@pytest.mark.parametrize("name", BREAKS)
def test_each_rule_break_fails_check(cli, demo, name):
    text, expected = BREAKS[name]
    breaking = demo.parent / "breaks.beancount"
    breaking.write_text(text)
    with demo.open("a") as f:
        f.write('include "breaks.beancount"\n')
    result = cli("check", demo)
    assert result.returncode == 1, result.stdout
    lines = [line for line in result.stdout.splitlines() if expected in line]
    assert lines, result.stdout
    # file:line: message, naming the file the break is in
    assert lines[0].split(":")[0].endswith("breaks.beancount"), lines[0]
    assert lines[0].split(":")[1].isdigit(), lines[0]
