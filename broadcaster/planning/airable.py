"""Which version of a slot's plan may air: the approval rule playout obeys."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.db.models import DayPlan, PlanStatus

UNAPPROVED_POLICIES = ("skip", "last-approved")


def airable_plan(session: Session, station_id: int, air_date: date, slot_id: int,
                 unapproved_policy: str) -> DayPlan | None:
    """Return the plan version that may air in a slot, or None when nothing may.

    Approving a version supersedes the older approved one, so at most one version is APPROVED.
    The newest version airs if it is approved. When the newest is not approved (a draft after an
    edit, or rejected), policy "skip" airs nothing and "last-approved" airs the newest version that
    was approved, if any.
    """
    versions = session.scalars(select(DayPlan).where(
        DayPlan.station_id == station_id, DayPlan.air_date == air_date, DayPlan.slot_id == slot_id)
        .order_by(DayPlan.version.desc())).all()
    if not versions:
        return None
    if versions[0].status is PlanStatus.APPROVED:
        return versions[0]
    if unapproved_policy == "last-approved":
        return next((v for v in versions if v.status is PlanStatus.APPROVED), None)
    return None
