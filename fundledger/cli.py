"""The `fundledger` command. Each subcommand lives in fundledger/commands/<name>.py."""

from __future__ import annotations

import click

from fundledger import __version__
from fundledger.commands import check, demo

COMMANDS = [check.check, demo.demo]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="fundledger")
def cli() -> None:
    """Fund accounting for campaign groups and small charities that raise money for
    litigation: crowdfunders, grants and donations in, legal fees out, every pound
    traced to its fund.

    BOOKS is a main .beancount file or a folder holding main.beancount. Where it is
    optional, the embedded demo books are used, so every command can be tried at once.
    """


for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli(prog_name="fundledger")
