"""Mutation testing of the code whose bugs cost money or privacy: `make mutate`.

    python tools/mutate.py [MODULE ...]     # default: every module in MODULES, one at a time
    python tools/mutate.py --plant KEY [PYTEST ARGS ...]   # one survivor against the tests

mutmut (the `mutate` extra in pyproject.toml) plants one small bug at a time in a module
(a flipped comparison, a changed constant) and runs the tests that reach it; a bug no test
notices is a survivor. This prints each module's share killed and its survivors, and
writes each survivor's diff to mutate-output/<module>.txt. docs/testing.md records the
figures and, for each survivor, the test that kills it now or why it is equivalent.

`MODULES` lists the modules and the tests that reach them; `FUNCTIONS` narrows a module
to the functions that matter; MUTATE_FUNCTIONS="f Class.method" narrows one run further.
Not part of `make test`. Each module runs in a scratch copy (mutate-output/work/<module>/).

mutmut runs, for each mutant, only the tests it saw call the mutated function (not a
module-scoped fixture, nor `fundledger` run in a subprocess). `--plant KEY` plants a
survivor's diff from mutate-output/<module>.txt in a scratch copy and runs every test
there (or the pytest arguments given), subprocesses included: it says which test kills
the mutant, or that none does. It needs no mutmut, only a run's output.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("MUTATE_OUTPUT") or ROOT / "mutate-output")

TRANSPARENCY_TESTS = ["tests/test_transparency.py", "tests/test_transparency_thresholds.py",
                      "tests/test_refunds.py"]
# The modules under mutation and the in-process tests that reach them (mutmut cannot see
# `fundledger` run in a subprocess). Edit here when code moves.
MODULES: dict[str, list[str]] = {
    "ledger/plugin.py": ["tests/test_plugin.py", "tests/test_plugin_overdraft.py",
                         "tests/test_plugin_errors.py"],
    "ledger/funds.py": ["tests/test_fund_model.py", "tests/test_plugin.py",
                        "tests/test_plugin_overdraft.py", "tests/test_plugin_errors.py",
                        "tests/test_funds_property.py", "tests/test_refunds.py"],
    "reports/sofa.py": ["tests/test_sofa.py", "tests/test_sofa_edges.py", "tests/test_sofa_hand.py",
                        "tests/test_refunds.py"],
    "reports/balance_sheet.py": ["tests/test_balance_sheet_hand.py", "tests/test_sofa_layout.py",
                                 "tests/test_period_boundaries.py",
                                 "tests/test_statements_shown.py"],
    # The trial balance, nominal ledger and entries behind each line (not test_statements.py:
    # it sums the demo books, seconds for every mutant).
    "reports/trial_balance.py": ["tests/test_trial_balance_hand.py",
                                 "tests/test_period_boundaries.py", "tests/test_sofa_hand.py",
                                 "tests/test_identities_property.py",
                                 "tests/test_statements_shown.py"],
    # Accrued grants: each tranche settling its own award at that award's rate.
    "ledger/accruals.py": ["tests/test_accruals_rules.py", "tests/test_accruals.py",
                           "tests/test_money_moves.py"],
    # The period lock: what its digest covers, the entries a broken lock names, the
    # registers beside the books, verify, the pack's page and the lock and unlock entries.
    # Not test_lock.py or test_lock_controls.py: they lock copies of the demo books through
    # `fundledger` in a subprocess, which mutmut cannot see.
    "ledger/lock.py": ["tests/test_lock_inprocess.py", "tests/test_lock_coverage.py",
                       "tests/test_lock_digest.py", "tests/test_period_boundaries.py"],
    "ledger/lock_digest.py": ["tests/test_lock_digest.py", "tests/test_lock_coverage.py",
                              "tests/test_lock_inprocess.py"],
    # Each file's part of a version 3 digest remembered by its bytes: real loads with the
    # plugin, in the test process.
    # (Not test_lock_memo_cli.py: the commands run in a subprocess mutmut cannot see.)
    "ledger/lock_memo.py": ["tests/test_lock_memo.py", "tests/test_lock_memo_depends.py"],
    "ledger/lock_register.py": ["tests/test_lock_inprocess.py", "tests/test_published_check.py"],
    # The entries that close a fund, and which leftover payment the terms authorise.
    "ledger/closing.py": ["tests/test_closing_text.py", "tests/test_money_moves.py",
                          "tests/test_plugin_errors.py", "tests/test_plugin_overdraft.py"],
    # Whether a fund can close on a day, and where its leftover goes (the terms, the
    # accounts it is paid from, the fund it is released to).
    "reports/closing.py": ["tests/test_close_plan.py", "tests/test_closing_text.py",
                           "tests/test_money_moves.py", "tests/test_close_anywhere.py",
                           "tests/test_period_boundaries.py"],
    # Every holding account against its last statement.
    "reports/reconcile.py": ["tests/test_check_coverage.py", "tests/test_period_boundaries.py",
                             "tests/test_reconcile.py"],
    # Fund figures: raised, fees, legal, transfers, balance, where it is held, can it close.
    "reports/funds.py": ["tests/test_funds_hand.py", "tests/test_funds.py",
                         "tests/test_funds_property.py"],
    # Legal fees by firm, category and year; what was invoiced and unpaid at a date.
    "reports/legal.py": ["tests/test_legal_fields.py", "tests/test_legal_edges.py",
                         "tests/test_legal.py", "tests/test_firms.py",
                         "tests/test_period_boundaries.py"],
    # Receipts and payments: every column, the prior year, money in other currencies.
    "reports/receipts_payments.py": ["tests/test_rp_lines.py", "tests/test_statements_shown.py",
                                     "tests/test_examiner_hand.py", "tests/test_fx.py",
                                     "tests/test_identities_property.py",
                                     "tests/test_period_boundaries.py"],
    # The funder's budget against actual, tranche by tranche.
    "reports/funder.py": ["tests/test_funder_lines.py", "tests/test_funder.py",
                          "tests/test_funder_reconciled.py", "tests/test_accruals.py",
                          "tests/test_period_boundaries.py"],
    # The disclosure control under every public statement: sensitive groups and leaks().
    # Not test_disclosure.py: its statements come through `fundledger` in a subprocess,
    # seconds for every mutant; the rules are the same, called directly.
    "reports/disclosure.py": ["tests/test_disclosure_rules.py"],
    "reports/transparency_model.py": TRANSPARENCY_TESTS,
    "reports/transparency_sums.py": TRANSPARENCY_TESTS,
    "reports/transparency_sections.py": TRANSPARENCY_TESTS,
    "importers/pseudonym.py": ["tests/test_pseudonym.py", "tests/test_import_privacy.py",
                               "tests/test_donor_key_rules.py"],
    # Amounts as exports write them.
    "importers/numbers.py": ["tests/test_import_numbers.py", "tests/test_import_world.py",
                             "tests/test_import_figures.py"],
    # Money in or out (the amount's sign, credit and debit columns), the donor's pseudonym
    # and the ids that deduplicate: parse's part of each row.
    "importers/parse.py": ["tests/test_import_inprocess.py", "tests/test_import_parse.py"],
    # Which rule claims a row: the sign rules and refunds.
    "importers/classify.py": ["tests/test_import_inprocess.py", "tests/test_import_parse.py"],
    # Income gross, fees as expenses of the same fund, net to the account (both paths).
    # Not test_import_columns/test_import_block: on the demo's exports they take a minute a
    # mutant on a busy machine, and a mutant no test notices then only times out.
    "importers/build.py": ["tests/test_import_inprocess.py",
                           "tests/test_statement_balances_built.py"],
    "importers/columns.py": ["tests/test_import_inprocess.py", "tests/test_import_run.py",
                             "tests/test_import_columns_inprocess.py"],
    # Dropping what the books or the run already hold (Batch, plan), openings, accounts.
    "importers/run.py": ["tests/test_import_inprocess.py", "tests/test_import_run.py"],
    # Books I/O on small hand-written books, in this process. Not test_crash.py: it kills
    # writers in subprocesses (unseen by mutmut) and would run for minutes a mutant.
    "ledger/books.py": ["tests/test_books_io.py", "tests/test_books.py"],
}
# Where only part of a module is money or privacy code: the functions to mutate.
FUNCTIONS: dict[str, list[str]] = {
    # The disclosure control of the transparency statement: who is counted, the thresholds
    # and the merging of small groups (not the assembly of sections, nor their wording).
    "reports/transparency_model.py": ["supporters_text", "_suppressed"],
    "reports/transparency_sums.py": [
        "_donor", "_raised_items", "_periods", "_all_donors", "_on_its_own", "_merge_accs"],
    "reports/transparency_sections.py": ["_make_up_the_group"],
    # The fund figures and status (not the JSON rendering, nor the wording of accounts).
    "reports/funds.py": ["firm_of", "reconcile"],
    "reports/fund_holdings.py": ["_first_unrestricted", "_invoice_funds", "holding_fund",
                                 "_unpaid_invoices", "unpaid_invoices", "pooled_transfer",
                                 "status"],
    # Sensitivity, the cells and leaks() (not the publication dates or the register).
    "reports/disclosure.py": ["Cell.holds", "rules", "sensitive", "_merged", "value", "digest",
                              "_rank", "leaks"],
    # The sign of each row, the donor's pseudonym and the import ids (not dates, currency
    # codes or the reading of the table).
    "importers/parse.py": ["parse", "_value_signs", "donors", "_payer", "ids"],
    # The rules and which one claims a row (not the refusal's wording).
    "importers/classify.py": ["book_rule", "rules_for", "skip_mask", "classify",
                              "_unless_received", "_ids_received"],
    # The amounts of income, fees and money moved (not account naming or budgets).
    "importers/build.py": ["Builder.k_income", "Builder._move", "Builder.balances",
                           "Builder.build", "Builder._build"],
    # The fast path's amounts: the same money rules as build's k_income, column-wise.
    "importers/columns.py": ["simple_rows", "Columns.amounts", "Columns.block"],
    # Deduplication within the run and against the books, and statement openings.
    "importers/run.py": ["plan", "_in_use", "_opening", "_held", "Batch.*",
                         "_same_or_fail", "_booked"],
}
PACKAGES = ["ledger", "reports", "importers", "fundledger"]
# Left out for time: browser tests (rendering, not the rules under mutation) and tests on
# the whole demo books (seconds each, for every mutant they reach); hand-worked books test
# the same rules in milliseconds.
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-k",
               "not chromium and not browser and not demo"]


def _mutmut() -> Path:
    exe = Path(sys.executable).parent / "mutmut"
    if not exe.exists():
        sys.exit("mutmut is not installed: run `make mutate` (it installs the mutate extra)")
    return exe


def _statuses() -> dict:
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code


def _copy_checkout(work: Path) -> None:
    """A copy of the checkout as it is now (tracked and new files, not ignored ones)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            dst = work / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _scratch(module: str) -> Path:
    work = OUT / "work" / module.replace("/", ".")
    _copy_checkout(work)
    # mutmut reads [tool.mutmut] from pyproject.toml first: this checkout keeps none, so
    # the per-module setup.cfg below is the whole configuration.
    tests = [t for t in MODULES[module] if (work / t).exists()]
    lines = ["[mutmut]", "source_paths=", *(f"    {p}" for p in PACKAGES),
             f"only_mutate={module}", "pytest_add_cli_args=", *(f"    {a}" for a in PYTEST_ARGS),
             "pytest_add_cli_args_test_selection=", *(f"    {t}" for t in tests)]
    (work / "setup.cfg").write_text("\n".join(lines) + "\n")
    return work


def run(module: str, children: int) -> dict:
    work = _scratch(module)
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1",
               FUNDLEDGER_DONOR_KEY=str(work / "donor.key"))
    dotted = module.removesuffix(".py").replace("/", ".")
    # MUTATE_FUNCTIONS="f g" narrows one run further (to finish a run stopped for time).
    functions = os.environ.get("MUTATE_FUNCTIONS", "").split() or FUNCTIONS.get(module, [])
    only = [f"{dotted}.{_mangled(f)}__mutmut_*" for f in functions]
    started = time.monotonic()
    # Minutes of silence otherwise: say what runs, and where mutmut shows its progress.
    print(f"{module}: mutating on {children} worker(s); progress in {work / 'mutmut.log'}",
          flush=True)
    with open(work / "mutmut.log", "w") as log:
        subprocess.run([_mutmut(), "run", "--max-children", str(children), *only], cwd=work,
                       env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    seconds = time.monotonic() - started
    meta = work / "mutants" / (module + ".meta")
    if not meta.exists():
        sys.exit(f"{module}: mutmut produced no results; see {work / 'mutmut.log'}")
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    if only:
        codes = {k: c for k, c in codes.items() if any(fnmatch.fnmatch(k, o) for o in only)}
    status = _statuses()
    by: dict[str, list[str]] = {}
    for key, code in sorted(codes.items(), key=lambda kv: _order(kv[0])):
        by.setdefault(status[code], []).append(key)
    killed = sum(len(by.get(s, ())) for s in ("killed", "timeout", "caught by type check"))
    total = sum(len(v) for s, v in by.items() if s != "skipped")
    # A timeout counts as killed (mutmut's way: a planted endless loop is caught), but on a
    # busy machine a mutant no test notices can time out too: listed, to be looked at.
    survivors = [k for s in ("survived", "no tests", "suspicious", "not checked", "timeout")
                 for k in by.get(s, ())]
    diffs = []
    for key in survivors:
        shown = subprocess.run([_mutmut(), "show", key], cwd=work, env=env,
                               capture_output=True, text=True, check=False).stdout
        diffs.append(shown.strip() or f"# {key}")
    OUT.mkdir(exist_ok=True)
    (OUT / (module.replace("/", ".") + ".txt")).write_text(
        f"{module}: {killed}/{total} killed\n\n" + "\n\n".join(diffs) + "\n")
    return {"module": module, "killed": killed, "total": total, "seconds": round(seconds),
            "survivors": [f"{k} ({s})" for s in ("survived", "no tests", "suspicious",
                                                 "not checked", "timeout")
                          for k in by.get(s, ())]}


def _mangled(name: str) -> str:
    """mutmut's name for a function (`x_f`) or a method (`xǁClassǁmethod`, from
    "Class.method"; "Class.*" is every method of the class)."""
    cls, _, method = name.rpartition(".")
    return f"xǁ{cls}ǁ{method}" if cls else f"x_{name}"


def _order(key: str) -> tuple[str, int]:
    name, _, n = key.rpartition("_")
    return (name, int(n) if n.isdigit() else 0)


def survivor_diff(text: str, key: str) -> str:
    """A survivor's diff in mutate-output/<module>.txt (as `mutmut show` prints it)."""
    for block in ("\n" + text).split("\n# ")[1:]:
        head, _, diff = block.partition("\n")
        if head.split(":")[0] == key:
            return diff.rstrip("\n")  # the blank line between entries is no context line
    sys.exit(f"{key} is not among the survivors in that file: run `make mutate` again")


def planted(source: str, diff: str) -> str:
    """The source with the diff's hunks applied. mutmut prints a function's lines dedented
    (a method's by one level, its docstring not) and numbers them from the function, so
    each hunk is found by its lines without their indentation; it must stand in the source
    exactly once, and its new lines take the indentation of the lines they replace."""
    hunks: list[list[tuple[str, str]]] = []
    for line in diff.splitlines():
        if line.startswith("@@"):
            hunks.append([])
        elif hunks:  # not the --- and +++ lines before the first hunk
            hunks[-1].append((line[:1] or " ", line[1:]))
    if not hunks:
        sys.exit("the survivor's entry holds no diff")
    lines = source.splitlines(keepends=True)
    for hunk in hunks:
        kept = [(tag, text) for tag, text in hunk if tag != "+"]
        old = [text.strip() for _tag, text in kept]
        at = [i for i in range(len(lines) - len(old) + 1)
              if [x.strip() for x in lines[i:i + len(old)]] == old]
        if len(at) != 1:
            sys.exit(f"the mutant's diff matches the code {len(at)} times, not once: the code "
                     "has changed since the run; run `make mutate` again")
        first = next(k for k, (tag, _text) in enumerate(kept) if tag == "-")
        shown, src = kept[first][1], lines[at[0] + first]
        indent = " " * ((len(src) - len(src.lstrip())) - (len(shown) - len(shown.lstrip())))
        out, k = [], at[0]
        for tag, text in hunk:
            if tag == "+":
                out.append(f"{indent}{text}\n" if text.strip() else "\n")
            else:
                if tag == " ":
                    out.append(lines[k])
                k += 1
        lines[at[0]:k] = out
    return "".join(lines)


# Every test but the browser's and this tool's own (they copy the checkout by git, and a
# planted copy is no git checkout).
PLANT_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-k", "not chromium and not browser",
              "--ignore=tests/test_mutate_tool.py", "tests"]


def plant(key: str, pytest_args: list[str]) -> int:
    """Run the tests against one survivor, planted in a scratch copy of the checkout."""
    dotted, found, _ = key.partition(".x")
    module = dotted.replace(".", "/") + ".py"
    report = OUT / (module.replace("/", ".") + ".txt")
    if not found or not report.exists():
        sys.exit(f"no survivors of {module} in {report}: run `make mutate MODULES={module}`")
    work = OUT / "plant"
    _copy_checkout(work)
    target = work / module
    shipped = target.read_text()
    mutant = planted(shipped, survivor_diff(report.read_text(), key))
    target.write_text(mutant)
    env = dict(os.environ, PYTHONPATH=str(work), BEANCOUNT_DISABLE_LOAD_CACHE="1",
               FUNDLEDGER_DONOR_KEY=str(work / "donor.key"))

    def pytest(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=work, env=env,
                              capture_output=True, text=True, check=False)

    result = pytest(*(pytest_args or PLANT_ARGS))
    # "FAILED <node id> - <message>": a node id may hold spaces (a parametrised case's id).
    failed = [line.split(" ", 1)[1].split(" - ")[0] for line in result.stdout.splitlines()
              if line.startswith(("FAILED ", "ERROR "))]
    if result.returncode == 0:
        print(f"{key}: survived every test run; write the test that kills it, or note in "
              "docs/testing.md why it is equivalent")
        return 0
    if not failed:
        print(f"{key}: the tests did not run (pytest exit {result.returncode}):\n"
              + result.stdout[-2000:] + result.stderr[-2000:])
        return 0
    # A kill is a test that fails with the mutant and passes without it, each run alone:
    # a test that failed for another reason (a busy machine, a port) is no kill.
    test = failed[0]
    alone = ["-q", "-p", "no:cacheprovider", test]
    with_mutant = pytest(*alone).returncode
    target.write_text(shipped)
    without = pytest(*alone).returncode
    target.write_text(mutant)  # left planted, to run more tests against it by hand
    if with_mutant and not without:
        print(f"{key}: killed by {test}")
    elif not with_mutant:
        print(f"{key}: {test} failed in the run but passes alone with the mutant: no kill; "
              "run it again")
    else:
        print(f"{key}: {test} fails without the mutant too: no kill; fix that test first")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        sys.exit(print(__doc__))
    if argv[:1] == ["--plant"]:
        if len(argv) < 2:
            sys.exit("usage: python tools/mutate.py --plant KEY [PYTEST ARGS ...]")
        return plant(argv[1], argv[2:])
    modules = argv or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        sys.exit(f"not in tools/mutate.py MODULES: {', '.join(unknown)}")
    # One module at a time, on at most two workers: the machine is shared.
    children = int(os.environ.get("MUTATE_CHILDREN", "2"))
    results = []
    for module in modules:
        r = run(module, children)
        results.append(r)
        share = 100 * r["killed"] / r["total"] if r["total"] else 100.0
        print(f"{module}: {r['killed']}/{r['total']} killed ({share:.1f}%) in {r['seconds']}s",
              flush=True)
        for s in r["survivors"]:
            print(f"  survivor: {s}", flush=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "summary.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"diffs of every survivor: {OUT}/<module>.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
