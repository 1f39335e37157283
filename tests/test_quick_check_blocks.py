"""The import's quick books check on the entries a real import hands it as columns.

A large download's common entries reach ledger.quick as a Columnar (one written entry per
group of alike entries, each entry's group and day), and the checks that look at days run
over each day's sums. Here generated CSV files are imported for real (a profile in the
books, the importer's own Blocks) into the small books of test_quick_check (funds, a
closed fund, a balance assertion, a period lock), and the quick check and a full load of
the books as written must agree, accept for accept and refuse for refuse. Rows are put on
a few days, so most days hold several entries to sum. The refusals generated: an account
used before it opens, a currency the account does not take, an undeclared fund, a fund
used before it opens or after it closes, a restricted fund spent outside its purpose or
below zero (by a day's sum: a gift and a spending on one day), the balance assertion
broken, an entry in the locked period.

And the check and the text can never drift apart: the entries it reasoned about (each
template on its rows' days, and the others) are exactly those the written text parses to.
"""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from beancount.core import data
from beancount.parser import parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import opened, run
from importers.pseudonym import Pseudonymiser
from ledger import books, quick, quick_columns
from ledger import cache as load_cache
from ledger import lock as period_lock
from ledger.quick_columns import Changes
from tests import test_quick_check as base
from tests.importers_support import FIXTURES, write_books

PROFILE = """name = "gen"
title = "Generated export"
signature = ["Date", "Id", "Campaign", "Fund", "Amount", "Fee", "Currency"]
date = "Date"
date_formats = ["%Y-%m-%d"]
id = "Id"
gross = "Amount"
currency = "Currency"
campaign = "Campaign"
fund_column = "Fund"
decimal = "."

[[fees]]
column = "Fee"
account = "fees"

[[rules]]
sign = "credit"
kind = "income"
[[rules]]
sign = "debit"
kind = "expense"

[accounts]
account = "Assets:PayPal"
income = "Income:Donations"
fees = "Expenses:Fees"
expense = "Expenses:Legal"
"""
# A campaign per (money account, spending account): c<i><j>.
CAMPAIGNS = {f"c{i}{j}": (money, spending)
             for i, money in enumerate(("Assets:Bank", "Assets:PayPal"))
             for j, spending in enumerate(("Expenses:Legal", "Expenses:Fees",
                                           "Expenses:Office", "Expenses:Unknown"))}
SOURCES = '2020-02-01 custom "fundledger-profile" "gen.toml"\n' + "".join(
    f'2020-02-01 custom "fundledger-source" "gen" "general"\n  campaign: "{name}"\n'
    f'  account: "{money}"\n  expense: "{spending}"\n'
    for name, (money, spending) in CAMPAIGNS.items())
# Few days, so a day often holds several entries: in the locked January, before
# Expenses:Office opens, before the late fund opens, after the spent fund closes, either
# side of the bank's balance assertion.
DAYS = [datetime.date(*d) for d in ((2020, 1, 15), (2020, 3, 1), (2020, 5, 1), (2020, 7, 1),
                                    (2021, 1, 1), (2021, 3, 1), (2021, 7, 1), (2021, 12, 31),
                                    (2022, 1, 1), (2022, 6, 1), (2023, 3, 1))]
FUNDS = ("",) * 6 + ("general", "case", "case", "case", "late", "spent", "nowhere")

rows = st.lists(st.tuples(
    st.sampled_from(DAYS[1:] * 6 + DAYS[:1]),
    st.sampled_from(sorted(CAMPAIGNS) + ["c10", "c11", "c10", "c11"]),
    st.sampled_from(FUNDS),
    st.sampled_from((1, 1, -1)),  # a gift, or money out
    st.integers(min_value=1, max_value=12_000),  # pennies
    st.sampled_from((0, 0, 0, 35)),  # a fee on a gift
    st.sampled_from(("GBP",) * 9 + ("EUR",)),
    st.sampled_from((2, 2, 3))), min_size=1, max_size=12)


def books_with_profile(folder: Path) -> Path:
    """test_quick_check's books with the generated export's profile and campaigns,
    locked through January 2020 after they are declared."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "accounts.beancount").write_text(base.ACCOUNTS)
    (folder / "gen.toml").write_text(PROFILE)
    main = folder / "main.beancount"
    main.write_text(base.BOOKS + SOURCES)
    entries, errors, _ = load_cache.real_load(main)
    assert errors == []
    lock, detail = period_lock.lock_files(entries, base.LOCKED_THROUGH,
                                          datetime.date(2026, 1, 1))
    for rel, text in detail.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    main.write_text(base.BOOKS + SOURCES + lock)
    return main


def export(path: Path, generated: list) -> Path:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Date", "Id", "Campaign", "Fund", "Amount", "Fee", "Currency"])
    for k, (day, campaign, fund, sign, pennies, fee, currency, places) in enumerate(generated):
        fee = fee if sign > 0 and fee < pennies else 0
        w.writerow([day.isoformat(), f"T{k:04d}", campaign, fund,
                    f"{sign * pennies / 100:.{places}f}", f"{fee / 100:.2f}" if fee else "",
                    currency])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def planned(main: Path, files: list[Path]) -> tuple[run.Result, Changes]:
    result = run.plan(main, [str(f) for f in files], "", Pseudonymiser(b"test-key"))
    changes = result.changes(main)
    assert isinstance(changes, Changes) and changes.columns is not None and changes.covers
    return result, changes


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows)
def test_quick_check_on_columns_agrees_with_a_full_load(generated):
    with tempfile.TemporaryDirectory() as tmp:
        main = books_with_profile(Path(tmp) / "books").resolve()
        result, changes = planned(main, [export(Path(tmp) / "gen.csv", generated)])
        assert result.blocks, "no entry went through a Block: this would prove nothing new"
        loaded = load_cache.real_load(main)
        assert loaded[1] == []
        full = books.check_in_full(main, changes)
        assert quick.proven_clean(main, changes, loaded) == (full == []), full


def test_a_days_sum_decides_an_overdraft(tmp_path):
    """The case fund holds 100.00. Spending 150.00 of it on a day it also receives 60.00
    leaves 10.00 (clean); receiving 40.00 leaves -10.00 (overspent). Both checks agree,
    and the first is proven by the day's sums, without a full load."""
    for gift, clean in ((6000, True), (4000, False)):
        folder = tmp_path / str(gift)
        main = books_with_profile(folder / "books").resolve()
        day = datetime.date(2021, 3, 1)
        generated = [(day, "c10", "case", -1, 15_000, 0, "GBP", 2),
                     (day, "c10", "case", 1, gift, 0, "GBP", 2)]
        _result, changes = planned(main, [export(folder / "gen.csv", generated)])
        loaded = load_cache.real_load(main)
        full = books.check_in_full(main, changes)
        assert (full == []) == clean, full
        assert quick.proven_clean(main, changes, loaded) == clean


def _written(changes: Changes, main: Path) -> Counter:
    """Each entry the appended text parses to: (date, postings, fund)."""
    out: Counter = Counter()
    for rel in changes.covers:
        path = main.parent / rel
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        parsed, errors, _ = parser.parse_string(str(changes[rel])[len(old):])
        assert errors == []
        out.update(_shape(e) for e in parsed)
    return out


def _shape(entry) -> tuple:
    if not isinstance(entry, data.Transaction):
        return (entry.date, type(entry).__name__, str(getattr(entry, "amount", "")))
    return (entry.date, tuple((p.account, str(p.units), str(p.price)) for p in entry.postings),
            entry.meta.get("fund"))


def _reasoned(changes: Changes) -> Counter:
    """The entries ledger.quick reasons about: each group's template on each of its
    entries' days, the statement balances handed over as parts, and the others as
    parsed."""
    given = changes.columns
    others, _, _ = parser.parse_string(given.others)
    made = [quick._balance(b, "imports") for b in given.balances]
    out: Counter = Counter(_shape(e) for e in others + made)
    templates = []
    for text in given.templates:
        parsed, errors, _ = parser.parse_string(text)
        assert errors == [] and len(parsed) == 1
        templates.append(parsed[0])
    for g, day in zip(given.group.tolist(), given.days.tolist(), strict=True):
        out[(datetime.date.fromordinal(day), *_shape(templates[g])[1:])] += 1
    return out


def test_the_text_written_is_what_the_check_reasoned_about(tmp_path):
    """Every download of the many-sources run, and a generated export: the entries the
    written text parses to and those the check reasons about are the same, one for one."""
    main = write_books(tmp_path / "books")
    names = ["paypal_uk.csv", "stripe.csv", "gocardless.csv", "casefunder.csv",
             "enthuse.csv", "opencollective.csv", "solicitors.csv", "paypal_us.csv"]
    files = [shutil.copy(FIXTURES / n, tmp_path / n) for n in names]
    result, changes = planned(main, files)
    assert result.blocks and len(changes.columns.group)
    assert _written(changes, main) == _reasoned(changes)
    gen = books_with_profile(tmp_path / "gen").resolve()
    generated = [(DAYS[k % len(DAYS)], f"c{k % 2}{k % 4}", FUNDS[k % len(FUNDS)],
                  (1, -1)[k % 3 == 0], 100 + k * 7, (0, 35)[k % 2], "GBP", 2 + k % 2)
                 for k in range(60)]
    _, changes = planned(gen, [export(tmp_path / "gen.csv", generated)])
    assert _written(changes, gen) == _reasoned(changes)


GBP, EUR = "GBP", "EUR"
BANK, PAYPAL_LEGAL, OFFICE = "c00", "c10", "c02"
ALONE = {  # each refusal on its own, so no other check can catch it instead
    "the balance assertion": [(datetime.date(2021, 3, 1), BANK, "", 1, 500, 0, GBP, 2)],
    "the lock": [(datetime.date(2020, 1, 15), PAYPAL_LEGAL, "", 1, 500, 0, GBP, 2)],
    "an account not yet open": [(datetime.date(2020, 3, 1), OFFICE, "", -1, 500, 0, GBP, 2)],
    "a currency the account does not take": [
        (datetime.date(2022, 6, 1), BANK, "", 1, 500, 0, EUR, 2)],
    # The day's EUR in the bank sums to zero, but the bank still took EUR that day.
    "a currency, in a day that sums to zero": [
        (datetime.date(2022, 6, 1), BANK, "", 1, 500, 0, EUR, 2),
        (datetime.date(2022, 6, 1), BANK, "", -1, 500, 0, EUR, 2)],
    # Three alike spendings of 50.00 (one template) overdraw the case fund's 100.00.
    "alike entries that overdraw together": [
        (datetime.date(2021, 3, 1), PAYPAL_LEGAL, "case", -1, 5000, 0, GBP, 2)] * 3,
    # The file's first row is the later one (one books file, two templates): each
    # template stands for its own rows.
    "rows out of date order": [
        (datetime.date(2021, 12, 31), PAYPAL_LEGAL, "case", 1, 50_000, 0, GBP, 2),
        (datetime.date(2021, 3, 1), PAYPAL_LEGAL, "case", -1, 15_000, 0, GBP, 2)],
    "a fund closed": [(datetime.date(2021, 7, 1), PAYPAL_LEGAL, "spent", 1, 500, 0, GBP, 2)],
}


def test_each_refusal_alone_is_refused_by_both(tmp_path):
    for k, (name, generated) in enumerate(ALONE.items()):
        main = books_with_profile(tmp_path / str(k)).resolve()
        result, changes = planned(main, [export(tmp_path / f"{k}.csv", generated)])
        assert result.blocks, name
        loaded = load_cache.real_load(main)
        assert books.check_in_full(main, changes), name
        assert not quick.proven_clean(main, changes, loaded), name


def test_a_template_that_does_not_balance_is_refused(tmp_path):
    """ledger.quick takes a group's template as the word for all its entries: one that
    does not balance is refused, as the full load refuses the text."""
    main = base.base_books(tmp_path / "books").resolve()
    entry = ('2021-03-0{d} * "Someone" "gift"\n  fund: "general"\n'
             "  Assets:PayPal  10.00 GBP\n  Income:Donations  -{n} GBP\n")
    for n, clean in (("10.00", True), ("10.01", False)):
        texts = [entry.format(d=d, n=n) for d in (1, 2)]
        changes = books.appended(main, {base.TARGET: "\n".join(texts)})
        known = quick_columns.Columnar(
            "", texts[:1], np.zeros(2, dtype=np.int64),
            np.array([datetime.date(2021, 3, d).toordinal() for d in (1, 2)]))
        changes = Changes(changes, known, {base.TARGET})
        loaded = load_cache.real_load(main)
        assert (books.check_in_full(main, changes) == []) == clean
        assert quick.proven_clean(main, changes, loaded) == clean


def test_a_covered_file_rewritten_is_not_taken_as_an_append(tmp_path):
    """Columns vouch for what is appended to a file, never for what a rewrite drops. The
    file holds a gift of 50.00 to the case fund; new columns spend 120.00 of the fund's
    150.00. Appended, that is clean; with the file rewritten to hold only the spending,
    the fund is overspent, and the quick check must refuse it as the full load does."""
    main = base.base_books(tmp_path / "books").resolve()
    gift = ('2021-02-01 * "Someone" "gift"\n  fund: "case"\n'
            "  Assets:PayPal  50.00 GBP\n  Income:Donations  -50.00 GBP\n")
    books.apply(main, books.appended(main, {base.TARGET: gift}))
    spend = ('2021-03-01 * "Solicitors" "Advice"\n  fund: "case"\n'
             "  Assets:PayPal  -120.00 GBP\n  Expenses:Legal  120.00 GBP\n")
    day = np.array([datetime.date(2021, 3, 1).toordinal()])
    given = quick_columns.Columnar("", [spend], np.zeros(1, dtype=np.int64), day)
    loaded = load_cache.real_load(main)
    assert loaded[1] == []
    appended = Changes(books.appended(main, {base.TARGET: spend}), given, {base.TARGET})
    assert books.check_in_full(main, appended) == []
    assert quick.proven_clean(main, appended, loaded)
    rewritten = Changes({base.TARGET: spend}, given, {base.TARGET})
    assert any("overspent" in line for line in books.check_in_full(main, rewritten))
    assert not quick.proven_clean(main, rewritten, loaded)


def test_a_posting_line_inside_a_string_is_not_read_as_a_posting(tmp_path):
    """Templates alike but for their numbers are parsed once (a frame); a line shaped like
    a posting inside a narration is no posting. The check must not read its number as
    one: it leaves such a template to the full load, which takes the books as they are."""
    main = base.base_books(tmp_path / "books").resolve()
    texts = [f'2021-03-0{d} * "Someone" "gift\n  Assets:Bank  500.00 GBP\nthanks"\n'
             f'  fund: "general"\n  Assets:PayPal  {n} GBP\n  Income:Donations  -{n} GBP\n'
             for d, n in ((1, "10.00"), (2, "12.00"))]
    changes = books.appended(main, {base.TARGET: "\n".join(texts)})
    known = quick_columns.Columnar(
        "", texts, np.arange(2),
        np.array([datetime.date(2021, 3, d).toordinal() for d in (1, 2)]))
    changes = Changes(changes, known, {base.TARGET})
    loaded = load_cache.real_load(main)
    assert books.check_in_full(main, changes) == []
    assert not quick.proven_clean(main, changes, loaded)


def test_templates_of_two_rules_keep_their_own_postings(tmp_path):
    """A gift to the bank after its balance assertion, then (earlier in the year before,
    later in the file) a payment from PayPal: clean, and proven so. Read the other way
    round (each template with the other's postings) the bank would move before its
    assertion."""
    main = books_with_profile(tmp_path / "books").resolve()
    generated = [(datetime.date(2022, 6, 1), BANK, "", 1, 50_000, 0, GBP, 2),
                 (datetime.date(2021, 3, 1), PAYPAL_LEGAL, "", -1, 15_000, 0, GBP, 2)]
    _result, changes = planned(main, [export(tmp_path / "gen.csv", generated)])
    loaded = load_cache.real_load(main)
    assert books.check_in_full(main, changes) == []
    assert quick.proven_clean(main, changes, loaded)


def test_the_accounts_opened_come_from_the_tails_the_check_reads(tmp_path):
    """The accounts an import uses, each with the first day it is used, are read from the
    groups' posting texts once (ledger.quick_tails, for the books check too): the same as
    reading each group's lines on their own, and as worked by hand."""
    main = books_with_profile(tmp_path / "gen").resolve()
    d1, d2, d3 = DAYS[1], DAYS[2], DAYS[3]
    generated = [(d3, "c03", "", -1, 500, 0, GBP, 2),  # Assets:Bank -> Expenses:Unknown
                 (d1, "c13", "", -1, 700, 0, GBP, 2),  # Assets:PayPal -> Expenses:Unknown
                 (d2, "c00", "", 1, 100, 0, GBP, 2),  # a gift to Assets:Bank
                 (d3, "c10", "", 1, 900, 35, GBP, 2)]  # a gift to PayPal with a fee
    result, _ = planned(main, [export(tmp_path / "gen.csv", generated)])
    assert result.columns.templates.read is not None and len(result.columns.group) == 4
    by_hand = {"Expenses:Unknown": d1, "Assets:PayPal": d1, "Assets:Bank": d2,
               "Income:Donations": d2, "Expenses:Fees": d3}
    assert opened._first_use(result) == by_hand
    result.columns = None  # each group's lines read on their own
    assert opened._first_use(result) == by_hand
    main = write_books(tmp_path / "books")
    names = ["paypal_uk.csv", "stripe.csv", "gocardless.csv", "casefunder.csv",
             "enthuse.csv", "opencollective.csv", "solicitors.csv", "paypal_us.csv"]
    result, _ = planned(main, [shutil.copy(FIXTURES / n, tmp_path / n) for n in names])
    read_once = opened._first_use(result)
    result.columns = None
    assert read_once == opened._first_use(result) and len(read_once) > 5
