"""Database writes that must never hold up audio: done in order by one thread, retried while busy.

Another process may hold SQLite's write lock for longer than the busy timeout (a render started
from the web page or the CLI), or a PostgreSQL server may be unreachable for a while. The daemon
keeps airing: its as-run writes go into one ordered queue, and a writer thread retries each one
with a bounded back-off until the database takes it. Writes marked droppable (progress markers)
are coalesced per key and skipped while the database is busy: the next one comes a second later.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.1
MAX_RETRY_SECONDS = 2.0     # the back-off never grows past this: the row lands soon after the lock goes
REPORT_EVERY_SECONDS = 30.0  # while the database stays busy, say so this often


def retryable(exc: BaseException) -> bool:
    """A database that is busy or unreachable for now (as opposed to a write that is wrong)."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError)
                                                 and bool(exc.connection_invalidated))


@dataclass
class Pending:
    """A queued write; `done` is set once it was written (`ok`), dropped or abandoned."""

    what: str
    fn: Callable[[Session], Any] | None      # None: a plain callable in `call`
    call: Callable[[], Any] | None = None
    key: Any = None                          # droppable writes with the same key are coalesced
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    value: Any = None

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


class Writer:
    """One thread that applies queued writes in order, each in its own committed transaction."""

    def __init__(self, session: Callable[[], AbstractContextManager[Session]], name: str = "db-writer"):
        self._session = session
        self._name = name
        self._queue: collections.deque[Pending] = collections.deque()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._abandon = False
        self._busy_since: float | None = None
        self._last_report = 0.0

    # --- from any thread ------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def submit(self, fn: Callable[[Session], Any], what: str, *, key: Any = None) -> Pending:
        """Queue `fn(session)`; with a `key` it is droppable and replaces a queued one with that key."""
        with self._cv:
            if key is not None:
                for queued in self._queue:
                    if queued.key == key:
                        queued.fn, queued.what = fn, what
                        return queued
            pending = Pending(what, fn, key=key)
            return self._put(pending)

    def call(self, fn: Callable[[], Any], what: str = "") -> Pending:
        """Run a plain callable in queue order (after every write queued before it)."""
        with self._cv:
            return self._put(Pending(what or getattr(fn, "__name__", "call"), None, call=fn))

    def _put(self, pending: Pending) -> Pending:
        if self._abandon:
            pending.done.set()
            log.error("database write dropped, the daemon is stopping: %s", pending.what)
            return pending
        self._queue.append(pending)
        self._cv.notify_all()
        return pending

    @property
    def busy(self) -> bool:
        """True while the database is refusing writes."""
        return self._busy_since is not None

    def backlog(self) -> int:
        with self._cv:
            return len(self._queue)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every write queued so far is done; False on timeout."""
        marker = self.call(lambda: None, "drain")
        return marker.wait(timeout)

    def stop(self, timeout: float) -> list[str]:
        """Write what is queued (for at most `timeout` seconds), then stop; return what was left."""
        if self._thread is None:
            return []
        self.drain(timeout)
        with self._cv:
            self._abandon = True
            left = [p.what for p in self._queue if p.fn is not None]
            for pending in self._queue:
                pending.done.set()
            self._queue.clear()
            self._cv.notify_all()
        self._thread.join(timeout=15)
        self._thread = None
        if left:
            log.error("the database stayed busy: %d as-run write(s) not made: %s", len(left),
                      "; ".join(left[:10]))
        return left

    # --- the writer thread -------------------------------------------------------------------------
    def _run(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            with self._cv:
                while not self._queue and not self._abandon:
                    self._cv.wait()
                if self._abandon:
                    return
                pending = self._queue[0]
                fn, call = pending.fn, pending.call
            if call is not None:
                try:
                    pending.value, pending.ok = call(), True
                except Exception:
                    log.exception("after database writes: %s failed", pending.what)
                self._done(pending)
                continue
            try:
                with self._session() as session:
                    value = fn(session)
            except Exception as exc:
                if not retryable(exc):
                    log.exception("as-run write failed and is dropped: %s", pending.what)
                    self._done(pending)
                    continue
                self._report_busy(exc)
                if pending.key is not None:  # a progress marker: skip it, a newer one will come
                    self._done(pending)
                    self._wait(delay)
                    continue
                self._wait(delay)
                delay = min(MAX_RETRY_SECONDS, delay * 2)
                continue
            delay = FIRST_RETRY_SECONDS
            if self._busy_since is not None:
                log.warning("the database takes writes again after %.1f s",
                            time.monotonic() - self._busy_since)
                self._busy_since = None
            pending.value, pending.ok = value, True
            self._done(pending)

    def _done(self, pending: Pending) -> None:
        with self._cv:
            if self._queue and self._queue[0] is pending:
                self._queue.popleft()
            pending.done.set()

    def _wait(self, seconds: float) -> None:
        with self._cv:
            if not self._abandon:
                self._cv.wait(seconds)

    def _report_busy(self, exc: BaseException) -> None:
        now = time.monotonic()
        if self._busy_since is None:
            self._busy_since = now
        if now - self._last_report >= REPORT_EVERY_SECONDS:
            self._last_report = now
            log.warning("database busy or unreachable (%s): audio goes on, %d as-run write(s) wait",
                        str(getattr(exc, "orig", exc)).splitlines()[0][:120], self.backlog())
