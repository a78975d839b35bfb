"""Shared fixtures: every test runs in its own temporary station home, never the real one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station.context import StationContext


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


def pytest_generate_tests(metafunc):
    """Modules that set `ON_POSTGRES = True` run each station test on SQLite and on PostgreSQL."""
    if "database" in metafunc.fixturenames and getattr(metafunc.module, "ON_POSTGRES", False):
        metafunc.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def database(request) -> str:
    """Which database the station home uses: SQLite (the default) or a fresh PostgreSQL one."""
    kind = getattr(request, "param", "sqlite")
    return "sqlite" if kind == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def station_home(invoke, home, database) -> Path:
    """A station home set up by `broadcaster init` (default schedule, no demo bulletins)."""
    if database != "sqlite":
        home.mkdir(parents=True, exist_ok=True)
        (home / "broadcaster.toml").write_text(f'database_url = "{database}"\n', encoding="utf-8")
    result = invoke("init")
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def station_ctx(station_home) -> StationContext:
    return StationContext(str(station_home))


POSTGRES_ENV = "TEST_POSTGRES_URL"  # not BROADCASTER_*: those are cleared for each test; e.g. postgresql+psycopg://user:pw@127.0.0.1/postgres


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test (dropped after it); skipped without a server.

    tests/run.sh starts Debian's PostgreSQL and sets TEST_POSTGRES_URL, so CI runs these.
    """
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set: on CI tests/run.sh must start PostgreSQL")
        pytest.skip(f"{POSTGRES_ENV} is not set (no PostgreSQL server for this run)")
    name = f"bc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
