"""Exact readings of hand-written bulletin cases, and the shared development set."""

from __future__ import annotations

import re

import pytest

from broadcaster.reading import normalize
from tests.reading.casefiles import CASES_FILE, DEV_FILE, load_jsonl

CASES = load_jsonl(CASES_FILE)
DEV_CASES = load_jsonl(DEV_FILE) if DEV_FILE.exists() else []


def test_case_file_is_large_and_covers_every_rule():
    assert len(CASES) >= 300
    assert len({c["id"] for c in CASES}) == len(CASES)
    cats = {c["cat"] for c in CASES}
    for needed in ("cardinal", "big", "decimal", "unit", "currency", "date", "month", "quarter", "range",
                   "time", "phone", "emergency", "fraction", "ordinal", "roman", "congress", "doccode",
                   "abbr", "letter", "spelled", "digits", "unicode", "punct", "version", "south", "bulletin"):
        assert needed in cats, needed


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bulletin_case_reads_exactly(case):
    assert normalize(case["in"], dialect=case.get("dialect", "north")) == case["exp"]


@pytest.mark.skipif(not DEV_CASES, reason=f"{DEV_FILE} is absent (shared/ is not beside this checkout)")
@pytest.mark.parametrize("case", DEV_CASES, ids=[c["id"] for c in DEV_CASES])
def test_development_case_passes_the_scorer_comparison(case, scorer_fold):
    out = normalize(case["in"])
    assert not re.search(r"[0-9]", scorer_fold(out))
    assert scorer_fold(out) == scorer_fold(case["exp"])
