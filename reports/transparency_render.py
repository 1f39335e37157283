"""The transparency statement as a web page, Markdown and CSV.

These only format a `reports.transparency.Statement`: everything that could identify a
donor was already left out or suppressed when the statement was computed, so every
renderer is safe by construction. The page is one file: inline CSS, inline SVG charts,
no script, and nothing fetched from anywhere else.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import jinja2

from reports import svg
from reports.render import write_csv
from reports.transparency_model import MIN_GROUP, SYMBOLS, Statement, fmt, long_date

TEMPLATES = Path(__file__).parent / "templates"
# Marks files this renderer wrote, so the CLI may replace them but nothing else.
MARKER = "fundledger transparency statement"
DRAFT = "INTERNAL DRAFT: NOT FOR PUBLICATION"
CSV_HEADER = ("fund", "fund_title", "section", "item", "detail", "amount", "currency",
              "supporters")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["long_date"] = long_date
    return env


def to_html(s: Statement) -> str:
    env = _env()
    env.filters["money"] = lambda n, cur=None: fmt(n, cur or s.currency)

    def text(n: Decimal) -> str:
        return fmt(n, s.currency)

    symbol = SYMBOLS.get(s.currency, "")
    firm_chart = svg.bar_chart([(f.firm, f.amount) for f in s.spend_by_firm],
                               "Spend by law firm", text)
    time_chart = svg.raised_spent_chart([(p.label, p.raised, p.spent) for p in s.periods],
                                        "Money raised and spent over time", text, symbol)
    return env.get_template("transparency.html.j2").render(
        s=s, firm_chart=firm_chart, time_chart=time_chart, min_group=MIN_GROUP)


def _md(text: str) -> str:
    """Text safe in a Markdown table cell: no markup, no raw HTML, no column breaks."""
    # An "&" is kept as typed ("Harbour & Vale") unless it would read as an entity.
    out = re.sub(r"&(?=#?\w+;)", "&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|#!":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def to_markdown(s: Statement) -> str:
    cur = s.currency

    def m(n: Decimal, c: str | None = None) -> str:
        return fmt(n, c or cur)

    lines = [f"<!-- {MARKER} -->"] + ([f"**{DRAFT}**", ""] if s.draft else []) + [
             f"# {_md(s.organisation or 'Our funds')}: where the money went", "",
             (f"Spend-transparency statement, figures to {long_date(s.as_of)}. "
              f"Amounts in {cur}."), "", _md(s.summary), "",
             "| | |", "|---|--:|",
             f"| Raised | {m(s.raised_total)} |", f"| Spent | {m(s.spent_total)} |",
             *([f"| Returned | {m(s.returned)} |"] if s.returned else []),
             *([f"| Exchange gains/(losses) | {m(s.gains)} |"] if s.gains else []),
             f"| Left | {m(s.balance)} |",
             f"| Supporters | {_md(s.supporters or 'not counted')} |", "",
             "## Spend by law firm", "", "| Firm | Charged |", "|---|--:|"]
    lines += [f"| {_md(f.firm)} | {m(f.amount)} |" for f in s.spend_by_firm]
    lines += ["", "## Raised and spent over time", "", f"By {s.years}.", "",
              "| Period | Raised | Spent |",
              "|---|--:|--:|"]
    lines += [f"| {p.label} | {m(p.raised)} | {m(p.spent)} |" for p in s.periods]
    for f in s.funds:
        state = f"closed {long_date(f.closed)}" if f.closed else f.status
        about = (f"Shown together: {_md(', '.join(f.merged))}; first opened "
                 if f.merged else f"{f.fund_class.capitalize()} fund, opened ")
        lines += ["", f"## {_md(f.title)}", "", f"{about}{long_date(f.opened)}; {state}."]
        if f.purpose:
            lines.append(f"What it is for: {_md(f.purpose)}.")
        lines += ["", "### Raised", ""]
        if f.raised:
            lines += ["| From | Supporters | Amount |", "|---|--:|--:|"]
            lines += [f"| {_md(i.label)}{' (' + _md(i.detail) + ')' if i.detail else ''} "
                      f"| {_md(i.supporters) or '–'} | {m(i.amount)} |" for i in f.raised]
            lines.append(f"| **Total raised** | | **{m(f.raised_total)}** |")
            lines += [f"\n{_md(g.label)}: {m(g.amount, g.detail)} received."
                      for g in f.grant_original]
        else:
            lines.append("Nothing raised directly.")
        lines += ["", "### Spent", ""]
        if f.spent_total:
            lines += ["| On what | Amount |", "|---|--:|"]
            for firm in f.legal_by_firm:
                cats = ", ".join(f"{c.label} {m(c.amount)}" for c in firm.categories)
                lines.append(f"| {_md(firm.firm)} ({_md(cats)}) | {m(firm.amount)} |")
            for label, n in (("Court fees", f.court_fees),
                             ("Crowdfunding platform fees", f.platform_fees),
                             ("Card, PayPal and bank fees", f.payment_fees)):
                if n:
                    lines.append(f"| {label} | {m(n)} |")
            lines += [f"| {_md(o.label)} | {m(o.amount)} |" for o in f.other_spend]
            lines.append(f"| **Total spent** | **{m(f.spent_total)}** |")
        else:
            lines.append("Nothing spent yet.")
        if f.transfers:
            lines += ["", "### Moved between funds", ""]
            lines += [f"- {_md(t.label)}: {m(t.amount)}" for t in f.transfers]
        if f.returned:
            lines += ["", ("Returned to the crowdfunding platform when the fund closed: "
                           f"{m(f.returned)}.")]
        if f.gains:
            lines += ["", (f"Exchange gains/(losses) on money held in other currencies: "
                          f"{m(f.gains)}.")]
        held = ", ".join(("less " if h.amount < 0 else "") + f"{m(abs(h.amount))} {_md(h.label)}"
                         for h in f.held)
        lines += ["", "### What is left", "", f"**{m(f.balance)}**{': ' + held if held else ''}.",
                  "", _md(f.leftover)]
    lines += [""] + [_md(n) for n in s.notes]
    lines += ["", "## How we protect our supporters", "",
              ("This statement shows totals only. It never names a supporter or shows a single "
               f"gift or its date. Any group of fewer than {MIN_GROUP} supporters is shown as "
               f"\"fewer than {MIN_GROUP}\" or counted together with others. A dash in the "
               "Supporters column means the money came from an organisation or in a "
               "platform's payout of many pledges, so there is no one to count."), ""]
    if s.draft:
        lines += [f"**{DRAFT}**", ""]
    return "\n".join(lines)


def csv_rows(s: Statement) -> list[tuple]:
    """One row per published figure; `fund` is "all" for the whole statement."""
    cur = s.currency
    draft = [("all", s.organisation, "draft", DRAFT, "", "", "", "")] if s.draft else []
    rows: list[tuple] = draft + [
        ("all", s.organisation, "summary", "summary", s.summary, "", "", "")]
    rows += [("all", s.organisation, "raised", i.label, i.detail, i.amount, cur, i.supporters)
             for i in s.raised]
    rows.append(("all", s.organisation, "raised", "total", "", s.raised_total, cur, s.supporters))
    rows += [("all", s.organisation, "legal", f.firm, "", f.amount, cur, "")
             for f in s.spend_by_firm]
    rows += [("all", s.organisation, "court fees", "court fees", "", s.court_fees, cur, ""),
             ("all", s.organisation, "fees", "platform and payment fees", "", s.fees, cur, ""),
             ("all", s.organisation, "other spend", "other costs", "", s.other_spend, cur, ""),
             ("all", s.organisation, "spent", "total", "", s.spent_total, cur, ""),
             ("all", s.organisation, "returned", "returned to the platform", "", s.returned,
              cur, ""),
             ("all", s.organisation, "gains", "exchange gains/(losses)", "", s.gains, cur,
              ""),
             ("all", s.organisation, "left", "balance", "", s.balance, cur, "")]
    rows += [("all", s.organisation, "period", p.label, "raised", p.raised, cur, "")
             for p in s.periods]
    rows += [("all", s.organisation, "period", p.label, "spent", p.spent, cur, "")
             for p in s.periods]
    for f in s.funds:
        def row(section, item, detail="", amount="", currency=cur, supporters="", f=f):
            rows.append((f.id, f.title, section, item, detail, amount, currency, supporters))
        row("about", "class", f.fund_class, currency="")
        if f.merged:
            row("about", "funds shown together", "; ".join(f.merged), currency="")
        row("about", "purpose", f.purpose, currency="")
        row("about", "opened", f.opened.isoformat(), currency="")
        row("about", "status", f.status + (f" {f.closed.isoformat()}" if f.closed else ""),
            currency="")
        for i in f.raised:
            row("raised", i.label, i.detail, i.amount, supporters=i.supporters)
        for g in f.grant_original:
            row("raised in grant currency", g.label, "", g.amount, g.detail)
        row("raised", "total", "", f.raised_total, supporters=f.supporters)
        row("fees", "platform fees", "", f.platform_fees)
        row("fees", "payment fees", "", f.payment_fees)
        for firm in f.legal_by_firm:
            for c in firm.categories:
                row("legal", firm.firm, c.label, c.amount)
        row("court fees", "court fees", "", f.court_fees)
        for o in f.other_spend:
            row("other spend", o.label, "", o.amount)
        row("spent", "total", "", f.spent_total)
        if f.returned:
            row("returned", "returned to the platform", "", f.returned)
        if f.gains:
            row("gains", "exchange gains/(losses)", "", f.gains)
        for t in f.transfers:
            row("transfer", t.label, "", t.amount)
        row("left", "balance", f.leftover, f.balance)
        for h in f.held:
            row("left", "where it is", h.label, h.amount)
    return rows + draft


def to_csv(s: Statement) -> str:
    return write_csv(CSV_HEADER, csv_rows(s))


def outputs(s: Statement) -> dict[str, str]:
    """File name -> text, for the three files of a published statement."""
    return {"index.html": to_html(s), "statement.md": to_markdown(s),
            "statement.csv": to_csv(s)}


def is_ours(path: Path) -> bool:
    """Whether an existing output file was written by this renderer (safe to replace)."""
    try:
        head = path.read_text(encoding="utf-8-sig", errors="replace")[:400]
    except OSError:
        return False
    if path.suffix == ".csv":
        return head.splitlines()[:1] == [",".join(CSV_HEADER)]
    return MARKER in head
