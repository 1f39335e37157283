"""New, empty books: the files `fundledger init` writes.

Everything a first import and Fava need, and nothing to delete: the plugin, the books'
currency, one unrestricted fund to book to, Fava's Funds page as its front page and its
Import page reading exports/, and a .gitignore that keeps raw exports (they hold donors'
names and emails) out of git. Accounts are opened by the imports that use them, on the
books' start date (`custom "fundledger-option" "start"`).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

CURRENCY = re.compile(r"^[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]$")  # beancount's currency grammar
FUND_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def files(name: str, currency: str, fund: str, start: datetime.date) -> dict[str, str]:
    """The new books' files, by path relative to the books folder."""
    return {
        "main.beancount": f"""\
; The books of {name}. Open them with `fundledger serve` (Fava, on the Funds page) and
; check them with `fundledger check`. README.md says what each file is.
option "title" {_q(name)}
option "operating_currency" "{currency}"
; Half a penny of tolerance: an entry typed with every posting priced (@@ totals, a foreign
; gift at its conversion) balances to the penny, not to beancount's default of the last
; digit written.
option "inferred_tolerance_default" "*:0.005"

; fundledger's fund rules run every time the books load: in the CLI, bean-check and Fava.
plugin "ledger.plugin"

include "funds.beancount"
include "rules.beancount"
include "fava.beancount"
""",
        "rules.beancount": """\
; Your rules: what each kind of row of an export is (an account, and a fund if not the
; first unrestricted one). They are read before each source's own rules. When
; `fundledger import` refuses rows no rule claims, it prints rules for them: paste them
; here and put your own account (and fund) in place of Expenses:FIXME / Income:FIXME.
""",
        "funds.beancount": f"""\
; Your funds (UK Charity SORP classes: unrestricted, designated, restricted, endowment).
; Every pound in and out belongs to one; imports book to the first unrestricted fund
; unless a source, a rule or --fund says otherwise.
{start} custom "fund" "{fund}" "unrestricted"
  title: "General funds"

; The books begin on {start}: imports open the accounts they need on this day, so an
; entry you write by hand may come before the imported ones. Money held before this day
; (a first statement's balance brought forward) is an opening balance of funds.
{start} custom "fundledger-option" "start" "{start}"
{start} open Equity:Funds:Opening

; A restricted fund, e.g. a crowdfunder for one case (remove the ; to use it):
; {start} custom "fund" "my-case" "restricted"
;   title: "Judicial review of ..."
;   purpose: "Expenses:Legal, Expenses:Fees"   ; what it may be spent on
;   terms: "return-to-platform"                 ; what happens to a leftover
""",
        "fava.beancount": f"""\
; Fava's settings (`fundledger serve` starts Fava on these books).
; The Funds page (fundledger's Fava extension), and Fava opening on it.
{start} custom "fava-extension" "reports.fava_ext" "{{}}"
{start} custom "fava-option" "default-page" "extension/Funds/"
; Fava's own Income Statement and Balance Sheet read as the Funds page does: income and
; funds shown positive, the books' financial year, and (Fava's "Conversion" menu) every
; currency converted to {currency} at the books' prices.
{start} custom "fava-option" "invert-income-liabilities-equity" "true"
{start} custom "fava-option" "fiscal-year-end" "12-31"
{start} custom "fava-option" "conversion-currencies" "{currency}"
; The Import page: fundledger's importers (import_config.py), reading exports/.
{start} custom "fava-option" "import-config" "import_config.py"
{start} custom "fava-option" "import-dirs" "exports"
""",
        "import_config.py": '''\
"""Fava's Import page: fundledger's importers for these books (their own profiles and
rules first, then the built-in sources)."""

from importers.fava import config_for

CONFIG = config_for(__file__)
HOOKS: list = []
''',
        ".gitignore": """\
# Raw exports hold donors' names, emails and addresses: they never go into git.
exports/
# fundledger's commit journal (present only while, or after a crash while, it writes)
.fundledger-journal.json*
*.fundledger-new
__pycache__/
""",
        "exports/.keep": "",
        "README.md": f"""\
# The books of {name}

Plain-text, double-entry books kept with [fundledger](https://beancount.github.io/) on
beancount. Every pound belongs to a fund.

| file | what it is |
| --- | --- |
| `main.beancount` | options, the fund-rules plugin, and the list of files included |
| `funds.beancount` | your funds: add restricted funds and budgets here |
| `rules.beancount` | your rules: what each kind of export row is; paste the rules `fundledger import` proposes here |
| `fava.beancount` | Fava's settings: the Funds page, the Import page |
| `import_config.py` | the importers Fava's Import page uses |
| `imports/` | what `fundledger import` wrote: one file per source and year, and `accounts.beancount` (the accounts imports opened). Do not edit by hand |
| `exports/` | raw platform and bank exports, to import. **Not in git**: they hold donors' personal data |

Day to day:

```sh
fundledger import exports/*.csv --books .             # add what is new; run twice: nothing is added
fundledger import exports/*.csv --books . --unclassified suspense   # book what no rule knows to Unclassified
fundledger check .                                     # beancount's errors and the fund rules
fundledger serve .                                     # Fava on http://127.0.0.1:5000, on the Funds page
```

Keep the donor key (`~/.config/fundledger/donor.key`) backed up and out of these books.
""",
    }


def write(dest: Path, name: str, currency: str = "GBP", fund: str = "general",
          start: datetime.date | None = None) -> Path:
    """Write new books into dest (new or empty). Returns main.beancount. Raises ValueError
    for a bad argument, FileExistsError where dest holds anything."""
    currency = currency.upper()
    if not CURRENCY.match(currency):
        raise ValueError(f"currency {currency!r} is not a currency code (e.g. GBP)")
    if not FUND_ID.match(fund):
        raise ValueError(f"fund {fund!r}: use lower-case letters, digits and '-' (e.g. general)")
    if not name.strip() or "\n" in name:
        raise ValueError("the organisation's name must be one line of text")
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} already exists and is not an empty folder: "
                              "nothing written")
    start = start or datetime.date(2000, 1, 1)
    for rel, text in files(name.strip(), currency, fund, start).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest / "main.beancount"
