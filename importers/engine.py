"""Profile + file -> validated columns, vectorised with pandas.

Every check runs over whole columns; the first failing row (in file order) is reported as
`FILE:ROW: problem`, so a treasurer fixes the export and runs again. Money is parsed from
text straight to Decimal, never through a float.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from importers.errors import Problem, q
from importers.profile import Profile, Rule, norm

# Currency signs, thousands separators, spaces, and an ISO code beside a number ("GBP 12").
AMOUNT_JUNK = re.compile(r"[£$€,]|^[A-Z]{3}(?=\s*[-\d(])|(?<=\d)\s*[A-Z]{3}$|\s")
# The currency an amount cell names itself, to check against its row's.
STATED = re.compile(r"^[(\s]*([A-Z]{3})(?=\s*[-\d(])|(?<=\d)\s*([A-Z]{3})[)\s]*$")
SIGNS = {"£": "GBP", "€": "EUR", "$": "USD"}
MAY_STATE = re.compile(r"[A-Z£€$]")  # what stated_currency() can find, in one character
NUMBER = r"-?\d+(\.\d+)?"
PLAIN = re.compile(NUMBER)
CODE = re.compile(r"[A-Z]{3}")
ZERO = Decimal(0)  # one shared object: importers.columns caches postings by amount identity
FORMAT_HINT = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%H": "hh", "%M": "mm",
               "%S": "ss"}


@dataclass
class Parsed:
    """The rows of one file that the profile books, as plain Python lists."""

    rows: list[int]
    kinds: list[Rule]
    dates: list
    ids: list[str]
    currency: list[str]
    gross: list[Decimal | None]
    net: list[Decimal | None]
    fees: list[tuple[Decimal, ...]]  # per row, one amount per profile fee column
    splits: list[tuple[Decimal, ...]]
    foreign: list[tuple[Decimal, str] | None]
    donors: list[str]
    text: dict[str, list[str]]  # other columns the profile reads (reference, campaign, ...)

    def cell(self, column: str, i: int) -> str:
        """Row i's text in one of those columns ('' where the profile names none)."""
        return self.text[column][i] if column else ""


def _fail(path, df: pd.DataFrame, bad: pd.Series, message) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        value = df.iloc[i]
        raise Problem(str(path), int(value["_row"]), message(value))


# Columns stripped / case-folded once per table within parse(): rules read the same column
# many times. Keyed by the table's identity; emptied when parse() returns.
# The table is kept in the value so its id cannot be reused by another table meanwhile.
_CACHE: dict[tuple[int, str, str], tuple[pd.DataFrame, pd.Series]] = {}


def _map(f, s: pd.Series, dtype=object) -> pd.Series:
    """f over a column of str, called once per distinct value (types, statuses, currencies
    and amounts repeat): far faster than the .str accessor, which calls per cell and
    handles missing values (read.table never gives a missing cell)."""
    codes, uniq = pd.factorize(s)
    values = np.array([f(v) for v in uniq], dtype=dtype)
    return pd.Series(values[codes] if len(codes) else values[:0], index=s.index, dtype=dtype)


def _plain(text: str) -> bool:
    return PLAIN.fullmatch(text) is not None


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    key = (id(df), "strip", norm(name))
    got = _CACHE.get(key)
    if got is None:
        col = key[2]
        got = (df, _map(str.strip, df[col]) if col in df.columns
               else pd.Series("", index=df.index))
        _CACHE[key] = got
    return got[1]


def _folded(df: pd.DataFrame, name: str) -> pd.Series:
    key = (id(df), "fold", norm(name))
    got = _CACHE.get(key)
    if got is None:
        got = _CACHE[key] = (df, _map(str.casefold, _col(df, name)))
    return got[1]


def _hint(fmt: str) -> str:
    for k, v in FORMAT_HINT.items():
        fmt = fmt.replace(k, v)
    return fmt


def parse_dates(path, df, profile: Profile) -> list:
    col = _col(df, profile.date)
    _fail(path, df, col == "", lambda r: f"missing date in column '{profile.date}'")
    best = None
    for fmt in profile.date_formats:
        parsed = pd.to_datetime(col, format=fmt, errors="coerce")
        if not parsed.isna().any():
            return list(parsed.dt.date)
        if best is None:
            best = (fmt, parsed)
    fmt, parsed = best
    forms = " or ".join(_hint(f) for f in profile.date_formats)
    _fail(path, df, parsed.isna(),
          lambda r: f"date {q(r[norm(profile.date)])} in column '{profile.date}' is not {forms}")
    return list(parsed.dt.date)  # unreachable


def parse_amounts(path, df, column: str, required: bool) -> list[Decimal | None]:
    raw = _col(df, column)
    text = raw.copy()
    # Most cells are plain numbers already; only the others are cleaned (one pass fewer
    # per rule on a large file).
    untidy = ~_map(_plain, raw, bool) & (raw != "")
    if untidy.any():
        messy = raw[untidy]
        neg = messy.str.startswith("(") & messy.str.endswith(")")  # accountants' (12.50)
        clean = messy.str.strip("()").str.replace(AMOUNT_JUNK, "", regex=True)
        text[untidy] = clean.where(~neg, "-" + clean).str.replace("--", "", regex=False)
    empty = text == ""
    if required:
        _fail(path, df, empty, lambda r: f"missing amount in column '{column}'")
    bad = untidy & ~empty & ~_map(_plain, text, bool)
    _fail(path, df, bad, lambda r: f"amount {q(r[norm(column)])} in column '{column}' "
          "is not a number")
    # Donations repeat the same few amounts: each distinct text becomes one Decimal object
    # (importers.columns relies on that to write each combination of amounts once).
    return _map(lambda t: Decimal(t) if t else None, text).tolist()


def stated_currency(text: str) -> str | None:
    """The currency an amount cell names itself ("10.00 EUR", "£25"), if any."""
    m = STATED.search(text)
    if m:
        return (m.group(1) or m.group(2)).upper()
    return next((code for sign, code in SIGNS.items() if sign in text), None)


def check_stated_currency(path, df, columns, currency: list[str]) -> None:
    """An amount that names a currency other than its row's would be booked in the wrong
    one: refuse it rather than guess."""
    for column in columns:
        if not column:
            continue
        raw = _col(df, column)
        # Only a cell with a capital letter or a currency sign can name a currency: one
        # vectorised pass picks those few out of the plain numbers.
        hits = np.flatnonzero(_map(lambda v: MAY_STATE.search(v) is not None, raw, bool))
        rows = df["_row"].to_numpy()
        for i in hits:
            value, cur, row = raw.iat[i], currency[i], rows[i]
            stated = stated_currency(value)
            if stated and stated != cur:
                raise Problem(str(path), int(row), f"amount '{value}' in column '{column}' "
                              f"is in {stated}, but the row's currency is {cur}")


def parse_currency(path, df, profile: Profile) -> list[str]:
    if profile.fixed_currency or not profile.currency:
        return [(profile.fixed_currency or "GBP").upper()] * len(df)
    cur = _map(str.upper, _col(df, profile.currency))
    _fail(path, df, ~_map(lambda v: CODE.fullmatch(v) is not None, cur, bool),
          lambda r: f"currency {q(r[norm(profile.currency)])} is not a 3-letter code")
    return cur.tolist()


def classify(path, df, profile: Profile, amount: pd.Series) -> pd.Series:
    """The rule for each row (index into profile.rules); an unmatched row is an error."""
    which = pd.Series(-1, index=df.index)
    for i, rule in enumerate(profile.rules):
        mask = which == -1
        if rule.column:
            value = _folded(df, rule.column)
            if rule.values:
                mask &= value.isin([v.casefold() for v in rule.values])
            if rule.pattern:
                mask &= value.str.contains(rule.pattern, flags=re.IGNORECASE, regex=True)
        if rule.sign == "credit":
            mask &= amount > 0
        elif rule.sign == "debit":
            mask &= amount < 0
        which[mask] = i
    col = next((r.column for r in profile.rules if r.column), "")
    _fail(path, df, which == -1, lambda r: (
        f"{col or 'row'} {q(r.get(norm(col), ''))} is not a kind of row the {profile.name} "
        "profile knows" if col else f"no rule of the {profile.name} profile matches"))
    return which


def skip_mask(df, profile: Profile) -> pd.Series:
    mask = pd.Series(False, index=df.index)
    for s in profile.skip:
        value = _folded(df, s.column)
        if s.values:
            mask |= value.isin([v.casefold() for v in s.values])
        if s.not_in:
            mask |= ~value.isin([v.casefold() for v in s.not_in])
    return mask


def ids(path, df, profile: Profile) -> list[str]:
    """The source's own id. Bank lines have none: the declared columns (date, amounts,
    balance: never a payer's name, so a plain hash reveals nothing the entry does not
    already show, and the id does not depend on the donor key) are hashed, with an
    occurrence number for identical lines."""
    if len(profile.id) == 1:
        col = _col(df, profile.id[0])
        _fail(path, df, col == "", lambda r: f"missing id in column '{profile.id[0]}'")
        return col.tolist()
    joined = _col(df, profile.id[0])
    for c in profile.id[1:]:
        joined = joined + "\x1f" + _col(df, c)
    nth = joined.groupby(joined, sort=False).cumcount() + 1
    keys = {k: hashlib.sha256(k.encode()).hexdigest()[:16] for k in joined.unique()}
    return [f"{keys[k]}-{n}" for k, n in zip(joined.tolist(), nth.tolist(), strict=True)]


def donors(df, profile: Profile, pseudo) -> list[str]:
    """The first non-empty identity column, hashed. The identity itself goes no further."""
    ident = pd.Series("", index=df.index)
    for c in profile.donor:
        col = _col(df, c)
        ident = ident.where(ident != "", col)
    uniq = {v: pseudo.donor(v) for v in ident.unique()}
    return [uniq[v] for v in ident.tolist()]


def _per_row(columns: list[list[Decimal | None]], n: int) -> list[tuple[Decimal, ...]]:
    """Amount columns as one tuple per row, an empty cell as ZERO (the shared object)."""
    if not columns:
        return [()] * n
    return list(zip(*([x or ZERO for x in col] for col in columns), strict=True))


def parse(path, df: pd.DataFrame, profile: Profile, pseudo) -> Parsed:
    try:
        return _parse(path, df, profile, pseudo)
    finally:
        _CACHE.clear()


def _parse(path, df: pd.DataFrame, profile: Profile, pseudo) -> Parsed:
    df = df[~skip_mask(df, profile)]
    gross = parse_amounts(path, df, profile.gross, False) if profile.gross else None
    net = parse_amounts(path, df, profile.net, False) if profile.net else None
    if profile.credit or profile.debit:
        cr = parse_amounts(path, df, profile.credit, False)
        dr = parse_amounts(path, df, profile.debit, False)
        both = pd.Series([c is not None and d is not None and c != 0 and d != 0
                          for c, d in zip(cr, dr, strict=True)], index=df.index, dtype=bool)
        _fail(path, df, both, lambda r: f"both '{profile.credit}' and '{profile.debit}' hold "
              "an amount")
        amount = [(c or 0) - abs(d or 0) for c, d in zip(cr, dr, strict=True)]
        gross = net = amount
    signed = pd.Series([n if n is not None else g for n, g in
                        zip(net or [None] * len(df), gross or [None] * len(df), strict=True)],
                       index=df.index, dtype=object)
    if gross is None and net is None:  # invoices: the amounts are in the splits
        signed = pd.Series(0, index=df.index, dtype=object)
    _fail(path, df, signed.isna(), lambda r: f"missing amount in column "
          f"'{profile.net or profile.gross}'")
    which = classify(path, df, profile, signed)
    keep = (which != -1) & ~which.map(lambda i: profile.rules[i].kind == "skip")
    pos = np.flatnonzero(keep.to_numpy())
    df, which = df[keep], which[keep]

    def pick(values):
        return [values[i] for i in pos] if values is not None else [None] * len(df)

    fees = [parse_amounts(path, df, f.column, False) for f in profile.fees]
    splits = [parse_amounts(path, df, s.column, False) for s in profile.splits]
    foreign = None
    if profile.foreign_amount:
        famt = parse_amounts(path, df, profile.foreign_amount, False)
        fcur = _col(df, profile.foreign_currency).str.upper().tolist()
        foreign = [(a, c) if a else None for a, c in zip(famt, fcur, strict=True)]
    text = {c: _col(df, c).tolist() for c in (profile.reference, profile.campaign,
                                              profile.fund_column, profile.firm,
                                              profile.paid_from, profile.paid_on, profile.line,
                                              profile.narration_column,
                                              *(s.firm_column for s in profile.splits))
            if c}
    currency = parse_currency(path, df, profile)
    check_stated_currency(path, df, [profile.gross, profile.net, profile.credit, profile.debit,
                                     *(f.column for f in profile.fees),
                                     *(x.column for x in profile.splits)], currency)
    return Parsed(
        rows=df["_row"].tolist(), kinds=[profile.rules[i] for i in which.tolist()],
        dates=parse_dates(path, df, profile), ids=ids(path, df, profile),
        currency=currency, gross=pick(gross), net=pick(net),
        fees=_per_row(fees, len(df)), splits=_per_row(splits, len(df)),
        foreign=foreign or [None] * len(df), donors=donors(df, profile, pseudo), text=text)
