"""espeak-ng: the offline engine that is always there (the default).

Two backends read with the same voices and pace: the ``espeak-ng`` program when it is installed
(the distribution's maintained build), else the library bundled in the ``espeakng-loader`` wheel
(``broadcaster.tts.espeak_library``), so offline speech needs no system package.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

from broadcaster.tts import espeak_library
from broadcaster.tts.base import Engine, register
from broadcaster.tts.errors import SpeechError

log = logging.getLogger(__name__)

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")
BACKENDS = ("auto", "program", "library")
BASE_WPM = 175
"""espeak-ng's own default rate; speed 1.0 keeps it, 0.8 gives 140 words per minute."""

INSTALL_HINT = ("Hãy cài espeak-ng: trên Debian/Ubuntu 'sudo apt install espeak-ng'; trên Windows "
                "cài bản espeak-ng .msi từ trang phát hành của dự án espeak-ng (xem docs/audio.md).")


def find_espeak() -> str | None:
    """Return the espeak-ng program on PATH (or in its default Windows folder), else None."""
    found = shutil.which("espeak-ng")
    if found:
        return found
    if sys.platform == "win32":
        for base in (os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)")):
            if base and (Path(base) / "eSpeak NG" / "espeak-ng.exe").is_file():
                return str(Path(base) / "eSpeak NG" / "espeak-ng.exe")
    return None


@functools.cache
def _version_of(executable: str) -> str:
    try:
        proc = subprocess.run([executable, "--version"], capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=15, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpeechError(f"Không chạy được espeak-ng: {exc}. {INSTALL_HINT}") from None
    # "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data"
    words = proc.stdout.split()
    for index, word in enumerate(words):
        if word.endswith("text-to-speech:") and index + 1 < len(words):
            return f"espeak-ng {words[index + 1]}"
    return "espeak-ng " + (proc.stdout.strip().splitlines() or ["?"])[0][:60]


@register
class EspeakEngine(Engine):
    """Vietnamese voices of espeak-ng: northern (vi), central and southern."""

    name = "espeak"

    def __init__(self, *, voice: str = "vi", speed: float = 1.0, executable: str | None = None,
                 backend: str = "auto"):
        if voice not in VOICES:
            raise SpeechError(f"Giọng espeak '{voice}' không có; chọn một trong: "
                              + ", ".join(VOICES) + ".")
        if backend not in BACKENDS:
            raise SpeechError(f"Cách chạy espeak '{backend}' không có; chọn một trong: "
                              + ", ".join(BACKENDS) + ".")
        super().__init__(voice=voice, speed=speed)
        self._executable = executable
        self._auto = backend == "auto"
        if backend == "auto":
            backend = "program" if (executable or find_espeak()) else "library"
        self.backend = backend
        """'program' (the espeak-ng program) or 'library' (the bundled one), chosen when built."""

    @classmethod
    def accepts_voice(cls, voice: str) -> bool:
        return voice in VOICES

    @property
    def wpm(self) -> int:
        return round(BASE_WPM * self.speed)

    @property
    def options(self) -> Mapping[str, Any]:
        return {"speed": self.speed, "wpm": self.wpm}

    def executable(self) -> str:
        found = self._executable or find_espeak()
        if not found:
            raise SpeechError("Không tìm thấy chương trình espeak-ng. " + INSTALL_HINT)
        return found

    def check(self) -> None:
        if self.backend == "program":
            self.executable()
            return
        try:
            espeak_library.library()
        except SpeechError as exc:
            if not self._auto:
                raise
            raise SpeechError("Không tìm thấy chương trình espeak-ng, và thư viện espeak-ng kèm "
                              f"theo không dùng được: {exc} {INSTALL_HINT}") from None

    def version(self) -> str:
        if self.backend == "library":
            return espeak_library.version()
        return _version_of(self.executable())

    def synthesize(self, text: str, workdir: Path) -> Path:
        out = Path(workdir) / "espeak.wav"
        if self.backend == "library":
            return espeak_library.synthesize(text, self.voice, self.wpm, out)
        # Text goes through stdin: no length limit and no risk of being read as an option.
        command = [self.executable(), "-v", self.voice, "-s", str(self.wpm), "-b", "1",
                   "-w", str(out), "--stdin"]
        timeout = 60 + len(text) / 20
        try:
            proc = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng chạy quá {timeout:.0f} giây.") from None
        except OSError as exc:
            raise SpeechError(f"Không chạy được espeak-ng: {exc}. {INSTALL_HINT}") from None
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        if proc.returncode != 0:
            raise SpeechError(f"espeak-ng báo lỗi (mã {proc.returncode}): {stderr[-300:]}")
        if not out.is_file() or out.stat().st_size <= 44:
            raise SpeechError("espeak-ng không tạo ra âm thanh nào." + (f" {stderr[-300:]}"
                                                                       if stderr else ""))
        return out
