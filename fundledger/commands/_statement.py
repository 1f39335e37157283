"""What the statement commands share: the year's dates, and writing a statement in the
chosen format to the terminal or a file (never half a file)."""

from __future__ import annotations

from pathlib import Path

import click

from fundledger.loaded import loaded
from fundledger.options import YEAR, shown
from ledger import options as ledger_options

FORMATS = click.Choice(["table", "json", "csv", "xlsx", "html"])


def year_option(f):
    return click.option("--year", type=YEAR, required=True, metavar="YEAR",
                        help="The financial year ending in YEAR (the books' fy-end, default "
                             "31 December).")(f)


def format_option(f):
    return click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
                        help="table to read, json for other tools, csv for a spreadsheet, "
                             "xlsx or html (these need -o FILE).")(f)


def output_option(f):
    return click.option("-o", "--output", "out", type=click.Path(dir_okay=False,
                                                                 path_type=Path),
                        help="Write to FILE instead of printing.")(f)


def year_bounds(entries, year: int):
    try:
        return ledger_options.fy_bounds(entries, year)
    except ledger_options.OptionError as e:
        raise click.ClickException(str(e)) from None


def made(report, *args):
    """report(*args), a refusal (no rate for money held, ...) shown as one clear error
    naming its file and line, never a traceback."""
    from reports.classify import ReportError

    try:
        return report(*args)
    except ReportError as e:
        raise click.ClickException(str(e)) from None


def write_text(out: Path, text: str, fmt: str) -> None:
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    tmp.replace(out)


def csv_out(books: Path, year: int, out: Path | None, report, to_csv, what: str) -> None:
    """A CSV listing for the year: report(entries, options, start, end) rendered by
    to_csv, printed or written to `out`."""
    entries, options = loaded(books)
    start, end = year_bounds(entries, year)
    text = to_csv(report(entries, options, start, end))
    if out is None:
        click.echo(text, nl=False)
        return
    write_text(out, text, "csv")
    click.echo(f"{what} {start} to {end} written to {shown(out)}")


def emit(fmt: str, out: Path | None, heading: str, tables, data: dict, what: str) -> None:
    """Render `tables` (or `data` for json) as `fmt`, print it or write it to `out`."""
    from reports import statement_render as sr

    if fmt in ("xlsx", "html") and out is None:
        raise click.UsageError(f"--format {fmt} writes a file: give it with -o FILE")
    if fmt == "xlsx":
        from reports import xlsx  # here: openpyxl would slow every other command's start

        xlsx.tables_workbook(heading, tables, out)
    else:
        text = {"table": lambda: sr.to_table(heading, tables), "json": lambda: sr.json_text(data),
                "csv": lambda: sr.to_csv(tables), "html": lambda: sr.to_html(heading, tables)
                }[fmt]()
        if out is None:
            click.echo(text, nl=False)
            return
        write_text(out, text, fmt)
    click.echo(f"{what} written to {shown(out)}")
