"""The versions of a slot's plan: every one, the newest, and the one that may air."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from broadcaster.db.models import DayPlan, PlanStatus

LIVE = (PlanStatus.DRAFT, PlanStatus.APPROVED)  # neither rejected nor superseded


def versions(session: Session, station_id: int, air_date: date, slot_id: int) -> list[DayPlan]:
    """Every version of a slot's plan, newest first."""
    return list(session.scalars(select(DayPlan).where(
        DayPlan.station_id == station_id, DayPlan.air_date == air_date, DayPlan.slot_id == slot_id)
        .order_by(DayPlan.version.desc())))


def newest(session: Session, station_id: int, air_date: date, slot_id: int) -> DayPlan | None:
    """The newest version of a slot's plan, whatever its status."""
    found = versions(session, station_id, air_date, slot_id)
    return found[0] if found else None


def newest_versions(session: Session, station_id: int, *where: ColumnElement[bool],
                    live: bool = False) -> dict[tuple[date, int], DayPlan]:
    """The newest version of each (date, slot id) matching `where`; only drafts and approved
    versions when `live`."""
    query = select(DayPlan).where(DayPlan.station_id == station_id, *where)
    if live:
        query = query.where(DayPlan.status.in_(LIVE))
    found: dict[tuple[date, int], DayPlan] = {}
    for plan in session.scalars(query.order_by(DayPlan.version.desc())):
        found.setdefault((plan.air_date, plan.slot_id), plan)
    return found


def airable_plan(session: Session, station_id: int, air_date: date, slot_id: int,
                 unapproved_policy: str) -> DayPlan | None:
    """Return the plan version that may air in a slot, or None when nothing may.

    Approving a version supersedes the older approved one, so at most one version is APPROVED.
    The newest version airs if it is approved. When the newest is not approved (a draft after an
    edit, or rejected), policy "skip" airs nothing and "last-approved" airs the newest version that
    was approved, if any.
    """
    found = versions(session, station_id, air_date, slot_id)
    if not found:
        return None
    if found[0].status is PlanStatus.APPROVED:
        return found[0]
    if unapproved_policy == "last-approved":
        return next((v for v in found if v.status is PlanStatus.APPROVED), None)
    return None
