"""OFX bank statements (v1 SGML or v2 XML), read with ofxtools into the same table of text
that a CSV gives, so the built-in `ofx` profile (and any profile with its columns) applies.
FITID is the bank's own transaction id: dedup on it is exact."""

from __future__ import annotations

import warnings
from pathlib import Path

from importers.errors import Problem

HEADER = ["Date", "FITID", "Amount", "Type", "Name", "Memo", "Currency", "Account"]


def is_ofx(head: bytes) -> bool:
    text = head[:2048].upper()
    return b"OFXHEADER" in text or b"<OFX>" in text


def rows(path: str | Path) -> list[list[str]]:
    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    try:
        # ofxtools skips a tag it does not expect with a warning: in a damaged statement
        # that would silently drop transactions, so it is an error here.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tree.parse(str(path))
            ofx = tree.convert()
    except Exception as e:  # noqa: BLE001 (ofxtools raises many kinds for a bad file)
        raise Problem(str(path), 0, f"not a readable OFX statement ({type(e).__name__})") \
            from None
    out = [HEADER]
    for stmt in ofx.statements:
        account = getattr(stmt.account, "acctid", "") or ""
        for t in stmt.banktranlist or []:
            out.append([t.dtposted.date().isoformat(), t.fitid or "", str(t.trnamt),
                        t.trntype or "", t.name or "", t.memo or "", stmt.curdef or "",
                        account])
    return out
