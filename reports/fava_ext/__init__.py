"""The Funds page in Fava: every fund's status and balance, a page per fund, downloads.

Enabled from the books with

    2017-01-01 custom "fava-extension" "reports.fava_ext" "{}"

(`fundledger serve` starts Fava on books that say so). The page honours Fava's time filter
and filter bar: see window.py for how the period's entries are chosen, page.py for what is
shown, downloads.py for the reports offered. Every figure comes from
reports.funds.reconcile; this module only wires it into Fava.

Reconciling 100k transactions takes a while, so each (filters, period) result is kept
until the books change (Fava reloads them and calls `after_load_file`), and under
`fundledger serve` the unfiltered view is computed in the background as soon as the books
are loaded (warm.py).
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from decimal import Decimal
from urllib.parse import urlencode

from beancount.core.data import Transaction
from fava.application import url_for
from fava.core.filters import FilterError
from fava.ext import FavaExtensionBase, extension_endpoint
from fava.util.date import parse_date
from flask import Response, abort, request, send_file
from markupsafe import Markup
from werkzeug.utils import secure_filename

from ledger import funds as fundmodel
from ledger import options as ledger_options
from ledger import unclassified
from reports import reconcile, svg, words
from reports.classify import ReportError
from reports.fava_ext import downloads, trail, warm, writes
from reports.fava_ext.page import (
    FundsView,
    compute,
    legal_by_firm_and_year,
    raised_and_spent_by_year,
    spent,
)

# Fava loads every extension class found here: Statements is the SOFA and funder report page.
from reports.fava_ext.statements import Statements as Statements
from reports.fava_ext.window import Window
from reports.fund_holdings import SYMBOLS
from reports.funder import FunderReport
from reports.funds import FundSummary
from reports.render import money

CACHE_SIZE = 32
FILTER_ARGS = ("time", "account", "filter", "conversion", "interval")


def refuse_filter(problem: str):
    """A time or filter Fava cannot read is the request's fault: a 400 saying what is wrong,
    in plain text, on the page and its downloads alike (not a 500 and a traceback)."""
    abort(Response(f"Fava's filter cannot be used: {problem}\n", status=400,
                   mimetype="text/plain"))


class Funds(FavaExtensionBase):
    """Fava's sidebar entry "Funds" (the URL is /<books>/extension/Funds/)."""

    report_title = "Funds"
    has_js_module = True  # Funds.js: phone-width CSS for Fava's own Import page
    words = words  # the codes in plain words (reports/words.py), for the template

    def __init__(self, ledger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        self._cache: OrderedDict[tuple, object] = OrderedDict()  # see _memo
        self._lock = threading.Lock()
        writes.guard(ledger)  # Fava's writes and the CLI's take the same books lock

    def after_load_file(self) -> None:
        with self._lock:
            self._cache.clear()

    # ---- the data, under Fava's filters -------------------------------------------

    def window(self) -> Window:
        """The period of Fava's time filter (fiscal years as Fava reads them), or all time."""
        time = request.args.get("time", "").strip()
        if not time:
            return Window(None, None)
        try:
            begin, end = parse_date(time, self.ledger.fava_options.fiscal_year_end)
        except (ValueError, OverflowError) as e:  # "2020-13": a date that is none
            refuse_filter(f"time {time!r}: {e}")
        if begin is None or end is None:
            refuse_filter(f"time {time!r} is not a period Fava reads "
                          "(a year, month or day, e.g. 2023, 2023-03, 2020 - 2023)")
        return Window(begin, end)

    def _kept(self, account: str, filter_: str) -> frozenset[int] | None:
        """Ids of the transactions Fava's account filter and filter bar keep (None = all)."""
        if not account and not filter_.strip():
            return None
        try:
            filtered = self.ledger.get_filtered(account=account, filter=filter_, time="")
        except (FilterError, re.error, ValueError) as e:
            refuse_filter(str(e))
        return frozenset(id(e) for e in filtered.entries if isinstance(e, Transaction))

    def view(self) -> FundsView:
        account = request.args.get("account", "")
        filter_ = request.args.get("filter", "")
        window = self.window()
        entries = self.ledger.all_entries

        def make() -> FundsView:
            if not account and not filter_ and window.is_whole:  # perhaps under way already
                warmed = warm.result(entries)
                if warmed is not None:
                    return warmed.view
            return compute(entries, self.ledger.options, self._kept(account, filter_), window)

        return self._memo((id(entries), account, filter_, window), make)

    def grant(self, view: FundsView, fund: FundSummary | None) -> FunderReport | None:
        """The funder report of a grant fund for the page's period (None if not a grant).

        Statements cover the whole books: only Fava's time filter applies."""
        if fund is None:
            return None
        entries = self.ledger.all_entries
        return self._memo((id(entries), "grant", fund.fund, view.window),
                          lambda: downloads.grant_report(entries, self.ledger.options,
                                                         fund.fund, view))

    def unclassified(self) -> str:
        """What imports parked in suspense (--unclassified suspense), in words; '' if none."""
        entries = self.ledger.all_entries

        def make() -> str:
            warmed = warm.result(entries)  # computed with the view, when serve loaded them
            if warmed is not None:
                return warmed.unclassified
            found = unclassified.find(entries)
            return found.text() if found else ""

        return self._memo((id(entries), "unclassified"), make)

    def unreconciled(self, view: FundsView, fund: FundSummary) -> list[str]:
        """The holding accounts the fund used that do not agree with a statement as at
        the period's end: shown as blockers to closing it. (Both are scans of every entry.)"""
        entries = self.ledger.all_entries
        checks = self._memo((id(entries), "reconcile", view.as_at),
                            lambda: reconcile.reconcile_accounts(entries, view.as_at))
        accounts = self._memo((id(entries), "accounts", fund.fund),
                              lambda: reconcile.fund_accounts(entries, fund.fund))
        return reconcile.unreconciled(checks, accounts)

    def grants(self) -> frozenset[str]:
        """The funds a funder report is offered for (downloads.grant_funds)."""
        entries = self.ledger.all_entries
        return self._memo((id(entries), "grants"), lambda: downloads.grant_funds(entries))

    def _memo(self, key: tuple, make):
        """The value kept under `key` until the books change, made now if there is none
        (the CACHE_SIZE most recently used are kept)."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        self._remember(key, value)
        return value

    def _remember(self, key: tuple, value) -> None:
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def selected_fund(self, view: FundsView) -> FundSummary | None:
        """The fund of ?fund=, checked against the declared funds (404 if it is not one)."""
        fund_id = request.args.get("fund")
        if fund_id is None:
            return None
        if fund_id not in view.fund_ids:
            abort(404)
        return view.fund(fund_id)

    # ---- what the template uses -------------------------------------------------

    def page(self) -> dict:
        view = self.view()
        fund = self.selected_fund(view)
        grant = self.grant(view, fund)
        context = {"view": view, "fund": fund, "unit": view.unit, "grant": grant,
                   "opening_account": fundmodel.OPENING_ACCOUNT,
                   "downloads": downloads.offered(fund, grant is not None),
                   "unclassified": self.unclassified(), "grants": self.grants()}
        if fund is None:
            context["rows"] = [(s, view.period(s.fund)) for s in view.to_end]
            context["brought_forward"] = any(per and per.brought_forward
                                             for _s, per in context["rows"])
            context["chart"] = svg.raised_spent_chart(
                raised_and_spent_by_year(view), "Raised and spent per year, all funds",
                self.money, SYMBOLS.get(view.unit, ""))
        else:
            period = view.period(fund.fund)
            years, legal_rows = legal_by_firm_and_year(view, fund.fund)
            context.update(
                period=period, years=years, legal_rows=legal_rows,
                unreconciled=self.unreconciled(view, fund),
                chart=svg.raised_spent_chart(
                    raised_and_spent_by_year(view, fund.fund),
                    f"{fund.title}: raised and spent per year", self.money,
                    SYMBOLS.get(view.unit, "")),
                firm_chart=svg.bar_chart(
                    sorted(fund.legal_by_firm.items(), key=lambda kv: -kv[1]),
                    f"{fund.title}: legal spend by firm", self.money))
        return context

    def money(self, number: Decimal | int | None) -> str:
        """1,234.50: the template's missing figures are a plain 0."""
        return money(None if number is None else Decimal(number))

    def journal_link(self, fund_id: str, account: str) -> str:
        """Fava's journal of the entries behind a figure: the account, filtered to the
        fund (`fund:` metadata), keeping the page's time filter."""
        return url_for("report", report_name="journal", account=account,
                       filter=f'fund:"{fund_id}"')

    def fy_words(self, view: FundsView) -> str:
        """ "financial years ending 31 March": what the by-year columns are."""
        return ledger_options.fy_words(view.year_end)

    def spent(self, summary: FundSummary) -> Decimal:
        return spent(summary)

    def journal_url(self, field: str, fund: FundSummary, whole: bool) -> str | None:
        """Fava's journal filtered to the transactions behind one figure of a fund: for
        the figure since the fund opened (`whole`), from its opening to the period's end;
        else Fava's own period. Other filters are dropped: they would hide entries the
        figure counts. None when the figure has no such filter."""
        expr = trail.journal_filter(field, fund.fund)
        if expr is None:
            return None
        args = {"filter": expr}
        window = self.window()
        if whole:
            if window.last_day is not None:  # else all time: no time filter at all
                args["time"] = f"{fund.opened.isoformat()} - {window.last_day.isoformat()}"
        elif request.args.get("time"):
            args["time"] = request.args["time"]
        return url_for("report", report_name="journal", **args)

    def period_text(self, window: Window) -> Markup | str:
        if window.is_whole:
            return "all time"
        first = window.begin.isoformat() if window.begin else "the start"
        last = window.last_day.isoformat() if window.last_day else "today"
        return f"{first} to {last}"

    # ---- downloads ---------------------------------------------------------------

    def download_url(self, name: str, fund: FundSummary | None) -> str:
        """The download endpoint's URL, carrying Fava's filters like every Fava link.

        (Fava's `url_for` cannot build it: the route's `endpoint` argument clashes with
        url_for's own first parameter.)"""
        args = [("report", name)] + ([("fund", fund.fund)] if fund else [])
        args += [(k, request.args[k]) for k in FILTER_ARGS if request.args.get(k)]
        base = url_for("extension_report", extension_name=self.name)
        return base.split("?")[0] + "download?" + urlencode(args)

    @extension_endpoint("download")
    def download(self):
        """/extension/Funds/download?report=<name>[&fund=<id>]: only registered names."""
        name = request.args.get("report", "")
        report = downloads.REPORTS.get(name)
        if report is None:
            abort(404)
        view = self.view()
        fund = self.selected_fund(view)
        grant = self.grant(view, fund)
        if not downloads.available(report, fund, grant is not None):
            abort(404)
        try:
            data = report.build(downloads.Request(view, self.ledger.all_entries,
                                                  self.ledger.options, fund, grant))
        except ReportError as e:  # the books cannot give this report: say why, as the CLI does
            return Response(f"{report.label}: {e}\n", status=422, mimetype="text/plain")
        filename = report.filename
        if fund is not None:
            filename = filename.replace("{fund}", secure_filename(fund.fund) or "fund")
        return send_file(io.BytesIO(data), mimetype=report.mimetype, as_attachment=True,
                         download_name=filename)
