"""The SOFA as published (`fundledger report sofa`, the form that goes out with the
accounts) by attack: its funds note showed each fund's income, so a fund given money by
three donors, hidden in the transparency statement's "Other funds", was there in full.

Books written here, worked by hand (2019, calendar year):
- general (unrestricted): six bank gifts, 41 + 43 + 47 + 53 + 59 + 61 = 304.00;
- case (restricted): six bank gifts, 101 + 103 + 107 + 109 + 113 + 127 = 660.00;
- small (restricted): three PayPal gifts, 17 + 23 + 31 = 71.00: the secret.

The reader takes every figure of the SOFA and its funds note, and every difference of two
(the restricted column less a fund shown on its own is the rest of the column); then the
transparency statement of the same year beside it: its "Other funds" made up with
General (the first declared of two funds of six donors) was 304 + 71 = 375.00, less the
SOFA's General 304.00, small's 71.00. It now takes Case, of small's SOFA column, first.
"""

from __future__ import annotations

import datetime
import itertools
import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from fundledger.cli import cli
from ledger import books as ledger_books
from reports import transparency as tr

D = Decimal

HEAD = """\
option "title" "Sofa attack"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2019-01-01 open Assets:Bank:Current GBP
2019-01-01 open Assets:PayPal GBP
2019-01-01 open Income:Donations:Bank GBP
2019-01-01 open Income:Donations:PayPal GBP
2019-01-01 open Expenses:Legal:Solicitors GBP
2019-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2019-01-01 custom "fund" "case" "restricted"
  title: "Case"
  purpose: "Expenses:Legal"
2019-01-01 custom "fund" "small" "restricted"
  title: "Small appeal"
  purpose: "Expenses:Legal"
"""
GENERAL = [41, 43, 47, 53, 59, 61]
CASE = [101, 103, 107, 109, 113, 127]
SMALL = [17, 23, 31]


def gift(day: str, fund: str, donor: str, amount: int, how: str = "Bank") -> str:
    asset = "Assets:PayPal" if how == "PayPal" else "Assets:Bank:Current"
    return (f'{day} * "Gift"\n  fund: "{fund}"\n  donor: "{donor}"\n'
            f"  {asset}  {amount}.00 GBP\n  Income:Donations:{how}  -{amount}.00 GBP\n\n")


def books(tmp_path: Path) -> Path:
    text = HEAD
    text += "".join(gift(f"2019-02-{i + 1:02d}", "general", f"g-{i}", a)
                    for i, a in enumerate(GENERAL))
    text += "".join(gift(f"2019-03-{i + 1:02d}", "case", f"c-{i}", a)
                    for i, a in enumerate(CASE))
    text += "".join(gift(f"2019-04-{i + 1:02d}", "small", f"s-{i}", a, "PayPal")
                    for i, a in enumerate(SMALL))
    main = tmp_path / "main.beancount"
    main.write_text(text)
    return main


def sofa_json(main: Path, *extra: str) -> dict:
    done = CliRunner().invoke(cli, ["report", "sofa", "--books", str(main), "--year", "2019",
                                    "--format", "json", *extra], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def figures(s: dict) -> set[Decimal]:
    got = {D(v) for r in s["sofa"] for k, v in r.items() if k != "prior_total"
           and isinstance(v, str) and v.lstrip("-").replace(".", "").isdigit()}
    got |= {D(f[k]) for f in s["funds"] for k in f if k != "fund"}
    got = {abs(v) for v in got}
    return got | {abs(a - b) for a, b in itertools.combinations(got, 2)}


def test_the_published_funds_note_does_not_show_a_fund_of_three_donors(tmp_path):
    main = books(tmp_path)
    secrets = {D(sum(SMALL)), *map(D, SMALL)}
    # As the examiner reads it, every fund on its own: small's income is 71.00.
    every = sofa_json(main, "--every-fund")
    assert {f["fund"]: D(f["income"]) for f in every["funds"]} == {
        "general": D(304), "case": D(660), "small": D(71)}
    # As published: small only with case (alone it would still be 3 donors, and the
    # restricted column less case would give it), 731.00 from nine donors.
    s = sofa_json(main)
    assert {f["fund"]: D(f["income"]) for f in s["funds"]} == {
        "general": D(304), "other-restricted": D(731)}
    assert not figures(s) & secrets


def test_a_small_fund_stays_grouped_in_the_years_after_its_gifts(tmp_path):
    # No gift after 2019: the SOFA of 2021 (prior year 2020) showed small on its own, its
    # brought forward 71.00, the three donors' gifts (nothing was spent).
    main = books(tmp_path)
    done = CliRunner().invoke(cli, ["report", "sofa", "--books", str(main), "--year", "2021",
                                    "--format", "json"], catch_exceptions=False)
    s = json.loads(done.output)
    assert {f["fund"] for f in s["funds"]} == {"general", "other-restricted"}
    assert not figures(s) & {D(sum(SMALL)), *map(D, SMALL)}


def test_the_transparency_statement_groups_a_small_fund_as_the_sofa_does(tmp_path):
    main = books(tmp_path)
    secrets = {D(sum(SMALL)), *map(D, SMALL)}
    entries, errors, options = ledger_books.load(main)
    assert errors == []
    t = tr.statement(entries, options, today=datetime.date(2021, 1, 1))
    shown = {f.id: f.raised_total for f in t.funds}
    assert shown == {"general": D(304), tr.OTHER_FUNDS: D(731)}
    s = sofa_json(main)
    got = {D(f[k]) for f in s["funds"] for k in f if k != "fund"} | set(shown.values())
    got |= {D(r[k]) for r in s["sofa"] for k in ("unrestricted", "restricted", "total")
            if isinstance(r.get(k), str)}
    assert not {abs(a - b) for a, b in itertools.combinations(got, 2)} & secrets


def test_a_sofa_of_other_dates_than_a_year_says_it_is_not_for_publication(tmp_path):
    # April 2019 alone: the restricted column's income is small's three gifts, 71.00. Only
    # a financial year's SOFA goes out with the accounts; other dates are said not to.
    main = books(tmp_path)
    done = CliRunner().invoke(cli, ["report", "sofa", "--books", str(main), "--from",
                                    "2019-04-01", "--to", "2019-04-30", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert "not for publication" in done.stderr
    done = CliRunner().invoke(cli, ["report", "sofa", "--books", str(main), "--year", "2019"])
    assert "not for publication" not in done.stderr
