"""The transparency statement's "raised" summary counts a grant booked in the funder's
currency with no `@@` (a EUR tranche into a EUR account), at the books' `price` on its
date, as the fund figures do: found on a journey where it read "we raised £900" while a
EUR grant had also arrived. Books written here, figures worked by hand."""

from __future__ import annotations

from decimal import Decimal

from reports import transparency
from reports.funds import reconcile
from tests.statements_books import load

D = Decimal

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2024-01-01 open Assets:Bank:Current GBP
2024-01-01 open Assets:Bank:EUR EUR
2024-01-01 open Income:Donations:PayPal GBP
2024-01-01 open Income:Grants:Lumen EUR
2024-01-01 custom "fund" "general" "unrestricted"
2024-01-01 custom "fund" "grant" "restricted"
  currency: "EUR"
  purpose: "Expenses:Legal"
2024-01-01 price EUR 0.85 GBP
2024-02-01 * "Lumen" "Tranche 1"
  fund: "grant"
  Assets:Bank:EUR        1000.00 EUR
  Income:Grants:Lumen   -1000.00 EUR
""" + "".join(f"""\
2024-03-0{i} * "PayPal" "Gift"
  fund: "general"
  donor: "d{i}"
  Assets:Bank:Current       180.00 GBP
  Income:Donations:PayPal  -180.00 GBP
""" for i in range(1, 6))


def test_a_grant_in_its_own_currency_is_raised_in_the_summary(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(BOOKS)
    entries, options = load(main)
    # By hand: five gifts of 180 = 900; the tranche EUR 1,000 at 0.85 = 850; 1,750 in all.
    assert {s.fund: s.raised_total for s in reconcile(entries, options)} == {
        "general": D("900.00"), "grant": D("850.00")}
    s = transparency.statement(entries, options)
    assert {i.label: i.amount for i in s.raised} == {
        "Grant from Lumen": D("850.00"), "Donations": D("900.00")}
    assert sum((i.amount for i in s.raised), D(0)) == s.raised_total == D("1750.00")
    assert ("we raised £900.00 from 5 supporters in donations and a grant of £850.00 from "
            "Lumen (€1,000.00 received)") in s.summary, s.summary
