"""What is read aloud for a bulletin."""

from __future__ import annotations

from broadcaster.db.models import Bulletin


def bulletin_text(bulletin: Bulletin) -> str:
    """Its title, then its body."""
    title = bulletin.title.strip().rstrip(".:!?")
    return f"{title}.\n\n{bulletin.body.strip()}"
