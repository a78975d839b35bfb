"""A programme damaged after approval never airs as PLAYED: it is rendered again from its parts,
or, when that cannot be done, airs as it is and is logged PARTIAL with the reason."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from broadcaster.audio.files import sha256_file
from broadcaster.db.models import AsRunStatus, AuditEvent, DayPlan
from broadcaster.playout.playback import NOT_IN_FILE

SCRIPT = """---
title: Lịch tiêm chủng
topic: y-te
priority: thường
---
Trạm y tế xã tiêm vắc xin sởi cho trẻ em vào sáng thứ Bảy tuần này.
"""


def truncate(path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def test_a_truncated_programme_that_cannot_be_rendered_again_airs_partial(plant, daemon_factory):
    air_date, _ = plant.slot("hong", 5)
    plan_id = plant.plan("hong", air_date, seconds=6)  # items of 2.5 s at 0.5 s and 3.0 s
    daemon_factory()
    with plant.ctx.session() as session:
        programme = plant.home / session.get(DayPlan, plan_id).programme_path
    truncate(programme, 0.45)  # about 2.7 s of the 6 s: damaged after approval
    row = plant.closed_slot("hong", 30)
    assert row.status is AsRunStatus.PARTIAL
    assert row.error.startswith("tệp chương trình ngắn hơn bản đã duyệt"), row.error
    first, second = plant.rows(kind="item", parent_id=row.id)
    assert first.status is AsRunStatus.PARTIAL and first.error
    assert second.status is AsRunStatus.FAILED and second.error == NOT_IN_FILE
    assert second.played_ms == 0


def test_a_damaged_programme_is_rendered_again_and_airs_whole(plant, daemon_factory, invoke,
                                                            tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "tiem-chung.txt").write_text(SCRIPT, encoding="utf-8")
    assert invoke("import", str(scripts)).exit_code == 0
    air_date, starts = plant.slot("gan", 45)
    planned = invoke("plan", air_date.isoformat())
    assert planned.exit_code == 0, planned.output
    approved = invoke("approve", air_date.isoformat(), "--slot", "gan", "--as", "admin")
    assert approved.exit_code == 0, approved.output
    with plant.ctx.session() as session:
        plan = session.scalar(select(DayPlan).where(DayPlan.slot.has(name="gan")))
        programme, recorded = plant.home / plan.programme_path, plan.programme_sha256
        expected = plan.programme_duration_ms
    assert recorded == sha256_file(programme)
    assert datetime.now(timezone.utc) < starts - timedelta(seconds=10), "planning took too long"
    daemon_factory()
    truncate(programme, 0.3)
    row = plant.closed_slot("gan", 120)
    assert row.status is AsRunStatus.PLAYED, row.error
    assert abs(row.played_ms - expected) < 300
    with plant.ctx.session() as session:
        event = session.scalar(select(AuditEvent).where(
            AuditEvent.action == "plan.programme_rendered_again"))
        again = session.get(DayPlan, plan.id)
    assert event is not None and event.actor == "playout" and "mã băm" in event.comment
    assert again.programme_sha256 == sha256_file(programme)
    assert again.programme_duration_ms == expected
