"""The CSV report: the detail list of airings, UTF-8 with a BOM so Excel reads Vietnamese right.

Values are written to open the same in any spreadsheet locale: dates as 2024-03-31 (ISO), times as
06:00, minutes with a decimal point and seconds as a whole number.
"""

from __future__ import annotations

import csv
import io

from broadcaster.reports.aggregate import Report
from broadcaster.reports.words import DETAIL_HEADERS, STATION_HEADER, detail_values, multi_station

HEADERS = DETAIL_HEADERS + ("Thời lượng (giây)",)


def render_csv(report: Report) -> bytes:
    """The detail list as CSV bytes (BOM, comma separated, CRLF line ends as Excel expects)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    multi = multi_station(report)
    writer.writerow(((STATION_HEADER,) if multi else ()) + HEADERS)
    names = {s.id: s.name for s in report.stations}
    for airing in report.details or ():
        day, at, slot, title, topic, source, minutes, status = detail_values(report, airing)
        writer.writerow(((names[airing.station_id],) if multi else ())
                        + (day.isoformat(), at.strftime("%H:%M") if at else "", slot, title, topic,
                           source, f"{minutes:.1f}", status, round(airing.played_ms / 1000)))
    return buffer.getvalue().encode("utf-8-sig")
