"""Reports from the as-run log: aggregation (pure) and XLSX, CSV and DOCX files.

Public API:
- ``build_report(session, period, station_ids=None, with_details=True) -> Report``
- ``render(report, fmt, options=None) -> bytes``
- ``render_report(session, station, start, end, fmt, options=None) -> RenderedReport``
- ``parse_quarter``, ``parse_date``, ``date_range``, ``quarter`` (periods)
"""

from __future__ import annotations

from broadcaster.reports.aggregate import AIRED, Report, StationInfo, aggregate
from broadcaster.reports.errors import ReportError
from broadcaster.reports.options import ReportOptions
from broadcaster.reports.period import Period, date_range, parse_date, parse_quarter, quarter
from broadcaster.reports.query import build_report
from broadcaster.reports.render import FORMATS, RenderedReport, render, render_report

__all__ = ["AIRED", "FORMATS", "Period", "RenderedReport", "Report", "ReportError", "ReportOptions",
           "StationInfo", "aggregate", "build_report", "date_range", "parse_date", "parse_quarter",
           "quarter", "render", "render_report"]
