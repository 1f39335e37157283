"""What each fund-rule error says and where it points: its exact words, the file and line
of the posting (or entry) to fix, and the entry itself (Fava's Errors page shows it). Also
the edges of the rules that the mutation run (docs/testing.md) found untested: a posting on
the close day, an overdraft reported once, a purpose written with a trailing colon, a fund
closed with nothing ever booked to it, and postings no parser made (another plugin's).
"""

from __future__ import annotations

import datetime
import textwrap

from beancount import loader
from beancount.core import data

from ledger import books as ledger_books
from ledger import closing
from ledger.plugin import fund_rules

HEADER = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Donations GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Comms:UX:Research GBP
2017-01-01 open Expenses:Running:Rent GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2018-01-10 custom "fund" "case" "restricted"
  title: "A case"
  purpose: "Expenses:Legal, Expenses:Fees"
"""

GIFT = """
2018-02-01 * "Donor" "Gift"
  fund: "case"
  Assets:Bank              100.00 GBP
  Income:Donations        -100.00 GBP
"""


def write(tmp_path, body: str):
    path = tmp_path / "main.beancount"
    text = HEADER + textwrap.dedent(body)
    path.write_text(text)
    return path, text.splitlines()


def line_of(lines: list[str], needle: str, nth: int = 0) -> int:
    return [i + 1 for i, s in enumerate(lines) if needle in s][nth]


def load(path):
    entries, errors, _ = loader.load_file(str(path))
    return entries, errors


def test_every_error_points_at_the_line_to_fix_and_carries_its_entry(tmp_path):
    path, lines = write(tmp_path, GIFT + """
2018-01-05 * "Early" "Before the fund opens"
  fund: "case"
  Assets:Bank               1.00 GBP
  Income:Donations         -1.00 GBP
2018-02-02 * "Landlord" "Rent"
  fund: "case"
  Assets:Bank              -5.00 GBP
  Expenses:Running:Rent     5.00 GBP
2018-02-03 * "Donor" "No fund"
  Assets:Bank               2.00 GBP
  Income:Donations         -2.00 GBP
2018-02-04 * "Donor" "Nobody's fund"
  fund: "ghost"
  Assets:Bank               3.00 GBP
  Income:Donations         -3.00 GBP
2018-01-01 custom "fund" "odd" "permanent"
""")
    _entries, errors = load(path)
    got = {ledger_books.format_error(e): e.entry for e in errors}
    # Each message in full, at the posting's own line (the fund was copied down from the
    # transaction, the line stays the posting's).
    early = line_of(lines, "Income:Donations         -1.00")
    rent = line_of(lines, "Expenses:Running:Rent     5.00")
    nofund = line_of(lines, "Income:Donations         -2.00")
    ghost = line_of(lines, "Income:Donations         -3.00")
    odd = line_of(lines, '"odd"')
    expected = {
        f"{path}:{early}: fund 'case' is used on 2018-01-05, before it opens on 2018-01-10":
            "Before the fund opens",
        f"{path}:{rent}: restricted fund 'case' spent on Expenses:Running:Rent, outside its "
        "purpose (Expenses:Legal, Expenses:Fees)": "Rent",
        f"{path}:{nofund}: posting to Income:Donations has no fund (add fund: \"<id>\" to the "
        "posting or the transaction)": "No fund",
        f"{path}:{ghost}: fund 'ghost' is not declared (posting to Income:Donations)":
            "Nobody's fund",
        f"{path}:{odd}: fund 'odd': class 'permanent' is not one of unrestricted, designated, "
        "restricted, endowment": None,
    }
    assert set(got) == set(expected)
    for message, narration in expected.items():
        entry = got[message]
        if narration is None:  # a declaration: the custom directive itself
            assert isinstance(entry, data.Custom) and entry.values[0].value == "odd"
        else:
            assert isinstance(entry, data.Transaction) and entry.narration == narration


def test_overdraft_and_close_errors_carry_their_day_line_and_entry(tmp_path):
    # Overspent on 2 February and still negative on 3 February: reported once, for the
    # day it happened, though later entries follow. A close with money left, mid-books.
    path, lines = write(tmp_path, GIFT + """
2018-02-02 * "Firm" "Fees"
  fund: "case"
  Expenses:Legal:Solicitors  130.00 GBP
  Assets:Bank               -130.00 GBP
2018-02-03 * "Firm" "More fees"
  fund: "case"
  Expenses:Legal:Solicitors   10.00 GBP
  Assets:Bank                -10.00 GBP
2018-02-04 * "Donor" "Gift"
  fund: "general"
  Assets:Bank                 40.00 GBP
  Income:Donations           -40.00 GBP
2018-02-05 custom "fund-close" "general"
2018-03-01 * "Donor" "Gift"
  fund: "case"
  Assets:Bank                 40.00 GBP
  Income:Donations           -40.00 GBP
""")
    _entries, errors = load(path)
    got = {ledger_books.format_error(e): e.entry for e in errors}
    fees = line_of(lines, '"Fees"')
    close = line_of(lines, '"fund-close"')
    overspent = (f"{path}:{fees}: fund 'case' is overspent on 2018-02-02: balance -30.00 GBP "
                 "(a restricted fund may not go below zero)")
    closed = (f"{path}:{close}: fund 'general' is closed on 2018-02-05 with a balance of "
              "40.00 GBP; a fund closes only at exactly zero")
    assert set(got) == {overspent, closed}
    assert got[overspent].narration == "Fees"


def test_a_leftover_returned_on_the_close_day_is_allowed(tmp_path):
    # What `fundledger close` writes: the return and the fund-close on the same day.
    day = datetime.date(2018, 3, 1)
    path, _ = write(tmp_path, GIFT + closing.return_text(
        "case", "Income:Donations", day, closing.Decimal("100.00"),
        {"Assets:Bank": closing.Decimal("100.00")}, "GBP", "minute 3")
        + closing.close_text("case", day))
    assert load(path)[1] == []


def test_a_fund_closed_with_nothing_ever_booked_closes_clean(tmp_path):
    path, _ = write(tmp_path, '2018-03-01 custom "fund-close" "case"\n')
    assert load(path)[1] == []


def test_a_posting_with_no_fund_does_not_stop_the_others_being_checked(tmp_path):
    # The first posting has no fund, the second overdraws the case, the third names an
    # undeclared fund, the fourth overdraws the case further: each is still reported.
    path, _ = write(tmp_path, """
2018-02-01 * "Firm" "Fees"
  Income:Donations         -100.00 GBP
  Expenses:Legal:Solicitors  60.00 GBP
    fund: "case"
  Income:Donations            0.00 GBP
    fund: "ghost"
  Expenses:Legal:Solicitors  40.00 GBP
    fund: "case"
""")
    messages = [ledger_books.format_error(e) for e in load(path)[1]]
    assert len(messages) == 3, messages
    assert "Income:Donations has no fund" in messages[0]
    assert "fund 'ghost' is not declared" in messages[1]
    assert "fund 'case' is overspent on 2018-02-01: balance -100.00 GBP" in messages[2]


def test_a_purpose_with_a_trailing_colon_or_capitals_matches_whole_components(tmp_path):
    path, _ = write(tmp_path, """
2018-01-10 custom "fund" "design" "restricted"
  title: "Design"
  purpose: "Expenses:Legal:, Expenses:Comms:UX"
2018-02-01 * "Donor" "Gift"
  fund: "design"
  Assets:Bank              100.00 GBP
  Income:Donations        -100.00 GBP
2018-02-02 * "Firm" "Fees"
  fund: "design"
  Expenses:Legal:Solicitors   10.00 GBP
  Expenses:Comms:UX:Research  10.00 GBP
  Assets:Bank                -20.00 GBP
""")
    assert load(path)[1] == []


def _parsed(tmp_path, body: str):
    """Entries as the parser gives them to plugins, before ours has run."""
    path, _ = write(tmp_path, body)
    text = path.read_text().replace('plugin "ledger.plugin"\n', "")
    path.write_text(text)
    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    return entries, options


def test_postings_another_plugin_made_without_metadata(tmp_path):
    # A plugin that ran before ours may add postings with no meta, or a transaction with
    # none: errors then point at the transaction, and nothing crashes.
    entries, options = _parsed(tmp_path, GIFT + """
2018-02-02 * "Landlord" "Rent"
  fund: "case"
  Expenses:Running:Rent       5.00 GBP
  Assets:Bank                -5.00 GBP
""")
    rent = entries[-1]
    bare = rent._replace(postings=[p._replace(meta=None) for p in rent.postings])
    out, errors = fund_rules(entries[:-1] + [bare], options)
    assert [(e.source["lineno"], e.message.split(",")[0]) for e in errors] == [
        (rent.meta["lineno"], "restricted fund 'case' spent on Expenses:Running:Rent")]
    # The transaction's fund was still copied to its fund posting.
    assert [p.meta for p in out[-1].postings if p.account.startswith("Expenses")] == [
        {"fund": "case"}]
    no_meta = rent._replace(meta=None, postings=[
        p._replace(meta={**p.meta, "fund": "case"}) if p.account.startswith("Expenses")
        else p for p in rent.postings])
    out, errors = fund_rules(entries[:-1] + [no_meta], options)
    assert [e.message.split(",")[0] for e in errors] == [
        "restricted fund 'case' spent on Expenses:Running:Rent"]


def test_use_after_close_and_a_purpose_never_declared_point_at_their_lines(tmp_path):
    path, lines = write(tmp_path, GIFT + """
2018-01-10 custom "fund" "vague" "restricted"
  title: "No purpose given"
2018-02-02 * "Firm" "Fees"
  fund: "vague"
  Expenses:Legal:Solicitors    0.00 GBP
  Assets:Bank                  0.00 GBP
2018-03-01 custom "fund-close" "case"
2018-03-02 * "Donor" "Late gift"
  fund: "case"
  Assets:Bank                  5.00 GBP
  Income:Donations            -5.00 GBP
""")
    got = {ledger_books.format_error(e): e.entry for e in load(path)[1]}
    late = line_of(lines, "Income:Donations            -5.00")
    vague = line_of(lines, "Expenses:Legal:Solicitors    0.00")
    after = f"{path}:{late}: fund 'case' is used on 2018-03-02, after it closed on 2018-03-01"
    outside = (f"{path}:{vague}: restricted fund 'vague' spent on Expenses:Legal:Solicitors, "
               "outside its purpose (none declared)")
    assert after in got and outside in got
    assert got[after].narration == "Late gift" and got[outside].narration == "Fees"
