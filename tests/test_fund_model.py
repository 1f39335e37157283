"""ledger.funds on entries as the parser gives them: the pure functions every report builds
on, at the edges the mutation run (docs/testing.md) found untested."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader
from beancount.core.amount import Amount

from ledger import funds as fundmodel

D = Decimal

# No plugin line: a transaction's fund stays on the transaction, as before the plugin runs.
BOOKS = """\
option "operating_currency" "GBP"
2017-01-01 open Assets:Bank
2017-01-01 open Income:Donations
2017-01-01 open Income:Grants
2017-01-01 open Expenses:Legal
2017-01-01 open Assets:Shares
2017-01-01 custom "fund" "a" "unrestricted"
2017-01-01 custom "fund" "b" "restricted"
  purpose: "Expenses:Legal"

2018-01-01 * "Gift to a, fund on the transaction"
  fund: "a"
  Assets:Bank         10.125 GBP
  Income:Donations   -10.125 GBP

2018-01-02 * "Gift to b, fund on the posting"
  Assets:Bank          1.00 GBP
  Income:Donations    -1.00 GBP
    fund: "b"

2018-02-01 * "Grant to b at a total price"
  fund: "b"
  Assets:Bank        100.00 GBP
  Income:Grants     -117.37 EUR @@ 100.00 GBP

2018-03-01 * "Shares given to a, held at cost"
  fund: "a"
  Assets:Shares        3 SHR {3.3333 GBP}
  Income:Donations  -9.9999 GBP

2018-04-01 * "b spends its gift"
  fund: "b"
  Expenses:Legal       1.00 GBP
  Assets:Bank         -1.00 GBP
"""


def parsed(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS)
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    return entries


def test_fund_postings_take_the_transaction_s_fund_when_the_posting_has_none(tmp_path):
    got = [(t.narration.split(",")[0], p.account, f)
           for t, p, f in fundmodel.fund_postings(parsed(tmp_path))]
    assert got == [("Gift to a", "Income:Donations", "a"),
                   ("Gift to b", "Income:Donations", "b"),
                   ("Grant to b at a total price", "Income:Grants", "b"),
                   ("Shares given to a", "Income:Donations", "a"),
                   ("b spends its gift", "Expenses:Legal", "b")]


def test_weights_are_exact_unless_converted_at_a_price(tmp_path):
    weights = {(t.narration, p.account): fundmodel.weight(p)
               for t, p, _f in fundmodel.fund_postings(parsed(tmp_path))}
    # An amount booked to a tenth of a penny is not rounded: only a price conversion is.
    assert weights["Gift to a, fund on the transaction", "Income:Donations"] == \
        Amount(D("-10.125"), "GBP")
    assert weights["Grant to b at a total price", "Income:Grants"] == Amount(D("-100.00"), "GBP")


def test_a_posting_held_at_cost_weighs_its_cost_to_the_last_digit():
    """Held at cost (shares given, then sold at a price), a posting weighs its cost, not
    its units nor its price, and is not rounded to the penny as a price conversion is."""
    entries, errors, _ = loader.load_string(BOOKS + """
2018-05-01 * "Shares of a sold"
  fund: "a"
  Assets:Shares        -3 SHR {3.3333 GBP} @ 4.00 GBP
  Assets:Bank         12.00 GBP
  Income:Donations    -2.0001 GBP
""")
    assert errors == []
    shares = [p for e in entries if hasattr(e, "postings") for p in e.postings
              if p.account == "Assets:Shares"]
    assert [fundmodel.weight(p) for p in shares] == [Amount(D("9.9999"), "GBP"),
                                                     Amount(D("-9.9999"), "GBP")]


def test_balances_keep_a_penny_and_drop_only_exact_zero(tmp_path):
    entries = parsed(tmp_path)
    assert fundmodel.balances(entries) == {"a": {"GBP": D("20.1249")}, "b": {"GBP": D("100.00")}}
    # Up to and including 2 January: b holds its 1.00 gift; by April it spent it.
    assert fundmodel.balances(entries, datetime.date(2018, 1, 2)) == {
        "a": {"GBP": D("10.125")}, "b": {"GBP": D("1.00")}}
    spent = [e for e in entries if getattr(e, "narration", "") in
             ("Gift to b, fund on the posting", "b spends its gift")]
    assert fundmodel.balances(spent) == {"b": {}}


def test_add_adds_once_and_subtracts_with_a_sign():
    balance: fundmodel.Balance = {}
    fundmodel.add(balance, Amount(D("2.50"), "GBP"))
    fundmodel.add(balance, Amount(D("1.00"), "GBP"), -1)
    fundmodel.add(balance, Amount(D("3.00"), "EUR"))
    assert balance == {"GBP": D("1.50"), "EUR": D("3.00")}


def test_format_balance():
    assert fundmodel.format_balance({}) == "0"
    assert fundmodel.format_balance({"GBP": D("-3"), "EUR": D("1234.5")}) == \
        "1,234.50 EUR, -3.00 GBP"


DECLARATIONS = """\
2017-01-01 open Assets:Bank
2017-01-01 custom "fund" "general" "unrestricted"
2018-01-10 custom "fund" "case" "restricted"
  title: "A case"
  purpose: "Expenses:Legal, Expenses:Fees  Expenses:Comms"
  currency: "EUR"
  terms: "return-to-platform"
2018-01-11 custom "fund" "one-value"
2018-01-12 custom "fund" "number" 5
2018-01-13 custom "fund" "case" "designated"
2018-01-14 custom "fund" "shy" "restricted"
  terms: "keep-it"
2018-01-15 custom "fund" "odd" "permanent"
2018-01-16 custom "fund-budget" "case" "Solicitors" 100.00 EUR
2018-01-17 custom "fund-budget" "case" "Solicitors"
2018-01-18 custom "fund-budget" "ghost" "Counsel" 5.00 EUR
2018-01-19 custom "budget" "case" "Counsel" 5.00 EUR
2018-01-20 custom "fund-budget" "case" 5 100.00 EUR
2018-01-21 custom "fund-budget" 7 "Counsel" 1.00 EUR
2019-01-01 custom "fund-close" "case"
2019-01-02 custom "fund-close" "case"
2019-01-03 custom "fund-close" "ghost"
"""


def test_declarations_read_every_field_and_report_every_mistake_at_its_line(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(DECLARATIONS)
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    lines = DECLARATIONS.splitlines()

    def at(needle: str) -> int:
        return next(i + 1 for i, s in enumerate(lines) if needle in s)

    funds, budgets, errs = fundmodel.declarations(entries)
    assert funds["general"] == fundmodel.Fund(
        "general", "unrestricted", "general", (), "", None, datetime.date(2017, 1, 1), None,
        {"filename": str(path), "lineno": at('"general"')})
    assert funds["case"] == fundmodel.Fund(
        "case", "restricted", "A case", ("Expenses:Legal", "Expenses:Fees", "Expenses:Comms"),
        "EUR", "return-to-platform", datetime.date(2018, 1, 10), datetime.date(2019, 1, 1),
        {"filename": str(path), "lineno": at('"case" "restricted"')})
    # A fund with a bad terms or no purpose is still declared (its postings are its own).
    assert funds["shy"].terms == "keep-it" and funds["shy"].purpose == ()
    assert set(funds) == {"general", "case", "shy"}
    assert [(b.fund, b.line, b.amount, b.date) for b in budgets] == [
        ("case", "Solicitors", Amount(D("100.00"), "EUR"), datetime.date(2018, 1, 16)),
        ("ghost", "Counsel", Amount(D("5.00"), "EUR"), datetime.date(2018, 1, 18))]
    shape = 'a fund is declared as: custom "fund" "<id>" "<class>"'
    budget_shape = 'a budget line is declared as: custom "fund-budget" "<fund>" "<line>" <amount> <CUR>'
    expected = [
        (at('"one-value"'), shape),
        (at('"number" 5'), shape),
        (at('"case" "designated"'), "fund 'case' is declared twice"),
        (at('"shy"'), ("fund 'shy': terms 'keep-it' is not one of return-to-platform, "
                      "release-to-unrestricted, donate-to-charity")),
        (at('"shy"'), ("fund 'shy': a restricted fund needs a purpose (the account prefixes it "
                      "may be spent on)")),
        (at('"odd"'), ("fund 'odd': class 'permanent' is not one of unrestricted, designated, "
                      "restricted, endowment")),
        (at('2018-01-17'), ('a budget line is declared as: custom "fund-budget" "<fund>" '
                           '"<line>" <amount> <CUR>')),
        (at('2018-01-19'), ('custom "budget" is Fava\'s per-account budget; declare a grant '
                           'budget line as custom "fund-budget" "<fund>" "<line>" <amount> <CUR>')),
        (at('2018-01-20'), budget_shape),
        (at('2018-01-21'), budget_shape),
        (at('2019-01-02'), "fund 'case' is closed twice"),
        (at('2019-01-03'), "fund-close: fund 'ghost' is not declared"),
        (at('2018-01-18'), "budget line 'Counsel': fund 'ghost' is not declared"),
    ]
    assert [(e.source["lineno"], e.message) for e in errs] == expected
    # Each error but the unknown budget's carries the directive it is about.
    assert [e.entry.meta["lineno"] if e.entry else None for e in errs] == \
        [line for line, _ in expected[:-1]] + [None]


CHARITY = """\
2017-01-01 custom "fund" "appeal" "restricted"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
  charity: "Access to Justice Foundation"
2017-01-02 custom "fund" "nameless" "restricted"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
  charity: "  "
2017-01-03 custom "fund" "unnamed" "restricted"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
"""


def test_donate_to_charity_terms_must_name_the_charity(tmp_path):
    """The terms that give a fund's leftover to a charity name it: the fund keeps the name
    (the close pays it, the plugin lets that payment through), and terms without one, or
    with a blank one, are refused at their line."""
    path = tmp_path / "main.beancount"
    path.write_text(CHARITY)
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    funds, _budgets, errs = fundmodel.declarations(entries)
    assert funds["appeal"].charity == "Access to Justice Foundation"
    words = "terms 'donate-to-charity' must name the charity (charity: \"<name>\")"
    assert [(e.source["lineno"], e.message, e.entry.meta["lineno"]) for e in errs] == [
        (5, f"fund 'nameless': {words}", 5), (9, f"fund 'unnamed': {words}", 9)]


def test_a_posting_of_a_transaction_without_metadata_has_no_fund(tmp_path):
    txn = next(t for t, _p, _f in fundmodel.fund_postings(parsed(tmp_path)))
    bare = txn._replace(meta=None)
    assert [fundmodel.posting_fund(p, bare) for p in bare.postings] == [None, None]
