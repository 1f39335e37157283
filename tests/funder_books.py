"""A euro grant for the funder report line by line (tests/test_funder_lines.py), every
figure worked by hand there. Calendar years; the period tested is 2024.

    award 12,000.00 EUR at 0.90 GBP per EUR (declared); budget Lawyers 8,000 + 1,000
    (two lines of one name), Comms 3,000; budget-map Expenses:Legal -> Lawyers,
    Expenses:Legal:Counsel -> Counsel (longer, so it wins; not budgeted)

    2023-12-01  tranche 0: 1,000.00 EUR for 860.00 GBP (0.86)
    2023-12-31  solicitors 440.00 GBP               the day before the period
    2024-01-01  tranche 1: 5,000.00 EUR for 4,400.00 GBP (0.88)     first day
    2024-01-01  design 88.00 GBP, budget-line "Comms" on the transaction
    2024-03-01  counsel 1,760.00 GBP -> Counsel: straddles tranches 0 and 1
    2024-05-01  solicitors 2,200.00 GBP, budget-line "Lawyers" on the posting, invoice S-1
    2024-06-30  tranche 2: 2,000.00 EUR for 1,800.00 GBP (0.90)
    2024-07-01  printing 45.00 GBP (no line: not mapped)
    2024-08-01  100.00 GBP topped up from the general fund
    2024-09-01  solicitors refund 90.00 GBP
    2024-12-31  solicitors 2,700.00 GBP: straddles tranches 1 and 2, and 83.00 of it is
                beyond every tranche received by then                last day
    2025-01-01  tranche 3: 5,000.00 EUR for 4,600.00 GBP (0.92)     the day after
"""

from __future__ import annotations

from pathlib import Path

FUNDER_BOOKS = """\
option "title" "Grant Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2020-01-01 custom "fundledger-option" "fy-end" "12-31"
2020-01-01 open Assets:Bank GBP
2020-01-01 open Income:Grants:Lumen EUR
2020-01-01 open Income:Donations:Bank GBP
2020-01-01 open Expenses:Legal:Solicitors GBP
2020-01-01 open Expenses:Legal:Counsel GBP
2020-01-01 open Expenses:Comms:Design GBP
2020-01-01 open Expenses:Comms:Print GBP
2020-01-01 open Equity:Funds:Transfers GBP
2020-01-01 custom "fund" "general" "unrestricted"
2023-01-01 custom "fund" "grant" "restricted"
  title: "Lumen grant"
  purpose: "Expenses:Legal, Expenses:Comms"
  currency: "EUR"
  award: 12000.00 EUR
  award-rate: 0.90
2023-01-01 custom "fund-budget" "grant" "Lawyers" 8000.00 EUR
2023-01-01 custom "fund-budget" "grant" "Comms" 3000.00 EUR
2023-01-01 custom "fund-budget" "grant" "Lawyers" 1000.00 EUR
2023-01-01 custom "budget-map" "grant" "Expenses:Legal" "Lawyers"
2023-01-01 custom "budget-map" "grant" "Expenses:Legal:Counsel" "Counsel"

2023-06-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                  500.00 GBP
  Income:Donations:Bank       -500.00 GBP
2023-12-01 * "Lumen" "Tranche 0"
  fund: "grant"
  Assets:Bank                  860.00 GBP
  Income:Grants:Lumen        -1000.00 EUR @@ 860.00 GBP
2023-12-31 * "Smith LLP" "Early advice"
  fund: "grant"
  Expenses:Legal:Solicitors    440.00 GBP
  Assets:Bank                 -440.00 GBP
2024-01-01 * "Lumen" "Tranche 1"
  fund: "grant"
  Assets:Bank                 4400.00 GBP
  Income:Grants:Lumen        -5000.00 EUR @@ 4400.00 GBP
2024-01-01 * "Designer" "Leaflet"
  fund: "grant"
  budget-line: "Comms"
  Expenses:Comms:Design         88.00 GBP
  Assets:Bank                  -88.00 GBP
2024-03-01 * "Counsel" "Opinion"
  fund: "grant"
  Expenses:Legal:Counsel      1760.00 GBP
  Assets:Bank                -1760.00 GBP
2024-05-01 * "Smith LLP" "Hearing"
  fund: "grant"
  invoice: "S-1"
  Expenses:Legal:Solicitors   2200.00 GBP
    budget-line: "Lawyers"
  Assets:Bank                -2200.00 GBP
2024-06-30 * "Lumen" "Tranche 2"
  fund: "grant"
  Assets:Bank                 1800.00 GBP
  Income:Grants:Lumen        -2000.00 EUR @@ 1800.00 GBP
2024-07-01 * "Printer" "Posters"
  fund: "grant"
  Expenses:Comms:Print          45.00 GBP
  Assets:Bank                  -45.00 GBP
2024-08-01 * "Trustees" "Top up the grant"
  Equity:Funds:Transfers       100.00 GBP
    fund: "general"
  Equity:Funds:Transfers      -100.00 GBP
    fund: "grant"
2024-09-01 * "Smith LLP" "Refund"
  fund: "grant"
  Expenses:Legal:Solicitors    -90.00 GBP
  Assets:Bank                   90.00 GBP
2024-12-31 * "Smith LLP" "Trial"
  fund: "grant"
  Expenses:Legal:Solicitors   2700.00 GBP
  Assets:Bank                -2700.00 GBP
2025-01-01 * "Lumen" "Tranche 3"
  fund: "grant"
  Assets:Bank                 4600.00 GBP
  Income:Grants:Lumen        -5000.00 EUR @@ 4600.00 GBP
"""


def write_funder(folder: Path, books: str = FUNDER_BOOKS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "main.beancount"
    path.write_text(books)
    return path
