"""The pure parts: which jobs to hold, which slots were missed, where a cut slot resumes, log lines."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from broadcaster.db.models import AsRun, AsRunStatus, Trigger
from broadcaster.playout.asrun import render, text_line
from broadcaster.playout.cues import ItemCue, resume_point
from broadcaster.playout.reconcile import TOO_LATE, UNAPPROVED, SlotCase, decide, job_id
from broadcaster.schedule import SlotInstance, SlotSpec

DAY = date(2024, 3, 1)
START = datetime(2024, 2, 29, 23, 0, tzinfo=timezone.utc)  # 06:00 in Hanoi
SPEC = SlotSpec("sang", "Buổi sáng", time(6, 0), 1800, ("fri",), 600)
INSTANCE = SlotInstance(SPEC, DAY, START, START + timedelta(seconds=1800))


def case(plan_id=7, version=2, has_plans=True, handled=False) -> SlotCase:
    return SlotCase(INSTANCE, 1, plan_id, version, has_plans, handled)


def test_a_future_slot_gets_a_job_with_an_explicit_id_woken_ahead():
    jobs, missed = decide([case()], START - timedelta(hours=1))
    assert list(jobs) == ["slot:7:v2"] == [job_id(7, 2)]
    assert jobs["slot:7:v2"].run_at == START - timedelta(seconds=3)
    assert missed == []


def test_a_slot_inside_its_grace_window_runs_now_from_the_beginning():
    now = START + timedelta(minutes=5)
    jobs, _ = decide([case()], now)
    assert jobs["slot:7:v2"].run_at == now


def test_missed_slot_is_logged_not_replayed():
    jobs, missed = decide([case()], START + timedelta(minutes=11))
    assert jobs == {}
    assert [m.reason for m in missed] == [TOO_LATE.format(grace=600)]


def test_an_unapproved_slot_is_missed_with_the_reason_chua_duoc_duyet():
    jobs, missed = decide([case(plan_id=None, version=None)], START + timedelta(minutes=11))
    assert jobs == {} and [m.reason for m in missed] == [UNAPPROVED] == ["chưa được duyệt"]
    jobs, missed = decide([case(plan_id=None, version=None)], START - timedelta(minutes=1))
    assert jobs == {} and missed == []  # not yet: an approval may still come inside the grace


def test_a_slot_without_any_plan_is_not_logged():
    assert decide([case(None, None, has_plans=False)], START + timedelta(hours=1)) == ({}, [])


def test_handled_or_busy_slots_are_left_alone():
    assert decide([case(handled=True)], START) == ({}, [])
    assert decide([case()], START + timedelta(hours=1), busy=frozenset({(DAY, "sang")})) == ({}, [])


def test_resume_point_is_the_start_of_the_cut_item():
    items = [ItemCue(1, "a", "t", "speech", 2000, 3000), ItemCue(2, "b", "t", "speech", 6000, 3000)]
    assert resume_point(items, 500) == 0          # cut in the opening: from the top
    assert resume_point(items, 2500) == 2000      # cut inside item a
    assert resume_point(items, 5500) == 6000      # cut in the gap: the next item
    assert resume_point(items, 7000) == 6000
    assert resume_point(items, 9500) is None      # cut in the closing ident: nothing left


def test_log_lines_keep_the_status_words_and_show_local_times():
    row = AsRun(id=3, station_id=1, kind="slot", trigger=Trigger.SCHEDULE, status=AsRunStatus.MISSED,
                air_date=DAY, slot_name="sang", plan_version=2, content_hash="abc", title="Buổi sáng",
                scheduled_at=START, started_at=None, ended_at=START + timedelta(minutes=10),
                played_ms=0, outputs=[], operator="", error="chưa được duyệt", offset_ms=0)
    line = text_line(row, ZoneInfo("Asia/Ho_Chi_Minh"))
    assert line.startswith("2024-03-01  06:00:00  MISSED")
    assert "chưa được duyệt" in line and "\n" not in line
    csv = render([row], ZoneInfo("Asia/Ho_Chi_Minh"), "csv").splitlines()
    assert len(csv) == 2 and ",MISSED," in csv[1] and ",06:00:00," in csv[1]


def test_a_slot_that_passed_just_before_the_start_waits_for_the_clock_to_settle():
    started = START + timedelta(minutes=11)
    held = (started - timedelta(minutes=5), started)
    assert decide([case()], started, hold_missed=held) == ({}, [])
    gone_long_ago = (started + timedelta(minutes=20) - timedelta(minutes=5),
                     started + timedelta(minutes=20))
    _, missed = decide([case()], started + timedelta(minutes=20), hold_missed=gone_long_ago)
    assert [m.reason for m in missed] == [TOO_LATE.format(grace=600)]
    _, missed = decide([case()], started)  # settled: logged at once
    assert len(missed) == 1
