"""The audit trail from a figure on a fund's page to the entries behind it.

Each figure of a fund is a sum of that fund's postings on some accounts (reports.funds
decides which, with the names in reports.classify). journal_filter() writes the same
choice in Fava's filter syntax, so a figure links to Fava's journal showing exactly the
transactions with such a posting: `any(account:"<accounts>" fund:"^<fund>$")` (the plugin
copies a transaction's fund down to its fund postings, so every fund posting carries
one), less the leftovers `close` returned, which count as returned, not raised. Each
imported entry there carries `import-file` (the export's sha256) and `import-row`, which
lead on to the export line it came from.
"""

from __future__ import annotations

import re

from ledger.funds import OPENING_ACCOUNT
from reports.classify import (
    CHANNELS,
    GAINS_PREFIXES,
    LEGAL_CATEGORIES,
    PAYMENT_FEES,
    PLATFORM_FEES,
)

RETURNED = 'leftover:"^returned$"'


def _exact(accounts) -> str:
    return "^(" + "|".join(accounts) + ")$"


def _under(prefix: str) -> str:
    return prefix.rstrip(":") + "(:|$)"


FEES = (*PLATFORM_FEES, *PAYMENT_FEES)
OPENING = OPENING_ACCOUNT.removeprefix("Equity:Funds:")
LEGAL = "Expenses:Legal"
# Exchange differences and revaluations: a fund's gains/(losses), neither raised nor spent.
GAINS = "^(" + "|".join(_under(p) for p in GAINS_PREFIXES) + ")"


def _not_gains(root: str) -> str:
    return "(?!" + "|".join(_under(p.removeprefix(root)) for p in GAINS_PREFIXES
                            if p.startswith(root)) + ")"

# field of the fund page -> regex of the accounts it sums (channels and categories below)
ACCOUNTS = {
    "raised": "^Income:" + _not_gains("Income:"),
    "returned": "^Income:",
    "platform_fees": _exact(PLATFORM_FEES),
    "payment_fees": _exact(PAYMENT_FEES),
    "legal": "^" + _under(LEGAL),
    "other": "^Expenses:" + _not_gains("Expenses:") + "(?!" + "|".join(
        a.removeprefix("Expenses:") + "$" for a in FEES) + "|" + _under("Legal") + ")",
    "gains": GAINS,
    "transfers_in": f"^Equity:Funds:(?!{OPENING}$)",
    "transfers_out": f"^Equity:Funds:(?!{OPENING}$)",
    "brought_forward": f"^Equity:Funds:{OPENING}$",
    "balance": "^(Income|Expenses|Equity:Funds):",
}


def _channel(name: str) -> str | None:
    for prefix, channel in CHANNELS:
        if channel == name:
            return "^" + prefix
    if name == "other":
        return "^Income:" + _not_gains("Income:") + "(?!" + "|".join(
            p.removeprefix("Income:") for p, _c in CHANNELS) + ")"
    return None


def _category(name: str) -> str | None:
    for account, category in LEGAL_CATEGORIES.items():
        if category == name:
            return "^" + _under(account)
    if name == "other legal":
        return ("^" + _under(LEGAL) + "(?!" + "|".join(
            _under(a.removeprefix(LEGAL + ":")) for a in LEGAL_CATEGORIES) + ")")
    return None


def accounts(field: str) -> str | None:
    """The regex of the accounts behind a fund-page field (e.g. "raised:grant")."""
    kind, _sep, detail = field.partition(":")
    if kind == "raised" and detail:
        return _channel(detail)
    if kind == "legal" and detail:
        return _category(detail)
    return ACCOUNTS.get(field)


def journal_filter(field: str, fund: str) -> str | None:
    """Fava's filter for the transactions behind one figure of one fund (None: no link)."""
    pattern = accounts(field)
    if pattern is None or '"' in pattern or '"' in fund:
        return None
    fund_re = fund if re.fullmatch(r"[A-Za-z0-9_-]+", fund) else re.escape(fund)
    text = f'any(account:"{pattern}" fund:"^{fund_re}$")'
    if field.startswith("raised"):
        return f"{text} -{RETURNED}"
    if field == "returned":
        return f"{text} {RETURNED}"
    return text
