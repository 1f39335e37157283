"""The lock memo through the real commands, in subprocesses, on a locked copy of the
demo dated back as books on disk are (the memo remembers no file changed in the last ten
minutes), the memo in a cache folder of the test's own: `fundledger check` and bean-check
with a warm memo, and a forged memo that fools a load but not `lock`, which proves every
lock from the entries alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from ledger import lock_memo, lock_record
from tests.conftest import cli_env
from tests.test_lock_memo import settle


def locked_demo(cli, tmp_path):
    env = {**cli_env(), "FUNDLEDGER_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("FUNDLEDGER_NO_CACHE", None)
    books = tmp_path / "books"
    assert cli("demo", books, env=env).returncode == 0
    assert cli("lock", "--books", books, "--through", "2019-12-31", env=env).returncode == 0
    # As books locked before the lock's file record existed: loads take no part from a
    # record (tests/test_lock_record.py), so the memo is what these tests exercise.
    records = list((books / "locks").glob("*" + lock_record.SUFFIX))
    assert records
    for record in records:
        record.unlink()
    settle(*books.rglob("*.beancount"))
    return env, books


def test_check_and_bean_check_on_the_demo_with_a_warm_memo(cli, tmp_path):
    """The real commands on a locked copy of the demo, their memo in a folder of the
    test's own and the books dated back as books are: the first check fills the memo, an
    edit to the 2024 file is checked from it, and a change to a 2019 gift still fails
    `fundledger check` and bean-check, named."""
    env, books = locked_demo(cli, tmp_path)
    assert cli("check", books, env=env).returncode == 0
    memo = next((tmp_path / "cache" / lock_memo.FOLDER).glob("*.json"))
    assert len(json.loads(memo.read_text())["parts"]) > 40  # every file but Fava's settings
    newest = books / "imports" / "paypal" / "2024.beancount"
    newest.write_text(newest.read_text() + "\n; checked by the treasurer\n")
    assert cli("check", books, env=env).returncode == 0
    gifts = books / "imports" / "paypal" / "2019.beancount"
    text = gifts.read_text()
    first = re.search(r'^(2019-\d\d-\d\d) \* "PayPal" "Donation"$', text, re.MULTILINE)
    gifts.write_text(text[:first.end()].replace('"Donation"', '"Donation!"') + text[first.end():])
    settle(gifts)
    for command in (["check", books], ["bean-check", books / "main.beancount"]):
        result = (cli(*command, env=env) if command[0] == "check" else subprocess.run(
            [str(Path(sys.executable).parent / "bean-check"), str(command[1])],
            capture_output=True, text=True, env=env, check=False))
        assert result.returncode == 1, command
        # a new narration is a new description: the old gift removed, this one added
        assert f'{first.group(1)} transaction "PayPal Donation!" was added inside the ' \
            "period locked by the lock through 2019-12-31" in result.stdout + result.stderr


def test_a_forged_memo_fools_check_but_not_lock(cli, tmp_path):
    env, books = locked_demo(cli, tmp_path)
    assert cli("check", books, env=env).returncode == 0
    memo = next((tmp_path / "cache" / lock_memo.FOLDER).glob("*.json"))
    before = json.loads(memo.read_text())["parts"]
    gifts = books / "imports" / "paypal" / "2019.beancount"
    gifts.write_text(gifts.read_text().replace('"PayPal" "Donation"', '"PayPal" "Gift"', 1))
    settle(gifts)
    assert cli("check", books, env=env).returncode == 1
    after = json.loads(memo.read_text())["parts"]
    new_key = (after.keys() - before.keys()).pop()
    old_part = before[(before.keys() - after.keys()).pop()]
    memo.write_text(json.dumps({"format": lock_memo.FORMAT,
                                "parts": {**after, new_key: old_part}}))
    for cached in (tmp_path / "cache").glob("*.pickle"):  # the load cache holds the errors
        cached.unlink()
    assert cli("check", books, env=env).returncode == 0  # the forgery, trusted by a load
    locks = (books / "locks.beancount").read_bytes()
    result = cli("lock", "--books", books, "--through", "2020-12-31", env=env)
    assert result.returncode == 1
    assert 'transaction "PayPal Gift" was added inside the period locked by the lock ' \
        "through 2019-12-31" in result.stderr
    assert (books / "locks.beancount").read_bytes() == locks
