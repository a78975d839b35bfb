from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from broadcaster.bulletins.importer import import_paths
from broadcaster.db.models import AuditEvent, Bulletin, Priority
from broadcaster.resources import data_dir

SCRIPT = """---
title: {title}
topic: {topic}
priority: thường
slots: sang
---
Kính thưa bà con, UBND xã thông báo lịch tiêm chủng ngày 15/3/2024.
"""


def write(folder: Path, name: str, title="Lịch tiêm chủng", topic="y-te") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(SCRIPT.format(title=title, topic=topic), encoding="utf-8")
    return path


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_reimport_updates_and_never_duplicates(station_ctx, tmp_path):
    folder = tmp_path / "scripts"
    write(folder, "tiem-chung.txt")
    with station_ctx.session() as session:
        first = import_paths(session, station_ctx.station(session), [folder])
    with station_ctx.session() as session:
        again = import_paths(session, station_ctx.station(session), [folder])
    write(folder, "tiem-chung.txt", title="Lịch tiêm chủng (đã đổi giờ)")
    with station_ctx.session() as session:
        changed = import_paths(session, station_ctx.station(session), [folder])
        assert count(session, Bulletin) == 1
        bulletin = session.scalar(select(Bulletin))
        assert bulletin.title == "Lịch tiêm chủng (đã đổi giờ)"
        assert bulletin.source_key == "tiem-chung"
        assert bulletin.topic.code == "y-te" and bulletin.slots == ["sang"]
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert (len(first.created), len(again.unchanged), len(changed.updated)) == (1, 1, 1)
    assert actions == ["bulletin.import", "bulletin.reimport"]


def test_malformed_and_unknown_references_are_rejected_with_name_and_reason(station_ctx, tmp_path):
    folder = tmp_path / "scripts"
    write(folder, "tot.txt")
    write(folder, "chu-de-la.txt", topic="bong-da")
    (folder / "hong.txt").write_text("không có phần đầu", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("---\ntitle: Thông báo\n".encode("cp1258"))
    (folder / "buoi-la.txt").write_text(SCRIPT.format(title="X", topic="y-te").replace("sang", "toi"),
                                        encoding="utf-8")
    write(folder / "sub", "tot.txt")
    with station_ctx.session() as session:
        report = import_paths(session, station_ctx.station(session), [folder, tmp_path / "khong-co"])
        assert count(session, Bulletin) == 1
    reasons = {Path(path).name if path != str(tmp_path / "khong-co") else "khong-co": reason
               for path, reason in report.rejected}
    assert "chủ đề 'bong-da'" in reasons["chu-de-la.txt"]
    assert "dòng 1" in reasons["hong.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "buổi phát 'toi'" in reasons["buoi-la.txt"]
    assert "trùng tên tệp" in reasons["tot.txt"]
    assert "không tìm thấy" in reasons["khong-co"]
    assert [Path(p).name for p in report.created] == ["tot.txt"]


def test_shipped_scripts_all_import_and_can_be_redated(station_ctx, tmp_path):
    shipped = sorted(data_dir("scripts_vi").glob("*.txt"))
    assert len(shipped) >= 12
    with station_ctx.session() as session:
        report = import_paths(session, station_ctx.station(session), [data_dir("scripts_vi")],
                              redate_to=date(2026, 11, 27))
        assert report.rejected == []
        assert len(report.created) == len(shipped)
        bulletins = session.scalars(select(Bulletin)).all()
        assert {b.valid_from for b in bulletins} == {date(2026, 11, 27)}
        assert all(b.valid_until is None or b.valid_until >= b.valid_from for b in bulletins)
        assert {b.topic.code for b in bulletins} >= {"cchc", "thien-tai", "y-te", "an-ninh"}
        assert Priority.EMERGENCY in {b.priority for b in bulletins}
