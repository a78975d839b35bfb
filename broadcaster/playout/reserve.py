"""Journal space that cannot fail for lack of disk: pages reserved ahead, overwritten in place.

A full station home must not cost the record of what aired (see journal.py). So the journal does
not create files while audio plays: it keeps a pool of page files, each made once at its full
size, and writes each airing's record into one of them in place (no new block is needed). A page
has two halves written in turn, each with a sequence number and a CRC, so a write cut by a crash
or a power loss leaves the other half whole: reading takes the newest half that checks out.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import threading
import zlib
from pathlib import Path

log = logging.getLogger(__name__)

HALF = 32 * 1024                  # one record; a page is two of them
HEADER = struct.Struct("<4sQII")  # magic, sequence, length, CRC-32 of the payload
MAGIC = b"BCJ1"
FREE = {"free": True}
KEEP_FREE = 8                     # pages kept ready; an airing takes one until its row is in


class RecordTooLarge(ValueError):
    """A record does not fit in half a page."""


class Page:
    """One reserved file, holding one record."""

    def __init__(self, path: Path):
        self.path = path
        self._seq = 0
        self.record = self._load()

    def _halves(self, data: bytes) -> list[tuple[int, dict]]:
        found = []
        for start in (0, HALF):
            if len(data) < start + HEADER.size:
                continue
            magic, seq, length, crc = HEADER.unpack_from(data, start)
            body = data[start + HEADER.size:start + HEADER.size + length]
            if magic == MAGIC and len(body) == length and zlib.crc32(body) == crc:
                try:
                    found.append((seq, json.loads(body)))
                except ValueError:
                    continue
        return found

    def _load(self) -> dict:
        try:
            halves = self._halves(self.path.read_bytes())
        except OSError:
            halves = []
        if not halves:
            return dict(FREE)
        self._seq, record = max(halves, key=lambda half: half[0])
        return record

    @property
    def free(self) -> bool:
        return self.record.get("free", False) is True

    def write(self, record: dict) -> None:
        """Overwrite the older half with the record, synced to disk (raises OSError)."""
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if HEADER.size + len(body) > HALF:
            raise RecordTooLarge(f"{len(body)} bytes")
        seq = self._seq + 1
        half = HEADER.pack(MAGIC, seq, len(body), zlib.crc32(body)) + body
        fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
        try:
            os.pwrite(fd, half.ljust(HALF, b" "), (seq % 2) * HALF)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._seq, self.record = seq, record

    @classmethod
    def make(cls, path: Path) -> Page:
        """Reserve a new page on disk, at its full size (raises OSError, e.g. a full disk)."""
        temporary = path.with_suffix(".new")
        try:
            with open(temporary, "wb") as handle:
                handle.write(b" " * (2 * HALF))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return cls(path)


class Reserve:
    """The pool of pages in one folder; safe to use from several threads."""

    def __init__(self, folder: Path, keep_free: int = KEEP_FREE):
        self.folder = folder
        self.keep_free = keep_free
        self._lock = threading.Lock()
        self._pages: list[Page] | None = None

    def _all(self) -> list[Page]:
        if self._pages is None:
            self._pages = [Page(path) for path in sorted(self.folder.glob("page-*.jnl"))]
        return self._pages

    def pages_in_use(self) -> list[Page]:
        """The pages that hold a record (at start: what a previous run left)."""
        with self._lock:
            return [page for page in self._all() if not page.free]

    def top_up(self) -> None:
        """Make pages until `keep_free` are free; a full disk is logged, not raised."""
        with self._lock:
            pages = self._all()
            while sum(page.free for page in pages) < self.keep_free:
                if self._add(pages) is None:
                    return

    def take(self) -> Page | None:
        """A free page, made now if none is left; None when the disk cannot give one."""
        with self._lock:
            pages = self._all()
            page = next((page for page in pages if page.free), None) or self._add(pages)
            if page is not None:
                page.record = {"taken": True}  # not free any more, whatever is written next
            return page

    def _add(self, pages: list[Page]) -> Page | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            number = max((int(p.path.stem.split("-")[1]) for p in pages), default=-1) + 1
            page = Page.make(self.folder / f"page-{number:04d}.jnl")
        except OSError as exc:
            log.error("cannot reserve playout journal space in %s: %s", self.folder, exc)
            return None
        pages.append(page)
        return page
