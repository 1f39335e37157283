"""The demo's statements that repeat money the other exports already book: each is
imported for its balances only (profile balances_only), so the holding accounts reconcile.
They are made from the exports fundledger.demo_exports writes (read back, no random
numbers), so they agree with them; `python -m fundledger.demo_exports` writes both."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from fundledger.demo_exports import BW, HV, INVOICES, OUT, D, write_csv


def _read(name: str) -> list[dict]:
    text = (OUT / name).read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _dmy(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


CF_STATEMENT_HEADER = ["Date", "Campaign", "Details", "Pledged", "Fees", "Refunded", "Paid out",
                       "Funds held"]


def casefunder_statement(files: list[str]) -> None:
    """The platform's statement of funds held for the organiser: for each payout, the
    pledges received before it (less fees and refunds) and the payout, with the funds held."""
    rows, held = [], D(0)
    for name in files:
        lines = _read(name)
        for payout in (r for r in lines if r["Type"] == "payout"):
            week = [r for r in lines if r["Payout ID"] == payout["Payout ID"] and r is not payout]
            pledged = sum((D(r["Amount"]) for r in week if r["Type"] != "refund"), D(0))
            refunded = -sum((D(r["Amount"]) for r in week if r["Type"] == "refund"), D(0))
            fees = sum((D(r["Platform fee"]) + D(r["Processing fee"]) for r in week), D(0))
            held += pledged - fees - refunded
            first, last = (f(_dmy(r["Date"]) for r in week) for f in (min, max))
            rows.append([last.strftime("%d/%m/%Y"), payout["Campaign"],
                         f"Pledges {first:%d/%m/%Y} to {last:%d/%m/%Y}", f"{pledged:.2f}", f"{fees:.2f}", f"{refunded:.2f}",
                         "", f"{held:.2f}"])
            paid = -D(payout["Net"])
            held -= paid
            rows.append([payout["Date"], payout["Campaign"],
                         f"Payout {payout['Payout ID']} to the solicitors' client account", "",
                         "", "", f"{paid:.2f}", f"{held:.2f}"])
    write_csv(OUT / "casefunder-statement-2017-2022.csv", CF_STATEMENT_HEADER, rows)


CLIENT_HEADER = ["Date", "Matter", "Reference", "Details", "Paid in", "Paid out", "Balance"]
CLIENT_LEDGERS = {  # firm -> (statement file, matter number, crowdfunder export paid into it)
    HV: ("harbour-vale-client-ledger.csv", "HV/NPA/0001", "casefunder-northgate-jr.csv"),
    BW: ("brightwater-client-ledger.csv", "BW/0417/22", "casefunder-facial-jr.csv"),
}


def client_ledgers(top_up: Decimal) -> None:
    """Each firm's client-account ledger for the organisation: the crowdfunder's payouts
    and any transfer in, the invoices paid from it, and the balance after each line."""
    for firm, (name, matter, crowdfunder) in CLIENT_LEDGERS.items():
        lines = [(_dmy(r["Date"]), r["Payout ID"], "CaseFunder payout", -D(r["Net"]), D(0))
                 for r in _read(crowdfunder) if r["Type"] == "payout"]
        for inv in INVOICES:
            if inv[2] == firm and inv[10] == "client account":
                total = sum(D(x) for x in (inv[5], inv[6], inv[8], inv[9]))
                lines.append((_dmy(inv[11]), inv[0], f"Our invoice {inv[0]}: {inv[3]}", D(0),
                              total))
        if firm == HV:
            lines.append((dt.date(2024, 5, 31), "NPA-TFR", "From client: top-up of funds",
                          top_up, D(0)))
        lines.sort(key=lambda x: (x[0], -x[3]))  # a day's money in before its money out
        rows, balance = [], D(0)
        for date, ref, details, paid_in, paid_out in lines:
            balance += paid_in - paid_out
            rows.append([date.strftime("%d/%m/%Y"), matter, ref, details,
                         f"{paid_in:.2f}" if paid_in else "", f"{paid_out:.2f}" if paid_out else "",
                         f"{balance:.2f}"])
        write_csv(OUT / name, CLIENT_HEADER, rows)


STRIPE_SUMMARY_HEADER = ["category", "description", "net_amount", "currency"]


def stripe_balance_summaries() -> None:
    """Stripe's balance summary report for each calendar year: starting balance, activity,
    payouts, ending balance (balance.summary.1)."""
    lines = _read("stripe-balance-change-2017-2024.csv")
    balance = D(0)
    for year in range(2017, 2025):
        mine = [r for r in lines if r["created_utc"].startswith(str(year))]
        activity = sum((D(r["net"]) for r in mine if r["reporting_category"] != "payout"), D(0))
        payouts = sum((D(r["net"]) for r in mine if r["reporting_category"] == "payout"), D(0))
        start, balance = balance, balance + activity + payouts
        write_csv(OUT / f"stripe-balance-summary-{year}.csv", STRIPE_SUMMARY_HEADER, [
            ["starting_balance", f"Starting balance ({year}-01-01)", f"{start:.2f}", "gbp"],
            ["activity", "Activity", f"{activity:.2f}", "gbp"],
            ["payouts", "Less payouts", f"{payouts:.2f}", "gbp"],
            ["ending_balance", f"Ending balance ({year}-12-31)", f"{balance:.2f}", "gbp"]])


def write(top_up: Decimal) -> None:
    casefunder_statement(["casefunder-northgate-jr.csv", "casefunder-facial-jr.csv"])
    client_ledgers(top_up)
    stripe_balance_summaries()
