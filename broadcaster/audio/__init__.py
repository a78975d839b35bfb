"""Audio: ffmpeg helpers (probe, measure, loudness), uploads, the chime and slot programmes."""

from broadcaster.audio.errors import AudioError, UploadError
from broadcaster.audio.ffmpeg import Measurement, Probe, ffmpeg_exe, measure, probe
from broadcaster.audio.loudness import LoudnessTarget, normalize_to_mp3
from broadcaster.audio.programme import (ProgrammeEntry, ProgrammeLayout, ProgrammePart,
                                         RenderedProgramme, layout_programme, render_programme,
                                         standard_parts)
from broadcaster.audio.uploads import Recording, UploadLimits, import_upload

__all__ = [
    "AudioError", "LoudnessTarget", "Measurement", "Probe", "ProgrammeEntry", "ProgrammeLayout",
    "ProgrammePart", "Recording", "RenderedProgramme", "UploadError", "UploadLimits",
    "ffmpeg_exe", "import_upload", "layout_programme", "measure", "normalize_to_mp3", "probe",
    "render_programme", "standard_parts",
]
