"""The text a lock digest (versions 2 to 4, ledger.lock_digest) is made of: one per
locked entry, of its content alone, each field written with repr() of a plain value
(str, Decimal, int, bool, date, None) or _canon2: never the repr of a beancount class,
so the text is the same on any Python and beancount. Amounts are normalised without
rounding: 10, 10.0 and 10.00 are one. Every lock of those versions already written holds
the digest of these texts: a byte changed here breaks every one of them
(tests/test_lock_digest.py writes them out by hand)."""

from __future__ import annotations

import datetime
import decimal
import enum
from collections.abc import Callable
from decimal import Decimal
from operator import itemgetter

from beancount.core.data import Transaction

# The options that change what the locked entries add up to: the currency figures are in,
# how lots are booked, tolerances, account roots, and the plugins that run (and in what
# order; dropping the fund rules is a change of the books).
LOCKED_OPTIONS = ("operating_currency", "booking_method", "inferred_tolerance_default",
                  "inferred_tolerance_multiplier", "infer_tolerance_from_cost",
                  "account_rounding", "plugin", "plugin_processing_mode", "name_assets",
                  "name_liabilities", "name_equity", "name_income", "name_expenses",
                  "account_previous_earnings", "account_current_earnings",
                  "account_previous_conversions", "account_current_conversions",
                  "account_unrealized_gains", "conversion_currency")
# Metadata that says where an entry was written, not what it says.
WHERE = ("filename", "lineno")
# Fields beancount fills in after the plugins run (a failing balance's difference).
UNHASHED = ("meta", "diff_amount")

_NORMALISE = decimal.Context(prec=decimal.MAX_PREC).normalize  # exact: never rounds
_PLAIN = frozenset((str, int, bool, Decimal, datetime.date, type(None)))
_SIMPLE = frozenset(("filename", "lineno", "fund"))  # a posting's usual metadata
_NONE = ()  # a posting with no fund (no metadata value is a tuple)


def _canon2(value) -> str:
    if type(value) in _PLAIN:
        return repr(_NORMALISE(value) if type(value) is Decimal else value)
    if isinstance(value, enum.Enum):  # booking_method: its name, not the class's repr
        return type(value).__name__ + "." + value.name
    if isinstance(value, dict):
        return _meta2(value)
    if isinstance(value, (set, frozenset)):
        return repr(sorted(value))
    if isinstance(value, type):  # a custom value's type: its name, not where it lives
        return "type:" + value.__name__
    if hasattr(value, "_fields"):  # Amount, Cost, custom values, ...
        return type(value).__name__ + "(" + ",".join(
            _canon2(getattr(value, f)) for f in value._fields) + ")"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canon2(v) for v in value) + "]"
    return type(value).__name__ + ":" + str(value)


class _Canon(str):
    """A value written by _canon2: repr shows it apart from a string of the same text."""

    def __repr__(self) -> str:
        return "<" + self + ">"


def _meta2(meta: dict | None) -> str:
    """repr of the sorted keys kept (where it was written and `_` keys left out), then
    repr of their values."""
    if not meta:
        return "()()"
    shape = _SHAPES.get(tuple(meta))
    if shape is None:
        shape = _shape(meta)
    values = shape[0](meta)
    if not _PLAIN.issuperset(map(type, values)):
        values = tuple(v if type(v) in _PLAIN else _Canon(_canon2(v)) for v in values)
    return shape[1] + repr(values)


# Metadata keys in the order an entry has them -> (a getter of the kept keys' values, the
# kept keys' text). A handful of shapes cover every entry of an organisation's books.
_SHAPES: dict[tuple, tuple] = {}


def _kept(keys) -> tuple[str, ...]:
    """The metadata keys a text keeps, sorted: not where it was written, nor `_` keys."""
    return tuple(sorted(k for k in keys if k[:1] != "_" and k not in WHERE))


def _shape(meta: dict) -> tuple:
    kept = _kept(meta)
    if len(_SHAPES) > 1000:  # books with ever-new keys: keep the memory bounded
        _SHAPES.clear()
    get = itemgetter(*kept) if len(kept) > 1 else (lambda m, k=kept[0]: (m[k],)) \
        if kept else (lambda m: ())
    _SHAPES[tuple(meta)] = shape = (get, repr(kept))
    return shape


def _posting2(p) -> str:
    """A posting's version 2 text, out of the ordinary (txn_text2 writes the usual one)."""
    account, units, cost, price, flag, meta = p
    return "\x1f".join((account, _canon2(units), _canon2(cost), _canon2(price), repr(flag),
                        _meta2(meta), ""))


def _txn_text2_any(txn: Transaction) -> str:
    """A transaction's version 2 text, written field by field (txn_text2)."""
    meta, date, flag, payee, narration, tags, links, postings = txn
    return f"{date}\x1e{flag!r}\x1e{payee!r}\x1e{narration!r}\x1e" \
           f"{repr(sorted(tags)) if tags else '[]'}\x1e" \
           f"{repr(sorted(links)) if links else '[]'}\x1e{_meta2(meta)}\x1e" \
           + _postings_text(postings)


def entry_text2(entry) -> str:
    """Any entry's version 2 text: its date first (so a period's texts sort as a prefix of
    a later one's), then its kind, fields and metadata."""
    if isinstance(entry, Transaction):
        return txn_text2(entry)
    return "\x1e".join((str(entry.date), type(entry).__name__, *(
        _canon2(getattr(entry, f)) for f in entry._fields if f not in UNHASHED
        and f != "date"), _meta2(entry.meta)))



def options_text2(options: dict) -> str:
    return "\x1d".join(f"{k}={_canon2(options.get(k))}" for k in LOCKED_OPTIONS)



# The text of the usual transaction, the one the lock writes 88,000 times on every load
# of 100k transactions: a function per shape of its metadata (its keys, in the order the
# entry has them), written once as namedtuple writes its classes, that reads the kept
# values by name and writes the whole text in one f-string. It gives exactly
# _txn_text2_any's text (tests/test_lock_digest.py holds them equal): anything else (a
# value that is not plain, no metadata) goes that way.
_WRITERS: dict[tuple, Callable] = {}
_WRITER = """def write(txn):
    meta, date, flag, payee, narration, tags, links, postings = txn
    {get}if {plain}:
        return f"{{date}}\x1e{{flag!r}}\x1e{{payee!r}}\x1e{{narration!r}}\x1e" \\
            f"{{repr(sorted(tags)) if tags else '[]'}}\x1e" \\
            f"{{repr(sorted(links)) if links else '[]'}}\x1e{{KEPT}}{values}\x1e" \\
            + postings_text(postings)
    return slow(txn)
"""


def _writer(keys: tuple) -> Callable:
    kept = _kept(keys)
    # Only names made here go into the code: the keys themselves are passed as values.
    names = [f"v{i}" for i in range(len(kept))]
    code = _WRITER.format(
        get="".join(f"{v} = meta[K{i}]\n    " for i, v in enumerate(names)),
        plain=" and ".join(f"type({v}) in PLAIN" for v in names) or "True",
        values="(" + "".join(f"{{{v}!r}}, " for v in names)[:-2] + ("," if len(names) == 1
                                                                    else "") + ")")
    scope = {"KEPT": repr(kept), "PLAIN": _PLAIN, "slow": _txn_text2_any,
             "postings_text": _postings_text, **{f"K{i}": k for i, k in enumerate(kept)}}
    exec(code, scope)  # noqa: S102 - code made above from names alone
    if len(_WRITERS) > 1000:  # books with ever-new keys: keep the memory bounded
        _WRITERS.clear()
    _WRITERS[keys] = write = scope["write"]
    return write


def txn_text2(txn: Transaction) -> str:
    """A transaction's version 2 text: its fields, then its postings' texts sorted. The
    usual posting (a number, no cost or price, no metadata but its fund) is written in
    place in five fields; any other in seven (_posting2)."""
    meta = txn.meta
    if not meta:
        return _txn_text2_any(txn)
    write = _WRITERS.get(tuple(meta))
    return (write or _writer(tuple(meta)))(txn)


def _postings_text(postings) -> str:
    """The postings' texts, sorted and joined by the field separator."""
    texts = []
    append = texts.append
    for p in postings:
        account, units, cost, price, pflag, pmeta = p
        if cost is None and price is None and units is not None:
            if not pmeta:
                fund = _NONE
            elif pmeta.keys() <= _SIMPLE:
                fund = pmeta.get("fund", _NONE)
                if type(fund) is not str and fund is not _NONE and type(fund) not in _PLAIN:
                    append(_posting2(p))
                    continue
            else:
                append(_posting2(p))
                continue
            number = units.number
            if type(number) is Decimal:  # !s: str, not format (twice as slow)
                append(f"{account}\x1f{_NORMALISE(number)!s}\x1f{units.currency}\x1f"
                       f"{pflag!r}\x1f{fund!r}")
                continue
        append(_posting2(p))
    texts.sort()
    return "\x1e".join(texts)
