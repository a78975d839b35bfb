"""Dead air on the audio sent to the outputs is noted on the open as-run row, and where it began."""

import subprocess

from broadcaster.playout.programme import ffmpeg_exe


def silent_middle(path, tone: float, silence: float) -> None:
    """tone seconds of sound, `silence` seconds of digital silence, tone seconds of sound."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sine = f"sine=frequency=440:duration={tone}:sample_rate=44100"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error",
                    "-f", "lavfi", "-i", sine, "-f", "lavfi", "-i",
                    f"anullsrc=r=44100:cl=mono:d={silence}", "-f", "lavfi", "-i", sine,
                    "-filter_complex", "[0][1][2]concat=n=3:v=0:a=1,volume=0.5", "-ac", "1",
                    "-c:a", "libmp3lame", "-b:a", "64k", "-y", str(path)], check=True)


def test_a_long_silence_mid_programme_is_noted_while_the_row_is_open(plant, daemon_factory):
    plant.configure("[alerts]\ndead_air_seconds = 4")
    day, start = plant.slot("lang", in_seconds=6, length=60)
    plant.plan("lang", day, seconds=12, missing=True)
    silent_middle(plant.home / f"programmes/{day}/lang-v1.mp3", tone=2, silence=8)
    daemon_factory()

    def open_with_dead_air():
        rows = [r for r in plant.rows(kind="slot", slot_name="lang") if r.ended_at is None]
        return rows and any(n["kind"] == "dead_air" and n["ongoing"] for n in rows[0].notes)
    plant.wait_for(open_with_dead_air, 30, "an open row noting dead air")
    row = plant.closed_slot("lang")
    spans = [n for n in row.notes if n["kind"] == "dead_air"]
    assert len(spans) == 1 and not spans[0]["ongoing"]
    assert 1900 <= spans[0]["at_ms"] <= 2200       # the silence began 2 s in
    assert 7500 <= spans[0]["ms"] <= 8300           # and lasted 8 s
    assert row.status.value == "PLAYED"


def test_the_programmes_own_gaps_are_not_dead_air(plant, daemon_factory):
    day, _ = plant.slot("gap", in_seconds=5, length=60)
    plant.plan("gap", day, seconds=5, missing=True)
    silent_middle(plant.home / f"programmes/{day}/gap-v1.mp3", tone=1.5, silence=1.5)
    daemon_factory()
    row = plant.closed_slot("gap")
    assert row.status.value == "PLAYED"
    assert [n for n in row.notes if n["kind"] == "dead_air"] == []
