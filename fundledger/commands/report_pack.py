from __future__ import annotations

from pathlib import Path

import click

from fundledger.commands._statement import write_text, year_bounds, year_option
from fundledger.loaded import proven
from fundledger.options import books_option, shown
from ledger import lock as period_lock
from ledger import options as ledger_options


@click.command("pack")
@books_option
@year_option
@click.option("-o", "--output", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the pack into (created if missing).")
def command(books, year, out) -> None:
    """The year-end pack an independent examiner reads, for financial year YEAR.

    Headed by the basis the books declare (`custom "fundledger-option" "basis" ...`):
    accruals (the default) gives the SOFA with its funds note and the balance sheet with
    the analysis of net assets between funds; receipts gives the receipts and payments
    accounts with the statement of assets and liabilities. Both get the trial balance,
    the nominal ledger, the entries behind every line and the notes to the accounts
    (policies, comparatives by fund class, debtors and creditors, funds and their
    purposes, grants payable, related parties and trustees' expenses, staff costs,
    reserves, contingent liabilities, events after the year end, the trustees' approval
    and the examiner's report). Words only the trustees can write are declared in the
    books (`custom "fundledger-note" KEY "text"` with `year: YEAR`; KEY is one of
    reserves-policy, related-parties, contingent-liabilities, post-balance-sheet,
    trustees-approval, examiner-report; a fund's purpose is `description:` on its
    declaration); the pack lists what is still missing and never writes it for them.
    Each statement is written as HTML and CSV, the notes as HTML; 7-lock.txt holds the
    period lock's digest, to keep outside the books (`fundledger verify`).
    """
    from reports import notes_render, sofa_render
    from reports import statement_render as sr
    from reports.balance_sheet import balance_sheet
    from reports.classify import ReportError
    from reports.notes import notes
    from reports.receipts_payments import receipts_payments
    from reports.sofa import sofa
    from reports.trial_balance import entries_behind, nominal_ledger, trial_balance

    entries, options = proven(books)
    try:
        basis = ledger_options.basis(entries)
    except ledger_options.OptionError as e:
        raise click.ClickException(str(e)) from None
    start, end = year_bounds(entries, year)
    prior = year_bounds(entries, year - 1)
    title = (options or {}).get("title") or "Accounts"
    files: dict[str, str] = {}
    try:
        if basis == "receipts":
            r = receipts_payments(entries, options, start, end)
            tables = sr.receipts_payments_tables(r)
            heading = f"{title}: receipts and payments accounts, {start} to {end}"
            files["1-receipts-payments.html"] = sr.to_html(heading, tables)
            files["1-receipts-payments.csv"] = sr.to_csv(tables)
        else:
            s = sofa(entries, options, start, end, prior=prior)
            files["1-sofa.html"] = sofa_render.to_html(s)
            files["1-sofa.csv"] = sofa_render.to_csv(s)
            b = balance_sheet(entries, options, end, prior=prior[1])
            tables = sr.balance_sheet_tables(b)
            heading = f"{title}: balance sheet at {end}"
            files["2-balance-sheet.html"] = sr.to_html(heading, tables)
            files["2-balance-sheet.csv"] = sr.to_csv(tables)
        t = sr.trial_balance_tables(trial_balance(entries, options, start, end))
        files["3-trial-balance.html"] = sr.to_html(f"{title}: trial balance, {start} to {end}",
                                                   t)
        files["3-trial-balance.csv"] = sr.to_csv(t)
        files["4-nominal-ledger.csv"] = sr.nominal_ledger_csv(
            nominal_ledger(entries, options, start, end))
        files["5-entries-behind.csv"] = sr.entries_behind_csv(
            entries_behind(entries, options, start, end))
        files["7-lock.txt"] = period_lock.pack_text(entries, end)
        n = notes(entries, options, start, end)
        files["6-notes.html"] = notes_render.to_html(
            n, f"{title}: notes to the accounts, {start} to {end}")
    except ReportError as e:  # nothing is written: the pack is whole or not at all
        raise click.ClickException(str(e)) from None
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_text(out / name, text, "csv" if name.endswith(".csv") else "text")
    click.echo(f"{basis} basis pack for {start} to {end} written to {shown(out)}: "
               f"{', '.join(files)}")
    click.echo(notes_render.missing_text(n), nl=False)
