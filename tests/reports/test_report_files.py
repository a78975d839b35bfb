"""The files, opened and read back: XLSX (openpyxl), CSV (csv module), DOCX (python-docx)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from broadcaster.reports import (ReportError, ReportOptions, StationInfo, build_report,
                                 parse_quarter, render, render_report)
from broadcaster.reports.csv_export import HEADERS

ON_POSTGRES = True  # these tests run on SQLite and on PostgreSQL (tests/conftest.py)

Q1 = parse_quarter("2024Q1")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TITLE = ("Kết quả công tác thông tin, tuyên truyền trên hệ thống truyền thanh xã Lệ Xá "
         "quý I năm 2024")


def vi(text: str) -> float:
    """Read a number written the Vietnamese way: 1.234,5."""
    return float(text.replace(".", "").replace(",", "."))


@pytest.fixture
def report(logged_ctx):
    with logged_ctx.session() as session:
        return build_report(session, Q1, [logged_ctx.station_id])


@pytest.fixture
def empty(station_ctx):
    with station_ctx.session() as session:
        return build_report(session, Q1, [station_ctx.station(session).id])


def _sheet_rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _table_after(rows: list[tuple], title: str) -> list[tuple]:
    """The body of the summary table titled ``title`` (rows after its header, up to a blank)."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == title) + 2
    body = []
    for row in rows[start:]:
        if not row or row[0] is None:
            break
        body.append(row)
    return body


def test_xlsx_summary_details_and_problems(report):
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert book.sheetnames == ["Tổng hợp", "Chi tiết", "Sự cố"]
    summary = _sheet_rows(book["Tổng hợp"])
    assert summary[0][0] == "KẾT QUẢ PHÁT SÓNG QUÝ I NĂM 2024"
    figures = {row[0]: row[1] for row in summary if row and isinstance(row[1], (int, float))}
    assert figures["Số lượt phát tin, bài"] == report.airings
    assert figures["Số bản tin khác nhau đã phát"] == report.bulletins
    assert figures["Tổng thời lượng phát (phút)"] == pytest.approx(report.minutes)
    assert figures["Số buổi phát bị bỏ lỡ"] == report.problem_count("MISSED")
    topics = _table_after(summary, "1. Theo chủ đề")
    assert [(r[0], r[1], r[2]) for r in topics] == \
        [(line.label, line.airings, line.bulletins) for line in report.by_topic]
    assert [r[3] for r in topics] == pytest.approx([line.minutes for line in report.by_topic])
    months = _table_after(summary, "2. Theo tháng")
    assert [(r[0], r[1]) for r in months] == [("Tháng 1/2024", report.by_month[0].airings),
                                              ("Tháng 2/2024", report.by_month[1].airings),
                                              ("Tháng 3/2024", report.by_month[2].airings)]

    details = book["Chi tiết"]
    assert details.freeze_panes == "A2"
    assert details.auto_filter.ref == f"A1:H{report.airings + 1}"
    header, *lines = _sheet_rows(details)
    assert header == ("Ngày", "Giờ phát", "Khung giờ", "Tiêu đề", "Chủ đề", "Nguồn",
                      "Thời lượng (phút)", "Trạng thái")
    assert len(lines) == report.airings
    assert all(isinstance(line[0], datetime) for line in lines)  # real dates, not text
    assert details["A2"].number_format == "DD/MM/YYYY" and details["B2"].number_format == "HH:MM"
    assert details["G2"].number_format == "#,##0.0"
    assert sum(line[6] for line in lines) == pytest.approx(report.minutes)
    assert details["A1"].font.bold and details.column_dimensions["D"].width >= 40

    problems = _sheet_rows(book["Sự cố"])[1:]
    assert len(problems) == len(report.problems)
    assert {row[3] for row in problems} <= {"Bỏ lỡ", "Lỗi", "Bị gián đoạn"}


def test_csv_has_a_bom_and_vietnamese_headers(report):
    data = render(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS
    assert len(rows) == report.airings + 1
    first = rows[1]
    assert date.fromisoformat(first[0]) == report.details[0].day
    assert first[1] == report.details[0].at.strftime("%H:%M")
    assert sum(int(row[8]) for row in rows[1:]) == pytest.approx(report.played_ms / 1000, abs=len(rows))
    assert any("Cải cách hành chính" in row[4] for row in rows[1:])


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_layout_numbers_and_charts(report):
    options = ReportOptions(signer_name="Nguyễn Bá Tâm", signer_title="KT. CHỦ TỊCH/PHÓ CHỦ TỊCH",
                            number="25", issue_date=date(2024, 4, 5),
                            recipients=("UBND huyện Tiên Lữ", "Lưu: VT"))
    document = Document(io.BytesIO(render(report, "docx", options)))
    header = document.tables[0].rows[0].cells
    assert header[0].text.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "XÃ LỆ XÁ"]
    assert "Số: 25/BC-UBND" in header[0].text
    assert header[1].text.split("\n")[:2] == list(MOTTO)
    assert "Lệ Xá, ngày 05 tháng 04 năm 2024" in header[1].text
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts and TITLE in texts
    assert any(t.startswith("I. KẾT QUẢ") for t in texts) and any(t.startswith("II.") for t in texts)
    assert all(run.font.name == "Times New Roman" and 13 <= run.font.size.pt <= 14
               for p in document.paragraphs if p.text.strip() for run in p.runs)

    topics = document.tables[1]
    body = [[cell.text for cell in row.cells] for row in topics.rows[1:]]
    assert [row[1] for row in body[:-1]] == [line.label for line in report.by_topic]
    assert [int(vi(row[3])) for row in body[:-1]] == [line.airings for line in report.by_topic]
    assert [vi(row[4]) for row in body[:-1]] == [round(line.minutes, 1) for line in report.by_topic]
    assert body[-1][1] == "Tổng cộng" and int(vi(body[-1][3])) == report.airings
    assert vi(body[-1][4]) == round(report.minutes, 1)
    months = [[cell.text for cell in row.cells] for row in document.tables[2].rows[1:-1]]
    assert [int(vi(row[2])) for row in months] == [line.airings for line in report.by_month]
    assert len(document.inline_shapes) == 2  # minutes by topic, minutes by week

    signature = document.tables[-1].rows[0].cells
    assert signature[0].text.split("\n") == ["Nơi nhận:", "- UBND huyện Tiên Lữ;", "- Lưu: VT."]
    lines = [line for line in signature[1].text.split("\n") if line]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Bá Tâm"]
    assert f"{report.airings:,}".replace(",", ".") in _docx_text(document)


def test_custom_range_title_and_default_blanks(logged_ctx):
    with logged_ctx.session() as session:
        station = logged_ctx.station(session)
        made = render_report(session, station, date(2024, 1, 15), date(2024, 2, 20), "docx")
    assert made.filename == "bao-cao-main-2024-01-15_2024-02-20.docx"
    assert made.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(made.data))
    assert ("Kết quả công tác thông tin, tuyên truyền trên hệ thống truyền thanh xã Lệ Xá "
            "từ ngày 15/01/2024 đến ngày 20/02/2024") in [p.text for p in document.paragraphs]
    header = document.tables[0].rows[0].cells
    assert "Lệ Xá, ngày ..... tháng ..... năm ........" in header[1].text
    signature = [line for line in document.tables[-1].rows[0].cells[1].text.split("\n") if line]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_empty_quarter_makes_valid_files_that_say_so(empty):
    assert empty.airings == 0 and empty.details == []
    document = Document(io.BytesIO(render(empty, "docx")))
    text = _docx_text(document)
    assert TITLE in text
    assert "không phát tin, bài nào" in text
    assert "không ghi nhận buổi phát nào bị bỏ lỡ" in text
    assert len(document.inline_shapes) == 0
    book = load_workbook(io.BytesIO(render(empty, "xlsx")))
    summary = _sheet_rows(book["Tổng hợp"])
    assert ("Số lượt phát tin, bài", 0) in [row[:2] for row in summary]
    assert _table_after(summary, "1. Theo chủ đề") == [("Không có lượt phát nào trong kỳ.",)
                                                       + (None,) * (len(summary[0]) - 1)]
    assert _sheet_rows(book["Chi tiết"]) == [("Ngày", "Giờ phát", "Khung giờ", "Tiêu đề", "Chủ đề",
                                              "Nguồn", "Thời lượng (phút)", "Trạng thái")]
    data = render(empty, "csv")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [list(HEADERS)]


def test_xlsx_and_csv_for_several_stations_name_the_station(report):
    other = StationInfo(999, "khac", "Đài truyền thanh xã Khác", "Khác", "", "", "Asia/Ho_Chi_Minh")
    both = replace(report, stations=report.stations + (other,))
    rows = list(csv.reader(io.StringIO(render(both, "csv").decode("utf-8-sig"))))
    assert rows[0][0] == "Đài" and rows[1][0] == report.stations[0].name
    book = load_workbook(io.BytesIO(render(both, "xlsx")))
    assert book["Chi tiết"]["A1"].value == "Đài"
    with pytest.raises(ReportError, match="DOCX lập cho từng xã"):
        render(both, "docx")


def test_docx_problem_table_accounts_for_every_problem(report):
    document = Document(io.BytesIO(render(report, "docx")))
    table = next(t for t in document.tables
                 if len(t.columns) > 2 and t.rows[0].cells[2].text == "Nguyên nhân")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert sum(int(vi(row[3])) for row in rows) == len(report.problems) > 0
    assert {row[1] for row in rows} <= {"Bỏ lỡ", "Lỗi", "Bị gián đoạn"}
    assert all(row[2][:1].isupper() for row in rows)


def test_empty_docx_numbers_its_sections_without_gaps(empty):
    document = Document(io.BytesIO(render(empty, "docx")))
    headings = [p.text for p in document.paragraphs if p.text[:2] in ("1.", "2.", "3.", "4.")]
    assert headings == ["1. Kết quả chung", "2. Kết quả theo khung giờ phát", "3. Phát tin khẩn cấp"]
