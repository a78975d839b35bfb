"""Reports (Báo cáo): the quarterly as-run report as XLSX, CSV or DOCX, with its key figures."""

from __future__ import annotations

from datetime import date

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from broadcaster.db.models import Role
from broadcaster.errors import BroadcasterError
from broadcaster.reports import (FORMATS, Period, ReportOptions, build_report, date_range,
                                 parse_date, parse_quarter, quarter, render_report)
from web import db
from web.auth import role_required
from web.forms import flash_error, local_today, sentence

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
FORMAT_WORDS = {"xlsx": "Bảng tính Excel (XLSX)", "docx": "Văn bản Word (DOCX), mẫu báo cáo hành chính",
                "csv": "CSV (danh sách từng lượt phát)"}


def recent_quarters(today: date, count: int = 8) -> list[tuple[str, str]]:
    year, number = today.year, (today.month + 2) // 3
    found = []
    for _ in range(count):
        found.append((f"{year}Q{number}", f"Quý {('I', 'II', 'III', 'IV')[number - 1]} năm {year}"))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return found


def _period(args) -> Period:
    """The period asked for: a custom range when both dates are given, else a quarter."""
    if args.get("tu") and args.get("den"):
        return date_range(parse_date(args["tu"]), parse_date(args["den"]))
    if args.get("quy"):
        return parse_quarter(args["quy"])
    today = local_today()
    return quarter(today.year, (today.month + 2) // 3)


@bp.route("")
@role_required(Role.REPORTER)
def index():
    try:
        period = _period(request.args)
    except BroadcasterError as exc:
        flash(sentence(str(exc)), "error")
        period = _period({})
    report = build_report(db.session(), period, [db.station().id], with_details=False)
    chosen = f"{period.start.year}Q{period.quarter}" if period.quarter else ""
    return render_template("reports.html", report=report, period=period,
                           quarters=recent_quarters(local_today()), chosen=chosen,
                           formats=FORMAT_WORDS, args=request.args)


@bp.route("/tai")
@role_required(Role.REPORTER)
def download():
    fmt = request.args.get("dinh_dang", "xlsx")
    if fmt not in FORMATS:
        flash("Hãy chọn dạng tệp: XLSX, DOCX hoặc CSV.", "error")
        return redirect(url_for("reports.index"))
    try:
        period = _period(request.args)
        made = render_report(db.session(), db.station(), period.start, period.end, fmt,
                             ReportOptions.from_settings(db.settings()))
    except BroadcasterError as exc:
        flash_error(exc, "Không lập được báo cáo: ")
        return redirect(url_for("reports.index", **{k: v for k, v in request.args.items()
                                                    if k in ("quy", "tu", "den")}))
    return Response(made.data, mimetype=made.mimetype, headers={
        "Content-Disposition": f"attachment; filename=\"{made.filename}\"; "
                               f"filename*=UTF-8''{quote(made.filename)}"})
