"""Broadcast-day commands: plan, show, approve, reject."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.station.context import StationContext
from broadcaster.db.models import DayPlan, PlanStatus, SlotTemplate, Station, User
from broadcaster.errors import BroadcasterError
from broadcaster.planning.approval import STATUS_WORDS, approve, reject
from broadcaster.planning.versions import newest
from broadcaster.planning.day import plan_day
from broadcaster.schedule import parse_day

pass_station = click.make_pass_decorator(StationContext)
WEEKDAY_WORDS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


class DateParam(click.ParamType):
    """A local date: 2024-03-01, 01/03/2024, today/hom-nay or tomorrow/ngay-mai."""

    name = "NGÀY"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        text = value.strip().lower()
        if text in ("today", "hom-nay", "tomorrow", "ngay-mai"):
            return text
        day = parse_day(text)
        if day is None:
            self.fail(f"'{value}' không phải ngày hợp lệ (ví dụ 2024-03-01 hoặc 01/03/2024, "
                      "today, tomorrow).", param, ctx)
        return day


def resolve_day(value, station: Station) -> date:
    """Turn a DateParam value into a date in the station's zone."""
    if isinstance(value, date):
        return value
    today = datetime.now(ZoneInfo(station.timezone)).date()
    return today + timedelta(days=1) if value in ("tomorrow", "ngay-mai") else today


def _user(session: Session, station: Station, username: str) -> User:
    user = session.scalar(select(User).where(User.station_id == station.id,
                                             User.username == username.strip().lower()))
    if user is None:
        raise BroadcasterError(f"không có người dùng '{username}'.")
    return user


def _clock(ms: int | None) -> str:
    seconds = round((ms or 0) / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _print_plan(session: Session, plan: DayPlan) -> None:
    slot = plan.slot
    who = ""
    if plan.decided_by_id:
        decider = session.get(User, plan.decided_by_id)
        zone = ZoneInfo(session.get(Station, plan.station_id).timezone)
        who = f" bởi {decider.username} lúc {plan.decided_at.astimezone(zone):%H:%M %d/%m/%Y}"
    click.echo(f"{slot.title} {slot.start_time:%H:%M} · phiên bản {plan.version} "
               f"({STATUS_WORDS[plan.status]}{who}) · {_clock(plan.programme_duration_ms)} / "
               f"{_clock(slot.length_seconds * 1000)}")
    if plan.decision_comment:
        click.echo(f"  Ý kiến: {plan.decision_comment}")
    if not plan.items:
        click.echo("  (không có bản tin)")
    for number, item in enumerate(plan.items, 1):
        carried = f" (chuyển từ {item.carried_from:%d/%m})" if item.carried_from else ""
        click.echo(f"  {number}. {item.title} · {_clock(item.duration_ms)}{carried}")
    for warning in plan.warnings:
        click.echo(f"  ! {warning}")


def _heading(day: date) -> None:
    click.echo(f"Kế hoạch phát ngày {day:%d/%m/%Y} ({WEEKDAY_WORDS[day.weekday()]})")


def _newest(session: Session, station: Station, day: date, slot_name: str | None) -> list[DayPlan]:
    query = select(SlotTemplate).where(SlotTemplate.station_id == station.id).order_by(
        SlotTemplate.start_time)
    if slot_name:
        query = query.where(SlotTemplate.name == slot_name)
    slots = session.scalars(query).all()
    if slot_name and not slots:
        raise BroadcasterError(f"không có buổi phát '{slot_name}'.")
    plans = [found for slot in slots if (found := newest(session, station.id, day, slot.id))]
    if not plans:
        raise BroadcasterError(f"chưa có kế hoạch ngày {day:%d/%m/%Y}: "
                               f"hãy chạy 'broadcaster plan {day.isoformat()}'.")
    return plans


@click.command()
@click.argument("day", type=DateParam())
@pass_station
def plan(station_ctx: StationContext, day) -> None:
    """Lập (hoặc lập lại) kế hoạch phát cho NGÀY và tạo âm thanh còn thiếu.

    Nội dung không đổi thì giữ phiên bản cũ; có thay đổi thì tạo phiên bản mới cần duyệt lại.
    """
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        day = resolve_day(day, station)
        renderer = station_ctx.renderer(session)
        outcomes = plan_day(session, station, day, renderer, "cli")
        _heading(day)
        for outcome in outcomes:
            _print_plan(session, outcome.plan)
            if not outcome.created:
                click.echo("  (nội dung không đổi, giữ nguyên phiên bản)")


@click.command()
@click.argument("day", type=DateParam())
@pass_station
def show(station_ctx: StationContext, day) -> None:
    """Xem kế hoạch phát mới nhất của NGÀY."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        day = resolve_day(day, station)
        plans = _newest(session, station, day, None)
        _heading(day)
        for found in plans:
            _print_plan(session, found)


@click.command("approve")
@click.argument("day", type=DateParam())
@click.option("--slot", "slot_name", help="Chỉ duyệt buổi này (mã buổi, ví dụ sang).")
@click.option("--as", "username", required=True, help="Người duyệt (tên đăng nhập).")
@pass_station
def approve_command(station_ctx: StationContext, day, slot_name: str | None, username: str) -> None:
    """Duyệt phiên bản mới nhất của các buổi phát trong NGÀY."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        day = resolve_day(day, station)
        user = _user(session, station, username)
        plans = [p for p in _newest(session, station, day, slot_name)
                 if slot_name or p.status is PlanStatus.DRAFT]
        if not plans:
            click.echo("Không có buổi nào đang chờ duyệt.")
        for found in plans:
            approve(session, found, user)
            click.echo(f"Đã duyệt {found.slot.title.lower()} ngày {day:%d/%m/%Y}, "
                       f"phiên bản {found.version}.")


@click.command("reject")
@click.argument("day", type=DateParam())
@click.option("--slot", "slot_name", required=True, help="Buổi phát bị từ chối (ví dụ sang).")
@click.option("--as", "username", required=True, help="Người duyệt (tên đăng nhập).")
@click.option("--comment", required=True, help="Lý do, gửi lại biên tập viên.")
@pass_station
def reject_command(station_ctx: StationContext, day, slot_name: str, username: str,
                   comment: str) -> None:
    """Từ chối phiên bản mới nhất của một buổi, kèm ý kiến cho biên tập viên."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        day = resolve_day(day, station)
        user = _user(session, station, username)
        (found,) = _newest(session, station, day, slot_name)
        reject(session, found, user, comment)
        click.echo(f"Đã từ chối {found.slot.title.lower()} ngày {day:%d/%m/%Y}, "
                   f"phiên bản {found.version}.")


COMMANDS = [plan, show, approve_command, reject_command]
