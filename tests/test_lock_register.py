"""The registers beside the books (ledger/lock_register.py) count only the entries of their
own kind: a lock's detail file is matched by a `lock` or `unlock` entry, a published
statement's receipt by a `published` entry, never by another custom entry that happens to
carry the same digest. Called in the test process, on books of a few lines."""

from __future__ import annotations

import datetime

from beancount import loader

from ledger import lock as period_lock

BOOKS = """\
option "operating_currency" "GBP"
2019-01-01 open Assets:Bank GBP
2019-01-01 open Income:Gifts GBP
2019-01-01 custom "fund" "general" "unrestricted"
2019-01-05 * "Donor" "Gift"
  Assets:Bank  10.00 GBP
  Income:Gifts  -10.00 GBP
"""


def errors(folder, text):
    main = folder / "main.beancount"
    main.write_text(text)
    entries, problems, options = loader.load_file(str(main))
    assert problems == []
    return [e.message[:60] for e in period_lock.check(entries, options)]


def test_a_lock_s_detail_file_is_matched_only_by_a_lock(tmp_path):
    entries, _, _options = loader.load_string(BOOKS)
    entry, files = period_lock.lock_files(entries, datetime.date(2019, 12, 31),
                                          datetime.date(2020, 3, 1), None)
    for rel, body in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    value = entry.split('"')[3]
    gone = f"the lock through 2019-12-31 ({value[:20]}...) is no longer in"[:60]
    assert errors(tmp_path, BOOKS) == [gone]
    # A note of the digest, with one value or two, does not stand for the lock.
    for note in (f'2020-01-02 custom "minute" "{value}"\n',
                 f'2020-01-02 custom "minute" "{value}" "trustees"\n'):
        assert errors(tmp_path, BOOKS + note) == [gone]


def test_a_receipt_is_matched_only_by_a_published_entry(tmp_path):
    value = "4f1c" + "0" * 60
    (tmp_path / "published").mkdir()
    for rel, body in period_lock.receipt(datetime.date(2024, 12, 31), value, "").items():
        (tmp_path / rel).write_text(body)
    gone = "the statement published with figures to 2024-12-31 is no lon"
    assert errors(tmp_path, BOOKS) == [gone]
    note = f'2025-01-20 custom "minute" 2024-12-31 "all" "{value}"\n'
    assert errors(tmp_path, BOOKS + note) == [gone]
    registered = f'2025-01-20 custom "published" 2024-12-31 "all" "{value}"\n'
    assert errors(tmp_path, BOOKS + registered) == []
