"""A large download's pseudonyms are hashed by a helper process (importers.pseudonym_aside)
while the import goes on: the same pseudonym for every row as hashing in process, in row
order; a helper that fails, answers short or hangs gives way to hashing in process; and a
stopped or killed import leaves no helper behind.

Every expected pseudonym is the HMAC-SHA256 worked out here with the standard library's
hmac, from the identity as the row holds it (case and spacing ignored).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import cli_env, run_cli

from importers import classify, profile, pseudonym_aside, read
from importers import parse as parse_lib
from importers.pseudonym import Pseudonymiser

KEY = b"aside-test-key-" + b"k" * 32
ROWS = pseudonym_aside.MIN_IDENTITIES + 700
HEADER = ("balance_transaction_id,created_utc,currency,gross,fee,net,"
          "reporting_category,customer_email,customer_id\n")


def expected(identity: str) -> str:
    text = " ".join(identity.split()).casefold()
    return "d-" + hmac.new(KEY, text.encode(), hashlib.sha256).hexdigest()[:8]


def download(rows: int, pad: bool = False) -> tuple[str, list[str]]:
    """A Stripe balance export and each row's identity as hashed: its email, else its
    customer id, else the row itself. Emails written in capitals, with accents (ß
    casefolds to ss), with inner spaces, a donor giving twice written another way, and
    rows naming no one. `pad`: a space before some emails (cells kept as str, not in
    Arrow)."""
    lines, who = [HEADER], []
    for i in range(rows):
        email, customer = f"donor{i}@example.org", ""
        if i % 7 == 0:
            email = f"Donor{i}@Example.ORG"
        if i % 11 == 0:
            email = f"zoë.straße{i}@example.org"
        if i % 13 == 0:
            email = f"jo  smith {i}@example.org"
        if i % 17 == 0 and i:
            email = f"DONOR{i - 1}@EXAMPLE.org"
        if pad and i % 5 == 0:
            email = " " + email
        if i % 101 == 0:
            email, customer = "", f"cus_{i}"
        if i % 103 == 0:
            email, customer = "", ""
        lines.append(f"txn_{i},2023-03-01,gbp,1.00,0.00,1.00,charge,{email},{customer}\n")
        who.append(email.strip() or customer or f"row stripe:txn_{i}")
    return "".join(lines), who


def parsed(tmp_path: Path, text: str) -> parse_lib.Parsed:
    stripe = next(p for p in profile.builtin() if p.name == "stripe")
    path = tmp_path / "balance.csv"
    path.write_text(text, encoding="utf-8")
    df = read.load(path, stripe.signature, stripe)
    return parse_lib.parse(path, df, stripe, Pseudonymiser(KEY),
                           classify.rules_for(stripe, []))


def no_hashing_here(monkeypatch):
    """Hashing in this process fails the test: only the helper's answer can pass."""
    def refuse(*a, **k):
        raise AssertionError("hashed in process, not by the helper")

    monkeypatch.setattr(pseudonym_aside, "hashes", refuse)
    monkeypatch.setattr(Pseudonymiser, "donors", refuse)


@pytest.mark.parametrize("pad", [False, True], ids=["arrow", "str"])
def test_the_helpers_pseudonyms_are_each_rows_own_in_order(tmp_path, monkeypatch, pad):
    monkeypatch.setattr(pseudonym_aside, "cores", lambda: 2)
    text, who = download(ROWS, pad)
    no_hashing_here(monkeypatch)
    p = parsed(tmp_path, text)
    assert isinstance(p.columns["donor"].values, pseudonym_aside.Later)
    assert list(p.donors) == [expected(x) for x in who]
    assert p.donors[17] == p.donors[16]  # one donor, written two ways


def test_a_small_download_or_one_core_is_hashed_in_process(tmp_path, monkeypatch):
    text, who = download(ROWS)
    monkeypatch.setattr(pseudonym_aside, "cores", lambda: 1)
    p = parsed(tmp_path, text)
    assert not isinstance(p.columns["donor"].values, pseudonym_aside.Later)
    assert list(p.donors) == [expected(x) for x in who]
    monkeypatch.setattr(pseudonym_aside, "cores", lambda: 2)
    monkeypatch.setattr(pseudonym_aside, "MIN_IDENTITIES", 2 * ROWS)
    p = parsed(tmp_path, text)
    assert not isinstance(p.columns["donor"].values, pseudonym_aside.Later)


FAILING = {
    "gone": "#!/bin/sh\nexit 1\n",  # dies at once: the pipe breaks
    "short": "#!/bin/sh\ncat >/dev/null\nprintf 0123abcd\n",  # not one hash per identity
    "hangs": "#!/bin/sh\nexec sleep 60\n",  # never answers: given up on
}


@pytest.mark.parametrize("how", sorted(FAILING))
def test_a_failing_helper_gives_way_to_hashing_in_process(tmp_path, monkeypatch, how):
    helper = tmp_path / "helper.sh"
    helper.write_text(FAILING[how])
    helper.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(helper))
    monkeypatch.setattr(pseudonym_aside, "cores", lambda: 2)
    monkeypatch.setattr(pseudonym_aside, "TIMEOUT", 1.0)
    monkeypatch.setattr(pseudonym_aside, "PER_IDENTITY", 0.0)
    started = []
    real = subprocess.Popen

    def popen(*a, **k):
        started.append(real(*a, **k))
        return started[-1]

    monkeypatch.setattr(pseudonym_aside.subprocess, "Popen", popen)
    text, who = download(ROWS)
    try:
        p = parsed(tmp_path, text)
        assert list(p.donors) == [expected(x) for x in who]
        ended = [h.poll() is not None for h in started]
    finally:  # a helper left running by a failure here ends with the test
        for h in started:
            if h.poll() is None:
                h.kill()
                h.wait()
    assert ended == [True]  # started once, and ended and reaped by the import


def _helpers(pid: int) -> list[int]:
    """The helper processes below pid that have started hashing (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            todo += kids
            for kid in kids:
                try:
                    line = Path(f"/proc/{kid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"pseudonym_hashes" in line and _hashing(kid):
                    found.append(kid)
    return found


def _hashing(pid: int) -> bool:
    """Past its start: hashlib is loaded and Python's own Ctrl-C handler is gone (the
    helper's main() has set its own signal handling)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return False
    caught = next((int(x.split()[1], 16) for x in status if x.startswith("SigCgt:")), 0)
    return "_hashlib" in maps and not caught & 1 << (signal.SIGINT - 1)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # ended (a zombie is ended, only not yet reaped)


@pytest.fixture(scope="module")
def big_import(tmp_path_factory):
    """Books and a 60,000-row download: the helper takes long enough to be caught."""
    folder = tmp_path_factory.mktemp("aside")
    made = run_cli("init", folder / "books", "--name", "Aside Test",
                   env=dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(folder / "donor.key")))
    assert made.returncode == 0, made.stderr
    path = folder / "balance.csv"
    path.write_text(download(60_000)[0], encoding="utf-8")
    return folder, path


@pytest.mark.parametrize("how", ["ctrl-c", "killed"])
def test_a_stopped_import_leaves_no_helper(big_import, how):
    """Caught while its helper runs, the helper held still (SIGSTOP) until the import is
    stopped, so it cannot simply have finished: Ctrl-C (SIGINT to the process group, as
    a terminal sends it) or the import alone killed outright, and no helper is left."""
    folder, path = big_import
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(folder / "donor.key"))
    for _attempt in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "fundledger", "import", str(path), "--books",
             str(folder / "books"), "--dry-run"], env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        helper = None
        while proc.poll() is None and helper is None:
            found = _helpers(proc.pid)
            if found:
                try:
                    os.kill(found[0], signal.SIGSTOP)
                    helper = found[0]
                except ProcessLookupError:
                    pass
        if helper is None:  # finished before it was caught: try again
            continue
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.kill()
        os.kill(helper, signal.SIGCONT)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while not _gone(helper) and time.monotonic() < deadline:
            time.sleep(0.02)
        left = not _gone(helper)
        if left:  # not left running after the test either
            os.kill(helper, signal.SIGKILL)
        assert not left, f"the helper {helper} outlived the import"
        if how == "ctrl-c":
            assert proc.returncode != 0
        return
    pytest.fail("the helper was never caught running")
