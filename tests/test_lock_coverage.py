"""What the period lock covers: every field of every kind of entry, changed alone, breaks a
lock; what only says where or how an entry was written does not. Books of a few lines
holding one entry of each kind beancount has, loaded in the test process. Each test runs
over every version of the digest: the one every lock written before 2026-12 holds, the
second, and the sum `fundledger lock` writes now, which must cover exactly as much."""

from __future__ import annotations

import datetime

import pytest
from beancount import loader
from beancount.core.data import Document, Query

from ledger import lock as period_lock
from ledger.lock_digest import period_digest

THROUGH = datetime.date(2019, 12, 31)

BASE = """\
option "operating_currency" "GBP"
2017-01-01 commodity SHR
  name: "Shares"
2017-01-01 open Assets:Bank GBP,EUR
2017-01-01 open Assets:Old GBP "STRICT"
2017-01-01 open Assets:Shares SHR
2017-01-01 open Income:Gifts
2017-01-01 open Expenses:Legal
2017-01-01 open Equity:Opening
2017-01-01 open Liabilities:Loan
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2017-01-01 custom "fundledger-option" "fy-end" "03-31"
2017-01-01 custom "fund-budget" "general" "Solicitors" 100.00 GBP
2017-01-02 pad Assets:Bank Equity:Opening
2017-01-03 balance Assets:Bank 100.00 GBP
2017-01-04 price EUR 0.85 GBP
2017-01-05 note Assets:Bank "Statement received"
2017-01-05 event "location" "London"
2017-01-06 * "Donor" "Gift" #appeal ^receipt-1
  fund: "general"
  Assets:Bank  10.00 GBP
    ref: "a"
  Income:Gifts  -10.00 GBP
2017-01-07 * "Broker" "Shares bought"
  Assets:Shares  2 SHR {5.00 GBP, 2017-01-07, "lot"}
  Assets:Bank  -10.00 GBP
2017-01-08 ! "Bureau" "Euros bought"
  Assets:Bank  -8.50 GBP
  Assets:Bank  10.00 EUR @ 0.85 GBP
2017-01-09 * "Smith & Co" "Fees"
  Expenses:Legal  3.00 GBP
  Assets:Bank
2018-01-01 close Assets:Old
2019-12-31 * "Last gift of the year"
  Assets:Bank  1.00 GBP
  Income:Gifts  -1.00 GBP
2020-01-01 * "First gift after the lock"
  Assets:Bank  2.00 GBP
  Income:Gifts  -2.00 GBP
"""

# (what changes, text in BASE, its replacement): each must break the lock.
CHANGES = [
    ("a transaction's date", '2017-01-06 * "Donor"', '2017-01-05 * "Donor"'),
    ("a transaction's flag", '2017-01-06 * "Donor"', '2017-01-06 ! "Donor"'),
    ("a flagged transaction's flag", '2017-01-08 ! "Bureau"', '2017-01-08 * "Bureau"'),
    ("a payee", '"Donor" "Gift"', '"Donor B" "Gift"'),
    ("a narration", '"Donor" "Gift"', '"Donor" "Gift "'),
    ("a tag", "#appeal", "#appeal2"),
    ("a tag added", "#appeal", "#appeal #more"),
    ("a link", "^receipt-1", "^receipt-2"),
    ("a transaction's metadata value", '  fund: "general"\n  Assets:Bank  10.00',
     '  fund: "case"\n  Assets:Bank  10.00'),
    ("a transaction's metadata key", '  fund: "general"\n  Assets:Bank  10.00',
     '  fond: "general"\n  Assets:Bank  10.00'),
    ("transaction metadata added", '"Smith & Co" "Fees"\n',
     '"Smith & Co" "Fees"\n  invoice: "INV-1"\n'),
    ("a posting's account", "  Expenses:Legal  3.00 GBP", "  Income:Gifts  3.00 GBP"),
    ("a posting's number", "Assets:Bank  -8.50 GBP", "Assets:Bank  -8.51 GBP"),
    ("a posting's currency", "Expenses:Legal  3.00 GBP", "Expenses:Legal  3.00 EUR"),
    ("a posting's metadata", '    ref: "a"', '    ref: "b"'),
    ("a posting's flag", "  Assets:Bank  10.00 GBP\n    ref", "  ! Assets:Bank  10.00 GBP\n    ref"),
    ("a cost's number", "{5.00 GBP, 2017-01-07", "{5.01 GBP, 2017-01-07"),
    ("a cost's currency", "{5.00 GBP, 2017-01-07", "{5.00 EUR, 2017-01-07"),
    ("a cost's date", "{5.00 GBP, 2017-01-07", "{5.00 GBP, 2017-01-06"),
    ("a cost's label", '"lot"}', '"lot2"}'),
    ("a price's number", "10.00 EUR @ 0.85 GBP", "10.00 EUR @ 0.86 GBP"),
    ("a price's currency", "10.00 EUR @ 0.85 GBP\n", "10.00 EUR @ 0.85 USD\n"),
    ("a price added", "10.00 EUR @ 0.85 GBP\n", "10.00 EUR\n"),
    ("an open's account", "open Liabilities:Loan", "open Liabilities:Loans"),
    ("an open's currencies", "open Assets:Old GBP", "open Assets:Old EUR"),
    ("an open's booking", '"STRICT"', '"FIFO"'),
    ("an open's metadata", "open Income:Gifts\n", 'open Income:Gifts\n  note: "x"\n'),
    ("a close's date", "2018-01-01 close", "2018-01-02 close"),
    ("a commodity's metadata", 'name: "Shares"', 'name: "Stock"'),
    ("a balance's amount", "balance Assets:Bank 100.00 GBP", "balance Assets:Bank 100.01 GBP"),
    ("a balance's tolerance", "balance Assets:Bank 100.00 GBP",
     "balance Assets:Bank 100.00 ~ 0.01 GBP"),
    ("a pad's source", "pad Assets:Bank Equity:Opening", "pad Assets:Bank Income:Gifts"),
    ("a price entry's rate", "price EUR 0.85 GBP", "price EUR 0.84 GBP"),
    ("a note's words", '"Statement received"', '"Statement lost"'),
    ("an event's value", '"location" "London"', '"location" "Leeds"'),
    ("an event's type", '"location" "London"', '"place" "London"'),
    ("a fund's class", '"general" "unrestricted"', '"general" "designated"'),
    ("a fund's metadata", 'title: "General"', 'title: "General fund"'),
    ("a year end", '"fy-end" "03-31"', '"fy-end" "12-31"'),
    ("a budget line's amount", '"Solicitors" 100.00 GBP', '"Solicitors" 100.50 GBP'),
    ("a budget line's name", '"Solicitors" 100.00 GBP', '"Counsel" 100.00 GBP'),
    ("an entry on the lock's last day", "Assets:Bank  1.00 GBP\n  Income:Gifts  -1.00",
     "Assets:Bank  1.50 GBP\n  Income:Gifts  -1.50"),
    ("an entry removed", '2017-01-05 note Assets:Bank "Statement received"\n', ""),
    ("an entry added", "2018-01-01 close Assets:Old\n",
     "2018-01-01 close Assets:Old\n2018-01-01 note Assets:Bank \"x\"\n"),
    ("an entry given twice", '2017-01-05 event "location" "London"\n',
     '2017-01-05 event "location" "London"\n2017-01-05 event "location" "London"\n'),
]

# (what changes, text, replacement): none of these may break the lock.
KEPT = [
    ("postings in another order", "  Assets:Bank  -8.50 GBP\n  Assets:Bank  10.00 EUR @ 0.85 GBP",
     "  Assets:Bank  10.00 EUR @ 0.85 GBP\n  Assets:Bank  -8.50 GBP"),
    ("an amount written with fewer zeros", "Expenses:Legal  3.00 GBP", "Expenses:Legal  3 GBP"),
    ("blank lines and indentation (the lines move)", "2017-01-05 note",
     "\n\n\n2017-01-05 note"),
    ("an entry after the lock", "Assets:Bank  2.00 GBP\n  Income:Gifts  -2.00",
     "Assets:Bank  2.50 GBP\n  Income:Gifts  -2.50"),
    ("Fava's display settings", "2017-01-05 event",
     '2017-01-05 custom "fava-option" "language" "en"\n2017-01-05 event'),
]


def load(text: str) -> list:
    # A few changes leave a transaction that no longer balances: the lock is over what
    # the books say, whether or not beancount accepts it, so only other errors count.
    entries, errors, _options = loader.load_string(text)
    assert all("does not balance" in e.message for e in errors), errors
    return entries


@pytest.fixture(params=[1, 2, 3], ids=["v1", "v2", "v3"])
def version(request) -> int:
    return request.param


def lock_of(entries, version, through=THROUGH) -> str:
    return period_digest(entries, through, version=version)


def locked(text: str, digest: str) -> list:
    return load(text + f'{THROUGH} custom "lock" "{digest}"\n')


BASE_DIGESTS = {v: lock_of(load(BASE), v) for v in (1, 2, 3)}


def test_the_books_as_locked_pass(version):
    assert BASE_DIGESTS[1].startswith("sha256:") and BASE_DIGESTS[2].startswith("sha256v2:")
    assert BASE_DIGESTS[3].startswith("sha256v3:")
    assert period_lock.check(locked(BASE, BASE_DIGESTS[version])) == []


@pytest.mark.parametrize(("what", "old", "new"), CHANGES, ids=[c[0] for c in CHANGES])
def test_each_change_breaks_the_lock(what, old, new, version):
    assert BASE.count(old) == 1, what
    changed = BASE.replace(old, new)
    assert lock_of(load(changed), version) != BASE_DIGESTS[version], what
    errors = period_lock.check(locked(changed, BASE_DIGESTS[version]))
    assert [e.message.startswith("an entry was added, changed or removed inside the period "
                                 f"locked by the lock through {THROUGH}") for e in errors] == [True]


@pytest.mark.parametrize(("what", "old", "new"), KEPT, ids=[c[0] for c in KEPT])
def test_what_is_not_content_keeps_the_lock(what, old, new, version):
    assert BASE.count(old) == 1, what
    assert period_lock.check(locked(BASE.replace(old, new), BASE_DIGESTS[version])) == [], what


def test_documents_and_queries_are_not_locked(version):
    entries = load(BASE)
    meta = {"filename": "<test>", "lineno": 1}
    more = [*entries, Document(meta, datetime.date(2018, 1, 1), "Assets:Bank", "/x.pdf",
                               frozenset(), frozenset()),
            Query(meta, datetime.date(2018, 1, 1), "gifts", "SELECT 1")]
    assert lock_of(more, version) == BASE_DIGESTS[version]


def test_each_kind_of_entry_is_locked(version):
    """Every kind of entry in the books counts, one by one: dropping any breaks the lock."""
    entries = [e for e in load(BASE) if e.date <= THROUGH and period_lock.covered(e)]
    kinds = {type(e).__name__ for e in entries}
    assert kinds == {"Commodity", "Open", "Close", "Custom", "Pad", "Balance", "Price",
                     "Note", "Event", "Transaction"}
    for i, e in enumerate(entries):
        rest = entries[:i] + entries[i + 1:]
        assert lock_of(rest, version) != BASE_DIGESTS[version], type(e).__name__


def test_a_later_lock_checks_its_own_period_and_the_earlier_one_still_holds(version):
    entries = load(BASE)
    early = datetime.date(2017, 1, 6)
    early_digest = lock_of(entries, version, early)
    both = (f'{early} custom "lock" "{early_digest}"\n'
            f'{THROUGH} custom "lock" "{BASE_DIGESTS[version]}"\n')
    assert period_lock.check(load(BASE + both)) == []
    # A change after the earlier lock but inside the later one breaks the later one only.
    inside_later = load(BASE.replace("Expenses:Legal  3.00 GBP", "Expenses:Legal  4.00 GBP")
                        + both)
    assert [str(e.entry.date) for e in period_lock.check(inside_later)] == [str(THROUGH)]
    # A change on the earlier lock's last day breaks both.
    inside_both = load(BASE.replace('"Donor" "Gift"', '"Donor" "Gifts"') + both)
    assert sorted(str(e.entry.date) for e in period_lock.check(inside_both)) == [
        str(early), str(THROUGH)]


def test_unlocking_since_a_day_lifts_every_lock_that_covers_it():
    entries = load(BASE)
    early = datetime.date(2017, 1, 6)
    early_digest = lock_of(entries, 1, early)
    both = load(BASE + f'{early} custom "lock" "{early_digest}"\n'
                f'{THROUGH} custom "lock" "{BASE_DIGESTS[1]}"\n')
    today = datetime.date(2021, 1, 1)

    def lifted(since):
        text = period_lock.unlock_text(both, "Trustees' minute 7: correct the rent", today,
                                       since)
        return [line.split()[0] for line in text.splitlines() if '"unlock"' in line]

    assert lifted(None) == [str(THROUGH)]  # the latest lock
    assert lifted(THROUGH) == [str(THROUGH)]  # a lock covers its last day
    assert lifted(early + datetime.timedelta(days=1)) == [str(THROUGH)]
    assert lifted(early) == [str(early), str(THROUGH)]
    with pytest.raises(period_lock.Refused, match="no lock in force covers 2020-01-01"):
        lifted(THROUGH + datetime.timedelta(days=1))
    with pytest.raises(period_lock.Refused, match="needs a reason"):
        period_lock.unlock_text(both, "x", today)
    # A lock written through a day the books are already locked through is refused; a
    # later one extends it.
    with pytest.raises(period_lock.Refused, match=f"already locked through {THROUGH}"):
        period_lock.lock_files(both, THROUGH, today)
    text, _detail = period_lock.lock_files(both, THROUGH + datetime.timedelta(days=1), today)
    assert text.startswith('\n2020-01-01 custom "lock"')
