"""Commands of the unattended station: watch (the watcher process), alert test, status."""

from __future__ import annotations

import json
import logging
import signal
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import click
from sqlalchemy.exc import SQLAlchemyError

from broadcaster.cli.prepare import prepare_time
from broadcaster.errors import BroadcasterError
from broadcaster.station.context import StationContext

pass_station = click.make_pass_decorator(StationContext)
log = logging.getLogger(__name__)


def _guarded(what: str, step):
    """A job of the watcher: a failure is logged, the next run happens all the same."""
    def run() -> None:
        try:
            step()
        except BroadcasterError as exc:
            log.error("%s failed: %s", what, exc)
            click.echo(f"Lỗi khi {what}: {exc}", err=True)
        except SQLAlchemyError as exc:
            log.warning("%s skipped, the database is busy or unreachable: %s", what,
                        str(getattr(exc, "orig", exc)).splitlines()[0][:150])
        except Exception:  # the job boundary
            log.exception("%s failed", what)
    return run


@click.command()
@pass_station
def watch(station_ctx: StationContext) -> None:
    """Chạy bộ theo dõi: báo cho cán bộ khi có sự cố (qua thư, Telegram, webhook…) và sao lưu
    hằng ngày. 'broadcaster run' tự chạy lệnh này."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    from broadcaster.alerts.offair import OffAirMonitor
    from broadcaster.alerts.watcher import DELIVER_SECONDS, Watcher

    settings = station_ctx.settings
    logging.getLogger().setLevel(settings["log_level"])
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
    hour, minute = prepare_time(settings["backup.at"], "backup.at")
    with station_ctx.session() as session:
        zone = ZoneInfo(station_ctx.station(session).timezone)
    offair = None
    if settings["alerts.offair_input"]:
        offair = OffAirMonitor(settings["alerts.offair_input"], settings["alerts.dead_air_seconds"],
                               settings["alerts.silence_dbfs"])
    watcher = Watcher(station_ctx, offair=offair)
    scheduler = BlockingScheduler(timezone=timezone.utc,
                                  executors={"default": ThreadPoolExecutor(3)},
                                  job_defaults={"coalesce": True, "max_instances": 1})
    now = datetime.now(timezone.utc)
    scheduler.add_job(_guarded("tìm sự cố", watcher.check), "interval",
                      seconds=settings["alerts.check_seconds"], id="check", next_run_time=now)
    scheduler.add_job(_guarded("gửi cảnh báo", watcher.deliver), "interval",
                      seconds=DELIVER_SECONDS, id="deliver", next_run_time=now)
    backup = _guarded("sao lưu", lambda: _backup_now(station_ctx))
    scheduler.add_job(backup, CronTrigger(hour=hour, minute=minute, timezone=zone), id="backup",
                      misfire_grace_time=6 * 3600)
    if _backup_overdue(station_ctx, now):  # none in the last day (the PC was off at backup time)
        scheduler.add_job(backup, "date", run_date=now + timedelta(minutes=1), id="catch-up")
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    if offair is not None:
        offair.start()
    click.echo(f"Bộ theo dõi đang chạy: tìm sự cố mỗi {settings['alerts.check_seconds']} giây, "
               f"sao lưu lúc {hour:02d}:{minute:02d} hằng ngày. Nhấn Ctrl+C để dừng.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if offair is not None:
            offair.stop()
    click.echo("Đã dừng bộ theo dõi.")


def _backup_now(station_ctx: StationContext) -> None:
    from broadcaster.backup.station import backup_station

    made = backup_station(station_ctx)
    click.echo(f"Đã sao lưu: {made.path} ({made.size_bytes / 1_000_000:.1f} MB), đã kiểm tra "
               "bằng khôi phục thử.")


def _backup_overdue(station_ctx: StationContext, now: datetime) -> bool:
    from sqlalchemy import select

    from broadcaster.db.watch_models import BackupRecord

    with station_ctx.session() as session:
        station = station_ctx.station(session)
        last = session.scalar(select(BackupRecord.started_at).where(
            BackupRecord.station_id == station.id, BackupRecord.ok).order_by(
            BackupRecord.id.desc()).limit(1))
        return station.created_at < now - timedelta(days=1) and (
            last is None or last < now - timedelta(days=1))


@click.group()
def alert() -> None:
    """Cảnh báo gửi cho cán bộ của đài."""


@alert.command("test")
@pass_station
def alert_test(station_ctx: StationContext) -> None:
    """Gửi thử một cảnh báo tới mọi nơi nhận (alerts.targets và danh sách trên trang web)."""
    from broadcaster.alerts.watcher import Watcher

    results = Watcher(station_ctx).test("lệnh broadcaster alert test")
    if not results:
        click.echo("Lỗi: chưa có nơi nhận cảnh báo nào. Thêm địa chỉ vào thiết lập alerts.targets "
                   "hoặc trên trang Cảnh báo của trang web.", err=True)
        raise SystemExit(1)
    for target, outcome in results:
        click.echo(f"  {'Đã gửi' if outcome.ok else 'KHÔNG gửi được'}: {target.label}"
                   + ("" if outcome.ok else f" ({outcome.error})"))
    failed = sum(not o.ok for _, o in results)
    click.echo(f"Đã gửi thử tới {len(results) - failed}/{len(results)} nơi nhận.")
    if failed:
        raise SystemExit(1)


STATE_WORDS = {"ok": "bình thường", "degraded": "có sự cố", "down": "NGỪNG HOẠT ĐỘNG"}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON (như GET /suc-khoe với mã API).")
@pass_station
def status(station_ctx: StationContext, as_json: bool) -> None:
    """In tình trạng của đài: tiến trình phát, tín hiệu cuối, buổi tới, ngõ ra, ổ đĩa, sao lưu,
    cảnh báo đang mở. Mã thoát 0 khi bình thường, 1 khi có sự cố, 2 khi đài ngừng hoạt động."""
    from broadcaster.alerts.health import report as health_report

    report = health_report(station_ctx)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for line in status_lines(report):
            click.echo(line)
    raise SystemExit({"ok": 0, "degraded": 1}.get(report["status"], 2))


def _time(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M:%S %d/%m/%Y")


def status_lines(report: dict) -> list[str]:
    lines = [f"Tình trạng: {STATE_WORDS[report['status']]}"
             + (f" ({report['station']})" if report.get("station") else "")]
    if report["database"] != "ok":
        lines.append(f"Cơ sở dữ liệu: LỖI: {report['database']}")
    else:
        lines.append("Cơ sở dữ liệu: đọc và ghi được")
    daemon = report["daemon"]
    if daemon is None:
        lines.append("Tiến trình phát: chưa chạy lần nào")
    else:
        lines.append(f"Tiến trình phát: {'đang chạy' if daemon['alive'] else 'KHÔNG CHẠY'} "
                     f"(pid {daemon['pid']} trên {daemon['host']}, tín hiệu cuối "
                     f"{daemon['heartbeat_age_seconds']:.0f} giây trước)")
        if daemon["playing"]:
            lines.append(f"  Đang phát: {daemon['playing'].get('title') or daemon['playing'].get('slot')}")
        outputs = ", ".join(f"{name}: {state}" for name, state in daemon["outputs"].items())
        lines.append(f"  Ngõ ra: {outputs or 'chưa có'}")
        if daemon.get("power"):
            power = daemon["power"]
            lines.append(f"  Ampli: {({'on': 'bật', 'off': 'tắt'}).get(power['state'], 'chưa rõ')}"
                         + (f" (lỗi: {power['error']})" if power.get("error") else ""))
        for note in daemon["notes"]:
            lines.append(f"  Lưu ý: {note}")
    slot = report["next_slot"]
    if slot:
        lines.append(f"Buổi tới: {slot['slot']} lúc {_time(slot['starts_at'])} "
                     f"({'đã duyệt' if slot['approved'] else 'CHƯA DUYỆT'})")
    else:
        lines.append("Buổi tới: không có buổi nào đã duyệt trong hôm nay và ngày mai")
    for disk in report["disks"]:
        lines.append(f"Ổ đĩa {disk['path']}: còn trống {disk['free_mb']:,} MB / {disk['total_mb']:,} MB"
                     .replace(",", "."))
    backup = report["last_backup"]
    if backup is None:
        lines.append("Sao lưu: chưa có bản nào")
    else:
        lines.append(f"Sao lưu gần nhất: {_time(backup['at'])}, "
                     + ("thành công" if backup["ok"] else f"THẤT BẠI ({backup['error']})"))
    alerts = report["open_alerts"]
    lines.append(f"Cảnh báo đang mở: {len(alerts) or 'không có'}")
    for item in alerts:
        lines.append(f"  - từ {_time(item['since'])}: {item['message']}")
    return lines


COMMANDS = [watch, alert, status]
