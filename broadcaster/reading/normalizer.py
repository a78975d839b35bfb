"""Turn written bulletin text into what the announcer says (see docs/reading.md)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from broadcaster.reading.lexicon import Lexicon
from broadcaster.reading.limits import DEFAULT_PART, Deadline, check_length
from broadcaster.reading.model import DIALECTS, Explanation
from broadcaster.reading.numbers import NORTH, number_words
from broadcaster.reading.ranges import handle_number
from broadcaster.reading.orthography import COMBINING, clean_input
from broadcaster.reading.scan import Scan
from broadcaster.reading.symbols import handle_symbol
from broadcaster.reading.words import context_free, handle_word

_W = rf"(?:[^\W_]|[{COMBINING}])"  # a letter or digit, or a mark attached to one
_TOKEN = re.compile(rf"(?P<num>[0-9])|(?P<word>[^\W\d_]{_W}*(?:[&/.\-][^\W_]{_W}*)*)|(?P<sym>[^\w\s]|_)")
_BLANKS = re.compile(r"[^\S\n]{2,}|[^\S\n ]")  # runs of blanks, and blanks other than a space
_DASH = re.compile(r"[-–—]+")  # joined dashes inside tokens are read before: what is left is a pause
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[,.;:!?…)\]])")
_GLUED_PUNCT = re.compile(r"([,.;:!?])(?=[^\W\d_])")
_LINE_EDGES = re.compile(r" ?\n ?")


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text.lower())
    if "-" in text or "–" in text or "—" in text:
        text = _DASH.sub(r" \g<0> ", text)
    text = _BLANKS.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _GLUED_PUNCT.sub(r"\1 ", text)
    if "\n" in text:
        text = _LINE_EDGES.sub("\n", text)
    return text.strip(" ")


class Normalizer:
    """A reusable normalizer for one lexicon (the shipped default plus station entries)."""

    def __init__(self, lexicon: Lexicon | None = None):
        self.lexicon = lexicon if lexicon is not None else Lexicon.default()
        # Station readings are typed by operators ("ép 0", "COVID 19"): read them once, so a
        # reading never brings digits or acronyms back into the spoken text.
        self._station_readings: dict[str, str] = {}
        base = Lexicon.default()
        for key, reading in self.lexicon.station_entries.items():
            self._station_readings[key] = _run(reading, base, {}, "north").text
        # Words seen to read as themselves whatever surrounds them (most of any bulletin).
        self._plain_words: set[str] = set()

    def explain(self, text: str, dialect: str = "north", *, max_chars: int | None = None,
                budget_seconds: float | None = None, part: str = DEFAULT_PART) -> Explanation:
        """Return the spoken text with every replacement and every unreadable token.

        Raise `ReadingLimitError` for a text longer than max_chars, or when reading it takes
        longer than budget_seconds; `part` names the text in that message ("nội dung bản tin").
        """
        check_length(text, max_chars, part)
        return _run(text, self.lexicon, self._station_readings, dialect, self._plain_words,
                    budget_seconds, part)

    def normalize(self, text: str, dialect: str = "north", *, max_chars: int | None = None,
                  budget_seconds: float | None = None, part: str = DEFAULT_PART) -> str:
        """Return the spoken text (limits as for `explain`)."""
        return self.explain(text, dialect, max_chars=max_chars, budget_seconds=budget_seconds,
                            part=part).text


_MAX_PLAIN_WORDS = 100_000


def _run(text: str, lexicon: Lexicon, station_readings: dict[str, str], dialect: str,
         plain_words: set[str] | None = None, budget_seconds: float | None = None,
         part: str = DEFAULT_PART) -> Explanation:
    words = number_words(dialect) if dialect != "north" else NORTH
    src = clean_input(text)
    scan = Scan(src, words, lexicon, station_readings)
    deadline = Deadline(budget_seconds, part, len(src)) if budget_seconds is not None else None
    check_at = 0 if deadline is not None else len(src) + 1
    pos = 0
    search = _TOKEN.search
    while True:
        m = search(src, pos)
        if m is None:
            break
        if pos >= check_at and deadline is not None:
            check_at = deadline.check(pos)
        kind = m.lastgroup
        if kind == "word":
            start, end = m.span()
            if plain_words is not None:
                word = src[start:end]
                if word in plain_words:
                    pos = end
                    continue
                marks = len(scan.replacements) + len(scan.unreadable)
                pos = handle_word(scan, start, end)
                if (marks == len(scan.replacements) + len(scan.unreadable) and word.isalpha()
                        and context_free(word) and len(plain_words) < _MAX_PLAIN_WORDS):
                    plain_words.add(word)
            else:
                pos = handle_word(scan, start, end)
        elif kind == "num":
            pos = handle_number(scan, m.start())
        else:
            pos = handle_symbol(scan, m.start())
    spoken = _tidy(scan.finish())
    return Explanation(src, spoken, dialect, tuple(scan.replacements), tuple(scan.unreadable))


@lru_cache(maxsize=8)
def _normalizer_for(lexicon: Lexicon | None) -> Normalizer:
    return Normalizer(lexicon)


def _check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: expected one of {', '.join(DIALECTS)}")


def explain(text: str, *, dialect: str = "north", lexicon: Lexicon | None = None,
            max_chars: int | None = None, budget_seconds: float | None = None,
            part: str = DEFAULT_PART) -> Explanation:
    """Normalize `text` and say how: replacements and unreadable tokens with their spans.

    Raise `ReadingLimitError` past max_chars characters or budget_seconds of work (None: no limit).
    """
    _check_dialect(dialect)
    return _normalizer_for(lexicon).explain(text, dialect, max_chars=max_chars,
                                            budget_seconds=budget_seconds, part=part)


def normalize(text: str, *, dialect: str = "north", lexicon: Lexicon | None = None,
              max_chars: int | None = None, budget_seconds: float | None = None,
              part: str = DEFAULT_PART) -> str:
    """Return what a (Northern by default) announcer says for `text` (limits as for `explain`)."""
    return explain(text, dialect=dialect, lexicon=lexicon, max_chars=max_chars,
                   budget_seconds=budget_seconds, part=part).text
