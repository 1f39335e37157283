"""ISO 20022 bank-to-customer statements (camt.053, what European banks export as XML) into
the same table of text a CSV gives, so the built-in `camt053` profile applies.

The XML is parsed with defusedxml (a bank file is never allowed to expand entities or
reach the network) and read by the standard's structure, whatever its version
(camt.053.001.02 to .13: the namespace is ignored, `Sts` may be a code or hold `Cd`):

    Document/BkToCstmrStmt/Stmt        one per account and period
      Acct/Id/IBAN (or Othr/Id), Acct/Ccy
      Bal: Tp/CdOrPrtry/Cd (OPBD opening, CLBD closing; PRCD the previous closing),
           Amt[@Ccy], CdtDbtInd (DBIT: below zero), Dt/Dt or Dt/DtTm
      Ntry: Amt[@Ccy], CdtDbtInd (CRDT in, DBIT out), Sts (BOOK; PDNG and INFO are not
            booked yet), BookgDt/Dt or DtTm, ValDt, AcctSvcrRef, NtryRef,
            NtryDtls/TxDtls: Refs/EndToEndId, RltdPties/Dbtr|Cdtr/Nm, RmtInf/Ustrd,
            AddtlNtryInf

A statement whose own opening balance plus its booked entries does not give its own
closing balance is refused, naming both figures: booking it would put a hole in the books.
Each entry gets its running balance from the opening one, so the import asserts each
day's closing balance as the bank stated it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from importers.errors import Problem, q, shape

HEADER = ["Booking date", "Reference", "Amount", "Credit/Debit", "Counterparty", "Remittance",
          "Currency", "Account", "Balance", "Value date", "End to end id", "Bank code"]
OPENING = ("OPBD", "PRCD")  # the opening booked balance, else the previous closing one
CLOSING = ("CLBD",)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip(root) -> None:
    """Namespaces dropped: every camt.053 version names its elements alike."""
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = _local(el.tag)


def _text(el, path: str) -> str:
    found = el.find(path) if el is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def _date(el) -> str:
    """A Dt or DtTm inside el, as YYYY-MM-DD; '' if none."""
    if el is None:
        return ""
    value = _text(el, "Dt") or _text(el, "DtTm")
    return value[:10]


def _amount(el, where: str, path: str) -> tuple[Decimal, str]:
    amt = el.find("Amt")
    if amt is None or not (amt.text or "").strip():
        raise Problem(path, 0, f"{where}: no Amt (amount)")
    try:
        value = Decimal(amt.text.strip())
    except InvalidOperation:
        raise Problem(path, 0, f"{where}: Amt ({shape(amt.text.strip())}) is not a number") from None
    sign = _text(el, "CdtDbtInd")
    if sign not in ("CRDT", "DBIT"):
        raise Problem(path, 0, f"{where}: CdtDbtInd {q(sign)} is neither CRDT nor DBIT")
    return (-value if sign == "DBIT" else value), amt.get("Ccy", "")


def _status(ntry) -> str:
    sts = ntry.find("Sts")
    if sts is None:
        return "BOOK"
    return (_text(sts, "Cd") or (sts.text or "")).strip().upper() or "BOOK"


def _balance(stmt, codes: tuple[str, ...], path: str, where: str):
    for code in codes:
        for bal in stmt.findall("Bal"):
            if _text(bal, "Tp/CdOrPrtry/Cd") == code:
                amount, ccy = _amount(bal, f"{where}, balance {code}", path)
                return code, amount, ccy, _date(bal.find("Dt"))
    return None


def rows(path: str | Path) -> list[list[str]]:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    path = Path(path)
    try:
        # blank lines before the XML declaration are tolerated, as banks' portals add them
        root = ElementTree.fromstring(path.read_bytes().lstrip())
    except (ElementTree.ParseError, DefusedXmlException) as e:
        raise Problem(str(path), 0, f"not a readable camt.053 statement ({e})") from None
    _strip(root)
    statements = root.findall("BkToCstmrStmt/Stmt")
    if not statements:
        raise Problem(str(path), 0, "not a camt.053 statement: no BkToCstmrStmt/Stmt in it")
    out = [HEADER]
    for n, stmt in enumerate(statements, start=1):
        out += _statement(stmt, n, str(path))
    return out


def _statement(stmt, n: int, path: str) -> list[list[str]]:
    account = _text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id")
    where = f"statement {n} ({_text(stmt, 'Id') or 'no Id'}, account {account or '?'})"
    currency = _text(stmt, "Acct/Ccy")
    found: list[list] = []
    for k, ntry in enumerate(stmt.findall("Ntry"), start=1):
        if _status(ntry) != "BOOK":  # pending or for information: not on the balance yet
            continue
        at = f"{where}, entry {k}"
        amount, ccy = _amount(ntry, at, path)
        day = _date(ntry.find("BookgDt")) or _date(ntry.find("ValDt"))
        if not day:
            raise Problem(path, 0, f"{at}: no BookgDt (booking date)")
        tx = ntry.find("NtryDtls/TxDtls")
        party = "Dbtr" if amount > 0 else "Cdtr"
        name = (_text(tx, f"RltdPties/{party}/Nm") or _text(tx, f"RltdPties/{party}/Pty/Nm")
                if tx is not None else "")
        remit = " ".join(filter(None, [
            *((u.text or "").strip() for u in (tx.findall("RmtInf/Ustrd") if tx is not None
                                                 else [])),
            _text(ntry, "AddtlNtryInf")]))
        e2e = _text(tx, "Refs/EndToEndId") if tx is not None else ""
        ref = (_text(ntry, "AcctSvcrRef") or _text(ntry, "NtryRef")
               or (_text(tx, "Refs/AcctSvcrRef") if tx is not None else "")
               or (e2e if e2e and e2e != "NOTPROVIDED" else "")
               or f"{_text(stmt, 'Id') or account}:{k}")
        code = _text(ntry, "BkTxCd/Domn/Cd") + "/" + _text(ntry, "BkTxCd/Domn/Fmly/SubFmlyCd")
        found.append([day, ref, amount, "CRDT" if amount > 0 else "DBIT", name, remit,
                      ccy or currency, account, None, _date(ntry.find("ValDt")), e2e,
                      code.strip("/")])
    opening = _balance(stmt, OPENING, path, where)
    closing = _balance(stmt, CLOSING, path, where)
    if opening and closing:
        total = sum((f[2] for f in found), Decimal(0))
        if opening[1] + total != closing[1]:
            raise Problem(path, 0, f"{where}: the opening balance {opening[1]} {opening[2]} "
                          f"plus its entries ({total}) is {opening[1] + total}, not its "
                          f"closing balance {closing[1]} {closing[2]}: the statement does "
                          "not add up, so nothing was imported")
    if opening:
        running = opening[1]
        for f in sorted(found, key=lambda f: f[0]):
            running += f[2]
            f[8] = running
    return [[str(c) if c is not None else "" for c in f] for f in found]
