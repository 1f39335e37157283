"""The layers import downward only: fundledger -> importers, reports -> ledger."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("fundledger", "importers", "reports", "ledger")
ALLOWED = {
    "ledger": set(),
    "importers": {"ledger"},
    "reports": {"ledger"},
    "fundledger": {"importers", "reports", "ledger"},
}


def project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {n.split(".")[0] for n in names if n.split(".")[0] in LAYERS}
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_only_downward(layer):
    wrong = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        bad = project_imports(path) - ALLOWED[layer] - {layer}
        if bad:
            wrong.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    assert wrong == []


def test_the_checker_sees_an_upward_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from reports import funds\nimport importers.paypal\n")
    assert project_imports(bad) == {"reports", "importers"}


def test_ruff_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (make setup installs it)")
    result = subprocess.run([ruff, "check", "--output-format", "concise", str(ROOT)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
