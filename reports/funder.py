"""The funder's report: a grant's budget against actual spend, in the grant's currency.

    funder_report(entries, options, fund, start, end) -> FunderReport

What the books declare (docs/reports.md):

    2019-05-01 custom "fund" "lumen-grant" "restricted"
      currency: "EUR"
      award: 60000.00 EUR        ; optional: else the sum of the budget lines
      award-rate: 0.8870         ; optional: GBP per EUR at the award date, else tranche 1's rate
    2019-05-01 custom "fund-budget" "lumen-grant" "Solicitors" 38000.00 EUR
    2019-05-01 custom "budget-map" "lumen-grant" "Expenses:Legal:Counsel" "Counsel"

- Tranches are the fund's Income postings in the grant currency; their `@@`/`@` price gives
  the GBP actually received, hence the rate obtained (GBP per unit of grant currency).
- Each spending posting (the fund's Expenses postings) counts against a budget line named
  by the posting's `budget-line:`, else its transaction's, else the longest `budget-map`
  account prefix of the fund. Spend with none is reported as "Not mapped to a budget line";
  a line named but not budgeted is reported with a budget of 0. Nothing is dropped.
- Spend is booked in GBP and converted to the grant currency at the rate of the tranche
  it was paid from, first in, first out: the grant's pounds are spent in the order the
  tranches arrived, in the order the books hold the spending, so each posting's conversion
  depends only on what came before it and a reported period never changes afterwards. A
  posting that straddles two tranches is converted part at each rate. Spend beyond every
  tranche received by the report's end is converted at the latest tranche's rate (or the
  award-date rate before any tranche) and counted as `uncovered_gbp`: that part alone may
  change once the next tranche arrives. A negative spend (a refund) goes back to the
  tranche it was last drawn from. Each posting is converted, then rounded to the cent; line
  totals are sums of those, so the Transactions sheet adds up to the Summary.
- Exchange difference: the grant currency received valued at the award-date rate, less the
  GBP actually received. Positive means the charity received fewer pounds than the award
  was worth when made (an exchange loss); negative, an exchange gain. Once the whole award
  has been received this is the award at the award-date rate less the GBP received.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import Decimal

from beancount.core import amount as amount_lib
from beancount.core.data import Custom, Transaction

from ledger import accruals
from ledger import funds as fundmodel
from ledger import options as ledger_options
from ledger.rates import NoRate, Rates
from reports.classify import ReportError, channel, operating_currency, where
from reports.funder_tranches import RATE, ZERO, Tranche, cents, fifo, settlements, tranche_rates
from reports.fx import in_unit

UNMAPPED = "Not mapped to a budget line"


@dataclasses.dataclass
class Spend:
    date: datetime.date
    payee: str
    description: str
    invoice: str
    line: str
    account: str
    gbp: Decimal
    amount: Decimal  # converted to the grant currency, tranche by tranche (FIFO)
    tranches: tuple[datetime.date, ...] = ()  # the tranches it was paid from


@dataclasses.dataclass
class LineResult:
    line: str
    budget: Decimal  # grant currency
    spent: Decimal  # grant currency
    spent_gbp: Decimal
    variance: Decimal  # budget - spent: positive is underspend
    used: Decimal | None  # spent / budget, None when nothing was budgeted
    budgeted: bool  # declared with a `budget` directive
    spent_to_date: Decimal = ZERO  # grant currency, from the grant's start to the end
    budget_to_date: Decimal = ZERO  # budget - spent_to_date

    @property
    def over(self) -> bool:
        """Spent more than budgeted (to date): a funder looks for these first."""
        return self.spent_to_date > self.budget


@dataclasses.dataclass
class FunderReport:
    fund: str
    title: str
    currency: str  # the grant's
    gbp: str  # the operating currency
    start: datetime.date
    end: datetime.date
    award: Decimal
    award_declared: bool
    award_rate: Decimal | None  # GBP per grant unit at the award date
    award_rate_source: str
    tranches: list[Tranche]  # received in the period
    received: Decimal
    received_gbp: Decimal
    rate: Decimal | None  # GBP per grant unit over the period's tranches (None: none came)
    rate_method: str
    uncovered_gbp: Decimal  # spend to date beyond every tranche received by the end
    lines: list[LineResult]  # budget order, then unbudgeted lines, then the unmapped line
    spend: list[Spend]  # in the period
    budget_total: Decimal
    spent: Decimal
    spent_gbp: Decimal
    spent_to_date: Decimal  # from the fund's opening to the end, grant currency
    spent_to_date_gbp: Decimal
    remaining: Decimal  # award - spent to date, grant currency
    remaining_gbp: Decimal  # received - spent, both to date, GBP
    award_gbp: Decimal | None  # award at the award-date rate
    other_gbp: Decimal  # other income and transfers in/(out) of the fund in the period, GBP
    balance_gbp: Decimal  # the fund's balance at the end (ledger.funds.balances)
    fx_difference: Decimal | None
    fx_method: str
    # What reconciles "remaining in GBP" (received less spent) to the fund's balance: the
    # accrued award not yet received (the debtor, at the award-date rate) and the fund's
    # other income and transfers, both to date (a tranche's exchange difference on the
    # accrued award is already in what was received), so that
    # remaining_gbp + accrued_gbp + other_to_date_gbp == balance_gbp.
    accrued_gbp: Decimal = Decimal(0)
    other_to_date_gbp: Decimal = Decimal(0)


def is_gift(txn: Transaction, posting) -> bool:
    """A gift (or its refund) to the grant's fund, never a tranche of the grant: only the
    funder's money is listed by date and amount; gifts are other income, summed."""
    meta = {**(txn.meta or {}), **(posting.meta or {})}
    return ("donor" in meta or "refund-of" in meta
            or channel(posting.account) in ("donations", "crowdfunding"))


def _line_of(posting, txn, maps: list[tuple[str, str]]) -> str:
    for meta in (posting.meta, txn.meta):
        if meta and meta.get("budget-line"):
            return str(meta["budget-line"])
    for prefix, line in maps:  # longest first
        if posting.account == prefix or posting.account.startswith(prefix + ":"):
            return line
    return UNMAPPED


def budget_maps(entries: Iterable, fund: str) -> list[tuple[str, str]]:
    """(account prefix, line) from `custom "budget-map" FUND PREFIX LINE`, longest first."""
    maps = []
    for e in entries:
        if isinstance(e, Custom) and e.type == "budget-map":
            values = [v.value for v in e.values]
            if len(values) != 3 or not all(isinstance(v, str) for v in values):
                raise ReportError(f"{e.meta.get('filename')}:{e.meta.get('lineno')}: a budget "
                                  'map is declared as: custom "budget-map" "<fund>" '
                                  '"<account prefix>" "<line>"')
            if values[0] == fund:
                maps.append((values[1], values[2]))
    return sorted(maps, key=lambda m: -len(m[0]))


def default_end(entries, f: fundmodel.Fund, start: datetime.date | None,
                today: datetime.date | None) -> datetime.date:
    """The report's end when none is asked for: the end of the financial year that starts
    the period asked for (--from alone); else the fund's close; else today (a report "to
    date"), or the last entry when no today is given. Never a date that merely happens to
    be the books' last entry when a period or today is known."""
    if start is not None:
        try:
            year_end = ledger_options.fy_end(entries)
        except ledger_options.OptionError as e:
            raise ReportError(str(e)) from None
        return ledger_options.fy_dates(ledger_options.fy_of(start, year_end), year_end)[1]
    if f.closed:
        return f.closed
    if today is not None:
        return today
    return max((e.date for e in entries if isinstance(e, Transaction)), default=f.opened)


def funder_report(entries: list, options: dict, fund: str,
                  start: datetime.date | None = None,
                  end: datetime.date | None = None,
                  today: datetime.date | None = None) -> FunderReport:
    declared, budgets, _errors = fundmodel.declarations(entries)
    if fund not in declared:
        known = ", ".join(sorted(declared)) or "none"
        raise ReportError(f"fund '{fund}' is not declared in the books (funds: {known})")
    f = declared[fund]
    gbp = operating_currency(options)
    lines = [b for b in budgets if b.fund == fund]
    meta = _fund_meta(entries, fund)
    award_meta = meta.get("award")
    if award_meta is not None and not isinstance(award_meta, amount_lib.Amount):
        raise ReportError(f"{meta.get('filename')}:{meta.get('lineno')}: award of fund "
                          f"'{fund}' must be an amount like 60000.00 EUR")
    if not lines and award_meta is None:
        raise ReportError(f"fund '{fund}' has no budget lines and no award: the funder report "
                          f'is for a grant (declare custom "fund-budget" "{fund}" "<line>" '
                          "<amount> <currency>, or award: on the fund)")
    currency = (award_meta.currency if award_meta is not None
                else f.currency or (lines[0].amount.currency if lines else gbp))
    for b in lines:
        if b.amount.currency != currency:
            raise ReportError(f"{b.meta.get('filename')}:{b.meta.get('lineno')}: budget line "
                              f"'{b.line}' is in {b.amount.currency}, the grant in {currency}")
    if end is None:
        end = default_end(entries, f, start, today)
    if start is None:
        start = f.opened
    if start > end:
        raise ReportError(f"the period starts ({start}) after it ends ({end})")

    tranches, all_received, all_received_gbp, other_gbp = [], ZERO, ZERO, ZERO
    other_to_date = ZERO
    pool: list[Tranche] = []  # every tranche received by the end, in order: spend draws on it
    spend_postings = []
    rates = None  # the books' prices, read once some spend is in another currency
    for txn, posting, fund_id in fundmodel.fund_postings(entries):
        if fund_id != fund or txn.date > end:
            continue
        if txn.meta.get(accruals.ACCRUAL_KEY) == accruals.AWARD:
            continue  # an accrued award (ledger.accruals): income, but no money received
        if (posting.account.startswith("Income:") and posting.units.currency == currency
                and not is_gift(txn, posting)):
            w = fundmodel.weight(posting)
            if w.currency != gbp:
                raise ReportError(f"{where(posting, txn)}: grant income in {currency} needs "
                                  f"the {gbp} received, e.g. `@@ 26610.00 {gbp}`")
            amount, got = -posting.units.number, -w.number
            all_received += amount
            all_received_gbp += got
            rate = (got / amount).quantize(RATE) if amount else Decimal(0)
            tranche = Tranche(txn.date, txn.narration, amount, got, rate)
            pool.append(tranche)
            if txn.date >= start:
                tranches.append(tranche)
        elif posting.account.startswith("Expenses:"):
            w = fundmodel.weight(posting)
            if w.currency != gbp:  # counsel paid in dollars: valued as every statement does
                rates = rates or Rates(entries, gbp)
                try:
                    w = in_unit(posting, txn, gbp, rates)
                except NoRate as e:
                    raise ReportError(f"{where(posting, txn)}: spend in {w.currency} needs "
                                      f"its value in {gbp}: {e}") from None
            spend_postings.append((txn, posting, w.number))
        else:  # a release of the leftover, a top-up, interest, an exchange difference
            if posting.account != accruals.FX:  # received (above) is what the bank got
                other_to_date -= fundmodel.weight(posting).number
            if txn.date >= start:
                other_gbp -= fundmodel.weight(posting).number

    # Tranches of an accrued award settle its debtor (ledger.accruals) and keep the pounds
    # actually received on the settling posting.
    for txn, posting in settlements(entries, fund, currency, end):
        amount, got = -posting.units.number, posting.meta[accruals.RECEIVED_KEY].number
        all_received += amount
        all_received_gbp += got
        tranche = Tranche(txn.date, txn.narration, amount, got,
                          (got / amount).quantize(RATE) if amount else Decimal(0))
        pool.append(tranche)
        if txn.date >= start:
            tranches.append(tranche)
    pool.sort(key=lambda t: t.date)
    tranches.sort(key=lambda t: t.date)

    award_rate = meta.get("award-rate")
    award_rate_source = "declared on the fund (award-rate)"
    if award_rate is not None:
        try:
            award_rate = Decimal(str(award_rate))
            if award_rate <= 0:
                raise ValueError
        except (ArithmeticError, ValueError):
            raise ReportError(f"{meta.get('filename')}:{meta.get('lineno')}: award-rate of "
                              f"fund '{fund}' must be a positive number of {gbp} per "
                              f"{currency}, like 0.8870") from None
    elif currency == gbp:
        award_rate, award_rate_source = Decimal(1), "the grant is in the operating currency"
    elif all_received:
        first = next(iter(tranche_rates(entries, fund, currency, gbp)), None)
        award_rate, award_rate_source = first, "rate of the first tranche received"
    else:
        award_rate_source = "none: no award-rate declared and no tranche received"

    received = sum((t.amount for t in tranches), ZERO)
    received_gbp = sum((t.gbp for t in tranches), ZERO)
    if currency == gbp:
        pool = []
        fallback: Decimal | None = Decimal(1)
        rate: Decimal | None = Decimal(1)
        rate_method = f"The grant is in {gbp}: no conversion."
    else:
        fallback = (pool[-1].amount / pool[-1].gbp if pool and pool[-1].gbp
                    else (1 / award_rate if award_rate else None))
        if fallback is None:
            raise ReportError(f"fund '{fund}': no tranche in {currency} received by {end} and "
                              "no award-rate declared, so spend cannot be converted")
        rate = (received_gbp / received).quantize(RATE) if received else None
        rate_method = (f"Spend is converted from {gbp} to {currency} at the rate of the "
                       "tranche it was paid from, first in, first out: the grant's pounds "
                       "are spent in the order the tranches arrived, so a period's figures "
                       "never change once reported. A payment that straddles two tranches "
                       "is converted part at each rate; each payment is then rounded to the "
                       "cent. The rate on the tranches' total row is the period's tranches "
                       "only.")

    maps = budget_maps(entries, fund)
    converted, uncovered = fifo(pool, [n for _t, _p, n in spend_postings], fallback)
    if currency == gbp:
        uncovered = ZERO  # nothing is converted, so no figure waits on a tranche to come
    if uncovered:
        rate_method += (f" {uncovered:,.2f} {gbp} spent beyond every tranche received by "
                        f"{end} is converted at the latest rate known and may change when the "
                        "next tranche arrives.")
    spend = []
    for (txn, posting, number), (amount, drawn) in zip(spend_postings, converted,
                                                       strict=True):
        spend.append(Spend(
            txn.date, txn.payee or "", txn.narration or "", str(txn.meta.get("invoice", "")),
            _line_of(posting, txn, maps), posting.account, number, amount,
            tuple(pool[k].date for k in drawn)))
    spend.sort(key=lambda s: (s.date, s.payee, s.account))
    to_date = spend
    spent_to_date = sum((s.amount for s in spend), ZERO)
    spent_to_date_gbp = sum((s.gbp for s in spend), ZERO)
    spend = [s for s in spend if s.date >= start]  # the period's

    # A line declared twice (an award topped up) is one line, its budgets summed.
    names = list(dict.fromkeys(b.line for b in lines))
    extra = sorted({s.line for s in to_date} - set(names) - {UNMAPPED})
    results = []
    for name in [*names, *extra, UNMAPPED]:
        budget = sum((b.amount.number for b in lines if b.line == name), ZERO)
        spent = sum((s.amount for s in spend if s.line == name), ZERO)
        spent_gbp = sum((s.gbp for s in spend if s.line == name), ZERO)
        line_to_date = sum((s.amount for s in to_date if s.line == name), ZERO)
        used = (spent / budget).quantize(Decimal("0.0001")) if budget else None
        results.append(LineResult(name, budget, spent, spent_gbp, budget - spent, used,
                                  name in names, line_to_date, budget - line_to_date))

    budget_total = sum((b.amount.number for b in lines), ZERO)
    award = award_meta.number if award_meta is not None else budget_total
    spent = sum((s.amount for s in spend), ZERO)
    spent_gbp = sum((s.gbp for s in spend), ZERO)
    award_gbp = fx = None
    fx_method = ("No award-date rate is known (declare award-rate on the fund), so no "
                 "exchange difference is given.")
    if award_rate is not None:
        award_gbp = cents(award * award_rate)
        fx = cents(all_received * award_rate - all_received_gbp)
        fx_method = (f"Exchange difference = {currency} received up to {end}, valued at the "
                     f"award-date rate ({award_rate} {gbp} per {currency}; "
                     f"{award_rate_source}), less the {gbp} actually received. Positive: "
                     f"fewer {gbp} were received than the award was worth when made (a loss); "
                     "negative: a gain.")
    return FunderReport(
        fund=fund, title=f.title, currency=currency, gbp=gbp, start=start, end=end,
        award=award, award_declared=award_meta is not None, award_rate=award_rate,
        award_rate_source=award_rate_source, tranches=tranches, received=received,
        received_gbp=received_gbp, rate=rate, rate_method=rate_method,
        uncovered_gbp=uncovered, lines=results,
        spend=spend, budget_total=budget_total, spent=spent, spent_gbp=spent_gbp,
        spent_to_date=spent_to_date, spent_to_date_gbp=spent_to_date_gbp,
        remaining=award - spent_to_date, remaining_gbp=all_received_gbp - spent_to_date_gbp,
        award_gbp=award_gbp, other_gbp=other_gbp,
        balance_gbp=fundmodel.balances(entries, until=end).get(fund, {}).get(gbp, ZERO),
        fx_difference=fx, fx_method=fx_method,
        accrued_gbp=_accrued(entries, fund, gbp, end), other_to_date_gbp=other_to_date)


def _accrued(entries, fund: str, gbp: str, end: datetime.date) -> Decimal:
    """The accrued award still to be received at `end` (ledger.accruals' debtor, in
    pounds at the award-date rate it was booked at)."""
    total = ZERO
    for txn in entries:
        if isinstance(txn, Transaction) and txn.date <= end and txn.meta.get("fund") == fund:
            for p in txn.postings:
                if p.account == accruals.DEBTOR:
                    w = fundmodel.weight(p)
                    total += w.number if w.currency == gbp else ZERO
    return total


def _fund_meta(entries: Iterable, fund: str) -> dict:
    for e in entries:
        if (isinstance(e, Custom) and e.type == "fund" and e.values
                and e.values[0].value == fund):
            return e.meta
    return {}
