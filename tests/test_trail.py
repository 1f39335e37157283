"""The audit trail: every figure on a fund's page links to Fava's journal filtered to
exactly the transactions behind it."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest
from beancount.core.data import Transaction
from fava.core.filters import AdvancedFilter
from fava_support import fava_app

from fundledger import demo_books
from ledger import books as ledger_books
from ledger import funds as fundmodel
from reports import funds as report
from reports.classify import PAYMENT_FEES, PLATFORM_FEES, channel, legal_category
from reports.fava_ext import trail


def demo_summaries():
    entries, errors, options = ledger_books.load(demo_books.MAIN)
    assert errors == []
    return entries, {s.fund: s for s in report.reconcile(entries, options)}


@pytest.fixture(scope="module")
def demo():
    return demo_summaries()


def is_legal(account: str) -> bool:
    return account == "Expenses:Legal" or account.startswith("Expenses:Legal:")


def counted(field: str, account: str) -> bool:
    """Does reports.funds count a posting on `account` in `field`? (Written from its rules,
    not from trail's patterns.)"""
    kind, _sep, detail = field.partition(":")
    if kind in ("raised", "returned"):
        return account.startswith("Income:") and (not detail or channel(account) == detail)
    if kind == "legal":
        return is_legal(account) and (not detail or legal_category(account) == detail)
    return {
        "platform_fees": account in PLATFORM_FEES,
        "payment_fees": account in PAYMENT_FEES,
        "other": account.startswith("Expenses:") and account not in PLATFORM_FEES
        and account not in PAYMENT_FEES and not is_legal(account),
        "transfers_in": account.startswith("Equity:Funds:"),
        "balance": fundmodel.is_fund_account(account),
    }[kind]


def behind(entries, field: str, fund: str) -> set[int]:
    out = set()
    for e in entries:
        if not isinstance(e, Transaction):
            continue
        returned = e.meta.get("leftover") == "returned"
        if (field.startswith("raised") and returned) or (field == "returned" and not returned):
            continue
        if any(fundmodel.posting_fund(p, e) == fund and counted(field, p.account)
               for p in e.postings):
            out.add(id(e))
    return out


def fields(s: report.FundSummary) -> list[str]:
    return ["raised", *(f"raised:{c}" for c in s.raised), "returned", "platform_fees",
            "payment_fees", "legal", *(f"legal:{c}" for c in s.legal_by_category), "other",
            "transfers_in", "balance"]


def test_each_figures_filter_selects_exactly_its_transactions(demo):
    entries, summaries = demo
    checked = 0
    for fund, s in summaries.items():
        for field in fields(s):
            expr = trail.journal_filter(field, fund)
            got = {id(e) for e in AdvancedFilter(expr).apply(entries)
                   if isinstance(e, Transaction)}
            assert got == behind(entries, field, fund), (fund, field, expr)
            checked += bool(got)
    assert checked > 20  # the demo's funds have entries behind most figures


def test_legal_total_adds_up_from_the_filtered_journal(demo):
    entries, summaries = demo
    for fund, s in summaries.items():
        kept = AdvancedFilter(trail.journal_filter("legal", fund)).apply(entries)
        total = sum((fundmodel.weight(p).number for e in kept for p in e.postings
                     if is_legal(p.account) and fundmodel.posting_fund(p, e) == fund), 0)
        assert total == s.legal_total, fund


def test_fund_page_links_figures_to_the_fava_journal():
    app, slug = fava_app(demo_books.MAIN)
    client = app.test_client()
    page = client.get(f"/{slug}/extension/Funds/?fund=lumen-grant&time=2020") \
        .get_data(as_text=True)
    row = re.search(r'<tr class="total" data-field="legal">(.*?)</tr>', page,
                    re.DOTALL).group(1)
    # The figures' links (the row's label links to the account's journal too).
    figures = re.findall(r'<td class="num">(.*?)</td>', row, re.DOTALL)
    links = [html.unescape(h) for cell in figures for h in re.findall(r'href="([^"]+)"', cell)]
    assert len(links) == 2  # the period's figure and the figure since the fund opened
    period, whole = (parse_qs(urlparse(u).query) for u in links)
    assert period["filter"] == whole["filter"] == [trail.journal_filter("legal", "lumen-grant")]
    _entries, summaries = demo_summaries()
    opened = summaries["lumen-grant"].opened.isoformat()
    assert period["time"] == ["2020"] and whole["time"] == [f"{opened} - 2020-12-31"]
    assert client.get(links[0]).status_code == 200
