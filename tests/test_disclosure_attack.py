"""Issue 29, by attack: a small group planted in random books is never given away by the
statements the tool agrees to publish, whatever platform it gave through and whatever
that platform's fee rate.

The attacker holds every statement published (all funds and each fund alone, at every
period end, each recorded in the register as `--publish` records it) and knows each
platform's fee rate. From the published figures (raised lines, totals, balances, spend,
fees, the time series, where money is held) it works out fees over each rate ("5% of the
fees is the pledges") and those taken from the raised figures, then every difference of
any two values. No value it gets may be a planted member's gift or the group's total.

Fees here are exact (whole-pound gifts at whole-percent rates, planted gifts at pence a
rate divides), so a fee over its rate is the gifts to the penny; planted gifts carry pence
the background never has, so no background sum can equal one by chance.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import disclosure
from reports import transparency as tr

D = Decimal
FUNDS = ("general", "appeal", "case")
# Platform -> (income account, fee account): a crowdfunding platform charges a platform
# fee, a card processor a payment fee, the bank nothing.
CHANNELS = {"A": ("Income:Crowdfunding:A", "Expenses:Fees:Platform"),
            "B": ("Income:Donations:B", "Expenses:Fees:Payment"),
            "Bank": ("Income:Donations:Bank", None)}
RATES = (4, 5, 10)  # percent; a planted gift's pence are a multiple of 100 / gcd(rate, 100)
STEP = {4: 25, 5: 20, 10: 10}

HEAD = """\
option "title" "Attack"
option "operating_currency" "GBP"
plugin "ledger.plugin"

2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:A GBP
2017-01-01 open Assets:B GBP
2017-01-01 open Income:Crowdfunding:A GBP
2017-01-01 open Income:Donations:B GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Expenses:Fees:Platform GBP
2017-01-01 open Expenses:Fees:Payment GBP
2017-01-01 open Expenses:Legal:Solicitors GBP

2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2017-01-01 custom "fund" "appeal" "restricted"
  title: "Appeal"
  purpose: "Expenses:Legal, Expenses:Fees"
2017-01-01 custom "fund" "case" "restricted"
  title: "Case"
  purpose: "Expenses:Legal, Expenses:Fees"
"""


def gift(day: datetime.date, donor: str, fund: str, channel: str, rate: int,
         amount: Decimal) -> str:
    income, fee_account = CHANNELS[channel]
    asset = "Assets:Bank:Current" if channel == "Bank" else f"Assets:{channel}"
    lines = [f'{day} * "Gift"', f'  fund: "{fund}"', f'  donor: "{donor}"']
    if fee_account:
        fee = amount * rate / 100
        assert fee == fee.quantize(D("0.01")), "fees are exact in these books"
        lines += [f"  {asset}  {amount - fee:.2f} GBP", f"  {fee_account}  {fee:.2f} GBP"]
    else:
        lines.append(f"  {asset}  {amount:.2f} GBP")
    lines.append(f"  {income}  -{amount:.2f} GBP")
    return "\n".join(lines) + "\n\n"


@st.composite
def books(draw):
    rates = {"A": draw(st.sampled_from(RATES)), "B": draw(st.sampled_from(RATES)), "Bank": 0}
    text = [HEAD]
    # Background: per fund, no donors or 5 to 8, whole pounds, each giving once or twice
    # through the platforms that fund uses (a crowdfunded case: only its platform).
    n = 0
    for fund in FUNDS:
        channels = draw(st.lists(st.sampled_from(list(CHANNELS)), min_size=1, max_size=3,
                                 unique=True))
        for _ in range(draw(st.sampled_from([0, 5, 6, 8]))):
            n += 1
            for _ in range(draw(st.integers(1, 2))):
                day = datetime.date(draw(st.integers(2018, 2020)), 3, draw(st.integers(1, 28)))
                channel = draw(st.sampled_from(channels))
                text.append(gift(day, f"d-b{n:03d}", fund, channel, rates[channel],
                                 D(draw(st.integers(5, 300)))))
    # The planted group: 1 to 4 donors, one fund, one platform, gifts with pence.
    fund = draw(st.sampled_from(FUNDS))
    channel = draw(st.sampled_from(list(CHANNELS)))
    step = STEP[rates[channel]] if channel != "Bank" else 1
    secrets = []
    for i in range(draw(st.integers(1, 4))):
        pence = draw(st.integers(1, 100 // step - 1)) * step if step < 100 else 0
        amount = D(draw(st.integers(1000, 3000))) + D(pence) / 100
        year = draw(st.integers(2018, 2020))
        text.append(gift(datetime.date(year, 6, draw(st.integers(1, 28))), f"d-p{i}", fund,
                         channel, rates[channel], amount))
        secrets.append(amount)
    total = sum(secrets, D(0))
    # Pence the background never has: no background sum can equal a secret by chance.
    hidden = {s for s in [*secrets, total] if s % 1}
    return "".join(text), rates, hidden


def published(entries: list, options: dict) -> list[tr.Statement]:
    """Every statement the tool agrees to publish, each recorded as `--publish` does."""
    public = tr._published(entries, options, datetime.date(2026, 1, 1))
    out: list[tr.Statement] = []
    register: list = []
    for day in public.ends:
        for funds in [None] + [[f] for f in FUNDS]:
            try:
                s = tr.statement(entries + register, options, funds, day,
                                 today=datetime.date(2026, 1, 1))
            except (tr.ReportError, tr.UnknownFund):
                continue
            out.append(s)
            text = disclosure.entry_text(datetime.date(2026, 1, 1), s.as_of, funds, s.digest,
                                         s.form.meta())
            register += loader.load_string(text)[0]
    return out


def figures(s: tr.Statement, rates: dict) -> list[Decimal]:
    """What a reader takes from one statement, with fees turned back into gifts."""
    out = [s.raised_total, s.spent_total, s.balance, s.fees, s.court_fees, s.other_spend]
    out += [i.amount for i in s.raised]
    out += [n for p in s.periods for n in (p.raised, p.spent)]
    inverse = [D(100) / r for r in {rates["A"], rates["B"]}]
    for f in s.funds:
        out += [f.raised_total, f.spent_total, f.balance, f.platform_fees, f.payment_fees,
                f.legal_total, f.transfers_net]
        out += [i.amount for i in (*f.raised, *f.held, *f.transfers)]
        for fee in (f.platform_fees, f.payment_fees, f.platform_fees + f.payment_fees):
            for k in inverse:
                out += [fee * k, f.raised_total - fee * k]
                out += [i.amount - fee * k for i in f.raised]
        out += [f.raised_total - f.platform_fees * D(100) / rates["A"]
                - f.payment_fees * D(100) / rates["B"]]
    for k in inverse:
        out += [s.fees * k, s.raised_total - s.fees * k]
    return out


def revealed(statements: list[tr.Statement], rates: dict, hidden: set) -> set:
    values = {abs(v) for s in statements for v in figures(s, rates)}
    found = {v for v in values if v in hidden}
    found |= {abs(a - b) for a, b in itertools.combinations(values, 2)} & hidden
    return found


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(books())
def test_no_published_figure_gives_a_planted_group_away(case):
    text, rates, hidden = case
    entries, errors, options = loader.load_string(text)
    assert errors == [], errors
    statements = published(entries, options)
    assert revealed(statements, rates, hidden) == set(), (rates, [
        (s.as_of, [f.id for f in s.funds], s.form) for s in statements])
