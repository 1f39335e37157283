"""Disclosure control for public statements: which dates may be published, which cells are
sensitive, and whether a set of statements lets a reader work a sensitive cell out.

The way statistics offices protect business tables, applied to a charity's gifts:

- Money raised is cut into *atoms*: one fund, one channel of income (or one grant's
  funder), one publication period, one calendar year. Each atom knows how much each donor
  (`donor:` pseudonym) gave to it. Every published figure that contains gifts (a raised
  line, a fund's total raised, its balance, a period of the time series) is a *cell*: the
  sum of a set of atoms. Spend, transfers and grants are public, so a fund's balance gives
  its total raised away and counts as that cell too.
- A group of gifts is *sensitive* if it comes from 1 to 4 donors, or if one donor gave more
  than the declared share of it (the dominance rule: `custom "fundledger-option"
  "dominance" "50%"`, 50% by default). Atoms with no `donor:` (a grant, bank interest, a
  platform's payout of many pledges) are an organisation's money, treated as known.
- `leaks()` takes every cell of every statement a reader may hold and groups the atoms by
  the exact set of cells they appear in. A reader can never split such a group, so if each
  group is safe, any sum a reader can work out is a sum of safe groups, which is safe. A
  sensitive group is only a leak if some combination of the cells gives it (or a mix of
  sensitive groups) exactly: that is tested by linear algebra (rank, modulo a large prime),
  so figures that merely overlap are not refused.

Dates: a public statement covers whole periods, the books' financial years (or quarters,
with `custom "fundledger-option" "publish-every" "quarter"`). The register of published
statements is kept in the books, one entry per statement:

    2025-01-20 custom "published" 2024-12-31 "all" "4f1c..."

(the day it was published, the date its figures run to, its funds: "all" or fund ids
separated by spaces, and the digest of its figures).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import numpy as np
from beancount.core.data import Custom, Transaction

from ledger import options as ledger_options
from reports.classify import ReportError

MIN_GROUP = 5
DEFAULT_DOMINANCE = Decimal("0.5")
PUBLISHED = "published"
ALL = "all"

Atom = tuple  # (fund, channel key, period index, calendar year, via: see via())
ANY_FEE = "any"
PAGE_CHANNELS = ("crowdfunding",)  # channels whose running total a platform publishes
Gifts = dict  # Atom -> {donor or None: Decimal}; None holds money given with no donor


class Rules(NamedTuple):
    min_group: int = MIN_GROUP
    dominance: Decimal = DEFAULT_DOMINANCE  # a donor's share above this is sensitive


class Cell(NamedTuple):
    """A published figure that contains gifts: the atoms of `funds` in periods up to `upto`,
    limited to `keys` (channels) and `years` when they are given.

    A fee figure (`fee`: "platform", "payment" or "any") holds the atoms whose gifts paid
    that kind of fee, each weighted by its platform's rate: a reader who knows the rates
    works gifts back from fees (5% of the fees is the pledges they were charged on)."""

    funds: frozenset
    upto: int
    keys: frozenset | None = None
    years: frozenset | None = None
    fee: str | None = None

    def holds(self, atom: Atom) -> bool:
        fund, key, period, year = atom[:4]
        return (fund in self.funds and period <= self.upto
                and (self.keys is None or key in self.keys)
                and (self.years is None or year in self.years)
                and (self.fee is None or paid(atom, self.fee)))


def paid(atom: Atom, fee: str) -> bool:
    """Whether the atom's gifts paid that kind of fee ("any": platform or payment)."""
    kinds = via_fees(atom[4]) if len(atom) > 4 else ()
    return bool(kinds) and (fee == ANY_FEE or fee in kinds)


def via(income_account: str, fee_kinds: Iterable[str]) -> str:
    """How gifts came in, as far as fees tell: the income account (one platform, one rate)
    and the kinds of fee charged on them ("Income:Donations:PayPal|payment")."""
    return income_account + "|" + ",".join(sorted(set(fee_kinds)))


def via_fees(v: str) -> tuple[str, ...]:
    kinds = v.partition("|")[2]
    return tuple(kinds.split(",")) if kinds else ()


class Published(NamedTuple):
    """One entry of the register of published statements."""

    day: datetime.date  # when it was published
    as_of: datetime.date  # the date its figures run to
    funds: tuple[str, ...] | None  # None: all funds
    digest: str
    where: str  # file:line of the entry
    meta: dict  # the form it was published in (reports.transparency.Form)

    @property
    def scope(self) -> str:
        return ALL if self.funds is None else " ".join(self.funds)


def _where(meta: dict | None) -> str:
    meta = meta or {}
    return f"{meta.get('filename', '?')}:{meta.get('lineno', '?')}"


def rules(entries: Iterable) -> Rules:
    """The books' dominance share (`custom "fundledger-option" "dominance" "50%"`)."""
    found = ledger_options.option(entries, "dominance")
    if found is None:
        return Rules()
    value, meta = found
    text = str(value).strip()
    try:
        share = Decimal(text.removesuffix("%")) / (100 if text.endswith("%") else 1)
    except InvalidOperation:
        share = Decimal(-1)
    if not Decimal(0) < share < 1:
        raise ReportError(f'{_where(meta)}: dominance "{value}" is not a share like "50%"')
    return Rules(dominance=share)


def period_ends(entries: Sequence, today: datetime.date | None = None) -> list[datetime.date]:
    """Every day a public statement may run to: the end of each financial year (or quarter,
    if the books say `publish-every` "quarter") from the books' first transaction to the
    first period end on or after their last one. A period not yet over is left out: its
    figures could still change after they were published."""
    dates = [e.date for e in entries if isinstance(e, Transaction)]
    if not dates:
        return []
    today = today or datetime.date.today()
    found = ledger_options.option(entries, "publish-every")
    every = str(found[0]) if found else "year"
    if every not in ("year", "quarter"):
        raise ReportError(f'{_where(found[1])}: publish-every "{every}" is not "year" or '
                          '"quarter"')
    month, day = ledger_options.fy_end(entries)
    ends = []
    for year in range(min(dates).year - 1, max(dates).year + 2):
        fy_end = ledger_options.fy_bounds(entries, year)[1]
        if every == "quarter":
            ends += [_months_before(fy_end, month, day, 3 * q) for q in (3, 2, 1)]
        ends.append(fy_end)
    first, last = min(dates), max(dates)
    out = []
    for end in sorted(set(ends)):
        if end < first or end >= today:
            continue
        out.append(end)
        if end >= last:
            break
    return out


def _months_before(end: datetime.date, month: int, day: int, months: int) -> datetime.date:
    """The quarter end `months` before a year end, on the year end's day of the month
    (clamped: a year end of 03-31 has quarters ending 06-30, 09-30, 12-31)."""
    m = end.month - months
    y = end.year + (m - 1) // 12
    m = (m - 1) % 12 + 1
    return ledger_options._clamp(y, m, day)


def period_index(ends: Sequence[datetime.date], day: datetime.date) -> int:
    """The index of the publication period a day falls in (len(ends) after the last end)."""
    lo, hi = 0, len(ends)
    while lo < hi:
        mid = (lo + hi) // 2
        if ends[mid] < day:
            lo = mid + 1
        else:
            hi = mid
    return lo


def register(entries: Iterable) -> list[Published]:
    """The published statements the books record, in the order they were published."""
    out = []
    for e in entries:
        if not isinstance(e, Custom) or e.type != PUBLISHED:
            continue
        values = [v.value for v in e.values]
        if (len(values) != 3 or not isinstance(values[0], datetime.date)
                or not all(isinstance(v, str) for v in values[1:])):
            raise ReportError(f'{_where(e.meta)}: a "published" entry needs the date its '
                              'figures run to, the funds ("all" or fund ids) and the digest, '
                              'e.g. custom "published" 2024-12-31 "all" "4f1c..."')
        scope = values[1].split()
        funds = None if scope in ([], [ALL]) else tuple(scope)
        out.append(Published(e.date, values[0], funds, values[2], _where(e.meta), e.meta))
    return out


def entry_text(day: datetime.date, as_of: datetime.date, funds: Sequence[str] | None,
               digest: str, meta: dict[str, str]) -> str:
    """The register entry recording a statement as published (`meta`: the form it took)."""
    scope = " ".join(funds) if funds else ALL
    lines = [f'{day.isoformat()} custom "{PUBLISHED}" {as_of.isoformat()} "{scope}" "{digest}"']
    lines += [f'  {k}: "{v}"' for k, v in sorted(meta.items())]
    return "\n".join(lines) + "\n"


# --- sensitivity ------------------------------------------------------------------------

def sensitive(gifts: dict, r: Rules) -> bool:
    """Whether a group of gifts ({donor: amount}, None for money with no donor) must not be
    published: 1 to 4 donors, or one donor above the dominance share of the whole. A donor
    whose gifts were refunded in full gave nothing, and is not counted."""
    if all(d is None for d in gifts):
        return False
    donors = {d: n for d, n in gifts.items() if d is not None and n != 0}
    given = [n for n in donors.values() if n > 0]
    if len(donors) < r.min_group or not given:
        return True
    total = sum((n for n in gifts.values() if n > 0), Decimal(0))
    return max(given) > r.dominance * total


def _merged(atoms: Iterable[Atom], gifts: Gifts) -> dict:
    out: dict = defaultdict(Decimal)
    for a in atoms:
        for d, n in gifts.get(a, {}).items():
            out[d] += n
    return out


def value(cell: Cell, gifts: Gifts) -> Decimal:
    return sum((n for a, by in gifts.items() if cell.holds(a) for n in by.values()),
               Decimal(0))


def digest(cells: Sequence[Cell], gifts: Gifts) -> str:
    """A digest of a statement's figures that contain gifts: which atoms each holds and
    its value. It changes if the books under a published statement change."""
    # Sets sorted into lists: a frozenset's order changes from one run of Python to the next.
    rows = sorted(repr((sorted(c.funds), c.upto, None if c.keys is None else sorted(c.keys),
                        None if c.years is None else sorted(c.years), str(value(c, gifts)))
                       + ((c.fee,) if c.fee else ()))
                  for c in set(cells))
    h = hashlib.sha256()
    for row in rows:
        h.update(row.encode() + b"\n")
    return h.hexdigest()[:32]


# --- the audit --------------------------------------------------------------------------

PRIME = 2_147_483_629  # products of two residues fit in int64


def _rank(m: np.ndarray) -> int:
    """Rank over the integers modulo PRIME (for 0/1 matrices of this size, the rational
    rank but for a chance too small to matter)."""
    m = m.astype(np.int64) % PRIME
    rows, cols = m.shape
    r = 0
    for c in range(cols):
        if r == rows:
            break
        nz = np.nonzero(m[r:, c])[0]
        if not len(nz):
            continue
        i = r + int(nz[0])
        if i != r:
            m[[r, i]] = m[[i, r]]
        m[r] = (m[r] * pow(int(m[r, c]), PRIME - 2, PRIME)) % PRIME
        below = m[r + 1:, c].copy()
        if below.any():
            m[r + 1:] = (m[r + 1:] - (np.outer(below, m[r]) % PRIME)) % PRIME
        r += 1
    return r


def _rate(atom: Atom, fee: str) -> int:
    """A stand-in for the rate of that fee on that atom's platform, as a residue modulo
    PRIME: distinct platforms get unrelated values (the generic case, where a reader with
    the real rates can solve for the most)."""
    h = hashlib.sha256(f"{atom[4] if len(atom) > 4 else ''}|{fee}".encode()).digest()
    return int.from_bytes(h[:8], "big") % (PRIME - 2) + 2


def leaks(cells: Sequence[Cell], gifts: Gifts, r: Rules) -> list[frozenset]:
    """The sensitive groups of atoms a reader of all `cells` can work out (empty: safe).

    Atoms are grouped by the cells they appear in (and, for a fee figure, by their
    platform's rate). A group of donors' gifts that is sensitive leaks if some combination
    of the cells adds up to it (or to any mix of sensitive groups) with nothing of the safe
    groups left: that is, if its column is not in the span of the safe groups' columns.
    Fee figures are tried twice: with every platform's rate distinct, and with all rates
    equal, since either may be what a reader knows. And twice again: with pledges to a
    crowdfunder secret, and known from the campaign's page (on_pages)."""
    cells = list(dict.fromkeys(cells))  # the same figure in two statements tells nothing new
    found: dict = {}
    for view in (gifts, on_pages(gifts)):
        for distinct in (True, False) if view else ():
            for g in _leaks(cells, view, r, distinct):
                found[g] = None
            if not any(c.fee for c in cells):
                break
    return list(found)


def on_pages(gifts: Gifts) -> Gifts | None:
    """The gifts as a reader who follows the crowdfunders' own pages knows them: a
    campaign's page shows its total raised (and its pledgers) day by day, so its pledges
    are known money, as a grant is; None if there are no pledges with donors. A figure
    that adds a few other donors' gifts to pledges does not hide those gifts: the figure
    less the page's total is what they gave. The pledges are still protected from the
    statements themselves: `leaks` checks the books both ways."""
    if not any(a[1] in PAGE_CHANNELS and any(d is not None for d in by)
               for a, by in gifts.items()):
        return None
    return {a: ({None: sum(by.values(), Decimal(0))} if a[1] in PAGE_CHANNELS else by)
            for a, by in gifts.items()}


def _leaks(cells: list[Cell], gifts: Gifts, r: Rules, distinct: bool) -> list[frozenset]:
    atoms = [a for a, by in gifts.items() if any(d is not None for d in by)]
    groups: dict[frozenset, list] = defaultdict(list)
    for a in atoms:
        sig = frozenset((i, _rate(a, c.fee) if c.fee and distinct else 1)
                        for i, c in enumerate(cells) if c.holds(a))
        if sig:
            groups[sig].append(a)
    if not groups:
        return []
    keys = list(groups)
    bad = [k for k in keys if sensitive(_merged(groups[k], gifts), r)]
    if not bad:
        return []
    safe = [k for k in keys if k not in bad]
    rows = sorted({i for k in keys for i, _w in k})

    def matrix(cols: list[frozenset]) -> np.ndarray:
        m = np.zeros((len(rows), len(cols)), dtype=np.int64)
        index = {row: i for i, row in enumerate(rows)}
        for j, k in enumerate(cols):
            for row, w in k:
                m[index[row], j] = w
        return m

    base = _rank(matrix(safe)) if safe else 0
    return [frozenset(groups[k]) for k in bad if _rank(matrix(safe + [k])) > base]
