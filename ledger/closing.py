"""The entries that close a fund, as beancount text (pure: nothing here reads or writes).

A fund closes at exactly zero (the plugin checks it). When money is left, it is first
dealt with under the fund's `terms`:

release-to-unrestricted
    A transfer on Equity:Funds:Transfers out of the fund into the unrestricted fund, with
    the trustees' `decision:` noted. The money does not move, so the same transaction
    re-attributes each holding account (a pair of postings on the same account, one per
    fund) so that the reconciliation shows it held for the unrestricted fund from then on.

return-to-platform
    A payment out of the accounts that hold the money, booked as a debit to the income
    account the fund raised it on (e.g. Income:Crowdfunding:CaseFunder), with
    `leftover: "returned"`. Why income and not an expense: returning unspent pledges
    reverses fundraising that could not be applied to its purpose, the way a platform's
    refund of a pledge does; it is not spending on the purpose, so an Expenses account
    would either break the restricted fund's `purpose` (the plugin rejects it) or require
    widening the purpose to something it never was. The reconciliation reads the
    `leftover` mark and shows the money as "returned", so "raised" stays the gross raised.

donate-to-charity
    A payment out of the accounts that hold the money to the charity the fund's terms
    name (CrowdJustice's rule: an unspent balance goes to an access-to-justice charity),
    booked to Expenses:Grants:Charities with the charity as payee and
    `leftover: "donated"`. It is expenditure (a grant to another charity), authorised by
    the fund's terms rather than its purpose: the plugin accepts exactly that payment.

Every leftover entry carries the trustees' `decision:` as given: nothing here words one.
The amounts handed in are in the books' operating currency and add up to the balance;
which accounts pay and how much (never more than an account holds) is decided in
reports/closing.py, which also opens any account these entries use that the books lack.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

TRANSFERS = "Equity:Funds:Transfers"
DONATIONS = "Expenses:Grants:Charities"
LEFTOVER_KEY = "leftover"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line(account: str, number: Decimal, unit: str, fund: str | None = None) -> str:
    text = f"  {account:<40} {number:>12} {unit}\n"
    if fund is not None:
        text += f"    fund: {_quote(fund)}\n"
    return text


def close_text(fund: str, date: datetime.date, decision: str | None = None) -> str:
    text = f"{date} custom \"fund-close\" {_quote(fund)}\n"
    if decision:
        text += f"  decision: {_quote(decision)}\n"
    return text


def release_text(fund: str, to_fund: str, date: datetime.date, balance: Decimal,
                 holdings: Mapping[str, Decimal], unit: str, decision: str) -> str:
    """Transfer `balance` from `fund` to `to_fund`, and the holding accounts with it."""
    text = (f"{date} * \"Trustees\" "
            f"{_quote(f'Release the leftover of {fund} to {to_fund}')}\n"
            f"  decision: {_quote(decision)}\n"
            f"  {LEFTOVER_KEY}: \"released\"\n")
    text += _line(TRANSFERS, balance, unit, fund)
    text += _line(TRANSFERS, -balance, unit, to_fund)
    for account, number in holdings.items():
        if number:
            text += _line(account, -number, unit, fund)
            text += _line(account, number, unit, to_fund)
    return text


def _pay_out(payee: str, narration: str, how: str, fund: str, to_account: str,
             date: datetime.date, balance: Decimal, holdings: Mapping[str, Decimal],
             unit: str, decision: str) -> str:
    """A payment of `balance` out of the holding accounts to `to_account`."""
    if sum(holdings.values(), Decimal(0)) != balance:
        raise ValueError("the holdings handed in do not add up to the balance")
    text = (f"{date} * {_quote(payee)} {_quote(narration)}\n"
            f"  fund: {_quote(fund)}\n"
            f"  decision: {_quote(decision)}\n"
            f"  {LEFTOVER_KEY}: {_quote(how)}\n")
    text += _line(to_account, balance, unit)
    for account, number in holdings.items():
        if number:
            text += _line(account, -number, unit)
    return text


def return_text(fund: str, income_account: str, date: datetime.date, balance: Decimal,
                holdings: Mapping[str, Decimal], unit: str, decision: str) -> str:
    """Pay `balance` out of the holding accounts back to where it was raised."""
    payee = income_account.rsplit(":", 1)[-1]
    return _pay_out(payee, f"Return the leftover of {fund} to {payee}", "returned", fund,
                    income_account, date, balance, holdings, unit, decision)


def donate_text(fund: str, charity: str, date: datetime.date, balance: Decimal,
                holdings: Mapping[str, Decimal], unit: str, decision: str) -> str:
    """Pay `balance` out of the holding accounts to `charity`, as the fund's terms say."""
    return _pay_out(charity, f"Leftover of {fund} donated under its terms", "donated",
                    fund, DONATIONS, date, balance, holdings, unit, decision)


def donated_under_terms(txn, fund) -> bool:
    """Is `txn` the leftover of `fund` (a ledger.funds.Fund) given to the charity its
    donate-to-charity terms name? The terms, not the purpose, authorise that one payment,
    so the fund rules accept it outside the purpose."""
    return (fund.terms == "donate-to-charity" and txn.meta.get("leftover") == "donated"
            and txn.payee == fund.charity)
