"""Read a calendar date the way commune staff type it."""

from __future__ import annotations

import re
from datetime import date

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_day(text: str | None) -> date | None:
    """Return the date written as 2024-03-01 or 01/03/2024 (also 1-3-2024, 1.3.2024), else None."""
    cleaned = (text or "").strip()
    found = _DMY.match(cleaned)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
        return date.fromisoformat(cleaned) if len(cleaned) == 10 else None
    except ValueError:
        return None
