"""importers.run in this process: what a run drops because the books or the run already
hold it, the same row met in two different downloads, statement openings when several
statements come at once, the --fund check, what a run says it did, and the books' own
file of opened accounts. Every expected figure is worked out from the rows written here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from importers import run
from importers.errors import Problem
from importers.pseudonym import Pseudonymiser
from ledger import books as ledger_books
from tests.importers_support import FIXTURES, load_clean, snapshot, txns, write_books

D = Decimal
PSEUDO = Pseudonymiser(b"run-test-key")
STRIPE = (FIXTURES / "stripe.csv").read_text(encoding="utf-8-sig").splitlines()
HEADER = "Date,Description,Paid in,Paid out,Balance\n"


def write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def ids_of(result: run.Result) -> list[str]:
    """Every new entry's import-id, in the text the run appends."""
    return [line.split('"')[1] for text in result.text.values()
            for line in text.splitlines() if line.startswith("  import-id: ")]


def rows_of(result: run.Result) -> list[str]:
    """The new entries' ids, statement balances and openings left out, sorted."""
    return sorted(i for i in ids_of(result) if ":balance:" not in i and ":opening:" not in i)


def test_the_same_rows_in_two_different_downloads_are_imported_once(tmp_path):
    """A later download repeats earlier rows at other row numbers: the file and row
    differ, the entry does not, so they are duplicates, not a clash."""
    main = write_books(tmp_path / "books")
    march = write(tmp_path / "march.csv", STRIPE[:3])
    longer = write(tmp_path / "longer.csv", [STRIPE[0], STRIPE[3], STRIPE[2], STRIPE[1]])
    result = run.plan(main, [march, longer], "", PSEUDO)
    assert result.duplicates == 2
    assert sorted(ids_of(result)) == ["stripe:txn_1Fx0001", "stripe:txn_1Fx0002",
                                      "stripe:txn_1Fx0003"]
    # and the same the other way round (the longer one first, built row by row then)
    again = run.plan(main, [longer, march], "", PSEUDO)
    assert again.duplicates == 2 and sorted(ids_of(again)) == sorted(ids_of(result))


def test_one_id_for_two_entries_in_row_by_row_downloads_is_refused_at_its_row(tmp_path):
    main = write_books(tmp_path / "books")
    first = write(tmp_path / "a.csv", STRIPE[:2])
    changed = STRIPE[1].replace(",50.00,0.95,49.05,", ",60.00,0.95,59.05,")
    second = write(tmp_path / "b.csv", [STRIPE[0], STRIPE[3], changed])
    with pytest.raises(Problem) as e:
        run.plan(main, [first, second], "", PSEUDO)
    assert str(e.value) == (f"{second}:3: id stripe:txn_1Fx0001 was already used by "
                            f"{first}:2 for a different entry")


def test_a_row_the_books_hold_is_a_duplicate_whatever_file_it_came_in(tmp_path):
    main = write_books(tmp_path / "books")
    run.run(main, [write(tmp_path / "a.csv", STRIPE[:3])], pseudo=PSEUDO)
    result = run.plan(main, [write(tmp_path / "b.csv", [STRIPE[0], STRIPE[2], STRIPE[3]])],
                      "", PSEUDO)
    assert (result.duplicates, ids_of(result)) == (1, ["stripe:txn_1Fx0003"])


def test_a_fund_the_books_do_not_declare_is_refused_before_anything_is_read(tmp_path):
    main = write_books(tmp_path / "books")
    before = snapshot(main.parent)
    with pytest.raises(ledger_books.BooksError) as e:
        run.run(main, [str(FIXTURES / "stripe.csv")], fund="nope", pseudo=PSEUDO)
    assert e.value.lines == [("--fund nope: no such fund is declared in the books "
                             "(funds: case, general)")]
    with pytest.raises(ledger_books.BooksError) as e:
        run.run(main, [str(FIXTURES / "stripe.csv")], fund="genral", pseudo=PSEUDO)
    assert e.value.lines == [("--fund genral: no such fund is declared in the books; did you "
                             "mean 'general'? (funds: case, general)")]
    assert snapshot(main.parent) == before
    assert run.plan(main, [str(FIXTURES / "stripe.csv")], "case", PSEUDO).added > 0


def test_a_run_says_what_it_is_doing(tmp_path):
    main = write_books(tmp_path / "books")
    said: list[str] = []
    files = [str(FIXTURES / "stripe.csv")]
    run.run(main, files, pseudo=PSEUDO, progress=said.append)
    assert said == [f"identified {files[0]}", f"read {files[0]}", "checked and written"]
    said.clear()
    run.run(main, files, pseudo=PSEUDO, progress=said.append)  # nothing new
    assert said[-1] == "done"
    said.clear()
    run.run(write_books(tmp_path / "dry"), files, pseudo=PSEUDO, progress=said.append,
            dry_run=True)
    assert said[-1] == "done"


def test_a_run_counts_its_income_by_fund_gross(tmp_path):
    """stripe.csv: charges of 50.00, 50.00, 100.00 and 20.00, a refund of 50.00 (the rest
    are a payout and fees)."""
    main = write_books(tmp_path / "books")
    result = run.plan(main, [str(FIXTURES / "stripe.csv")], "", PSEUDO)
    raised = sum(D(x) for x in ("50.00", "50.00", "100.00", "20.00")) - D("50.00")
    assert result.totals() == {"general": {"GBP": raised}}
    assert result.summary() == (f"{result.added} new, 0 duplicate(s) skipped; income by "
                                f"fund: general {raised:,} GBP")


STATEMENT_A = HEADER + ("01/03/2023,FPI ANNA SMITH REF 1,20.00,,120.00\n"
                        "02/03/2023,FPI ANNA SMITH REF 2,5.00,,125.00\n")
STATEMENT_B = HEADER + ("10/02/2023,FPI BEN JONES REF 9,30.00,,70.00\n"
                        "20/02/2023,FPI BEN JONES REF 9,30.00,,100.00\n")


def openings(result: run.Result) -> list[tuple[str, str]]:
    return [(str(t.date), str(t.postings[0].number)) for t in result.new
            if ":opening:" in t.import_id]


@pytest.mark.parametrize("order", [["a", "b"], ["b", "a"]])
def test_of_two_statements_in_one_run_the_earliest_opens_the_account(tmp_path, order):
    main = write_books(tmp_path / "books")
    paths = {"a": write(tmp_path / "a.csv", STATEMENT_A.splitlines()),
             "b": write(tmp_path / "b.csv", STATEMENT_B.splitlines())}
    result = run.plan(main, [paths[k] for k in order], "", PSEUDO)
    assert openings(result) == [("2023-02-10", "40.00")]
    opening = next(t for t in result.new if ":opening:" in t.import_id)
    assert set(result.text) == {"imports/bank/2023.beancount"}  # the opening's file too
    assert opening.import_id in result.text["imports/bank/2023.beancount"]
    run.run(main, [paths[k] for k in order], pseudo=PSEUDO)
    held = sum(p.units.number for e in txns(load_clean(main)) for p in e.postings
               if p.account == "Assets:Bank:Current")
    assert held == D("125.00")


def test_a_statement_of_an_account_the_books_already_use_opens_nothing(tmp_path):
    books = ('2023-01-05 * "Bank" "Interest"\n  fund: "general"\n'
             '  Assets:Bank:Current  1.00 GBP\n  Income:Donations:Bank  -1.00 GBP\n')
    main = write_books(tmp_path / "books", books)
    result = run.plan(main, [write(tmp_path / "a.csv", STATEMENT_A.splitlines())], "", PSEUDO)
    assert openings(result) == []
    # nor one after a statement's opening, for a later statement
    main = write_books(tmp_path / "books2")
    run.run(main, [write(tmp_path / "b.csv", STATEMENT_B.splitlines())], pseudo=PSEUDO)
    assert openings(run.plan(main, [str(tmp_path / "a.csv")], "", PSEUDO)) == []


def test_an_opening_of_nothing_is_not_written(tmp_path):
    main = write_books(tmp_path / "books")
    text = HEADER + "01/03/2023,FPI ANNA SMITH REF 1,20.00,,20.00\n"
    result = run.plan(main, [write(tmp_path / "a.csv", text.splitlines())], "", PSEUDO)
    assert openings(result) == []
    assert all(":opening:" not in i for i in ids_of(result))


def test_a_withdrawn_opening_is_withdrawn_once(tmp_path):
    main = write_books(tmp_path / "books")
    a = write(tmp_path / "a.csv", STATEMENT_A.splitlines())
    b = write(tmp_path / "b.csv", STATEMENT_B.splitlines())
    run.run(main, [a], pseudo=PSEUDO)
    first = run.run(main, [b], pseudo=PSEUDO)
    withdrawn = [t for t in first.new if t.import_id.endswith(":withdrawn")]
    assert len(withdrawn) == 1
    (t,) = withdrawn
    assert (str(t.date), t.payee, t.fund, t.row) == ("2023-03-01", "Bank", "general", 2)
    assert dict(t.meta)["import-id"] == t.import_id
    assert t.narration == ("Balance brought forward withdrawn: an earlier statement has "
                           "been imported")
    assert [(p.account, p.number) for p in t.postings] == [
        ("Assets:Bank:Current", D("-100.00")), ("Equity:Funds:Opening", D("100.00"))]
    assert run.run(main, [a, b], pseudo=PSEUDO).added == 0


def test_accounts_an_import_needs_are_opened_on_their_first_day(tmp_path):
    main = write_books(tmp_path / "books", '2017-01-01 custom "fundledger-source" "stripe"\n'
                       '  account: "Assets:Stripe:Balance"\n')
    result = run.run(main, [str(FIXTURES / "stripe.csv")], pseudo=PSEUDO)
    assert result.opened == ["Assets:Stripe:Balance"]
    text = (main.parent / run.ACCOUNTS).read_text()
    assert text == run.ACCOUNTS_HEADER + "2023-03-01 open Assets:Stripe:Balance\n"
    assert 'include "imports/accounts.beancount"' in main.read_text()


def test_an_account_opened_by_an_import_is_opened_earlier_for_an_earlier_entry(tmp_path):
    main = write_books(tmp_path / "books", '2017-01-01 custom "fundledger-source" "stripe"\n'
                       '  account: "Assets:Stripe:Balance"\n')
    later = write(tmp_path / "later.csv", [STRIPE[0], *STRIPE[3:]])
    run.run(main, [later], pseudo=PSEUDO)
    assert "2023-03-02 open Assets:Stripe:Balance" in (main.parent / run.ACCOUNTS).read_text()
    run.run(main, [str(FIXTURES / "stripe.csv")], pseudo=PSEUDO)
    text = (main.parent / run.ACCOUNTS).read_text()
    assert text == run.ACCOUNTS_HEADER + "2023-03-01 open Assets:Stripe:Balance\n"
    load_clean(main)


PAYPAL = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig").splitlines()
GIFT, REFUND = PAYPAL[3], PAYPAL[4]  # 5PP00003 and its refund 5PP00004


@pytest.mark.parametrize("gift_rows", [[GIFT], [GIFT, GIFT]],
                         ids=["column-wise", "row by row"])
def test_a_refund_of_a_gift_in_an_earlier_download_of_the_run_is_its_refund(tmp_path,
                                                                           gift_rows):
    """Neither is in the books yet. A download holding one row twice is built row by row
    (the second is the same row again, skipped)."""
    main = write_books(tmp_path / "books")
    gifts = write(tmp_path / "gifts.csv", [PAYPAL[0], *gift_rows])
    refunds = write(tmp_path / "refunds.csv", [PAYPAL[0], REFUND])
    result = run.plan(main, [gifts, refunds], "", PSEUDO)
    text = "".join(result.text.values())
    assert 'refund-of: "paypal:5PP00003"' in text
    assert result.duplicates == len(gift_rows) - 1
    assert rows_of(result) == ["paypal:5PP00003", "paypal:5PP00004"]


def test_a_row_by_row_entry_met_again_in_a_later_download_is_a_duplicate(tmp_path):
    main = write_books(tmp_path / "books")
    twice = write(tmp_path / "twice.csv", [PAYPAL[0], GIFT, GIFT])
    again = write(tmp_path / "again.csv", [PAYPAL[0], PAYPAL[2], GIFT])
    result = run.plan(main, [twice, again], "", PSEUDO)
    assert result.duplicates == 2
    assert rows_of(result) == ["paypal:5PP00002", "paypal:5PP00003"]
    changed = write(tmp_path / "changed.csv", [PAYPAL[0], PAYPAL[2],
                                               GIFT.replace('"25.00"', '"26.00"', 1)
                                               .replace('"24.21"', '"25.21"', 1)])
    with pytest.raises(Problem) as e:
        run.plan(main, [twice, changed], "", PSEUDO)
    assert str(e.value) == (f"{changed}:3: id paypal:5PP00003 was already used by "
                            f"{twice}:2 for a different entry")


def test_a_run_pseudonymises_with_the_key_it_is_given(tmp_path):
    main = write_books(tmp_path / "books")
    text = "".join(run.plan(main, [str(FIXTURES / "stripe.csv")], "", PSEUDO).text.values())
    assert f'donor: "{PSEUDO.donor("hana.fixture@example.org")}"' in text


def test_a_fund_given_for_the_run_is_every_rows_fund(tmp_path):
    main = write_books(tmp_path / "books")
    text = "".join(run.plan(main, [str(FIXTURES / "stripe.csv")], "case", PSEUDO)
                   .text.values())
    funds = {line.split('"')[1] for line in text.splitlines() if line.startswith("  fund: ")}
    assert funds == {"case"}


def test_a_plan_refuses_what_no_rule_claims_unless_asked_to_hold_it(tmp_path):
    main = write_books(tmp_path / "books")
    path = write(tmp_path / "a.csv", [HEADER.strip(), "01/03/2023,DD ZOOM.US 4412,,14.39,0"])
    with pytest.raises(Problem):
        run.plan(main, [path], "", PSEUDO)
    text = "".join(run.plan(main, [path], "", PSEUDO, suspense=True).text.values())
    assert "Expenses:Unclassified" in text


TRANCHES = (
    'name = "tranches"\ntitle = "Grant tranches"\npayee = "Lumen Foundation"\n'
    'signature = ["Received", "Reference", "GBP"]\ndate = "Received"\n'
    'date_formats = ["%Y-%m-%d"]\nid = "Reference"\ngross = "GBP"\nfixed_currency = "GBP"\n'
    '[[rules]]\nkind = "income"\nnarration = "Grant tranche"\ndonor = false\n'
    '[accounts]\naccount = "Assets:Bank:Current"\nincome = "Income:Grants:Lumen"\n')


def test_a_profile_the_books_name_is_found_beside_them(tmp_path):
    main = write_books(tmp_path / "books", '2017-01-01 custom "fundledger-profile" "t.toml"\n')
    (main.parent / "t.toml").write_text(TRANCHES)
    path = write(tmp_path / "t.csv", ["Received,Reference,GBP", "2019-06-14,T1,100.00"])
    assert ids_of(run.plan(main, [path], "", PSEUDO)) == ["tranches:T1"]


BUDGET = "Fund,Budget line,Amount,Currency,Date\ngeneral,Solicitors,5000.00,GBP,2023-01-01\n"


@pytest.mark.parametrize("order", [["invoices", "budget"], ["budget", "invoices"]])
def test_a_budget_in_the_run_is_read_before_the_invoices_whatever_the_order(tmp_path, order):
    """An invoice names its budget line only for a fund that has a budget."""
    main = write_books(tmp_path / "books")
    paths = {"invoices": str(FIXTURES / "solicitors.csv"),
             "budget": write(tmp_path / "budget.csv", BUDGET.splitlines())}
    text = "".join(run.plan(main, [paths[k] for k in order], "", PSEUDO).text.values())
    assert 'budget-line: "Solicitors"' in text


LEDGERISH = ('name = "ledgerish"\ntitle = "A statement"\n'
             'signature = ["Date", "Ref", "Amount", "Balance"]\ndate = "Date"\n'
             'date_formats = ["%Y-%m-%d"]\nid = "Ref"\ngross = "Amount"\n'
             'balance = "Balance"\nfixed_currency = "GBP"\n'
             '[[rules]]\nkind = "income"\nsign = "credit"\ndonor = false\n'
             '[accounts]\naccount = "Assets:Bank:Current"\nincome = "Income:Grants:Lumen"\n')


def test_a_withdrawn_opening_of_a_source_that_names_no_payee_names_none(tmp_path):
    main = write_books(tmp_path / "books", '2017-01-01 custom "fundledger-profile" "l.toml"\n')
    (main.parent / "l.toml").write_text(LEDGERISH)
    head = "Date,Ref,Amount,Balance"
    run.run(main, [write(tmp_path / "b.csv", [head, "2023-03-01,R2,20.00,120.00"])],
            pseudo=PSEUDO)
    result = run.run(main, [write(tmp_path / "a.csv", [head, "2023-02-01,R1,50.00,100.00"])],
                     pseudo=PSEUDO)
    (back,) = [t for t in result.new if t.import_id.endswith(":withdrawn")]
    assert back.payee == ""
    assert [(p.account, p.number) for p in back.postings] == [
        ("Assets:Bank:Current", D("-100.00")), ("Equity:Funds:Opening", D("100.00"))]


def test_a_new_import_file_opens_with_its_header_and_an_old_one_with_a_blank_line(tmp_path):
    main = write_books(tmp_path / "books")
    first = run.run(main, [write(tmp_path / "a.csv", STRIPE[:3])], pseudo=PSEUDO)
    rel = "imports/stripe/2023.beancount"
    assert list(first.text) == [rel]
    assert first.text[rel].startswith(run.HEADER.format(source="stripe") + "\n2023-03-01 ")
    again = run.plan(main, [str(FIXTURES / "stripe.csv")], "", PSEUDO)
    assert again.text[rel].startswith("\n2023-03-02 ")


def test_an_account_whose_balance_the_books_assert_is_in_use_from_that_day(tmp_path):
    """A balance assertion with nothing booked: a statement of the account opens nothing
    (the books already say what the account held; the statement's balances check it)."""
    main = write_books(tmp_path / "books", "2023-02-01 balance Assets:Bank:Current 0.00 GBP\n")
    result = run.plan(main, [write(tmp_path / "a.csv", STATEMENT_A.splitlines())], "", PSEUDO)
    assert openings(result) == []
