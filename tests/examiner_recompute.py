"""An examiner's own recomputation of the key figures, written apart from fundledger: the
books loaded by beancount alone with every `plugin` line removed, then plain sums over
postings and metadata. Nothing here imports reports/* or ledger/* (that is the point:
a figure both sides agree on was computed twice, independently).

What the examiner needs to know of the books' conventions is read from the books
themselves: `fund:` on a posting or its transaction, `custom "fund"` for the class,
`custom "fundledger-option" "fy-end"`, `custom "grant-award"` (accruals: income when
awarded at its rate, a debtor in the grant's currency that each tranche settles),
`leftover: "returned"` on a close's entry (a leftover sent back is expenditure), and
`price` entries (a foreign amount at the rate on its date; money held or owed in a
foreign currency at the closing rate, the difference a gain or loss of its fund).
"""

from __future__ import annotations

import datetime
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import convert
from beancount.core.data import Custom, Price, Transaction

ZERO = Decimal("0.00")
CLASSES = ("unrestricted", "restricted", "endowment")
OPENING = "Equity:Funds:Opening"
CASH = ("Assets:Bank", "Assets:Held", "Assets:Platforms", "Assets:PayPal", "Assets:Stripe",
        "Assets:Cash", "Assets:Transfers", "Assets:GoCardless")


def load_without_plugins(main: Path, scratch: Path):
    """Every .beancount file copied with its `plugin` lines removed, then loaded."""
    shutil.copytree(main.parent, scratch)
    for f in scratch.rglob("*.beancount"):
        f.write_text(re.sub(r"(?m)^plugin .*$", "", f.read_text()))
    entries, errors, options = loader.load_file(str(scratch / main.name))
    assert not errors, errors[:3]
    return entries, options


def money(n) -> Decimal:
    return Decimal(n).quantize(Decimal("0.01"))


class Books:
    def __init__(self, entries, options):
        self.unit = options["operating_currency"][0]
        self.txns = [e for e in entries if isinstance(e, Transaction)]
        customs = [e for e in entries if isinstance(e, Custom)]
        self.cls = {str(c.values[0].value): str(c.values[1].value)
                    for c in customs if c.type == "fund"}
        self.default = next(f for f, c in self.cls.items() if c == "unrestricted")
        ends = [str(c.values[1].value) for c in customs
                if c.type == "fundledger-option" and c.values[0].value == "fy-end"]
        self.fy_end = tuple(int(x) for x in ends[0].split("-")) if ends else (12, 31)
        self.prices = sorted((e.date, e.currency, e.amount.number) for e in entries
                             if isinstance(e, Price) and e.amount.currency == self.unit)
        self.accruals = not any(c.type == "fundledger-option" and c.values[0].value == "basis"
                                and c.values[1].value == "receipts" for c in customs)
        self.awards = [(c.date, str(c.values[0].value), c.values[1].value.number,
                        c.values[1].value.currency, Decimal(str(c.meta["rate"])))
                       for c in customs if c.type == "grant-award"] if self.accruals else []

    # -- dates and rates ------------------------------------------------------------------
    def year(self, fy: int) -> tuple[datetime.date, datetime.date]:
        m, d = self.fy_end
        end = datetime.date(fy, m, d)
        return datetime.date(fy - 1, m, d) + datetime.timedelta(days=1), end

    def years(self) -> list[int]:
        first, last = min(t.date for t in self.txns), max(t.date for t in self.txns)
        def fy(day: datetime.date) -> int:
            return day.year + (day > datetime.date(day.year, *self.fy_end))

        return list(range(fy(first), fy(last) + 1))

    def rate(self, currency: str, day: datetime.date) -> Decimal:
        found = [r for d, c, r in self.prices if c == currency and d <= day]
        assert found, (currency, day)
        return found[-1]

    def gbp(self, posting, day) -> Decimal:
        """The posting's weight in pounds: its own @/@@, else the price on its date."""
        w = convert.get_weight(posting)
        return w.number if w.currency == self.unit else w.number * self.rate(w.currency, day)

    def fund(self, posting, txn) -> str:
        return (posting.meta or {}).get("fund") or txn.meta.get("fund")

    def column(self, fund: str) -> str:
        c = self.cls[fund]
        return "unrestricted" if c == "designated" else c

    def _awarded(self, txn, posting) -> bool:
        """A tranche of an accrued award: it settles the debtor, it is not income."""
        return any(posting.account.startswith("Income:") and self.fund(posting, txn) == f
                   and posting.units.currency == cur and txn.date >= d
                   for d, f, _n, cur, _r in self.awards)

    # -- per fund, to a date --------------------------------------------------------------
    def gains_to(self, day: datetime.date) -> dict[str, Decimal]:
        """Each fund's exchange gains (losses negative) to `day`, realised and not: its
        foreign money (and award debtor) at the closing rate less what it was booked at."""
        held: dict[tuple, Decimal] = defaultdict(Decimal)  # (fund, currency) -> units
        booked: dict[tuple, Decimal] = defaultdict(Decimal)  # -> pounds
        for d, f, n, cur, r in self.awards:
            if d <= day:
                held[f, cur] += n
                booked[f, cur] += n * r
        for t in self.txns:
            if t.date > day:
                continue
            for p in t.postings:
                if self._awarded(t, p):  # the tranche: the debtor settled, at its real rate
                    held[self.fund(p, t), p.units.currency] += p.units.number
                    booked[self.fund(p, t), p.units.currency] += self.gbp(p, t.date)
                elif p.account.startswith(("Assets:", "Liabilities:")) and \
                        p.units.currency != self.unit and p.cost is None:
                    # a move between our own accounts (a currency conversion) is the
                    # first unrestricted fund's (docs/books.md)
                    f = self.fund(p, t) or self.default
                    held[f, p.units.currency] += p.units.number
                    booked[f, p.units.currency] += self.gbp(p, t.date)
        out: dict[str, Decimal] = defaultdict(Decimal)
        for (f, cur), n in held.items():
            out[f] += n * self.rate(cur, day) - booked[f, cur] if n else -booked[f, cur]
        return {f: money(v) for f, v in out.items()}

    def balances(self, day: datetime.date) -> dict[str, Decimal]:
        """Each fund's balance at the end of `day`: -(its income, expenses and fund
        equity), with an award booked as income, plus its exchange gains."""
        out: dict[str, Decimal] = {f: ZERO for f in self.cls}
        for d, f, n, _cur, r in self.awards:
            if d <= day:
                out[f] += money(n * r)
        for t in self.txns:
            if t.date <= day:
                for p in t.postings:
                    if p.account.startswith(("Income:", "Expenses:", "Equity:Funds:")) \
                            and not self._awarded(t, p):
                        out[self.fund(p, t)] -= money(self.gbp(p, t.date))
        for f, g in self.gains_to(day).items():
            out[f] += g
        return out

    # -- the statements -------------------------------------------------------------------
    def sofa(self, fy: int) -> dict[str, dict[str, Decimal]]:
        """{fund: bf, income, expenditure, gains, transfers, cf} for the year."""
        start, end = self.year(fy)
        before = start - datetime.timedelta(days=1)
        bf = self.balances(before)
        cf = self.balances(end)
        g0, g1 = self.gains_to(before), self.gains_to(end)
        rows = {f: {"bf": bf[f], "income": ZERO, "expenditure": ZERO, "transfers": ZERO,
                    "gains": g1.get(f, ZERO) - g0.get(f, ZERO), "cf": cf[f]} for f in self.cls}
        for d, f, n, _cur, r in self.awards:
            if start <= d <= end:
                rows[f]["income"] += money(n * r)
        for t in self.txns:
            if not start <= t.date <= end:
                continue
            for p in t.postings:
                if self._awarded(t, p):
                    continue
                f, n = self.fund(p, t), money(self.gbp(p, t.date))
                if p.account == OPENING:  # a balance brought forward, not this year's
                    rows[f]["bf"] -= n
                elif p.account.startswith("Income:") and t.meta.get("leftover") == "returned":
                    rows[f]["expenditure"] += n
                elif p.account.startswith("Income:"):
                    rows[f]["income"] -= n
                elif p.account.startswith("Expenses:"):
                    rows[f]["expenditure"] += n
                elif p.account.startswith("Equity:Funds:"):
                    rows[f]["transfers"] -= n
        return rows

    def by_class(self, rows: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
        out = {c: defaultdict(lambda: ZERO) for c in CLASSES}
        for f, row in rows.items():
            for k, v in row.items():
                out[self.column(f)][k] += v
        return out

    def held(self, day: datetime.date, accounts=("Assets:", "Liabilities:")) -> Decimal:
        """Money held (owed, negative) at `day`, foreign at the closing rate; an award's
        debtor counts too."""
        units: dict[str, Decimal] = defaultdict(Decimal)
        for d, _f, n, cur, _r in self.awards:
            if d <= day and "Assets:" in accounts:
                units[cur] += n
        for t in self.txns:
            if t.date <= day:
                for p in t.postings:
                    if self._awarded(t, p) and "Assets:" in accounts:
                        units[p.units.currency] += p.units.number  # the debtor settled
                    if p.account.startswith(accounts):
                        if p.units.currency == self.unit:
                            units[self.unit] += p.units.number
                        else:
                            units[p.units.currency] += p.units.number
        return money(sum((n if c == self.unit else n * self.rate(c, day)
                          for c, n in units.items() if n), ZERO))

    def cash(self, day: datetime.date) -> Decimal:
        return self.held(day, CASH)

    def receipts_payments(self, fy: int) -> tuple[Decimal, Decimal]:
        """Money in and out of the cash accounts in the year, gross: in each transaction
        that moves cash, what it credits elsewhere is received and what it debits is paid
        (a fee taken by the platform is a payment); transfers between funds and balances
        brought forward are neither, a refund is negative income, a leftover sent back
        is a payment."""
        start, end = self.year(fy)
        received = paid = ZERO
        for t in self.txns:
            if not start <= t.date <= end or \
                    not any(p.account.startswith(CASH) for p in t.postings):
                continue
            for p in t.postings:
                if p.account.startswith(CASH + ("Equity:",)):
                    continue
                n = money(self.gbp(p, t.date))
                if p.account.startswith("Income:") and t.meta.get("leftover") != "returned":
                    received -= n
                elif p.account.startswith("Expenses:") or n > 0:
                    paid += n
                else:
                    received -= n
        return received, paid

    def cash_brought_forward(self, fy: int) -> Decimal:
        """Cash at the end of the year before, and what a balance brought forward into
        the books' first year put in the cash accounts (held before, never received)."""
        start, end = self.year(fy)
        opened = sum((money(self.gbp(p, t.date)) for t in self.txns
                      if start <= t.date <= end and any(q.account == OPENING for q in t.postings)
                      for p in t.postings if p.account.startswith(CASH)), ZERO)
        return self.cash(start - datetime.timedelta(days=1)) + opened

    def accounts(self, fy: int) -> dict[str, Decimal]:
        """The trial balance's accounts as plain sums (debit positive): money accounts at
        the year end, income and expenses for the year. Left out: accounts that hold or
        earn a foreign currency, and a grant's income account under an award (the award's
        debtor and exchange accounts are written by fundledger's accruals plugin)."""
        start, end = self.year(fy)
        out: dict[str, Decimal] = defaultdict(Decimal)
        skip: set[str] = set()
        for t in self.txns:
            for p in t.postings:
                if self._awarded(t, p) or p.units.currency != self.unit:
                    skip.add(p.account)
                if t.date > end:
                    continue
                if p.account.startswith(("Assets:", "Liabilities:")) or (
                        t.date >= start and p.account.startswith(("Income:", "Expenses:"))):
                    out[p.account] += p.units.number
        return {a: money(n) for a, n in out.items() if a not in skip and n}

    def unpaid(self, day: datetime.date) -> set[str]:
        """Invoices still owed at the end of `day`: their creditor postings, in the
        invoice's own currency, do not net to nothing."""
        owed: dict[tuple, Decimal] = defaultdict(Decimal)
        for t in self.txns:
            if t.date <= day and t.meta.get("invoice"):
                for p in t.postings:
                    if p.account.startswith("Liabilities:Creditors:"):
                        owed[str(t.meta["invoice"]), p.units.currency] += p.units.number
        return {number for (number, _c), n in owed.items() if n}
