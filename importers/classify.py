"""What each row is: the first rule that claims it, the books' own rules before the source's.

A source's built-in rules know its money in (donations, payouts, fees). Spending is the
treasurer's to say, like hledger's CSV rules, in the books:

    2024-01-01 custom "fundledger-rule" "paypal"
      column: "Type"                          ; default: the source's description column
      values: "Subscription Payment"          ; exact values, " | " between several
      pattern: "zoom|slack"                   ; or a regular expression (case-insensitive)
      sign: "debit"                           ; money out ("credit": money in)
      account: "Expenses:Running:Software"
      fund: "general"                         ; optional, as are payee and narration
      narration: "Video calls"

The sign decides money in or out, never the row's type alone: PayPal calls a payment we
make and one we receive by the same name. A rule for money back to a payer (`refund`)
claims a payment out only where it names a payment the books or this run received.

A row no rule claims is refused, every such kind listed at once with a ready-to-paste
rules block; or, with `--unclassified suspense`, booked to Expenses:Unclassified or
Income:Unclassified in the default fund, so the money is in and the statement
reconciles while the treasurer decides.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter, defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers.errors import Problem, q
from importers.profile import Profile, Rule, norm
from importers.table import Table, arrow_of
from importers.txn import _q

RULE = "fundledger-rule"
UNCLASSIFIED_OUT = "Expenses:Unclassified"
UNCLASSIFIED_IN = "Income:Unclassified"
SUSPENSE = (
    Rule(kind="expense", sign="debit", narration="Unclassified payment", donor=False,
         accounts={"expense": UNCLASSIFIED_OUT}),
    Rule(kind="income", narration="Unclassified receipt", donor=False,
         accounts={"income": UNCLASSIFIED_IN}),
)
# Every line of a statement-only source (profile balances_only): read for its balance,
# never booked, so neither the books' rules nor suspense apply to it.
STATEMENT_LINE = Rule(kind="transfer", narration="Statement line (balance only)", donor=False)
KIND_ACCOUNT = {"expense": "expense", "income": "income", "transfer": "transfer",
                "fee": "fees"}
LISTED = 25  # kinds of unclaimed row listed, and rules proposed, in one refusal


def match_column(profile: Profile) -> str:
    """The column a books rule matches when it names none."""
    return profile.description or next((r.column for r in profile.rules if r.column), "")


def book_rule(profile: Profile, keys: dict, where: str) -> Rule:
    """A `custom "fundledger-rule"` entry's keys as a Rule for this profile."""
    sign = str(keys.get("sign", ""))
    if sign not in ("", "credit", "debit"):
        raise ValueError(f"{where}: sign must be \"credit\" or \"debit\", not {q(sign)}")
    kind = str(keys.get("kind") or ("income" if sign == "credit" else "expense"))
    if kind not in KIND_ACCOUNT and kind != "skip":
        raise ValueError(f"{where}: kind {q(kind)} is not one of "
                         f"{', '.join([*KIND_ACCOUNT, 'skip'])}")
    values = tuple(v.strip() for v in str(keys.get("values", "")).split(" | ") if v.strip())
    pattern = str(keys.get("pattern", ""))
    if pattern:
        re.compile(pattern)
    if not values and not pattern:
        raise ValueError(f"{where}: a rule needs values or a pattern to match")
    account = str(keys.get("account", ""))
    if kind in KIND_ACCOUNT and kind != "income" and not account:
        article = "an" if kind[0] in "aeiou" else "a"
        raise ValueError(f"{where}: {article} {kind} rule needs an account")
    return Rule(kind=kind, column=str(keys.get("column") or match_column(profile)),
                values=values, pattern=pattern, sign=sign,
                narration=str(keys.get("narration", "")), payee=str(keys.get("payee", "")),
                fund=str(keys.get("fund", "")), donor=kind == "income" and sign != "debit",
                accounts={KIND_ACCOUNT[kind]: account} if account and kind in KIND_ACCOUNT
                else {})


def rules_for(profile: Profile, book_rules: list[tuple[str, dict]]) -> tuple[Rule, ...]:
    """The books' rules for this source (in the books' order), the source's own, and the
    two suspense rules last (used only with --unclassified suspense)."""
    if profile.balances_only:
        return (STATEMENT_LINE, *SUSPENSE)
    own = []
    for where, keys in book_rules:
        try:
            own.append(book_rule(profile, keys, where))
        except (ValueError, re.error) as e:
            raise Problem(where, 0, f"rule cannot be used: {e}") from None
    return (*own, *profile.rules, *SUSPENSE)


def skip_mask(t: Table, profile: Profile) -> np.ndarray:
    mask = np.zeros(len(t), dtype=bool)
    for s in profile.skip:
        if norm(s.column) not in t.df.names:  # a layout without the column: nothing to skip
            continue
        value = t.folded(s.column)
        these = np.zeros(len(t), dtype=bool)
        if s.values:
            these |= value.mask({v.casefold() for v in s.values}.__contains__)
        if s.not_in:
            keep = {v.casefold() for v in s.not_in}
            these |= value.mask(lambda v, keep=keep: v not in keep)
        for column, values in s.unless.items():
            spared = {v.casefold() for v in values}
            these &= ~t.folded(column).mask(spared.__contains__)
        mask |= these
    return mask


def classify(t: Table, profile: Profile, rules: tuple[Rule, ...], sign: np.ndarray,
             received=None, suspense: bool = False) -> np.ndarray:
    """The rule for each row (index into rules). received(ref) says whether a payment id
    named by a refund was received in the books or this run; suspense books what no rule
    claims, else it is refused (Problem), every kind at once."""
    own = len(rules) - len(SUSPENSE)
    which = np.full(len(t), -1)
    for i, rule in enumerate(rules[:own]):
        mask = which == -1
        if rule.column:
            value = t.folded(rule.column)
            if rule.values:
                wanted = {v.casefold() for v in rule.values}
                mask &= value.mask(wanted.__contains__)
            if rule.pattern:
                pattern = re.compile(rule.pattern, re.IGNORECASE)
                mask &= value.mask(pattern.search)
        if rule.sign == "credit":
            mask &= sign > 0
        elif rule.sign == "debit":
            mask &= sign < 0
        which[mask] = i
    _unless_received(t, profile, rules, which, sign, received)
    unclaimed = which == -1
    if unclaimed.any():
        if not suspense:
            first = int(np.flatnonzero(unclaimed)[0])
            raise Problem(t.path, int(t.rows[first]), refusal(t, profile, unclaimed, sign))
        which[unclaimed & (sign < 0)] = own
        which[unclaimed & (sign >= 0)] = own + 1
    return which


def _unless_received(t: Table, profile: Profile, rules, which: np.ndarray, sign: np.ndarray,
                     received) -> None:
    """A refund rule's payments out that name no payment we received are unclaimed."""
    if not profile.reference:
        return  # the source names no original (Stripe, Open Collective): all its own
    refund = np.array([r.refund for r in rules] + [False])
    asked = np.flatnonzero((which >= 0) & (sign < 0) & refund[which]).tolist()
    if not asked:
        return
    refs = t.col(profile.reference)
    named = {refs.at(i) for i in asked}
    here = _ids_received(t, profile, rules, which, sign, named)
    for i in asked:
        ref = refs.at(i)
        if not ref or not (ref in here or (received is not None and received(ref))):
            which[i] = -1


def _ids_received(t, profile, rules, which, sign, named: set[str]) -> set[str]:
    """Which of the ids named are of this file's rows that are money received as income
    (only those: a download's ids are not all made Python strs to be looked up)."""
    if len(profile.id) != 1 or not named:
        return set()
    income = np.array([r.kind == "income" and not r.refund for r in rules] + [False])
    col = t.col(profile.id[0])
    ids = arrow_of(col.values).take(pa.array(col.codes[income[which] & (sign > 0)]))
    return set(ids.filter(pc.is_in(ids, value_set=pa.array(sorted(named), ids.type)))
               .to_pylist())


def is_reference(word: str) -> bool:
    """A word of a bank description that is a reference, date or amount: it holds a digit."""
    return any(c.isdigit() for c in word)


def payee_text(text: str) -> str:
    """A bank description without references, dates and amounts: words with digits go."""
    return " ".join(w for w in text.split() if not is_reference(w))


def refusal(t: Table, profile: Profile, unclaimed: np.ndarray, sign: np.ndarray) -> str:
    """Every kind of row no rule claims, with counts and rows, and rules to paste.

    Money in through a column naming payers (a bank description) is never echoed: the
    rows are counted and listed, not named. Money out names who was paid (a supplier)."""
    # Grouped by what the source calls the kind of row (PayPal's Type, Open Collective's
    # Kind), where its rules read one; else by the free text (a bank's description).
    column = next((r.column for r in profile.rules if r.column), "") or match_column(profile)
    private = norm(column) in {norm(c) for c in profile.donor}
    kinds: Counter = Counter()
    rows: dict[tuple, list[int]] = defaultdict(list)
    raws: dict[tuple, list[str]] = defaultdict(list)  # free text as written, for patterns
    for i in np.flatnonzero(unclaimed).tolist():
        way = "debit" if sign[i] < 0 else "credit"
        value = None  # not shown: the payer of money in, where the column names payers
        if column and not (private and way == "credit"):
            value = raw = t.col(column).at(i)
            if private:
                value = payee_text(raw)
                raws[(value, way)].append(raw)
        kinds[(value, way)] += 1
        rows[(value, way)].append(int(t.rows[i]))
    n = int(unclaimed.sum())

    def what(value: str, way: str) -> str:
        money = "money out" if way == "debit" else "money in"
        if value == "":  # a description of references only, its words with digits gone
            return f"{column} of digits and references only, {money}"
        return f"{column} {q(value, 60)}, {money}" if value is not None else (
            "money in (payer not shown)" if way == "credit" else money)

    first = next(iter(kinds))
    lines = [(f"{what(*first)} is a kind of row no rule of the books or the {profile.name} "
              f"profile claims ({n} row(s) of {len(kinds)} kind(s)); nothing was imported:")]
    for (value, way), count in kinds.most_common(LISTED):
        shown = rows[(value, way)]
        at = ", ".join(map(str, shown[:6])) + (", ..." if len(shown) > 6 else "")
        lines.append(f"  {what(value, way)}: {count} row(s) (rows {at})")
    if len(kinds) > LISTED:
        lines.append(f"  ... and {len(kinds) - LISTED} more kinds")
    lines += ["", ("Say what they are in the books: paste rules like these into rules.beancount "
               "(or any file the books include), with accounts and funds of your choosing, e.g.:"), ""]
    today = datetime.date.today().isoformat()
    for (value, way), _count in kinds.most_common(LISTED):
        account = "Expenses:FIXME" if way == "debit" else "Income:FIXME"
        match = (f'  values: {_q(value)}' if value and not private else
                 f'  pattern: {_q(pattern_for(raws[(value, way)]))}' if raws[(value, way)]
                 else '  pattern: "FIXME"')  # nothing to match on: the treasurer says what
        lines += [f'{today} custom "{RULE}" "{profile.name}"',
                  f'  column: {_q(column)}' if column else None, match,
                  f'  sign: "{way}"', f'  account: "{account}"', ""]
    lines.append("or import with --unclassified suspense to book them to "
                 f"{UNCLASSIFIED_OUT} / {UNCLASSIFIED_IN} until you do.")
    return "\n".join(line for line in lines if line is not None)


def pattern_for(texts: list[str]) -> str:
    """A pattern every one of these descriptions matches (they share one payee_text): the
    words they all start with before a word holding a digit ("STAPLES UK 4412 CD 1234"
    gives "^STAPLES UK"), else their digit-free words in order."""
    def lead(text: str) -> list[str]:
        return list(itertools.takewhile(lambda w: not is_reference(w), text.split()))

    common = lead(texts[0])
    for text in texts[1:]:
        common = [a for a, b in itertools.takewhile(lambda ab: ab[0] == ab[1],
                                                    zip(common, lead(text)))]
    if common:
        return "^" + literal(" ".join(common))
    # Descriptions of references only ("100234"): the rows whose description holds no letter.
    return ".*".join(literal(w) for w in payee_text(texts[0]).split()) or "^[^A-Za-z]*$"


def literal(text: str) -> str:
    """A regular expression matching text as it is (spaces left readable)."""
    return re.escape(text).replace("\\ ", " ")

