"""Programmes and air-checks of past days expire; nothing else under the home is touched."""

from __future__ import annotations

from datetime import date

from broadcaster.home import Home
from broadcaster.retention import expired, prune

TODAY = date(2026, 11, 27)


def test_expired_folders_are_those_older_than_the_kept_days():
    names = ["2026-10-28", "2026-10-27", "2026-10-26", "2026-11-27", "2026-12-01", "ghi-chu", "2026-13-01"]
    assert expired(names, TODAY, 30) == ["2026-10-26", "2026-10-27"]  # 28/10 is exactly 30 days back
    assert expired(names, TODAY, 0) == []                             # 0 keeps everything
    assert expired(names, TODAY, 1) == ["2026-10-26", "2026-10-27", "2026-10-28"]


def _file(path, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff" * size)
    return path


def test_prune_deletes_old_date_folders_only_and_reports_what_it_freed(tmp_path):
    old_programme = _file(tmp_path / "programmes/2026-09-01/sang-abc.mp3", 1000)
    _file(tmp_path / "programmes/2026-09-01/chieu-def.mp3", 500)
    kept_programme = _file(tmp_path / "programmes/2026-11-20/sang-abc.mp3", 700)
    old_aircheck = _file(tmp_path / "aircheck/2026-04-01/sang-v1.mp3", 300)
    kept_aircheck = _file(tmp_path / "aircheck/2026-09-01/sang-v1.mp3", 300)
    stranger = _file(tmp_path / "programmes/ban-luu/rieng.mp3", 10)
    clip = _file(tmp_path / "cache/ab/abcdef.mp3", 10)

    preview = prune(Home(tmp_path), TODAY, 30, 180, dry_run=True)
    assert preview.folders == ["programmes/2026-09-01", "aircheck/2026-04-01"]
    assert (preview.files, preview.bytes) == (3, 1800)
    assert old_programme.exists() and old_aircheck.exists()  # a dry run deletes nothing

    done = prune(Home(tmp_path), TODAY, 30, 180)
    assert (done.files, done.bytes) == (3, 1800)
    assert "Đã xóa 3 tệp âm thanh" in done.summary()
    assert not old_programme.parent.exists() and not old_aircheck.parent.exists()
    assert kept_programme.exists() and kept_aircheck.exists() and stranger.exists() and clip.exists()
    assert prune(Home(tmp_path), TODAY, 30, 180).summary() == "Không có tệp âm thanh nào quá thời hạn lưu trữ."


def test_prune_never_follows_a_symlinked_date_folder(tmp_path):
    outside = _file(tmp_path / "elsewhere/important.mp3", 10)
    (tmp_path / "aircheck").mkdir()
    (tmp_path / "aircheck/2020-01-01").symlink_to(outside.parent, target_is_directory=True)
    assert prune(Home(tmp_path), TODAY, 30, 30).folders == []
    assert outside.exists()


def test_a_missing_home_folder_is_nothing_to_prune(tmp_path):
    assert prune(Home(tmp_path / "chua-co"), TODAY, 30, 180).folders == []


def test_prune_command_uses_the_settings(invoke, station_home):
    _file(station_home / "aircheck/2000-01-01/sang-v1.mp3", 2_000_000)
    _file(station_home / "programmes/2000-01-01/sang-x.mp3", 1_000_000)
    with open(station_home / "broadcaster.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[storage]\nprogramme_keep_days = 0\n")
    preview = invoke("prune", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "sẽ xóa aircheck/2000-01-01" in preview.output and "programmes" not in preview.output
    assert "Sẽ xóa 1 tệp (2.0 MB)." in preview.output
    result = invoke("prune")
    assert result.exit_code == 0, result.output
    assert "Đã xóa 1 tệp âm thanh quá thời hạn lưu trữ (2.0 MB, 1 thư mục ngày)." in result.output
    assert not (station_home / "aircheck/2000-01-01").exists()
    assert (station_home / "programmes/2000-01-01/sang-x.mp3").exists()
