"""Shared fixtures: every test runs in its own temporary station home, never the real one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.cli.context import StationContext


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch) -> Path:
    """Point the default station home and XDG folders at a temporary place for every test."""
    root = tmp_path_factory.mktemp("isolated")
    for name in list(__import__("os").environ):
        if name.startswith("BROADCASTER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "xdg"))
    monkeypatch.setenv("LOCALAPPDATA", str(root / "appdata"))
    monkeypatch.setenv("HOME", str(root / "user"))
    return root


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "station"


@pytest.fixture
def invoke(runner, home):
    """Run `broadcaster --home <home> ARGS...` in-process and return the click Result."""
    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--home", str(home), *args], input=input, catch_exceptions=False)
    return run


@pytest.fixture
def station_home(invoke, home) -> Path:
    """A station home set up by `broadcaster init` (default schedule, no demo bulletins)."""
    result = invoke("init")
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def station_ctx(station_home) -> StationContext:
    return StationContext(str(station_home))
