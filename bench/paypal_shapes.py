"""PayPal activity downloads of three shapes, for bench/import_bench.py. Seeded: the same
shape, rows and seed give the same bytes.

- **narrow**: the first bench's file (7 amounts, 5,000 donors; now with a true running
  Balance). Any per-distinct-value cache makes it look fast; kept only to compare with
  earlier figures.
- **realistic**: donors repeat with a long tail (about 28% of gifts come from a new donor,
  the rest from an earlier gift's donor, so a few give often and most give once: ~84,000
  donors in 300,000 rows); most gifts are round (5, 10, 20, 25, 50...), a donor often gives
  their usual amount again, and the rest are pounds and pence (~20,000 distinct amounts in
  300,000 rows); fees are PayPal's 1.4% + 20p (2.9% + 20p from abroad), so they are many
  and distinct too; dates spread over ten years; a few refunds, foreign gifts converted
  to pounds, and a withdrawal of the balance to the bank each month. The Balance column
  is the running balance of the row's currency.
- **distinct**: every donor, gross amount and fee different from every other: the worst
  case for anything that caches per distinct value.

By default the realistic and distinct downloads start on 2015-01-01 from a zero balance, for
new books. Given `Since` (the day after existing books' last PayPal entry and the account's
balance then, per currency), they start that day and their Balance column continues from
that balance, so they import after the books' own PayPal history and its asserted balances.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
          "From Email Address", "To Email Address", "Transaction ID", "Shipping Address",
          "Item Title", "Reference Txn ID", "Receipt ID", "Balance", "Note", "Balance Impact"]
SHAPES = ("narrow", "realistic", "distinct")
ORG = "treasurer@charity.example"
CENT = Decimal("0.01")
FIRST = ["Ada", "Bram", "Chloe", "Dev", "Esme", "Femi", "Gita", "Hana", "Ivo", "Jory", "Kofi",
         "Lena", "Mona", "Nils", "Omar", "Priya", "Rhys", "Sian", "Tariq", "Uma", "Wren", "Yara"]
LAST = ["Ashdown", "Birch", "Chen", "Delacroix", "Evans", "Farrow", "Grant", "Hollow", "Iqbal",
        "Jones", "Khan", "Lindqvist", "Morgan", "Nakamura", "Okafor", "Penrose", "Quinn",
        "Roberts", "Singh", "Taylor", "Vance", "Whitlock", "Ybarra"]
# Round gifts and how often each is given (realistic shape).
ROUND = {3: 3, 5: 14, 10: 24, 15: 4, 20: 16, 25: 9, 30: 4, 40: 2, 50: 9, 75: 1, 100: 6,
         150: 1, 200: 1, 250: 2, 500: 1, 1000: 1}


class Since(NamedTuple):
    """Where a download starts: its first day, and the PayPal balance per currency then."""
    day: datetime.date
    balance: dict[str, Decimal]


NEW_BOOKS = Since(datetime.date(2015, 1, 1), {})
SPAN = datetime.date(2024, 12, 31) - NEW_BOOKS.day  # ten years of dates


class Shape(NamedTuple):
    """What was written, for the bench to print and check."""
    name: str
    rows: int
    entries: int        # transactions the download should give (a conversion's rows make one)
    donors: int         # distinct donors (email addresses) giving
    amounts: int        # distinct Gross values, any row
    fees: int           # distinct Fee values, any row
    size: int           # bytes


def fee_for(gross: Decimal, abroad: bool) -> Decimal:
    """PayPal's charity rate: 1.4% + 20p, 2.9% + 20p for a payment from abroad."""
    rate = Decimal("0.029") if abroad else Decimal("0.014")
    return (gross * rate + Decimal("0.20")).quantize(CENT, ROUND_HALF_UP)


def money(x: Decimal) -> str:
    return f"{x:,.2f}"


class Row(NamedTuple):
    day: datetime.date
    name: str
    type: str
    currency: str
    gross: Decimal
    fee: Decimal
    email: str
    tid: str
    ref: str = ""
    address: str = ""
    to: str = ORG


def narrow(rows: int, seed: int) -> Iterator[list[str]]:
    """The first bench's file (seed 7 gives its rows), but with a true running Balance
    where it had 0.00: the importer now asserts the statement's balances."""
    rng = random.Random(seed)
    names = [f"Donor {i}" for i in range(5000)]
    balance = Decimal(0)
    for i in range(rows):
        day = 1 + i * 3000 // rows
        date = f"{1 + day % 28:02d}/{1 + day // 28 % 12:02d}/{2015 + day // 336}"
        gross = rng.choice([5, 10, 20, 25, 50, 100, 1000])
        fee = round(gross * 0.014 + 0.2, 2)
        who = rng.choice(names)
        net = f"{gross - fee:,.2f}"
        balance += Decimal(net.replace(",", ""))
        yield [date, "10:00:00", "Europe/London", who, "Donation Payment", "Completed",
               "GBP", f"{gross:,.2f}", f"-{fee:.2f}", net,
               who.replace(" ", ".").lower() + "@example.org", "org@example.org",
               f"BENCH{i:09d}", "1 High Street", "Donation", "", "", money(balance), "",
               "Credit"]


class Donor(NamedTuple):
    name: str
    email: str
    address: str
    usual: Decimal


def realistic(rows: int, seed: int, since: Since = NEW_BOOKS) -> Iterator[list[str]]:
    rng = random.Random(seed)
    rounds, weights = list(ROUND), list(ROUND.values())
    donors: list[Donor] = []
    gifts: list[int] = []          # the donor of every gift so far: repeat givers are likelier
    paid: list[Row] = []           # GBP gifts that can be refunded
    balance = {"GBP": Decimal(0), "USD": Decimal(0), "EUR": Decimal(0), **since.balance}
    start, span = since.day, SPAN.days
    month = None
    n = 0

    def amount() -> Decimal:
        if rng.random() < 0.65:
            return Decimal(rng.choices(rounds, weights)[0])
        pence = int(rng.lognormvariate(8.0, 1.6))  # median about £30, a long tail up
        return (Decimal(min(max(pence, 100), 2_000_000)) / 100).quantize(CENT)

    def line(r: Row) -> list[str]:
        net = r.gross + r.fee
        balance[r.currency] += net
        clock = f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
        return [r.day.strftime("%d/%m/%Y"), clock, "Europe/London", r.name, r.type,
                "Completed", r.currency, money(r.gross), money(r.fee), money(net), r.email,
                r.to, r.tid, r.address,
                "Donation" if r.type.endswith("Payment") else "", r.ref, "",
                money(balance[r.currency]), "", "Credit" if net >= 0 else "Debit"]

    while n < rows:
        day = start + datetime.timedelta(days=n * span // rows)
        tid = f"{n:08d}RB{rng.randrange(16**6):06X}"
        if month is not None and (day.year, day.month) != month and balance["GBP"] > 0:
            # The month's takings go to the bank, on the first day of the next month.
            yield line(Row(day, "", "General Withdrawal", "GBP", -balance["GBP"], Decimal(0),
                           ORG, tid, to=""))
            month, n = (day.year, day.month), n + 1
            continue
        month = (day.year, day.month)
        roll = rng.random()
        if roll < 0.003 and paid:
            # A refund of an earlier gift: PayPal keeps its 20p, returns the percentage.
            gift = paid.pop(rng.randrange(len(paid)))
            back = (gift.gross * Decimal("0.014")).quantize(CENT, ROUND_HALF_UP)
            yield line(Row(day, gift.name, "Payment Refund", "GBP", -gift.gross, back, ORG,
                           tid, gift.tid, to=gift.email))
            n += 1
            continue
        if not donors or rng.random() < 0.28:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            i = len(donors)
            donors.append(Donor(f"{first} {last}", f"{first}.{last}{i}@example.org".lower(),
                                f"{rng.randrange(1, 200)} {rng.choice(LAST)} Street", amount()))
        else:
            i = rng.choice(gifts)
        gifts.append(i)
        d = donors[i]
        gross = d.usual if rng.random() < 0.6 else amount()
        kind = rng.choices(["Donation Payment", "Subscription Payment", "Website Payment"],
                           [85, 10, 5])[0]
        if roll > 0.997 and rows - n >= 3:
            # A gift in dollars or euros, converted to pounds the same day (three rows).
            cur = rng.choice(["USD", "EUR"])
            gift = Row(day, d.name, kind, cur, gross, -fee_for(gross, True), d.email, tid,
                       address=d.address)
            yield line(gift)
            net = gross + gift.fee
            rate = Decimal(rng.uniform(0.75, 0.9)).quantize(Decimal("0.0001"))
            for k, (c, amt) in enumerate([(cur, -net), ("GBP", (net * rate).quantize(CENT))]):
                yield line(Row(day, "", "General Currency Conversion", c, amt, Decimal(0), "",
                               f"{n + 1 + k:08d}RC{k}", tid, to=""))
            n += 3
            continue
        gift = Row(day, d.name, kind, "GBP", gross, -fee_for(gross, rng.random() < 0.1),
                   d.email, tid, address=d.address)
        paid.append(gift)
        yield line(gift)
        n += 1


def distinct(rows: int, seed: int, since: Since = NEW_BOOKS) -> Iterator[list[str]]:
    """Every gross 72p apart from the next, so 1.4% of it differs by more than a penny and
    fees (and nets) are distinct too; every donor new; in a random order."""
    rng = random.Random(seed)
    steps = list(range(rows))
    rng.shuffle(steps)
    start, span = since.day, SPAN.days
    balance = since.balance.get("GBP", Decimal(0))
    for n, step in enumerate(steps):
        day = start + datetime.timedelta(days=n * span // rows)
        gross = Decimal(100 + 72 * step) / 100
        fee = -fee_for(gross, False)
        balance += gross + fee
        first, last = FIRST[n % len(FIRST)], LAST[n // len(FIRST) % len(LAST)]
        yield [day.strftime("%d/%m/%Y"), f"{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}",
               "Europe/London", f"{first} {last} {n}", "Donation Payment", "Completed", "GBP",
               money(gross), money(fee), money(gross + fee),
               f"{first}.{last}.{n}@example.org".lower(), ORG, f"{n:08d}DB{step:06X}",
               f"{n % 200 + 1} {last} Street", "Donation", "", "", money(balance), "", "Credit"]


def write(path: Path, shape: str, rows: int, seed: int = 7, since: Since | None = None) -> Shape:
    """Write the download; what it holds, counted from the rows written. `since`: start
    after existing books' PayPal history (realistic and distinct only)."""
    if since is None:
        made = {"narrow": narrow, "realistic": realistic, "distinct": distinct}[shape](rows, seed)
    elif shape in ("realistic", "distinct"):
        made = {"realistic": realistic, "distinct": distinct}[shape](rows, seed, since)
    else:
        raise ValueError(f"the {shape} download starts only in 2015, into new books")
    donors, amounts, fees = set(), set(), set()
    entries = conversions = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(HEADER)
        for row in made:
            w.writerow(row)
            amounts.add(row[7])
            fees.add(row[8])
            if row[4].endswith("Payment"):
                donors.add(row[10])
            conversions += row[4] == "General Currency Conversion"
            entries += 1
    return Shape(shape, entries, entries - conversions // 2, len(donors), len(amounts),
                 len(fees), path.stat().st_size)
