"""Backup commands: backup (now, proven by a restore) and restore (a station from an archive)."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.station.context import StationContext

pass_station = click.make_pass_decorator(StationContext)
RUNNING = ("không khôi phục khi đài đang chạy (khôi phục thay cơ sở dữ liệu đang dùng): hãy dừng "
           "'broadcaster run' hoặc 'broadcaster playout' trước. Chi tiết: {reason}")


@click.command()
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục ghi bản sao lưu (mặc định theo thiết lập backup.folder).")
@pass_station
def backup(station_ctx: StationContext, folder: Path | None) -> None:
    """Sao lưu đài ngay: cơ sở dữ liệu, thiết lập, bản ghi âm tải lên; kiểm tra bằng khôi phục
    thử vào một cơ sở dữ liệu tạm, rồi xóa bản cũ quá backup.keep."""
    from broadcaster.backup.station import backup_station

    made = backup_station(station_ctx, folder)
    rows = sum(made.tables.values(), [])[::2]
    click.echo(f"Đã sao lưu vào {made.path} ({made.size_bytes / 1_000_000:.1f} MB, "
               f"{sum(rows)} dòng dữ liệu trong {len(made.tables)} bảng); khôi phục thử khớp "
               "với cơ sở dữ liệu.")
    for name in made.deleted:
        click.echo(f"  Đã xóa bản sao lưu cũ {name}")


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_station
def restore(station_ctx: StationContext, archive: Path) -> None:
    """Khôi phục đài từ một bản sao lưu (ARCHIVE). Không làm được khi đài đang chạy.

    Cơ sở dữ liệu, thiết lập và khóa đang có được giữ lại bên cạnh (*.before-restore-…).
    """
    from broadcaster.backup import BackupError, restore as restore_archive
    from broadcaster.playout.errors import PlayoutError
    from broadcaster.playout.lock import RUN_BUSY, StationLock

    home = station_ctx.home
    locks = [StationLock(home.run_lock, RUN_BUSY), StationLock(home.playout_lock)]
    try:
        for lock in locks:
            lock.acquire()  # held while restoring: nothing starts meanwhile
    except PlayoutError as exc:
        for lock in locks:
            lock.release()
        raise BackupError(RUNNING.format(reason=exc)) from None
    try:
        manifest = restore_archive(archive, home, station_ctx.settings.database_url)
    finally:
        for lock in locks:
            lock.release()
    counts = manifest["tables"]
    click.echo(f"Đã khôi phục đài '{manifest['station']}' từ bản sao lưu lúc "
               f"{manifest['created_at'][:19].replace('T', ' ')} (UTC): "
               f"{counts.get('user', [0])[0]} người dùng, {counts.get('bulletin', [0])[0]} bản tin, "
               f"{counts.get('day_plan', [0])[0]} kế hoạch, {counts.get('as_run', [0])[0]} dòng "
               "nhật ký phát sóng. Dữ liệu cũ được giữ trong các tệp *.before-restore-*.")


COMMANDS = [backup, restore]
