"""SWIFT MT940 statements (what many European banks still export as text) into the same table
of text a CSV gives, so the built-in `mt940` profile applies. The text is read by the
maintained `mt-940` library (its default processors also split the German `:86:` details
into posting text, purpose and counterparty).

One file may hold several statements (one `:20:` block each). Each statement's opening
balance (`:60F:`/`:60M:`) plus its lines (`:61:`) must give its closing balance
(`:62F:`/`:62M:`), or the file is refused naming both; each line gets its running
balance from the opening one, so the import asserts each day's closing balance.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from importers.errors import Problem

HEADER = ["Date", "Reference", "Amount", "Currency", "Counterparty", "Purpose", "Account",
          "Balance", "Statement", "Entry", "Transaction code", "Posting text"]
_START = re.compile(r"^:20:", re.MULTILINE)


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # SWIFT's own character set fits in it


def rows(path: str | Path) -> list[list[str]]:
    import mt940

    path = Path(path)
    text = _text(path).replace("\r\n", "\n")
    starts = [m.start() for m in _START.finditer(text)]
    if not starts:
        raise Problem(str(path), 0, "not an MT940 statement: no :20: line")
    out = [HEADER]
    for n, (a, b) in enumerate(zip(starts, [*starts[1:], len(text)], strict=True), start=1):
        statement = mt940.models.Transactions()
        try:
            statement.parse(text[a:b])
        except Exception as e:  # noqa: BLE001 (the library raises many kinds; say which)
            raise Problem(str(path), text[:a].count("\n") + 1,
                          f"statement {n}: not readable MT940 ({e})") from None
        out += _statement(statement, n, str(path), text[:a].count("\n") + 1)
    return out


def _statement(statement, n: int, path: str, line: int) -> list[list[str]]:
    info = statement.data
    account = str(info.get("account_identification") or "")
    number = str(info.get("statement_number") or n)
    where = f"statement {n} (:20: {info.get('transaction_reference')}, account {account})"
    opening = info.get("final_opening_balance") or info.get("intermediate_opening_balance")
    closing = info.get("final_closing_balance") or info.get("intermediate_closing_balance")
    found = []
    for k, t in enumerate(statement, start=1):
        d = t.data
        amount = d["amount"].amount
        found.append([d["date"].isoformat(), d.get("bank_reference") or "", amount,
                      d["amount"].currency, d.get("applicant_name") or "",
                      d.get("purpose") or d.get("transaction_details") or "", account, None,
                      number, str(k), d.get("transaction_code") or d.get("id") or "",
                      d.get("posting_text") or ""])
    if opening is not None and closing is not None:
        total = sum((f[2] for f in found), Decimal(0))
        start, end = opening.amount.amount, closing.amount.amount
        if start + total != end:
            raise Problem(path, line, f"{where}: the opening balance {start} "
                          f"{opening.amount.currency} plus its lines ({total}) is "
                          f"{start + total}, not its closing balance {end} "
                          f"{closing.amount.currency}: the statement does not add up, so "
                          "nothing was imported")
    if opening is not None:
        running = opening.amount.amount
        for f in found:
            running += f[2]
            f[7] = running
    return [[str(c) if c is not None else "" for c in f] for f in found]
