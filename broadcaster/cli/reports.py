"""The report command: a quarter's (or any range's) as-run figures as XLSX, CSV or DOCX."""

from __future__ import annotations

import os
from pathlib import Path

import click

from broadcaster.station.context import StationContext
from broadcaster.errors import BroadcasterError
from broadcaster.reports import (FORMATS, ReportOptions, build_report, date_range, parse_date,
                                 parse_quarter, render)
from broadcaster.reports.render import file_name
from broadcaster.reports.words import vi_number

pass_station = click.make_pass_decorator(StationContext)


class ReportFailed(click.ClickException):
    """A report error shown as one Vietnamese line (also under CliRunner), exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.message}", err=True)


def _period(quarter: str | None, start: str | None, end: str | None):
    if quarter and (start or end):
        raise ReportFailed("chọn --quarter hoặc --from/--to, không dùng cả hai.")
    if quarter:
        return parse_quarter(quarter)
    if not (start and end):
        raise ReportFailed("hãy cho kỳ báo cáo: --quarter 2024Q1, hoặc cả --from và --to "
                           "(ví dụ --from 2024-01-01 --to 2024-03-31).")
    first, last = parse_date(start), parse_date(end)
    if first > last:
        raise ReportFailed(f"ngày bắt đầu {first:%d/%m/%Y} (--from) sau ngày kết thúc "
                           f"{last:%d/%m/%Y} (--to).")
    return date_range(first, last)


def _check_writable(path: Path) -> None:
    folder = path.parent
    if path.is_dir():
        raise ReportFailed(f"không ghi được tệp {path}: đó là một thư mục.")
    if not folder.is_dir():
        raise ReportFailed(f"không ghi được tệp {path}: thư mục {folder} không tồn tại.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ReportFailed(f"không ghi được tệp {path}: không có quyền ghi.")


@click.command("report")
@click.option("--quarter", "-q", metavar="QUÝ", help="Quý báo cáo: 2024Q1, 2024-Q1 hoặc Q1/2024.")
@click.option("--from", "start", metavar="NGÀY", help="Từ ngày (2024-01-01 hoặc 01/01/2024).")
@click.option("--to", "end", metavar="NGÀY", help="Đến ngày, tính cả ngày này.")
@click.option("--format", "-f", "fmt", metavar="xlsx|csv|docx",
              help="Định dạng tệp; mặc định theo đuôi tệp -o, nếu không thì xlsx.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Tệp ghi ra; mặc định bao-cao-<đài>-<kỳ>.<định dạng> trong thư mục hiện tại.")
@click.option("--number", default="", metavar="SỐ", help="Số văn bản in ở 'Số: .../BC-UBND' (DOCX).")
@click.option("--issue-date", metavar="NGÀY",
              help="Ngày ký in ở dòng địa danh, ngày tháng (DOCX); mặc định để trống để viết tay.")
@click.option("--all-stations", is_flag=True,
              help="Tổng hợp mọi đài trong cơ sở dữ liệu (XLSX, CSV), thay vì đài đang phục vụ.")
@pass_station
def report(station_ctx: StationContext, quarter: str | None, start: str | None, end: str | None,
           fmt: str | None, output: Path | None, number: str, issue_date: str | None,
           all_stations: bool) -> None:
    """Lập báo cáo kết quả phát sóng từ nhật ký phát sóng (XLSX, CSV hoặc DOCX).

    \b
    Ví dụ:
      broadcaster report --quarter 2024Q1 --format docx -o bao-cao-quy-1.docx
      broadcaster report --from 2024-01-01 --to 2024-06-30 -o 6-thang.xlsx
    """
    try:
        period = _period(quarter, start, end)
        if fmt is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            fmt = suffix if suffix in FORMATS else "xlsx"
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise ReportFailed(f"định dạng '{fmt}' không hỗ trợ: chọn xlsx, csv hoặc docx.")
        if all_stations and fmt == "docx":
            raise ReportFailed("báo cáo DOCX lập cho từng xã; tổng hợp nhiều đài hãy dùng xlsx "
                               "hoặc csv.")
        if output is not None:
            _check_writable(output.expanduser().resolve())
        options = ReportOptions.from_settings(
            station_ctx.settings, number=number,
            issue_date=parse_date(issue_date) if issue_date else None)
        with station_ctx.session() as session:
            ids = None if all_stations else [station_ctx.station(session).id]
            built = build_report(session, period, ids, with_details=fmt != "docx")
        data = render(built, fmt, options)
    except ReportFailed:
        raise
    except BroadcasterError as exc:
        raise ReportFailed(str(exc)) from None
    target = (output or Path(file_name(built, fmt))).expanduser().resolve()
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise ReportFailed(f"không ghi được tệp {target}: {exc.strerror or exc}.") from None
    who = built.stations[0].name if len(built.stations) == 1 else f"{len(built.stations)} đài"
    click.echo(f"Báo cáo {period.label_vi} ({who}): {vi_number(built.airings)} lượt phát, "
               f"{vi_number(built.minutes, 1)} phút phát sóng.")
    click.echo(f"Đã ghi tệp: {target}")


COMMANDS = [report]
