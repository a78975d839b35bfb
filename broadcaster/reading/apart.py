"""Lexicon keys written in pieces: "Covid - 19", "COVID- 19", "Phòng KT và HT".

The joined spelling is looked up (COVID-19, KT&HT, KT-HT), so the pieces are read as the one name
they are instead of a name, a pause and a number.
"""

from __future__ import annotations

import re

from broadcaster.reading.scan import UPPER, Scan

_SPACED_HYPHEN = re.compile(r"(?:[ \t]+[-–][ \t]*|[-–][ \t]+)(?P<rest>[^\W_]+)(?![&/.\-][^\W_])")
_AND_ACRONYM = re.compile(rf"[ \t]+và[ \t]+(?P<rest>[{UPPER}][{UPPER}0-9]*)(?![^\W_])")


def read_apart(scan: Scan, start: int, end: int, chunk: str) -> int | None:
    """Read chunk with the pieces after it when together they spell a lexicon key; return the end."""
    src = scan.src
    candidates: list[tuple[re.Match[str], tuple[str, ...]]] = []
    if (m := _SPACED_HYPHEN.match(src, end)) is not None:
        candidates.append((m, ("-",)))
    if chunk.isupper() and (m := _AND_ACRONYM.match(src, end)) is not None:
        candidates.append((m, ("&", "-")))
    for m, joiners in candidates:
        for joiner in joiners:
            key = f"{chunk}{joiner}{m.group('rest')}"
            found = scan.lexicon_reading(key) or scan.lexicon_reading(key.upper())  # Covid - 19
            if found is not None:
                scan.emit(start, m.end(), found[0], found[1])
                return m.end()
    return None
