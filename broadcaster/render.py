"""Render a station's audio and record it: bulletin clips and slot programmes.

The glue between the database and the speech and audio stages: bulletin text goes through the
reading stage (with the station's lexicon) and the speech chain; each clip becomes a Clip row;
a plan version's programme is rendered once and its item offsets are stored for the as-run log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from broadcaster.audio.chime import chime_path
from broadcaster.audio.config import gap_ms, loudness_target
from broadcaster.audio.errors import AudioError
from broadcaster.audio.programme import layout_programme, render_programme, standard_parts
from broadcaster.audio.ffmpeg import probe
from broadcaster.audio.files import publish, temp_beside
from broadcaster.db.models import (Bulletin, BulletinKind, BulletinStatus, Clip, DayPlan,
                                   LexiconEntry, PlanStatus, Station)
from broadcaster.planning.build import Overhead
from broadcaster.reading import build_lexicon, normalize
from broadcaster.settings import Settings
from broadcaster.tts import SpeechChain, build_chain
from broadcaster.tts import Clip as SpeechClip

log = logging.getLogger(__name__)
PROGRAMMES = "programmes"
DIALECTS = {"vi-vn-x-south": "south"}


def bulletin_text(bulletin: Bulletin) -> str:
    """What is read aloud for a bulletin: its title, then its body."""
    title = bulletin.title.strip().rstrip(".:!?")
    return f"{title}.\n\n{bulletin.body.strip()}"


class StationRenderer:
    """Render clips and programmes for one station (implements planning.day.Renderer)."""

    def __init__(self, session: Session, station: Station, settings: Settings,
                 chain: SpeechChain | None = None):
        self.session = session
        self.station = station
        self.settings = settings
        self._chain = chain
        self._pending: dict[str, Clip] = {}  # rows made but not stored yet, by cache key

    @cached_property
    def chain(self) -> SpeechChain:
        return self._chain or build_chain(self.settings)

    @cached_property
    def lexicon(self):
        rows = self.session.execute(select(LexiconEntry.term, LexiconEntry.reading)
                                    .where(LexiconEntry.station_id == self.station.id))
        return build_lexicon(dict(rows.all()))

    @property
    def gap_ms(self) -> int:
        return gap_ms(self.settings)

    def spoken(self, text: str) -> str:
        """The reading stage with the station's lexicon and the voice's dialect."""
        voice = next((e.voice for e in self.chain.engines if e.name == "espeak"), "vi")
        return normalize(text, dialect=DIALECTS.get(voice, "north"), lexicon=self.lexicon)

    def _record(self, clip: SpeechClip, kind: str, bulletin_id: int | None) -> Clip:
        """The Clip row for a spoken clip: the stored one, or a new one not yet in the session.

        Nothing is written here: speech takes seconds, and a write would hold SQLite's lock
        through it. `save_clip` stores new rows when the caller is ready to write.
        """
        row = self._pending.get(clip.key) or self.session.scalar(select(Clip).where(
            Clip.station_id == self.station.id, Clip.cache_key == clip.key))
        if row is None:
            row = Clip(station_id=self.station.id, cache_key=clip.key, kind=kind,
                       bulletin_id=bulletin_id, spoken_text=clip.text, engine=clip.engine,
                       voice=clip.voice, options=dict(clip.options),
                       engine_version=clip.engine_version,
                       skipped={s.engine: s.message for s in clip.skipped},
                       path=self._relative(clip.path), duration_ms=clip.duration_ms,
                       lufs=clip.lufs, true_peak=clip.true_peak)
            self._pending[clip.key] = row
        return row

    def save_clip(self, row: Clip) -> Clip:
        """Store a clip row made by this renderer (if it is new) and return it with its id."""
        if row.id is None:
            stored = self.session.scalar(select(Clip).where(Clip.station_id == self.station.id,
                                                            Clip.cache_key == row.cache_key))
            if stored is not None:
                return stored
            self.session.add(row)
            self.session.flush()
        return row

    def _relative(self, path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.settings.home.resolve()))
        except ValueError:
            return str(Path(path).resolve())

    def path_of(self, clip: Clip) -> Path:
        return self.settings.home / clip.path

    def bulletin_clip(self, bulletin: Bulletin, *, render: bool = True) -> Clip | None:
        """The bulletin's clip: its uploaded recording, or its text spoken by the chain."""
        if bulletin.kind is BulletinKind.RECORDING:
            row = self.session.scalar(select(Clip).where(
                Clip.bulletin_id == bulletin.id, Clip.kind == "recording").order_by(Clip.id.desc()))
            if row is None and render:
                raise AudioError("bản tin ghi âm chưa có tệp âm thanh.")
            return row
        spoken = self.spoken(bulletin_text(bulletin))
        if not render:
            row = next((r for r in self._pending.values() if r.spoken_text == spoken), None)
            row = row or self.session.scalar(select(Clip).where(
                Clip.station_id == self.station.id, Clip.spoken_text == spoken)
                .order_by(Clip.id.desc()))
            return row if row is not None and self.path_of(row).is_file() else None
        return self._record(self.chain.speak(spoken), "speech", bulletin.id)

    @cached_property
    def idents(self) -> tuple[Clip, Clip]:
        """The spoken station ident and closing ident."""
        ident = self._record(self.chain.speak(self.spoken(self.station.ident_text)), "ident", None)
        closing = self._record(self.chain.speak(self.spoken(self.station.closing_text)),
                               "ident", None)
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

    def render_parts(self, air_date, slot_name: str, digest: str, items: list[tuple[str, Clip]],
                     ident: Clip, closing: Clip, gap: int | None = None) -> Rendered:
        """Render a programme file named by its content hash; no database writes."""
        gap = self.gap_ms if gap is None else gap
        parts = standard_parts(self.path_of(ident),
                               [(title, self.path_of(clip)) for title, clip in items],
                               self.path_of(closing))
        relative = Path(PROGRAMMES) / air_date.isoformat() / f"{slot_name}-{digest[:16]}.mp3"
        dest = self.settings.home / relative
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
        return Rendered(str(relative), rendered.duration_ms, entries)

    def programme(self, plan: DayPlan) -> None:
        """Render a stored version's programme again, from the parts it was made of."""
        ids = [i.clip_id for i in plan.items] + [plan.ident_clip_id, plan.closing_clip_id]
        clips = {c.id: c for c in self.session.scalars(select(Clip).where(Clip.id.in_(
            [i for i in ids if i is not None])))}
        ident, closing = self.idents
        rendered = self.render_parts(
            plan.air_date, plan.slot.name, plan.content_hash,
            [(item.title, clips[item.clip_id]) for item in plan.items],
            clips.get(plan.ident_clip_id, ident), clips.get(plan.closing_clip_id, closing),
            plan.gap_ms)
        apply_rendered(plan, rendered)


@dataclass(frozen=True)
class Rendered:
    """A rendered programme file: where it is, how long, and each item's (offset, duration)."""

    path: str
    duration_ms: int
    items: tuple[tuple[int, int], ...]


def apply_rendered(plan: DayPlan, rendered: Rendered) -> None:
    """Store a rendered programme on its plan version."""
    for item, (offset, duration) in zip(plan.items, rendered.items):
        item.offset_ms, item.duration_ms = offset, duration
    plan.programme_path = rendered.path
    plan.programme_duration_ms = rendered.duration_ms


def missing_clips(session: Session, renderer: StationRenderer, first_day, last_day) -> list[Bulletin]:
    """Active bulletins valid at some point in [first_day, last_day] whose clip is not rendered."""
    bulletins = session.scalars(select(Bulletin).where(
        Bulletin.station_id == renderer.station.id, Bulletin.deleted_at.is_(None),
        Bulletin.status == BulletinStatus.ACTIVE,
        or_(Bulletin.valid_from.is_(None), Bulletin.valid_from <= last_day),
        or_(Bulletin.valid_until.is_(None), Bulletin.valid_until >= first_day))
        .order_by(Bulletin.id))
    return [b for b in bulletins if renderer.bulletin_clip(b, render=False) is None
            and b.kind is BulletinKind.TEXT]


def missing_programmes(session: Session, renderer: StationRenderer, first_day,
                       last_day=None) -> list[DayPlan]:
    """Newest plan versions from first_day (to last_day) whose programme file is missing."""
    query = select(DayPlan).where(DayPlan.station_id == renderer.station.id,
                                  DayPlan.air_date >= first_day,
                                  DayPlan.status.in_([PlanStatus.DRAFT, PlanStatus.APPROVED]))
    if last_day is not None:
        query = query.where(DayPlan.air_date <= last_day)
    newest: dict[tuple, DayPlan] = {}
    for plan in session.scalars(query.order_by(DayPlan.version.desc())):
        newest.setdefault((plan.air_date, plan.slot_id), plan)
    return [plan for plan in newest.values()
            if not plan.programme_path or not (renderer.settings.home / plan.programme_path).is_file()]
