"""Plan versions and their approval: a state machine with an audit trail.

A (date, slot) has versions 1, 2, ... Each new version starts as DRAFT and supersedes older drafts;
an approver approves one exact version (its content hash is recorded), which supersedes the version
approved before it; a rejection with a comment goes back to the editor. Any change makes a new
version that needs approval again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broadcaster import audit
from broadcaster.db.models import DayPlan, PlanItem, PlanStatus, Role, User
from broadcaster.db.types import now_utc
from broadcaster.errors import BroadcasterError
from broadcaster.planning.versions import newest, versions


class PlanError(BroadcasterError):
    """A plan cannot be changed, approved or rejected as asked."""


class NotAllowed(PlanError):
    """The user's roles do not allow this action."""


@dataclass(frozen=True)
class ItemSpec:
    """What a version's item is made of: enough to tell two versions apart."""

    bulletin_id: int
    clip_id: int | None
    clip_key: str
    title: str
    duration_ms: int
    carried_from: date | None = None
    # What the as-run log and reports say of it, fixed when the version is made (not in the hash).
    topic_code: str = ""
    source: str = ""  # speech or recording


def content_hash(air_date, slot_name: str, items: list[ItemSpec], extra: dict) -> str:
    """Hash of everything that makes a slot's programme what it is."""
    payload = {"date": air_date.isoformat(), "slot": slot_name, "extra": extra,
               "items": [[i.bulletin_id, i.clip_key, i.duration_ms] for i in items]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def save_version(session: Session, station_id: int, air_date, slot_id: int, slot_name: str,
                 items: list[ItemSpec], warnings: list[str], extra: dict, actor: User | str,
                 reason: str) -> tuple[DayPlan, bool]:
    """Store the plan as a new DRAFT version unless the newest version has the same content.

    Returns (plan, created).
    """
    digest = content_hash(air_date, slot_name, items, extra)
    existing = versions(session, station_id, air_date, slot_id)
    latest = existing[0] if existing else None
    if latest is not None and latest.content_hash == digest:
        if latest.warnings != warnings:
            latest.warnings = list(warnings)
        return latest, False
    for old in existing:
        if old.status is PlanStatus.DRAFT:
            old.status = PlanStatus.SUPERSEDED
    plan = DayPlan(station_id=station_id, air_date=air_date, slot_id=slot_id,
                   version=(latest.version + 1) if latest else 1, status=PlanStatus.DRAFT,
                   content_hash=digest, warnings=list(warnings),
                   created_by_id=actor.id if isinstance(actor, User) else None,
                   items=[PlanItem(position=n, bulletin_id=i.bulletin_id, clip_id=i.clip_id,
                                   title=i.title, duration_ms=i.duration_ms,
                                   carried_from=i.carried_from, topic_code=i.topic_code,
                                   source=i.source)
                          for n, i in enumerate(items)])
    session.add(plan)
    session.flush()
    if latest is not None and latest.status is PlanStatus.APPROVED:
        audit.record(session, station_id, actor, "plan.change_approved", "day_plan", plan.id,
                     before=_state(latest), after=_state(plan), comment=reason)
    return plan, True


def approve(session: Session, plan: DayPlan, user: User, *, at: datetime | None = None) -> DayPlan:
    """Approve this exact version; the previously approved one is superseded."""
    _require(user, "duyệt")
    _require_newest(session, plan)
    if plan.status is not PlanStatus.DRAFT:
        raise PlanError(f"phiên bản {plan.version} đang ở trạng thái {_status_word(plan)}, "
                        "không duyệt được.")
    if not plan.programme_path:
        raise PlanError(f"phiên bản {plan.version} chưa có âm thanh chương trình: "
                        "hãy tạo âm thanh (broadcaster render) trước khi duyệt.")
    before = _state(plan)
    _claim(session, plan, PlanStatus.APPROVED, user, at)
    for other in versions(session, plan.station_id, plan.air_date, plan.slot_id):
        if other.id != plan.id and other.status is PlanStatus.APPROVED:
            other.status = PlanStatus.SUPERSEDED
    audit.record(session, plan.station_id, user, "plan.approve", "day_plan", plan.id,
                 before=before, after=_state(plan))
    return plan


def reject(session: Session, plan: DayPlan, user: User, comment: str,
           *, at: datetime | None = None) -> DayPlan:
    """Send a version back to the editor with a comment."""
    _require(user, "từ chối")
    comment = comment.strip()
    if not comment:
        raise PlanError("hãy ghi lý do từ chối để biên tập viên biết cần sửa gì.")
    _require_newest(session, plan)
    if plan.status is not PlanStatus.DRAFT:
        raise PlanError(f"phiên bản {plan.version} đang ở trạng thái {_status_word(plan)}, "
                        "không từ chối được.")
    before = _state(plan)
    _claim(session, plan, PlanStatus.REJECTED, user, at, comment)
    audit.record(session, plan.station_id, user, "plan.reject", "day_plan", plan.id,
                 before=before, after=_state(plan), comment=comment)
    return plan


def _claim(session: Session, plan: DayPlan, status: PlanStatus, user: User,
           at: datetime | None, comment: str = "") -> None:
    """Decide in one conditional UPDATE: the version must still be the newest draft.

    A planner in another process may have stored a newer version since this one was read.
    """
    newer = (select(DayPlan.id).where(
        DayPlan.station_id == plan.station_id, DayPlan.air_date == plan.air_date,
        DayPlan.slot_id == plan.slot_id, DayPlan.version > plan.version).exists())
    decided_at = at or now_utc()
    result = session.execute(
        update(DayPlan).where(DayPlan.id == plan.id, DayPlan.status == PlanStatus.DRAFT, ~newer)
        .values(status=status, decided_by_id=user.id, decided_at=decided_at,
                decision_comment=comment)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(plan)
        raise PlanError(f"phiên bản {plan.version} vừa được thay đổi ở nơi khác "
                        f"({_status_word(plan)}): hãy tải lại và xem trước khi quyết định.")
    session.refresh(plan)


STATUS_WORDS = {PlanStatus.DRAFT: "chờ duyệt", PlanStatus.APPROVED: "đã duyệt",
                PlanStatus.REJECTED: "bị từ chối", PlanStatus.SUPERSEDED: "đã thay thế"}


def _status_word(plan: DayPlan) -> str:
    return STATUS_WORDS[plan.status]


def _require(user: User, action: str) -> None:
    if not user.active or not user.has_role(Role.APPROVER):
        raise NotAllowed(f"người dùng '{user.username}' không có quyền {action} kế hoạch phát "
                         "(cần vai trò người duyệt hoặc quản trị).")


def _require_newest(session: Session, plan: DayPlan) -> None:
    found = newest(session, plan.station_id, plan.air_date, plan.slot_id)
    if found.id != plan.id:
        raise PlanError(f"phiên bản {plan.version} đã cũ: phiên bản mới nhất là {found.version}.")


def _state(plan: DayPlan) -> dict:
    return {"version": plan.version, "status": plan.status.value, "content_hash": plan.content_hash,
            "items": [item.bulletin_id for item in plan.items]}
