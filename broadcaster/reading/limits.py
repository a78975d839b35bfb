"""How much one reading may cost: a length limit (deterministic) and a time budget (a safety net).

Reading is linear in the text length, but a bulletin pasted from a whole web page, or a runaway
import, must still not hold a web request or the nightly planning: past its limit a reading stops
with `ReadingLimitError`, whose message tells the operator what to do.
"""

from __future__ import annotations

from time import monotonic
from typing import Literal

from broadcaster.errors import BroadcasterError

DEFAULT_PART = "văn bản"
# The reading loop looks at the clock once it has moved this many characters past the last look.
CLOCK_STRIDE = 256


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class ReadingLimitError(BroadcasterError):
    """A text is longer than the reading's length limit, or reading it overran its time budget."""

    def __init__(self, kind: Literal["length", "time"], part: str, size: int, limit: float,
                 reached: int = 0):
        self.kind = kind
        self.part = part
        self.size = size
        self.limit = limit
        self.reached = reached
        name = part[:1].upper() + part[1:]
        if kind == "length":
            message = (f"{name} quá dài để đọc: {_grouped(size)} ký tự, tối đa {_grouped(int(limit))} ký tự. "
                       "Hãy chia thành nhiều phần ngắn hơn.")
        else:
            seconds = f"{limit:g}".replace(".", ",")  # Vietnamese decimal comma
            message = (f"Đọc {part} quá {seconds} giây nên đã dừng (mới đến ký tự {_grouped(reached)} "
                       f"trên {_grouped(size)}). Hãy chia thành nhiều phần ngắn hơn; nếu văn bản "
                       "vốn ngắn, hãy báo cho người quản trị.")
        super().__init__(message)


def check_length(text: str, max_chars: int | None, part: str) -> None:
    """Refuse a text longer than max_chars (None: no limit)."""
    if max_chars is not None and len(text) > max_chars:
        raise ReadingLimitError("length", part, len(text), max_chars)


class Deadline:
    """The moment a reading must have finished by; `check` raises once it has passed."""

    __slots__ = ("at", "seconds", "part", "size")

    def __init__(self, seconds: float, part: str, size: int):
        self.seconds = seconds
        self.part = part
        self.size = size
        self.at = monotonic() + seconds

    def check(self, pos: int) -> int:
        """Raise if the budget is spent; else return the position of the next look at the clock."""
        if monotonic() >= self.at:
            raise ReadingLimitError("time", self.part, self.size, self.seconds, pos)
        return pos + CLOCK_STRIDE
