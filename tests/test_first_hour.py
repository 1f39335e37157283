"""A treasurer's first hour, as the README walks it: new books, a real-layout PayPal
download and a bank statement imported, what no rule knows classified with the rules the
refusal offers, and the funds seen in Fava on a desktop and on a phone.

Every step runs the real `fundledger` command a newcomer types, and every Fava step is
seen in Debian's chromium at 1280x800 and 390x844; the screenshots go to
test-output/screenshots/first-hour-*.png.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal

import pytest
from browser_support import browser, fava_server, screenshot_path
from conftest import ROOT, cli_env, run_cli

REAL = ROOT / "tests" / "fixtures" / "real"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# What a treasurer would answer for each kind of row the refusal lists.
ANSWERS = {"debit": "Expenses:Running:Services", "credit": "Income:Donations:Other"}


def shoot(browser_, url: str, name: str, ready: str) -> dict[str, dict]:
    """Open url at both sizes, wait for `ready`, save a screenshot of each; returns, per
    size, where each fund's name, status and balance were drawn."""
    seen = {}
    for size, viewport in SIZES.items():
        context = browser_.new_context(viewport=viewport, is_mobile=size == "phone",
                                       has_touch=size == "phone")
        page = context.new_page()
        page.goto(url)
        page.locator(ready).first.wait_for()
        page.screenshot(path=screenshot_path(f"first-hour-{name}-{size}"), full_page=True)
        seen[size] = page.evaluate("""() => {
            const box = e => { const r = e.getBoundingClientRect();
                               return [r.left, r.right, e.innerText.trim()]; };
            const out = {width: document.documentElement.clientWidth,
                         scroll: document.scrollingElement.scrollWidth, funds: {}};
            for (const row of document.querySelectorAll('[data-fund]')) {
              const f = row.getAttribute('data-fund');
              out.funds[f] = {name: box(row.querySelector('a')),
                              status: box(row.querySelector('.status')),
                              balance: box(row.querySelector('[data-field=balance]'))};
            }
            return out; }""")
        context.close()
    return seen


def answer_refusal(stderr: str) -> str:
    """The rules block the refusal prints, with the treasurer's accounts for FIXME."""
    block = stderr.split("e.g.:\n\n", 1)[1].split("\nor import with", 1)[0]
    block = re.sub(r'sign: "(debit|credit)"\n  account: "(Expenses|Income):FIXME"',
                   lambda m: f'sign: "{m[1]}"\n  account: "{ANSWERS[m[1]]}"', block)
    assert "FIXME" not in block, block
    return block


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


def test_first_hour_from_the_readme(tmp_path, chromium):
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    books = tmp_path / "books"

    # 1. New books that check clean.
    made = run_cli("init", books, "--name", "Friends of the Court", env=env)
    assert made.returncode == 0, made.stderr
    assert run_cli("check", books, env=env).returncode == 0

    # 2. The downloads, as saved from PayPal and the bank, into exports/.
    shutil.copy(REAL / "paypal-en.csv", books / "exports" / "Download.CSV")
    shutil.copy(REAL / "lloyds.csv", books / "exports" / "statement.csv")
    exports = sorted(str(p) for p in (books / "exports").glob("*.*") if p.name != ".keep")
    with fava_server(str(books), timeout=180) as server:
        shoot(chromium, server.funds_url, "1-new-books", "h2")
        shoot(chromium, server.base + "/import/", "2-import-page", "text=Download.CSV")

    # 3. Import: refused until every kind of row is classified; each refusal's rules,
    # answered, go into rules.beancount as it says. Nothing is written until then.
    for _round in range(4):
        result = run_cli("import", *exports, "--books", books, env=env)
        if result.returncode == 0:
            break
        assert "nothing was imported" in result.stderr, result.stderr
        assert "paste rules like these into rules.beancount" in result.stderr
        with open(books / "rules.beancount", "a", encoding="utf-8") as f:
            f.write("\n" + answer_refusal(result.stderr))
    else:
        pytest.fail("still refused after answering every refusal:\n" + result.stderr)
    again = run_cli("import", *exports, "--books", books, env=env)
    assert again.returncode == 0 and "0 new" in again.stdout + again.stderr, again.stdout
    check = run_cli("check", books, env=env)
    assert check.returncode == 0 and "unclassified" not in check.stderr, check.stderr

    # 4. The funds in Fava, on a desktop and a phone: the same balance as `funds`, and
    # at phone width every fund's name, status and balance on screen, no sideways scroll.
    funds = run_cli("funds", "--books", books, "--format", "json", env=env)
    assert funds.returncode == 0, funds.stderr
    import json

    expected = {f["fund"]: Decimal(f["balance"].split()[0]) for f in json.loads(funds.stdout)["funds"]}
    with fava_server(str(books), timeout=180) as server:
        seen = shoot(chromium, server.funds_url, "3-funds", "[data-fund]")
        fund = next(iter(expected))
        shoot(chromium, f"{server.funds_url}?fund={fund}", "4-fund-page", "h2")
    for size, got in seen.items():
        assert set(got["funds"]) == set(expected), size
        for fund_id, parts in got["funds"].items():
            shown = Decimal(parts["balance"][2].replace(",", "").split()[0])
            assert shown == expected[fund_id], (size, fund_id)
            for what, (left, right, _text) in parts.items():
                assert 0 <= left and right <= got["width"] + 0.5, (size, fund_id, what)
        assert got["scroll"] <= got["width"], f"{size}: the page scrolls sideways"
