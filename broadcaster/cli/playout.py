"""Playout commands: playout (the daemon), play-now (manual or emergency play), log (the as-run log)."""

from __future__ import annotations

import logging
import sys
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from broadcaster.station.context import StationContext
from broadcaster.cli.planning import DateParam, resolve_day
from broadcaster.db.models import User
from broadcaster.playout.outputs import OUTPUT_NAMES

pass_station = click.make_pass_decorator(StationContext)


@click.command()
@click.option("--output", "outputs", multiple=True, type=click.Choice(OUTPUT_NAMES),
              help="Ngõ ra (lặp lại được): device (card âm thanh), icecast (loa IP), aircheck "
                   "(bản ghi lưu). Mặc định theo thiết lập playout.outputs.")
@pass_station
def playout(station_ctx: StationContext, outputs: tuple[str, ...]) -> None:
    """Chạy tiến trình phát: phát các buổi đã duyệt đúng giờ và ghi nhật ký phát sóng."""
    from broadcaster.playout.daemon import Daemon

    settings = station_ctx.settings
    logging.getLogger().setLevel(settings["log_level"])
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
    daemon = Daemon(station_ctx, list(outputs) or None,
                    echo=lambda text: click.echo(f"CẢNH BÁO: {text}", err=True))
    daemon.run_forever(on_started=lambda: click.echo(
        f"Tiến trình phát đang chạy, ngõ ra: {', '.join(daemon.output_names)}. "
        "Nhấn Ctrl+C để dừng."))
    click.echo("Đã dừng tiến trình phát.")


@click.command("play-now")
@click.option("--bulletin", "bulletin_id", type=int, help="Số của bản tin cần phát: phát âm thanh "
              "của nội dung hiện tại (dựng ngay nếu chưa có).")
@click.option("--file", "path", type=click.Path(dir_okay=False), help="Tệp âm thanh cần phát.")
@click.option("--emergency", is_flag=True, help="Phát khẩn cấp: ngắt ngay nội dung đang phát.")
@click.option("--as", "username", required=True, help="Tên đăng nhập của người thực hiện "
              "(vai trò kỹ thuật hoặc quản trị).")
@pass_station
def play_now(station_ctx: StationContext, bulletin_id: int | None, path: str | None,
             emergency: bool, username: str) -> None:
    """Yêu cầu tiến trình phát phát ngay một bản tin hoặc một tệp (thủ công hoặc khẩn cấp)."""
    from broadcaster.playout import PlayoutError, read_heartbeat, request_play

    if (bulletin_id is None) == (path is None):
        raise click.UsageError("hãy chọn đúng một trong --bulletin hoặc --file.")
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        user = session.scalar(select(User).where(User.station_id == station.id,
                                                 User.username == username.strip().lower()))
        try:
            if user is None:
                raise PlayoutError(f"không có người dùng '{username}'.")
            request = request_play(session, station, user, station_ctx.home,
                                   station_ctx.renderer(session), bulletin_id=bulletin_id,
                                   path=path, emergency=emergency)
        except PlayoutError as exc:
            click.echo(f"Lỗi: {exc}", err=True)
            sys.exit(1)
        beat = read_heartbeat(session, station.id)
        kind = "khẩn cấp" if emergency else "thủ công"
        click.echo(f"Đã gửi yêu cầu phát {kind} số {request.id}: «{request.title}».")
        if beat is None or not beat.alive:
            ttl = station_ctx.settings["playout.request_ttl_minutes"]
            click.echo(f"CẢNH BÁO: tiến trình phát không chạy. Nếu 'broadcaster playout' (hoặc "
                       f"'broadcaster run') không chạy lại trong {ttl} phút, yêu cầu sẽ quá hạn "
                       "và không được phát.", err=True)


@click.command("log")
@click.option("--from", "date_from", type=DateParam(),
              help="Từ ngày (theo giờ địa phương): 2024-03-01, 01/03/2024, today.")
@click.option("--to", "date_to", type=DateParam(), help="Đến ngày (bao gồm).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text",
              show_default=True, help="Dạng in ra.")
@pass_station
def log_command(station_ctx: StationContext, date_from, date_to, fmt: str) -> None:
    """In nhật ký phát sóng (as-run): mỗi dòng một lần phát, giờ theo múi giờ của đài."""
    from broadcaster.playout import list_as_run, render

    with station_ctx.session() as session:
        station = station_ctx.station(session)
        first = resolve_day(date_from, station) if date_from else None
        last = resolve_day(date_to, station) if date_to else None
        rows = list_as_run(session, station.id, first, last)
        click.echo(render(rows, ZoneInfo(station.timezone), fmt), nl=False)


COMMANDS = [playout, play_now, log_command]
