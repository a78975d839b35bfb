"""The pronunciation lexicon: abbreviations and their spoken form, as data.

The shipped default (`lexicon_vi.tsv` beside this module) is merged with the station's own entries
(edited on the web page, stored in the database); station entries win.

Matching: a key is one token (no spaces), starting with a letter; it may contain digits and the
joiners & / - . (GD&ĐT, Đ/c, KT-XH, COVID-19). A key written without lowercase letters (UBND, HĐND)
matches exactly that spelling, so "HTX" never fires inside ordinary lowercase text; a key with
lowercase letters (Đ/c, Tp, v.v) matches in any case.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Literal, Mapping

from broadcaster.errors import BroadcasterError

log = logging.getLogger(__name__)

DEFAULT_LEXICON_PATH = Path(__file__).with_name("lexicon_vi.tsv")
_KEY_RE = re.compile(r"[^\W\d_][^\W_]*(?:[&/.\-][^\W_]+)*")

Source = Literal["default", "station"]


class LexiconError(BroadcasterError):
    """A lexicon file or entry is malformed."""


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    key: str
    reading: str
    source: Source

    @property
    def rule(self) -> str:
        return "lexicon_station" if self.source == "station" else "lexicon"


def check_entry(key: str, reading: str) -> str | None:
    """Return why an entry cannot be used (in Vietnamese, for the web form), or None if it can."""
    key = unicodedata.normalize("NFC", key.strip())
    if not key:
        return "Thiếu chữ viết tắt."
    if not _KEY_RE.fullmatch(key):
        return (f"«{key}» không dùng được: chữ viết tắt phải là một từ liền (không dấu cách), "
                "bắt đầu bằng chữ cái; chỉ được nối bằng & / - .")
    if not reading.strip():
        return f"Thiếu cách đọc cho «{key}»."
    return None


def _clean_reading(reading: str) -> str:
    # Case is kept: a station reading may hold an acronym ("ban quản lý dự án KH") still to expand.
    return " ".join(unicodedata.normalize("NFC", reading).split())


def parse_lexicon(text: str, origin: str = "lexicon") -> dict[str, str]:
    """Parse lexicon text: one `KEY<TAB>reading` per line, # comments and blank lines ignored."""
    entries: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, reading = raw.partition("\t")
        key = unicodedata.normalize("NFC", key.strip())
        problem = "thiếu dấu TAB giữa chữ viết tắt và cách đọc" if not sep else check_entry(key, reading)
        if problem:
            raise LexiconError(f"{origin}, dòng {number}: {problem}")
        if key in entries:
            raise LexiconError(f"{origin}, dòng {number}: «{key}» đã có ở dòng trước.")
        entries[key] = _clean_reading(reading)
    return entries


def _has_lower(key: str) -> bool:
    return any(c.islower() for c in key)


class _Layer:
    """One source of entries, split by matching policy."""

    __slots__ = ("exact", "folded")

    def __init__(self, entries: Mapping[str, str], source: Source):
        self.exact: dict[str, LexiconEntry] = {}
        self.folded: dict[str, LexiconEntry] = {}
        for key, reading in entries.items():
            entry = LexiconEntry(key, reading, source)
            if _has_lower(key):
                self.folded[key.lower()] = entry
            else:
                self.exact[key] = entry

    def get(self, token: str) -> LexiconEntry | None:
        hit = self.exact.get(token)
        if hit is None and self.folded:
            hit = self.folded.get(token.lower())
        return hit


class Lexicon:
    """Default entries plus station entries; `lookup` finds the spoken form of one token."""

    def __init__(self, default: Mapping[str, str] | None = None, station: Mapping[str, str] | None = None):
        self._default_map = dict(default or {})
        accepted: dict[str, str] = {}
        rejected: list[tuple[str, str]] = []
        for key, reading in (station or {}).items():
            problem = check_entry(key, reading)
            if problem:
                log.warning("station lexicon entry %r ignored: %s", key[:40], problem)
                rejected.append((key, problem))
                continue
            accepted[unicodedata.normalize("NFC", key.strip())] = _clean_reading(reading)
        self._station_map = accepted
        self.rejected: tuple[tuple[str, str], ...] = tuple(rejected)
        self._default = _Layer(self._default_map, "default")
        self._station = _Layer(accepted, "station")

    @classmethod
    def from_file(cls, path: str | Path, station: Mapping[str, str] | None = None) -> Lexicon:
        path = Path(path)
        return cls(parse_lexicon(path.read_text(encoding="utf-8"), origin=path.name), station)

    @classmethod
    def default(cls) -> Lexicon:
        """Return the shipped lexicon (loaded once)."""
        return _default_lexicon()

    def with_station(self, station: Mapping[str, str] | None) -> Lexicon:
        """Return a lexicon with these station entries over this one's default entries."""
        if not station:
            return self
        return Lexicon(self._default_map, station)

    @property
    def station_entries(self) -> dict[str, str]:
        return dict(self._station_map)

    def lookup(self, token: str) -> LexiconEntry | None:
        """Return the entry for one token (station first), or None."""
        if self._station_map:
            hit = self._station.get(token)
            if hit is not None:
                return hit
        return self._default.get(token)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self.lookup(token) is not None

    def __len__(self) -> int:
        return len(self._default_map.keys() | self._station_map.keys())

    def __iter__(self) -> Iterator[LexiconEntry]:
        for key, reading in self._default_map.items():
            if key not in self._station_map:
                yield LexiconEntry(key, reading, "default")
        for key, reading in self._station_map.items():
            yield LexiconEntry(key, reading, "station")


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return Lexicon(parse_lexicon(DEFAULT_LEXICON_PATH.read_text(encoding="utf-8"),
                                 origin=DEFAULT_LEXICON_PATH.name))


def build_lexicon(station_entries: Mapping[str, str] | None = None) -> Lexicon:
    """Return the shipped lexicon with the station's entries merged over it."""
    return Lexicon.default().with_station(station_entries)
