"""The words of every alert: short, Vietnamese, naming the slot and the local time.

The station's name goes in each notice's title (delivery.title), so the texts here say what
happened, to which slot, when.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

HEADLINES = {
    "slot_missed": "Buổi phát bị lỡ",
    "slot_failed": "Buổi phát bị lỗi",
    "slot_partial": "Buổi phát không trọn vẹn",
    "slot_interrupted": "Buổi phát bị ngắt",
    "daemon_down": "Tiến trình phát ngừng chạy",
    "unapproved": "Buổi phát chưa được duyệt",
    "render_failed": "Không tạo được âm thanh",
    "relay_down": "Mất tín hiệu tiếp âm",
    "dead_air": "Im lặng trên sóng",
    "offair": "Loa không có tiếng",
    "disk_low": "Ổ đĩa sắp đầy",
    "backup_failed": "Sao lưu thất bại",
    "power_failed": "Không bật/tắt được loa",
    "test": "Thử gửi cảnh báo",
}
STATUS_WORDS = {"MISSED": "bị lỡ", "FAILED": "bị lỗi, không phát được",
                "PARTIAL": "chỉ phát được một phần", "INTERRUPTED": "bị ngắt giữa chừng"}


def _at(moment: datetime, zone: ZoneInfo, fmt: str = "%H:%M %d/%m/%Y") -> str:
    return moment.astimezone(zone).strftime(fmt)


def _cut(text: str, length: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def bad_row(row, zone: ZoneInfo) -> str:
    what = row.slot if row.trigger == "schedule" else f"lần phát «{row.slot}»"
    reason = f" Lý do: {_cut(row.error)}." if row.error else ""
    return f"{what} lúc {_at(row.at, zone)} {STATUS_WORDS.get(row.status, row.status)}.{reason}"


def daemon_down(seen: datetime | None, now: datetime, zone: ZoneInfo) -> str:
    if seen is None:
        return "Tiến trình phát chưa chạy: các buổi phát sẽ không được phát. Hãy kiểm tra máy của đài."
    minutes = int((now - seen).total_seconds() // 60)
    return (f"Tiến trình phát không còn chạy từ {_at(seen, zone, '%H:%M:%S %d/%m')} "
            f"({minutes} phút): các buổi phát sẽ không được phát. Hãy kiểm tra máy của đài.")


def daemon_back() -> str:
    return "Tiến trình phát đã chạy lại."


def unapproved(slot, now: datetime, zone: ZoneInfo) -> str:
    minutes = max(0, int((slot.starts_at - now).total_seconds() // 60))
    return (f"{slot.slot} lúc {_at(slot.starts_at, zone)} vẫn chưa được duyệt, còn {minutes} phút "
            "nữa đến giờ phát. Người duyệt hãy duyệt trên trang Kế hoạch.")


def approved(slot, zone: ZoneInfo) -> str:
    return f"{slot.slot} lúc {_at(slot.starts_at, zone)} đã được duyệt."


def dead_air(span, zone: ZoneInfo) -> str:
    state = "đang im lặng" if span.ongoing else f"đã im lặng {span.seconds:.0f} giây"
    return (f"{span.slot} ngày {span.air_date:%d/%m/%Y}: âm thanh phát ra {state} từ "
            f"{_at(span.began_at, zone, '%H:%M:%S')}.")


def sound_back(span, zone: ZoneInfo) -> str:
    return (f"{span.slot} ngày {span.air_date:%d/%m/%Y}: đã có tiếng trở lại (im lặng "
            f"{span.seconds:.0f} giây từ {_at(span.began_at, zone, '%H:%M:%S')}).")


def offair(since: datetime, zone: ZoneInfo) -> str:
    return (f"Thiết bị nghe kiểm tra không nghe thấy tiếng từ {_at(since, zone, '%H:%M:%S')} "
            "trong khi đài đang phát: hãy kiểm tra ampli và đường loa.")


def offair_back() -> str:
    return "Thiết bị nghe kiểm tra đã nghe thấy tiếng trở lại."


def render_failed(failure) -> str:
    return f"{failure.what}: {_cut(failure.warning)}"


def relay_down(relay, zone: ZoneInfo) -> str:
    since = f" từ {_at(relay.since, zone, '%H:%M:%S')}" if relay.since else ""
    reason = f" ({_cut(relay.error, 100)})" if relay.error else ""
    return f"Mất tín hiệu tiếp âm {relay.channel}{since}{reason}."


def relay_back(relay) -> str:
    return f"Tín hiệu tiếp âm {relay.channel} đã trở lại."


def _size(mb: float) -> str:
    return f"{mb / 1024:.1f} GB".replace(".", ",") if mb >= 1024 else f"{mb:.0f} MB"


def disk_low(disk) -> str:
    return (f"Ổ đĩa chứa {disk.path} chỉ còn trống {_size(disk.free_mb)} trên {_size(disk.total_mb)}. "
            "Hãy xóa bớt tệp hoặc thay ổ lớn hơn trước khi đầy.")


def disk_ok(disk) -> str:
    return f"Ổ đĩa chứa {disk.path} đã đủ chỗ trống ({_size(disk.free_mb)})."


def backup_failed(backup, zone: ZoneInfo) -> str:
    return f"Bản sao lưu lúc {_at(backup.at, zone)} không thành công: {_cut(backup.error)}"


def backup_ok() -> str:
    return "Sao lưu đã thành công trở lại."


def power_failed(fault, zone: ZoneInfo) -> str:
    word = "bật" if fault.state == "on" else "tắt"
    return f"Không {word} được ampli/máy phát lúc {_at(fault.at, zone, '%H:%M:%S %d/%m')}: {_cut(fault.error)}"


def power_ok() -> str:
    return "Bật/tắt ampli đã hoạt động trở lại."


def title(station: str, kind: str, notice: str) -> str:
    """The notice's title: the station and what happened."""
    headline = HEADLINES.get(kind, "Cảnh báo")
    prefix = {"recovery": "Đã khắc phục: ", "reminder": "Nhắc lại: "}.get(notice, "")
    return f"[{station}] {prefix}{headline}"
