"""The public transparency statement: figures, privacy, safe files, and the page in a browser."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import convert
from beancount.core.data import Transaction

from fundledger import demo_books
from ledger import books as ledger_books
from ledger import funds as fundmodel
from reports import transparency as tr
from reports import transparency_render as render
from tests.browser_support import browser, screenshot_path
from tests.conftest import run_cli
from tests.transparency_support import (
    BOOKS,
    _gift,
    books_text,
    donor_values,
    leaks,
    pseudonyms,
    public_names,
    write_books,
)

D = Decimal


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return write_books(tmp_path_factory.mktemp("transparency") / "books")


def load(main):
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


@pytest.fixture(scope="module")
def small_statement(small):
    entries, options = load(small)
    # An internal draft applies every rule within one statement (what a set of published
    # statements may give away is tests/test_disclosure.py's).
    return tr.statement(entries, options, draft=True)


def by_id(statement):
    return {f.id: f for f in statement.funds}


# --- figures on hand-worked books ---------------------------------------------------------

def test_figures_match_the_hand_worked_books(small, small_statement):
    s = small_statement
    f = by_id(s)
    assert (s.raised_total, s.spent_total, s.balance) == (D(1820), D(805), D(1015))
    # `small` (3 donors) is not shown on its own, and with it alone "Other funds" would
    # still be 3 donors' money: `case` (5 donors, fewer than general's 8) joins it.
    assert set(f) == {"general", tr.OTHER_FUNDS}
    other = f[tr.OTHER_FUNDS]
    assert other.merged == ("A test case", "Small appeal")
    assert other.title == tr.OTHER_FUNDS_MIXED_TITLE
    assert (f["general"].balance, other.balance) == (D(320), D(695))
    assert (other.raised_total, other.spent_total) == (D(1410), D(755))
    assert {x.firm: x.amount for x in other.legal_by_firm} == {
        "=cmd": D(360), "<script>x</script> Chambers": D(200), "Small Firm LLP": D(60)}
    assert [(t.label, t.amount) for t in other.transfers] == [("From General", D(40))]
    assert any("Small appeal" in n and "fewer than 5" in n for n in s.notes)
    entries, options = load(small)
    # On its own, as a statement of one fund, `case` is shown with all its detail.
    case = tr.statement(entries, options, ["case"], draft=True).funds[0]
    # Published, the statement of all funds cannot hold `case` in "Other funds": case's
    # fees (5% of its pledges) would give its pledges back, and "Other funds" less them
    # would be Small appeal's 3 gifts. It shows `case` on its own (General joins "Other
    # funds" instead), so `case` alone may be published and subtracts nothing.
    public = tr.statement(entries, options)
    assert [f.id for f in public.funds] == ["case", tr.OTHER_FUNDS]
    assert by_id(public)[tr.OTHER_FUNDS].merged == ("General", "Small appeal")
    assert tr.statement(entries, options, ["case"]).funds[0].balance == D(695)
    assert (case.id, case.balance) == ("case", D(695))
    assert (case.platform_fees, case.payment_fees, case.court_fees) == (D(25), D(10), D(100))
    assert {x.firm: x.amount for x in case.legal_by_firm} == {
        "=cmd": D(360), "<script>x</script> Chambers": D(200)}
    cats = {c.label: c.amount for c in case.legal_by_firm[0].categories}
    assert cats == {"profit costs": D(300), "VAT": D(60)}
    assert [(g.amount, g.detail) for g in case.grant_original] == [(D(1000), "EUR")]
    assert [(t.label, t.amount) for t in case.transfers] == [("From General", D(40))]
    # In the whole statement `case` is inside "Other funds": general's transfer names that
    # section, not the fund (with `small` merged too, one fund's amount could be its gifts).
    assert [(t.label, t.amount) for t in f["general"].transfers] == [("To Other funds", D(-40))]
    assert not any(m in t.label for t in f["general"].transfers for m in other.merged)
    assert f["general"].other_spend == (tr.Item("Running: hosting", D(50)),)
    assert {h.label: h.amount for h in case.held} == {
        "held in the Firm client account": D(465), "in our bank account": D(190),
        "kept with our general funds' money": D(40)}
    assert case.status == "open" and other.status == "open" and other.closed is None
    assert case.leftover == tr.LEFTOVER["return-to-platform"]
    # Transfers between two funds of the statement cancel out in its totals.
    assert s.balance == s.raised_total - s.spent_total


def test_supporters_are_counted_and_small_groups_suppressed(small_statement):
    s = small_statement
    f = by_id(s)
    general = {i.label: i for i in f["general"].raised}
    # 6 donors gave donations: shown. 2 gave through crowdfunding: merged, count hidden.
    assert general["Donations"].supporters == "6"
    assert general["Donations"].amount == D(210)
    assert "Crowdfunding" not in general
    assert general["Other channels"].amount == D(200)
    assert general["Other channels"].supporters == "fewer than 5"
    # 8 donors, but "8" next to "6" would give the hidden 2 back: rounded down to 5s.
    assert f["general"].supporters == "at least 5"
    # A fund with 3 donors: never "3", and never on its own. With case's 5 it makes a
    # group of 8, whose donations (small's 3) are merged into other channels.
    other = {i.label: i for i in f[tr.OTHER_FUNDS].raised}
    assert f[tr.OTHER_FUNDS].supporters == "at least 5"
    assert other["Crowdfunding"].supporters == "5"
    assert (other["Other channels"].amount, other["Other channels"].supporters) == (
        D(60), "fewer than 5")
    assert other["Grant from Good Foundation"].amount == D(850)
    # Across the statement: 7 crowdfunding donors, 9 donations donors, 16 in all.
    total = {i.label: i.supporters for i in s.raised}
    # Counts were suppressed in general and small, so the statement's are rounded too:
    # 9 donations donors less general's 6 would give small's 3 back.
    assert total == {"Crowdfunding": "at least 5", "Donations": "at least 5",
                     "Grant from Good Foundation": ""}
    assert s.supporters == "at least 15"


def test_years_with_fewer_than_5_donors_are_merged(small, small_statement):
    # 2017: 3 donors, so merged with 2018 (5 + 3 + 5 more). 2019 had no gift at all.
    assert [(p.label, p.raised, p.spent) for p in small_statement.periods] == [
        ("2017\u20132018", D(1820), D(695)), ("2019", D(0), D(110))]
    entries, options = load(small)
    # `small` alone is a group of 3 donors: no period split can hide them, so no statement.
    with pytest.raises(tr.TooFewSupporters):
        tr.statement(entries, options, ["small"])
    # No time series per fund: a fund's years next to the total's would give a small
    # year back by subtraction.
    assert not hasattr(small_statement.funds[0], "periods")


def test_exact_counts_where_nothing_is_suppressed(small):
    entries, options = load(small)
    s = tr.statement(entries, options, ["case"], draft=True)
    assert s.supporters == "5" and s.funds[0].supporters == "5"
    assert [i.supporters for i in s.raised] == ["5", ""]


def test_supporters_text_never_shows_a_small_number():
    assert [tr.supporters_text(n) for n in range(7)] == [
        "", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5", "5", "6"]
    assert tr.supporters_text(3, complete=False) == ""
    assert tr.supporters_text(7, complete=False) == "at least 7"
    assert tr.supporters_text(14, rounded=True) == "at least 10"
    assert tr.supporters_text(3, rounded=True) == "fewer than 5"


def test_one_fund_only(small):
    entries, options = load(small)
    with pytest.raises(tr.TooFewSupporters):  # 3 donors: a statement of it alone would show them
        tr.statement(entries, options, ["small"])
    with pytest.raises(tr.UnknownFund):
        tr.statement(entries, options, ["nope"])
    # General is published only with Small appeal (see the test above): alone it would be
    # subtracted from their "Other funds" and give Small appeal's gifts away.
    with pytest.raises(tr.NotPublishable, match="Small appeal"):
        tr.statement(entries, options, ["general"])
    # A transfer to a fund outside the statement explains what is left; inside, it cancels.
    general = tr.statement(entries, options, ["general"], draft=True)
    assert "£40.00 went to our other funds. £320.00 is left." in general.summary
    assert "came in" not in tr.statement(entries, options).summary


def test_summary_reads_plainly(small_statement):
    text = small_statement.summary
    assert text.startswith("Since 2017 we raised £970.00 from at least 15 supporters")
    assert "a grant of £850.00 from Good Foundation (€1,000.00 received)" in text
    assert "£1,015.00 is left" in text


# --- figures on the demo, against sums computed here ------------------------------------

def independent_sums(entries):
    """Per fund: income, expenses, legal, court fees, fees, by a plain walk of postings."""
    sums = defaultdict(lambda: defaultdict(Decimal))
    for e in entries:
        if not isinstance(e, Transaction):
            continue
        for p in e.postings:
            fund = (p.meta or {}).get("fund") or e.meta.get("fund")
            w = convert.get_weight(p)
            if not p.account.startswith(("Income:", "Expenses:")):
                continue
            if w.currency != "GBP":
                sums[fund]["foreign " + w.currency] += w.number
                continue  # no rate in the books: left out, and said so in a note
            n = w.number.quantize(D("0.01"))
            a = p.account
            if a.startswith("Income:"):
                sums[fund]["raised"] -= n
            elif a.startswith("Expenses:"):
                sums[fund]["spent"] += n
                if a == "Expenses:Legal:CourtFees":
                    sums[fund]["court"] += n
                elif a.startswith("Expenses:Legal:"):
                    sums[fund]["legal"] += n
                elif a.startswith("Expenses:Fees:"):
                    sums[fund]["fees"] += n
    return sums


def test_demo_figures_match_an_independent_sum():
    entries, options = load(demo_books.MAIN)
    s = tr.statement(entries, options)
    # The latest statement that may be published: later year ends are held back because
    # the general fund's few bank gifts in a year would be its gifts less the card gifts
    # its fees give back. The figures are the books as they stood then.
    entries = [e for e in entries if e.date <= s.as_of]
    sums = independent_sums(entries)
    balances = fundmodel.balances(entries)
    assert [f.id for f in s.funds] == list(fundmodel.declarations(entries)[0])
    for f in s.funds:
        mine = sums[f.id]
        assert f.raised_total == mine["raised"], f.id
        assert f.spent_total == mine["spent"], f.id
        assert f.legal_total == mine["legal"], f.id
        assert f.court_fees == mine["court"], f.id
        assert f.platform_fees + f.payment_fees == mine["fees"], f.id
        assert sum((i.amount for i in f.raised), D(0)) == f.raised_total
        # The breakdowns this module computes add up to the reconciliation's totals.
        assert sum((x.amount for x in f.legal_by_firm), D(0)) == f.legal_total, f.id
        assert all(x.amount == sum((c.amount for c in x.categories), D(0))
                   for x in f.legal_by_firm), f.id
        assert f.balance == balances.get(f.id, {}).get("GBP", D(0)), f.id
    assert s.raised_total == sum((v["raised"] for v in sums.values()), D(0))
    foreign = {k.split()[1] for v in sums.values() for k, n in v.items()
               if k.startswith("foreign") and n}
    money_notes = [n for n in s.notes if n.startswith("Money booked in")]
    assert len(money_notes) == len(foreign)
    assert all(any(c in note for note in money_notes) for c in foreign)
    assert sum((x.amount for x in s.spend_by_firm), D(0)) == sum(
        (v["legal"] for v in sums.values()), D(0))
    assert s.balance == sum((f.balance for f in s.funds), D(0))
    assert sum((p.raised for p in s.periods), D(0)) == s.raised_total
    assert sum((p.spent for p in s.periods), D(0)) == s.spent_total


def test_demo_published_counts_are_never_below_5():
    entries, options = load(demo_books.MAIN)
    s = tr.statement(entries, options)
    counts = [s.supporters] + [i.supporters for i in s.raised]
    for f in s.funds:
        counts += [f.supporters] + [i.supporters for i in f.raised]
    for c in counts:
        number = re.sub(r"^at least ", "", c)
        assert c in ("", tr.FEWER) or int(number) >= tr.MIN_GROUP, c


# --- the files: safe CSV, self-contained page, nothing about a donor --------------------

def test_csv_neutralises_formula_injection(small_statement):
    text = render.to_csv(small_statement)
    rows = list(csv.reader(io.StringIO(text)))
    firms = {r[3] for r in rows if r[2] == "legal"}
    assert "'=cmd" in firms and "=cmd" not in firms
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_page_is_self_contained_and_escaped(small_statement):
    html = render.to_html(small_statement)
    assert html.startswith("<!doctype html>")
    assert not re.search(r"https?:|//[a-z0-9]", html, re.IGNORECASE)
    assert "<script" not in html.lower()
    assert not re.search(r"\b(src|srcset|href|action|xlink:href)\s*=", html, re.IGNORECASE)
    assert not re.search(r"url\(|@import|<link|<iframe|<img|<object|<embed", html, re.IGNORECASE)
    assert "&lt;script&gt;x&lt;/script&gt; Chambers" in html
    assert html.count("<svg") == 2 and html.count("<title id=") == 2


def test_markdown_escapes_markup(small_statement):
    md = render.to_markdown(small_statement)
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "| Court fees | £100.00 |" in md


def test_no_donor_value_reaches_any_output(small, small_statement):
    entries, _options = load(small)
    secrets = ((donor_values(small.parent / "exports") - public_names(entries))
               | pseudonyms(entries) | {"Jane Roe"})
    # The test must be able to fail: it sees the names, emails, notes and pseudonyms.
    assert {"Ottoline Quarrington", "bfrisk@example.net", "In memory of Aunt Ivy",
            "12 Wistful Lane, Emberton EM1 2XY", "d-00000001"} <= secrets
    assert leaks(render.outputs(small_statement), secrets) == []
    # Nor is a supplier of anything but legal services named.
    assert leaks(render.outputs(small_statement), {"Secret Supplier Ltd"}) == []


def test_the_leak_check_sees_a_leak(small_statement):
    outputs = dict(render.outputs(small_statement))
    outputs["statement.md"] += "\nThanks to OTTOLINE QUARRINGTON"
    outputs["index.html"] += "<p>d-00000001 &amp; Bart&#39;s</p>"
    assert leaks(outputs, {"Ottoline Quarrington", "d-00000001", "Bart's"}) == [
        "index.html: Bart's", "index.html: d-00000001", "statement.md: Ottoline Quarrington"]
    # A word of the page's own text is not a donor's ("payout" vs a bank line's "PAYOUT").
    assert leaks(outputs, {"PAYOUT"}) == []


@pytest.mark.skipif(not demo_books.EXPORTS.exists(), reason="the demo's raw exports are not "
                    "in this checkout yet (importers branch)")
def test_no_value_from_the_demo_exports_reaches_any_output(tmp_path):
    result = run_cli("report", "transparency", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    entries, _options = load(demo_books.MAIN)
    secrets = (donor_values(demo_books.EXPORTS) - public_names(entries)) | pseudonyms(entries)
    assert len(secrets) > len(pseudonyms(entries)), "no donor columns in the demo exports"
    outputs = {p.name: p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").iterdir()}
    assert set(outputs) == {"index.html", "statement.md", "statement.csv"}
    assert leaks(outputs, secrets) == []


# --- the command ---------------------------------------------------------------------------

def test_command_writes_three_files_and_replaces_only_its_own(small, tmp_path):
    out = tmp_path / "site" / "statement"
    result = run_cli("report", "transparency", "--books", small, "-o", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "statement.csv",
                                                     "statement.md"]
    rows = list(csv.reader(io.StringIO((out / "statement.csv").read_text("utf-8-sig"))))
    assert rows[0] == list(render.CSV_HEADER)
    # Running again replaces the statement; a file we did not write is refused.
    (out / "notes.txt").write_text("mine")
    assert run_cli("report", "transparency", "--books", small, "-o", out).returncode == 0
    (out / "index.html").write_text("<p>the website's real home page</p>")
    result = run_cli("report", "transparency", "--books", small, "-o", out)
    assert result.returncode == 1 and "index.html" in result.stderr
    assert (out / "index.html").read_text() == "<p>the website's real home page</p>"
    result = run_cli("report", "transparency", "--books", small, "-o", out, "--force")
    assert result.returncode == 0 and render.MARKER in (out / "index.html").read_text()
    assert (out / "notes.txt").read_text() == "mine"


def test_command_one_fund_and_unknown_fund(small, tmp_path):
    result = run_cli("report", "transparency", "case", "--books", small, "-o", tmp_path / "o",
                     "--draft")
    assert result.returncode == 0, result.stderr
    md = (tmp_path / "o" / "statement.md").read_text()
    assert "A test case" in md and "Small appeal" not in md
    result = run_cli("report", "transparency", "small", "--books", small, "-o", tmp_path / "s")
    assert result.returncode == 1 and "fewer than 5 supporters" in result.stderr
    assert not (tmp_path / "s").exists()
    result = run_cli("report", "transparency", "nope", "--books", small, "-o", tmp_path / "p")
    assert result.returncode == 2 and "no such fund" in result.stderr
    assert not (tmp_path / "p").exists()


def test_command_refuses_broken_books(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text('plugin "ledger.plugin"\n2020-01-01 open Income:X GBP\n'
                    '2020-01-01 open Assets:Bank GBP\n'
                    '2020-02-01 * "x"\n  Income:X -5.00 GBP\n  Assets:Bank 5.00 GBP\n')
    result = run_cli("report", "transparency", "--books", main, "-o", tmp_path / "o")
    assert result.returncode == 1
    assert "main.beancount:" in result.stderr
    assert not (tmp_path / "o").exists()


# --- the page in a real browser ------------------------------------------------------------

@pytest.mark.parametrize("name,width,height", [("desktop", 1280, 800), ("phone", 390, 844)])
def test_page_in_chromium(tmp_path, name, width, height):
    out = tmp_path / "out"
    result = run_cli("report", "transparency", "-o", out)
    assert result.returncode == 0, result.stderr
    url = (out / "index.html").resolve().as_uri()
    requests: list[str] = []
    with browser() as b:
        page = b.new_page(viewport={"width": width, "height": height})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.screenshot(path=screenshot_path(f"transparency-{name}"), full_page=True)
        page.screenshot(path=screenshot_path(f"transparency-{name}-top"))
        assert page.locator("h1").inner_text().endswith("where the money went")
        assert page.locator("svg.chart").count() == 2
        # Each chart is announced by its title to a screen reader.
        labels = page.eval_on_selector_all(
            "svg.chart", "els => els.map(e => e.getAttribute('aria-labelledby'))")
        assert all(labels)
        sizes = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert sizes[0] <= sizes[1], f"page is wider than the {name} screen: {sizes}"
        # Every chart fits inside the screen too.
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('svg.chart')]"
            ".map(e => e.getBoundingClientRect().right))")
        assert widest <= width
    assert requests == [url], requests


def test_a_returned_leftover_is_shown_as_returned_not_as_fundraising(tmp_path):
    pledges = "".join(
        f'2020-01-0{i + 1} * "Platform" "Pledge"\n  fund: "done"\n  donor: "d-0000aa0{i}"\n'
        f"  Assets:Bank:Current  100.00 GBP\n  Income:Crowdfunding:Platform  -100.00 GBP\n\n"
        for i in range(5))
    main = tmp_path / "main.beancount"
    main.write_text(books_text() + """
2020-01-01 custom "fund" "done" "restricted"
  title: "A finished case"
  purpose: "Expenses:Legal"
  terms: "return-to-platform"
""" + pledges + """
2020-03-01 * "Small Firm LLP" "Advice"
  fund: "done"
  Expenses:Legal:Solicitors  400.00 GBP
  Assets:Bank:Current  -400.00 GBP

2020-04-01 * "Platform" "Leftover returned under the platform's terms"
  fund: "done"
  leftover: "returned"
  Income:Crowdfunding:Platform  100.00 GBP
  Assets:Bank:Current  -100.00 GBP

2020-04-02 custom "fund-close" "done"
""")
    entries, options = load(main)
    s = tr.statement(entries, options, ["done"], draft=True)
    done = s.funds[0]
    assert (done.raised_total, done.spent_total, done.returned, done.balance) == (
        D(500), D(400), D(100), 0)
    assert [(i.label, i.amount, i.supporters) for i in done.raised] == [
        ("Crowdfunding", D(500), "5")]
    assert "£100.00 left over was returned to the crowdfunding platform" in s.summary
    assert "Returned to the crowdfunding platform when the fund closed: £100.00" in (
        render.to_markdown(s))
    rows = list(csv.DictReader(io.StringIO(render.to_csv(s))))
    assert [(r["item"], r["amount"]) for r in rows
            if (r["fund"], r["section"]) == ("done", "returned")] == [
        ("returned to the platform", "100.00")]


def test_csv_figures_are_the_statement_s(small_statement):
    rows = list(csv.DictReader(io.StringIO(render.to_csv(small_statement))))
    got = {(r["fund"], r["section"], r["item"]): r["amount"] for r in rows
           if r["section"] in ("raised", "spent", "left") and r["item"] in ("total", "balance")}
    for f in small_statement.funds:
        assert got[(f.id, "raised", "total")] == str(f.raised_total)
        assert got[(f.id, "spent", "total")] == str(f.spent_total)
        assert got[(f.id, "left", "balance")] == str(f.balance)
    supporters = {(r["fund"], r["item"]): r["supporters"] for r in rows if r["section"] == "raised"}
    assert supporters[(tr.OTHER_FUNDS, "total")] == "at least 5"
    assert not any(r["fund"] == "small" for r in rows)
    assert supporters[("all", "total")] == "at least 15"


def test_a_refund_without_a_donor_leaves_the_count_exact(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(books_text() + """
2019-05-01 * "Stripe" "Refund"
  fund: "general"
  Income:Donations:Stripe  10.00 GBP
  Assets:Stripe  -10.00 GBP

2019-05-02 * "Platform" "Payout of several pledges, no donors listed"
  fund: "case"
  Income:Crowdfunding:Platform  -70.00 GBP
  Assets:Held:Firm  70.00 GBP
""")
    entries, options = load(main)
    f = by_id(tr.statement(entries, options, draft=True))
    donations = next(i for i in f["general"].raised if i.label == "Donations")
    assert (donations.amount, donations.supporters) == (D(200), "6")
    # A payout of pledges with no donors named: 5 known, more unknown.
    crowd = next(i for i in f[tr.OTHER_FUNDS].raised if i.label == "Crowdfunding")
    assert (crowd.amount, crowd.supporters) == (D(570), "at least 5")


def test_as_of_a_date_is_the_books_as_they_stood(small, tmp_path):
    import datetime

    entries, options = load(small)
    s = tr.statement(entries, options, as_of=datetime.date(2018, 12, 31))
    f = by_id(s)
    # Everything but 2019's hosting (50) and small's advice (60); small not yet closed.
    assert (s.raised_total, s.spent_total, s.as_of) == (D(1820), D(695),
                                                       datetime.date(2018, 12, 31))
    assert f[tr.OTHER_FUNDS].status == "open"
    # General (320 at the end, before 2019's hosting of 50) with Small appeal's 60: case's
    # fees would give its pledges back from a section holding case and Small appeal.
    assert f[tr.OTHER_FUNDS].merged == ("General", "Small appeal")
    assert f[tr.OTHER_FUNDS].balance == D(320) + D(50) + D(60)
    # At the end of 2017 only 3 people had given: nothing can be published yet.
    result = run_cli("report", "transparency", "--books", small, "--as-of", "2017-12-31",
                     "-o", tmp_path / "o")
    assert result.returncode == 1 and "fewer than 5 supporters" in result.stderr
    assert not (tmp_path / "o").exists()


# --- funds given by fewer than 5 people are shown only together ------------------------

def _fund(fund_id: str, title: str) -> str:
    return (f'2020-01-01 custom "fund" "{fund_id}" "restricted"\n  title: "{title}"\n'
            '  purpose: "Expenses:Legal"\n  terms: "release-to-unrestricted"\n\n')


def _gifts(fund_id: str, amounts: list[str], prefix: str) -> str:
    return "".join(
        f'2020-02-{i + 1:02d} * "PayPal" "Donation"\n  fund: "{fund_id}"\n'
        f'  donor: "{prefix}-{i}"\n  Assets:PayPal  {n} GBP\n'
        f"  Income:Donations:PayPal  -{n} GBP\n\n"
        for i, n in enumerate(amounts))


def _spend(fund_id: str, amount: str) -> str:
    return (f'2020-03-01 * "Six Firm LLP" "Advice"\n  fund: "{fund_id}"\n'
            f"  Expenses:Legal:Solicitors  {amount} GBP\n  Assets:PayPal  -{amount} GBP\n\n")


def _grant(fund_id: str, amount: str) -> str:
    return (f'2020-01-15 * "Other Trust" "Grant"\n  fund: "{fund_id}"\n'
            f"  Assets:Bank:Current  {amount} GBP\n  Income:Grants:Trust  -{amount} GBP\n\n")


def _extra_books(tmp_path, text: str) -> Path:
    main = tmp_path / "main.beancount"
    main.write_text(books_text() + "\n2020-01-01 open Income:Grants:Trust GBP\n\n" + text)
    return main


def test_a_fund_given_by_fewer_than_5_people_is_shown_only_in_other_funds(tmp_path):
    # three: 3 donors, 111.11 + 222.22 + 333.33 = 666.66 raised, 100.00 spent, 566.66 left.
    # pair: 2 donors, 41.17 + 43.19 = 84.36 raised and left. With small (3 donors, 60.00
    # raised, nothing left): "Other funds" is 8 donors, 811.02 raised, 651.02 left.
    # six: 6 donors of 50.00 (300.00), 20.00 spent, 280.00 left: shown on its own.
    main = _extra_books(tmp_path, _fund("three", "Three appeal") + _fund("pair", "Pair appeal")
                        + _fund("six", "Six appeal")
                        + _gifts("three", ["111.11", "222.22", "333.33"], "t")
                        + _gifts("pair", ["41.17", "43.19"], "p")
                        + _gifts("six", ["50.00"] * 6, "s")
                        + _spend("three", "100.00") + _spend("six", "20.00"))
    entries, options = load(main)
    s = tr.statement(entries, options, draft=True)
    f = by_id(s)
    assert list(f) == ["general", "case", "six", tr.OTHER_FUNDS]
    other = f[tr.OTHER_FUNDS]
    assert other.merged == ("Small appeal", "Three appeal", "Pair appeal")
    assert other.title == tr.OTHER_FUNDS_TITLE
    assert (other.raised_total, other.spent_total, other.balance) == (
        D("811.02"), D("160.00"), D("651.02"))
    assert [(i.label, i.amount, i.supporters) for i in other.raised] == [
        ("Donations", D("811.02"), "8")]
    assert {x.firm: x.amount for x in other.legal_by_firm} == {
        "Small Firm LLP": D(60), "Six Firm LLP": D(100)}
    six = f["six"]
    assert (six.raised_total, six.spent_total, six.balance, six.supporters) == (
        D(300), D(20), D(280), "6")
    # The totals still cover every fund.
    assert (s.raised_total, s.balance) == (D(1820) + D("811.02") - D(60) + D(300),
                                           D(1015) + D("651.02") + D(280))
    assert "across 6 funds" in s.summary
    assert any("Three appeal" in n and "Pair appeal" in n and "fewer than 5" in n
               for n in s.notes)
    outputs = render.outputs(s)
    for name, text in outputs.items():
        for own in ("666.66", "566.66", "84.36"):  # three's and pair's own figures
            assert own not in text, (name, own)
        assert "811.02" in text and "651.02" in text, name
        assert "Six appeal" in text and "280.00" in text, name
    rows = list(csv.DictReader(io.StringIO(outputs["statement.csv"])))
    assert {r["fund"] for r in rows} == {"all", "general", "case", "six", tr.OTHER_FUNDS}


def test_a_grant_alone_is_shown_but_a_grant_beside_few_donors_is_not(tmp_path):
    # grant: 500.00 from Other Trust, no gifts. mixed: 700.00 from Other Trust and
    # 3 donors' 10.00 each: the grant is public, so the rest would be their gifts.
    main = _extra_books(tmp_path, _fund("grant", "Grant only") + _fund("mixed", "Mixed")
                        + _grant("grant", "500.00") + _grant("mixed", "700.00")
                        + _gifts("mixed", ["10.00"] * 3, "m"))
    entries, options = load(main)
    f = by_id(tr.statement(entries, options, draft=True))
    assert list(f) == ["general", "case", "grant", tr.OTHER_FUNDS]
    assert [(i.label, i.amount, i.supporters) for i in f["grant"].raised] == [
        ("Grant from Other Trust", D(500), "")]
    assert f["grant"].balance == D(500)
    assert f[tr.OTHER_FUNDS].merged == ("Small appeal", "Mixed")
    assert f[tr.OTHER_FUNDS].raised_total == D(60) + D(730)


def test_a_single_donor_s_fund_is_never_a_group_of_its_own(tmp_path):
    # solo: one donor's 250.00. With small's 3 donors the group is still 4, so the shown
    # fund with the fewest donors (case, 5) joins it: 4 + 5 donors.
    main = _extra_books(tmp_path, _fund("solo", "Solo") + _gifts("solo", ["250.00"], "o"))
    entries, options = load(main)
    s = tr.statement(entries, options, draft=True)
    f = by_id(s)
    assert list(f) == ["general", tr.OTHER_FUNDS]
    other = f[tr.OTHER_FUNDS]
    assert other.merged == ("A test case", "Small appeal", "Solo")
    assert other.title == tr.OTHER_FUNDS_MIXED_TITLE
    assert other.raised_total == D(1410) + D(250) and other.supporters == "at least 5"
    assert any(n.startswith("A test case is shown in that section too") for n in s.notes)
    # A statement of that fund alone cannot be merged with anything: it is not published.
    with pytest.raises(tr.TooFewSupporters, match="fewer than 5 supporters"):
        tr.statement(entries, options, ["solo"], draft=True)


def test_a_statement_of_a_small_group_is_refused_by_the_cli(tmp_path, cli):
    main = _extra_books(tmp_path, _fund("solo", "Solo") + _gifts("solo", ["250.00"], "o"))
    out = tmp_path / "site"
    result = cli("report", "transparency", "solo", "--books", main, "-o", out, "--draft")
    assert result.returncode == 1, result.stdout
    assert "fewer than 5 supporters" in result.stderr and "250" not in result.stderr
    assert not out.exists() or not any(out.iterdir())
    # Together with the other funds it is published, merged.
    assert cli("report", "transparency", "--books", main, "-o", out).returncode == 0
    assert "250.00" not in (out / "index.html").read_text()


# --- one fund's gifts, at its edges ----------------------------------------------------------

def _case_gifts(tmp_path: Path, extra: str = "") -> tuple:
    """The case given 10.00 to 15.00 by six donors through Stripe (75.00), 2 to 7 February
    2018; then what `extra` adds."""
    text = BOOKS + "2017-01-01 open Income:Grants:Trust GBP\n\n"
    for i in range(6):
        text += _gift(f"2018-02-0{i + 2}", "Stripe", f"d-s{i}", "Income:Donations:Stripe",
                      "Assets:Stripe", 10 + i, "case")
    tmp_path.mkdir(parents=True, exist_ok=True)
    main = tmp_path / "main.beancount"
    main.write_text(text + extra)
    return load(main)


def test_where_gifts_are_held_is_not_shown_when_one_account_holds_few_donors(tmp_path):
    """Two more donors' 7.00 and 8.00 came in through PayPal: "in our PayPal account 15.00"
    would be their gifts, so where the case's money is held is not shown. Through Stripe
    like the others, it is: all 90.00 there."""
    two = "".join(_gift(f"2018-03-0{i + 1}", "PayPal", f"d-p{i}", "Income:Donations:PayPal",
                        "Assets:PayPal", 7 + i, "case") for i in range(2))
    case = tr.statement(*_case_gifts(tmp_path / "paypal", two), ["case"], draft=True).funds[0]
    assert (case.raised_total, case.held) == (D("90.00"), ())
    stripe = two.replace("Income:Donations:PayPal", "Income:Donations:Stripe").replace(
        "Assets:PayPal", "Assets:Stripe")
    case = tr.statement(*_case_gifts(tmp_path / "stripe", stripe), ["case"], draft=True).funds[0]
    assert [(h.label, h.amount) for h in case.held] == [("in our Stripe account", D("90.00"))]


def test_a_gift_on_the_statements_last_day_is_in_its_lines(tmp_path):
    """To 7 February 2018, the day of the sixth gift: 75.00 from 6 supporters, every line."""
    s = tr.statement(*_case_gifts(tmp_path), ["case"], as_of=datetime.date(2018, 2, 7),
                     draft=True)
    assert s.funds[0].raised == (tr.Item("Donations", D("75.00"), "through Stripe", "6"),)


def test_a_grant_given_by_a_donor_names_its_account_not_the_donor(tmp_path):
    """A gift booked as a grant but tagged with a donor is a person's: the statement says
    "Grant from Trust" (the income account), never the payee's name."""
    person = _gift("2018-04-01", "Jane Roe", "d-j1", "Income:Grants:Trust",
                   "Assets:Bank:Current", 500, "case")
    s = tr.statement(*_case_gifts(tmp_path, person), ["case"], draft=True)
    assert [(x.label, x.amount) for x in s.funds[0].raised] == [
        ("Grant from Trust", D("500.00")), ("Donations", D("75.00"))]
    assert leaks(render.outputs(s), {"Jane Roe"}) == []


def test_a_fund_spent_to_nothing_says_nothing_is_left(tmp_path):
    """The case's 75.00 all paid to its solicitors: balance 0.00, open, and the statement
    says nothing is left before what its terms do with any leftover."""
    spent = ('2018-03-01 * "Firm" "Advice"\n  fund: "case"\n'
             "  Expenses:Legal:Solicitors  75.00 GBP\n  Assets:Stripe  -75.00 GBP\n")
    case = tr.statement(*_case_gifts(tmp_path, spent), ["case"], draft=True).funds[0]
    assert (case.balance, case.closed) == (D("0.00"), None)
    assert case.leftover == "Nothing is left in this fund. " + tr.LEFTOVER["return-to-platform"]
    one_left = spent.replace("75.00", "74.00")
    case = tr.statement(*_case_gifts(tmp_path / "one", one_left), ["case"], draft=True).funds[0]
    assert (case.balance, case.leftover) == (D("1.00"), tr.LEFTOVER["return-to-platform"])



def test_the_csv_holds_every_figure_of_a_fund(small):
    """The case alone (tests/transparency_support.py): its grant in euros (1,000.00 received
    as 850.00), where its 695.00 is (465.00 at the firm, 190.00 in the bank, 40.00 with
    general's money) and the year 2018 (raised 500.00 + 850.00, spent 35.00 in fees +
    560.00 to lawyers + 100.00 court fees), each a row of the CSV."""
    s = tr.statement(*load(small), ["case"], draft=True)
    rows = list(csv.DictReader(io.StringIO(render.to_csv(s))))

    def section(fund, name):
        return [(r["item"], r["detail"], r["amount"], r["currency"]) for r in rows
                if (r["fund"], r["section"]) == (fund, name)]

    assert section("case", "raised in grant currency") == [
        ("Grant from Good Foundation", "", "1000.00", "EUR")]
    assert section("case", "left") == [
        ("balance", tr.LEFTOVER["return-to-platform"], "695.00", "GBP"),
        ("where it is", "kept with our general funds' money", "40.00", "GBP"),
        ("where it is", "in our bank account", "190.00", "GBP"),
        ("where it is", "held in the Firm client account", "465.00", "GBP")]
    assert section("all", "period") == [("2018", "raised", "1350.00", "GBP"),
                                        ("2018", "spent", "695.00", "GBP")]


def test_the_page_text_holds_every_section_of_a_fund(small):
    """The case alone, as the Markdown page reads: its grant in euros and the transfer in
    from general, each on its own line (the figures of tests/transparency_support.py)."""
    text = render.to_markdown(tr.statement(*load(small), ["case"], draft=True))
    fund = text.split("## A test case", 1)[1]
    assert "\n\nGrant from Good Foundation: €1,000.00 received.\n" in fund
    assert "\n### Moved between funds\n\n- From General: £40.00\n" in fund
    assert ("**£695.00**: £40.00 kept with our general funds' money, £190.00 in our bank "
            "account, £465.00 held in the Firm client account.") in fund
    # The HTML page, as a reader's browser shows its words.
    statement = tr.statement(*load(small), ["case"], draft=True)
    page = _words(render.to_html(statement)).split("A test case Open", 1)[1]
    assert ("Grant from Good Foundation: €1,000.00 received, worth GBP at the rates on the "
            "days it arrived.") in page
    assert "Moved between funds From General £40.00 What is left" in page
    assert statement.notes[0].startswith("INTERNAL DRAFT") and statement.notes[0] in page


def test_each_fund_shows_its_own_exchange_difference(tmp_path):
    """Euros revalued: the case lost 20.00 on them, general gained 5.00; the statement's
    total is -15.00, and each fund's section says its own figure."""
    fx = ('2017-01-01 open Income:FX GBP\n'
          '2018-12-31 * "Revaluation" "Euros at the closing rate"\n  fund: "case"\n'
          "  Assets:Stripe  -20.00 GBP\n  Income:FX  20.00 GBP\n"
          '2018-12-31 * "Revaluation" "Euros at the closing rate"\n  fund: "general"\n'
          "  Assets:Bank:Current  5.00 GBP\n  Income:FX  -5.00 GBP\n")
    s = tr.statement(*_case_gifts(tmp_path, fx), ["case", "general"], draft=True)
    assert (s.gains, [(f.id, f.gains) for f in s.funds]) == (
        D("-15.00"), [("case", D("-20.00")), ("general", D("5.00"))])
    text = render.to_markdown(s)
    case, general = text.split("## A test case", 1)[1].split("## General", 1)
    line = "Exchange gains/(losses) on money held in other currencies: {}."
    assert line.format("-£20.00") in case and line.format("£5.00") in general
    case, general = _words(render.to_html(s)).split("A test case", 1)[1].split("General", 1)
    shown = "Exchange gains/(losses) on money held in other currencies: {} ."
    assert shown.format("-£20.00") in case and shown.format("£5.00") in general



def _words(page: str) -> str:
    """An HTML page's text as a browser shows it: no tags, entities read, spaces single."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
