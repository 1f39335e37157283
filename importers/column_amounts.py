"""Each group of amounts' posting lines (importers.columns), made column-wise from the
cells' own digits: no Decimal arithmetic or formatting per group.

Where a cell was read as the Decimal of its own text (importers.fields: `Column.texts`)
and that text is how str() writes the Decimal (no leading zeros, at most six decimals),
the text is the exact number: a negation is a minus added or taken away, a sum is worked
in integers of the smallest unit any cell has (at most 18 digits, so int64 is exact),
and its text is those digits with the point put back at the place Decimal's own
arithmetic gives (the fewest decimals of its terms). Anything else (a decimal comma, a
cell with leading zeros, more places or digits, net not gross less fees) gives None, and
the caller takes the exact way, Decimal by Decimal, which words any problem.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers.table import arrow_of, taken
from ledger.quick_tails import SLICE

# How str() writes a Decimal read from such a text: the text itself.
CANONICAL = r"^-?(0|[1-9][0-9]*)(\.[0-9]{1,6})?$"
MAX_DIGITS = 18  # |n| < 10**18 < 2**63


class Amount:
    """One amount per group: scaled integers (unit 10**-PLACES), each one's own decimal
    places (its Decimal exponent, negated), and which groups have none (an empty cell).
    `texts`: each as str() writes its Decimal, where known without writing it again (a
    cell's own text, or its negation; None once amounts are summed)."""

    PLACES = 6

    def __init__(self, units: np.ndarray, places: np.ndarray, missing: np.ndarray,
                 texts: pa.Array | None = None):
        self.units, self.places, self.missing, self.texts = units, places, missing, texts

    @classmethod
    def zero(cls, n: int) -> Amount:
        return cls(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
                   np.zeros(n, dtype=bool))

    def __neg__(self) -> Amount:
        texts = self.texts
        if texts is not None:  # a minus added or taken away ("-0" is written "0" anyway)
            texts = pc.if_else(pc.starts_with(texts, "-"), pc.utf8_slice_codeunits(texts, 1),
                               pc.binary_join_element_wise("-", texts, ""))
        return Amount(-self.units, self.places, self.missing, texts)

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.units + other.units, np.maximum(self.places, other.places),
                      self.missing | other.missing)

    def __sub__(self, other: Amount) -> Amount:
        return self + -other

    def times(self, sign: int) -> Amount:
        return self if sign > 0 else -self

    def where(self, take: np.ndarray, other: Amount) -> Amount:
        """This amount where take, else other's."""
        if take.all():
            return self
        return Amount(np.where(take, self.units, other.units),
                      np.where(take, self.places, other.places),
                      np.where(take, self.missing, other.missing))

    def __getitem__(self, at) -> Amount:
        texts = self.texts
        if isinstance(at, slice) and texts is not None:
            start, stop, _ = at.indices(len(self.units))
            texts = texts.slice(start, max(stop - start, 0))
        elif texts is not None:
            texts = texts.take(pa.array(at))
        return Amount(self.units[at], self.places[at], self.missing[at], texts)

    def written(self) -> pa.Array:
        """Each as str(Decimal) writes it, with its own places (a zero too)."""
        whole, frac = np.divmod(np.abs(self.units), 10 ** self.PLACES)
        digits = pc.utf8_lpad(pc.cast(pa.array(frac), pa.string()), width=self.PLACES,
                              padding="0")
        # only the places the Decimal has, after a point if it has any
        frac_text = pc.if_else(pa.array(self.places > 0), pc.binary_join_element_wise(
            ".", _cut(digits, self.places), ""), "")
        minus = pa.array(np.where(self.units < 0, "-", ""))
        return pc.binary_join_element_wise(minus, pc.cast(pa.array(whole), pa.string()),
                                           frac_text, "")

    def text(self) -> pa.Array:
        """As txn._num writes each: str(Decimal), "0" for a zero."""
        return pc.if_else(pa.array(self.units == 0), "0",
                          self.written() if self.texts is None else self.texts)

    def decimals(self) -> list[Decimal]:
        """Each as its Decimal (a zero with its places, as Decimal arithmetic gives it)."""
        return [Decimal(x) for x in self.written().to_pylist()]


def _cut(texts: pa.Array, lengths: np.ndarray) -> pa.Array:
    """Each text's first lengths[k] characters."""
    out = texts
    for n in np.unique(lengths).tolist():  # a few distinct lengths (0..6)
        out = pc.if_else(pa.array(lengths == n), pc.utf8_slice_codeunits(texts, 0, n), out)
    return out


def column(col, codes: np.ndarray) -> Amount | None:
    """The amounts of an amount column (importers.table.Column with texts: the exact
    texts importers.fields.Read keeps) at these codes; None where a cell was read some
    other way or its text is not how str() writes its Decimal."""
    texts = col.texts
    if texts is None:
        return None
    cells = taken(arrow_of(texts), codes)
    missing = ~np.asarray(pc.is_valid(cells).to_numpy(zero_copy_only=False), dtype=bool)
    other = getattr(col.values, "other", {})  # values read some other way (numbers.parse)
    if other:
        read_otherwise = np.zeros(len(texts), dtype=bool)
        read_otherwise[[i for i, v in other.items() if v is not None]] = True
        if read_otherwise[codes].any():
            return None
    cells = pc.replace_substring(pc.fill_null(cells, "0"), ",", "")  # thousands
    if not pc.all(pc.match_substring_regex(cells, CANONICAL)).as_py():
        return None
    dot = pc.find_substring(cells, ".").to_numpy().astype(np.int64)
    size = pc.binary_length(cells).to_numpy().astype(np.int64)  # ASCII: CANONICAL
    places = np.where(dot >= 0, size - dot - 1, 0)
    shift = Amount.PLACES - places
    if int((size - (dot >= 0) + shift).max(initial=0)) > MAX_DIGITS:
        return None
    units = pc.cast(pc.replace_substring(cells, ".", ""), pa.int64()).to_numpy()
    units = units.astype(np.int64) * 10 ** shift
    # a cell's text is how str() writes its Decimal (CANONICAL): kept, to be written
    written = cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells
    return Amount(np.where(missing, 0, units), np.where(missing, 0, places), missing,
                  written.cast(pa.string()))


def lines(prefix: str, amount: pa.Array, currency: pa.Array) -> pa.Array:
    """Posting lines: `{prefix}{amount:>10} {currency}\\n` (txn.render's layout)."""
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(amount, width=10, padding=" "),
                                       " ", currency, "\n", "")


def rendered(d, fee_signs: list[int], ctxs: list[tuple], ctx_of: np.ndarray,
             rows_at: np.ndarray) -> tuple[Postings, list[list], np.ndarray] | None:
    """Per group of amounts (its first row rows_at[g], its context ctxs[ctx_of[g]] as
    importers.columns.Columns.context gives it): the postings text, the income postings
    (fund, currency, Decimal) for the totals, and the sign of gross (0 unless income);
    exactly what Columns.amounts gives group by group. None where that is not proven
    here."""
    n = len(rows_at)

    def amount(key: str) -> Amount | None:
        col = d.columns.get(key)
        if col is None:  # the profile has no such column, or it was worked out per row
            return None if key in d.lists else Amount(
                np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.ones(n, bool))
        return column(col, col.codes[rows_at])

    gross, net = amount("gross"), amount("net")
    fees = [amount(f"fee{k}") for k in range(d.fee_count)]
    if gross is None or net is None or any(f is None for f in fees):
        return None
    # An empty or zero fee is Decimal(0) (importers.columns: `f or ZERO`): no places.
    fees = [Amount(f.units, np.where(f.units == 0, 0, f.places), f.missing, f.texts).times(s)
            for f, s in zip(fees, fee_signs, strict=True)]
    cur = d.columns["currency"]
    currency = pa.array(cur.values, pa.string()).take(pa.array(cur.codes[rows_at]))
    place = np.zeros(n, dtype=np.int64)  # each group's place among its context's
    kept: list = []  # by context: what Postings makes its lines from
    sign = np.zeros(n, dtype=np.int8)
    funds: list[str] = []  # by context
    income_group: list[np.ndarray] = []
    income_fund: list[np.ndarray] = []
    income_amount: list[Amount] = []
    for c, ctx in enumerate(ctxs):
        at = np.flatnonzero(ctx_of == c)
        if not len(at):
            funds.append(ctx[4])
            kept.append(None)
            continue
        kind, prefixes, is_income, fund = ctx[0], ctx[1], ctx[2], ctx[4]
        g, nt = gross[at], net[at]
        if kind == "income":
            paid = Amount.zero(len(at))
            for f in fees:
                paid = paid + f[at]
            g = g.where(~g.missing, nt + paid)
            nt = nt.where(~nt.missing, g - paid)
            if (g.missing & nt.missing).any() or (nt.units != (g - paid).units).any():
                return None  # net is not gross less fees: worded the exact way
            nums = [nt, *(f[at] for f in fees), -g]
            sign[at] = np.sign(g.units)
        else:
            moved = nt.where(~nt.missing, g)
            if moved.missing.any():
                return None
            nums = [moved, -moved]
        # The numbers as written, a slice of groups at a time (each column step copies
        # what it reads, and a download of 300,000 different amounts has as many
        # groups); the lines are made from them when asked for (Postings).
        numbers = [pa.chunked_array([x[start:start + SLICE].text()
                                     for start in range(0, len(at), SLICE)], pa.string())
                   for x in nums]
        shown = [None if j in (0, len(nums) - 1) else x.units != 0  # a zero fee is left out
                 for j, x in enumerate(nums)]
        place[at] = np.arange(len(at))
        kept.append((prefixes, numbers, shown, currency.take(pa.array(at))))
        for x, inc in zip(nums, is_income, strict=True):
            if inc:
                income_group.append(at)
                income_fund.append(np.full(len(at), len(funds)))
                income_amount.append(x)
        funds.append(fund)
    incomes = Incomes(n, funds, np.concatenate([np.zeros(0, np.int64), *income_group]),
                      np.concatenate([np.zeros(0, np.int64), *income_fund]),
                      cur.codes[rows_at], cur.values, _joined(income_amount))
    return Postings(ctx_of, place, kept), incomes, sign


class Postings:
    """Each group's posting lines, made when asked for from its numbers as written (kept
    in Arrow) and its context's account prefixes: a download of 300,000 different
    amounts has 45 MB of such lines, which were held whole from the build until the
    books were checked; their numbers are a quarter of that. Indexed as an object array
    of the texts is (`postings[groups]`, in Arrow: its tolist() gives the texts)."""

    def __init__(self, context: np.ndarray, place: np.ndarray, kept: list):
        # group g is the place[g]-th of context[g]'s groups; kept[c]: (prefixes, the
        # numbers' texts per posting, which of them are written per posting (None:
        # all), the currency)
        self.context, self.place, self.kept = context, place, kept

    def __len__(self) -> int:
        return len(self.context)

    def __getitem__(self, which):
        if isinstance(which, (int, np.integer)):
            return self.arrow(np.array([which]))[0].as_py()
        # as an object array would be: tolist() gives the texts. The entries of a slice
        # share groups (a realistic download's 300,000 gifts have 21,000 amounts): each
        # group's lines are made once per slice, then repeated.
        distinct, inverse = np.unique(np.asarray(which, dtype=np.int64), return_inverse=True)
        if len(distinct) == len(inverse):
            return self.arrow(which)
        return self.arrow(distinct).take(pa.array(inverse.reshape(-1)))

    def strings(self, which: np.ndarray) -> pa.Array:
        """self[which] (txn.Block.arrow)."""
        return self[which]

    def contexts(self, which: np.ndarray):
        """Per context of these groups: which of them are its (positions in `which`),
        what its lines are made of (kept), and each one's place among its groups."""
        context = self.context[which]
        for c in np.unique(context).tolist():
            mine = np.flatnonzero(context == c)
            yield mine, self.kept[c], self.place[which[mine]]

    def arrow(self, which) -> pa.Array:
        """The texts of these groups (an index array or a slice), in order."""
        which = np.arange(len(self))[which] if isinstance(which, slice) else np.asarray(
            which, dtype=np.int64)
        parts, order = [], []
        for mine, (prefixes, numbers, shown, currency), places in self.contexts(which):
            pick = _picker(places)
            cur = pick(currency)
            lines_of = []
            for prefix, number, show in zip(prefixes, numbers, shown, strict=True):
                line = lines(prefix, pick(number), cur)
                if show is not None:
                    line = pc.if_else(pa.array(show[places]), line, "")
                lines_of.append(line)
            got = pc.binary_join_element_wise(*lines_of, "")
            parts.append(got.combine_chunks() if isinstance(got, pa.ChunkedArray) else got)
            order.append(mine)
        if not parts:
            return pa.array([], pa.string())
        joined = pa.concat_arrays(parts)
        if len(parts) == 1:
            return joined
        return joined.take(pa.array(np.argsort(np.concatenate(order), kind="stable")))


def _picker(places: np.ndarray):
    """A column's values at these places: sliced where they are one run (a slice of
    entries printed in order, one group each), else taken."""
    if len(places) and int(places[-1]) - int(places[0]) == len(places) - 1 \
            and (np.diff(places) == 1).all():
        start = int(places[0])
        return lambda col: col.slice(start, len(places))
    local = pa.array(places)
    return lambda col: col.take(local)


def _joined(amounts: list[Amount]) -> Amount:
    if not amounts:
        return Amount.zero(0)
    return Amount(*(np.concatenate([getattr(a, k) for a in amounts])
                    for k in ("units", "places", "missing")))


class Incomes:
    """Per group of amounts, its income postings as Txn.income has them, (fund, currency,
    Decimal), kept as columns: posting k is of group group[k], fund funds[fund[k]], the
    currency of its group (currencies[currency[group]]) and amount[k]."""

    def __init__(self, groups: int, funds: list[str], group: np.ndarray, fund: np.ndarray,
                 currency: np.ndarray, currencies: list[str], amount: Amount):
        self.groups, self.funds, self.group, self.fund = groups, funds, group, fund
        self.currency, self.currencies, self.amount = currency, currencies, amount
        self.order = np.argsort(group, kind="stable")
        self.starts = np.searchsorted(group[self.order], np.arange(groups + 1))

    def __len__(self) -> int:
        return self.groups

    def __getitem__(self, g: int) -> list[tuple[str, str, Decimal]]:
        at = self.order[self.starts[g]:self.starts[g + 1]]
        return [(self.funds[f], self.currencies[self.currency[g]], x) for f, x in zip(
            self.fund[at].tolist(), self.amount[at].decimals(), strict=True)]

    def sums(self, counts: np.ndarray) -> list[tuple[str, str, Decimal]]:
        """Per (fund, currency), the sum of every group's income postings times that
        group's count (counts[g]), as Decimal arithmetic gives it: with the most places
        any of them has (a group counted no times is no entry, and adds none)."""
        if not len(self.fund):
            return []
        counted = counts[self.group] > 0  # as the entries imported, one by one, sum
        group = self.group[counted]
        key = self.fund[counted] * (len(self.currencies) + 1) + self.currency[group]
        units_all, places_all = self.amount.units[counted], self.amount.places[counted]
        out = []
        for k in np.unique(key).tolist():
            mine = key == k
            units = units_all[mine].astype(object)
            total = int(np.dot(units, counts[group[mine]].astype(object)))
            places = int(places_all[mine].max())
            number = Decimal(total).scaleb(-Amount.PLACES).quantize(Decimal(1).scaleb(-places))
            f, c = divmod(k, len(self.currencies) + 1)
            out.append((self.funds[f], self.currencies[c], number))
        return out
