"""OFX bank statements (v1 SGML or v2 XML) into the same table of text a CSV gives, so the
built-in `ofx` profile (and any profile with its columns) applies.

Read leniently, as banks write it rather than as the specification does: v1 SGML leaves
most closing tags out, a BANKID may run to 10 digits, LANGUAGE may be missing, a tag may be
empty. (ofxtools, strict by design, refuses such statements outright.) What is needed
to book a transaction is checked, and a statement that lacks it is refused naming the
transaction and the tag: DTPOSTED, TRNAMT and FITID (the bank's own id: dedup on it is
exact).

The statement's ledger balance (LEDGERBAL), when it is as of the last transaction or
later, gives each transaction its running balance, from which the import asserts each
day's closing balance.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from importers.errors import Problem, shape

HEADER = ["Date", "FITID", "Amount", "Type", "Name", "Memo", "Currency", "Account", "Balance"]
_BLOCK = re.compile(r"<(STMTRS|CCSTMTRS)>(.*?)(?:</\1>|(?=<(?:STMTRS|CCSTMTRS)>)|\Z)",
                    re.IGNORECASE | re.DOTALL)
_TRN = re.compile(r"<STMTTRN>(.*?)(?:</STMTTRN>|(?=<STMTTRN>)|(?=</BANKTRANLIST>)|\Z)",
                  re.IGNORECASE | re.DOTALL)
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")


def _tag(block: str, name: str) -> str:
    """A tag's value: up to its closing tag or the next tag (SGML leaves closing tags
    out), entities decoded, spaces trimmed; '' if absent or empty."""
    m = re.search(rf"<{name}>([^<]*)", block, re.IGNORECASE)
    if m is None:
        return ""
    value = m.group(1).strip()
    for entity, ch in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"),
                       ("&nbsp;", " "), ("&amp;", "&")):
        value = value.replace(entity, ch)
    return value


def _date(value: str) -> str | None:
    m = _DATE.match(value)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def _text(path: Path) -> str:
    raw = path.read_bytes()
    head = raw[:1024].decode("ascii", "replace").upper()
    # v1 declares its charset in the header; v2 is XML (UTF-8 unless it says otherwise)
    if "CHARSET:1252" in head:
        return raw.decode("cp1252", "replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def rows(path: str | Path) -> list[list[str]]:
    path = Path(path)
    text = _text(path)
    out = [HEADER]
    statements = _BLOCK.findall(text)
    if not statements:
        raise Problem(str(path), 0, "not a readable OFX statement: no <STMTRS> (bank) or "
                      "<CCSTMTRS> (card) statement in it")
    for _kind, block in statements:
        currency = _tag(block, "CURDEF").upper()
        account = _tag(block, "ACCTID")
        found = []
        for n, trn in enumerate(_TRN.findall(block), start=1):
            # Shapes, never contents: no error repeats what the file says (issue 29).
            where = f"transaction {n} of the statement for account {shape(account)}"
            date = _date(_tag(trn, "DTPOSTED"))
            if date is None:
                raise Problem(str(path), 0, f"{where}: DTPOSTED {shape(_tag(trn, 'DTPOSTED'))} "
                              "is not a date (YYYYMMDD...)")
            amount = _tag(trn, "TRNAMT")
            fitid = _tag(trn, "FITID")
            if not amount:
                raise Problem(str(path), 0, f"{where}: no TRNAMT (amount)")
            if not fitid:
                raise Problem(str(path), 0, f"{where}: no FITID (the bank's transaction id)")
            found.append([date, fitid, amount, _tag(trn, "TRNTYPE").upper(), _tag(trn, "NAME"),
                          _tag(trn, "MEMO"), _tag(trn, "CURRENCY") or currency, account, ""])
        _running_balance(found, block)
        out += found
    return out


def _running_balance(found: list[list[str]], block: str) -> None:
    """Each transaction's balance after it, worked back from the ledger balance, when that
    balance is as of the last transaction's day or later (else it may leave some out)."""
    m = re.search(r"<LEDGERBAL>(.*?)(?:</LEDGERBAL>|(?=<AVAILBAL>)|\Z)", block,
                  re.IGNORECASE | re.DOTALL)
    if m is None or not found:
        return
    as_of = _date(_tag(m.group(1), "DTASOF"))
    try:
        balance = Decimal(_tag(m.group(1), "BALAMT").replace(",", "."))
        amounts = [Decimal(t[2].replace(",", ".")) for t in found]
    except InvalidOperation:
        return  # an amount the profile will refuse, with its row, or no balance to use
    if as_of is None or as_of < max(t[0] for t in found):
        return
    order = sorted(range(len(found)), key=lambda i: (found[i][0], i))
    for i in reversed(order):
        found[i][8] = str(balance)
        balance -= amounts[i]
