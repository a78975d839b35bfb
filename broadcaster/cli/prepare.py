"""Audio preparation commands: render (what is missing), prepare (the next day, on time) and
prune (delete programmes and air-checks past their keeping time)."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from broadcaster import audit
from broadcaster.station.context import StationContext
from broadcaster.cli.planning import DateParam, resolve_day
from broadcaster.db.models import Bulletin, DayPlan
from broadcaster.errors import BroadcasterError, ConfigError
from broadcaster.planning.day import PREPARE_FAILED, plan_day
from broadcaster.planning.programme import rerender
from broadcaster.render import missing_clips, missing_programmes
from broadcaster.retention import prune as prune_files

pass_station = click.make_pass_decorator(StationContext)
log = logging.getLogger(__name__)
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def prepare_time(value: str, key: str = "planning.prepare_at") -> tuple[int, int]:
    """Parse a local time setting (HH:MM): `planning.prepare_at`, `backup.at`."""
    found = _HHMM.match(value.strip())
    if not found:
        raise ConfigError(f"Lỗi cấu hình: '{key}' phải có dạng HH:MM "
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
        renderer = station_ctx.renderer(session)
        first = resolve_day(day or "today", station)
        last = first if day else date.max
        work = ([("clip", b.id, _label("clip", b))
                 for b in missing_clips(session, renderer, first, last)]
                + [("programme", p.id, _label("programme", p)) for p in
                   missing_programmes(session, renderer, first, None if last == date.max else last)])
    if not work:
        click.echo("Không còn âm thanh nào cần tạo.")
        return
    failures = []
    with click.progressbar(work, label="Đang tạo âm thanh", show_pos=True,
                           item_show_func=lambda w: w and w[2]) as bar:
        for kind, row_id, label in bar:
            try:
                _render_one(station_ctx, kind, row_id)  # one short transaction each
            except BroadcasterError as exc:
                failures.append(f"{label}: {exc}")
    clips = sum(1 for w in work if w[0] == "clip")
    click.echo(f"Đã tạo {clips} bản tin và {len(work) - clips} chương trình "
               f"({len(failures)} lỗi).")
    for failure in failures:
        click.echo(f"  Lỗi: {failure}", err=True)
    if failures:
        raise SystemExit(1)


def _render_one(station_ctx: StationContext, kind: str, row_id: int) -> None:
    """Render one clip or programme, then store it: the write comes after the slow part."""
    with station_ctx.session() as session:
        renderer = station_ctx.renderer(session)
        if kind == "clip":
            renderer.save_clip(renderer.bulletin_clip(session.get(Bulletin, row_id)))
        else:
            rerender(session, session.get(DayPlan, row_id), renderer)


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
        outcomes = plan_day(session, station, target, station_ctx.renderer(session), "tự động")
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

    def guarded(what: str, step, failed=None) -> None:
        """One step of the daily job: a failure is said and logged, the next step still runs."""
        try:
            click.echo(step())
        except BroadcasterError as exc:
            log.error("%s failed: %s", what, exc)
            click.echo(f"Lỗi khi {what}: {exc}", err=True)
            if failed:
                failed(str(exc))
        except Exception as exc:  # the job boundary: tomorrow's run must still happen
            log.exception("%s failed", what)
            click.echo(f"Lỗi hệ thống khi {what}; sẽ thử lại lần sau.", err=True)
            if failed:
                failed(f"lỗi hệ thống ({type(exc).__name__}: {exc})")

    def job(day: str = "tomorrow") -> None:
        # Pruning first and on its own: a full disk that makes rendering fail is freed all the same.
        guarded("xóa âm thanh quá hạn lưu trữ", lambda: prune_expired(station_ctx).summary())
        guarded(f"chuẩn bị kế hoạch ({day})", lambda: prepare_day(station_ctx, day),
                lambda reason: prepare_failed(station_ctx, day, reason))

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


def prepare_failed(station_ctx: StationContext, day: str, reason: str) -> None:
    """Audit a failed automatic preparation: the watcher tells staff (alerts.facts)."""
    try:
        with station_ctx.session() as session:
            station = station_ctx.station(session)
            audit.record(session, station.id, "tự động", PREPARE_FAILED, "station", station.id,
                         after={"day": day}, comment=reason[:500])
    except Exception:  # the database itself may be why it failed: the log line is all we have
        log.exception("recording the failed preparation failed")


def prune_expired(station_ctx: StationContext, dry_run: bool = False):
    """Delete (or list) the programme and air-check folders past their keeping time."""
    with station_ctx.session() as session:
        today = datetime.now(ZoneInfo(station_ctx.station(session).timezone)).date()
    settings = station_ctx.settings
    return prune_files(station_ctx.home, today, settings["storage.programme_keep_days"],
                       settings["storage.aircheck_keep_days"], dry_run=dry_run)


@click.command()
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không xóa.")
@pass_station
def prune(station_ctx: StationContext, dry_run: bool) -> None:
    """Xóa chương trình buổi phát và bản ghi phát sóng đã quá thời hạn lưu trữ.

    Thời hạn: storage.programme_keep_days và storage.aircheck_keep_days (số ngày sau ngày phát).
    Nhật ký phát sóng và kế hoạch trong cơ sở dữ liệu không bao giờ bị xóa. `prepare --every-day`
    (chạy trong `broadcaster run`) làm việc này mỗi ngày.
    """
    result = prune_expired(station_ctx, dry_run)
    if dry_run:
        for folder in result.folders:
            click.echo(f"  sẽ xóa {folder}")
        click.echo(f"Sẽ xóa {result.files} tệp ({result.bytes / 1_000_000:.1f} MB)." if result.folders
                   else "Không có tệp âm thanh nào quá thời hạn lưu trữ.")
        return
    click.echo(result.summary())


COMMANDS = [render, prepare, prune]
