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
from decimal import Decimal as D

import pytest
from beancount import loader
from beancount.core.amount import Amount
from beancount.core.data import Booking, Custom, Posting, Transaction
from beancount.parser.grammar import ValueType

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


# Version 2 (what `fundledger lock` writes since 2026-12): each entry's text, the texts
# sorted, each followed by a newline, hashed once. Fields are repr() of plain values;
# amounts normalised (10.00 is Decimal('1E+1')); metadata as its kept keys, sorted, then
# their values; a posting with no cost, price or metadata but its fund in five fields.
V2_POSTINGS = (("Assets:Bank\x1fAmount(Decimal('1E+1'),'GBP')\x1fNone\x1fNone\x1fNone\x1f"
               "('memo', 'ref')('b', 'a')\x1f"), "Income:Gifts\x1f-1E+1\x1fGBP\x1fNone\x1f()")
V2_TXN = "\x1e".join(("2019-01-02", "'*'", "'Donor'", "'Gift'", "[]", "[]",
                      "('fund',)('general',)", *V2_POSTINGS))
V2_TEXTS = [
    "2019-01-01\x1eOpen\x1e'Assets:Bank'\x1e['GBP']\x1eNone\x1e()()",
    "2019-01-01\x1eOpen\x1e'Income:Gifts'\x1eNone\x1eNone\x1e()()",
    V2_TXN,
    # what the lock covers beyond its period sorts last: a later declaration, the options
    ("~2019-06-01\x1eCustom\x1e'fundledger-option'\x1e"
     "[ValueType('fy-end',type:str),ValueType('03-31',type:str)]\x1e()()"),
    "~options\x1e" + "\x1d".join((
        "operating_currency=['GBP']", "booking_method=Booking.STRICT",
        "inferred_tolerance_default=()()", "inferred_tolerance_multiplier=Decimal('0.5')",
        *OPTION_PAIRS[4:])),
]


def test_the_version_2_digest_is_the_documented_one():
    entries, options = load()
    want = "sha256v2:" + hashlib.sha256("".join(t + "\n" for t in V2_TEXTS).encode()).hexdigest()
    assert lock_digest.period_digest(entries, THROUGH, options, 2) == want
    texts, _entries = lock_digest.period_texts2(entries, THROUGH)
    beyond = lock_digest.beyond_texts2(entries, THROUGH, options)
    assert sorted(texts + [t for t, _e in beyond]) == V2_TEXTS
    # Without the options: its period only.
    assert lock_digest.period_digest(entries, THROUGH, version=2) == "sha256v2:" + hashlib.sha256(
        "".join(t + "\n" for t in V2_TEXTS[:3]).encode()).hexdigest()
    # A period with nothing in it hashes nothing.
    assert lock_digest.digest2([]) == "sha256v2:" + hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("version", [2, 3])
def test_version_2_and_3_keep_content_not_layout(version):
    entries, options = load()
    for same in (BOOKS.replace("10.00 GBP", "10 GBP"), BOOKS.replace("10.00 GBP", "10.0 GBP"),
                 BOOKS.replace('    ref: "a"\n    memo: "b"\n', '    memo: "b"\n    ref: "a"\n'),
                 BOOKS.replace("2019-01-02", "\n\n2019-01-02")):
        assert lock_digest.period_digest(*load(same)[:1], THROUGH, load(same)[1], version) == \
            lock_digest.period_digest(entries, THROUGH, options, version)
    for other in (BOOKS.replace("10.00 GBP", "1 GBP").replace("-10 GBP", "-1 GBP"),
                  BOOKS.replace('ref: "a"', 'a_ref: "a"'), BOOKS.replace('"a"', "7"),
                  BOOKS.replace('"a"', "7 GBP")):
        assert lock_digest.period_digest(*load(other)[:1], THROUGH, load(other)[1], version) != \
            lock_digest.period_digest(entries, THROUGH, options, version)


def test_the_version_3_digest_is_the_documented_one():
    """Version 3 (what `fundledger lock` writes since 2026-12-07): the texts of version 2,
    each stretched to 256 bytes by SHAKE-256 and read as a big-endian number; the numbers
    added up modulo 2**2048; the digest the sha256 of that sum in 256 big-endian bytes."""
    entries, options = load()

    def number(text):
        return int.from_bytes(hashlib.shake_256(text.encode()).digest(256), "big")

    def want(texts):
        total = sum(number(t) for t in texts) % 2 ** 2048
        return "sha256v3:" + hashlib.sha256(total.to_bytes(256, "big")).hexdigest()

    assert lock_digest.period_digest(entries, THROUGH, options) == want(V2_TEXTS)
    assert lock_digest.period_digest(entries, THROUGH, options, 3) == want(V2_TEXTS)
    assert lock_digest.period_digest(entries, THROUGH, version=3) == want(V2_TEXTS[:3])
    # Nothing in the period: the sha256 of 256 zero bytes.
    assert lock_digest.digest3(0) == "sha256v3:" + hashlib.sha256(bytes(256)).hexdigest()
    # The sum wraps: the part of two texts is the parts of each, added, in any order and
    # split between files any way.
    a, b = (lock_digest.part3([t]) for t in V2_TEXTS[:2])
    assert lock_digest.part3(V2_TEXTS[:2]) == a + b == lock_digest.part3(V2_TEXTS[1::-1])
    assert lock_digest.digest3(a + b + 2 ** 2048) == lock_digest.digest3(a + b)
    # An entry given twice counts twice (the multiset, not the set, of texts).
    assert lock_digest.digest3(2 * a + b) != lock_digest.digest3(a + b)


# A gift with a flag, tags, links, a number in metadata, a fund on a posting and a price;
# shares bought at cost with a flagged posting.
GIFT_AND_SHARES = ('2017-01-01 open Assets:Bank\n2017-01-01 open Assets:Shares\n'
                   '2017-01-01 open Income:Gifts\n'
                   '2019-01-02 ! "Payee" "Gift" #appeal ^case-1\n  fund: "general"\n  ref: 7\n'
                   '  Income:Gifts  -10.50 GBP\n    fund: "case"\n'
                   '  Assets:Bank  9.0 EUR @@ 10.50 GBP\n'
                   '2019-01-03 * "Broker" "Shares"\n'
                   '  Assets:Shares  2 ACME {5.00 GBP, 2019-01-01}\n'
                   '  ! Assets:Bank  -10 GBP\n')


def gift_and_shares():
    return [e for e in load(GIFT_AND_SHARES)[0] if hasattr(e, "postings")]


def test_version_2_text_of_a_transaction_written_out_by_hand():
    """The text a version 2 lock hashes for each transaction (ledger/lock_digest.py),
    pinned the same way: a flag, tags, links, a number in metadata, a fund on a posting,
    a posting at a price and one at cost, each field as repr() of a plain value."""
    gift, shares = gift_and_shares()
    us, rs = "\x1f", "\x1e"
    assert lock_digest.txn_text2(gift) == rs.join([
        "2019-01-02", "'!'", "'Payee'", "'Gift'", "['appeal']", "['case-1']",
        "('fund', 'ref')('general', Decimal('7'))",
        us.join(["Assets:Bank", "Amount(Decimal('9'),'EUR')", "None",
                 "Amount(Decimal('1.166666666666666666666666667'),'GBP')", "None", "()()",
                 ""]),
        us.join(["Income:Gifts", "-10.5", "GBP", "None", "'case'"])])
    assert lock_digest.txn_text2(shares) == rs.join([
        "2019-01-03", "'*'", "'Broker'", "'Shares'", "[]", "[]", "()()",
        us.join(["Assets:Bank", "-1E+1", "GBP", "'!'", "()"]),
        us.join(["Assets:Shares", "Amount(Decimal('2'),'ACME')",
                 "Cost(Decimal('5'),'GBP',datetime.date(2019, 1, 1),None)", "None", "None",
                 "()()", ""])])


def test_version_2_text_of_values_out_of_the_ordinary():
    """What plugins or hand-made entries can hold, each written out by hand: a posting with
    no amount or no number, a fund that is not text, metadata holding an amount, a date
    and time, custom values of each type, the booking method, a set and a list."""
    meta = {"filename": "f", "lineno": 1}
    gbp = Amount(D("10.00"), "GBP")
    txn = Transaction(
        {**meta, "when": datetime.datetime(2019, 1, 2, 3, 4), "cost": gbp, "__x": 1,
         "note": "plain"},
        datetime.date(2019, 1, 2), "*", None, "N", frozenset({"b", "a"}), None, [
            Posting("Assets:A", None, None, None, None, None),
            Posting("Assets:B", Amount(None, "GBP"), None, None, None, {}),
            Posting("Income:C", gbp, None, None, None, {**meta, "fund": gbp}),
            Posting("Income:D", gbp, None, None, "!", {"fund": "x"}),
            Posting("Assets:E", gbp, None, None, None, None)])
    us = "\x1f"
    assert lock_digest.txn_text2(txn) == "\x1e".join([
        "2019-01-02", "'*'", "None", "'N'", "['a', 'b']", "[]",
        ("('cost', 'note', 'when')(<Amount(Decimal('1E+1'),'GBP')>, 'plain', "
        "<datetime:2019-01-02 03:04:00>)"),
        us.join(["Assets:A", "None", "None", "None", "None", "()()", ""]),
        us.join(["Assets:B", "Amount(None,'GBP')", "None", "None", "None", "()()", ""]),
        us.join(["Assets:E", "1E+1", "GBP", "None", "()"]),
        us.join(["Income:C", "Amount(Decimal('1E+1'),'GBP')", "None", "None", "None",
                 "('fund',)(<Amount(Decimal('1E+1'),'GBP')>,)", ""]),
        us.join(["Income:D", "1E+1", "GBP", "'!'", "'x'"])])
    assert lock_digest.entry_text2(txn) == lock_digest.txn_text2(txn)
    untagged = txn._replace(tags=None, postings=txn.postings[-1:])
    assert lock_digest.txn_text2(untagged).split("\x1e")[4:6] == ["[]", "[]"]
    custom = Custom(meta, datetime.date(2019, 1, 3), "t", [
        ValueType(D("1.50"), D), ValueType(True, bool), ValueType(gbp, Amount),
        ValueType(datetime.date(2019, 1, 1), datetime.date)])
    values = ("[ValueType(Decimal('1.5'),type:Decimal),ValueType(True,type:bool),"
              "ValueType(Amount(Decimal('1E+1'),'GBP'),type:Amount),"
              "ValueType(datetime.date(2019, 1, 1),type:date)]")
    assert lock_digest.entry_text2(custom) == f"2019-01-03\x1eCustom\x1e't'\x1e{values}\x1e()()"
    assert lock_digest._canon2(Booking.FIFO) == "Booking.FIFO"
    assert lock_digest._canon2({"b", "a"}) == "['a', 'b']"
    assert lock_digest._canon2(("a", D("2.0"))) == "['a',Decimal('2')]"
    assert repr(lock_digest._Canon("x")) == "<x>"


def test_version_2_metadata_shapes_are_remembered_within_bounds():
    lock_digest._SHAPES.clear()
    for i in range(1002):
        assert lock_digest._meta2({f"k{i}": "v", "lineno": 1}) == f"('k{i}',)('v',)"
    assert 0 < len(lock_digest._SHAPES) <= 1001
    assert lock_digest._meta2({"b": 2, "a": "1", "c": None}) == "('a', 'b', 'c')('1', 2, None)"
    assert lock_digest._meta2({}) == lock_digest._meta2(None) == "()()"
    assert lock_digest._meta2({"lineno": 1, "filename": "f", "_t": 1}) == "()()"


def test_entry_hash_is_the_text_every_existing_lock_was_written_with():
    """A lock in someone's books holds the digest of each entry's text as first written:
    making the hash faster must not change a byte of that text, or every lock breaks on
    upgrade. The texts below are written out by hand from the format (lock_digest.py)."""
    gift, shares = gift_and_shares()
    us, rs, gs = "\x1f", "\x1e", "\x1d"
    expected_gift = rs.join([
        "2019-01-02", "!", "'Payee'", "'Gift'", "['appeal']", "['case-1']",
        f"fund='general'{gs}ref=Decimal('7')",
        # postings sorted by their text; the price per unit beancount keeps, trimmed
        us.join(["Assets:Bank", "9 EUR", "", "1.166666666666666666666666667 GBP", "", ""]),
        us.join(["Income:Gifts", "-10.5 GBP", "", "", "", "fund='case'"])])
    expected_shares = rs.join([
        "2019-01-03", "*", "'Broker'", "'Shares'", "", "", "",
        us.join(["Assets:Bank", "-10 GBP", "", "", "!", ""]),
        us.join(["Assets:Shares", "2 ACME", "5 GBP 2019-01-01 None", "", "", ""])])
    assert lock_digest.entry_hash(gift) == hashlib.sha256(expected_gift.encode()).digest()
    assert lock_digest.entry_hash(shares) == hashlib.sha256(expected_shares.encode()).digest()
    # Made by a plugin: no flag, a posting with no metadata at all, a fund beside where
    # the posting was written (the shortcut for the usual posting), no tags or links.
    made = Transaction({"filename": "f", "lineno": 1}, datetime.date(2019, 1, 4), None,
                       None, "N", frozenset(), frozenset(), [
                           Posting("Assets:Bank", Amount(D("1.50"), "GBP"), None, None, None,
                                   None),
                           Posting("Income:Gifts", Amount(D("-1.50"), "GBP"), None, None, None,
                                   {"filename": "f", "lineno": 2, "fund": "case"})])
    assert lock_digest._txn_text(made) == rs.join([
        "2019-01-04", "", "None", "'N'", "", "", "",
        us.join(["Assets:Bank", "1.5 GBP", "", "", "", ""]),
        us.join(["Income:Gifts", "-1.5 GBP", "", "", "", "fund='case'"])])


def test_version_2_covers_an_option_held_as_a_table_and_a_fund_declared_on_the_lock_day():
    base = 'option "inferred_tolerance_default" "GBP:0.005"\n' + BOOKS
    other = 'option "inferred_tolerance_default" "GBP:0.01"\n' + BOOKS
    for version in (2, 3):
        assert lock_digest.period_digest(*load(base)[:1], THROUGH, load(base)[1], version) != \
            lock_digest.period_digest(*load(other)[:1], THROUGH, load(other)[1], version)
    # A fund declared on the lock's day existed then: a later budget of it reaches back.
    fund = f'{THROUGH} custom "fund" "late" "unrestricted"\n'
    budget = '2019-05-01 custom "fund-budget" "late" "Solicitors" 100.00 GBP\n'
    for version in (1, 2, 3):
        assert lock_digest.period_digest(*load(BOOKS + fund + budget)[:1], THROUGH, load(
            BOOKS + fund + budget)[1], version) != lock_digest.period_digest(
            *load(BOOKS + fund + budget.replace("100.00", "100.01"))[:1], THROUGH,
            load(BOOKS + fund + budget.replace("100.00", "100.01"))[1], version)
