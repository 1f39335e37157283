"""Parsed rows -> Txn records, one small function per kind of row.

Income is booked gross, with each fee as an expense of the same fund: the asset receives
the net, the fee accounts the fees, the income account minus the gross.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
from beancount.core import account as beancount_account

from importers.columns import Columns, _codes, _firsts, _group, simple_rows
from importers.errors import Problem, shape
from importers.parse import Parsed
from importers.profile import NARRATION, Profile, Rule
from importers.settings import Settings
from importers.txn import Built, Post, Txn
from ledger import firms, funds

OPENING = funds.OPENING_ACCOUNT  # money held before the books begin, in the general fund


def firm_key(name: str) -> str:
    """'Harbour & Vale LLP' -> 'Harbour-Vale': the firm's part of an account name."""
    return "-".join(w[:1].upper() + w[1:] for w in firms.words(name)) or "Unknown"


class Builder:
    def __init__(self, profile: Profile, settings: Settings, path: str, sha: str):
        self.p, self.s, self.path, self.sha = profile, settings, path, sha
        self._contexts: dict[tuple, tuple[dict, str, Rule]] = {}
        self._valid: set[str] = set()

    def problem(self, row: int, message: str) -> Problem:
        return Problem(self.path, row, message)

    def context(self, d: Parsed, i: int) -> tuple[dict, str, Rule]:
        """Accounts, fund and rule of row i (the same for every row of a rule and campaign,
        so worked out once per combination)."""
        key = (id(d.kind(i)), d.cell(self.p.campaign, i), d.cell(self.p.fund_column, i))
        got = self._contexts.get(key)
        if got is None:
            got = self._contexts[key] = self._context(d, i)
        return got[0].copy(), got[1], got[2]

    def _context(self, d: Parsed, i: int) -> tuple[dict, str, Rule]:
        rule = d.kind(i)
        campaign = d.cell(self.p.campaign, i)
        # Books that declare this source's campaigns know them all: another value (a typo,
        # or text injected into the cell) is refused, not booked to the general fund.
        known = [c for c in self.s.source.get(self.p.name, {}) if c]
        if campaign and known and campaign.casefold() not in known \
                and not self.s.fund_override:
            raise self.problem(d.row(i), f"campaign in column '{self.p.campaign}' "
                               f"({shape(campaign)}) is none of those the books declare for "
                               f"{self.p.name} ({', '.join(sorted(known))}): declare it "
                               'with custom "fundledger-source", or give --fund')
        acc = self.s.accounts(self.p, campaign)
        acc.update(rule.accounts)
        fund = (self.s.fund_override or rule.fund
                or d.cell(self.p.fund_column, i)
                or acc.get("fund") or self.s.general)
        if not fund:
            raise self.problem(d.row(i), "no fund: declare an unrestricted fund in the "
                               "books, or give --fund")
        return acc, fund, rule

    def account(self, acc: dict, key: str, row: int, firm: str = "") -> str:
        name = acc.get(key, key if ":" in key else "")
        if not name:
            raise self.problem(row, f"the {self.p.name} profile names no '{key}' account: "
                               f'declare it with custom "fundledger-source" "{self.p.name}"')
        if "{firm}" in name:
            # A firm the books declare has one client account and one name, whatever
            # this export calls it (ledger.firms).
            declared = firms.find(self.s.firms, firm)
            if declared and declared.client_account and name.startswith("Assets:Held:"):
                name = declared.client_account
            else:
                name = name.replace("{firm}", firm_key(declared.name if declared else firm))
        if name not in self._valid:  # an account is written bare: it must be one
            if not beancount_account.is_valid(name):
                raise self.problem(row, f"{name!r} ('{key}' of the {self.p.name} profile or "
                                   "the books' rules) is not a beancount account name")
            self._valid.add(name)
        return name

    def head(self, d: Parsed, i: int, fund: str | None, rule: Rule, suffix: str = "") -> Txn:
        iid = f"{self.p.namespace}:{d.ids[i]}{suffix}"
        meta: list = [("import-id", iid), ("import-file", self.sha), ("import-row", d.rows[i])]
        if fund:
            meta.append(("fund", fund))
        meta += list(rule.meta.items())
        own = d.cell(self.p.narration_column, i)
        return Txn(d.dates[i], rule.payee or self.p.payee,
                   own or rule.narration or self.p.narration or NARRATION[rule.kind], meta,
                   import_id=iid, row=d.rows[i])

    def build(self, d: Parsed, columnwise: bool = True) -> Built:
        """The common kinds go through importers.columns unless columnwise is False
        (tests compare both)."""
        if self.p.balances_only:  # a statement of money booked from other sources
            return Built(None, [], self.balances(d)[0], [])
        fast = simple_rows(self, d) if columnwise else np.zeros(len(d), dtype=bool)
        if fast.any() and self.s.converted:  # priced below, so built the generic way
            fast &= np.array([f"{self.p.namespace}:{i}" not in self.s.converted for i in d.ids],
                             dtype=bool)
        if fast.any():
            try:
                return self._build(d, fast)
            except Problem:  # the generic path names the first bad row in its own words
                pass
        return self._build(d, np.zeros(len(d), dtype=bool))

    def _build(self, d: Parsed, fast: np.ndarray) -> Built:
        block = Columns(self, d).block(fast)
        out: list[Txn] = []
        for i in np.flatnonzero(~fast).tolist():
            kind = d.kinds[i].kind
            if kind != "conversion":
                out.extend(getattr(self, "k_" + kind)(d, i))
        after = []
        if d.of_kind("conversion").any():
            # A payment a conversion prices is never in the block (columns.simple_rows).
            after = self.conversions(d, {t.import_id: t for t in out})
        if self.s.converted:  # payments whose conversion came in an earlier file of the run
            from importers.paypal import price_either

            for t in out + after:
                rate = self.s.converted.get(t.import_id)
                if rate is not None:
                    price_either(t, *rate)
        closing, openings = self.balances(d)
        return Built(block, out, after + closing, openings)

    def balances(self, d: Parsed) -> tuple[list[Txn], list[Txn]]:
        """From a statement's running balance: an assertion of each day's closing balance
        (dated the next morning, as beancount checks a balance before that day's entries),
        and the opening balance the statement implies, which importers.run books only
        where the books hold nothing earlier for the account.

        Statements list newest first or oldest first: the dates say which, and rows of one
        day keep the file's order (read backwards when the file runs backwards)."""
        bal = d.lists.get("balance")
        if bal is None or not len(d):
            return [], []
        n = len(d)
        dates = d.columns["date"]
        days = np.array([v.toordinal() if v is not None else 0  # a value no row has
                         for v in dates.values], dtype=np.int64)[dates.codes]
        backwards = days[0] > days[-1]
        at = np.arange(n)
        order = np.lexsort((-at if backwards else at, days))
        order = order[bal.present()[order]]
        if not len(order):
            return [], []
        # Each row's account, worked out once per rule, campaign and fund cell, in the
        # order the rows are read (so a bad campaign is named at the first row reading it).
        none = np.zeros(n, dtype=np.intp)
        combo = _group(*((d.text_columns[c].codes if c else none)[order] for c in (
            self.p.campaign, self.p.fund_column)), d.codes["kind"][order])
        named: dict[str, int] = {}
        account_of = np.zeros(int(combo.max()) + 1, dtype=np.int64)
        for c, j in enumerate(_firsts(combo)):
            i = int(order[j])
            acc, _fund, _rule = self.context(d, i)
            account_of[c] = named.setdefault(self.account(acc, "account", d.row(i)), len(named))
        accounts = list(named)
        # (account, currency) and (account, currency, day), numbered as first read
        currency = d.columns["currency"]  # codes of one value may differ ("gbp", "GBP")
        named_currency = _codes(currency.values)
        key = _group(account_of[combo], named_currency[currency.codes[order]])
        key_day = _group(key, days[order])
        last = np.zeros(int(key_day.max()) + 1, dtype=np.int64)
        np.maximum.at(last, key_day, np.arange(len(order)))
        first = {}
        for j in _firsts(key):
            i = int(order[j])
            first[(accounts[account_of[combo[j]]], d.at("currency", i))] = i
        last = {(accounts[account_of[combo[j]]], d.at("currency", int(order[j])),
                 dates.at(int(order[j]))): int(order[j]) for j in last.tolist()}
        closing = []
        for (account, cur, day), i in last.items():
            iid = f"{self.p.name}:balance:{account}:{day}:{cur}"
            closing.append(Txn(day + datetime.timedelta(days=1), "", "",
                               [("import-id", iid), ("import-file", self.sha),
                                ("import-row", d.row(i))],
                               import_id=iid, row=d.row(i), balance=(account, bal[i], cur)))
        openings = []
        for (account, cur), i in first.items():
            net = d.at("net", i)
            moved = net if net is not None else d.at("gross", i)
            before = bal[i] - (moved or 0)  # zero too: it marks the earliest statement
            _acc, fund, _rule = self.context(d, i)
            day = dates.at(i)
            iid = f"{self.p.name}:opening:{account}:{cur}:{day}"
            t = Txn(day, self.p.payee, "Balance brought forward from the statement",
                    [("import-id", iid), ("import-file", self.sha), ("import-row", d.row(i)),
                     ("fund", self.s.general or fund)], import_id=iid, row=d.row(i))
            t.postings += [Post(account, before, cur), Post(OPENING, -before, cur)]
            openings.append(t)
        return closing, openings

    def k_income(self, d: Parsed, i: int) -> list[Txn]:
        acc, fund, rule = self.context(d, i)
        row, cur = d.rows[i], d.currency[i]
        fees = [f * spec.sign for f, spec in zip(d.fees[i], self.p.fees, strict=True)]
        gross, net = d.gross[i], d.net[i]
        if gross is None:
            gross = net + sum(fees)
        if net is None:
            net = gross - sum(fees)
        if net != gross - sum(fees):
            raise self.problem(row, "net is not gross less fees")  # no cell is echoed
        t = self.head(d, i, fund, rule)
        if d.donors[i] and gross > 0 and rule.donor:
            t.meta.append(("donor", d.donors[i]))
        ref = d.cell(self.p.reference, i)
        if ref and gross < 0:
            t.meta.append(("refund-of", f"{self.p.namespace}:{ref}"))
        t.postings.append(Post(self.account(acc, "account", row), net, cur))
        for f, spec in zip(fees, self.p.fees, strict=True):
            if f:
                t.postings.append(Post(self.account(acc, spec.account, row), f, cur))
        if d.foreign[i]:
            famt, fcur = d.foreign[i]
            t.postings.append(Post(self.account(acc, "income", row), -abs(famt).copy_sign(gross),
                                   fcur, (abs(gross), cur)))
        else:
            t.postings.append(Post(self.account(acc, "income", row), -gross, cur))
        return [t]

    def _move(self, d: Parsed, i: int, key: str) -> list[Txn]:
        acc, fund, rule = self.context(d, i)
        row, amount = d.rows[i], d.net[i] if d.net[i] is not None else d.gross[i]
        t = self.head(d, i, fund, rule)
        t.postings += [Post(self.account(acc, "account", row), amount, d.currency[i]),
                       Post(self.account(acc, key, row), -amount, d.currency[i])]
        return [t]

    def k_transfer(self, d, i):
        return self._move(d, i, "transfer")

    def k_expense(self, d, i):
        """Money paid out; a fee the platform took on the payment (Open Collective's payout
        fee) is a fee, and the payee's expense what is left."""
        fees = d.fees_at(i)
        if not any(fees):
            return self._move(d, i, "expense")
        acc, fund, rule = self.context(d, i)
        row, cur = d.rows[i], d.currency[i]
        net = d.net[i] if d.net[i] is not None else d.gross[i]
        t = self.head(d, i, fund, rule)
        t.postings.append(Post(self.account(acc, "account", row), net, cur))
        paid = [f * spec.sign for f, spec in zip(fees, self.p.fees, strict=True)]
        for f, spec in zip(paid, self.p.fees, strict=True):
            if f:
                t.postings.append(Post(self.account(acc, spec.account, row), f, cur))
        t.postings.append(Post(self.account(acc, "expense", row), -net - sum(paid), cur))
        return [t]

    def k_fee(self, d, i):
        return self._move(d, i, "fees")

    def k_invoice(self, d: Parsed, i: int) -> list[Txn]:
        from importers.invoices import invoice

        return invoice(self, d, i)

    def k_budget(self, d: Parsed, i: int) -> list[Txn]:
        _acc, fund, rule = self.context(d, i)
        line = d.cell(self.p.line, i)
        if not line:
            raise self.problem(d.rows[i], f"missing budget line in column '{self.p.line}'")
        t = self.head(d, i, None, rule)
        t.custom = (funds.BUDGET, [fund, line, (d.gross[i], d.currency[i])])
        return [t]

    def conversions(self, d: Parsed, built: dict[str, Txn]) -> list[Txn]:
        from importers.paypal import conversions

        return conversions(self, d, built)


def zero(x: Decimal | None) -> bool:
    return x is None or x == 0
