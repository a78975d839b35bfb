"""Error pages in Vietnamese; a failed request's session is rolled back."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền thực hiện việc này.",
    404: "Không tìm thấy trang hoặc mục này.",
    405: "Thao tác không được phép ở đây.",
    413: "Tệp gửi lên quá lớn.",
    429: "Thao tác quá nhiều lần. Hãy thử lại sau.",
    500: "Đã có lỗi trong hệ thống. Thao tác chưa được lưu; hãy thử lại hoặc báo cho quản trị viên.",
}


def _rollback() -> None:
    db = g.get("db")
    if db is not None:
        db.rollback()


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        _rollback()
        return render_template("error.html", code=400,
                               message="Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                       "Hãy tải lại trang và thử lại."), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        _rollback()
        code = exc.code or 500
        return render_template("error.html", code=code,
                               message=MESSAGES.get(code, "Yêu cầu không thực hiện được.")), code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        _rollback()
        log.exception("unhandled error in web request")
        return render_template("error.html", code=500, message=MESSAGES[500]), 500
