"""The reading stage: bulletin text in, spoken Vietnamese out (policy: docs/reading.md).

    >>> from broadcaster.reading import normalize
    >>> normalize("Họp lúc 8h30 tại UBND xã.")
    'họp lúc tám giờ ba mươi phút tại ủy ban nhân dân xã.'
"""

from broadcaster.reading.lexicon import (
    DEFAULT_LEXICON_PATH,
    Lexicon,
    LexiconEntry,
    LexiconError,
    build_lexicon,
    check_entry,
    parse_lexicon,
)
from broadcaster.reading.limits import ReadingLimitError
from broadcaster.reading.model import (
    DIALECTS,
    RULE_LABELS,
    UNREADABLE_LABELS,
    Dialect,
    Explanation,
    Replacement,
    Unreadable,
)
from broadcaster.reading.normalizer import Normalizer, explain, normalize
from broadcaster.reading.policy import ReadingPolicy

__all__ = [
    "DEFAULT_LEXICON_PATH",
    "DIALECTS",
    "RULE_LABELS",
    "UNREADABLE_LABELS",
    "Dialect",
    "Explanation",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "Normalizer",
    "ReadingLimitError",
    "ReadingPolicy",
    "Replacement",
    "Unreadable",
    "build_lexicon",
    "check_entry",
    "explain",
    "normalize",
    "parse_lexicon",
]
