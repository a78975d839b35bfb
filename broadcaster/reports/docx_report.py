"""The DOCX report: 'BÁO CÁO Kết quả công tác thông tin, tuyên truyền...' for one commune station.

Every sentence is built from the report's figures; nothing is taken from plans.
"""

from __future__ import annotations

from broadcaster.reports import charts
from broadcaster.reports.aggregate import STATUS_VI, Line, Report
from broadcaster.reports.docx_layout import (CENTER, grid_table, motto_header, new_document,
                                             paragraph, picture, rule, save, signature)
from broadcaster.reports.errors import ReportError
from broadcaster.reports.options import ReportOptions
from broadcaster.reports.words import percent, vi_number

MAX_DAYS_LISTED = 12
MAX_EMERGENCY_LINES = 10


def _minutes(ms: float) -> str:
    return vi_number(ms / 60000, 1)


def _count(value: int) -> str:
    return vi_number(value)


def title_line(report: Report) -> str:
    commune = report.stations[0].commune
    return (f"Kết quả công tác thông tin, tuyên truyền trên hệ thống truyền thanh xã {commune} "
            f"{report.period.label_vi}")


def place_date(report: Report, options: ReportOptions) -> str:
    commune = report.stations[0].commune
    if options.issue_date:
        day = options.issue_date
        return f"{commune}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{commune}, ngày ..... tháng ..... năm ........"


def _heading(document, text: str) -> None:
    paragraph(document, text, bold=True, italic=True, before=3, after=3, keep=True)


def _caption(document, text: str) -> None:
    paragraph(document, text, size=13, bold=True, align=CENTER, after=3, keep=True)


def _body(document, text: str) -> None:
    paragraph(document, text, indent=True, after=6)


def _share(line: Line, report: Report) -> str:
    return vi_number(percent(line.played_ms, report.played_ms), 1)


def _overview(document, report: Report, n: int) -> None:
    _heading(document, f"{n}. Kết quả chung")
    if not report.airings:
        _body(document, "Trong kỳ báo cáo, hệ thống truyền thanh xã không phát tin, bài nào: "
                        "nhật ký phát sóng không ghi nhận lượt phát nào.")
        return
    hours = vi_number(report.played_ms / 3_600_000, 1)
    per_day = _minutes(report.played_ms / report.period.days)
    _body(document, f"Trong kỳ, Đài truyền thanh xã đã phát {_count(report.airings)} lượt tin, bài "
                    f"({_count(report.bulletins)} bản tin khác nhau) với tổng thời lượng "
                    f"{_minutes(report.played_ms)} phút (khoảng {hours} giờ), bình quân "
                    f"{per_day} phút mỗi ngày.")
    if report.by_source:
        parts = [f"{_count(s.airings)} lượt phát bằng {s.label.lower()} ({_minutes(s.played_ms)} phút)"
                 for s in report.by_source]
        _body(document, "Trong đó: " + "; ".join(parts) + ".")


def _topics(document, report: Report, n: int) -> None:
    _heading(document, f"{n}. Nội dung tuyên truyền theo chủ đề")
    if not report.by_topic:
        _body(document, "Không có nội dung nào được phát trong kỳ.")
        return
    top = [f"“{line.label}” ({_count(line.airings)} lượt, {_minutes(line.played_ms)} phút, "
           f"chiếm {_share(line, report)}% thời lượng)" for line in report.by_topic[:3]]
    lead = f"Nội dung được phát nhiều nhất là {top[0]}"
    rest = f"; tiếp theo là {' và '.join(top[1:])}" if len(top) > 1 else ""
    _body(document, f"Các tin, bài thuộc {_count(len(report.by_topic))} chủ đề. {lead}{rest}. "
                    "Chi tiết tại Bảng 1 và Biểu đồ 1.")
    rows = [(str(n), line.label, _count(line.bulletins), _count(line.airings),
             _minutes(line.played_ms), _share(line, report))
            for n, line in enumerate(report.by_topic, 1)]
    rows.append(("", "Tổng cộng", _count(report.bulletins), _count(report.airings),
                 _minutes(report.played_ms), "100" if report.played_ms else "0"))
    _caption(document, "Bảng 1. Kết quả phát theo chủ đề")
    grid_table(document, ("STT", "Chủ đề", "Số bản tin", "Số lượt phát", "Thời lượng (phút)",
                          "Tỷ lệ (%)"), rows, (14, 61, 20, 22, 26, 22),
               (True, False, True, True, True, True), bold_last=True)
    paragraph(document, "", after=6)
    picture(document, charts.minutes_by_topic(report.by_topic), 140,
            "Biểu đồ 1. Thời lượng phát theo chủ đề (phút)")


def _months(document, report: Report, n: int) -> None:
    _heading(document, f"{n}. Kết quả theo tháng và theo tuần")
    parts = [f"{line.label.lower()}: {_count(line.airings)} lượt, {_minutes(line.played_ms)} phút"
             for line in report.by_month]
    _body(document, "Kết quả từng tháng: " + "; ".join(parts) + ". Chi tiết tại Bảng 2; "
                    "thời lượng từng tuần tại Biểu đồ 2.")
    rows = [(str(n), line.label, _count(line.airings), _minutes(line.played_ms))
            for n, line in enumerate(report.by_month, 1)]
    rows.append(("", "Tổng cộng", _count(report.airings), _minutes(report.played_ms)))
    _caption(document, "Bảng 2. Kết quả phát theo tháng")
    grid_table(document, ("STT", "Tháng", "Số lượt phát", "Thời lượng (phút)"), rows,
               (15, 70, 40, 40), (True, False, True, True), bold_last=True)
    paragraph(document, "", after=6)
    if report.airings:
        picture(document, charts.minutes_by_week(report.by_week), 150,
                "Biểu đồ 2. Thời lượng phát theo tuần (phút)")


def _slots(document, report: Report, n: int) -> None:
    _heading(document, f"{n}. Kết quả theo khung giờ phát")
    if not report.by_slot:
        _body(document, "Nhật ký phát sóng không ghi nhận buổi phát nào trong kỳ.")
        return
    parts = [f"{line.label.lower()}: {_count(line.slots_aired)} buổi, {_count(line.airings)} lượt "
             f"tin, bài, {_minutes(line.played_ms)} phút" for line in report.by_slot]
    _body(document, "Theo khung giờ: " + "; ".join(parts) + ". Chi tiết tại Bảng 3.")
    rows = [(line.label, _count(line.slots_aired), _count(line.airings), _minutes(line.played_ms),
             _count(line.missed), _count(line.failed), _count(line.interrupted))
            for line in report.by_slot]
    _caption(document, "Bảng 3. Kết quả phát theo khung giờ")
    grid_table(document, ("Khung giờ", "Số buổi đã phát", "Số lượt phát", "Thời lượng (phút)",
                          "Bỏ lỡ", "Lỗi", "Gián đoạn"), rows, (43, 22, 22, 24, 18, 16, 20),
               (False, True, True, True, True, True, True))
    paragraph(document, "", after=6)


def _emergencies(document, report: Report, n: int) -> None:
    _heading(document, f"{n}. Phát tin khẩn cấp")
    if not report.emergencies:
        _body(document, "Trong kỳ không có lượt phát tin khẩn cấp.")
        return
    shown = [f"{a.day:%d/%m/%Y}{f' lúc {a.at:%H:%M}' if a.at else ''}: “{a.title}”"
             for a in report.emergencies[:MAX_EMERGENCY_LINES]]
    more = len(report.emergencies) - len(shown)
    tail = f" và {_count(more)} lượt khác" if more > 0 else ""
    _body(document, f"Trong kỳ có {_count(len(report.emergencies))} lượt phát tin khẩn cấp, tổng "
                    f"thời lượng {_minutes(report.emergency_ms)} phút: " + "; ".join(shown)
          + tail + ".")


def _problem_groups(report: Report) -> list[tuple[str, str, list]]:
    """Problems grouped by what happened and why, in order of first occurrence."""
    groups: dict[tuple[str, str], list] = {}
    for problem in report.problems:
        groups.setdefault((problem.status, problem.reason), []).append(problem)
    return [(STATUS_VI.get(status, status), reason, items)
            for (status, reason), items in groups.items()]


def _days(items: list) -> str:
    shown = [f"{p.day:%d/%m}" + (f" {p.at:%H:%M}" if p.at else "") for p in items[:MAX_DAYS_LISTED]]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" và {_count(more)} lần khác" if more > 0 else "")


def _problems(document, report: Report) -> None:
    paragraph(document, "II. TỒN TẠI, SỰ CỐ TRONG VẬN HÀNH", bold=True, before=6, after=3,
              keep=True)
    if not report.problems:
        _body(document, "Trong kỳ, hệ thống truyền thanh vận hành ổn định; nhật ký phát sóng "
                        "không ghi nhận buổi phát nào bị bỏ lỡ, lỗi hoặc gián đoạn.")
        return
    counts = [(report.problem_count("MISSED"), "buổi phát bị bỏ lỡ"),
              (report.problem_count("FAILED"), "buổi phát bị lỗi"),
              (report.problem_count("INTERRUPTED"), "buổi phát bị gián đoạn")]
    said = [f"{_count(n)} {what}" for n, what in counts if n]
    _body(document, f"Nhật ký phát sóng ghi nhận {', '.join(said)}. Nguyên nhân được tổng hợp "
                    "tại Bảng 4 (danh sách từng buổi tại bảng “Sự cố” của tệp Excel cùng kỳ).")
    rows = [(str(n), status, reason[:1].upper() + reason[1:], _count(len(items)), _days(items))
            for n, (status, reason, items) in enumerate(_problem_groups(report), 1)]
    _caption(document, "Bảng 4. Các buổi phát bị bỏ lỡ, lỗi, gián đoạn theo nguyên nhân")
    grid_table(document, ("STT", "Tình trạng", "Nguyên nhân", "Số buổi", "Ngày, giờ"), rows,
               (14, 25, 52, 18, 56), (True, False, False, True, False))
    paragraph(document, "", after=6)


def render_docx(report: Report, options: ReportOptions) -> bytes:
    """The report document's bytes (one station: the document speaks for its commune)."""
    if len(report.stations) != 1:
        raise ReportError("báo cáo DOCX lập cho từng xã: hãy chọn một đài (dùng XLSX hoặc CSV "
                          "để tổng hợp nhiều đài).")
    station = report.stations[0]
    document = new_document()
    number = options.number.strip() if options.number else " " * 6
    motto_header(document, ("ỦY BAN NHÂN DÂN", f"XÃ {station.commune.upper()}"),
                 f"Số: {number}/{options.document_symbol}", place_date(report, options))
    paragraph(document, "BÁO CÁO", bold=True, align=CENTER, before=18)
    paragraph(document, title_line(report), bold=True, align=CENTER)
    rule(document, 40, 165)
    _body(document, f"Ủy ban nhân dân xã {station.commune} báo cáo kết quả công tác thông tin, "
                    f"tuyên truyền trên hệ thống truyền thanh xã {report.period.label_vi} "
                    f"(từ ngày {report.period.start:%d/%m/%Y} đến ngày "
                    f"{report.period.end:%d/%m/%Y}). Số liệu được tổng hợp từ nhật ký phát sóng "
                    "của hệ thống, như sau:")
    paragraph(document, "I. KẾT QUẢ THỰC HIỆN", bold=True, before=6, after=3, keep=True)
    sections = [_overview, *([_topics, _months] if report.airings else []), _slots, _emergencies]
    for n, section in enumerate(sections, 1):
        section(document, report, n)
    _problems(document, report)
    _body(document, f"Trên đây là báo cáo {title_line(report)[0].lower()}{title_line(report)[1:]} "
                    f"của Ủy ban nhân dân xã {station.commune}./.")
    signature(document, options.recipients, "TM. ỦY BAN NHÂN DÂN", options.title_lines,
              options.signer_name)
    return save(document)

