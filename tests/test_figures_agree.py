"""One definition of each figure on every surface (issue 15): the `funds` table, its JSON
and CSV, the Fava Funds page, the SOFA's funds note and the transparency statement give
every fund the same figures, and every row adds up

    raised - fees - legal - other + transfers in - transfers out - returned = balance

before and after a fund's leftover is returned to the platform on closing."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

from conftest import run_cli
from fava_support import fava_app, funds_table

from reports import transparency
from tests.statements_books import load

D = Decimal
FIELDS = ("raised", "fees", "legal", "other", "transfers_in", "transfers_out", "returned",
          "balance")
# Pays the demo's one unpaid invoice, so the crowdfunder can close with its leftover.
PAY_BW_2308 = """
2024-09-30 * "Brightwater Law" "Invoice BW-2308 paid"
  invoice: "BW-2308"
  Liabilities:Creditors:Brightwater         288.00 GBP
  Assets:Held:Brightwater                  -288.00 GBP
"""


def money(text: str) -> Decimal:
    return D(text.split()[0].replace(",", "").replace("£", ""))


def adds_up(f: dict[str, Decimal]) -> bool:
    return (f["raised"] - f["fees"] - f["legal"] - f["other"] + f["transfers_in"]
            - f["transfers_out"] - f["returned"]) == f["balance"]


def from_json(books) -> dict[str, dict[str, Decimal]]:
    r = run_cli("funds", "--books", books, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = {}
    for f in json.loads(r.stdout)["funds"]:
        out[f["fund"]] = {
            "raised": money(f["raised_total"]),
            "fees": money(f["fees"]["platform"]) + money(f["fees"]["payment"]),
            "legal": money(f["legal_total"]), "other": money(f["other_spend"]),
            "transfers_in": money(f["transfers"]["in"]),
            "transfers_out": money(f["transfers"]["out"]),
            "returned": money(f["returned"]), "balance": money(f["balance"])}
    return out


def from_csv(books) -> dict[str, dict[str, Decimal]]:
    r = run_cli("funds", "--books", books, "--format", "csv")
    assert r.returncode == 0, r.stderr
    out = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        out[row["fund"]] = {
            "raised": D(row["raised total"]),
            "fees": D(row["platform fees"]) + D(row["payment fees"]),
            "legal": D(row["legal total"]), "other": D(row["other spend"]),
            "transfers_in": D(row["transfers in"]), "transfers_out": D(row["transfers out"]),
            "returned": D(row["returned"]), "balance": D(row["balance"])}
    return out


def from_table(books) -> dict[str, dict[str, Decimal]]:
    r = run_cli("funds", "--books", books, "--brief")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    header = re.split(r"\s{2,}", lines[2].strip())
    assert header[3:11] == ["Raised", "Fees", "Legal", "Other spend", "Transfers in",
                            "Transfers out", "Returned", "Balance"]
    out = {}
    for line in lines[4:]:
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] != "Total":
            out[cells[0]] = {k: money(v) for k, v in zip(FIELDS, cells[3:11], strict=True)}
    return out


def from_fava(books) -> dict[str, dict[str, Decimal]]:
    app, slug = fava_app(books)
    page = app.test_client().get(f"/{slug}/extension/Funds/")
    assert page.status_code == 200
    rows = funds_table(page.get_data(as_text=True))
    return {fund: {k: cells[k] for k in FIELDS} for fund, cells in rows.items()}


def from_sofa(books, entries) -> dict[str, dict[str, Decimal]]:
    """The funds note over the books' whole life: income is what was raised; expenditure
    is fees, legal, other spend and any leftover returned."""
    last = max(e.date for e in entries)
    r = run_cli("report", "sofa", "--books", books, "--from", "2017-01-01", "--to", last,
                "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    returned = {row["key"]: D(row["total"]) for row in data["sofa"]}
    assert all(D(row["total"]) >= 0 for row in data["sofa"] if row["key"].startswith(
        "income.")), "a SOFA income line is negative"
    return {f["fund"]: {"brought_forward": D(f["brought_forward"]), "income": D(f["income"]),
                        "expenditure": D(f["expenditure"]), "transfers": D(f["transfers"]),
                        "carried_forward": D(f["carried_forward"]),
                        "returned_total": returned["expenditure.returned"]}
            for f in data["funds"]}


def check_every_surface(books) -> dict[str, dict[str, Decimal]]:
    entries, options = load(books)
    surfaces = {"json": from_json(books), "csv": from_csv(books), "table": from_table(books),
                "fava": from_fava(books)}
    reference = surfaces["json"]
    assert len(reference) == 5
    for name, got in surfaces.items():
        assert got == reference, name
        for fund, f in got.items():
            assert adds_up(f), (name, fund, f)
    note = from_sofa(books, entries)
    for fund, f in reference.items():
        n = note[fund]
        assert n["brought_forward"] == 0
        assert n["income"] == f["raised"], fund
        assert n["expenditure"] == f["fees"] + f["legal"] + f["other"] + f["returned"], fund
        assert n["transfers"] == f["transfers_in"] - f["transfers_out"], fund
        assert n["carried_forward"] == f["balance"], fund
    assert next(iter(note.values()))["returned_total"] == sum(
        f["returned"] for f in reference.values())

    # The transparency statement: its headline adds up, its totals are the funds', and
    # its firms are `legal --by firm`'s (court fees on their own line in both). The public
    # statement of these books stops at 2022 (later years' fees would give a few bank
    # gifts back), so the figures are compared on the internal draft of all of them.
    s = transparency.statement(entries, options, draft=True)
    assert s.raised_total == sum(f["raised"] for f in reference.values())
    assert s.returned == sum(f["returned"] for f in reference.values())
    assert s.balance == sum(f["balance"] for f in reference.values())
    assert s.raised_total - s.spent_total - s.returned == s.balance
    r = run_cli("legal", "--books", books, "--by", "firm", "--format", "json")
    legal = {g["key"]: money(g["total"]) for g in json.loads(r.stdout)["groups"]}
    assert {f.firm: f.amount for f in s.spend_by_firm} == {
        k: v for k, v in legal.items() if k != "Not paid to a firm: court fees"}
    assert s.court_fees == legal["Not paid to a firm: court fees"]
    page = run_cli("report", "transparency", "--books", books, "--draft",
                   "-o", books.parent / "site")
    assert page.returncode == 0, page.stderr
    md = (books.parent / "site" / "statement.md").read_text()
    assert ("| Returned |" in md) == bool(s.returned)
    return reference


def test_every_surface_agrees_before_and_after_a_returned_leftover(demo):
    before = check_every_surface(demo)
    assert before["jr-facial"]["returned"] == 0
    with (demo.parent / "journal.beancount").open("a") as f:
        f.write(PAY_BW_2308)
    r = run_cli("close", "jr-facial", "--books", demo, "--date", "2024-12-31",
                "--leftover", "return", "--override-terms", "--decision", "minute 2024/12")
    assert r.returncode == 0, r.stderr
    after = check_every_surface(demo)
    facial = after["jr-facial"]
    assert facial["balance"] == 0
    assert facial["returned"] == before["jr-facial"]["balance"] > 0
    assert facial["raised"] == before["jr-facial"]["raised"]  # raised stays gross
    assert {k: v for k, v in after.items() if k != "jr-facial"} == {
        k: v for k, v in before.items() if k != "jr-facial"}


def test_a_balance_brought_forward_is_neither_raised_nor_a_transfer(tmp_path):
    """New books that import a bank statement bring its first balance forward
    (Equity:Funds:Opening). Every surface shows it as brought forward: not as a transfer
    from another fund (a public statement once said it "came in from our other funds"),
    and every row still adds up."""
    from conftest import ROOT, cli_env

    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    books = tmp_path / "books"
    assert run_cli("init", books, "--name", "Test", env=env).returncode == 0
    r = run_cli("import", ROOT / "tests" / "fixtures" / "real" / "lloyds.csv", "--books",
                books, "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    entries, _options = load(books / "main.beancount")
    opening = -sum((p.units.number for e in entries for p in getattr(e, "postings", ())
                    if p.account == "Equity:Funds:Opening"), D(0))
    assert opening > 0, "the statement's first balance is brought forward"

    data = json.loads(run_cli("funds", "--books", books, "--format", "json").stdout)
    f = data["funds"][0]
    assert money(f["brought_forward"]) == opening
    assert money(f["transfers"]["in"]) == 0 == money(f["transfers"]["out"])
    got = from_json(books)["general"]
    assert adds_up(got) is False and (
        money(f["brought_forward"]) + got["raised"] - got["fees"] - got["legal"]
        - got["other"] - got["returned"]) == got["balance"]
    row = next(csv.DictReader(io.StringIO(run_cli("funds", "--books", books,
                                                  "--format", "csv").stdout)))
    assert D(row["brought forward"]) == opening and D(row["transfers in"]) == 0
    brief = run_cli("funds", "--books", books, "--brief").stdout
    assert "Brought forward" in brief.splitlines()[2]

    app, slug = fava_app(books / "main.beancount")
    page = app.test_client().get(f"/{slug}/extension/Funds/?fund=general").get_data(
        as_text=True)
    assert 'data-field="brought_forward"' in page and "held before the books began" in page
    link = re.search(r'data-field="brought_forward"><td><a class="journal" href="([^"]+)"', page)
    assert link and "account=Equity:Funds:Opening" in link.group(1).replace("%3A", ":")

    last = max(e.date for e in entries)
    sofa = json.loads(run_cli("report", "sofa", "--books", books, "--from", "2025-01-01",
                              "--to", last, "--format", "json").stdout)
    note = sofa["funds"][0]
    assert D(note["brought_forward"]) == opening and D(note["transfers"]) == 0
    assert D(note["carried_forward"]) == got["balance"]


def test_the_public_statement_says_a_balance_was_brought_forward(demo):
    """Not that it "came in from our other funds" (there were none to give it)."""
    with open(demo, "a", encoding="utf-8") as f:
        f.write('\n2017-01-01 open Assets:Cash GBP\n2017-01-01 open Equity:Funds:Opening GBP\n'
                '2017-01-01 * "Cash held before the books began"\n  fund: "general"\n'
                '  Assets:Cash              500.00 GBP\n'
                '  Equity:Funds:Opening    -500.00 GBP\n')
    plain = transparency.statement(*load(demo), draft=True)
    assert "£500.00 was held before these accounts began." in plain.summary
    assert "came in from our other funds" not in plain.summary
    assert sum(f.transfers_net for f in plain.funds) == 0
    assert sum(f.brought_forward for f in plain.funds) == D("500.00")
