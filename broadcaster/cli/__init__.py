"""The ``broadcaster`` command: one click group, one module per area of the flow."""

from __future__ import annotations

import logging
import os
import sys

import click
from sqlalchemy.exc import OperationalError

from broadcaster import __version__
from broadcaster.errors import BroadcasterError
from broadcaster.station.context import StationContext
from broadcaster.supervise import watch_supervisor


class StationError(click.ClickException):
    """A BroadcasterError on its way out: one line, 'Lỗi: ...', exit status 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.message}", err=True)


class StationGroup(click.Group):
    """The command group: project errors become one clear line, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BroadcasterError as exc:
            raise StationError(str(exc)) from exc


@click.group(cls=StationGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), envvar="BROADCASTER_HOME",
              help="Thư mục của đài (station home). Mặc định: BROADCASTER_HOME hoặc "
                   "~/.local/share/broadcaster (Windows: %LOCALAPPDATA%\\broadcaster).")
@click.version_option(__version__, prog_name="broadcaster")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """Hệ thống đài truyền thanh cấp xã: bản tin, đọc tự động, duyệt, phát sóng, báo cáo.

    Station system for Vietnamese commune radio.
    """
    ctx.obj = StationContext(home)
    watch_supervisor()  # a child of `broadcaster run` stops when run is gone


def _register() -> None:
    from broadcaster.cli import (audio, backup, planning, playout, prepare, reading, reports,
                                 server, station, watch)

    for module in (station, reading, planning, prepare, server, audio, playout, reports, watch,
                   backup):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Run the CLI, turning project errors into one Vietnamese line and exit status 1."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        cli.main(standalone_mode=False, prog_name="broadcaster")
    except click.exceptions.Abort:
        click.echo("Đã hủy.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except BroadcasterError as exc:  # raised while building the context, before a command
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    except OperationalError as exc:  # the database is down, unreachable, busy or refused us
        if os.environ.get("BROADCASTER_DEBUG"):
            raise
        reason = (str(exc.orig or exc).strip().splitlines() or [type(exc).__name__])[0]
        click.echo(f"Lỗi: không làm việc được với cơ sở dữ liệu ({reason}). Nếu cơ sở dữ liệu "
                   "đang bận, hãy chạy lại sau ít phút; nếu không, hãy kiểm tra 'database_url' và "
                   "máy chủ cơ sở dữ liệu. Không có dữ liệu nào bị xóa.", err=True)
        sys.exit(1)
    except Exception as exc:  # the last boundary: one clear line, details only when asked
        if os.environ.get("BROADCASTER_DEBUG"):
            raise
        logging.getLogger("broadcaster").debug("unexpected error", exc_info=True)
        click.echo(f"Lỗi hệ thống không mong đợi ({type(exc).__name__}: {exc}). Không có dữ liệu "
                   "nào bị xóa; chạy lại với BROADCASTER_DEBUG=1 để xem chi tiết và báo cho quản "
                   "trị viên.", err=True)
        sys.exit(1)
