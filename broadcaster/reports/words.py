"""Vietnamese wording shared by the report formats: numbers, column headers, detail lines."""

from __future__ import annotations

from broadcaster.reports.aggregate import SOURCE_VI, STATUS_VI, Airing, Problem, Report

DETAIL_HEADERS = ("Ngày", "Giờ phát", "Khung giờ", "Tiêu đề", "Chủ đề", "Nguồn",
                  "Thời lượng (phút)", "Trạng thái")
PROBLEM_HEADERS = ("Ngày", "Giờ", "Buổi phát", "Tình trạng", "Lý do")
TRIGGER_VI = {"schedule": "Theo lịch", "manual": "Phát ngoài lịch", "emergency": "Phát khẩn cấp"}
STATION_HEADER = "Đài"


def vi_number(value: float, decimals: int = 0) -> str:
    """Format as Vietnamese documents do: '.' groups thousands, ',' marks decimals (1.234,5)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(part: float, whole: float) -> float:
    return 100 * part / whole if whole else 0.0


def multi_station(report: Report) -> bool:
    return len(report.stations) > 1


def detail_values(report: Report, airing: Airing) -> tuple:
    """One detail line as typed values in DETAIL_HEADERS order (minutes not rounded)."""
    return (airing.day, airing.at, report.slot_label(airing.slot_name), airing.title,
            report.topic_label(airing.topic_code), SOURCE_VI.get(airing.source, airing.source),
            airing.played_ms / 60000, STATUS_VI.get(airing.status, airing.status))


def problem_what(report: Report, problem: Problem) -> str:
    """A slot by its title; a request by its kind and title."""
    if problem.slot_name:
        return report.slot_label(problem.slot_name)
    kind = TRIGGER_VI.get(problem.trigger, problem.trigger)
    return f"{kind} “{problem.title}”" if problem.title else kind


def problem_values(report: Report, problem: Problem) -> tuple:
    """One problem line as typed values in PROBLEM_HEADERS order."""
    return (problem.day, problem.at, problem_what(report, problem),
            STATUS_VI.get(problem.status, problem.status), problem.reason)
