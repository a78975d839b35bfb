"""Turn a Report into file bytes; the one entry point the CLI and the web page call."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy.orm import Session

from broadcaster.db.models import Station
from broadcaster.reports.aggregate import Report
from broadcaster.reports.errors import ReportError
from broadcaster.reports.options import ReportOptions
from broadcaster.reports.period import date_range
from broadcaster.reports.query import build_report

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class RenderedReport(NamedTuple):
    filename: str
    mimetype: str
    data: bytes


def render(report: Report, fmt: str, options: ReportOptions | None = None) -> bytes:
    """The bytes of ``report`` as an XLSX, CSV or DOCX file."""
    options = options or ReportOptions()
    if fmt in ("xlsx", "csv") and report.details is None:
        raise ValueError("an XLSX or CSV report lists every airing: build it with_details=True")
    if fmt == "xlsx":
        from broadcaster.reports.xlsx import render_xlsx
        return render_xlsx(report)
    if fmt == "csv":
        from broadcaster.reports.csv_export import render_csv
        return render_csv(report)
    if fmt == "docx":
        from broadcaster.reports.docx_report import render_docx
        return render_docx(report, options)
    raise ReportError(f"định dạng '{fmt}' không hỗ trợ: chọn một trong {', '.join(FORMATS)}.")


def file_name(report: Report, fmt: str) -> str:
    who = report.stations[0].code if len(report.stations) == 1 else "tong-hop"
    return f"bao-cao-{who}-{report.period.slug}.{fmt}"


def render_report(session: Session, station: Station, start: date, end: date, fmt: str,
                  options: ReportOptions | None = None) -> RenderedReport:
    """Build and render one station's report for [start, end] (local dates, inclusive)."""
    if fmt not in FORMATS:
        raise ReportError(f"định dạng '{fmt}' không hỗ trợ: chọn một trong {', '.join(FORMATS)}.")
    report = build_report(session, date_range(start, end), [station.id], with_details=fmt != "docx")
    return RenderedReport(file_name(report, fmt), FORMATS[fmt], render(report, fmt, options))
