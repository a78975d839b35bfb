"""Uploaded recordings: checked, test-decoded, measured and normalized before they are stored.

A rejected upload raises UploadError with the reason in Vietnamese and leaves nothing at the
destination. Silence inside the recording is kept as it is (nothing like silenceremove runs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from broadcaster.audio.errors import AudioError, UploadError
from broadcaster.audio.ffmpeg import SAMPLE_RATE, decode_errors, measure, probe, timeout_for
from broadcaster.audio.loudness import LoudnessTarget, normalize_to_mp3

log = logging.getLogger(__name__)

EXTENSIONS = {".mp3": "MP3", ".wav": "WAV", ".m4a": "M4A", ".ogg": "OGG"}
# Demuxers ffmpeg reports for those files; anything else (images, video, text) is refused.
FORMATS = {"mp3", "wav", "mov,mp4,m4a,3gp,3g2,mj2", "ogg"}
TRUNCATION_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_seconds: float

    @classmethod
    def from_megabytes_minutes(cls, megabytes: float, minutes: float) -> "UploadLimits":
        return cls(int(megabytes * 1024 * 1024), minutes * 60)


@dataclass(frozen=True)
class Recording:
    """An accepted upload, stored as a normalized mono MP3."""

    path: Path
    original_name: str
    source_format: str
    source_codec: str
    duration_ms: int
    lufs: float
    true_peak: float


def check_name_and_size(original_name: str, size: int, limits: UploadLimits) -> str:
    """Check the file name's extension and the size; return the kind (MP3, WAV, M4A, OGG)."""
    suffix = Path(original_name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise UploadError(f"Tệp '{original_name}' không được nhận: chỉ nhận bản ghi MP3, WAV, "
                          "M4A hoặc OGG.")
    if size == 0:
        raise UploadError(f"Tệp '{original_name}' rỗng (0 byte).")
    if size > limits.max_bytes:
        raise UploadError(f"Tệp '{original_name}' quá lớn: {_mb(size)} MB, tối đa "
                          f"{_mb(limits.max_bytes)} MB.")
    return EXTENSIONS[suffix]


def check_duration(original_name: str, seconds: float, limits: UploadLimits) -> None:
    """Refuse a recording longer than the limit."""
    if seconds > limits.max_seconds:
        raise UploadError(f"Bản ghi '{original_name}' quá dài: {_minutes(seconds)}, tối đa "
                          f"{_minutes(limits.max_seconds)}.")


def import_upload(source: Path, dest: Path, *, original_name: str, limits: UploadLimits,
                  target: LoudnessTarget = LoudnessTarget()) -> Recording:
    """Check an uploaded file and store it at dest as a normalized MP3, or raise UploadError."""
    source, dest = Path(source), Path(dest)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise UploadError(f"Không đọc được tệp tải lên: {exc}.") from None
    kind = check_name_and_size(original_name, size, limits)
    info = probe(source)
    if info is None or info.format_name not in FORMATS:
        raise UploadError(f"Tệp '{original_name}' không phải bản ghi âm thanh ({kind}) hoặc đã "
                          "bị hỏng.")
    if info.audio_codec is None:
        raise UploadError(f"Tệp '{original_name}' không có tiếng (không chứa luồng âm thanh).")
    if info.duration_s is not None:
        check_duration(original_name, info.duration_s, limits)
    timeout = timeout_for(info.duration_s)
    errors = decode_errors(source, timeout=timeout)
    if errors:
        log.info("upload %s does not decode cleanly: %s", original_name, errors[:3])
        raise UploadError(f"Tệp '{original_name}' bị hỏng, không giải mã được trọn vẹn "
                          f"({errors[0][:120]}).")
    try:
        decoded = measure(source, true_peak=False, timeout=timeout)
    except AudioError as exc:
        raise UploadError(f"Tệp '{original_name}' không giải mã được: {exc}") from None
    seconds = decoded.samples / SAMPLE_RATE
    if decoded.samples == 0:
        raise UploadError(f"Tệp '{original_name}' không có âm thanh nào.")
    check_duration(original_name, seconds, limits)
    if info.duration_s is not None and seconds < info.duration_s - TRUNCATION_TOLERANCE_S:
        raise UploadError(f"Tệp '{original_name}' bị cắt cụt: phần đầu tệp ghi dài "
                          f"{_minutes(info.duration_s)} nhưng chỉ giải mã được {_minutes(seconds)}.")
    if decoded.silent:
        raise UploadError(f"Bản ghi '{original_name}' im lặng (hoặc ngắn dưới nửa giây).")
    try:
        result = normalize_to_mp3(source, dest, target)
    except AudioError as exc:
        raise UploadError(f"Không chuẩn hóa được bản ghi '{original_name}': {exc}") from None
    return Recording(dest, original_name, kind, info.audio_codec, result.duration_ms,
                     result.integrated_lufs, result.true_peak_dbtp)


def _mb(size: float) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _minutes(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60} phút {whole % 60:02d} giây"
