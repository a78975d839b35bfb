"""What planning needs from the audio stage, and what it gets back: the port rendering implements.

Planning decides what airs; it never makes sound itself. `broadcaster.render.StationRenderer` is
the station's implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol, Sequence

from broadcaster.db.models import Bulletin, Clip
from broadcaster.planning.build import Overhead


@dataclass(frozen=True)
class Rendered:
    """A rendered programme file: where it is (relative to the station home), how long, and each
    item's (offset, duration) in it."""

    path: str
    duration_ms: int
    items: tuple[tuple[int, int], ...]
    sha256: str = ""  # of the file: playout checks it before air


class Renderer(Protocol):
    """Clips and programmes for one station. Nothing here writes to the database but save_clip."""

    @property
    def idents(self) -> tuple[Clip, Clip]:
        """The spoken station ident and closing ident (made when missing; not stored yet)."""

    def bulletin_clip(self, bulletin: Bulletin, *, render: bool = True) -> Clip | None:
        """The bulletin's clip, made when missing unless render is False; not stored yet."""

    def save_clip(self, clip: Clip) -> Clip:
        """Store a clip row made by the renderer; return it with its id."""

    def overhead(self) -> Overhead:
        """Chime and idents of every programme, and the gap per item."""

    def identity(self) -> dict:
        """What besides the items makes a programme (ident clips, gap): part of its hash."""

    def render_parts(self, air_date: date, slot_name: str, digest: str,
                     items: Sequence[tuple[str, Clip]], ident: Clip, closing: Clip,
                     gap: int | None = None) -> Rendered:
        """Render a programme file (no database writes)."""
