"""End-to-end fixtures: a real station home, `broadcaster serve` and `playout` subprocesses, Chromium.

Chromium is Debian's /usr/bin/chromium driven by Playwright (never a downloaded browser). The e2e
tests run in the normal suite; `-m e2e` selects them alone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ZONE = "Asia/Ho_Chi_Minh"
PASSWORDS = {"lan": "bien-tap-e2e-1", "hung": "nguoi-duyet-e2e-1"}


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end tests in a real browser against real processes")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="/usr/bin/chromium is not installed"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli(home: Path, *args: str, input: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(home), *args],
                          input=input, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@dataclass
class Station:
    home: Path
    url: str
    slot_start: datetime  # UTC
    slot_date: str        # local ISO date
    logs: Path


@pytest.fixture
def station(tmp_path):
    """An initialized station whose only slot starts about 75 s from now, served on a free port."""
    home, logs = tmp_path / "home", tmp_path / "logs"
    logs.mkdir()
    start = (datetime.now(timezone.utc) + timedelta(seconds=75)).replace(microsecond=0)
    local = start.astimezone(ZoneInfo(ZONE))
    schedule = tmp_path / "lich.toml"
    schedule.write_text(f'timezone = "{ZONE}"\ngrace_minutes = 2\n\n[[slot]]\nname = "thu"\n'
                        f'title = "Buổi phát thử"\nstart = "{local:%H:%M:%S}"\nlength_minutes = 5\n',
                        encoding="utf-8")
    cli(home, "init", "--schedule", str(schedule))
    cli(home, "user", "add", "lan", "--role", "editor", "--full-name", "Trần Thị Lan",
        "--password-stdin", input=PASSWORDS["lan"] + "\n")
    cli(home, "user", "add", "hung", "--role", "approver", "--full-name", "Nguyễn Văn Hùng",
        "--password-stdin", input=PASSWORDS["hung"] + "\n")
    port = free_port()
    procs = []

    def start_process(name: str, *args: str) -> subprocess.Popen:
        out = open(logs / f"{name}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "broadcaster", "--home", str(home), *args],
                                stdout=out, stderr=subprocess.STDOUT)
        procs.append((proc, out))
        return proc

    start_process("serve", "serve", "--port", str(port))
    start_process("playout", "playout", "--output", "aircheck")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/dang-nhap", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError((logs / "serve.log").read_text(errors="replace"))
            time.sleep(0.3)
    yield Station(home, url, start, local.date().isoformat(), logs)
    for proc, out in procs:
        proc.terminate()
    for proc, out in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $E2E_SCREENSHOTS when set (to look at them), else the test's tmp."""
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
