"""The statement of financial activities (UK Charity SORP) and its funds note.

    sofa(entries, options, start, end) -> Sofa

Income by source and expenditure by activity (headings from reports.classify) in the
columns unrestricted funds (unrestricted and designated: SORP shows designated funds within
unrestricted), restricted funds and total, with the prior period's total alongside. The
prior period is the same dates one year earlier unless given, computed by this same
function. Then net income/(expenditure), transfers between funds, net movement in funds and
the reconciliation of funds (brought forward, carried forward).

Columns: unrestricted (with designated), restricted and endowment funds. Rows: income by
source (donations and legacies, charitable activities, other trading activities,
investments, other), expenditure by activity, net income/(expenditure), net gains/(losses)
(investments, realised exchange differences), transfers, net movement, funds brought and
carried forward. A grant's income heading can be declared on its fund (`sofa-income`),
and support and governance costs are shared out over the activities in the shares the
books declare (`custom "support-costs"`).

The funds note gives, per fund: brought forward, income, expenditure, transfers, carried
forward (and gains, where there are any), in the operating currency. Income and
expenditure are positive (a refund nets against them); transfers are signed, into the fund
positive. An opening balance (Equity:Funds:Opening, what an import brings forward from a
statement's first balance) is brought forward, even when the books begin inside the
period (in the books' first year it also counts in the prior year's carried forward:
reports.opening); any other Equity:Funds posting than
Equity:Funds:Transfers counts as a transfer, so that for every fund

    brought_forward + income - expenditure + gains + transfers == carried_forward

and carried forward is the fund's balance (ledger.funds.balances) at the period's end.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from beancount.core.data import Custom

from ledger import funds as fundmodel
from ledger.closing import LEFTOVER_KEY
from ledger.rates import NoRate, Rates, RateUsed
from reports import classify, fx, opening
from reports.classify import ReportError, operating_currency, where
from reports.funds import RETURNED

ZERO = Decimal("0.00")


@dataclasses.dataclass
class SofaRow:
    section: str  # income | expenditure | net | funds
    key: str
    label: str
    unrestricted: Decimal
    restricted: Decimal
    total: Decimal
    prior_total: Decimal | None  # None when no prior period was computed
    is_total: bool = False
    endowment: Decimal = ZERO  # the endowment column (shown when the books have one)


@dataclasses.dataclass
class FundMovement:
    fund: str
    title: str
    fund_class: str
    brought_forward: Decimal
    income: Decimal
    expenditure: Decimal
    transfers: Decimal
    carried_forward: Decimal
    gains: Decimal = ZERO  # net gains/(losses): investments, realised exchange differences


@dataclasses.dataclass
class Sofa:
    title: str
    currency: str
    start: datetime.date
    end: datetime.date
    rows: list[SofaRow]
    funds: list[FundMovement]
    prior: Sofa | None
    endowment: bool = False  # the books declare an endowment fund: show its column
    # The postings behind each cell, for the audit trail (reports/fava_ext/statements.py):
    # (section, heading key, column) -> {(account, fund, returned leftover?)}; a cell
    # fed by a support cost shared out over headings is in `shared` (no posting is wholly
    # its own, so no journal adds up to it), and ("funds", "opening", column) where an
    # opening balance dated inside the period is brought forward.
    behind: dict = dataclasses.field(default_factory=dict, repr=False)
    shared: frozenset = frozenset()
    rates: list[RateUsed] = dataclasses.field(default_factory=list)  # the rates it used

    def row(self, key: str) -> SofaRow:
        return next(r for r in self.rows if r.key == key)


def _clean(n: Decimal) -> Decimal:
    return n + 0 if n == 0 else n  # no "-0.00" in a statement


def shift_year(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def sofa(entries: list, options: dict, start: datetime.date, end: datetime.date,
         prior: tuple[datetime.date, datetime.date] | None | bool = True) -> Sofa:
    """The SOFA and funds note for start..end inclusive.

    `prior`: True for the same dates a year earlier, a (start, end) pair, or False/None for
    no prior period."""
    if start > end:
        raise ReportError(f"the period starts ({start}) after it ends ({end})")
    currency = operating_currency(options)
    declared, _budgets, _errors = fundmodel.declarations(entries)
    headings = income_headings(entries)
    allocations = support_costs(entries)

    bf: dict[str, Decimal] = defaultdict(lambda: ZERO)
    income: dict[str, Decimal] = defaultdict(lambda: ZERO)
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    transfers: dict[str, Decimal] = defaultdict(lambda: ZERO)
    gains: dict[str, Decimal] = defaultdict(lambda: ZERO)
    # (section, heading key, column) -> amount
    cells: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)

    rates = Rates(entries, currency)
    foreign: dict[tuple, Decimal] = {}
    first: dict[tuple, str] = {}
    behind: dict[tuple[str, str, str], set] = defaultdict(set)
    shared: set[tuple[str, str, str]] = set()
    first_year = opening.first_year(entries)
    for txn, posting, fund_id in fundmodel.fund_postings(entries):
        day = opening.brought_forward_date(txn, first_year)
        if day > end:
            continue
        fund = declared.get(fund_id) if fund_id else None
        if fund is None:
            raise ReportError(f"{where(posting, txn)}: posting to {posting.account} has "
                              f"{'no fund' if not fund_id else f'undeclared fund {fund_id!r}'}; "
                              "run `fundledger check`")
        w = fx.booked(posting, currency)
        if w.currency != currency:
            # At its entry's own rate, else the rate on its date (reports.fx.in_unit).
            # Where the books hold none, a payment booked in dollars and restated in
            # pounds the same day (a PayPal conversion imported after its payment) nets
            # to nothing in dollars: only a foreign amount left over with no rate at all
            # stops the statement.
            try:
                w = fx.in_unit(posting, txn, currency, rates)
            except NoRate:
                key = (fund_id, posting.account, txn.date, w.currency)
                foreign[key] = foreign.get(key, ZERO) + w.number
                first.setdefault(key, where(posting, txn))
                continue
        column = classify.sofa_column(fund.fund_class)
        returned = txn.meta.get(LEFTOVER_KEY) == RETURNED
        source = (posting.account, fund_id, returned)
        if day < start or posting.account == fundmodel.OPENING_ACCOUNT:
            # An opening balance is what the fund held before the books' first entry:
            # brought forward, even when the books begin inside the period.
            if txn.date >= start:  # no journal of the days before the period holds it
                shared.add(("funds", "opening", column))
            bf[fund_id] -= w.number
            behind["funds", "bf", column].add(source)
            continue
        if posting.account.startswith("Income:") and returned:
            spent[fund_id] += w.number
            cells["expenditure", classify.RETURNED_HEADING, column] += w.number
            behind["expenditure", classify.RETURNED_HEADING, column].add(source)
        elif classify.is_gain_or_loss(posting.account):
            gains[fund_id] -= w.number
            cells["net", "gains", column] -= w.number
            behind["net", "gains", column].add(source)
        elif posting.account.startswith("Income:"):
            income[fund_id] -= w.number
            heading = income_line(posting.account, fund_id, headings)
            cells["income", heading, column] -= w.number
            behind["income", heading, column].add(source)
        elif posting.account.startswith("Expenses:"):
            spent[fund_id] += w.number
            parts = expenditure_lines(posting.account, w.number, allocations)
            for heading, part in parts:
                cells["expenditure", heading, column] += part
                behind["expenditure", heading, column].add(source)
                if len(parts) > 1:
                    shared.add(("expenditure", heading, column))
        else:  # Equity:Funds:*
            transfers[fund_id] -= w.number
            cells["net", "transfers", column] -= w.number
            behind["net", "transfers", column].add(source)

    for key, n in foreign.items():
        if n:
            raise ReportError(f"{first[key]}: {key[1]} is booked in {key[3]}: "
                              f"{NoRate(key[3], currency, key[2])}")

    # Money held in another currency, retranslated at the closing rate (reports.fx): the
    # difference to the start of the period is brought forward, the year's change is an
    # unrealised gain or loss of the fund holding it. No posting is behind it.
    day_before = start - datetime.timedelta(days=1)
    before, after = (fx.by_fund(r.items) for r in
                     fx.retranslate_at(entries, options, [day_before, end], rates))
    for fund_id in sorted(set(before) | set(after), key=str):
        fund = declared.get(fund_id) if fund_id else None
        if fund is None:
            continue  # held in a transaction of several funds, fund: unsaid (funds says so)
        column = classify.sofa_column(fund.fund_class)
        gain = after.get(fund_id, ZERO) - before.get(fund_id, ZERO)
        bf[fund_id] += before.get(fund_id, ZERO)
        gains[fund_id] += gain
        cells["net", "gains", column] += gain
        if before.get(fund_id):
            shared.add(("funds", "opening", column))
        if gain:
            shared.add(("net", "gains", column))

    movements = []
    for fund in declared.values():
        ids = (bf, income, spent, transfers, gains)
        if fund.opened > end and not any(d.get(fund.id) for d in ids):
            continue  # (a first-year opening balance counts before its fund's declaration)
        # A fund closed before the period is left out: it was closed at exactly zero and
        # nothing may move in it since. (Every fund ever used has a key in `bf`, so only a
        # figure other than zero shows it still active, as in books the plugin refuses.)
        active = any(d.get(fund.id) for d in ids)
        if not active and fund.closed is not None and fund.closed < start:
            continue
        b, i, x, t, g = (_clean(d.get(fund.id, ZERO)) for d in ids)
        movements.append(FundMovement(fund.id, fund.title, fund.fund_class, b, i, x, t,
                                      _clean(b + i - x + g + t), g))
    for m in movements:
        cells["funds", "bf", classify.sofa_column(m.fund_class)] += m.brought_forward

    prior_sofa = None
    if prior:
        p_start, p_end = (prior if isinstance(prior, tuple)
                          else (shift_year(start, -1), shift_year(end, -1)))
        prior_sofa = sofa(entries, options, p_start, p_end, prior=False)

    rows = _rows(cells, prior_sofa)
    title = (options or {}).get("title") or ""
    has_endowment = any(f.fund_class == "endowment" for f in declared.values())
    return Sofa(title, currency, start, end, rows, movements, prior_sofa, has_endowment,
                {k: frozenset(v) for k, v in behind.items()}, frozenset(shared),
                rates.listed())


def income_headings(entries) -> dict[str, str]:
    """Fund -> the SOFA income heading its grant income goes under, where the fund declares
    it (`sofa-income: "donations"` for core funding; SORP keeps charitable activities for
    performance-related grants). Declared per grant in the books, not fixed in code."""
    keys = {h.key for h in classify.INCOME_HEADINGS}
    out = {}
    for e in entries:
        if isinstance(e, Custom) and e.type == fundmodel.FUND and e.meta.get("sofa-income"):
            value = str(e.meta["sofa-income"])
            if value not in keys:
                raise ReportError(f"{e.meta.get('filename')}:{e.meta.get('lineno')}: "
                                  f'sofa-income "{value}" is not one of {", ".join(sorted(keys))}')
            out[e.values[0].value] = value
    return out


SUPPORT = "support-costs"


def support_costs(entries) -> dict[str, list[tuple[str, Decimal]]]:
    """Account prefix -> [(expenditure heading, share in %)], from the books:

        2017-01-01 custom "support-costs" "Expenses:Running" "legal 70, comms 20, raising 10"

    Support and governance costs are shared out over the activities they support, in the
    shares the trustees declare (SORP); the shares add up to 100. The latest declaration
    for a prefix wins."""
    keys = {h.key for h in classify.EXPENDITURE_HEADINGS}
    out: dict[str, list[tuple[str, Decimal]]] = {}
    for e in entries:
        if not (isinstance(e, Custom) and e.type == SUPPORT):
            continue
        where_ = f"{e.meta.get('filename')}:{e.meta.get('lineno')}"
        values = [v.value for v in e.values]
        try:
            prefix, text = values
            shares = [(k, Decimal(n)) for k, n in
                      (part.split() for part in str(text).split(",") if part.strip())]
        except (ValueError, ArithmeticError):
            raise ReportError(f'{where_}: support costs are declared as: custom '
                              f'"{SUPPORT}" "Expenses:..." "legal 70, comms 30"') from None
        unknown = [k for k, _n in shares if k not in keys]
        if unknown or sum(n for _k, n in shares) != 100:
            raise ReportError(f"{where_}: support-costs {prefix}: shares must be expenditure "
                              f"headings ({', '.join(sorted(keys))}) adding up to 100")
        out[prefix] = shares
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0])))


def allocate(amount: Decimal, shares: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """`amount` shared out in the declared percentages, to the penny (the remainder goes to
    the largest share), so the parts add up to it exactly."""
    parts = [(k, (amount * n / 100).quantize(Decimal("0.01"))) for k, n in shares]
    largest = max(range(len(shares)), key=lambda i: shares[i][1])
    rest = amount - sum(p for _k, p in parts)
    parts[largest] = (parts[largest][0], parts[largest][1] + rest)
    return parts


def income_line(account: str, fund: str, headings: dict[str, str]) -> str:
    """The income heading of a posting: its account's, or for a grant (an account under
    Income:Grants, the only one classify puts under charitable activities) the one its fund
    declares (`sofa-income`)."""
    heading = classify.income_heading(account)
    if heading == "charitable":
        return headings.get(fund, heading)
    return heading


def expenditure_lines(account: str, amount: Decimal,
                      allocations: dict[str, list[tuple[str, Decimal]]]):
    """(heading, amount) of one expense posting: its heading, or a support cost's shares
    (each posting shared out, so the entries behind a line add up to it to the penny)."""
    prefix = next((a for a in allocations if classify.under(account, a)), None)
    if prefix is None:
        return [(classify.expenditure_heading(account), amount)]
    return allocate(amount, allocations[prefix])


def _rows(cells, prior: Sofa | None) -> list[SofaRow]:
    rows: list[SofaRow] = []
    cols = classify.SOFA_COLUMNS

    def add(section, key, label, values, is_total=False):
        prior_total = prior.row(key).total if prior is not None else None
        u, r, e = (_clean(v) for v in values)
        rows.append(SofaRow(section, key, label, u, r, _clean(u + r + e), prior_total,
                            is_total, e))
        return values

    def cell(section, key):
        return tuple(cells[section, key, c] for c in cols)

    def plus(a, b, sign=1):
        return tuple(x + sign * y for x, y in zip(a, b, strict=True))

    def heading_rows(section, headings, total_key, total_label):
        total = (ZERO,) * len(cols)
        for h in headings:
            total = plus(total, add(section, f"{section}.{h.key}", h.label, cell(section, h.key)))
        return add(section, total_key, total_label, total, True)

    i = heading_rows("income", classify.INCOME_HEADINGS, "income.total", "Total income")
    x = heading_rows("expenditure", classify.EXPENDITURE_HEADINGS,
                     "expenditure.total", "Total expenditure")
    n = add("net", "net", "Net income/(expenditure)", plus(i, x, -1), True)
    g = add("net", "gains", "Net gains/(losses)", cell("net", "gains"))
    t = add("net", "transfers", "Transfers between funds", cell("net", "transfers"))
    m = add("net", "movement", "Net movement in funds", plus(plus(n, g), t), True)
    b = add("funds", "bf", "Total funds brought forward", cell("funds", "bf"))
    add("funds", "cf", "Total funds carried forward", plus(b, m), True)
    return rows
