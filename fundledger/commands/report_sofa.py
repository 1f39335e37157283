from __future__ import annotations

import datetime
from pathlib import Path

import click

from fundledger.loaded import loaded
from fundledger.options import DATE, YEAR, books_option, shown
from ledger import options as ledger_options
from reports import sofa as sofa_report
from reports import sofa_public, sofa_render
from reports.classify import ReportError

FORMATS = ("table", "json", "csv", "xlsx", "html")


@click.command("sofa")
@click.option("--year", type=YEAR, metavar="FY",
              help="The financial year ending in FY (the books' fy-end, default 31 December). "
                   "Default: the last complete financial year.")
@click.option("--from", "start", type=DATE, metavar="DATE",
              help="First day of the period (YYYY-MM-DD), with --to instead of --year.")
@click.option("--to", "end", type=DATE, metavar="DATE",
              help="Last day of the period (YYYY-MM-DD).")
@books_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help="table, json and csv print to the screen unless -o.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (required for xlsx and html).")
@click.option("--every-fund", is_flag=True,
              help="Every fund on its own row of the funds note, even one given money by "
                   "fewer than 5 supporters: for the trustees and the examiner, never to "
                   "publish.")
def command(year, start, end, books, fmt, out, every_fund) -> None:
    """The statement of financial activities (UK Charity SORP) and its funds note.

    Income by source and spending by activity, in the columns unrestricted funds
    (including designated), restricted funds and total, with the previous period's total
    alongside; then, per fund, brought forward, income, expenditure, transfers and carried
    forward. A fund given money by fewer than 5 supporters (or mostly by one) is shown
    only together with others, as "Other restricted funds" (the accounts are public, and
    its row would show what they gave); --every-fund shows each, for the examiner.

    Give either --year 2023 (the financial year ending in 2023) or --from and --to.
    With neither, the last complete financial year: the last one that has ended by
    today, or the year of the books' last transaction if the books end earlier (stderr
    says which year it chose).
    The year end (default 31 December) is set in the books with a line like:

    \b
        2017-01-01 custom "fundledger-option" "fy-end" "03-31"

    Examples:

    \b
        fundledger report sofa --year 2023
        fundledger report sofa --year 2023 --format xlsx -o sofa-2023.xlsx
        fundledger report sofa --from 2023-04-01 --to 2024-03-31 --format json
    """
    if year is not None and (start or end) or (start is None) != (end is None):
        raise click.UsageError("give either --year FY, or both --from DATE and --to DATE")
    if fmt in ("xlsx", "html") and out is None:
        raise click.UsageError(f"--format {fmt} writes a file: give it with -o FILE")
    entries, options = loaded(books)
    try:
        if year is None and start is None:
            year = ledger_options.last_complete_year(entries, datetime.date.today())
            click.echo(f"no --year given: the last complete financial year, {year} "
                       f"({ledger_options.fy_bounds(entries, year)[0]} to "
                       f"{ledger_options.fy_bounds(entries, year)[1]})", err=True)
        if year is not None:
            s, e = ledger_options.fy_bounds(entries, year)
            prior = ledger_options.fy_bounds(entries, year - 1)
        else:
            s, e = start.date(), end.date()
            prior = True
        result = sofa_report.sofa(entries, options, s, e, prior=prior)
        if not every_fund:
            result = sofa_public.public(result, entries, options)
        if year is None and (s, e) != _year_of(entries, e):
            click.echo(f"note: {s} to {e} is not a financial year: a SOFA of any other dates "
                       "is for the trustees, not for publication (the income of a short "
                       "period can be a few supporters' gifts)", err=True)
    except (ReportError, ledger_options.OptionError) as err:
        raise click.ClickException(str(err)) from None
    if fmt == "xlsx":
        from reports import xlsx  # here: openpyxl would slow every other command's start

        xlsx.sofa_workbook(result, out)
        click.echo(f"SOFA {s} to {e} written to {shown(out)}")
        return
    text = {"table": sofa_render.to_table, "json": sofa_render.to_json,
            "csv": sofa_render.to_csv, "html": sofa_render.to_html}[fmt](result)
    if out is None:
        click.echo(text, nl=False)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    tmp.replace(out)
    click.echo(f"SOFA {s} to {e} written to {shown(out)}")


def _year_of(entries, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The financial year `day` falls in."""
    return ledger_options.fy_bounds(entries, ledger_options.fy_of(day,
                                    ledger_options.fy_end(entries)))
