"""One local date's slots as the pages show them: newest plan version and what really aired."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from broadcaster.db.models import AsRun, AsRunStatus, DayPlan, PlanStatus, SlotTemplate, Trigger
from broadcaster.schedule import SlotInstance, expand_day
from broadcaster.station.setup import station_schedule
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
    slot_ids = dict(session.execute(select(SlotTemplate.name, SlotTemplate.id)
                                    .where(SlotTemplate.station_id == station.id)).all())
    newest: dict[int, DayPlan] = {}
    for plan in session.scalars(select(DayPlan).where(DayPlan.station_id == station.id,
                                                      DayPlan.air_date == day)
                                .order_by(DayPlan.version.desc())):
        newest.setdefault(plan.slot_id, plan)
    aired: dict[str, AsRun] = {}
    for row in session.scalars(select(AsRun).where(
            AsRun.station_id == station.id, AsRun.air_date == day, AsRun.kind == "slot",
            AsRun.trigger == Trigger.SCHEDULE).order_by(AsRun.id)):
        aired[row.slot_name] = row
    views = []
    for instance in expand_day(station_schedule(session, station), day):
        slot_id = slot_ids[instance.slot.name]
        view = SlotView(instance, slot_id, newest.get(slot_id), aired.get(instance.slot.name))
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
