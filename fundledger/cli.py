"""The `fundledger` command.

Each subcommand is a module in fundledger/commands/ exposing a click command as `command`;
`report` subcommands are modules named report_<name>.py. Adding a command is adding a file
(its name is the command's: see Commands).
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from fundledger import __version__, commands


class Commands(click.Group):
    """Subcommands found by file name: fundledger/commands/<name>.py (a trailing "_" is
    dropped: import_.py is `import`), and report_<name>.py for `report <name>` (an "_"
    inside a name is a "-": report_balance_sheet.py is `report balance-sheet`). A module
    is imported only when its command runs or help lists it, so `fundledger import`
    never loads the report code, nor `fundledger funds` the importers."""

    def __init__(self, *args, prefix: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix = prefix

    def _modules(self) -> dict[str, str]:
        found = {}
        for info in pkgutil.iter_modules(commands.__path__):
            name = info.name
            if name.startswith("report_") != bool(self.prefix) or name.startswith("_"):
                continue
            found[name.removeprefix(self.prefix).rstrip("_").replace("_", "-")] = name
        return found

    def list_commands(self, ctx) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._modules()))

    def get_command(self, ctx, name: str):
        got = super().get_command(ctx, name)
        module = self._modules().get(name)
        if got is None and module is not None:
            got = getattr(importlib.import_module(f"{commands.__name__}.{module}"), "command",
                          None)
        return got


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"],
                                             "max_content_width": 100})
@click.version_option(__version__, prog_name="fundledger")
def cli() -> None:
    """Fund accounting for campaign groups and small charities that raise money for
    litigation: crowdfunders, grants and donations in, legal fees out, every pound
    traced to its fund.

    BOOKS is a main .beancount file or a folder holding main.beancount. Where it is
    optional, the embedded demo books are used, so every command can be tried at once.
    """


@cli.group(cls=Commands, prefix="report_")
def report() -> None:
    """Write statements: SOFA with funds note, balance sheet, receipts and payments, trial
    balance and the entries behind them, funder report, transparency statement."""


def main() -> None:
    cli(prog_name="fundledger")
