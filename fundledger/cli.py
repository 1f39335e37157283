"""The `fundledger` command.

Each subcommand is a module in fundledger/commands/ exposing a click command as `command`;
`report` subcommands are modules named report_<name>.py. Adding a command is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from fundledger import __version__, commands


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="fundledger")
def cli() -> None:
    """Fund accounting for campaign groups and small charities that raise money for
    litigation: crowdfunders, grants and donations in, legal fees out, every pound
    traced to its fund.

    BOOKS is a main .beancount file or a folder holding main.beancount. Where it is
    optional, the embedded demo books are used, so every command can be tried at once.
    """


@cli.group()
def report() -> None:
    """Write statements: funder report, SOFA with funds note, transparency statement."""


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        command = getattr(module, "command", None)
        if command is None:
            continue
        (report if info.name.startswith("report_") else cli).add_command(command)


_register()


def main() -> None:
    cli(prog_name="fundledger")
