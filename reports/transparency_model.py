"""The public statement's model: what a transparency statement holds (plain dataclasses),
the words and thresholds it is built with, and how a count of supporters is published.

reports.transparency says which privacy rule each part serves."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from reports import fund_holdings
from reports.classify import ReportError

MIN_GROUP = 5
FEWER = f"fewer than {MIN_GROUP}"
ZERO = Decimal("0.00")

# Channels of income, in the order a reader expects them (docs/books.md).
CROWDFUNDING, GRANT, DONATIONS, OTHER_INCOME = "crowdfunding", "grant", "donations", "other"
OTHER_CHANNELS = "other channels"
GIFTS_LABEL = "Gifts"  # every gift channel on one line, where channels would give one away
DONOR_CHANNELS = (CROWDFUNDING, DONATIONS)
CHANNEL_LABELS = {
    CROWDFUNDING: "Crowdfunding",
    GRANT: "Grant",
    DONATIONS: "Donations",
    OTHER_INCOME: "Other income",
    OTHER_CHANNELS: "Other channels",
}

COURT_FEES = "court fees"

# The section of funds each given by fewer than MIN_GROUP donors, shown only together.
OTHER_FUNDS = "other-funds"
OTHER_FUNDS_LABEL = "Other funds"  # how a shown fund's transfers name that section
OTHER_FUNDS_TITLE = f"Other funds (each supported by {FEWER} people)"
OTHER_FUNDS_MIXED_TITLE = f"Other funds (shown together: some had {FEWER} supporters)"

LEFTOVER = {
    "return-to-platform": "Any money left when the case ends goes back to the crowdfunding "
                          "platform, to be dealt with under its terms for supporters.",
    "release-to-unrestricted": "Any money left when the case ends is released to our general "
                               "funds, as supporters were told when they gave.",
    "unrestricted": "This is our general fund: what is left pays for our work in future.",
    "designated": "Our trustees set this money aside; they may release it to our general "
                  "funds if it is not needed.",
    "restricted": "Any money left will only be spent on this fund's purpose.",
    "endowment": "This is an endowment: it is kept, and only what the donor allowed is spent.",
}


@dataclass(frozen=True)
class Item:
    """A labelled sum, optionally with what it is made of and how many supporters gave it."""

    label: str
    amount: Decimal
    detail: str = ""
    supporters: str = ""  # "" (not a gift), "fewer than 5", or a count of at least 5
    # The channels of income (disclosure atom keys) the amount sums: what the disclosure
    # audit needs to know which gifts a raised line holds. Not published.
    keys: frozenset = field(default=frozenset(), compare=False, repr=False)


@dataclass(frozen=True)
class FirmSpend:
    firm: str
    amount: Decimal
    categories: tuple[Item, ...]  # profit costs, counsel, VAT, other legal


@dataclass(frozen=True)
class Period:
    label: str  # a financial year, "2019" or "2018/19", or merged years "2019-2021"
    raised: Decimal
    spent: Decimal
    years: tuple[int, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class FundStatement:
    id: str
    title: str
    fund_class: str
    purpose: str  # plain words for the account prefixes it may be spent on
    opened: datetime.date
    closed: datetime.date | None
    status: str  # open | closed
    raised: tuple[Item, ...]
    raised_total: Decimal
    supporters: str
    grant_original: tuple[Item, ...]  # grants in the funder's currency, e.g. 60,000.00 EUR
    platform_fees: Decimal
    payment_fees: Decimal
    legal_by_firm: tuple[FirmSpend, ...]
    legal_total: Decimal  # firms' fees, without court fees
    court_fees: Decimal
    other_spend: tuple[Item, ...]
    spent_total: Decimal  # fees + legal + court fees + other
    returned: Decimal  # a leftover sent back to the platform when the fund closed
    transfers: tuple[Item, ...]  # + in, - out, labelled by the other fund
    transfers_net: Decimal
    balance: Decimal
    held: tuple[Item, ...]  # where the balance sits ("held in Brightwater client account")
    leftover: str
    merged: tuple[str, ...] = ()  # OTHER_FUNDS only: titles of the funds shown together
    brought_forward: Decimal = ZERO  # held before the books began (an opening balance)
    # Exchange differences and revaluations, apart from raised and spent (as the SOFA
    # shows them): interest is income, an exchange loss is not negative income.
    gains: Decimal = ZERO


@dataclass(frozen=True)
class Statement:
    organisation: str
    currency: str
    as_of: datetime.date
    summary: str
    funds: tuple[FundStatement, ...]
    raised: tuple[Item, ...]
    raised_total: Decimal
    supporters: str
    spend_by_firm: tuple[FirmSpend, ...]
    court_fees: Decimal
    fees: Decimal
    other_spend: Decimal
    spent_total: Decimal
    returned: Decimal
    balance: Decimal
    periods: tuple[Period, ...]
    notes: tuple[str, ...] = field(default=())
    # An internal draft for a date that is not the end of a publication period: every
    # file says "not for publication".
    draft: bool = False
    gains: Decimal = ZERO  # net gains/(losses): exchange differences, revaluations
    # The form the statement takes to protect small groups, and the digest of its
    # figures: what `--publish` writes into the register of published statements.
    form: Form = field(default_factory=lambda: Form())
    digest: str = ""
    years: str = "financial years ending 31 December"  # what the periods' years are
    # For the treasurer, not the public: the period chosen and why no later one is.
    choice: tuple[str, ...] = ()


class TooFewSupporters(ReportError):
    """The statement would publish the gifts of a group of fewer than MIN_GROUP donors."""


class NotPublishable(ReportError):
    """The statement asked for is not a public one: a date that is not the end of a
    publication period, or a statement that with those already published (or the
    statement of all funds) would give away a small group's gifts."""


class UnknownFund(ValueError):
    pass


def supporters_text(count: int, complete: bool = True, rounded: bool = False) -> str:
    """How a count of donors is published: never a number below MIN_GROUP.

    `complete` is False when some of the gifts were booked without a donor (a platform's
    payout of many pledges): then only "at least N" is true, and nothing under 5 is said.
    `rounded` is True where a smaller group beside this one was suppressed: the count is
    then rounded down to a multiple of 5 ("at least 15"), or a reader could subtract the
    other counts from it and get the suppressed one back.
    """
    if count == 0:
        return ""
    if count < MIN_GROUP:
        return FEWER if complete else ""
    if rounded:
        return f"at least {count - count % MIN_GROUP}"
    return str(count) if complete else f"at least {count}"


def _suppressed(items: Iterable[Item]) -> bool:
    return any(i.supporters == FEWER for i in items)


class Form(NamedTuple):
    """How much a statement is coarsened, beyond its own rules, so that no set of
    published statements gives a small group's gifts away by subtraction."""

    channels_merged: bool = False  # every gift channel on one line ("Gifts")
    periods_merged: bool = False  # the time series as one period
    shown_together: frozenset = frozenset()  # funds put into "Other funds" to protect others

    def meta(self) -> dict[str, str]:
        """The register entry's metadata recording this form (nothing for the plain one)."""
        out = {}
        if self.channels_merged:
            out["channels"] = "merged"
        if self.periods_merged:
            out["periods"] = "merged"
        if self.shown_together:
            out["shown-together"] = " ".join(sorted(self.shown_together))
        return out

    @classmethod
    def of(cls, meta: dict) -> Form:
        return cls(meta.get("channels") == "merged", meta.get("periods") == "merged",
                   frozenset(str(meta.get("shown-together") or "").split()))


STATUS_WORDS = {"open": "open", "closable": "open (all spent, to be closed)",
                "closed": "closed", "overspent": "overspent"}


def long_date(d: datetime.date) -> str:
    return f"{d.day} {d:%B %Y}"


fmt = fund_holdings.show_money
SYMBOLS = fund_holdings.SYMBOLS
