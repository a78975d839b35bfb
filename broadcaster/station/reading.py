"""The station's reading policy: its own lexicon entries over the shipped one, and its dialect."""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.db.models import LexiconEntry
from broadcaster.reading import ReadingPolicy, build_lexicon

VOICE_DIALECTS = {"vi-vn-x-south": "south"}  # espeak-ng's southern voice reads the southern way


def dialect_of(settings: Mapping[str, Any]) -> str:
    """The station's reading dialect, from its voice setting (`tts.espeak_voice`)."""
    return VOICE_DIALECTS.get(settings["tts.espeak_voice"], "north")


def lexicon_entries(session: Session, station_id: int) -> dict[str, str]:
    """The station's own pronunciation entries (term -> reading)."""
    rows = session.execute(select(LexiconEntry.term, LexiconEntry.reading)
                           .where(LexiconEntry.station_id == station_id))
    return dict(rows.all())


def policy_of(entries: Mapping[str, str], settings: Mapping[str, Any]) -> ReadingPolicy:
    """The reading policy made of some station entries and the station's dialect."""
    return ReadingPolicy(build_lexicon(dict(entries)), dialect_of(settings))


def reading_policy(session: Session, station_id: int, settings: Mapping[str, Any]) -> ReadingPolicy:
    """How this station reads every text, on the page and on air."""
    return policy_of(lexicon_entries(session, station_id), settings)
