"""Run the station's processes together and restart any that dies (`broadcaster run`)."""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)


def supervise(children: list[Child], echo: Callable[[str], None],
              should_stop: Callable[[], bool] | None = None, poll_seconds: float = 0.5) -> None:
    """Start every child, restart a dead one with growing back-off, stop all on SIGINT/SIGTERM."""
    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping and not (should_stop and should_stop()):
            now = time.monotonic()
            for child in children:
                if child.process is not None and child.process.poll() is not None:
                    code = child.process.returncode
                    child.process = None
                    if now - child.started_at > 60:
                        child.restarts = 0  # it ran well for a while: start the back-off afresh
                    delay = min(MAX_BACKOFF_SECONDS, 2.0 ** child.restarts)
                    child.restarts += 1
                    child.next_start = now + delay
                    echo(f"Tiến trình '{child.name}' đã dừng (mã {code}); "
                         f"khởi động lại sau {delay:.0f} giây.")
                if child.process is None and now >= child.next_start:
                    log.info("starting %s: %s", child.name, " ".join(child.argv))
                    child.process = subprocess.Popen(child.argv)
                    child.started_at = now
            time.sleep(poll_seconds)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for child in children:
            if child.process is not None and child.process.poll() is None:
                child.process.terminate()
        for child in children:
            if child.process is not None:
                try:
                    child.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.process.kill()
