"""Rows planted directly in the database for the page tests: slots, plans, as-run rows, heartbeats."""

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from broadcaster.db.models import AsRun, AsRunStatus, DayPlan, PlanStatus, SlotTemplate, Station, Trigger
from broadcaster.db.playout_models import PlayoutHeartbeat


def add_slot(world, name, start: time, length=30):
    with world.session() as session:
        station = session.scalar(select(Station))
        slot = SlotTemplate(station_id=station.id, name=name, title=f"Buổi {name}",
                            start_time=start, length_seconds=length * 60,
                            weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"], grace_seconds=60)
        session.add(slot)
        session.flush()
        return slot.id


def add_plan(world, slot_name, status=PlanStatus.DRAFT, warnings=(), programme="p.mp3", day=None):
    with world.session() as session:
        station = session.scalar(select(Station))
        slot_id = session.scalar(select(SlotTemplate.id).where(SlotTemplate.name == slot_name))
        plan = DayPlan(station_id=station.id, air_date=day or world.today(), slot_id=slot_id,
                       version=1, status=status, content_hash="x" * 64, warnings=list(warnings),
                       programme_path=programme, programme_duration_ms=90_000)
        session.add(plan)
        session.flush()
        return plan.id


def aired(world, slot_name, status, error="", day=None):
    with world.session() as session:
        station = session.scalar(select(Station))
        now = datetime.now(timezone.utc)
        row = AsRun(station_id=station.id, kind="slot", trigger=Trigger.SCHEDULE, status=status,
                    air_date=day or world.today(), slot_name=slot_name, title=f"Buổi {slot_name}",
                    scheduled_at=now - timedelta(hours=1), started_at=None, ended_at=now,
                    played_ms=0, error=error, plan_version=1)
        session.add(row)
        session.flush()
        return row.id


def beat(world, seconds_ago, playing=None):
    with world.session() as session:
        station = session.scalar(select(Station))
        now = datetime.now(timezone.utc)
        session.add(PlayoutHeartbeat(station_id=station.id, pid=4321, host="may-phat",
                                     started_at=now - timedelta(hours=2),
                                     seen_at=now - timedelta(seconds=seconds_ago),
                                     state={"playing": playing, "outputs": {"aircheck": "ok"}}))


def log_row(world, *, kind="item", status=AsRunStatus.PLAYED, title="Thông báo tiêm phòng",
            topic="y-te", day=None, parent=None, slot="sang", played=60_000, offset=None,
            version=1, when=None):
    with world.session() as session:
        station = session.scalar(select(Station))
        start = when or datetime.now(timezone.utc) - timedelta(minutes=30)
        row = AsRun(station_id=station.id, kind=kind, parent_id=parent, trigger=Trigger.SCHEDULE,
                    status=status, air_date=day or world.today(), slot_name=slot, title=title,
                    topic_code=topic if kind == "item" else "", source="speech",
                    scheduled_at=start, started_at=start if played else None,
                    ended_at=start + timedelta(milliseconds=played or 1000), played_ms=played,
                    duration_ms=played, offset_ms=offset, plan_version=version)
        session.add(row)
        session.flush()
        return row.id
