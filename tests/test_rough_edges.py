"""Rough edges a new treasurer met (issue 18, item 7), each through the real CLI or real
Fava over HTTP: BOOKS as argument or --books, serve's port and its temporary copy, the
SOFA's default year, years and dates out of range, Fava's filters, README figures."""

from __future__ import annotations

import datetime
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import click
import pytest

from fundledger.cli import cli as fundledger_cli
from fundledger.options import BooksPath
from ledger import books as ledger_books
from ledger import options as ledger_options
from reports.fava_ext import downloads
from tests.browser_support import fava_server, free_port
from tests.conftest import ROOT, cli_env, run_cli


def _commands(group: click.Group = fundledger_cli, path: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(_commands())


def _fill_required(command: click.Command, skip: str, tmp_path: Path) -> list[str]:
    """Values for the command's other required parameters, so that only the one under
    test can be wrong (given first on the line, click checks it first)."""
    args: list[str] = []
    for p in command.params:
        if not p.required or p.name == skip:
            continue
        if isinstance(p, click.Argument):
            is_dir = getattr(p.type, "file_okay", True) is False
            args.append(str(tmp_path / "new") if is_dir else str(ROOT / "README.md"))
        else:
            args += [p.opts[0], str(tmp_path / "out")]
    return args


# ---- BOOKS: --books everywhere, the argument where it always was ----------------------

BOOK_COMMANDS = [(path, c) for path, c in COMMANDS
                 if any(isinstance(p.type, BooksPath) for p in c.params)]


def test_the_loop_sees_every_command_that_takes_books():
    names = {" ".join(path) for path, _c in BOOK_COMMANDS}
    assert {"check", "serve", "funds", "import", "report sofa", "sources"} <= names


@pytest.mark.parametrize(("path", "command"), BOOK_COMMANDS,
                         ids=[" ".join(p) for p, _c in BOOK_COMMANDS])
def test_every_command_takes_books_as_an_option(path, command, tmp_path):
    assert any("--books" in p.opts for p in command.params), " ".join(path)
    nowhere = tmp_path / "nowhere"
    result = run_cli(*path, "--books", nowhere, *_fill_required(command, "books", tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Invalid value for '--books'" in result.stderr
    assert "no books here" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_takes_books_either_way_but_not_two_different(cli, demo, tmp_path):
    as_argument = cli("check", demo.parent)
    as_option = cli("check", "--books", demo.parent)
    assert as_argument.returncode == as_option.returncode == 0, as_argument.stderr
    assert as_argument.stdout == as_option.stdout
    same = cli("check", demo.parent, "--books", demo)  # the folder and its main file
    assert same.returncode == 0, same.stderr
    other = tmp_path / "other"
    assert cli("demo", other).returncode == 0
    both = cli("check", demo.parent, "--books", other)
    assert both.returncode == 2
    assert "BOOKS given twice, differently" in both.stderr


def test_serve_refuses_two_different_books(cli, demo, tmp_path):
    other = tmp_path / "other"
    assert cli("demo", other).returncode == 0
    result = cli("serve", demo.parent, "--books", other, "--port", str(free_port()))
    assert result.returncode == 2
    assert "BOOKS given twice, differently" in result.stderr
    assert "Fava on" not in result.stdout


# ---- serve: a busy port, and SIGTERM ---------------------------------------------------

def test_serve_on_a_busy_port_says_so_before_anything(cli):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.returncode == 1
    m = re.search(rf"port {port} on 127\.0\.0\.1 is in use; try --port (\d+)\n", result.stderr)
    assert m, result.stderr
    assert "Fava on" not in result.stdout and "fresh copy" not in result.stdout
    assert "Traceback" not in result.stderr
    suggested = int(m.group(1))
    assert suggested != port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", suggested))  # the suggestion is free


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_removes_its_demo_copy_when_stopped(stop, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(cli_env(), TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "fundledger", "serve", "--port", str(free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith("press Ctrl-C"):
                break
        assert output and output[-1].startswith("press Ctrl-C"), "".join(output)
        url = next(line.split(": ", 1)[1].strip() for line in output
                   if line.startswith("Funds page: "))
        for _ in range(600):  # serving: the page answers
            try:
                with urllib.request.urlopen(url, timeout=30):
                    break
            except OSError:
                time.sleep(0.2)
        copies = [p for p in tmp.iterdir() if p.name.startswith("fundledger-demo-")]
        assert len(copies) == 1 and (copies[0] / "books" / "main.beancount").is_file()
        process.send_signal(stop)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, "".join(output) + rest
    assert list(tmp.iterdir()) == [], "the temporary demo copy was left behind"


# ---- the SOFA's default year ------------------------------------------------------------

def test_sofa_without_a_year_is_the_last_complete_one(cli, demo):
    entries, _errors, _options = ledger_books.load(demo)
    last = max(e.date for e in entries if type(e).__name__ == "Transaction")
    end = ledger_options.fy_end(entries)
    expected = min(ledger_options.fy_of(datetime.date.today(), end) - 1,
                   ledger_options.fy_of(last, end))
    result = cli("report", "sofa", "--books", demo, "--format", "json")
    assert result.returncode == 0, result.stderr
    start, stop = ledger_options.fy_bounds(entries, expected)
    assert (f"no --year given: the last complete financial year, {expected} "
            f"({start} to {stop})") in result.stderr
    given = cli("report", "sofa", "--books", demo, "--format", "json", "--year", str(expected))
    assert result.stdout == given.stdout


def test_the_default_year_follows_the_year_end_and_today(books):
    main = books("""
        2017-01-01 custom "fundledger-option" "fy-end" "03-31"
        2023-06-01 * "Gift"
          Assets:Bank  10.00 GBP
          Income:Donations  -10.00 GBP
            fund: "general"
        """)
    entries, errors, _options = ledger_books.load(main)
    assert errors == []
    pick = ledger_options.last_complete_year
    # books still running: the last year ended by today (FY 2023 = to 2023-03-31)
    assert pick(entries, datetime.date(2023, 7, 1)) == 2023
    assert pick(entries, datetime.date(2023, 4, 1)) == 2023
    assert pick(entries, datetime.date(2023, 3, 31)) == 2022  # its last day is not over
    # books that stopped earlier: the year of their last transaction (FY 2024)
    assert pick(entries, datetime.date(2026, 11, 30)) == 2024


def test_sofa_still_refuses_half_a_period(cli):
    for args in (["--from", "2023-01-01"], ["--to", "2023-12-31"],
                 ["--year", "2023", "--from", "2023-01-01", "--to", "2023-12-31"]):
        result = cli("report", "sofa", *args)
        assert result.returncode == 2, args
        assert "give either --year FY, or both --from DATE and --to DATE" in result.stderr


# ---- years and dates out of range: usage errors, never tracebacks -----------------------

DATED = [(path, command, opt)
         for path, command in COMMANDS for p in command.params
         if isinstance(p, click.Option) and (isinstance(p.type, click.DateTime) or p.name == "year")
         for opt in p.opts[:1]]


def test_the_loop_sees_every_year_and_date_option():
    seen = {(" ".join(path), opt) for path, _c, opt in DATED}
    assert {("report sofa", "--year"), ("report sofa", "--from"), ("report sofa", "--to"),
            ("report funder", "--from"), ("report funder", "--to"),
            ("report balance-sheet", "--year"), ("funds", "--as-of"),
            ("lock", "--through")} <= seen


@pytest.mark.parametrize(("path", "command", "opt"), DATED,
                         ids=[f"{' '.join(p)} {o}" for p, _c, o in DATED])
def test_years_and_dates_out_of_range_are_usage_errors(path, command, opt, tmp_path):
    name = next(p.name for p in command.params if opt in getattr(p, "opts", ()))
    bad = (["10000", "0", "-5"] if name == "year"
           else ["9999-12-31", "0001-01-01", "2023-13-01", "garbage"])
    for value in bad:
        result = run_cli(*path, opt, value, *_fill_required(command, name, tmp_path))
        assert result.returncode == 2, (value, result.stdout + result.stderr)
        assert f"Invalid value for '{opt}'" in result.stderr, (value, result.stderr)
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ["report", "sofa", "--year", "1000"], ["report", "sofa", "--year", "9998"],
    ["report", "sofa", "--from", "1000-01-01", "--to", "9998-12-31"],
    ["report", "balance-sheet", "--year", "9998"], ["funds", "--as-of", "1000-01-01"],
    ["report", "funder", "lumen-grant", "--to", "9998-12-31", "--format", "json"],
], ids=" ".join)
def test_the_first_and_last_years_accepted_work(cli, args):
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# ---- Fava: a bad time or filter is a 400 with a plain message ---------------------------

BAD_FILTERS = [("time", "garbage"), ("time", "10000"), ("time", "2020-13"),
               ("filter", "((("), ("filter", 'fund:"'), ("account", "((")]


@pytest.fixture(scope="module")
def server():
    with fava_server() as running:
        yield running


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.headers.get_content_type(), ""
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get_content_type(), e.read().decode("utf-8", "replace")


def _page_urls(server) -> list[str]:
    """The Funds page, a fund's page and every download the demo offers."""
    base = server.funds_url
    urls = [base + "?", base + "?fund=lumen-grant&"]
    for name in downloads.REPORTS:
        for fund in ("", "&fund=lumen-grant"):
            url = f"{base}download?report={name}{fund}&"
            if _get(url)[0] == 200:
                urls.append(url)
                break
    return urls


def test_bad_time_or_filter_is_a_plain_400_on_every_page_and_download(server):
    urls = _page_urls(server)
    assert len(urls) == 2 + len(downloads.REPORTS), urls  # every download was reachable
    for url in urls:
        for key, value in BAD_FILTERS:
            status, kind, body = _get(url + urllib.parse.urlencode({key: value}))
            assert status == 400, (url, key, value, status)
            assert kind == "text/plain", (url, key, value)
            assert body.startswith("Fava's filter cannot be used: "), body
            assert "Traceback" not in body
        # A good filter still works. 2022: the public statement runs only to a date that
        # may be published, and in the demo 2020 ends a period of fewer than 5 supporters.
        assert _get(url + "time=2022")[0] == 200, url
    said = "".join(server.output)
    assert "Traceback" not in said, said[-6000:]  # the server's own words, in full


# ---- the README's figures are the demo's -------------------------------------------------

# README commands that only read (the rest write, serve, or need the reader's own files).
WRITES = re.compile(r"\s(-o|--publish|--decision|--output)\b|^fundledger (serve|init|import|"
                    r"demo|lock|unlock)\b|~")


def _readme_commands(readme: str) -> list[list[str]]:
    found = []
    for block in re.findall(r"```sh\n(.*?)```", readme, re.DOTALL):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("fundledger ") and not WRITES.search(line):
                found.append(shlex.split(line)[1:])
    return found


def test_every_figure_the_readme_quotes_is_in_the_output_of_its_commands(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    books = tmp_path / "books"
    assert run_cli("demo", books).returncode == 0
    commands = _readme_commands(readme)
    assert ["funds"] in commands and ["close", "jr-facial", "--books", "/tmp/books"] in commands
    output = []
    for args in commands:
        args = [str(books) if a == "/tmp/books" else a for a in args]
        if "--books" not in args and args[0] not in ("check", "--help", "sources"):
            args += ["--books", str(books)]
        result = run_cli(*args)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        # a placeholder the reader fills in (`--digest sha256v3:...`) is a usage error
        allowed = (0, 1, 2) if any(a.endswith("...") for a in args) else (0, 1)
        assert result.returncode in allowed, (args, result.stderr)
        output.append(result.stdout + result.stderr)
    said = "\n".join(output)
    prose = re.sub(r"```.*?```", "", readme, flags=re.DOTALL)
    figures = re.findall(r"£\d[\d,]*(?:\.\d\d)?", prose)
    quoted = [q for q in re.findall(r'"([^"\n]*£[^"\n]*)"', re.sub(r"\s*\n\s*", " ", prose))]
    assert figures and quoted  # the README does quote some: this test checks something
    missing = [f for f in figures + quoted if f not in said]
    assert missing == [], f"quoted in README.md but not printed by its commands: {missing}"
