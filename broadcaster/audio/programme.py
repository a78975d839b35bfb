"""A slot programme: chime, station ident, items with gaps, closing ident, as one MP3.

``layout_programme`` is the pure part (offsets from durations and gaps); ``render_programme``
decodes every part to PCM, joins them with digital silence, and runs the whole programme through
the same loudness chain as a clip. Every entry's offset and duration go to the as-run log.
"""

from __future__ import annotations

import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import SAMPLE_RATE, Measurement, run_ffmpeg, timeout_for
from broadcaster.audio.loudness import LoudnessTarget, normalize_to_mp3

KINDS = ("chime", "ident", "item", "closing")
_SAMPLE_WIDTH = 2


@dataclass(frozen=True)
class ProgrammePart:
    """One piece of audio to place in a programme."""

    kind: str  # one of KINDS
    label: str
    path: Path


@dataclass(frozen=True)
class ProgrammeEntry:
    """Where one part sits in the programme, in milliseconds from its start."""

    kind: str
    label: str
    offset_ms: int
    duration_ms: int

    @property
    def end_ms(self) -> int:
        return self.offset_ms + self.duration_ms


@dataclass(frozen=True)
class ProgrammeLayout:
    entries: tuple[ProgrammeEntry, ...]
    total_ms: int


@dataclass(frozen=True)
class RenderedProgramme:
    path: Path
    layout: ProgrammeLayout
    measurement: Measurement

    @property
    def duration_ms(self) -> int:
        return self.measurement.duration_ms


def gap_before(previous_kind: str, gap_ms: int, chime_gap_ms: int) -> int:
    """Return the silence between two parts: shorter after the chime, whose tail already rings."""
    return chime_gap_ms if previous_kind == "chime" else gap_ms


def layout_programme(parts: Sequence[tuple[str, str, int]], *, gap_ms: int,
                     chime_gap_ms: int = 400) -> ProgrammeLayout:
    """Place (kind, label, duration_ms) parts one after another with silent gaps between them."""
    if gap_ms < 0 or chime_gap_ms < 0:
        raise ValueError("gaps cannot be negative")
    entries: list[ProgrammeEntry] = []
    position = 0
    for index, (kind, label, duration_ms) in enumerate(parts):
        if kind not in KINDS:
            raise ValueError(f"unknown programme part kind {kind!r}")
        if duration_ms < 0:
            raise ValueError("durations cannot be negative")
        if index:
            position += gap_before(entries[-1].kind, gap_ms, chime_gap_ms)
        entries.append(ProgrammeEntry(kind, label, position, duration_ms))
        position += duration_ms
    return ProgrammeLayout(tuple(entries), position)


def standard_parts(ident: Path, items: Sequence[tuple[str, Path]], closing: Path, *,
                   chime: Path | None = None, ident_label: str = "Giới thiệu đài",
                   closing_label: str = "Kết thúc") -> list[ProgrammePart]:
    """List a slot's parts in broadcast order: chime, ident, the items, closing ident."""
    if chime is None:
        from broadcaster.audio.chime import chime_path

        chime = chime_path()
    parts = [ProgrammePart("chime", "Nhạc hiệu", Path(chime)),
             ProgrammePart("ident", ident_label, Path(ident))]
    parts += [ProgrammePart("item", label, Path(path)) for label, path in items]
    parts.append(ProgrammePart("closing", closing_label, Path(closing)))
    return parts


def _ms_to_samples(ms: int) -> int:
    return round(ms * SAMPLE_RATE / 1000)


def _decode_to_wav(src: Path, dest: Path) -> int:
    """Decode a part to 16-bit mono 44.1 kHz WAV; return its length in samples."""
    run_ffmpeg(["-y", "-i", src, "-map", "0:a:0", "-ac", "1", "-ar", SAMPLE_RATE,
                "-c:a", "pcm_s16le", "-map_metadata", "-1", "-f", "wav", dest],
               timeout=timeout_for(None), what=f"giải mã '{Path(src).name}'")
    with wave.open(str(dest), "rb") as wav:
        return wav.getnframes()


def render_programme(parts: Sequence[ProgrammePart], dest: Path, *, gap_ms: int,
                     chime_gap_ms: int = 400,
                     target: LoudnessTarget = LoudnessTarget()) -> RenderedProgramme:
    """Render the parts into one loudness-normalized MP3 at dest and return its layout."""
    if not parts:
        raise AudioError("Chương trình không có phần nào để phát.")
    with tempfile.TemporaryDirectory(prefix="broadcaster-programme-") as work:
        decoded: list[tuple[ProgrammePart, Path, int]] = []
        for index, part in enumerate(parts):
            wav_path = Path(work) / f"part{index:03d}.wav"
            samples = _decode_to_wav(part.path, wav_path)
            if samples == 0:
                raise AudioError(f"Phần '{part.label}' không có âm thanh.")
            decoded.append((part, wav_path, samples))
        layout = layout_programme(
            [(p.kind, p.label, round(n * 1000 / SAMPLE_RATE)) for p, _, n in decoded],
            gap_ms=gap_ms, chime_gap_ms=chime_gap_ms)
        joined = Path(work) / "programme.wav"
        with wave.open(str(joined), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(_SAMPLE_WIDTH)
            out.setframerate(SAMPLE_RATE)
            written = 0
            for (part, wav_path, _), entry in zip(decoded, layout.entries):
                # Pad up to the planned offset, so rounding never drifts from the layout.
                silence = _ms_to_samples(entry.offset_ms) - written
                out.writeframes(b"\0" * (_SAMPLE_WIDTH * max(0, silence)))
                written += max(0, silence)
                with wave.open(str(wav_path), "rb") as src:
                    while chunk := src.readframes(1 << 16):
                        out.writeframes(chunk)
                        written += len(chunk) // _SAMPLE_WIDTH
        measurement = normalize_to_mp3(joined, Path(dest), target)
    return RenderedProgramme(Path(dest), layout, measurement)
