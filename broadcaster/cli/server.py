"""Process commands: serve (the web page) and run (the whole station, supervised)."""

from __future__ import annotations

import ipaddress
import logging
import sys

import click

from broadcaster.station.context import StationContext
from broadcaster.playout.lock import RUN_BUSY, StationLock
from broadcaster.supervise import Child, supervise

pass_station = click.make_pass_decorator(StationContext)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", help="Địa chỉ lắng nghe (mặc định theo thiết lập web.host: 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Cổng (mặc định theo thiết lập web.port).")
@pass_station
def serve(station_ctx: StationContext, host: str | None, port: int | None) -> None:
    """Chạy trang web của đài (không phát âm thanh)."""
    import waitress

    from web import create_app

    settings = station_ctx.settings
    logging.getLogger().setLevel(settings["log_level"])
    host = host or settings["web.host"]
    port = port or settings["web.port"]
    with station_ctx.session() as session:
        station_ctx.station(session)  # fail early and clearly when the station is not set up
    app = create_app(station_ctx)
    if not _is_loopback(host):
        click.echo(f"CẢNH BÁO: trang web mở cho mạng bên ngoài máy này ({host}). "
                   "Chỉ dùng trong mạng nội bộ của xã, với mật khẩu mạnh.", err=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"Trang web của đài: http://{shown}:{port}/  (Ctrl+C để dừng)")
    waitress.serve(app, host=host, port=port, threads=8, ident="broadcaster")


@click.command()
@pass_station
def run(station_ctx: StationContext) -> None:
    """Chạy cả đài: trang web, tiến trình phát, chuẩn bị hằng ngày và bộ theo dõi (cảnh báo,
    sao lưu); tự khởi động lại tiến trình nào dừng."""
    settings = station_ctx.settings
    with station_ctx.session() as session:
        station_ctx.station(session)
    # One `run` per home, held for its whole life; and no playout already running on its own
    # (else the children would be refused and restarted for ever).
    run_lock = StationLock(station_ctx.home.run_lock, RUN_BUSY)
    run_lock.acquire()
    try:
        playout_lock = StationLock(station_ctx.home.playout_lock)
        playout_lock.acquire()
        playout_lock.release()
        base = [sys.executable, "-m", "broadcaster", "--home", str(settings.home)]
        children = [Child("web", base + ["serve"]), Child("playout", base + ["playout"]),
                    Child("prepare", base + ["prepare", "--every-day"]),
                    Child("watch", base + ["watch"])]
        click.echo("Đang chạy đài. Nhấn Ctrl+C để dừng.")
        supervise(children, click.echo)
        click.echo("Đã dừng đài.")
    finally:
        run_lock.release()


COMMANDS = [serve, run]
