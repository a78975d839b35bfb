"""The alert rules and the notice decisions: literal facts in, exact conditions and notices out."""

from datetime import date, datetime, timedelta, timezone

from broadcaster.alerts.notices import ALERT, QUIET, RECOVERY, REMINDER, Decision, OpenAlert, decide
from broadcaster.alerts.rules import (Backup, BadRow, Condition, DeadAir, Disk, Facts, Limits,
                                      PowerFault, Relay, RenderFailure, Upcoming, conditions)

NOW = datetime(2024, 3, 1, 22, 0, tzinfo=timezone.utc)      # 05:00 on 2 March in Hà Nội
ZONE = "Asia/Ho_Chi_Minh"
LIMITS = Limits(daemon_down_seconds=30, unapproved_minutes=60, disk_min_free_mb=2048)
S = timedelta(seconds=1)


def facts(**values) -> Facts:
    return Facts(**{"now": NOW, "zone": ZONE, "station": "Đài truyền thanh xã Lệ Xá",
                    "watch_started": NOW - 3600 * S, "heartbeat_seen": NOW - S, **values})


def test_a_healthy_station_has_no_conditions():
    assert conditions(facts(disks=[Disk("/srv/dai", 50_000, 100_000)],
                            backup=Backup(True, NOW - 3600 * S)), LIMITS) == ([], set())


def test_the_daemon_is_down_after_the_limit_and_never_before_the_watcher_had_time_to_see_it():
    assert conditions(facts(heartbeat_seen=NOW - 29 * S), LIMITS) == ([], set())
    found, _ = conditions(facts(heartbeat_seen=NOW - 300 * S), LIMITS)
    assert found == [Condition("daemon_down", "daemon",
                               "Tiến trình phát không còn chạy từ 04:55:00 02/03 (5 phút): các buổi "
                               "phát sẽ không được phát. Hãy kiểm tra máy của đài.",
                               "Tiến trình phát đã chạy lại.")]
    # a watcher that just started gives the daemon the same time to show itself
    assert conditions(facts(heartbeat_seen=None, watch_started=NOW - 10 * S), LIMITS) == ([], set())
    found, _ = conditions(facts(heartbeat_seen=None, watch_started=NOW - 40 * S), LIMITS)
    assert found[0].message.startswith("Tiến trình phát chưa chạy")


def test_bad_rows_are_one_offs_naming_the_slot_the_time_and_the_reason():
    row = BadRow(41, "Buổi sáng", date(2024, 3, 2), NOW, "MISSED", "chưa được duyệt")
    play = BadRow(42, "Thông báo bão số 3", date(2024, 3, 2), NOW - 600 * S, "FAILED",
                  "không phát được ra ngõ ra nào", trigger="emergency")
    found, _ = conditions(facts(bad_rows=[row, play]), LIMITS)
    assert found == [
        Condition("slot_missed", "asrun:41", "Buổi sáng lúc 05:00 02/03/2024 bị lỡ. Lý do: chưa "
                  "được duyệt.", ongoing=False),
        Condition("slot_failed", "asrun:42", "lần phát «Thông báo bão số 3» lúc 04:50 02/03/2024 "
                  "bị lỗi, không phát được. Lý do: không phát được ra ngõ ra nào.", ongoing=False)]


def test_an_unapproved_slot_is_told_inside_the_window_and_settled_once_past():
    soon = Upcoming("sang", "Buổi sáng", date(2024, 3, 2), NOW + 45 * 60 * S, approved=False)
    later = Upcoming("chieu", "Buổi chiều", date(2024, 3, 2), NOW + 12 * 3600 * S, approved=False)
    done = Upcoming("trua", "Buổi trưa", date(2024, 3, 2), NOW + 20 * 60 * S, approved=True)
    past = Upcoming("dem", "Buổi đêm", date(2024, 3, 1), NOW - 60 * S, approved=False)
    found, settled = conditions(facts(upcoming=[soon, later, done, past]), LIMITS)
    assert found == [Condition("unapproved", "unapproved:2024-03-02:sang",
                               "Buổi sáng lúc 05:45 02/03/2024 vẫn chưa được duyệt, còn 45 phút nữa "
                               "đến giờ phát. Người duyệt hãy duyệt trên trang Kế hoạch.",
                               "Buổi sáng lúc 05:45 02/03/2024 đã được duyệt.")]
    assert settled == {"unapproved:2024-03-01:dem"}


def test_dead_air_relay_disk_backup_render_and_power():
    began = NOW - 12 * S
    found, _ = conditions(facts(
        dead_air=[DeadAir(7, "Buổi sáng", date(2024, 3, 2), began, 12.0, ongoing=True)],
        relays=[Relay("VOV1", True, NOW - 90 * S, "hết thời gian chờ"), Relay("Tỉnh", False, None)],
        disks=[Disk("/srv/dai", 900, 32_000)],
        backup=Backup(False, NOW - 7200 * S, "không ghi được vào /media/usb"),
        render_failures=[RenderFailure("plan:5", "Buổi chiều ngày 02/03/2024",
                                       "Không tạo được âm thanh cho 'Tin bão': espeak-ng lỗi")],
        power=PowerFault(NOW - 30 * S, "on", "bộ rơ-le trả lời lỗi HTTP 500 khi bật loa")), LIMITS)
    assert [(c.kind, c.key, c.ongoing) for c in found] == [
        ("dead_air", "deadair:7:2024-03-01T21:59:48+00:00", True),
        ("render_failed", "render:plan:5", False),
        ("relay_down", "relay:VOV1", True),
        ("disk_low", "disk:/srv/dai", True),
        ("backup_failed", "backup", True),
        ("power_failed", "power", True)]
    assert found[0].message == ("Buổi sáng ngày 02/03/2024: âm thanh phát ra đang im lặng từ "
                                "04:59:48.")
    assert found[1].message == ("Buổi chiều ngày 02/03/2024: Không tạo được âm thanh cho 'Tin bão': "
                                "espeak-ng lỗi")
    assert found[2].message == "Mất tín hiệu tiếp âm VOV1 từ 04:58:30 (hết thời gian chờ)."
    assert found[3].message == ("Ổ đĩa chứa /srv/dai chỉ còn trống 900 MB trên 31,2 GB. Hãy xóa bớt "
                                "tệp hoặc thay ổ lớn hơn trước khi đầy.")
    assert found[4].message == ("Bản sao lưu lúc 03:00 02/03/2024 không thành công: không ghi được "
                                "vào /media/usb")
    assert found[5].message == ("Không bật được ampli/máy phát lúc 04:59:30 02/03: bộ rơ-le trả lời "
                                "lỗi HTTP 500 khi bật loa")


DOWN = Condition("daemon_down", "daemon", "xuống", "đã chạy lại")
MISSED = Condition("slot_missed", "asrun:41", "lỡ", ongoing=False)
HOUR = timedelta(hours=1)


def test_a_new_fault_alerts_once_then_only_at_the_interval():
    assert decide([DOWN], set(), {}, set(), NOW, HOUR) == [
        Decision(ALERT, "daemon", "daemon_down", "xuống", recovery="đã chạy lại")]
    told = {"daemon": OpenAlert(1, "daemon", "daemon_down", NOW - 59 * 60 * S, "đã chạy lại")}
    assert decide([DOWN], set(), told, set(), NOW, HOUR) == []
    told = {"daemon": OpenAlert(1, "daemon", "daemon_down", NOW - 60 * 60 * S, "đã chạy lại")}
    assert decide([DOWN], set(), told, set(), NOW, HOUR) == [
        Decision(REMINDER, "daemon", "daemon_down", "xuống", 1)]


def test_a_fault_that_ends_gets_one_recovery_notice():
    told = {"daemon": OpenAlert(1, "daemon", "daemon_down", NOW, "đã chạy lại")}
    assert decide([], set(), told, set(), NOW, HOUR) == [
        Decision(RECOVERY, "daemon", "daemon_down", "đã chạy lại", 1)]


def test_a_one_off_is_told_once_ever():
    assert decide([MISSED], set(), {}, set(), NOW, HOUR) == [
        Decision(ALERT, "asrun:41", "slot_missed", "lỡ", ongoing=False)]
    assert decide([MISSED], set(), {}, {"asrun:41"}, NOW, HOUR) == []


def test_dead_air_seen_ongoing_then_ended_recovers_and_seen_only_ended_alerts_once():
    live = Condition("dead_air", "deadair:7:x", "im lặng", "có tiếng", ongoing=True)
    ended = Condition("dead_air", "deadair:7:x", "đã im lặng 12 giây", "có tiếng lại", ongoing=False)
    told = {"deadair:7:x": OpenAlert(3, "deadair:7:x", "dead_air", NOW, "có tiếng")}
    assert decide([ended], set(), told, set(), NOW, HOUR) == [
        Decision(RECOVERY, "deadair:7:x", "dead_air", "có tiếng lại", 3)]
    assert decide([ended], set(), {}, set(), NOW, HOUR) == [
        Decision(ALERT, "deadair:7:x", "dead_air", "đã im lặng 12 giây", ongoing=False,
                 recovery="có tiếng lại")]
    assert decide([live], set(), {}, set(), NOW, HOUR)[0].action == ALERT


def test_a_settled_key_closes_quietly():
    told = {"unapproved:d:s": OpenAlert(4, "unapproved:d:s", "unapproved", NOW, "đã duyệt")}
    assert decide([], {"unapproved:d:s"}, told, set(), NOW, HOUR) == [
        Decision(QUIET, "unapproved:d:s", "unapproved", "", 4)]
