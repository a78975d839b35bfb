"""One local date's slots as the pages show them: newest plan version and what really aired."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from broadcaster.db.models import AsRun, AsRunStatus, DayPlan, PlanStatus
from broadcaster.db.queries import scheduled_slot_rows, slot_ids, station_schedule
from broadcaster.planning.versions import newest_versions
from broadcaster.schedule import SlotInstance, expand_day
from web import db
from web.labels import ASRUN_WORDS, PLAN_WORDS, local

SOON = timedelta(hours=2)  # an unapproved slot starting this soon is a warning on the dashboard
RENDER_FAILED = "Không tạo được âm thanh"  # how planning words a bulletin it could not render


@dataclass
class SlotView:
    instance: SlotInstance
    slot_id: int
    plan: DayPlan | None             # the newest version
    aired: AsRun | None              # the newest scheduled slot row of the as-run log
    warnings: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        """What the operator needs to know first: aired/missed, else the plan's state."""
        if self.aired is not None:
            return ASRUN_WORDS[self.aired.status]
        if self.plan is None:
            return "chưa lập kế hoạch"
        return PLAN_WORDS[self.plan.status]

    @property
    def state_class(self) -> str:
        if self.aired is not None:
            return {AsRunStatus.PLAYED: "ok", AsRunStatus.STARTED: "live"}.get(self.aired.status, "bad")
        if self.plan is None or self.plan.status is PlanStatus.REJECTED:
            return "bad"
        return "ok" if self.plan.status is PlanStatus.APPROVED else "wait"


def slot_views(day: date, now: datetime | None = None) -> list[SlotView]:
    """The date's slot instances with their newest plan version and as-run slot row."""
    session, station = db.session(), db.station()
    ids = slot_ids(session, station.id)
    newest = newest_versions(session, station.id, DayPlan.air_date == day)
    aired = {row.slot_name: row for row in scheduled_slot_rows(session, station.id, [day])}
    views = []
    for instance in expand_day(station_schedule(session, station), day):
        slot_id = ids[instance.slot.name]
        view = SlotView(instance, slot_id, newest.get((day, slot_id)), aired.get(instance.slot.name))
        view.warnings = _warnings(view, now, station.timezone)
        views.append(view)
    return views


def _warnings(view: SlotView, now: datetime | None, zone: str) -> list[str]:
    title = f"{view.instance.slot.title} lúc {local(view.instance.starts_at, zone, '%H:%M')}"
    found = []
    if view.aired is not None:
        if view.aired.status in (AsRunStatus.MISSED, AsRunStatus.FAILED, AsRunStatus.INTERRUPTED):
            reason = f": {view.aired.error}" if view.aired.error else ""
            found.append(f"{title} {ASRUN_WORDS[view.aired.status]}{reason}")
        return found
    plan = view.plan
    if plan is not None:
        found.extend(f"{title}: {w}" for w in plan.warnings if RENDER_FAILED in w)
        if not plan.programme_path and plan.status is not PlanStatus.SUPERSEDED:
            found.append(f"{title}: phiên bản {plan.version} chưa có âm thanh chương trình.")
    if now is not None and now < view.instance.starts_at <= now + SOON:
        if plan is None:
            found.append(f"{title} sắp đến giờ nhưng chưa lập kế hoạch.")
        elif plan.status is not PlanStatus.APPROVED:
            found.append(f"{title} sắp đến giờ nhưng chưa được duyệt "
                         f"(phiên bản {plan.version} {PLAN_WORDS[plan.status]}).")
    return found
