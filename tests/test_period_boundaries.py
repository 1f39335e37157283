"""Every statement and control at the edges of its period: an entry on the day before the
period, on its first day, on its last day and on the day after, each of a different size,
so a sum that takes in one day too many or too few is a different figure. The same books
are tried with the calendar year and with a year ending 31 March (`fy-end` "03-31").

On each of the four days the general fund receives a gift and pays the solicitors; the
grant fund (in pounds, with a budget) receives a tranche and pays counsel. The sizes:

    day      gift  legal   tranche  counsel
    before   1000    400       800      300
    first     200     50        80       30
    last       30      6         8        3
    after       4      2       0.8      0.3

so the period (first..last) has gifts 230, legal 56, tranches 88, counsel 33; what earlier
years leave is 1000 - 400 + 800 - 300 = 1100; what the period adds is 230 - 56 + 88 - 33 =
229; and the bank at the period's end holds 1329.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger import books as ledger_books
from ledger import lock as period_lock
from ledger import options as ledger_options
from reports import closing as close_report
from reports import disclosure
from reports.balance_sheet import balance_sheet
from reports.funder import funder_report
from reports.legal import legal_spend
from reports.receipts_payments import receipts_payments
from reports.reconcile import reconcile_accounts
from reports.sofa import sofa
from reports.trial_balance import BROUGHT_FORWARD, entries_behind, nominal_ledger, trial_balance

D = Decimal
ONE_DAY = datetime.timedelta(days=1)
YEAR = 2020
FY_ENDS = {"calendar": None, "31 March": "03-31"}
SIZES = {  # day -> (gift, legal, tranche, counsel)
    "before": ("1000.00", "400.00", "800.00", "300.00"),
    "first": ("200.00", "50.00", "80.00", "30.00"),
    "last": ("30.00", "6.00", "8.00", "3.00"),
    "after": ("4.00", "2.00", "0.80", "0.30"),
}


def days(fy_end: str | None) -> dict[str, datetime.date]:
    end = ledger_options.DEFAULT_FY_END if fy_end is None else tuple(
        int(x) for x in fy_end.split("-"))
    first, last = ledger_options.fy_dates(YEAR, end)
    return {"before": first - ONE_DAY, "first": first, "last": last, "after": last + ONE_DAY}


def books_text(fy_end: str | None) -> str:
    on = days(fy_end)
    lines = ['option "title" "Boundary Trust"', 'option "operating_currency" "GBP"',
             'plugin "ledger.plugin"']
    if fy_end:
        lines.append(f'2017-01-01 custom "fundledger-option" "fy-end" "{fy_end}"')
    for account in ("Assets:Bank:Current", "Income:Donations", "Income:Grants:Lumen",
                    "Expenses:Legal:Solicitors", "Expenses:Legal:Counsel"):
        lines.append(f"2017-01-01 open {account} GBP")
    lines += [
        '2017-01-01 custom "fund" "general" "unrestricted"',
        '2017-01-01 custom "fund" "grant" "restricted"',
        '  purpose: "Expenses:Legal"',
        '  currency: "GBP"',
        '2017-01-01 custom "fund-budget" "grant" "Counsel" 1000.00 GBP',
        '2017-01-01 custom "budget-map" "grant" "Expenses:Legal:Counsel" "Counsel"',
        # Funds with nothing booked that open or close at the period's edges.
        '2017-01-01 custom "fund" "closes-before" "restricted"',
        '  purpose: "Expenses:Legal"',
        f'{on["before"]} custom "fund-close" "closes-before"',
        '2017-01-01 custom "fund" "closes-first" "restricted"',
        '  purpose: "Expenses:Legal"',
        f'{on["first"]} custom "fund-close" "closes-first"',
        f'{on["last"]} custom "fund" "opens-last" "designated"',
        f'{on["after"]} custom "fund" "opens-after" "designated"',
        # A statement balance on the first day: the bank before that day's entries.
        f'{on["first"]} balance Assets:Bank:Current  1100.00 GBP',
    ]
    for name, (gift, legal, tranche, counsel) in SIZES.items():
        d = on[name]
        lines += [
            f'{d} * "Donor" "Gift on the {name} day"', '  fund: "general"',
            f"  Assets:Bank:Current  {gift} GBP", f"  Income:Donations  -{gift} GBP",
            f'{d} * "Smith & Co" "Solicitors on the {name} day"', '  fund: "general"',
            f"  Expenses:Legal:Solicitors  {legal} GBP",
            f"  Assets:Bank:Current  -{legal} GBP",
            f'{d} * "Lumen" "Tranche on the {name} day"', '  fund: "grant"',
            f"  Assets:Bank:Current  {tranche} GBP", f"  Income:Grants:Lumen  -{tranche} GBP",
            f'{d} * "Counsel" "Counsel on the {name} day"', '  fund: "grant"',
            f"  Expenses:Legal:Counsel  {counsel} GBP",
            f"  Assets:Bank:Current  -{counsel} GBP",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module", params=list(FY_ENDS), ids=list(FY_ENDS))
def books(request, tmp_path_factory):
    """(entries, options, the four days, the main file) for one kind of financial year."""
    fy_end = FY_ENDS[request.param]
    main = tmp_path_factory.mktemp(f"bounds-{request.param[:3]}") / "main.beancount"
    main.write_text(books_text(fy_end))
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options, days(fy_end), main


def test_the_books_financial_year_is_the_period_tested(books):
    entries, _options, on, _main = books
    assert ledger_options.fy_bounds(entries, YEAR) == (on["first"], on["last"])
    assert ledger_options.fy_of(on["first"], ledger_options.fy_end(entries)) == YEAR
    assert ledger_options.fy_of(on["last"], ledger_options.fy_end(entries)) == YEAR
    assert ledger_options.fy_of(on["after"], ledger_options.fy_end(entries)) == YEAR + 1
    assert ledger_options.fy_of(on["before"], ledger_options.fy_end(entries)) == YEAR - 1


def test_sofa(books):
    entries, options, on, _main = books
    s = sofa(entries, options, on["first"], on["last"])
    assert s.row("income.total").total == D("318.00")  # 230 + 88
    assert s.row("expenditure.total").total == D("89.00")  # 56 + 33
    note = {m.fund: (m.brought_forward, m.income, m.expenditure, m.carried_forward)
            for m in s.funds}
    assert note["general"] == (D("600.00"), D("230.00"), D("56.00"), D("774.00"))
    assert note["grant"] == (D("500.00"), D("88.00"), D("33.00"), D("555.00"))
    # A fund closed on the first day is in the year's note, one closed the day before is
    # not; one opened on the last day is, one opened the day after is not.
    assert set(note) == {"general", "grant", "closes-first", "opens-last"}
    # The prior year is the year before: its last day is the day before.
    assert s.row("income.total").prior_total == D("1800.00")
    # Only the first day, only the last day.
    one = sofa(entries, options, on["first"], on["first"], prior=False)
    assert one.row("income.total").total == D("280.00")
    one = sofa(entries, options, on["last"], on["last"], prior=False)
    assert one.row("income.total").total == D("38.00")


def test_balance_sheet(books):
    entries, options, on, _main = books
    b = balance_sheet(entries, options, on["last"], prior=on["before"])
    assert b.position.assets["cash_at_bank"] == D("1329.00")
    assert b.position.net_assets == b.total_funds == D("1329.00")
    assert {f.fund: f.balance for f in b.fund_balances} == {
        "general": D("774.00"), "grant": D("555.00"), "opens-last": 0}
    assert b.prior.position.assets["cash_at_bank"] == D("1100.00")
    # At the period's first day: a fund closed that day is shown, one closed the day
    # before is not.
    first = balance_sheet(entries, options, on["first"])
    assert first.position.assets["cash_at_bank"] == D("1300.00")
    assert {f.fund for f in first.fund_balances} == {"general", "grant", "closes-first"}


def test_receipts_and_payments(books):
    entries, options, on, _main = books
    r = receipts_payments(entries, options, on["first"], on["last"])
    assert (r.total_receipts, r.total_payments) == (D("318.00"), D("89.00"))
    assert (r.cash_brought_forward, r.cash_carried_forward) == (D("1100.00"), D("1329.00"))
    assert r.cash_accounts == {"Assets:Bank:Current": (D("1100.00"), D("1329.00"))}
    assert r.statement.assets["cash_at_bank"] == D("1329.00")
    following = receipts_payments(entries, options, on["after"], on["after"])
    assert following.cash_brought_forward == r.cash_carried_forward
    assert (following.total_receipts, following.total_payments) == (D("4.80"), D("2.30"))


def test_trial_balance_nominal_ledger_and_entries_behind(books):
    entries, options, on, _main = books
    tb = trial_balance(entries, options, on["first"], on["last"])
    lines = {x.account: x.balance for x in tb.lines}
    assert lines == {"Assets:Bank:Current": D("1329.00"), "Income:Donations": D("-230.00"),
                     "Income:Grants:Lumen": D("-88.00"),
                     "Expenses:Legal:Solicitors": D("56.00"),
                     "Expenses:Legal:Counsel": D("33.00"), BROUGHT_FORWARD: D("-1100.00")}
    assert tb.total_debit == tb.total_credit == D("1418.00")

    rows = nominal_ledger(entries, options, on["first"], on["last"])
    bank = [r for r in rows if r.account == "Assets:Bank:Current"]
    assert (bank[0].narration, bank[0].balance) == ("balance brought forward", D("1100.00"))
    assert {r.date for r in bank[1:]} == {on["first"], on["last"]}
    assert bank[-1].balance == D("1329.00")
    gifts = [r.amount for r in rows if r.account == "Income:Donations"]
    assert gifts == [D("-200.00"), D("-30.00")]

    behind = entries_behind(entries, options, on["first"], on["last"])
    sofa_rows = [r for r in behind if r.statement == "sofa"]
    assert {r.date for r in sofa_rows} == {on["first"], on["last"]}
    assert sum(r.amount for r in sofa_rows if r.line.startswith("income.")) == D("318.00")
    cash = [r for r in behind if r.statement == "balance sheet"]
    assert max(r.date for r in cash) == on["last"]
    assert sum(r.amount for r in cash) == D("1329.00")


def test_funder_report_period(books):
    entries, options, on, _main = books
    r = funder_report(entries, options, "grant", on["first"], on["last"])
    assert [t.date for t in r.tranches] == [on["first"], on["last"]]
    assert (r.received, r.spent) == (D("88.00"), D("33.00"))
    assert {s.date for s in r.spend} == {on["first"], on["last"]}
    assert r.spent_to_date == D("333.00")
    assert r.balance_gbp == D("555.00")
    counsel = next(x for x in r.lines if x.line == "Counsel")
    assert (counsel.spent, counsel.spent_to_date) == (D("33.00"), D("333.00"))
    # --from alone runs to the end of the financial year it starts.
    assert funder_report(entries, options, "grant", on["first"]).end == on["last"]
    # A period's to-date is the period before's to-date and this period's spend.
    before = funder_report(entries, options, "grant", on["before"], on["before"])
    assert r.spent_to_date == before.spent_to_date + r.spent
    after = funder_report(entries, options, "grant", on["after"], on["after"])
    assert after.spent_to_date == r.spent_to_date + after.spent == D("333.30")


def test_legal_by_year(books):
    entries, options, on, _main = books
    spend = legal_spend(entries, options, by="year")
    end = ledger_options.fy_end(entries)
    totals = {g.key: g.total for g in spend.groups}
    assert totals == {ledger_options.fy_label(YEAR - 1, end): D("700.00"),
                      ledger_options.fy_label(YEAR, end): D("89.00"),
                      ledger_options.fy_label(YEAR + 1, end): D("2.30")}
    since = legal_spend(entries, options, since=on["first"])
    assert since.total == D("91.30")  # the first day's and everything after
    assert min(line.date for line in since.lines) == on["first"]


def test_reconciliation_as_of(books):
    entries, _options, on, _main = books
    at = {d: next(c for c in reconcile_accounts(entries, on[d])
                  if c.account == "Assets:Bank:Current") for d in on}
    # The day before the statement: the statement is not yet in.
    assert at["before"].statement is None and at["before"].balance == D("1100.00")
    # On its day: the books before that day's entries agree with it; that day's entries
    # are since it.
    assert (at["first"].statement, at["first"].difference) == (D("1100.00"), 0)
    assert len(at["first"].since) == 4 and at["first"].balance == D("1300.00")
    assert at["last"].balance == D("1329.00") and len(at["last"].since) == 8
    assert at["last"].since_total == D("229.00")
    assert at["after"].balance == D("1331.50") and len(at["after"].since) == 12


def test_lock_through_the_last_day(books):
    entries, _options, on, _main = books
    hashed = period_lock.hashes_through(entries, on["last"])
    assert max(e.date for _h, e in hashed) == on["last"]
    # the four transactions of the day and the fund opened on it
    assert sum(1 for _h, e in hashed if e.date == on["last"]) == 5
    # A lock is written only once its period is over: not on its last day.
    with pytest.raises(period_lock.Refused):
        period_lock.lock_files(entries, on["last"], today=on["last"])
    text, _detail = period_lock.lock_files(entries, on["last"], today=on["after"])
    assert f'{on["last"]} custom "lock"' in text


def _change_on(entries, day: datetime.date):
    """The entries with the first transaction of `day` one penny different."""
    out, done = [], False
    for e in entries:
        if not done and e.date == day and hasattr(e, "postings"):
            p0, p1, *rest = e.postings
            out.append(e._replace(postings=[
                p0._replace(units=p0.units._replace(number=p0.units.number + D("0.01"))),
                p1._replace(units=p1.units._replace(number=p1.units.number - D("0.01"))),
                *rest]))
            done = True
        else:
            out.append(e)
    return out


def test_lock_catches_a_change_on_its_last_day_and_not_on_the_day_after(books, tmp_path):
    entries, _options, on, _main = books
    text, detail = period_lock.lock_files(entries, on["last"], today=on["after"] + ONE_DAY)
    for rel, body in detail.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    lock_main = tmp_path / "main.beancount"
    lock_main.write_text(text)
    lock_entries, _errors, _o = ledger_books.load(lock_main)
    lock_entry = next(e for e in lock_entries if getattr(e, "type", None) == "lock")
    with_lock = sorted([*entries, lock_entry], key=lambda e: e.date)
    assert period_lock.check(with_lock) == []
    for d in ("first", "last"):
        assert period_lock.check(_change_on(with_lock, on[d])), d
    assert period_lock.check(_change_on(with_lock, on["after"])) == []


def test_close_on_the_day_of_the_last_entry_not_before(books):
    entries, options, on, _main = books
    # The grant is used on the day after: closing it on the last day is refused, on the
    # day after it is not refused for that reason (money is left, so terms decide).
    with pytest.raises(close_report.CannotClose, match=f"first on {on['after']}"):
        close_report.plan(entries, options, "grant", on["last"])
    try:
        close_report.plan(entries, options, "grant", on["after"])
    except close_report.CannotClose as e:
        assert not any("used after" in r for r in e.reasons), e.reasons
    # A fund may close on the day it opens, not the day before.
    assert close_report.plan(entries, options, "opens-last", on["last"]).day == on["last"]
    with pytest.raises(close_report.CannotClose, match="before the fund opens"):
        close_report.plan(entries, options, "opens-last", on["last"] - ONE_DAY)


def test_transparency_periods(books):
    entries, _options, on, _main = books
    ends = disclosure.period_ends(entries, today=on["after"])
    assert on["last"] in ends and on["before"] in ends
    # A period is published only once it is over: on its last day it is not.
    assert on["last"] not in disclosure.period_ends(entries, today=on["last"])
    i = ends.index(on["last"])
    assert disclosure.period_index(ends, on["last"]) == i
    assert disclosure.period_index(ends, on["first"]) == i
    assert disclosure.period_index(ends, on["before"]) == i - 1
    assert disclosure.period_index(ends, on["after"]) == i + 1


def test_funder_report_other_money_in_the_period(books):
    """Transfers into the grant on each of the four days, of different sizes: the report's
    other money in the period is the first and last days' only."""
    _entries, _options, on, main = books
    extra = ["2017-01-01 open Equity:Funds:Transfers GBP"]
    for name, size in (("before", "7000.00"), ("first", "500.00"), ("last", "40.00"),
                       ("after", "3.00")):
        extra += [f'{on[name]} * "Transfer on the {name} day"',
                  f'  Equity:Funds:Transfers  {size} GBP', '    fund: "general"',
                  f'  Equity:Funds:Transfers  -{size} GBP', '    fund: "grant"']
    main.with_name("transfers.beancount").write_text(
        main.read_text() + "\n".join(extra) + "\n")
    entries, errors, options = ledger_books.load(main.with_name("transfers.beancount"))
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    r = funder_report(entries, options, "grant", on["first"], on["last"])
    assert r.other_gbp == D("540.00")
    assert r.balance_gbp == D("8095.00")  # 555 + 7000 + 500 + 40
