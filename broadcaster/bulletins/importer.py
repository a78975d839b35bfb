"""Load bulletin script files into the database, idempotently (keyed by file name)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster import audit
from broadcaster.bulletins.script import BulletinScript, parse_script
from broadcaster.db.models import Bulletin, BulletinKind, SlotTemplate, Station, Topic
from broadcaster.errors import ScriptFormatError

log = logging.getLogger(__name__)
SCRIPT_SUFFIX = ".txt"
MAX_SCRIPT_BYTES = 1_000_000


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


def script_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into their .txt script files; report paths that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*" + SCRIPT_SUFFIX) if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "không tìm thấy tệp hoặc thư mục."))
    return files, missing


def redate(script: BulletinScript, start: date) -> BulletinScript:
    """Move a script's validity window to begin on `start`, keeping its length (for the demo)."""
    if script.valid_from and script.valid_until:
        return replace(script, valid_from=start, valid_until=start + (script.valid_until - script.valid_from))
    return replace(script, valid_from=start, valid_until=None)


def import_paths(session: Session, station: Station, paths: list[Path], *, actor: str = "import",
                 redate_to: date | None = None) -> ImportReport:
    """Import every script under `paths`; bad files are rejected with a reason, good ones saved."""
    files, missing = script_files(paths)
    report = ImportReport(rejected=list(missing))
    topics = {t.code: t for t in session.scalars(select(Topic).where(Topic.station_id == station.id))}
    slot_names = set(session.scalars(select(SlotTemplate.name)
                                     .where(SlotTemplate.station_id == station.id)))
    seen: dict[str, Path] = {}
    for path in files:
        key = path.stem
        try:
            if key in seen:
                raise ScriptFormatError(f"trùng tên tệp với {seen[key]} (tên tệp là khóa của bản tin).")
            script = _read(path)
            if script.topic not in topics:
                raise ScriptFormatError(f"chủ đề '{script.topic}' không có trong danh sách chủ đề "
                                        f"của đài ({', '.join(sorted(topics))}).")
            unknown = [s for s in script.slots if s not in slot_names]
            if unknown:
                raise ScriptFormatError(f"buổi phát '{unknown[0]}' không có trong lịch phát "
                                        f"({', '.join(sorted(slot_names))}).")
        except ScriptFormatError as exc:
            report.rejected.append((str(path), str(exc)))
            continue
        seen[key] = path
        if redate_to is not None:
            script = redate(script, redate_to)
        outcome = _upsert(session, station, key, script, topics[script.topic], actor)
        getattr(report, outcome).append(str(path))
    session.flush()
    return report


def _read(path: Path) -> BulletinScript:
    data = path.read_bytes()
    if len(data) > MAX_SCRIPT_BYTES:
        raise ScriptFormatError("tệp quá lớn để là một bản tin.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScriptFormatError("tệp không phải văn bản UTF-8 (hãy lưu lại với mã UTF-8).") from None
    return parse_script(text)


def _fields(script: BulletinScript, topic: Topic) -> dict:
    return {
        "title": script.title, "topic_id": topic.id, "kind": BulletinKind.TEXT, "body": script.body,
        "priority": script.priority, "valid_from": script.valid_from,
        "valid_until": script.valid_until, "slots": list(script.slots),
        "weekdays": list(script.weekdays), "repeat_kind": script.repeat_kind,
        "repeat_count": script.repeat_count,
    }


def _snapshot(fields: dict) -> dict:
    return {k: (v.value if hasattr(v, "value") else v.isoformat() if isinstance(v, date) else v)
            for k, v in fields.items()}


def _upsert(session: Session, station: Station, key: str, script: BulletinScript, topic: Topic,
            actor: str) -> str:
    fields = _fields(script, topic)
    bulletin = session.scalar(select(Bulletin).where(Bulletin.station_id == station.id,
                                                     Bulletin.source_key == key))
    if bulletin is None:
        bulletin = Bulletin(station_id=station.id, source_key=key, **fields)
        session.add(bulletin)
        session.flush()
        audit.record(session, station.id, actor, "bulletin.import", "bulletin", bulletin.id,
                     after=_snapshot(fields))
        return "created"
    before = _snapshot({name: getattr(bulletin, name) for name in fields})
    if before == _snapshot(fields) and bulletin.deleted_at is None:
        return "unchanged"
    for name, value in fields.items():
        setattr(bulletin, name, value)
    bulletin.deleted_at = None
    audit.record(session, station.id, actor, "bulletin.reimport", "bulletin", bulletin.id,
                 before=before, after=_snapshot(fields))
    return "updated"
