"""The books' codes in a treasurer's words: one mapping, used by every page and table
a person reads (the Funds page in Fava, `fundledger funds`).

The codes themselves stay in the books and in the machine outputs (JSON, CSV), where
other tools match on them; only what a person reads is worded here.
"""

from __future__ import annotations

CLASSES = {
    "unrestricted": "general funds (unrestricted)",
    "designated": "set aside by the trustees (designated)",
    "restricted": "restricted to its purpose",
    "endowment": "endowment",
}

STATUSES = {
    "open": "open",
    "closable": "can be closed",
    "closed": "closed",
    "overspent": "overspent",
    "error": "error in the books",
}

LEFTOVER = {
    "return-to-platform": "returned to the crowdfunding platform, for its supporters",
    "release-to-unrestricted": "released to general funds",
    "donate-to-charity": "given to {charity}",
}
NO_CHARITY = "a charity (the fund's terms name none)"


def fund_class(code: str) -> str:
    return CLASSES.get(code, code)


def status(code: str) -> str:
    return STATUSES.get(code, code)


def leftover(terms: str | None, charity: str | None = None) -> str:
    """What happens to money left when the fund ends: "released to general funds"."""
    if not terms:
        return ""
    return LEFTOVER.get(terms, terms).format(charity=charity or NO_CHARITY)


def if_money_is_left(terms: str | None, charity: str | None = None) -> str:
    """The sentence a fund page and `fundledger funds` print; "" when the fund has no terms."""
    words = leftover(terms, charity)
    return f"If money is left: {words}" if words else ""
