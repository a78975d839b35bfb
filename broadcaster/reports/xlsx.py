"""The XLSX report: a summary sheet 'Tổng hợp', the airings 'Chi tiết' and the problems 'Sự cố'.

Written in openpyxl's write-only mode so that a province-year (hundreds of thousands of lines)
streams out in constant memory; one styled cell per column is reused for every line.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from broadcaster.reports.aggregate import Line, Report
from broadcaster.reports.words import (DETAIL_HEADERS, PROBLEM_HEADERS, STATION_HEADER,
                                       detail_values, multi_station, percent, problem_values)

DATE = "DD/MM/YYYY"
TIME = "HH:MM"
MINUTES = "#,##0.0"
COUNT = "#,##0"
THIN = Side(style="thin", color="9AA5B1")
HEADER_FONT = Font(name="Times New Roman", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F5D8A")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
BODY_FONT = Font(name="Times New Roman")
BOLD = Font(name="Times New Roman", bold=True)
TITLE = Font(name="Times New Roman", bold=True, size=14)


def _cell(sheet: WriteOnlyWorksheet, value=None, font: Font = BODY_FONT, number_format: str = "",
          header: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font = HEADER_FONT if header else font
    if header:
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
    if number_format:
        cell.number_format = number_format
    return cell


def _widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _stream(sheet: WriteOnlyWorksheet, formats: Sequence[str], lines: Iterable[tuple]) -> int:
    """Append typed lines, reusing one styled cell per column; return how many were written."""
    cells = [_cell(sheet, number_format=f) for f in formats]
    count = 0
    for values in lines:
        row = []
        for cell, value in zip(cells, values):
            cell.value = value
            row.append(cell)
        sheet.append(row)  # the row is serialized now, so the cells can take the next values
        count += 1
    return count


def _table(sheet: WriteOnlyWorksheet, title: str, headers: Sequence[str],
           rows: Sequence[Sequence], formats: Sequence[str], empty: str) -> None:
    sheet.append([_cell(sheet, title, BOLD)])
    sheet.append([_cell(sheet, h, header=True) for h in headers])
    if not rows:
        sheet.append([_cell(sheet, empty)])
    for values in rows:
        sheet.append([_cell(sheet, v, number_format=f) for v, f in zip(values, formats)])
    sheet.append([])


def _summary(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet("Tổng hợp")
    _widths(sheet, (46, 16, 14, 16, 16, 12, 16))
    period = report.period
    who = report.stations[0].name if len(report.stations) == 1 else f"{len(report.stations)} đài"
    zone = ZoneInfo(report.stations[0].timezone) if report.stations else None
    made = datetime.now(zone).strftime("%H:%M ngày %d/%m/%Y")
    sheet.append([_cell(sheet, f"KẾT QUẢ PHÁT SÓNG {period.label_vi.upper()}", TITLE)])
    sheet.append([_cell(sheet, who, BOLD)])
    sheet.append([_cell(sheet, f"Từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}. "
                               f"Số liệu lấy từ nhật ký phát sóng, lập lúc {made}.")])
    sheet.append([])
    total = report.played_ms
    figures = [
        ("Số lượt phát tin, bài", report.airings, COUNT),
        ("Số bản tin khác nhau đã phát", report.bulletins, COUNT),
        ("Tổng thời lượng phát (phút)", report.minutes, MINUTES),
        ("Số lượt phát tin khẩn cấp", len(report.emergencies), COUNT),
        ("Số buổi phát bị bỏ lỡ", report.problem_count("MISSED"), COUNT),
        ("Số buổi phát bị lỗi", report.problem_count("FAILED"), COUNT),
        ("Số buổi phát bị gián đoạn", report.problem_count("INTERRUPTED"), COUNT),
    ]
    sheet.append([_cell(sheet, "Chỉ tiêu", header=True), _cell(sheet, "Số liệu", header=True)])
    for label, value, fmt in figures:
        sheet.append([_cell(sheet, label), _cell(sheet, value, number_format=fmt)])
    sheet.append([])
    none = "Không có lượt phát nào trong kỳ."

    def counted(lines: Sequence[Line]) -> list[tuple]:
        return [(line.label, line.airings, line.minutes, percent(line.played_ms, total))
                for line in lines]

    _table(sheet, "1. Theo chủ đề", ("Chủ đề", "Số lượt phát", "Số bản tin",
                                     "Thời lượng (phút)", "Tỷ lệ thời lượng (%)"),
           [(line.label, line.airings, line.bulletins, line.minutes,
             percent(line.played_ms, total)) for line in report.by_topic],
           ("", COUNT, COUNT, MINUTES, "0.0"), none)
    _table(sheet, "2. Theo tháng", ("Tháng", "Số lượt phát", "Thời lượng (phút)",
                                    "Tỷ lệ thời lượng (%)"),
           counted(report.by_month), ("", COUNT, MINUTES, "0.0"), none)
    _table(sheet, "3. Theo khung giờ", ("Khung giờ", "Số lượt phát", "Thời lượng (phút)",
                                        "Số buổi đã phát", "Bỏ lỡ", "Lỗi", "Gián đoạn"),
           [(s.label, s.airings, s.minutes, s.slots_aired, s.missed, s.failed, s.interrupted)
            for s in report.by_slot], ("", COUNT, MINUTES, COUNT, COUNT, COUNT, COUNT), none)
    _table(sheet, "4. Theo nguồn âm thanh", ("Nguồn", "Số lượt phát", "Thời lượng (phút)",
                                             "Tỷ lệ thời lượng (%)"),
           counted(report.by_source), ("", COUNT, MINUTES, "0.0"), none)
    if multi_station(report):
        _table(sheet, "5. Theo đài", ("Đài", "Số lượt phát", "Thời lượng (phút)",
                                      "Tỷ lệ thời lượng (%)"),
               counted(report.by_station), ("", COUNT, MINUTES, "0.0"), none)


def _details(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet("Chi tiết")
    multi = multi_station(report)
    headers = ((STATION_HEADER,) if multi else ()) + DETAIL_HEADERS
    formats = (("",) if multi else ()) + (DATE, TIME, "", "", "", "", MINUTES, "")
    _widths(sheet, ((28,) if multi else ()) + (12, 9, 14, 60, 36, 18, 12, 14))
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, h, header=True) for h in headers])
    names = {s.id: s.name for s in report.stations}
    lines = ((((names[a.station_id],) if multi else ()) + detail_values(report, a))
             for a in report.details or ())
    count = _stream(sheet, formats, lines)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def _problems(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet("Sự cố")
    multi = multi_station(report)
    headers = ((STATION_HEADER,) if multi else ()) + PROBLEM_HEADERS
    formats = (("",) if multi else ()) + (DATE, TIME, "", "", "")
    _widths(sheet, ((28,) if multi else ()) + (12, 8, 40, 14, 70))
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, h, header=True) for h in headers])
    names = {s.id: s.name for s in report.stations}
    count = _stream(sheet, formats, ((((names[p.station_id],) if multi else ())
                                      + problem_values(report, p)) for p in report.problems))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def render_xlsx(report: Report) -> bytes:
    """The workbook's bytes."""
    book = Workbook(write_only=True)
    _summary(book, report)
    _details(book, report)
    _problems(book, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
