"""The quick way a lock writes the usual transaction's text (ledger/lock_text.py: one
function per shape of metadata) gives exactly the text written field by field, which
every version 2 and 3 lock already in someone's books was made of: on transactions made
up of every kind of value metadata and postings can hold, plain and not."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from beancount.core.amount import Amount
from beancount.core.data import Cost, Posting, Transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import lock_text

KEYS = st.sampled_from(["fund", "import-id", "donor", "_hidden", "__tolerances__",
                        "filename", "lineno", "invoice", "k'ey", "{x}", "rate"])
VALUES = st.one_of(
    st.text(max_size=6), st.integers(-5, 5), st.booleans(), st.none(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-100,
                max_value=100),
    st.dates(datetime.date(2017, 1, 1), datetime.date(2025, 1, 1)),
    st.builds(Amount, st.just(D("1.50")), st.just("GBP")))
NUMBERS = st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000,
                      max_value=1000)
POSTING_META = st.one_of(st.none(), st.just({}), st.dictionaries(KEYS, VALUES, max_size=3),
                         st.builds(lambda f: {"filename": "f", "lineno": 3, "fund": f},
                                   st.one_of(st.text(max_size=4), VALUES)))
POSTINGS = st.builds(
    Posting, st.sampled_from(["Assets:Bank", "Income:Gifts", "Expenses:Legal"]),
    st.one_of(st.builds(Amount, NUMBERS, st.sampled_from(["GBP", "EUR"])), st.none(),
              st.just(Amount(None, "GBP"))),
    st.one_of(st.none(), st.just(Cost(D(5), "GBP", datetime.date(2019, 1, 1), None))),
    st.one_of(st.none(), st.just(Amount(D("0.85"), "GBP"))),
    st.sampled_from([None, "!", "*"]), POSTING_META)
TRANSACTIONS = st.builds(
    Transaction, st.dictionaries(KEYS, VALUES, max_size=5),
    st.dates(datetime.date(2017, 1, 1), datetime.date(2025, 1, 1)),
    st.sampled_from(["*", "!", "P"]), st.one_of(st.none(), st.text(max_size=5)),
    st.text(max_size=8), st.one_of(st.none(), st.frozensets(st.text(max_size=3),
                                                            max_size=2)),
    st.one_of(st.none(), st.frozensets(st.text(max_size=3), max_size=2)),
    st.lists(POSTINGS, max_size=4))


@settings(max_examples=300, deadline=None)
@given(TRANSACTIONS)
def test_the_quick_text_is_the_text_written_field_by_field(txn):
    assert lock_text.txn_text2(txn) == lock_text._txn_text2_any(txn)


def test_the_usual_transaction_is_written_the_quick_way_and_the_same():
    meta = {"filename": "f", "lineno": 1, "fund": "general", "import-id": "paypal:1",
            "donor": "d-1", "__tolerances__": {"GBP": D("0.005")}}
    gift = Transaction(meta, datetime.date(2019, 1, 2), "*", "PayPal", "Donation",
                       frozenset(), frozenset(), [
                           Posting("Income:Gifts", Amount(D("-13.00"), "GBP"), None, None,
                                   None, {"filename": "f", "lineno": 2, "fund": "general"}),
                           Posting("Assets:PayPal", Amount(D(13), "GBP"), None, None, None,
                                   {"filename": "f", "lineno": 3})])
    lock_text._WRITERS.clear()
    text = lock_text.txn_text2(gift)
    assert tuple(meta) in lock_text._WRITERS  # the quick way was taken
    rs, us = "\x1e", "\x1f"  # between fields, and a posting's fields
    assert text == rs.join([
        "2019-01-02", "'*'", "'PayPal'", "'Donation'", "[]", "[]",
        "('donor', 'fund', 'import-id')('d-1', 'general', 'paypal:1')",
        us.join(["Assets:PayPal", "13", "GBP", "None", "()"]),
        us.join(["Income:Gifts", "-13", "GBP", "None", "'general'"])])
    assert text == lock_text._txn_text2_any(gift)
    one = gift._replace(meta={"lineno": 1, "fund": "general"})
    assert lock_text.txn_text2(one).split("\x1e")[6] == "('fund',)('general',)"
    assert lock_text.txn_text2(gift._replace(meta={"lineno": 1})).split("\x1e")[6] == "()()"


def test_shapes_of_transactions_are_remembered_within_bounds():
    lock_text._WRITERS.clear()
    txn = Transaction({}, datetime.date(2019, 1, 2), "*", None, "N", None, None, [])
    for i in range(1002):
        assert lock_text.txn_text2(txn._replace(meta={f"k{i}": "v"})).endswith(
            f"('k{i}',)('v',)\x1e")
    assert 0 < len(lock_text._WRITERS) <= 1001
