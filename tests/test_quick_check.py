"""The import's quick books check (ledger.quick) against a full beancount load.

On generated imports appended to small books with funds, a closed fund, a balance
assertion and a period lock, the quick check over entry objects and a full load of the
books as written must agree: accept for accept, refuse for refuse. Every way a check can
refuse is generated: an unbalanced entry, an unopened account, a currency an account does
not take, an undeclared or missing fund, a fund used before it opens or after it closes, a
restricted fund spent outside its purpose or below zero (in pounds, in euros, or in both:
from 2021-06-01 a `price` values its euros in pounds), a balance assertion the new
entries break (or a new one that fails), an entry in the locked period.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import books, quick
from ledger import cache as load_cache
from ledger import lock as period_lock

START = datetime.date(2020, 1, 1)
BOOKS = """option "operating_currency" "GBP"
plugin "ledger.plugin"
include "accounts.beancount"
2020-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2020-01-01 custom "fund" "case" "restricted"
  title: "Case"
  purpose: "Expenses:Legal"
2021-01-01 custom "fund" "late" "restricted"
  title: "Opens later"
  purpose: "Expenses:Legal"
2020-01-01 custom "fund" "spent" "restricted"
  title: "Closed in 2021"
  purpose: "Expenses:Legal"
2020-02-10 * "Donor" "Gift to the case"
  fund: "case"
  Assets:Bank        100.00 GBP
  Income:Donations  -100.00 GBP
2020-03-01 * "Donor" "Gift spent and closed"
  fund: "spent"
  Assets:Bank         40.00 GBP
  Income:Donations   -40.00 GBP
2020-04-01 * "Solicitors" "Advice"
  fund: "spent"
  Assets:Bank        -40.00 GBP
  Expenses:Legal      40.00 GBP
2021-06-30 custom "fund-close" "spent"
2022-01-01 balance Assets:Bank 100.00 GBP
2021-06-01 price EUR 0.85 GBP
"""
ACCOUNTS = """2020-01-01 open Assets:Bank GBP
2020-01-01 open Assets:PayPal
2020-01-01 open Income:Donations
2020-01-01 open Expenses:Legal
2020-01-01 open Expenses:Fees
2020-06-01 open Expenses:Office
"""
LOCKED_THROUGH = datetime.date(2020, 1, 31)
TARGET = "imports/gen/2021.beancount"

# Accounts an entry may use: the opened ones, one opened late, one never opened.
# Repeated choices make most entries valid, so both verdicts are common.
MONEY = ("Assets:Bank",) + ("Assets:PayPal",) * 5
SPENDING = ("Expenses:Legal",) * 3 + ("Expenses:Fees",) * 3 + ("Expenses:Office",
                                                                "Expenses:Unknown")
FUNDS = ("general",) * 10 + ("case", "case", "late", "spent", "nowhere", None)

days = st.integers(min_value=0, max_value=4 * 365).map(lambda n: START + datetime.timedelta(n))
cents = st.integers(min_value=1, max_value=20_000)


@st.composite
def entries(draw):
    """One generated entry: (date, kind, details)."""
    kind = draw(st.sampled_from(("gift",) * 4 + ("spend",) * 3 + ("balance",)))
    day = draw(days)
    if kind == "balance":
        return (day, "balance", draw(st.sampled_from(MONEY)), draw(st.sampled_from((0, 0, 0, 0, 1, -2))),
                draw(st.sampled_from(("GBP",) * 4 + ("EUR",))))
    return (day, kind, draw(st.sampled_from(MONEY)),
            draw(st.sampled_from(SPENDING)) if kind == "spend" else "Income:Donations",
            draw(cents), draw(st.sampled_from(FUNDS)),
            draw(st.sampled_from(("GBP",) * 15 + ("EUR",))),
            # off by a penny (unbalanced), or by 0.4p written to a tenth of a penny: a
            # remainder beancount's tolerance (half the last digit written) may forgive
            draw(st.sampled_from((0,) * 15 + (1, "0.004"))),
            draw(st.sampled_from((2, 2, 3))))  # decimals the money posting is written to


def _money(cents, places: int = 2) -> str:
    """Pennies (an int, or a Decimal text for fractions of one) written to `places`."""
    return f"{Decimal(cents) / 100:.{places}f}"


def render(generated: list, opens: list[tuple[datetime.date, str]]) -> tuple[str, str]:
    """The import's text, and the accounts file with `opens` added. A generated balance
    assertion asserts the balance the entries before it give (worked here from the
    generated amounts and the base books' 100.00 in the bank), put off by its offset in
    pennies; offset 0 is a true assertion."""
    held = {("Assets:Bank", "GBP"): 10_000}  # the base books' bank balance, in pennies
    out = []
    # Balances are checked before the day's transactions, as beancount does.
    for e in sorted(generated, key=lambda e: (e[0], e[1] != "balance")):
        if e[1] == "balance":
            _, _, account, offset, currency = e
            total = held.get((account, currency), 0) + offset
            out.append(f"{e[0]} balance {account} {_money(total)} {currency}\n")
            continue
        day, kind, money, other, amount, fund, currency, off, places = e
        sign = 1 if kind == "gift" else -1
        odd = 3 if off == "0.004" else 2  # the other posting's decimals
        meta = f'  fund: "{fund}"\n' if fund else ""
        out.append(f'{day} * "Someone" "{kind}"\n{meta}'
                   f"  {money}  {_money(sign * amount, places)} {currency}\n"
                   f"  {other}  {_money(-sign * amount + Decimal(off) * 100, odd)} {currency}\n")
        held[(money, currency)] = held.get((money, currency), 0) + sign * amount
    accounts = ACCOUNTS + "".join(f"{day} open {account}\n" for day, account in opens)
    return "\n".join(out), accounts


def base_books(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "accounts.beancount").write_text(ACCOUNTS)
    main = folder / "main.beancount"
    main.write_text(BOOKS)
    loaded, errors, _ = load_cache.real_load(main)
    assert errors == []
    lock, detail = period_lock.lock_files(loaded, LOCKED_THROUGH, datetime.date(2026, 1, 1))
    for rel, text in detail.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    main.write_text(BOOKS + lock)
    return main


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(entries(), min_size=1, max_size=5),
       st.lists(st.tuples(days, st.sampled_from(("Expenses:Unknown", "Assets:Other"))),
                max_size=1).filter(lambda opens: all(d.year >= 2021 for d, _ in opens)))
def test_quick_check_agrees_with_a_full_load(generated, opens):
    with tempfile.TemporaryDirectory() as tmp:
        main = base_books(Path(tmp) / "books").resolve()
        text, accounts = render(generated, opens)
        changes = books.appended(main, {TARGET: text})
        if opens:
            changes["accounts.beancount"] = accounts
        loaded = load_cache.real_load(main)
        assert loaded[1] == []
        full = books.check_in_full(main, changes)
        assert quick.proven_clean(main, changes, loaded) == (full == []), full


def test_quick_check_accepts_a_clean_import_and_refuses_an_overdraft(tmp_path):
    """The property's two verdicts both happen: a gift to the case fund is proven clean
    without a full load, and spending 100.01 of its 100.00 is not."""
    main = base_books(tmp_path / "books").resolve()
    loaded = load_cache.real_load(main)
    gift = [(datetime.date(2021, 3, 1), "gift", "Assets:PayPal", "Income:Donations", 500,
             "case", "GBP", 0, 2)]
    text, _ = render(gift, [])
    assert quick.proven_clean(main, books.appended(main, {TARGET: text}), loaded)
    spend = [(datetime.date(2022, 3, 1), "spend", "Assets:Bank", "Expenses:Legal", 10_001,
              "case", "GBP", 0, 2)]
    text, _ = render(spend, [])
    changes = books.appended(main, {TARGET: text})
    assert not quick.proven_clean(main, changes, loaded)
    assert any("overspent" in line for line in books.check_in_full(main, changes))


def test_a_fund_holding_pounds_may_spend_euros_worth_less(tmp_path):
    """The case fund's 100.00 GBP may pay 100.00 EUR (85.00 GBP at the books' price from
    2021-06-01): proven clean without a full load, as the full load agrees; before the
    price, or 120.00 EUR (102.00 GBP), it is overspent."""
    main = base_books(tmp_path / "books").resolve()
    loaded = load_cache.real_load(main)
    for day, cents, clean in ((datetime.date(2021, 7, 1), 10_000, True),
                              (datetime.date(2021, 5, 31), 10_000, False),
                              (datetime.date(2021, 7, 1), 12_000, False)):
        spend = [(day, "spend", "Assets:PayPal", "Expenses:Legal", cents, "case", "EUR", 0, 2)]
        text, _ = render(spend, [])
        changes = books.appended(main, {TARGET: text})
        full = books.check_in_full(main, changes)
        assert (full == []) == clean, full
        assert quick.proven_clean(main, changes, loaded) == clean


def test_entries_alike_but_for_their_decimals_are_checked_apart(tmp_path):
    """10.00 and 10.000 are one number but not one tolerance (half the last digit
    written): -10.004 against 10.00 balances, against 10.000 it does not. Checking each
    set of postings once must not take the second for the first."""
    main = base_books(tmp_path / "books").resolve()
    loaded = load_cache.real_load(main)
    text = "".join(f'2021-03-0{day} * "Someone" "gift"\n  fund: "general"\n'
                   f"  Assets:PayPal  {number} GBP\n  Income:Donations  -10.004 GBP\n\n"
                   for day, number in ((1, "10.00"), (2, "10.000")))
    changes = books.appended(main, {TARGET: text})
    full = books.check_in_full(main, changes)
    assert [line for line in full if "does not balance" in line], full
    assert not quick.proven_clean(main, changes, loaded)


def test_a_budget_reaching_back_into_a_locked_period_is_not_taken(tmp_path):
    """A fund's budget declared after a lock that covers later declarations, for a fund the
    locked period knew, changes what the lock proves (ledger.lock_digest): the full load
    refuses it, so must the quick check, though the entry is dated after the lock. Under
    a lock of the period's entries only, both take it."""
    for covering in (True, False):
        folder = tmp_path / str(covering)
        main = base_books(folder).resolve()
        if covering:  # locked afresh, the lock covering options and later declarations
            shutil.rmtree(folder / "locks")
            main.write_text(BOOKS)
            entries, _, options = load_cache.real_load(main)
            lock, detail = period_lock.lock_files(entries, LOCKED_THROUGH,
                                                  datetime.date(2026, 1, 1), options)
            for rel, body in detail.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(body)
            main.write_text(BOOKS + lock)
        loaded = load_cache.real_load(main)
        assert loaded[1] == []
        text = '2021-05-01 custom "fund-budget" "case" "Solicitors" 500.00 GBP\n'
        changes = books.appended(main, {TARGET: text})
        full = books.check_in_full(main, changes)
        assert bool(full) == covering, full
        assert quick.proven_clean(main, changes, loaded) == (not covering)
