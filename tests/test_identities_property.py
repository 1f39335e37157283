"""The statements' identities on generated books (hypothesis, a bounded number of
examples): whatever the books hold, for every financial year

    net assets = total funds = the sum of the funds' balances = assets - liabilities
    each fund: brought forward + income - expenditure + transfers + gains = carried forward
    receipts and payments: brought forward + receipts - payments = carried forward
    trial balance: debits = credits
    a funder period's spent to date = the previous period's to date + this period's spend

and each year's carried forward is the next year's brought forward. The books have
opening balances, gifts to every class of fund (endowment too), refunds, gifts in euros
priced in pounds (with published rates of the euro or without), invoices owed and paid later, designations and a euro grant with a
budget, in a calendar year or one ending 31 March.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import books as ledger_books
from ledger import options as ledger_options
from reports import funds as fund_report
from reports.balance_sheet import analysis_total, balance_sheet
from reports.funder import funder_report
from reports.receipts_payments import receipts_payments
from reports.sofa import sofa
from reports.trial_balance import trial_balance

ZERO = Decimal(0)
YEARS = (2019, 2020, 2021)
START = datetime.date(2018, 4, 1)  # inside the first year either way
FUNDS = ("general", "reserve", "case", "endow", "grant")
RESTRICTED = ("case", "grant", "endow")  # funds the plugin keeps from going below zero

HEADER = """\
option "title" "Generated Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
{fy}
2018-01-01 open Assets:Bank:Current
2018-01-01 open Assets:Bank:Euro
2018-01-01 open Assets:PayPal
2018-01-01 open Liabilities:Creditors:Smith
2018-01-01 open Income:Donations
2018-01-01 open Income:Grants:Lumen
2018-01-01 open Expenses:Legal:Solicitors
2018-01-01 open Expenses:Running:Rent
2018-01-01 open Equity:Funds:Transfers
2018-01-01 open Equity:Funds:Opening
2018-01-01 custom "fund" "general" "unrestricted"
2018-01-01 custom "fund" "reserve" "designated"
2018-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
2018-01-01 custom "fund" "endow" "endowment"
2018-01-01 custom "fund" "grant" "restricted"
  purpose: "Expenses:Legal"
  currency: "EUR"
  award-rate: 0.88
2018-01-01 custom "fund-budget" "grant" "Legal" 90000.00 EUR
2018-01-01 custom "budget-map" "grant" "Expenses:Legal" "Legal"
"""

PENCE = st.integers(min_value=1, max_value=300_000)
OP = st.tuples(
    st.sampled_from(["gift", "gift", "euro-gift", "refund", "spend", "spend", "owe",
                     "settle", "designate", "tranche", "grant-spend"]),
    st.integers(min_value=0, max_value=3 * 365),  # days after START
    st.sampled_from(FUNDS[:4]), PENCE, PENCE)
# Published rates of the euro: with them, money held in euros is retranslated at each
# balance sheet date (an exchange difference); without them it stays at its booked value.
PRICES = """\
2018-12-31 price EUR 0.85 GBP
2019-03-31 price EUR 0.91 GBP
2019-12-31 price EUR 0.83 GBP
2020-03-31 price EUR 0.88 GBP
2020-12-31 price EUR 0.90 GBP
2021-03-31 price EUR 0.86 GBP
2021-12-31 price EUR 0.84 GBP
"""
BOOKS = st.tuples(st.sampled_from([None, "03-31"]), st.booleans(),
                  st.lists(st.integers(min_value=0, max_value=100_000), min_size=2,
                           max_size=2),  # opening balances of general and case, in pence
                  st.lists(OP, min_size=1, max_size=30))


def money(pence: int) -> str:
    return f"{Decimal(pence) / 100:.2f}"


def txn(day, narration: str, *postings: str, fund: str | None = None, **meta: str) -> str:
    lines = [f'{day} * "{narration}"']
    if fund:
        lines.append(f'  fund: "{fund}"')
    lines += [f'  {k}: "{v}"' for k, v in meta.items()]
    return "\n".join(lines + [f"  {p}" for p in postings]) + "\n"


def write(fy_end, prices, openings, ops) -> str:
    """The books' text. Balances of restricted funds are tallied (in pence) only so that no
    generated spend, refund or transfer overdraws one: the plugin would refuse the books."""
    held = dict.fromkeys(FUNDS, 0)
    text = [HEADER.format(fy="" if fy_end is None else
                          f'2018-01-01 custom "fundledger-option" "fy-end" "{fy_end}"')]
    if prices:
        text.append(PRICES)
    for fund, pence in zip(("general", "case"), openings, strict=True):
        if pence:
            text.append(txn(START, "Balance brought forward", f"Assets:Bank:Current {money(pence)} GBP",
                            f"Equity:Funds:Opening -{money(pence)} GBP", fund=fund))
            held[fund] += pence
    owed: list[tuple[str, int]] = []
    for i, (op, offset, fund, a, b) in enumerate(sorted(ops, key=lambda o: o[1])):
        day = START + datetime.timedelta(days=offset + 1)
        room = held[fund] if fund in RESTRICTED else a
        if op == "gift":
            account = "Assets:PayPal" if b % 2 else "Assets:Bank:Current"
            text.append(txn(day, "Gift", f"{account} {money(a)} GBP",
                            f"Income:Donations -{money(a)} GBP", fund=fund))
            held[fund] += a
        elif op == "euro-gift":
            text.append(txn(day, "Gift in euros", f"Assets:Bank:Euro {money(a)} EUR @@ {money(b)} GBP",
                            f"Income:Donations -{money(b)} GBP", fund=fund))
            held[fund] += b
        elif op == "refund" and room >= a:
            text.append(txn(day, "Refund", f"Income:Donations {money(a)} GBP",
                            f"Assets:Bank:Current -{money(a)} GBP", fund=fund))
            held[fund] -= a
        elif op in ("spend", "owe") and fund != "endow" and room >= a:
            expense = "Expenses:Running:Rent" if fund in ("general", "reserve") and b % 2 \
                else "Expenses:Legal:Solicitors"
            credit = "Assets:Bank:Current" if op == "spend" else "Liabilities:Creditors:Smith"
            text.append(txn(day, "Spend", f"{expense} {money(a)} GBP", f"{credit} -{money(a)} GBP",
                            fund=fund, invoice=f"S-{i}"))
            held[fund] -= a
            if op == "owe":
                owed.append((f"S-{i}", a))
        elif op == "settle" and owed:
            number, pence = owed.pop(0)
            text.append(txn(day, "Invoice paid", f"Liabilities:Creditors:Smith {money(pence)} GBP",
                            f"Assets:Bank:Current -{money(pence)} GBP", invoice=number))
        elif op == "designate":
            text.append(txn(day, "Designation",
                            f'Equity:Funds:Transfers {money(a)} GBP\n    fund: "general"',
                            f'Equity:Funds:Transfers -{money(a)} GBP\n    fund: "reserve"'))
            held["general"] -= a
            held["reserve"] += a
        elif op == "tranche":
            text.append(txn(day, "Grant tranche", f"Assets:Bank:Current {money(b)} GBP",
                            f"Income:Grants:Lumen -{money(a)} EUR @@ {money(b)} GBP",
                            fund="grant"))
            held["grant"] += b
        elif op == "grant-spend" and held["grant"] >= a:
            text.append(txn(day, "Counsel", f"Expenses:Legal:Solicitors {money(a)} GBP",
                            f"Assets:Bank:Current -{money(a)} GBP", fund="grant"))
            held["grant"] -= a
    return "\n".join(text)


def load(text: str, folder) -> tuple[list, dict]:
    main = folder / "main.beancount"
    main.write_text(text)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(books=BOOKS)
def test_the_statements_identities_hold_year_after_year(books, tmp_path_factory):
    entries, options = load(write(*books), tmp_path_factory.mktemp("generated"))
    end = ledger_options.fy_end(entries)
    cf_funds = cf_cash = None
    for year in YEARS:
        first, last = ledger_options.fy_dates(year, end)

        b = balance_sheet(entries, options, last)
        # Each fund's balance on the balance sheet: as `funds --as-of` gives it, with the
        # exchange difference on what it holds in euros at the closing rate.
        fund_balances = {f.fund: f.balance for f in b.fund_balances}
        booked = {s.fund: s.balance
                  for s in fund_report.reconcile(entries, options, as_of=last)
                  if s.opened <= last}
        assert set(booked) >= set(fund_balances)
        assert sum(booked.values(), ZERO) == b.total_funds
        assert booked == {f: fund_balances.get(f, ZERO) for f in booked}
        assert b.position.net_assets == b.total_funds == sum(fund_balances.values(), ZERO)
        assert b.position.net_assets == b.position.total_assets - b.position.total_liabilities
        assert sum((analysis_total(c) for c in b.analysis.values()), ZERO) == b.total_funds
        assert b.position.foreign == {}

        s = sofa(entries, options, first, last, prior=False)
        for m in s.funds:
            assert (m.brought_forward + m.income - m.expenditure + m.transfers + m.gains
                    == m.carried_forward), (year, m.fund)
            assert m.carried_forward == fund_balances.get(m.fund, ZERO), (year, m.fund)
            if cf_funds is not None:
                assert m.brought_forward == cf_funds.get(m.fund, ZERO), (year, m.fund)
        cf_funds = {m.fund: m.carried_forward for m in s.funds}

        r = receipts_payments(entries, options, first, last)
        assert (r.cash_brought_forward + r.total_receipts - r.total_payments
                + r.exchange_difference == r.cash_carried_forward), year
        # by fund class too (endowment money has its own column)
        assert sum(r.funds_carried_forward.values(), ZERO) == r.cash_carried_forward, year
        assert sum(r.funds_brought_forward.values(), ZERO) == r.cash_brought_forward, year
        if cf_cash is not None:
            assert r.cash_brought_forward == cf_cash, year
        cf_cash = r.cash_carried_forward

        tb = trial_balance(entries, options, first, last)
        assert tb.total_debit == tb.total_credit, year


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(books=BOOKS)
def test_a_funder_periods_to_date_is_the_last_periods_and_this_periods(books, tmp_path_factory):
    entries, options = load(write(*books), tmp_path_factory.mktemp("generated"))
    end = ledger_options.fy_end(entries)
    before = None
    for year in YEARS:
        first, last = ledger_options.fy_dates(year, end)
        r = funder_report(entries, options, "grant", first, last)
        whole = funder_report(entries, options, "grant", START, last)
        assert r.spent_to_date == whole.spent_to_date == whole.spent, year
        if before is not None:
            assert r.spent_to_date == before.spent_to_date + r.spent, year
        assert sum((x.spent for x in r.lines), ZERO) == r.spent, year
        assert r.balance_gbp == sum(
            (s.balance for s in fund_report.reconcile(entries, options, as_of=last)
             if s.fund == "grant"), ZERO), year
        before = r


def test_endowment_money_is_a_receipt_and_a_payment(tmp_path):
    """A gift of 100.00 to the endowment and 30.00 of it refunded, in 2019: cash goes from
    0 to 70.00, so receipts less payments must be 70.00."""
    ops = [("gift", 300, "endow", 10_000, 2), ("refund", 301, "endow", 3_000, 2)]
    entries, options = load(write(None, False, [0, 0], ops), tmp_path)
    r = receipts_payments(entries, options, datetime.date(2019, 1, 1),
                          datetime.date(2019, 12, 31))
    assert (r.cash_brought_forward, r.cash_carried_forward) == (0, Decimal("70.00"))
    assert r.total_receipts - r.total_payments == Decimal("70.00")
