"""Every kind of fault produced for real against a running station, its alert checked at the
webhook server. The delays are printed (`-s`); tests/bench/bench_alerts.py prints them all."""

import os

import pytest

from tests.alerts import scenarios


def run(scenario, tmp_path, webhook):
    figures = scenario(tmp_path, webhook)
    for figure in figures:
        print(f"{figure.event}: cảnh báo tới sau {figure.delay:.1f} s")
        assert figure.delay > -1   # the alert came after the fault, never before
    return figures


def test_an_unapproved_slot_is_told_before_air_and_when_missed(tmp_path, webhook):
    run(scenarios.unapproved_slot_passing, tmp_path, webhook)
    texts = webhook.texts()
    assert any("Buổi phát chưa được duyệt" in t and "Buổi thu lúc" in t for t in texts)
    assert any("Buổi phát bị lỡ" in t and "Lý do: chưa được duyệt" in t for t in texts)


def test_a_slot_that_fails_is_told_with_the_reason(tmp_path, webhook):
    run(scenarios.corrupt_programme, tmp_path, webhook)
    assert any("Buổi hong lúc" in t and "bị lỗi, không phát được. Lý do:" in t
               for t in webhook.texts())


def test_a_killed_daemon_is_told_and_its_return(tmp_path, webhook):
    run(scenarios.daemon_killed, tmp_path, webhook)


def test_dead_air_in_a_programme_is_told_and_its_end(tmp_path, webhook):
    run(scenarios.silent_programme, tmp_path, webhook)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_filling_disk_is_told_and_its_relief(tmp_path, webhook):
    run(scenarios.disk_filling, tmp_path, webhook)


def test_a_failed_backup_is_told_and_the_next_good_one(tmp_path, webhook):
    run(scenarios.backup_failing, tmp_path, webhook)


def test_a_render_failure_is_told(tmp_path, webhook):
    run(scenarios.render_failing, tmp_path, webhook)
