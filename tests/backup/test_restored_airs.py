"""A station restored into a fresh home airs its approved plans."""

from datetime import timedelta

from broadcaster.cli import cli
from broadcaster.playout.daemon import Daemon
from broadcaster.station.context import StationContext
from tests.playout.conftest import Plant


def test_a_station_restored_into_a_fresh_home_airs_its_approved_plan(station_home, invoke, runner,
                                                                     tmp_path):
    plant = Plant(station_home, StationContext(str(station_home)))
    day, start = plant.slot("thu", in_seconds=25, length=60, grace=30)
    plan_id = plant.plan("thu", day, seconds=3)
    assert invoke("backup", "--to", str(tmp_path / "usb")).exit_code == 0
    [archive] = list((tmp_path / "usb").glob("*.zip"))
    fresh = tmp_path / "may-moi"   # the station PC died: a new one, an empty home
    result = runner.invoke(cli, ["--home", str(fresh), "restore", str(archive)])
    assert result.exit_code == 0, result.output
    restored = Plant(fresh, StationContext(str(fresh)))
    daemon = Daemon(restored.ctx, ["aircheck"], reconcile_seconds=2)
    daemon.start()
    try:
        row = restored.closed_slot("thu", timeout=60)
    finally:
        daemon.stop()
    assert row.status.value == "PLAYED" and row.plan_id == plan_id
    assert abs(row.started_at - start) < timedelta(seconds=1)
    assert list((fresh / "aircheck" / day.isoformat()).glob("thu-v1.mp3"))
    assert plant.rows() == []   # the old home aired nothing: only the restored one runs
