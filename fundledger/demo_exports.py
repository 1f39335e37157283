"""How the demo's raw exports were made: fictional donors, invented figures, real formats.

`python -m fundledger.demo_exports` rewrites fundledger/demo/exports/ (deterministic: a
fixed seed) and prints the two figures the hand-kept journal depends on. The exports are
committed; the books are then rebuilt from them with `python -m fundledger.demo_books`.
Every name, email and address below is invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

D = Decimal
CENT = D("0.01")
OUT = Path(__file__).parent / "demo" / "exports"
FIRST = ["Ada", "Bram", "Cleo", "Dev", "Edith", "Femi", "Gus", "Hana", "Ines", "Jory", "Kit",
         "Lior", "Mona", "Nils", "Orla", "Pip", "Quin", "Rhea", "Sami", "Tove"]
LAST = ["Quill", "Hollow", "Marsh", "Penrose", "Ashdown", "Okafor", "Lindqvist", "Farrow",
        "Delacroix", "Ybarra", "Nakamura", "Strand", "Whitlock", "Osei", "Vance"]
NOTES = ["Good luck!", "For the case", "", "", "Keep going", "In memory of my dad", "",
         "Privacy matters", ""]


def r2(x: Decimal) -> Decimal:
    return x.quantize(CENT, ROUND_HALF_UP)


def fee(gross: Decimal) -> Decimal:
    return r2(gross * D("0.014") + D("0.20"))  # UK charity card rate


def money(x: Decimal) -> str:
    return f"{x:,.2f}"


def people(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        out.append({"name": f"{first} {last}", "email": f"{first}.{last}{i}@example.org".lower(),
                    "address": f"{rng.randint(1, 99)} {rng.choice(LAST)} Street, Northgate"})
    return out


def write_csv(path: Path, header, rows, encoding="utf-8", preamble=()) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for line in preamble:
        w.writerow(line)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def days(rng, start: dt.date, end: dt.date, n: int) -> list[dt.date]:
    span = (end - start).days
    return sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))


PAYPAL_HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee",
                 "Net", "From Email Address", "To Email Address", "Transaction ID",
                 "Shipping Address", "Address Status", "Item Title", "Item ID",
                 "Reference Txn ID", "Receipt ID", "Balance", "Contact Phone Number", "Subject",
                 "Note", "Balance Impact"]
ORG = "treasurer@northgate-privacy.example"


def paypal(rng, bank: list) -> None:
    donors = people(rng, 12)
    rows, n = [], 0
    balances = {"GBP": D(0), "USD": D(0)}  # PayPal keeps a balance per currency

    def row(date, name, typ, status, cur, gross, fee_, email_from, email_to, ref="", note="",
            impact=None, address=""):
        nonlocal n
        n += 1
        net = gross - fee_
        if status == "Completed" and impact != "Memo":
            balances[cur] += net
        impact = impact or ("Credit" if gross > 0 else "Debit")
        clock = f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        rows.append([date.strftime("%d/%m/%Y"), clock, "Europe/London", name, typ, status, cur,
                     money(gross), money(-fee_) if fee_ else "0.00", money(net), email_from,
                     email_to, f"{n:04d}NPA{rng.randint(10**8, 10**9 - 1)}", address,
                     "Confirmed" if address else "", "Donation" if gross > 0 else "", "", ref,
                     "", "", "", "", note, impact])
        return rows[-1][12]

    for year in range(2017, 2025):
        for date in days(rng, dt.date(year, 1, 5), dt.date(year, 12, 15), rng.randint(8, 14)):
            d = rng.choice(donors)
            gross = D(rng.choice([5, 10, 10, 20, 25, 25, 50, 100, 250]))
            tid = row(date, d["name"], "Donation Payment", "Completed", "GBP", gross, fee(gross),
                      d["email"], ORG, note=rng.choice(NOTES), address=d["address"])
            if year == 2019 and gross >= 20 and not any(r[4] == "Payment Refund" for r in rows):
                back = fee(gross) - D("0.20")  # PayPal keeps the fixed part of the fee
                row(date + dt.timedelta(days=2), d["name"], "Payment Refund", "Completed", "GBP",
                    -gross, -back, ORG, d["email"], ref=tid, note="Refund at donor's request")
        d = rng.choice(donors)
        row(dt.date(year, 12, 18), d["name"], "Donation Payment", "Pending", "GBP", D(30),
            fee(D(30)), d["email"], ORG)
        if year in (2018, 2022):  # a US supporter gives in dollars; PayPal converts
            d = donors[3]
            date = dt.date(year, 6, 4)
            usd = D(40)
            tid = row(date, d["name"], "Donation Payment", "Completed", "USD", usd, fee(usd),
                      d["email"], ORG)
            net = usd - fee(usd)
            row(date, "", "General Currency Conversion", "Completed", "USD", -net, D(0), "", "",
                ref=tid)
            row(date, "", "General Currency Conversion", "Completed", "GBP", r2(net * D("0.78")),
                D(0), "", "", ref=tid)
        row(dt.date(year, 12, 19), "", "General Authorization", "Pending", "GBP", D("-1.00"),
            D(0), ORG, "", impact="Memo")
        out = balances["GBP"]
        if out <= 0:
            continue
        row(dt.date(year, 12, 20), "", "General Withdrawal", "Completed", "GBP", -out, D(0), ORG, "")
        bank.append((dt.date(year, 12, 22), "PAYPAL WITHDRAWAL PPWDL", out, D(0)))
    # A download lists rows in time order, each with the balance of its currency after it
    # (a pending or memo row leaves the balance as it was).
    rows.sort(key=lambda r: dt.datetime.strptime(r[0], "%d/%m/%Y"))
    running = {"GBP": D(0), "USD": D(0)}
    for r in rows:
        if r[5] == "Completed" and r[23] != "Memo":
            running[r[6]] += D(r[9])
        r[19] = money(running[r[6]])
    with_bom = "\ufeff"
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(PAYPAL_HEADER)
    w.writerows(rows)
    (OUT / "paypal-activity-2017-2024.csv").write_text(with_bom + buf.getvalue(), "utf-8",
                                                       newline="")


STRIPE_HEADER = ["balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross",
                 "fee", "net", "reporting_category", "source_id", "description",
                 "customer_facing_amount", "customer_facing_currency", "customer_id",
                 "customer_email", "customer_name", "customer_description", "charge_id"]


def stripe(rng, bank: list) -> None:
    donors = people(rng, 9)
    rows, balance = [], D(0)

    def row(when, gross, fee_, cat, d=None, ref=""):
        nonlocal balance
        balance += gross - fee_
        ch = f"ch_{rng.randint(10**15, 10**16 - 1)}"
        rows.append([f"txn_{rng.randint(10**15, 10**16 - 1)}", when.strftime("%Y-%m-%d %H:%M:%S"),
                     (when + dt.timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S"), "gbp",
                     f"{gross:.2f}", f"{fee_:.2f}", f"{gross - fee_:.2f}", cat,
                     ch if cat == "charge" else f"{cat[:2]}_{rng.randint(10**9, 10**10)}",
                     f"Donation from {d['name']}" if d else cat.upper(),
                     f"{gross:.2f}" if d else "", "gbp" if d else "",
                     f"cus_{d['email'][:4]}{len(d['name'])}" if d else "",
                     d["email"] if d else "", d["name"] if d else "",
                     rng.choice(NOTES) if d else "", ref or (ch if cat == "charge" else "")])
        return ch

    for year in range(2017, 2025):
        for q in range(4):
            start = dt.date(year, 3 * q + 1, 1)
            for date in days(rng, start, start + dt.timedelta(days=80), rng.randint(1, 4)):
                d = rng.choice(donors)
                gross = D(rng.choice([10, 20, 30, 50, 50, 100]))
                ch = row(dt.datetime.combine(date, dt.time(rng.randint(8, 20), 0, 0)), gross,
                         fee(gross), "charge", d)
                if year == 2021 and q == 1 and not any(r[7] == "refund" for r in rows):
                    row(dt.datetime.combine(date + dt.timedelta(days=1), dt.time(9)), -gross,
                        D(0), "refund", d, ref=ch)
            payout_day = start + dt.timedelta(days=85)
            out = balance
            if out <= 0:
                continue
            row(dt.datetime.combine(payout_day, dt.time(6)), -out, D(0), "payout")
            bank.append((payout_day + dt.timedelta(days=2), "STRIPE PAYMENTS UK LTD", out, D(0)))
    write_csv(OUT / "stripe-balance-change-2017-2024.csv", STRIPE_HEADER, rows)


CF_HEADER = ["Transaction ID", "Date", "Campaign", "Type", "Supporter ID", "Supporter name",
             "Supporter email", "Message", "Amount", "Platform fee", "Processing fee", "Net",
             "Refund of", "Payout ID"]


def casefunder(rng, campaign: str, weeks, filename: str, refund: bool = False) -> Decimal:
    """Pledges summing to each week's gross, paid out less fees. Returns the total net."""
    supporters = people(rng, 70)
    rows, total = [], D(0)
    for w, (start, payday, gross_total) in enumerate(weeks):
        left, week_net, pledges = D(gross_total), D(0), []
        while left > 0:
            amount = min(left, D(rng.choice([10, 15, 20, 25, 25, 50, 50, 100, 250, 500])))
            left -= amount
            pledges.append(amount)
        for amount, date in zip(pledges, days(rng, start, payday - dt.timedelta(days=1),
                                              len(pledges)), strict=True):
            s = rng.choice(supporters)
            pf, xf = r2(amount * D("0.05")), r2(amount * D("0.015"))
            tid = f"CF-{campaign[:3].upper()}-{len(rows) + 1:05d}"
            rows.append([tid, date.strftime("%d/%m/%Y"), campaign, "pledge",
                         f"SUP-{campaign[:3].upper()}-{supporters.index(s):03d}",
                         s["name"], s["email"], rng.choice(NOTES), f"{amount:.2f}", f"{pf:.2f}",
                         f"{xf:.2f}", f"{amount - pf - xf:.2f}", "", f"PO-{campaign}-{w + 1}"])
            week_net += amount - pf - xf
        if refund and w == len(weeks) - 1:
            orig = next(r for r in reversed(rows) if r[3] == "pledge" and r[8] == "50.00")
            rows.append([f"CF-{campaign[:3].upper()}-{len(rows) + 1:05d}",
                         (payday - dt.timedelta(days=1)).strftime("%d/%m/%Y"), campaign,
                         "refund", orig[4], orig[5], orig[6], "", "-50.00", "-2.50", "-0.75",
                         "-46.75", orig[0], f"PO-{campaign}-{w + 1}"])
            week_net -= D("46.75")
        rows.append([f"PO-{campaign}-{w + 1}", payday.strftime("%d/%m/%Y"), campaign, "payout",
                     "", "", "", "", f"{-week_net:.2f}", "0.00", "0.00", f"{-week_net:.2f}", "",
                     f"PO-{campaign}-{w + 1}"])
        total += week_net
    write_csv(OUT / filename, CF_HEADER, rows)
    return total


INVOICE_HEADER = ["Invoice", "Date", "Firm", "Matter", "Fund", "Profit costs", "Counsel's fees",
                  "Counsel", "Disbursements", "VAT", "Total", "Paid from", "Paid on"]
HV, BW, LC = "Harbour & Vale LLP", "Brightwater Law", "Lantern Chambers"
INVOICES = [
    ("HV-1701", "30/06/2017", HV, "Pre-action and grounds", "jr-surveillance", 4000, 0, "", 0, 800,
     "client account", "30/06/2017"),
    ("HV-1709", "15/11/2017", HV, "Permission stage, counsel's opinion, claim issued",
     "jr-surveillance", 2500, 3000, LC, 154, 1100, "client account", "15/11/2017"),
    ("HV-1804", "20/06/2018", HV, "Substantive hearing", "jr-surveillance", 3000, 2000, LC, 770,
     1000, "client account", "20/06/2018"),
    ("HV-2403", "31/05/2024", HV, "Final costs after the Court of Appeal", "jr-surveillance",
     1200, 200, LC, 0, 280, "client account", "14/06/2024"),
    ("BW-1909", "30/09/2019", BW, "Data-sharing challenge: pre-action", "lumen-grant", 8000, 0,
     "", 0, 1600, "bank", "30/09/2019"),
    ("BW-2002", "28/02/2020", BW, "Data-sharing challenge: claim and counsel", "lumen-grant",
     10000, 6000, LC, 528, 3200, "bank", "28/02/2020"),
    ("BW-2011", "30/11/2020", BW, "Data-sharing challenge: hearing", "lumen-grant", 9000, 4000,
     LC, 0, 2600, "bank", "30/11/2020"),
    ("BW-2109", "30/09/2021", BW, "Data-sharing challenge: costs assessment", "lumen-grant",
     3000, 0, "", 0, 600, "bank", "30/09/2021"),
    ("BW-2301", "31/01/2023", BW, "Facial recognition: pre-action letter", "jr-facial", 1800, 0,
     "", 0, 360, "client account", "31/01/2023"),
    ("BW-2305", "31/05/2023", BW, "Facial recognition: permission application", "jr-facial",
     1200, 0, "", 154, 240, "client account", "31/05/2023"),
    ("BW-2308", "31/08/2023", BW, "Facial recognition: closing file after refusal", "jr-facial",
     240, 0, "", 0, 48, "", ""),
]


def _stable(wb) -> None:
    """Fixed document dates, so re-running this script writes the same bytes."""
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 7, 1)


def invoices() -> None:
    import openpyxl

    def line(inv):
        total = sum(D(x) for x in (inv[5], inv[6], inv[8], inv[9]))
        return [*inv[:5], *(f"{D(x):.2f}" for x in inv[5:7]), inv[7],
                *(f"{D(x):.2f}" for x in inv[8:10]), f"{total:.2f}", *inv[10:]]

    write_csv(OUT / "harbour-vale-invoices.csv", INVOICE_HEADER,
              [line(i) for i in INVOICES if i[2] == HV])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Statement"
    ws.append(["Brightwater Law: statement of invoices for Northgate Privacy Action"])
    ws.append([])
    ws.append(INVOICE_HEADER)
    for inv in INVOICES:
        if inv[2] != BW:
            continue
        row = line(inv)
        for i in (1, 12):
            row[i] = dt.datetime.strptime(row[i], "%d/%m/%Y") if row[i] else None
        for i in (5, 6, 8, 9, 10):
            row[i] = float(row[i])  # how a spreadsheet stores money; read back via Decimal
        ws.append(row)
    _stable(wb)
    wb.save(OUT / "brightwater-invoices.xlsx")


def budget() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws.append(["Lumen Foundation grant LF-2019-044: approved budget"])
    ws.append([])
    ws.append(["Fund", "Budget line", "Amount", "Currency", "Date"])
    for line, amount in (("Solicitors", 38000), ("Counsel", 18000), ("Court fees", 2000),
                         ("Communications", 2000)):
        ws.append(["lumen-grant", line, amount, "EUR", dt.datetime(2019, 5, 1)])
    _stable(wb)
    wb.save(OUT / "lumen-grant-budget.xlsx")


BANK_HEADER = ["Date", "Transaction type", "Description", "Paid out", "Paid in", "Balance",
               "Original amount", "Original currency"]


def bank_statement(rng, lines: list, top_up: Decimal) -> None:
    givers = people(rng, 6)
    for year in range(2017, 2025):
        for date in days(rng, dt.date(year, 2, 1), dt.date(year, 11, 30), 3):
            g = rng.choice(givers)
            lines.append((date, f"FPI {g['name'].upper()} DONATION", D(rng.choice([50, 100, 250])),
                          D(0)))
        if year >= 2018:
            lines.append((dt.date(year, 1, 5), "DD HOSTWELL LTD WEB HOSTING", D(0), D(120)))
            lines.append((dt.date(year, 11, 5), "DD CIVIC MUTUAL INSURANCE", D(0), D(310)))
    lines.append((dt.date(2019, 6, 14), "LUMEN FOUNDATION LF-2019-044 T1", D("26610.00"), D(0),
                  D(30000), "EUR"))
    lines.append((dt.date(2020, 1, 17), "LUMEN FOUNDATION LF-2019-044 T2", D("25650.00"), D(0),
                  D(30000), "EUR"))
    lines.append((dt.date(2021, 3, 31), "FIELDWORK STUDIO INV FS-118", D(0), D(1500)))
    for inv in INVOICES:
        if inv[10] == "bank":
            total = sum(D(x) for x in (inv[5], inv[6], inv[8], inv[9]))
            lines.append((dt.datetime.strptime(inv[11], "%d/%m/%Y").date(),
                          f"BRIGHTWATER LAW {inv[0]}", D(0), total))
    lines.append((dt.date(2024, 5, 31), "TFR HARBOUR VALE CLIENT AC NPA", D(0), top_up))
    lines.sort(key=lambda x: (x[0], x[1]))
    rows, balance = [], D(0)
    for date, desc, paid_in, paid_out, *foreign in lines:
        balance += paid_in - paid_out
        rows.append([date.strftime("%d %b %Y"), "Credit" if paid_in else "Debit", desc,
                     f"£{paid_out:,.2f}" if paid_out else "", f"£{paid_in:,.2f}" if paid_in else "",
                     f"£{balance:,.2f}", f"{foreign[0]:,.2f}" if foreign else "",
                     foreign[1] if foreign else ""])
    preamble = [["Account Name:", "Northgate Privacy Action ****4417"],
                ["Account Balance:", f"£{balance:,.2f}"], ["Available Balance: ", f"£{balance:,.2f}"],
                []]
    write_csv(OUT / "bank-statement-2017-2024.csv", BANK_HEADER, rows, encoding="cp1252",
              preamble=preamble)


def main() -> None:
    rng = random.Random(20170101)
    OUT.mkdir(parents=True, exist_ok=True)
    bank: list = []
    paypal(rng, bank)
    stripe(rng, bank)
    jr_net = casefunder(rng, "northgate-jr", [
        (dt.date(2017, 3, 2), dt.date(2017, 3, 10), 4800),
        (dt.date(2017, 3, 11), dt.date(2017, 3, 17), 3200),
        (dt.date(2017, 3, 18), dt.date(2017, 3, 24), 2000),
        (dt.date(2017, 3, 25), dt.date(2017, 4, 14), 6000),
        (dt.date(2018, 1, 15), dt.date(2018, 2, 9), 5000)], "casefunder-northgate-jr.csv")
    casefunder(rng, "facial-jr", [
        (dt.date(2022, 9, 1), dt.date(2022, 9, 9), 3000),
        (dt.date(2022, 9, 10), dt.date(2022, 9, 16), 2500)], "casefunder-facial-jr.csv",
        refund=True)
    invoices()
    budget()
    spent = sum(sum(D(x) for x in (i[5], i[6], i[8], i[9])) for i in INVOICES
                if i[4] == "jr-surveillance")
    top_up = spent - jr_net
    bank_statement(rng, bank, top_up)
    # Imported late: the statements read back the exports written above.
    from fundledger import demo_statements
    demo_statements.write(top_up)
    print(f"jr-surveillance: net pledges {jr_net}, legal spend {spent}, top-up {top_up}")


if __name__ == "__main__":
    main()
