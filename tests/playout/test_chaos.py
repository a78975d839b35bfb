"""A few random SIGKILLs across short slots (tests/bench/bench_chaos.py runs many)."""

from tests.playout import chaos


def test_random_kills_across_slots_leave_a_truthful_log(plant, tmp_path):
    report = chaos.run(plant, kills=3, slots=2, seed=13, log=tmp_path / "daemon.log")
    assert report.clean, "\n".join(report.lines() + report.overlaps + report.double_plays
                                   + report.lost_outcomes + [str(report.open_rows)]
                                   + chaos.describe(plant.rows()))
    assert report.kills == 3 and report.slots == 2
