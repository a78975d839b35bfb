"""Audio preparation commands: render (what is missing) and prepare (the next day, on time)."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from broadcaster.cli.context import StationContext
from broadcaster.cli.planning import DateParam, resolve_day
from broadcaster.db.models import DayPlan
from broadcaster.errors import BroadcasterError, ConfigError
from broadcaster.planning.day import plan_day
from broadcaster.render import StationRenderer, missing_clips, missing_programmes

pass_station = click.make_pass_decorator(StationContext)
log = logging.getLogger(__name__)
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def prepare_time(value: str) -> tuple[int, int]:
    """Parse the `planning.prepare_at` setting."""
    found = _HHMM.match(value.strip())
    if not found:
        raise ConfigError(f"Lỗi cấu hình: 'planning.prepare_at' phải có dạng HH:MM "
                          f"(ví dụ \"20:00\"), nhận được {value!r}.")
    return int(found[1]), int(found[2])


def _label(kind: str, thing) -> str:
    return thing.title[:40] if kind == "clip" else f"{thing.slot.title} {thing.air_date:%d/%m}"


@click.command()
@click.option("--date", "day", type=DateParam(),
              help="Chỉ ngày này. Mặc định: mọi bản tin còn hiệu lực và mọi kế hoạch từ hôm nay.")
@pass_station
def render(station_ctx: StationContext, day) -> None:
    """Tạo mọi âm thanh còn thiếu: bản tin đọc tự động và chương trình từng buổi phát."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        renderer = StationRenderer(session, station, station_ctx.settings)
        first = resolve_day(day or "today", station)
        last = first if day else date.max
        clips = missing_clips(session, renderer, first, last)
        programmes = missing_programmes(session, renderer, first, None if last == date.max else last)
        work = [("clip", b) for b in clips] + [("programme", p) for p in programmes]
        if not work:
            click.echo("Không còn âm thanh nào cần tạo.")
            return
        failures = []
        with click.progressbar(work, label="Đang tạo âm thanh", show_pos=True,
                               item_show_func=lambda w: w and _label(*w)) as bar:
            for kind, thing in bar:
                try:
                    if kind == "clip":
                        renderer.bulletin_clip(thing)
                    else:
                        renderer.programme(thing)
                except BroadcasterError as exc:
                    failures.append(f"{_label(kind, thing)}: {exc}")
                session.flush()
    click.echo(f"Đã tạo {len(clips)} bản tin và {len(programmes)} chương trình "
               f"({len(failures)} lỗi).")
    for failure in failures:
        click.echo(f"  Lỗi: {failure}", err=True)
    if failures:
        raise SystemExit(1)


def has_plans(station_ctx: StationContext, day: date) -> bool:
    """Tell whether any plan version exists for the date."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        return session.scalar(select(DayPlan.id).where(DayPlan.station_id == station.id,
                                                       DayPlan.air_date == day).limit(1)) is not None


def prepare_day(station_ctx: StationContext, day) -> str:
    """Plan and render one date; return a one-line summary."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        target = resolve_day(day, station)
        outcomes = plan_day(session, station, target, StationRenderer(session, station,
                                                                      station_ctx.settings),
                            "tự động")
        created = sum(o.created for o in outcomes)
        warnings = sum(len(o.warnings) for o in outcomes)
    return (f"Đã chuẩn bị ngày {target:%d/%m/%Y}: {len(outcomes)} buổi, {created} phiên bản mới "
            f"chờ duyệt, {warnings} cảnh báo.")


@click.command()
@click.option("--date", "day", type=DateParam(), default="tomorrow",
              help="Ngày cần chuẩn bị (mặc định: ngày mai).")
@click.option("--every-day", is_flag=True,
              help="Chạy mãi: mỗi ngày vào giờ planning.prepare_at chuẩn bị ngày hôm sau.")
@pass_station
def prepare(station_ctx: StationContext, day, every_day: bool) -> None:
    """Lập kế hoạch và tạo âm thanh cho ngày mai, để người duyệt có sẵn vào buổi sáng."""
    if not every_day:
        click.echo(prepare_day(station_ctx, day))
        return
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    hour, minute = prepare_time(station_ctx.settings["planning.prepare_at"])
    with station_ctx.session() as session:
        zone = ZoneInfo(station_ctx.station(session).timezone)

    def job(day: str = "tomorrow") -> None:
        try:
            click.echo(prepare_day(station_ctx, day))
        except BroadcasterError as exc:
            log.error("preparing %s failed: %s", day, exc)
            click.echo(f"Lỗi khi chuẩn bị kế hoạch ({day}): {exc}", err=True)

    def first_run() -> None:
        if not has_plans(station_ctx, datetime.now(zone).date()):
            job("today")  # a fresh station: today's drafts wait for approval
        now = datetime.now(zone)
        if (now.hour, now.minute) >= (hour, minute):  # started after today's time: catch up
            job()

    scheduler = BlockingScheduler(timezone=zone)
    scheduler.add_job(job, CronTrigger(hour=hour, minute=minute, timezone=zone), id="prepare",
                      misfire_grace_time=6 * 3600, coalesce=True)
    scheduler.add_job(first_run, id="first-run",
                      next_run_time=datetime.now(zone) + timedelta(seconds=1))
    click.echo(f"Tự động chuẩn bị ngày hôm sau lúc {hour:02d}:{minute:02d} mỗi ngày.")
    scheduler.start()


COMMANDS = [render, prepare]
