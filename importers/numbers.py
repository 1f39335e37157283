"""Amounts as exports write them, read to the exact Decimal or refused: never guessed.

Exports write one amount many ways: `1,234.50`, `1.234,50` (a German PayPal download),
`1 234,50` with a no-break space (a French bank), `(12.50)` (accountants), `12.50-` or
`12.50 DR` (some bank statements), `+£5.00`, `GBP 12`, `€ -3,20`. A source that fixes its
style declares it in its profile (`decimal = ","`, `thousands = "."`); otherwise the style
is read from the file's own amounts: one that can only be a decimal comma (`59,30`) or a
decimal point (`12.50`) settles it for the whole file, and an amount that reads two ways
(`1,234` is 1234 or 1.234) with nothing in the file to settle it is refused, naming the
row and what to declare.

Digits other than ASCII (Arabic-Indic, full-width) are read as the digits they are (the
Unicode decimal value), and the Arabic decimal and thousands marks as such.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

DOT, COMMA = ".", ","
# Currency signs and codes that may stand before or after the number.
SIGNS = "£$€¥"
CODE = r"[A-Z]{3}"
# Spaces used as thousands separators: space, no-break, narrow no-break, thin.
SPACES = "\u0020\u00a0\u202f\u2009"
_SPACE = re.compile(f"[{SPACES}]")
_OUTER = re.compile(
    r"^(?P<open>\()?\s*(?P<sign1>[-+])?\s*(?:(?P<pre>" + CODE + r")\s*|[" + SIGNS + r"]\s*)?"
    r"(?P<sign2>[-+])?\s*(?P<body>\d[\d.,' ]*)\s*"
    r"(?:(?P<post>" + CODE + r")|[" + SIGNS + r"])?\s*(?P<sign3>-|CR|DR)?\s*(?P<close>\))?$")


class AmountError(ValueError):
    """Not an amount, or one that reads two ways; str() says which, in plain words."""


def _ascii(text: str) -> str:
    """Unicode digits as ASCII, the Arabic decimal/thousands marks and the minus sign as
    their ASCII forms, and every kind of space as a plain space."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isdigit() and unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif ch == "\u066b":
            out.append(".")
        elif ch == "\u066c":
            out.append(",")
        elif ch in "\u2212\u2012\u2013":  # minus sign, figure dash, en dash
            out.append("-")
        elif ch in SPACES:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _style_re(decimal: str, thousands: str | None) -> re.Pattern:
    """Digits in one style: thousands groups of three (if any), then the decimal part."""
    seps = re.escape(thousands) if thousands is not None else (
        "[,' ]" if decimal == DOT else "[.' ]")
    # A grouped number does not start with 0 ("0.123" is never 123).
    return re.compile(rf"^(?:[1-9]\d{{0,2}}(?:{seps}\d{{3}})+|\d+)(?:{re.escape(decimal)}\d+)?$")


_DOT_ANY = _style_re(DOT, None)
_COMMA_ANY = _style_re(COMMA, None)


def split(text: str) -> tuple[int, str, str | None] | None:
    """(sign, the digits with their separators, currency code stated or None) of an amount
    cell; None if the cell is not shaped like an amount at all."""
    m = _OUTER.match(_ascii(text).strip())
    if m is None:
        return None
    signs = [m.group("sign1"), m.group("sign2"), m.group("sign3")]
    negative = (m.group("open") is not None, *(s in ("-", "DR") for s in signs))
    if (m.group("open") is None) != (m.group("close") is None):
        return None
    if sum(s is not None for s in signs) > 1 or sum(negative) > 1:
        return None  # "--5", "(-5)", "-5 DR": two signs, refused rather than guessed
    code = m.group("pre") or m.group("post")
    return (-1 if any(negative) else 1), m.group("body").strip(), code


def readings(body: str) -> dict[str, Decimal]:
    """What the digits can mean: {"." : value} for a decimal point, {",": value} for a
    decimal comma; both when they read both ways with different values."""
    out: dict[str, Decimal] = {}
    for mark, pattern in ((DOT, _DOT_ANY), (COMMA, _COMMA_ANY)):
        if pattern.match(body):
            other = COMMA if mark == DOT else DOT
            plain = _SPACE.sub("", body).replace("'", "").replace(other, "")
            out[mark] = Decimal(plain.replace(COMMA, DOT))
    if len(out) == 2 and out[DOT] == out[COMMA]:
        return {"": out[DOT]}  # "1234" or "1 234": one value either way
    return out


def parse(text: str, decimal: str = "", thousands: str | None = None,
          settled: str = "") -> Decimal:
    """One amount cell as a Decimal. `decimal`/`thousands`: the profile's declared style;
    `settled`: the mark the file's other amounts settled, if any. Raises AmountError."""
    got = split(text)
    if got is None:
        raise AmountError("is not a number")
    sign, body, _code = got
    if thousands and thousands in SPACES:  # every kind of space was read as a plain one
        thousands = " "
    if decimal:
        if not _style_re(decimal, thousands).match(body):
            raise AmountError(f"is not a number written with '{decimal}' as the decimal mark"
                              + (f" and '{thousands}' between thousands" if thousands else ""))
        seps = thousands if thousands is not None else (COMMA if decimal == DOT else DOT) + "' "
        plain = "".join(ch for ch in body if ch not in seps)
        return sign * Decimal(plain.replace(decimal, DOT))
    options = readings(body)
    if not options:
        raise AmountError("is not a number")
    if "" in options:
        return sign * options[""]
    if len(options) == 1:
        mark, value = next(iter(options.items()))
        if settled and mark != settled:
            raise AmountError(f"has a decimal '{mark}' where the file's other amounts use "
                              f"'{settled}'")
        return sign * value
    if settled:
        return sign * options[settled]
    raise AmountError("reads two ways (a decimal point or a thousands separator?): declare "
                      "the source's number style in its profile (decimal = \".\" or \",\")")


def settle(bodies) -> tuple[str, str | None]:
    """The decimal mark a file's amounts agree on ('' if none settles it), and the first
    amount body that disagrees with the others (None if they all agree)."""
    mark, clash = "", None
    for body in bodies:
        options = readings(body)
        if len(options) != 1 or "" in options:
            continue
        only = next(iter(options))
        if not mark:
            mark = only
        elif only != mark:
            clash = body
            break
    return mark, clash


def stated_currency(text: str) -> str | None:
    """The currency an amount cell names itself ("10.00 EUR", "£25"), if any."""
    got = split(text)
    if got is not None and got[2]:
        return got[2]
    for sign, code in (("£", "GBP"), ("€", "EUR"), ("$", "USD"), ("¥", "JPY")):
        if sign in text:
            return code
    return None
