"""Run the station's processes together and restart any that dies (`broadcaster run`).

Each child is told its supervisor's pid (SUPERVISOR_ENV) and watches it: when the supervisor dies
(killed, crashed), the children stop cleanly within a second instead of running on unsupervised,
which would also make a new `run` refuse to start.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0
SUPERVISOR_ENV = "BROADCASTER_SUPERVISOR_PID"
WATCH_SECONDS = 1.0


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
                    child.process = subprocess.Popen(
                        child.argv, env={**os.environ, SUPERVISOR_ENV: str(os.getpid())})
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


def watch_supervisor() -> None:
    """In a child of `broadcaster run`: stop this process cleanly (as SIGTERM would) once the
    supervisor named in the environment has died. Does nothing outside `run`."""
    text = os.environ.get(SUPERVISOR_ENV, "")
    if not text.isdigit():
        return
    supervisor = int(text)

    def watch() -> None:
        while pid_alive(supervisor) and (os.name == "nt" or os.getppid() == supervisor):
            time.sleep(WATCH_SECONDS)
        log.warning("the supervisor (broadcaster run, pid %d) is gone: stopping", supervisor)
        signal.raise_signal(signal.SIGTERM)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # LIMITED_QUERY_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
