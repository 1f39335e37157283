"""The lock's digest (`ledger.lock_digest`) as documented, worked out here by hand: the
text of each kind of entry, the books' options and a later declaration that reaches back,
each hashed, the hashes sorted and hashed again. A digest kept outside the books (with the
signed accounts, for `fundledger verify`) must still match books that did not change,
whatever version of fundledger computes it, so its format is pinned here. Then what it
covers at its edges: a later declaration (and a budget only of a fund that existed then),
one on the lock's day counted once, a lock written without the options covering only its
period, an option held as a table, metadata keys, amounts that differ only in zeros."""

from __future__ import annotations

import datetime
import hashlib

from beancount import loader

from ledger import lock_digest

THROUGH = datetime.date(2019, 3, 31)
BOOKS = """\
option "operating_currency" "GBP"
2019-01-01 open Assets:Bank GBP
2019-01-01 open Income:Gifts
2019-01-02 * "Donor" "Gift"
  fund: "general"
  Assets:Bank  10.00 GBP
    ref: "a"
    memo: "b"
  Income:Gifts  -10 GBP
2019-06-01 custom "fundledger-option" "fy-end" "03-31"
"""
OPTION_PAIRS = (
    "operating_currency=['GBP']", "booking_method=<Booking.STRICT: 'STRICT'>",
    "inferred_tolerance_default=", "inferred_tolerance_multiplier=0.5",
    "infer_tolerance_from_cost=False", "account_rounding=None", "plugin=[]",
    "plugin_processing_mode='default'", "name_assets='Assets'",
    "name_liabilities='Liabilities'", "name_equity='Equity'", "name_income='Income'",
    "name_expenses='Expenses'", "account_previous_earnings='Earnings:Previous'",
    "account_current_earnings='Earnings:Current'",
    "account_previous_conversions='Conversions:Previous'",
    "account_current_conversions='Conversions:Current'",
    "account_unrealized_gains='Earnings:Unrealized'", "conversion_currency='NOTHING'")
OPTIONS = "\x1d".join(OPTION_PAIRS)
TXN_FIELDS = ("2019-01-02", "*", "'Donor'", "'Gift'", "", "", "fund='general'",
              "Assets:Bank\x1f10 GBP\x1f\x1f\x1f\x1fmemo='b'\x1dref='a'",
              "Income:Gifts\x1f-10 GBP\x1f\x1f\x1f\x1f")
# Each entry's text: its kind and fields (where it was written left out), amounts without
# trailing zeros, a transaction's postings sorted, metadata as sorted key=value pairs.
TEXTS = [
    "Open|datetime.date(2019, 1, 1)|'Assets:Bank'|['GBP']|None",
    "Open|datetime.date(2019, 1, 1)|'Income:Gifts'|None|None",
    "\x1e".join(TXN_FIELDS),
    ("Custom|datetime.date(2019, 6, 1)|'fundledger-option'|"
     "[ValueType('fy-end',<class 'str'>),ValueType('03-31',<class 'str'>)]"),
    "options|" + OPTIONS,
]


def load(text=BOOKS):
    entries, errors, options = loader.load_string(text)
    assert errors == [], errors
    return entries, options


def digest_of(entries, options=None, through=THROUGH):
    return lock_digest.digest(h for h, _e in lock_digest.hashes_through(entries, through,
                                                                        options))


def test_the_digest_is_the_documented_one():
    entries, options = load()
    hashes = sorted(hashlib.sha256(t.encode()).digest() for t in TEXTS)
    want = "sha256:" + hashlib.sha256(b"".join(hashes)).hexdigest()
    assert digest_of(entries, options) == want
    got = lock_digest.hashes_through(entries, THROUGH, options)
    assert sorted(h for h, _e in got) == hashes
    # The options as one pseudo-entry, named by the books' file at line 0.
    opts = got[-1][1]
    assert (opts.date, opts.text, opts.meta) == (THROUGH, OPTIONS,
                                                 {"filename": "<string>", "lineno": 0})
    # Without the options (a lock written before they were covered): its period only.
    assert digest_of(entries) == "sha256:" + hashlib.sha256(b"".join(sorted(
        hashlib.sha256(t.encode()).digest() for t in TEXTS[:3]))).hexdigest()


def test_a_later_budget_reaches_back_only_for_a_fund_that_existed_then():
    base = BOOKS + '2019-01-01 custom "fund" "general" "unrestricted"\n'
    later = '2019-05-01 custom "fund-budget" "general" "Solicitors" 100.00 GBP\n'
    entries, options = load(base + later)
    assert digest_of(entries, options) != digest_of(*load(base))
    assert digest_of(entries, options) != digest_of(*load(base + later.replace("100.00",
                                                                               "100.01")))
    # A budget of a fund declared after the lock is not the locked years' figure.
    newer = ('2019-04-01 custom "fund" "newer" "restricted"\n  purpose: "Expenses:Legal"\n'
             + later.replace('"general"', '"newer"'))
    assert digest_of(*load(base + newer)) == digest_of(*load(base + newer.replace(
        "100.00", "100.01")))
    # An entry on the lock's day is in its period, counted once.
    on_the_day = later.replace("2019-05-01", str(THROUGH))
    assert len(lock_digest.hashes_through(*load(base + on_the_day)[:1], THROUGH,
                                          load(base + on_the_day)[1])) == 7



def test_a_later_budget_of_a_fund_declared_on_the_lock_s_day_reaches_back():
    """A fund declared on the last locked day existed in the locked period: its budget
    declared after the lock is part of the locked years' figures, and changing it shows."""
    base = BOOKS + f'{THROUGH} custom "fund" "appeal" "restricted"\n  purpose: "Expenses:Legal"\n'
    later = '2019-05-01 custom "fund-budget" "appeal" "Counsel" 300.00 GBP\n'
    entries, options = load(base + later)
    assert digest_of(entries, options) != digest_of(*load(base + later.replace("300.00",
                                                                               "300.01")))
    # The fund's declaration and the budget, as well as the 5 entries above.
    assert len(lock_digest.hashes_through(entries, THROUGH, options)) == 7

def test_later_declarations_other_than_budgets_reach_back():
    entries, options = load()
    changed = load(BOOKS.replace('"fy-end" "03-31"', '"fy-end" "12-31"'))
    assert digest_of(*changed) != digest_of(entries, options)
    # A later declaration changed does not touch a lock written without the options.
    assert digest_of(changed[0]) == digest_of(entries)
    support = '2019-07-01 custom "support-costs" "general" 0.5\n'
    assert digest_of(*load(BOOKS + support)) != digest_of(entries, options)


def test_an_option_held_as_a_table_is_covered():
    base = 'option "inferred_tolerance_default" "GBP:0.005"\n' + BOOKS
    other = 'option "inferred_tolerance_default" "GBP:0.01"\n' + BOOKS
    assert digest_of(*load(base)) != digest_of(*load(other))


def test_metadata_keys_and_amounts():
    entries, options = load()
    # A key with an underscore in it is content like any other.
    with_key = BOOKS.replace('ref: "a"', 'a_ref: "a"')
    assert digest_of(*load(with_key)) != digest_of(*load(with_key.replace('"a"\n', '"b"\n')))
    # Ten pounds is not one pound; 10, 10.0 and 10.00 are one amount.
    assert digest_of(*load(BOOKS.replace("10.00 GBP", "1 GBP").replace("-10 GBP", "-1 GBP"))
                     ) != digest_of(entries, options)
    assert digest_of(*load(BOOKS.replace("10.00 GBP", "10 GBP"))) == digest_of(entries,
                                                                                options)
    assert digest_of(*load(BOOKS.replace("10.00 GBP", "10.0 GBP"))) == digest_of(entries,
                                                                                  options)
    # A number written with an exponent keeps it whole (1.5E+10 is not 1.5E+1).
    assert lock_digest._number(lock_digest.Decimal("1E+2")) == "1E+2"
    assert lock_digest._number(lock_digest.Decimal("1.5E+10")) == "1.5E+10"


def test_a_missing_entry_is_described_in_a_few_words():
    long = "A narration long enough to be cut short where the lock's words stop, and more"
    entries, _options = load(BOOKS.replace('"Donor" "Gift"', f'"Donor" "{long}"'))
    txn = next(e for e in entries if hasattr(e, "postings"))
    assert lock_digest.label(txn) == f'2019-01-02 transaction "{("Donor " + long)[:60]}"'
    assert len(("Donor " + long)[:60]) == 60 < len("Donor " + long)


def test_every_metadata_key_beside_a_fund_and_on_a_priced_posting_is_covered():
    """The digest's shortcuts for the usual metadata (where it was written, and a fund) must
    not drop anything else: a transaction's invoice beside its fund, a posting's note
    beside its fund, a posting held at a price with a note of its own."""
    text = BOOKS.replace('  fund: "general"\n', '  fund: "general"\n  invoice: "INV-1"\n')
    text = text.replace('    ref: "a"\n    memo: "b"\n', '    fund: "general"\n    memo: "b"\n')
    text += ('2019-01-01 open Assets:Euros EUR\n'
             '2019-01-03 * "Bureau" "Euros bought"\n'
             "  Assets:Bank  -8.50 GBP\n"
             "  Assets:Euros  10.00 EUR @ 0.85 GBP\n"
             '    memo: "rate of the day"\n')
    base = digest_of(*load(text))
    for old, new in (('invoice: "INV-1"', 'invoice: "INV-2"'), ('memo: "b"', 'memo: "c"'),
                     ('"rate of the day"', '"rate of the week"')):
        assert text.count(old) == 1, old
        assert digest_of(*load(text.replace(old, new))) != base, old


def test_a_posting_written_with_an_exponent_keeps_it_whole():
    entries, _options = load()
    txn = next(e for e in entries if hasattr(e, "postings"))
    big, small = (txn._replace(postings=[p._replace(units=p.units._replace(
        number=lock_digest.Decimal(n) * (1 if p.units.number > 0 else -1)))
        for p in txn.postings]) for n in ("1.5E+10", "1.5E+100"))
    assert lock_digest.entry_hash(big) != lock_digest.entry_hash(small)
