"""The state of one normalization pass: the source, the output so far and the records."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from broadcaster.reading.model import Replacement, Unreadable
from broadcaster.reading.numbers import NumberWords

if TYPE_CHECKING:
    from broadcaster.reading.lexicon import Lexicon


class Piece(NamedTuple):
    """A span of the source and what to say for it."""

    start: int
    end: int
    reading: str
    rule: str


class Parsed(NamedTuple):
    """What a digit-led rule read: the pieces to emit, where it ended, and what kind of thing it was."""

    end: int
    pieces: list[Piece]
    kind: str  # number, time, date, month, ordinal, phone, code, other
    value: int | None = None
    flags: tuple[tuple[int, int, str, str], ...] = ()  # (start, end, unreadable kind, reading)


class Scan:
    """Collects the spoken text piece by piece, left to right.

    Rules call `emit` for spans they replace, in increasing order; the text between replaced spans
    is copied as it is. A space is put between two pieces that would otherwise run together
    (39A → "ba mươi chín a").
    """

    __slots__ = ("src", "words", "lexicon", "station_readings", "pos", "out", "replacements", "unreadable",
                 "_blank_line", "_blank_upto")

    def __init__(self, src: str, words: NumberWords, lexicon: Lexicon, station_readings: dict[str, str]):
        self.src = src
        self.words = words
        self.lexicon = lexicon
        self.station_readings = station_readings
        self.pos = 0
        self.out: list[str] = []
        self.replacements: list[Replacement] = []
        self.unreadable: list[Unreadable] = []
        # Whether the output's last line holds only blanks, as of out[:_blank_upto].
        self._blank_line = True
        self._blank_upto = 0

    def _append(self, piece: str) -> None:
        if not piece:
            return
        out = self.out
        # Gaps are never next to gaps, so this only touches the edges of replaced spans.
        if out and piece[0].isalnum() and (out[-1][-1:].isalnum() or out[-1][-1:] in ".,;:!?"):
            out.append(" ")
        out.append(piece)

    def emit(self, start: int, end: int, reading: str, rule: str) -> None:
        if start > self.pos:
            self._append(self.src[self.pos:start])
        self._append(reading)
        self.replacements.append(Replacement(start, end, self.src[start:end], reading, rule))
        self.pos = end

    def emit_pieces(self, pieces: list[Piece] | tuple[Piece, ...]) -> None:
        for p in pieces:
            self.emit(p.start, p.end, p.reading, p.rule)

    def said_before(self, pos: int) -> str:
        """Return the end of the spoken text up to pos, lowercased, one space between words."""
        tail = "".join(self.out[-24:]) + self.src[self.pos:pos]
        return " ".join(tail.lower().split())

    def just_said(self, pos: int, words: str) -> bool:
        """Tell whether the spoken text up to pos ends with these words (case and spacing aside)."""
        return self.said_before(pos).endswith(" ".join(words.lower().split()))

    def at_line_start(self, pos: int) -> bool:
        """Tell whether nothing but blanks would be said on this line before pos.

        Each call looks back only over the blanks just before pos and over the output added since
        the last call, so a text of symbols costs linear time.
        """
        src, start = self.src, self.pos
        i = pos
        while i > start and src[i - 1] != "\n" and src[i - 1].isspace():
            i -= 1
        if i > start:
            return src[i - 1] == "\n"
        return self._output_ends_blank_line()

    def _output_ends_blank_line(self) -> bool:
        blank = self._blank_line
        out = self.out
        for k in range(self._blank_upto, len(out)):
            piece = out[k]
            cut = piece.rfind("\n")
            if cut >= 0:
                blank = not piece[cut + 1:].strip()
            elif blank and not piece.isspace():
                blank = False
        self._blank_line, self._blank_upto = blank, len(out)
        return blank

    def lexicon_reading(self, token: str) -> tuple[str, str] | None:
        """Return (reading, rule) of a lexicon token, station entries read once; None if absent."""
        hit = self.lexicon.lookup(token)
        if hit is None:
            return None
        if hit.source == "station":
            return self.station_readings.get(hit.key, hit.reading), hit.rule
        return hit.reading, hit.rule

    def flag(self, start: int, end: int, kind: str, reading: str) -> None:
        self.unreadable.append(Unreadable(start, end, self.src[start:end], kind, reading))

    def finish(self) -> str:
        if self.pos < len(self.src):
            self._append(self.src[self.pos:])
            self.pos = len(self.src)
        return "".join(self.out)


def context_before(src: str, pos: int, width: int = 40) -> str:
    """Return up to `width` characters before pos (cue words are searched there)."""
    return src[max(0, pos - width):pos]


_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+")


def _lowered(pattern: str) -> str:
    """Lowercase a pattern's letters, not its escapes (\\s stays \\s)."""
    return _ESCAPE_OR_TEXT.sub(lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern)


class Cue:
    """Words (| separated, any case) that end right before a position, with what may follow them.

    Searched in the lowercased context without IGNORECASE, so the regex engine jumps straight to
    the places where a cue word can start (the cues run for every number: this is most of the
    time spent on numbers). A match must start a word.
    """

    __slots__ = ("_re",)

    def __init__(self, words: str, gap: str):
        self._re = re.compile(rf"(?:{_lowered(words)}){_lowered(gap)}\Z")

    def search(self, before: str) -> re.Match[str] | None:
        low = before.lower()
        m = self._re.search(low)
        while m is not None:
            start = m.start()
            if start == 0 or not (low[start - 1].isalnum() or low[start - 1] == "_"):
                return m
            m = self._re.search(low, start + 1)
        return None


def cue(words: str, gap: str = r"\s*") -> Cue:
    """Compile a pattern that finds one of `words` (| separated) right before a position."""
    return Cue(words, gap)


def _upper_letters() -> str:
    import unicodedata

    letters = set("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")
    for base in "AĂÂEÊIOÔƠUƯY":
        for mark in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            letters.add(unicodedata.normalize("NFC", base + mark))
    return "".join(sorted(letters))


UPPER = _upper_letters()  # Vietnamese capital letters, for character classes
