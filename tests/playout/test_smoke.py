from broadcaster.db.models import AsRunStatus

from tests.playout.conftest import decode_seconds


def test_scheduled_slot_airs_to_the_aircheck(plant, daemon_factory):
    air_date, starts = plant.slot("thu", 4)
    plant.plan("thu", air_date, seconds=4)
    daemon_factory()
    row = plant.closed_slot("thu", 20)
    assert row.status is AsRunStatus.PLAYED, row.error
    items = plant.rows(kind="item", parent_id=row.id)
    assert [i.status for i in items] == [AsRunStatus.PLAYED] * 2
    files = list((plant.home / "aircheck" / air_date.isoformat()).glob("*.mp3"))
    assert [f.name for f in files] == ["thu-v1.mp3"]
    seconds, peak = decode_seconds(files[0])
    assert abs(seconds - 4) < 0.3 and peak > -40
