"""A source declared as data: which columns identify it and what each row means.

A profile is a TOML file (built-in ones in importers/profiles/, a treasurer's own pointed
to from the books), in the spirit of hledger's CSV rules. One engine (engine.py) turns
any profile plus a file into entries; docs/importing.md documents every key.
"""

from __future__ import annotations

import codecs
import functools
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from importers.errors import Problem

KINDS = ("income", "transfer", "expense", "fee", "conversion", "invoice", "budget", "skip")
# The narration of a row whose rule and profile give none.
NARRATION = {"income": "Donation", "transfer": "Transfer between our accounts",
             "expense": "Payment", "fee": "Fee", "conversion": "Currency conversion",
             "invoice": "Invoice", "budget": ""}
BUILTIN = Path(__file__).parent / "profiles"
HEADER_SEARCH = 30  # a few exports put a title or an account summary above the header


@functools.lru_cache(maxsize=8192)  # every profile normalises the same header cells
def norm(name: str) -> str:
    """Header names match ignoring case, spacing and a BOM."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def header_at(rows: list[list[str]], signature: tuple[str, ...],
              spellings: dict[str, str] | None = None) -> int | None:
    """Index of the first row holding every signature column (under its own name or one
    of its spellings, canonical name -> normalised), or None."""
    return headers_at(rows, [(signature, spellings or {})])[0]


def headers_at(rows: list[list[str]],
               wanted: list[tuple[tuple[str, ...], dict[str, str]]]) -> list[int | None]:
    """header_at for each (signature, spellings), the rows normalised once: identifying
    a file asks every source at once."""
    normed = [[norm(c) for c in row] for row in rows[:HEADER_SEARCH]]
    found: list[int | None] = []
    for signature, spellings in wanted:
        want = {norm(c) for c in signature}
        found.append(next((i for i, row in enumerate(normed)
                           if want <= {spellings.get(c, c) for c in row}), None))
    return found


def columns_of(header: list[str], spellings: dict[str, str]) -> tuple[str, ...]:
    """A header's columns by the names a profile knows them by: normalised, under their
    canonical spelling; the first of two same names keeps it, the next is `name#2`."""
    seen: dict[str, int] = {}
    out = []
    for n in (spellings.get(norm(c), norm(c)) for c in header):
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return tuple(out)


def header(rows: list[list[str]], signature: tuple[str, ...],
           spellings: dict[str, str]) -> tuple[int | None, tuple[str, ...]]:
    """The row holding the signature's columns (header_at), and its columns_of."""
    at = header_at(rows, signature, spellings)
    return at, (() if at is None else columns_of(rows[at], spellings))


def claim(filepath: str, profiles: list[Profile], head) -> tuple[Profile, int] | None:
    """The most specific profile whose header the file's head (a filerows.Head) holds,
    and the row of the head holding it: the one whose signature names the most columns;
    on a tie the books' own profile over a built-in one. Two built-in (or two of the
    books' own) profiles that match equally are refused, naming both: a guess could book
    the money to the wrong bank."""
    found = [(len(p.signature), not p.path.startswith(str(BUILTIN)), p, at)
             for p, at in claiming(profiles, head)]
    if not found:
        return None
    found.sort(key=lambda f: f[:2], reverse=True)
    if len(found) > 1 and found[0][:2] == found[1][:2]:
        a, b = found[0][2], found[1][2]
        raise Problem(filepath, 0, f"matches two sources equally, {a.expects()} and "
                      f"{b.expects()}: declare a profile with the columns that tell them "
                      "apart (docs/importing.md, \"Your own source\")")
    return found[0][2], found[0][3]


def claiming(profiles: list[Profile], head) -> list[tuple[Profile, int]]:
    """The profiles whose layout and header the file's head holds (their own spellings or
    their aliases), each with the row of its header in the head as it reads the file
    (seen_by); the profiles reading it alike asked at once."""
    alike: dict[tuple[str, str], list[Profile]] = {}
    for p in profiles:
        alike.setdefault(p.way, []).append(p)
    found: dict[int, int] = {}
    for group in alike.values():
        seen = seen_by(group[0], head)
        fits = [p for p in group
                if not p.layout or p.layout == seen.layout
                or (p.layout == "csv" and seen.layout == "xlsx")]
        at = headers_at(seen.rows, [(p.signature, p.spellings) for p in fits])
        found.update((id(p), i) for p, i in zip(fits, at, strict=True) if i is not None)
    return [(p, found[id(p)]) for p in profiles if id(p) in found]


def ways(profiles: list[Profile]) -> tuple[tuple[str, str], ...]:
    """The (encoding, delimiter) pairs the profiles declare: a file's head is read in each
    (importers.filerows.head) so each source is identified as it reads the file."""
    return tuple(sorted({p.way for p in profiles if p.way != ("", "")}))


def seen_by(profile: Profile, head):
    """The file's head (a filerows.Head) as the profile reads the file: in the encoding and
    delimiter it declares, else as detected."""
    return (head.declared or {}).get(profile.way, head)


def closest(rows: list[list[str]], profiles: list[Profile]) -> str:
    """For a file no source claims, from its head's rows: the source whose columns it
    holds the most of, and the ones it lacks ("" if it holds none of any source's)."""
    scored = []
    for p in profiles:
        spellings = p.spellings
        named = [{spellings.get(norm(c), norm(c)) for c in r} for r in rows]
        got = max((sum(norm(c) in r for c in p.signature) for r in named), default=0)
        if got:
            row = max(named, key=lambda r: sum(norm(c) in r for c in p.signature))
            lacks = [c for c in p.signature if norm(c) not in row]
            scored.append((got / len(p.signature), got, p, lacks))
    if not scored:
        return ""
    _, _, p, lacks = max(scored, key=lambda s: s[:2])
    return (f"closest is {p.name} ({p.title}), but the file lacks its column(s) "
            f"{', '.join(lacks)}")


@dataclass(frozen=True)
class Fee:
    column: str
    account: str = "fees"  # a key of the accounts table, or an account name
    sign: int = 1  # -1 where the export shows fees as negative numbers (PayPal)


@dataclass(frozen=True)
class Skip:
    column: str
    values: tuple[str, ...] = ()  # skip rows whose value is one of these
    not_in: tuple[str, ...] = ()  # skip rows whose value is not one of these
    # but never rows whose other column holds one of these values: {column: [values]}
    # (a PayPal hold is "Pending" yet moves the balance)
    unless: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """What a row is. The first rule that matches wins; a row no rule matches is an error."""

    kind: str
    column: str = ""
    values: tuple[str, ...] = ()  # exact values (case-insensitive)
    pattern: str = ""  # or a regular expression searched in the value (case-insensitive)
    sign: str = ""  # "credit" or "debit": only rows whose amount has that sign
    narration: str = ""
    payee: str = ""
    fund: str = ""
    donor: bool = True  # False: the payer is an organisation, not a donor (a grant funder)
    # Money back to a payer: a row of this rule taking money out is booked against income,
    # but only where it names (reference column) a payment the books or this run received.
    refund: bool = False
    accounts: dict = field(default_factory=dict)  # overrides for this kind of row
    meta: dict = field(default_factory=dict)  # extra metadata, e.g. budget-line

    def __hash__(self) -> int:
        return hash((self.kind, self.column, self.values, self.pattern, self.sign))

    def matches_sign(self, sign: int) -> bool:
        return not self.sign or (sign > 0 if self.sign == "credit" else sign < 0)


@dataclass(frozen=True)
class Split:
    """Invoice columns: each non-zero amount becomes an expense posting."""

    column: str
    account: str
    budget_line: str = ""
    firm_column: str = ""  # e.g. the chambers counsel's fees went to


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    signature: tuple[str, ...]
    date: str
    date_formats: tuple[str, ...]
    id: tuple[str, ...] = ()  # id column(s); several are hashed into one id (bank lines)
    payee: str = ""
    narration: str = ""
    narration_column: str = ""  # never a column a donor can write in (messages, names)
    gross: str = ""
    net: str = ""
    credit: str = ""  # separate paid-in / paid-out columns, where there is no signed amount
    debit: str = ""
    currency: str = ""  # a column ...
    fixed_currency: str = ""  # ... or one currency for the whole file
    foreign_amount: str = ""  # money received in another currency (a EUR grant tranche)
    foreign_currency: str = ""
    donor: tuple[str, ...] = ()  # identity columns, hashed to a pseudonym then dropped
    reference: str = ""  # the original id a refund refers to
    campaign: str = ""  # column naming the campaign (crowdfunders): picks fund and accounts
    fund_column: str = ""
    firm: str = ""  # invoices: the firm's name column
    paid_from: str = ""
    paid_on: str = ""
    line: str = ""  # budgets: the budget line column
    fees: tuple[Fee, ...] = ()
    skip: tuple[Skip, ...] = ()
    rules: tuple[Rule, ...] = ()
    splits: tuple[Split, ...] = ()
    accounts: dict = field(default_factory=dict)
    paid_accounts: dict = field(default_factory=dict)
    # Reading the file: other spellings of a header (PayPal's languages), canonical -> list;
    # the number style where the source fixes one (else read from the file, or refused);
    # the delimiter and encoding where they cannot be detected; lines to drop at the end.
    aliases: dict = field(default_factory=dict)
    decimal: str = ""
    thousands: str | None = None
    delimiter: str = ""
    encoding: str = ""
    footer: str = ""
    # [column, value, ...]: an amount written unsigned, its direction in that column; rows
    # holding one of the values are money out (ING Netherlands: ["Af Bij", "Af"])
    direction: tuple[str, ...] = ()
    # regex: the lines a download writes above its header (an account summary); where
    # declared, any other line there refuses the file, naming it, rather than being skipped
    preamble: str = ""
    # How the file is written, where the columns alone cannot tell two sources apart: "csv"
    # (also XLSX), "blocks" (Santander's `Key: value` text), "ofx", "xml" (camt.053),
    # "mt940"; ""
    # claims any. A profile only claims a file of its layout.
    layout: str = ""
    balance: str = ""  # the running balance column: the import asserts each day's closing
    # A statement of money the books already hold from other sources (a solicitors'
    # client-account ledger, a platform's statement of funds held): its import writes only
    # the balance assertions, never a transaction, so nothing is booked twice.
    balances_only: bool = False
    date_pattern: str = ""  # regex: the date inside the date column's text, group "date"
    description: str = ""  # free text the books' rules match; never written to the books
    payer: str = ""  # regex: the payer's name in a donor column, group "payer"
    # A small file in the source's own layout (header and one real-looking row): shown by
    # `fundledger sources` and imported by a test, so it is always a row the source reads.
    example: str = ""
    # The name its import-ids are written under, where two reports of one platform list the
    # same transactions (Stripe's payouts report and its balance change both name a payout's
    # balance transaction): one id, so the payout is booked once whichever comes first.
    ids_as: str = ""
    path: str = ""

    def __hash__(self) -> int:
        return hash((self.name, self.path))

    @property
    def columns(self) -> set[str]:
        """Every column the profile reads (normalised)."""
        cols = {self.date, self.gross, self.net, self.credit, self.debit, self.currency,
                self.balance, self.description,
                self.foreign_amount, self.foreign_currency, self.reference, self.campaign,
                self.fund_column, self.firm, self.narration_column, self.paid_from, self.paid_on, self.line,
                *self.id, *(f.column for f in self.fees), *(s.column for s in self.splits)}
        return {norm(c) for c in cols if c}

    @property
    def way(self) -> tuple[str, str]:
        """How the file is written where detection cannot tell: (encoding, delimiter)."""
        return (self.encoding, self.delimiter)

    @property
    def namespace(self) -> str:
        """What its import-ids start with."""
        return self.ids_as or self.name

    def expects(self) -> str:
        return f"{self.name} ({self.title}): columns {', '.join(self.signature)}"

    @property
    def spellings(self) -> dict[str, str]:
        """Every accepted header spelling (normalised) -> its canonical name (normalised)."""
        out = {}
        for canonical, others in self.aliases.items():
            for other in (others if isinstance(others, (list, tuple)) else [others]):
                out[norm(other)] = norm(canonical)
        return out

    def amount_columns(self) -> list[str]:
        return [c for c in (self.gross, self.net, self.credit, self.debit, self.balance,
                            self.foreign_amount,
                            *(f.column for f in self.fees), *(s.column for s in self.splits))
                if c]


def _tuple(value) -> tuple:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _build(cls, data: dict, where: str):
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(sorted(known))})")
    return cls(**{k: (_tuple(v) if isinstance(v, list) else v) for k, v in data.items()})


def from_dict(data: dict, path: str = "") -> Profile:
    data = dict(data)
    where = path or data.get("name", "profile")
    for key, cls in (("fees", Fee), ("skip", Skip), ("rules", Rule), ("splits", Split)):
        data[key] = tuple(_build(cls, dict(item), f"{where} [{key}]")
                          for item in data.get(key, ()))
    for key in ("signature", "date_formats", "id", "donor", "direction"):
        data[key] = _tuple(data.get(key))
    profile = _build(Profile, {**data, "path": path}, where)
    if profile.layout not in ("", "csv", "blocks", "ofx", "xml", "mt940"):
        raise ValueError(f"{where}: layout must be one of csv, blocks, ofx, xml, mt940")
    if profile.encoding:
        try:
            codecs.lookup(profile.encoding)
        except LookupError:
            raise ValueError(f"{where}: encoding '{profile.encoding}' is not one Python "
                             "knows (e.g. iso-8859-15, cp1252, utf-16)") from None
    if profile.decimal not in ("", ".", ","):
        raise ValueError(f"{where}: decimal must be \".\" or \",\"")
    if profile.thousands is not None and profile.thousands == profile.decimal:
        raise ValueError(f"{where}: thousands and decimal marks must differ")
    for pattern in (profile.payer, profile.footer, profile.date_pattern, profile.preamble):
        if pattern:
            re.compile(pattern)
    if profile.payer and "(?P<payer>" not in profile.payer:
        raise ValueError(f"{where}: payer needs a group named payer: (?P<payer>...)")
    if profile.date_pattern and "(?P<date>" not in profile.date_pattern:
        raise ValueError(f"{where}: date_pattern needs a group named date: (?P<date>...)")
    if profile.direction and len(profile.direction) < 2:
        raise ValueError(f"{where}: direction is [column, value meaning money out, ...]")
    if profile.balances_only and not profile.balance:
        raise ValueError(f"{where}: balances_only needs the statement's balance column "
                         "(balance = \"...\")")
    if profile.balances_only and profile.rules:
        raise ValueError(f"{where}: a balances_only source books no rows, so it takes no "
                         "rules")
    for rule in profile.rules:
        if rule.kind not in KINDS:
            raise ValueError(f"{where}: rule kind '{rule.kind}' is not one of {', '.join(KINDS)}")
        if rule.pattern:
            re.compile(rule.pattern)
    if not profile.signature:
        raise ValueError(f"{where}: a profile needs a signature (the header columns)")
    return profile


def load(path: str | Path) -> Profile:
    path = Path(path)
    with open(path, "rb") as f:
        return from_dict(tomllib.load(f), str(path))


def builtin() -> list[Profile]:
    """The shipped profiles, most specific signature first so identification is stable."""
    profiles = [load(p) for p in sorted(BUILTIN.glob("*.toml"))]
    return sorted(profiles, key=lambda p: (-len(p.signature), p.name))
