"""A station's way of reading: one lexicon and one dialect, for what is shown and what is spoken."""

from __future__ import annotations

from dataclasses import dataclass, field

from broadcaster.reading.lexicon import Lexicon
from broadcaster.reading.model import Explanation
from broadcaster.reading.normalizer import Normalizer


@dataclass(frozen=True)
class ReadingPolicy:
    """The reading of one station. The bulletin page shows `explain(text)`, and every clip speaks
    `spoken(text)`: both come from this one object, so they can never differ."""

    lexicon: Lexicon
    dialect: str = "north"
    _normalizer: Normalizer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_normalizer", Normalizer(self.lexicon))

    def spoken(self, text: str) -> str:
        """What the speech engine is given for a text."""
        return self._normalizer.normalize(text, self.dialect)

    def explain(self, text: str) -> Explanation:
        """The spoken text with every replacement and every token that needs checking."""
        return self._normalizer.explain(text, self.dialect)
