"""No donor name, email, address, phone number or message from any export reaches the
books: neither from the test fixtures nor from the demo's shipped exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from conftest import cli_env, run_cli
from importers_support import FIXTURES, write_books, write_xlsx

from fundledger import demo_books

DONOR_COLUMNS = {
    "name", "from email address", "to email address", "shipping address", "note",
    "contact phone number", "supporter name", "supporter email", "supporter id", "message",
    "customer_email", "customer_name", "customer_description", "customer_id", "description",
    "first name", "last name", "email", "address 1", "postcode", "opposite account handle",
    "opposite account name", "donor user id", "donor first name", "donor last name",
    "donor email", "memo"}
ORG = ("treasurer@", "stripe", "payout", "paypal")


def rows_of(path):
    if path.suffix == ".ofx":
        from importers import ofx

        return ofx.rows(path)
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return [[str(c) if c is not None else "" for c in r] for r in ws.iter_rows(values_only=True)]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.reader(io.StringIO(text)))


def donor_values(path) -> set[str]:
    rows = rows_of(path)
    header_at = next((i for i, r in enumerate(rows) if sum(bool(c) for c in r) >= 4), 0)
    header = [c.strip().casefold() for c in rows[header_at]]
    out = set()
    for row in rows[header_at + 1:]:
        for name, value in zip(header, row, strict=False):
            value = value.strip()
            if name in DONOR_COLUMNS and len(value) >= 5 and not value.lower().startswith(ORG):
                out.add(value)
                # A bank line "FPI ADA QUILL DONATION" carries the payer's name inside.
                if value.startswith("FPI "):
                    out.update(w for w in value.split()[1:-1] if len(w) >= 3)
    return out


def books_text(folder) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in folder.rglob("*") if p.is_file() and p.suffix in (
                         ".beancount", ".toml", ".py")).casefold()


def leaks(values: set[str], text: str, allowed: str) -> list[str]:
    return sorted(v for v in values if v.casefold() in text and v.casefold() not in allowed)


def test_no_fixture_donor_value_in_the_books(tmp_path):
    main = write_books(tmp_path / "b")
    # The US PayPal download and the OFX statement are of other accounts than the UK
    # download and the CSV statement (their balances say so): books of their own.
    other = write_books(tmp_path / "b2")
    allowed = books_text(main.parent)  # words the books had before (account names...)
    jg = write_xlsx(tmp_path / "jg.xlsx", [
        ["Donation Ref", "Donation Date", "Donation Amount", "Donor User Id", "Donor First Name",
         "Donor Last Name", "Donor Email", "Message"],
        ["JG-P-1", "01/07/2023", 25, "u-77", "Wanda", "Fixture", "wanda.fixture@example.org",
         "Wanda's note to the trustees"]])
    files = [FIXTURES / n for n in ("paypal_uk.csv", "stripe.csv", "casefunder.csv",
                                    "bank_cp1252.csv", "gocardless.csv", "enthuse.csv",
                                    "opencollective.csv")] + [jg]
    others = [FIXTURES / n for n in ("paypal_us.csv", "statement.ofx")]
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    r = run_cli("import", *files, "--books", main, env=env)
    assert r.returncode == 0, r.stderr
    r2 = run_cli("import", *others, "--books", other, env=env)
    assert r2.returncode == 0, r2.stderr
    values = set().union(*(donor_values(f) for f in files + others))
    assert len(values) > 40  # the check has something to find
    text = books_text(main.parent) + books_text(other.parent)
    assert "donor: \"d-" in text
    assert leaks(values, text, allowed) == []
    assert "fixture" not in text  # every invented donor is called "... Fixture"
    said = (r.stdout + r.stderr + r2.stdout + r2.stderr).replace(str(tmp_path), "TMP").casefold()
    assert "fixture" not in said


@pytest.mark.parametrize("export", sorted(
    p.name for p in demo_books.EXPORTS.iterdir()
    if p.name.startswith(("paypal", "stripe", "casefunder", "bank"))
    and not p.name.startswith(("stripe-balance-summary", "casefunder-statement"))))
def test_no_demo_donor_value_in_the_demo_books(export):
    # (The balance statements name no donor: they sum what the donor exports list.)
    values = donor_values(demo_books.EXPORTS / export)
    assert values
    text = books_text(demo_books.BOOKS)
    hand_kept = "\n".join(p.read_text().casefold() for p in demo_books.BOOKS.glob("*.beancount"))
    assert leaks(values, text, hand_kept) == []


def test_an_ofx_refusal_shows_shapes_never_what_the_file_says(tmp_path):
    """A bad OFX date is named by its shape and the statement's account by its shape too
    (issue 29: no error repeats a value of the file)."""
    from importers import errors, ofx

    bad = tmp_path / "statement.ofx"
    text = (FIXTURES.parent / "real" / "statement-v1.ofx").read_text(
        encoding="utf-8", errors="replace")
    bad.write_text(text.replace("<DTPOSTED>20251001", "<DTPOSTED>Jane Doe", 1), encoding="utf-8")
    with pytest.raises(errors.Problem) as e:
        ofx.rows(bad)
    said = str(e.value)
    assert "Jane Doe" not in said and "02344812" not in said, said
    assert "shaped 'aaaa aaa'" in said and "shaped '99999999'" in said, said
