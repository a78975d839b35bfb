"""Which backups to keep: plain names in, names to delete out."""

from __future__ import annotations

import re

NAME = re.compile(r"^broadcaster-(?P<station>[\w.-]+)-(?P<stamp>\d{8}-\d{6})\.zip$")


def archive_name(station_code: str, stamp: str) -> str:
    return f"broadcaster-{station_code}-{stamp}.zip"


def to_delete(names: list[str], station_code: str, keep: int) -> list[str]:
    """The archives of this station beyond the `keep` newest (other files are never touched)."""
    mine = sorted((n for n in names if (m := NAME.match(n)) and m["station"] == station_code),
                  key=lambda n: NAME.match(n)["stamp"], reverse=True)
    return sorted(mine[keep:])
