"""Station commands: init, user, import."""

from __future__ import annotations

import secrets
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from broadcaster.bulletins.importer import ImportReport, import_paths
from broadcaster.station.context import StationContext
from broadcaster import audit
from broadcaster.db.models import Role, SlotTemplate, User, UserRole
from broadcaster.resources import data_dir
from broadcaster.schedule import load_schedule
from broadcaster.home import Home
from broadcaster.settings import SETTINGS
from broadcaster.db.queries import station_schedule
from broadcaster.station.setup import (DEMO_IDENTITY, StationIdentity, apply_schedule, ensure_station,
                                       schedule_state)
from broadcaster.station.users import add_user, generate_password

pass_station = click.make_pass_decorator(StationContext)
ROLE_NAMES = [r.value for r in Role]


def _settings_template() -> str:
    lines = ["# Station settings. Every setting is listed with its default; uncomment to change.",
             "# Reference: docs/settings.md. Environment variables BROADCASTER_<NAME> win over this file.",
             ""]
    section = None
    for setting in sorted(SETTINGS, key=lambda s: s.name.rpartition(".")[0]):
        table, _, key = setting.name.rpartition(".")
        if table != section and table:
            lines += ["", f"# [{table}]"]
            section = table
        lines.append(f"# {setting.help}")
        value = setting.default
        shown = (f'"{value}"' if isinstance(value, str) else str(value).lower()
                 if isinstance(value, bool) else repr(value).replace("'", '"'))
        lines.append(f"# {key} = {shown}")
    return "\n".join(lines) + "\n"


def _prepare_home(home: Home) -> None:
    home.root.mkdir(parents=True, exist_ok=True)
    config = home.config
    if not config.exists():
        config.write_text(_settings_template(), encoding="utf-8")
    for secret in (home.secret_key, home.health_token):
        if not secret.exists():
            secret.write_text(secrets.token_hex(32), encoding="ascii")
            secret.chmod(0o600)


def _print_import(report: ImportReport) -> None:
    click.echo(f"Đã nhập: {len(report.created)} bản tin mới, {len(report.updated)} cập nhật, "
               f"{len(report.unchanged)} không đổi, {len(report.rejected)} bị từ chối.")
    for path, reason in report.rejected:
        click.echo(f"  Từ chối {path}: {reason}", err=True)


@click.command()
@click.option("--demo", is_flag=True, help="Nhập các bản tin mẫu trong scripts_vi/, có hiệu lực từ hôm nay.")
@click.option("--schedule", "schedule_file", type=click.Path(dir_okay=False),
              help="Tệp lịch phát TOML. Đài mới: mặc định schedules/default.toml. Đài đã có lịch "
                   "phát: chỉ áp dụng khi có tùy chọn này (lịch sửa trên trang web được giữ).")
@click.option("--commune", default=DEMO_IDENTITY.commune, show_default=True, help="Tên xã.")
@click.option("--district", default=DEMO_IDENTITY.district, show_default=True, help="Tên huyện.")
@click.option("--province", default=DEMO_IDENTITY.province, show_default=True, help="Tên tỉnh.")
@pass_station
def init(station_ctx: StationContext, demo: bool, schedule_file: str | None, commune: str,
         district: str, province: str) -> None:
    """Tạo (hoặc cập nhật) đài: thư mục, cơ sở dữ liệu, lịch phát, chủ đề, quản trị viên.

    Chạy lại an toàn: không xóa dữ liệu, không tạo trùng.
    """
    schedule = load_schedule(schedule_file or data_dir("schedules") / "default.toml")
    settings = station_ctx.settings
    _prepare_home(station_ctx.home)
    password = None
    with station_ctx.session() as session:
        station = ensure_station(session, settings["station"],
                                 StationIdentity(commune, district, province), schedule.timezone)
        has_slots = session.scalar(select(SlotTemplate.id).where(
            SlotTemplate.station_id == station.id).limit(1)) is not None
        # The database is the truth once the station has slots (the web's Lịch phát edits them):
        # a file is applied to an existing station only when given with --schedule.
        if schedule_file or not has_slots:
            before = schedule_state(station_schedule(session, station))
            apply_schedule(session, station, schedule)
            if has_slots and schedule_state(schedule) != before:
                audit.record(session, station.id, "init --schedule", "schedule.change", "station",
                             station.id, before={"slots": before},
                             after={"slots": schedule_state(schedule)}, comment=str(schedule_file))
        schedule = station_schedule(session, station)
        has_admin = session.scalar(select(User.id).join(UserRole).where(
            User.station_id == station.id, UserRole.role == Role.ADMIN).limit(1))
        if has_admin is None:
            password = generate_password()
            add_user(session, station, "admin", password, [Role.ADMIN], "Quản trị viên")
        report = None
        if demo:
            today = datetime.now(ZoneInfo(station.timezone)).date()
            report = import_paths(session, station, [data_dir("scripts_vi")], actor="init --demo",
                                  redate_to=today)
    click.echo(f"Đài '{station.name}' sẵn sàng tại {settings.home}")
    slots = ", ".join(f"{s.title} {s.start:%H:%M}" for s in schedule.slots)
    click.echo(f"Lịch phát ({schedule.timezone}): {slots}")
    if report is not None:
        _print_import(report)
    if password:
        click.echo("Tài khoản quản trị: admin")
        click.echo(f"Mật khẩu (chỉ in một lần, hãy ghi lại): {password}")


@click.group()
def user() -> None:
    """Quản lý người dùng."""


@user.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLE_NAMES),
              help="Vai trò (có thể ghi nhiều lần): editor = biên tập, approver = người duyệt, "
                   "operator = kỹ thuật, reporter = báo cáo, admin = quản trị.")
@click.option("--full-name", default="", help="Họ và tên.")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn (một dòng).")
@pass_station
def user_add(station_ctx: StationContext, username: str, roles: tuple[str, ...], full_name: str,
             password_stdin: bool) -> None:
    """Thêm người dùng USERNAME với vai trò cho trước."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        created = add_user(session, station, username, password, [Role(r) for r in roles], full_name)
        click.echo(f"Đã thêm người dùng '{created.username}' ({', '.join(roles)}).")


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_station
def import_command(station_ctx: StationContext, paths: tuple[Path, ...]) -> None:
    """Nhập bản tin từ tệp hoặc thư mục kịch bản (xem scripts_vi/README.md).

    Nhập lại một tệp sẽ cập nhật bản tin cùng tên tệp, không tạo bản trùng.
    """
    with station_ctx.session() as session:
        report = import_paths(session, station_ctx.station(session), list(paths))
    _print_import(report)
    if report.rejected:
        sys.exit(1)


COMMANDS = [init, user, import_command]
