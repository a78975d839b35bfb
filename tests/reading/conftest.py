"""Fixtures for the reading stage."""

from __future__ import annotations

import importlib.util

import pytest

from tests.reading.casefiles import SCORER_FILE


@pytest.fixture(scope="session")
def scorer_fold():
    """The comparison of shared/spec/score_reading.py (case, punctuation, tone placement folded)."""
    if not SCORER_FILE.exists():
        pytest.skip(f"{SCORER_FILE} is absent (shared/ is not beside this checkout)")
    spec = importlib.util.spec_from_file_location("score_reading", SCORER_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fold


@pytest.fixture
def runner():
    """A CLI runner that keeps stderr apart from stdout (Click 8.1; Click 8.2 always does)."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()
