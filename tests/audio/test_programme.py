"""Slot programmes: the layout with literal numbers, then a real render measured."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadcaster.audio.chime import chime_path
from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import measure, run_ffmpeg
from broadcaster.audio.loudness import normalize_to_mp3
from broadcaster.audio.programme import (ProgrammeEntry, ProgrammePart, layout_programme,
                                         render_programme, standard_parts)

from speech_samples import espeak_wav

PARTS = [("chime", "Nhạc hiệu", 2400), ("ident", "Giới thiệu đài", 3000),
         ("item", "Tin 1", 10000), ("item", "Tin 2", 5000), ("closing", "Kết thúc", 2000)]


def test_layout_places_parts_with_gaps_and_a_shorter_pause_after_the_chime():
    layout = layout_programme(PARTS, gap_ms=1500, chime_gap_ms=400)
    assert layout.entries == (
        ProgrammeEntry("chime", "Nhạc hiệu", 0, 2400),
        ProgrammeEntry("ident", "Giới thiệu đài", 2800, 3000),
        ProgrammeEntry("item", "Tin 1", 7300, 10000),
        ProgrammeEntry("item", "Tin 2", 18800, 5000),
        ProgrammeEntry("closing", "Kết thúc", 25300, 2000),
    )
    assert layout.total_ms == 27300 and layout.entries[-1].end_ms == 27300


def test_layout_without_gaps_and_without_parts():
    assert [e.offset_ms for e in layout_programme(PARTS, gap_ms=0, chime_gap_ms=0).entries] == [
        0, 2400, 5400, 15400, 20400]
    empty = layout_programme([], gap_ms=1500)
    assert empty.entries == () and empty.total_ms == 0


@pytest.mark.parametrize("parts, gap", [([("item", "x", 1)], -1), ([("song", "x", 1)], 0),
                                        ([("item", "x", -5)], 0)])
def test_layout_refuses_nonsense(parts, gap):
    with pytest.raises(ValueError):
        layout_programme(parts, gap_ms=gap)


def test_standard_parts_are_in_broadcast_order(tmp_path):
    parts = standard_parts(tmp_path / "ident.mp3", [("Tin 1", tmp_path / "a.mp3"),
                                                    ("Tin 2", tmp_path / "b.mp3")],
                           tmp_path / "closing.mp3")
    assert [(p.kind, p.label) for p in parts] == [
        ("chime", "Nhạc hiệu"), ("ident", "Giới thiệu đài"), ("item", "Tin 1"),
        ("item", "Tin 2"), ("closing", "Kết thúc")]
    assert parts[0].path == chime_path()


def sound_starts(path):
    """Return the times (ms) where sound resumes after a silence of 0.35 s or more."""
    proc = run_ffmpeg(["-i", path, "-af", "silencedetect=n=-50dB:d=0.35", "-f", "null", "-"],
                      timeout=60, what="test")
    return [round(float(t) * 1000) for t in re.findall(r"silence_end: ([\d.]+)", proc.stderr)]


def test_rendered_programme_matches_its_layout(tmp_path, station_mp3):
    clips = {}
    for name, text in [("ident", "Đây là Đài truyền thanh xã Lệ Xá."),
                       ("item1", "Tin thứ nhất. Xã tổ chức tiêm phòng cho đàn gia súc."),
                       ("item2", "Tin thứ hai. Lịch tiếp công dân tuần này."),
                       ("closing", "Chương trình đến đây là kết thúc. Xin chào và hẹn gặp lại.")]:
        clips[name] = tmp_path / f"{name}.mp3"
        normalize_to_mp3(espeak_wav(tmp_path / f"{name}.wav", text=text), clips[name])
    parts = standard_parts(clips["ident"], [("Tin 1", clips["item1"]), ("Tin 2", clips["item2"])],
                           clips["closing"])
    rendered = render_programme(parts, tmp_path / "slot.mp3", gap_ms=1500, chime_gap_ms=600)
    measured = station_mp3(rendered.path)
    layout = rendered.layout
    assert [e.kind for e in layout.entries] == ["chime", "ident", "item", "item", "closing"]
    for entry, part in zip(layout.entries[1:], parts[1:]):
        assert entry.duration_ms == measure(part.path, true_peak=False).duration_ms
    assert abs(measured.duration_ms - layout.total_ms) <= 2
    assert rendered.duration_ms == measured.duration_ms
    # Every part after the chime begins where the layout says (espeak starts a few ms in).
    starts = sound_starts(rendered.path)
    for entry in layout.entries[1:]:
        assert any(0 <= start - entry.offset_ms <= 60 for start in starts), (entry, starts)


def test_a_part_without_audio_is_refused(tmp_path):
    silent = tmp_path / "empty.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "0", silent],
               timeout=60, what="test")
    with pytest.raises(AudioError):
        render_programme([ProgrammePart("item", "rỗng", silent)], tmp_path / "slot.mp3",
                         gap_ms=1000)
    assert not (tmp_path / "slot.mp3").exists()


@given(st.lists(st.tuples(st.sampled_from(["ident", "item", "closing"]), st.just("x"),
                          st.integers(0, 3_600_000)), max_size=30),
       st.integers(0, 10_000), st.integers(0, 10_000))
def test_layout_never_overlaps_and_adds_up(parts, gap, chime_gap):
    parts = [("chime", "Nhạc hiệu", 2400)] + parts
    layout = layout_programme(parts, gap_ms=gap, chime_gap_ms=chime_gap)
    entries = layout.entries
    assert [e.duration_ms for e in entries] == [p[2] for p in parts]
    for before, after in zip(entries, entries[1:]):
        expected_gap = chime_gap if before.kind == "chime" else gap
        assert after.offset_ms - before.end_ms == expected_gap
    assert layout.total_ms == entries[-1].end_ms == (
        sum(p[2] for p in parts) + (len(parts) > 1) * chime_gap + max(0, len(parts) - 2) * gap)
