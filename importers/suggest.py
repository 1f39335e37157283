"""Rules proposed for an export's unclaimed rows, from how the books already book such rows.

For each kind of row no rule claims (grouped as a refusal groups them), the books' rules for
every other source are tried on the row's text: a rule that would match it there (the
treasurer's `zoom` rule for PayPal, met again as `ZOOM.US` on the bank statement) lends
its account, fund, payee and narration. What nothing matches gets `Expenses:FIXME`.

smart_importer was weighed for this: it learns from the payees and narrations of entries
already in the books, and fundledger keeps counterparty free text out of the books (it
may name a donor), so it would have nothing to learn from; it also needs scikit-learn.
The books' own rules are the record of how the treasurer classified before.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from typing import NamedTuple

import numpy as np

from importers import classify, parse, read
from importers.base import ProfileImporter
from importers.errors import Problem
from importers.settings import Settings
from importers.txn import _q


class Suggestion(NamedTuple):
    column: str
    value: str  # the text matched ('' where it names a payer and is not shown)
    sign: str  # "credit" or "debit"
    rows: int
    keys: dict  # the rule's keys: account, fund, payee, narration
    because: str  # where the account came from ('' for none)


def suggest(path: str, imp: ProfileImporter, settings: Settings,
            opened=None) -> list[Suggestion]:
    """A rule per kind of row no rule claims, most rows first. opened: the file as
    identifying it opened it (importers.run.recognise), if it was."""
    profile = imp.profile
    df = read.load(path, profile.signature, profile, opened)
    if df is None:
        raise Problem(path, 0, f"not a {profile.expects()}")
    rules = classify.rules_for(profile, settings.rules_for(profile.name))
    settings.suspense = True
    parsed = parse.parse(path, df, profile, imp.pseudo, rules,
                         lambda ref: settings.received(f"{profile.name}:{ref}"), True)
    suspense = np.array([r in classify.SUSPENSE for r in parsed.rules] + [False])
    at = np.flatnonzero(suspense[parsed.codes["kind"]])
    column = classify.match_column(profile)
    private = column.casefold() in {c.casefold() for c in profile.donor}
    kinds: Counter = Counter()
    for i in at.tolist():
        sign = "debit" if (parsed.net[i] if parsed.net[i] is not None
                           else parsed.gross[i] or 0) < 0 else "credit"
        text = parsed.cell(column, i)
        value = "" if private and sign == "credit" else (
            classify.payee_text(text) if private else text)
        kinds[(value, sign)] += 1
    return [Suggestion(column, value, sign, count, *_lend(value, sign, settings))
            for (value, sign), count in kinds.most_common()]


def _lend(value: str, sign: str, settings: Settings) -> tuple[dict, str]:
    """The keys of the first books rule, for any source, that matches the text."""
    for source, rules in settings.rules.items():
        for where, keys in rules:
            if keys.get("sign") and keys["sign"] != sign:
                continue
            pattern = str(keys.get("pattern", ""))
            values = [v.strip().casefold() for v in str(keys.get("values", "")).split(" | ")]
            hit = (pattern and value and re.search(pattern, value, re.IGNORECASE)) or (
                value and value.casefold() in values)
            if hit:
                lent = {k: keys[k] for k in ("account", "fund", "payee", "narration")
                        if keys.get(k)}
                return lent, f"as the {source} rule at {where}"
    return {"account": "Expenses:FIXME" if sign == "debit" else "Income:FIXME"}, ""


def text(source: str, suggestions: list[Suggestion]) -> str:
    """The suggestions as rules to paste into the books."""
    today = datetime.date.today().isoformat()
    out = []
    for s in suggestions:
        out.append(f"; {s.rows} row(s), money {'out' if s.sign == 'debit' else 'in'}"
                   + (f"; {s.because}" if s.because else "; no rule in the books matches"))
        out.append(f'{today} custom "{classify.RULE}" "{source}"')
        if s.column:
            out.append(f'  column: "{s.column}"')
        pattern = "^" + classify.literal(s.value) if s.value else "FIXME"
        out.append(f"  pattern: {_q(pattern)}")
        out.append(f'  sign: "{s.sign}"')
        out += [f"  {k}: {_q(v)}" for k, v in s.keys.items()]
        out.append("")
    return "\n".join(out)
