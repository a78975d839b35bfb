from datetime import date

import pytest
from sqlalchemy import select

from broadcaster.db.models import (AuditEvent, Bulletin, DayPlan, PlanStatus, Role, SlotTemplate,
                                   Topic, User)
from broadcaster.planning import approval
from broadcaster.planning.versions import airable_plan
from broadcaster.planning.approval import (ItemSpec, NotAllowed, PlanError, approve, reject,
                                           save_version)
from broadcaster.station.users import add_user

ON_POSTGRES = True  # these tests run on SQLite and on PostgreSQL (tests/conftest.py)

DAY = date(2024, 3, 1)


@pytest.fixture
def world(station_ctx):
    """A station with a slot, two bulletins and an approver, an editor and an admin."""
    session_cm = station_ctx.session()
    session = session_cm.__enter__()
    station = station_ctx.station(session)
    topic = session.scalar(select(Topic).where(Topic.code == "cchc"))
    for n in (1, 2):
        session.add(Bulletin(station_id=station.id, title=f"Tin {n}", topic_id=topic.id, body="..."))
    session.flush()
    slot = session.scalar(select(SlotTemplate).where(SlotTemplate.name == "sang"))
    users = {name: add_user(session, station, name, "mat-khau-dai", [role])
             for name, role in (("hung", Role.APPROVER), ("lan", Role.EDITOR), ("quan", Role.ADMIN))}
    yield session, station, slot, users
    session_cm.__exit__(None, None, None)


def items(*ids, key="k"):
    return [ItemSpec(i, None, f"{key}{i}", f"Tin {i}", 60_000) for i in ids]


def save(world, specs, actor="lan"):
    session, station, slot, users = world
    plan, created = save_version(session, station.id, DAY, slot.id, slot.name, specs, [], {},
                                 users[actor], "test")
    plan.programme_path = f"programmes/{plan.id}.mp3"
    return plan, created


def test_same_content_keeps_the_version_and_change_makes_a_new_one(world):
    first, created = save(world, items(1, 2))
    again, created_again = save(world, items(1, 2))
    moved, created_moved = save(world, items(2, 1))
    rerendered, _ = save(world, items(2, 1, key="new"))
    assert (created, created_again, created_moved) == (True, False, True)
    assert again.id == first.id
    assert [first.version, moved.version, rerendered.version] == [1, 2, 3]
    assert first.status is PlanStatus.SUPERSEDED and moved.status is PlanStatus.SUPERSEDED
    assert rerendered.status is PlanStatus.DRAFT


def test_approval_records_who_when_and_the_hash(world):
    session, station, slot, users = world
    plan, _ = save(world, items(1))
    approve(session, plan, users["hung"])
    assert plan.status is PlanStatus.APPROVED and plan.decided_by_id == users["hung"].id
    assert plan.decided_at is not None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.approve"))
    assert event.actor == "hung" and event.after["content_hash"] == plan.content_hash
    assert event.before["status"] == "draft" and event.after["status"] == "approved"


def test_a_change_after_approval_needs_approval_again(world):
    session, station, slot, users = world
    v1, _ = save(world, items(1))
    approve(session, v1, users["hung"])
    v2, created = save(world, items(1, 2))
    assert created and v2.status is PlanStatus.DRAFT and v1.status is PlanStatus.APPROVED
    change = session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.change_approved"))
    assert change.before["version"] == 1 and change.after["version"] == 2
    assert airable_plan(session, station.id, DAY, slot.id, "skip") is None
    assert airable_plan(session, station.id, DAY, slot.id, "last-approved").id == v1.id
    approve(session, v2, users["quan"])  # admins may approve too
    assert v1.status is PlanStatus.SUPERSEDED
    assert airable_plan(session, station.id, DAY, slot.id, "skip").id == v2.id


def test_only_approvers_and_admins_decide(world):
    session, station, slot, users = world
    plan, _ = save(world, items(1))
    with pytest.raises(NotAllowed, match="'lan' không có quyền duyệt"):
        approve(session, plan, users["lan"])
    with pytest.raises(NotAllowed, match="không có quyền từ chối"):
        reject(session, plan, users["lan"], "sai số liệu")
    users["hung"].active = False
    with pytest.raises(NotAllowed):
        approve(session, plan, users["hung"])
    assert plan.status is PlanStatus.DRAFT


def test_rejection_needs_a_comment_and_goes_back_to_the_editor(world):
    session, station, slot, users = world
    plan, _ = save(world, items(1))
    with pytest.raises(PlanError, match="ghi lý do"):
        reject(session, plan, users["hung"], "  ")
    reject(session, plan, users["hung"], "Sửa lại số liệu quý I")
    assert plan.status is PlanStatus.REJECTED and plan.decision_comment == "Sửa lại số liệu quý I"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.reject"))
    assert event.comment == "Sửa lại số liệu quý I" and event.actor == "hung"
    with pytest.raises(PlanError, match="bị từ chối"):
        approve(session, plan, users["hung"])
    fixed, created = save(world, items(1, key="fixed"))
    assert created and fixed.version == 2
    approve(session, fixed, users["hung"])


def test_old_versions_and_unrendered_plans_cannot_be_approved(world):
    session, station, slot, users = world
    v1, _ = save(world, items(1))
    v2, _ = save(world, items(2))
    with pytest.raises(PlanError, match="phiên bản 1 đã cũ"):
        approve(session, v1, users["hung"])
    v2.programme_path = None
    with pytest.raises(PlanError, match="chưa có âm thanh"):
        approve(session, v2, users["hung"])


def test_every_decision_is_an_audit_event(world):
    session, station, slot, users = world
    v1, _ = save(world, items(1))
    reject(session, v1, users["hung"], "Thiếu tin")
    v2, _ = save(world, items(1, 2))
    approve(session, v2, users["hung"])
    v3, _ = save(world, items(2))
    approve(session, v3, users["hung"])
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "day_plan")
                              .order_by(AuditEvent.id)).all()
    assert actions == ["plan.reject", "plan.approve", "plan.change_approved", "plan.approve"]


def test_approving_a_version_another_process_just_replaced_is_refused(station_ctx, monkeypatch):
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        topic = session.scalar(select(Topic).where(Topic.code == "cchc"))
        session.add(Bulletin(station_id=station.id, title="Tin 1", topic_id=topic.id, body="..."))
        session.flush()
        slot = session.scalar(select(SlotTemplate).where(SlotTemplate.name == "sang"))
        approver = add_user(session, station, "hung", "mat-khau-dai", [Role.APPROVER])
        v1, _ = save_version(session, station.id, DAY, slot.id, "sang", items(1), [], {}, "lan", "t")
        v1.programme_path = "programmes/v1.mp3"
        ids = (station.id, slot.id, approver.id, v1.id)
    station_id, slot_id, approver_id, v1_id = ids
    with station_ctx.session() as reader:  # the approver's page was loaded with v1 newest
        stale = reader.get(DayPlan, v1_id)
        user = reader.get(User, approver_id)
        with station_ctx.session() as planner:  # meanwhile another process stores v2
            save_version(planner, station_id, DAY, slot_id, "sang", items(1, key="x"), [], {},
                         "lan", "t")
        with pytest.raises(PlanError, match="phiên bản 1 đã cũ"):
            approve(reader, stale, user)  # the usual check sees it
        # The race: v2 lands between that check and the decision. The UPDATE itself refuses.
        monkeypatch.setattr(approval, "_require_newest", lambda session, plan: None)
        with pytest.raises(PlanError, match="vừa được thay đổi ở nơi khác"):
            approve(reader, stale, user)
    with station_ctx.session() as session:
        statuses = session.scalars(select(DayPlan.status).order_by(DayPlan.version)).all()
    assert statuses == [PlanStatus.SUPERSEDED, PlanStatus.DRAFT]
