"""The test tree itself: pytest imports test modules by base name, so names must be unique."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_test_module_names_are_unique():
    names = Counter(p.name for p in TESTS.rglob("test_*.py") if "bench" not in p.parts)
    assert [name for name, count in names.items() if count > 1] == []
