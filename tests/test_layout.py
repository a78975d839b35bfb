"""The shape of the code: the layering contract holds, and test module names are unique."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def test_imports_go_down_the_flow_and_never_in_a_circle():
    """The contracts in pyproject.toml ([tool.importlinter]; docs/design.md, Layers)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout


def test_test_module_names_are_unique():
    """pytest imports test modules by base name."""
    names = Counter(p.name for p in TESTS.rglob("test_*.py") if "bench" not in p.parts)
    assert [name for name, count in names.items() if count > 1] == []
