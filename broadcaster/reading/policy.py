"""A station's way of reading: one lexicon and one dialect, for what is shown and what is spoken."""

from __future__ import annotations

from dataclasses import dataclass, field

from broadcaster.reading.lexicon import Lexicon
from broadcaster.reading.model import Explanation
from broadcaster.reading.normalizer import Normalizer

# Every text the station reads, on the page or on air, stops with a ReadingLimitError past these:
# reading is linear, but a body pasted from a whole web page must not hold a web request or the
# nightly planning. 100,000 characters is almost two hours of speech.
MAX_CHARS = 100_000
BUDGET_SECONDS = 5.0


@dataclass(frozen=True)
class ReadingPolicy:
    """The reading of one station. The bulletin page shows `explain(text)`, and every clip speaks
    `spoken(text)`: both come from this one object, so they can never differ."""

    lexicon: Lexicon
    dialect: str = "north"
    _normalizer: Normalizer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_normalizer", Normalizer(self.lexicon))

    def spoken(self, text: str, part: str = "nội dung bản tin") -> str:
        """What the speech engine is given for a text (`part` names it in a limit's message)."""
        return self._normalizer.normalize(text, self.dialect, max_chars=MAX_CHARS,
                                          budget_seconds=BUDGET_SECONDS, part=part)

    def explain(self, text: str, part: str = "nội dung bản tin") -> Explanation:
        """The spoken text with every replacement and every token that needs checking."""
        return self._normalizer.explain(text, self.dialect, max_chars=MAX_CHARS,
                                        budget_seconds=BUDGET_SECONDS, part=part)
