"""Piper: offline neural voices from a user-supplied ``.onnx`` model and its ``.onnx.json``."""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import wave
from pathlib import Path
from typing import Any, Mapping

from broadcaster.tts.base import Engine, register
from broadcaster.tts.errors import SpeechError

log = logging.getLogger(__name__)

_VOICES: dict[tuple, Any] = {}
_VOICES_LOCK = threading.Lock()


@functools.cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> str:
    """Return a short SHA-256 of a file, remembered while its size and mtime stay the same."""
    stat = path.stat()
    return _file_digest(str(path), stat.st_size, stat.st_mtime_ns)


@register
class PiperEngine(Engine):
    """A Piper voice; ``voice`` is the path of the .onnx model (setting tts.piper_model)."""

    name = "piper"

    def __init__(self, *, voice: str = "", speed: float = 1.0, config: str | None = None):
        self.model = Path(voice).expanduser() if voice else None
        self.config = (Path(config).expanduser() if config
                       else Path(f"{self.model}.json") if self.model else None)
        super().__init__(voice=_voice_name(self.model), speed=speed)

    @classmethod
    def accepts_voice(cls, voice: str) -> bool:
        return voice.lower().endswith(".onnx")

    @property
    def options(self) -> Mapping[str, Any]:
        return {"speed": self.speed, "length_scale_factor": round(1 / self.speed, 4)}

    def check(self) -> None:
        if self.model is None:
            raise SpeechError("Chưa chọn giọng Piper: đặt tts.piper_model là đường dẫn tệp .onnx "
                              "(xem docs/audio.md).")
        if not self.model.is_file():
            raise SpeechError(f"Không thấy tệp giọng Piper {self.model}.")
        if self.config is None or not self.config.is_file():
            raise SpeechError(f"Không thấy tệp cấu hình giọng Piper {self.config} "
                              "(phải nằm cạnh tệp .onnx).")
        try:
            import piper  # noqa: F401
        except ImportError as exc:
            raise SpeechError(f"Chưa cài gói piper-tts ({exc}); hãy cài: pip install piper-tts."
                              ) from None

    def version(self) -> str:
        self.check()
        from importlib.metadata import PackageNotFoundError, version

        try:
            package = version("piper-tts")
        except PackageNotFoundError:
            package = "?"
        return (f"piper-tts {package}; model {file_digest(self.model)}; "
                f"config {file_digest(self.config)}")

    def _load(self) -> Any:
        from piper import PiperVoice

        stat_model, stat_config = self.model.stat(), self.config.stat()
        key = (str(self.model), stat_model.st_mtime_ns, stat_model.st_size,
               str(self.config), stat_config.st_mtime_ns, stat_config.st_size)
        with _VOICES_LOCK:
            if key not in _VOICES:
                log.info("loading Piper voice %s", self.model)
                _VOICES[key] = PiperVoice.load(self.model, config_path=self.config)
            return _VOICES[key]

    def synthesize(self, text: str, workdir: Path) -> Path:
        self.check()
        out = Path(workdir) / "piper.wav"
        # Piper, onnxruntime and the phonemizer raise many kinds of errors; this is the
        # plug-in boundary, so every one of them becomes the contract's SpeechError.
        try:
            from piper import SynthesisConfig

            voice = self._load()
            syn = SynthesisConfig(length_scale=voice.config.length_scale / self.speed)
            with wave.open(str(out), "wb") as wav:
                voice.synthesize_wav(text, wav, syn_config=syn)
            with wave.open(str(out), "rb") as wav:
                frames = wav.getnframes()
        except SpeechError:
            raise
        except Exception as exc:  # noqa: BLE001 - see comment above
            log.warning("piper failed on %s: %r", self.model, exc)
            raise SpeechError(f"Piper không đọc được ({type(exc).__name__}: {exc}).") from None
        if frames == 0:
            raise SpeechError("Piper không tạo ra âm thanh nào.")
        return out


def _voice_name(model: Path | None) -> str:
    if model is None:
        return ""
    name = model.name
    return name[:-5] if name.endswith(".onnx") else name
