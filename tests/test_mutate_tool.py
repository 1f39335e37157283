"""tools/mutate.py --plant: a survivor of `make mutate` planted in a copy of the checkout
and run against the tests mutmut did not choose (docs/testing.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import mutate

# mutmut prints a method dedented by one level (its docstring's later lines as they are),
# numbered from the method: as `mutmut show` printed a survivor of Columns.block.
SOURCE = '''\
class Columns:
    def block(self, fast):
        """The rows marked fast.

        More words."""
        d = self.d
        at = np.flatnonzero(fast)
        if not len(at):
            return None
        every = len(at) == len(d)
'''
SHOWN = '''\
--- importers/columns.py
+++ importers/columns.py
@@ -4,6 +4,6 @@
         More words."""
     d = self.d
     at = np.flatnonzero(fast)
     if not len(at):
         return None
-    every = len(at) == len(d)
+    every = None
'''


def test_a_survivor_is_planted_where_mutmut_found_it():
    assert mutate.planted(SOURCE, SHOWN) == SOURCE.replace(
        "        every = len(at) == len(d)\n", "        every = None\n")


def test_a_diff_the_code_no_longer_holds_is_refused_in_words():
    changed = SOURCE.replace("d = self.d", "d = self.parsed")
    with pytest.raises(SystemExit, match="matches the code 0 times, not once: the code has "
                                         "changed since the run"):
        mutate.planted(changed, SHOWN)


def test_the_survivor_is_read_from_the_runs_report():
    report = ("importers/columns.py: 1/3 killed\n\n# importers.columns.xǁColumnsǁblock__mutmut_9:"
              " survived\n" + SHOWN + "\n# importers.columns.xǁColumnsǁblock__mutmut_11: "
              "survived\n--- importers/columns.py\n")
    assert mutate.survivor_diff(report, "importers.columns.xǁColumnsǁblock__mutmut_9") == \
        SHOWN.rstrip("\n")
    with pytest.raises(SystemExit, match="is not among the survivors"):
        mutate.survivor_diff(report, "importers.columns.xǁColumnsǁblock__mutmut_1")


# A real survivor of an earlier run: a year of one donor counted safe in the time series.
LINE = "        return not 0 < len(donors) < MIN_GROUP\n"
KEY = "reports.transparency_sums.x__periods__mutmut_17"


def _plant(tmp_path: Path, *pytest_args: str) -> str:
    (tmp_path / "reports.transparency_sums.py.txt").write_text(
        f"reports/transparency_sums.py: 0/1 killed\n\n# {KEY}: survived\n"
        "--- reports/transparency_sums.py\n+++ reports/transparency_sums.py\n@@ -14,1 +14,1 @@\n"
        f"-{LINE}+{LINE.replace('0 <', '1 <')}")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "mutate.py"), "--plant", KEY, *pytest_args],
        env=dict(os.environ, MUTATE_OUTPUT=str(tmp_path)), capture_output=True, text=True,
        timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_test_that_fails_without_the_mutant_is_no_kill(tmp_path):
    broken = tmp_path / "test_broken.py"
    broken.write_text("def test_broken():\n    assert False\n")
    (tmp_path / "out").mkdir()
    said = _plant(tmp_path / "out", "-q", "-p", "no:cacheprovider", str(broken))
    assert said.startswith(f"{KEY}: ") and said.endswith(
        "test_broken.py::test_broken fails without the mutant too: no kill; fix that test "
        "first\n"), said


@pytest.mark.parametrize("tests, said", [
    (["tests/test_transparency_thresholds.py", "-k", "year_of_4"],
     (f"{KEY}: killed by tests/test_transparency_thresholds.py::"
      "test_a_year_of_4_donors_is_merged_with_the_next[1]")),
    (["tests/test_transparency_thresholds.py", "-k", "rounded_counts_at_the_boundaries"],
     f"{KEY}: survived every test run"),
], ids=["killed", "survived"])
def test_plant_runs_the_tests_against_the_survivor_and_says_which_kills_it(tmp_path, tests,
                                                                          said):
    assert LINE in (ROOT / "reports" / "transparency_sums.py").read_text()
    got = _plant(tmp_path, "-q", "-x", "-p", "no:cacheprovider", *tests)
    assert got.startswith(said), got
    # The checkout itself is never changed: the mutant lives in the copy.
    assert LINE in (ROOT / "reports" / "transparency_sums.py").read_text()
    assert LINE not in (tmp_path / "plant" / "reports" / "transparency_sums.py").read_text()


def test_a_kill_by_a_case_whose_id_holds_spaces_is_rerun_by_its_whole_id(tmp_path):
    """Parametrised ids hold spaces ("paypal gift (fee shown negative)"): the failing test
    is rerun alone by its whole node id, not by its first word."""
    spaced = tmp_path / "test_spaced.py"
    spaced.write_text(
        "import inspect\nimport pytest\nfrom reports import transparency_sums\n\n"
        "@pytest.mark.parametrize('n', [1], ids=['one donor (a year)'])\n"
        "def test_lower_bound(n):\n"
        "    assert 'return not 0 < len(donors)' in inspect.getsource(transparency_sums)\n")
    (tmp_path / "out").mkdir()
    said = _plant(tmp_path / "out", "-q", "-p", "no:cacheprovider", str(spaced))
    assert said.startswith(f"{KEY}: killed by ") and said.endswith(
        "test_spaced.py::test_lower_bound[one donor (a year)]\n"), said
