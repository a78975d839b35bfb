"""Render a station's audio: bulletin clips and slot programmes (planning's Renderer port).

The glue between the database and the speech and audio stages: bulletin text goes through the
station's reading policy and speech chain, and each clip becomes a Clip row, found again by its
cache key alone. Programme files are rendered here and handed back to planning, which stores them.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.audio.chime import chime_path
from broadcaster.audio.config import gap_ms, loudness_target
from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import probe
from broadcaster.audio.files import publish, sha256_file, temp_beside
from broadcaster.audio.programme import layout_programme, render_programme, standard_parts
from broadcaster.bulletins.text import bulletin_text
from broadcaster.db.models import Bulletin, BulletinKind, Clip, DayPlan, Station
from broadcaster.db.queries import plannable
from broadcaster.home import Home
from broadcaster.planning.build import Overhead
from broadcaster.planning.ports import Rendered
from broadcaster.planning.versions import newest_versions
from broadcaster.reading import ReadingPolicy
from broadcaster.settings import Settings
from broadcaster.tts import SpeechChain, build_chain
from broadcaster.tts import Clip as SpeechClip

log = logging.getLogger(__name__)


class StationRenderer:
    """Render clips and programmes for one station (implements planning.ports.Renderer)."""

    def __init__(self, session: Session, station: Station, settings: Settings, home: Home,
                 reading: ReadingPolicy, chain: SpeechChain | None = None):
        self.session = session
        self.station = station
        self.settings = settings
        self.home = home
        self.reading = reading
        self._chain = chain
        self._pending: dict[str, Clip] = {}  # rows made but not stored yet, by cache key

    @cached_property
    def chain(self) -> SpeechChain:
        return self._chain or build_chain(self.settings, cache_dir=self.home.clip_cache)

    @property
    def gap_ms(self) -> int:
        return gap_ms(self.settings)

    def _record(self, clip: SpeechClip, kind: str, bulletin_id: int | None) -> Clip:
        """The Clip row for a spoken clip: the stored one, or a new one not yet in the session.

        Nothing is written here: speech takes seconds, and a write would hold SQLite's lock
        through it. `save_clip` stores new rows when the caller is ready to write.
        """
        row = self._pending.get(clip.key) or self._stored([clip.key])
        if row is None:
            row = Clip(station_id=self.station.id, cache_key=clip.key, kind=kind,
                       bulletin_id=bulletin_id, spoken_text=clip.text, engine=clip.engine,
                       voice=clip.voice, options=dict(clip.options),
                       engine_version=clip.engine_version,
                       skipped={s.engine: s.message for s in clip.skipped},
                       path=self.home.relative(clip.path), duration_ms=clip.duration_ms,
                       lufs=clip.lufs, true_peak=clip.true_peak)
            self._pending[clip.key] = row
        return row

    def _stored(self, keys: Sequence[str]) -> Clip | None:
        """The stored clip row of the first of these cache keys that has one."""
        rows = {row.cache_key: row for row in self.session.scalars(select(Clip).where(
            Clip.station_id == self.station.id, Clip.cache_key.in_(list(keys))))}
        return next((rows[key] for key in keys if key in rows), None)

    def save_clip(self, row: Clip) -> Clip:
        """Store a clip row made by this renderer (if it is new) and return it with its id."""
        if row.id is None:
            stored = self._stored([row.cache_key])
            if stored is not None:
                return stored
            self.session.add(row)
            self.session.flush()
        return row

    def path_of(self, clip: Clip) -> Path:
        return self.home.path(clip.path)

    def bulletin_clip(self, bulletin: Bulletin, *, render: bool = True) -> Clip | None:
        """The bulletin's clip: its uploaded recording, or its text spoken by the chain.

        Without `render`, the clip the chain would serve for the bulletin's current text, if it
        is made and its file is there; a clip of another voice, speed or text never counts.
        """
        if bulletin.kind is BulletinKind.RECORDING:
            row = self.session.scalar(select(Clip).where(
                Clip.bulletin_id == bulletin.id, Clip.kind == "recording").order_by(Clip.id.desc()))
            if row is None and render:
                raise AudioError("bản tin ghi âm chưa có tệp âm thanh.")
            return row
        spoken = self.reading.spoken(bulletin_text(bulletin), _part(bulletin))
        if render:
            return self._record(self.chain.speak(spoken), "speech", bulletin.id)
        keys = self.chain.cache_keys(spoken)
        row = next((self._pending[k] for k in keys if k in self._pending), None) or self._stored(keys)
        return row if row is not None and self.path_of(row).is_file() else None

    def is_clip_of(self, clip: Clip, bulletin: Bulletin) -> bool:
        """Whether a clip voices this bulletin as it reads now (made for it, or of its text)."""
        if clip.bulletin_id == bulletin.id:
            return True
        return (clip.kind == "speech" and bulletin.kind is BulletinKind.TEXT
                and clip.cache_key in self.chain.cache_keys(
                    self.reading.spoken(bulletin_text(bulletin), _part(bulletin))))

    @cached_property
    def idents(self) -> tuple[Clip, Clip]:
        """The spoken station ident and closing ident."""
        speak = self.chain.speak
        ident = self._record(speak(self.reading.spoken(self.station.ident_text)), "ident", None)
        closing = self._record(speak(self.reading.spoken(self.station.closing_text)), "ident", None)
        return ident, closing

    def overhead(self) -> Overhead:
        ident, closing = self.idents
        chime = probe(chime_path())
        layout = layout_programme([("chime", "", round(chime.duration_s * 1000) if chime else 0),
                                   ("ident", "", ident.duration_ms), ("item", "", 0),
                                   ("closing", "", closing.duration_ms)], gap_ms=self.gap_ms)
        # The zero-length item stands for the first item: its gap is part of the fixed overhead.
        return Overhead(fixed_ms=layout.total_ms - self.gap_ms, gap_ms=self.gap_ms)

    def identity(self) -> dict:
        ident, closing = self.idents
        return {"ident": ident.cache_key, "closing": closing.cache_key, "gap_ms": self.gap_ms}

    def render_parts(self, air_date: date, slot_name: str, digest: str,
                     items: Sequence[tuple[str, Clip]], ident: Clip, closing: Clip,
                     gap: int | None = None) -> Rendered:
        """Render a programme file named by its content hash; no database writes."""
        gap = self.gap_ms if gap is None else gap
        parts = standard_parts(self.path_of(ident),
                               [(title, self.path_of(clip)) for title, clip in items],
                               self.path_of(closing))
        relative = self.home.programme(air_date, slot_name, digest)
        dest = self.home.path(relative)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_beside(dest)
        try:
            rendered = render_programme(parts, tmp, gap_ms=gap, target=loudness_target(self.settings))
            publish(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        log.info("rendered programme %s (%d ms)", relative, rendered.duration_ms)
        entries = tuple((e.offset_ms, e.duration_ms) for e in rendered.layout.entries
                        if e.kind == "item")
        return Rendered(relative, rendered.duration_ms, entries, sha256_file(dest))


def _part(bulletin: Bulletin) -> str:
    """How a reading limit's message names a bulletin."""
    return f"nội dung bản tin «{bulletin.title[:60]}»"


def missing_clips(session: Session, renderer: StationRenderer, first_day: date,
                  last_day: date) -> list[Bulletin]:
    """Plannable text bulletins, valid at some point in [first_day, last_day], whose clip is
    not rendered."""
    bulletins = session.scalars(select(Bulletin).where(
        plannable(renderer.station.id, first_day, last_day), Bulletin.kind == BulletinKind.TEXT)
        .order_by(Bulletin.id))
    return [b for b in bulletins if renderer.bulletin_clip(b, render=False) is None]


def missing_programmes(session: Session, renderer: StationRenderer, first_day: date,
                       last_day: date | None = None) -> list[DayPlan]:
    """Newest plan versions from first_day (to last_day) whose programme file is missing."""
    where = [DayPlan.air_date >= first_day]
    if last_day is not None:
        where.append(DayPlan.air_date <= last_day)
    newest = newest_versions(session, renderer.station.id, *where, live=True)
    return [plan for plan in newest.values()
            if not plan.programme_path or not renderer.home.path(plan.programme_path).is_file()]
