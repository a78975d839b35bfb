"""The engine contract: a small base class with ``synthesize``, and a registry by name.

The built-in engines register themselves when the package is imported (broadcaster/tts/__init__).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Mapping

from broadcaster.tts.errors import SpeechError

MIN_SPEED = 0.5
MAX_SPEED = 2.0


def check_speed(speed: float) -> float:
    """Accept a speaking-rate factor (1.0 = the engine's normal pace) between 0.5 and 2.0."""
    try:
        value = float(speed)
    except (TypeError, ValueError):
        raise SpeechError(f"Tốc độ đọc '{speed}' không hợp lệ: cần một số từ 0,5 đến 2.") from None
    if not MIN_SPEED <= value <= MAX_SPEED:
        shown = f"{value:g}".replace(".", ",")
        raise SpeechError(f"Tốc độ đọc {shown} nằm ngoài khoảng 0,5–2 (1 là tốc độ bình thường).")
    return value


class Engine(ABC):
    """A text-to-speech engine. Subclasses set ``name`` and register with ``@register``.

    ``synthesize`` writes raw audio in any format ffmpeg decodes; loudness, format and caching are
    done once, by the chain, for every engine alike. Every failure is a SpeechError.
    """

    name: ClassVar[str] = ""

    def __init__(self, *, voice: str, speed: float = 1.0):
        self.voice = voice
        self.speed = check_speed(speed)

    @property
    def options(self) -> Mapping[str, Any]:
        """Settings that change the sound, recorded with each clip and part of its cache key."""
        return {"speed": self.speed}

    @classmethod
    def accepts_voice(cls, voice: str) -> bool:
        """Tell whether a voice name belongs to this engine (used to route --voice)."""
        return True

    def check(self) -> None:
        """Raise SpeechError if this engine cannot run here (missing program, model, package)."""

    @abstractmethod
    def version(self) -> str:
        """Return the version of the engine and voice data that would produce the audio."""

    @abstractmethod
    def synthesize(self, text: str, workdir: Path) -> Path:
        """Write raw speech for text into workdir and return the file's path."""

    def describe(self) -> str:
        """Say in a few words which engine and voice this is (for messages to operators)."""
        return f"{self.name} (giọng {self.voice}, tốc độ {self.speed:g})"


_REGISTRY: dict[str, type[Engine]] = {}


def register(cls: type[Engine]) -> type[Engine]:
    """Class decorator: make an engine available under its ``name``."""
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no engine name")
    _REGISTRY[cls.name] = cls
    return cls


def engine_names() -> list[str]:
    """Return the names of the registered engines."""
    return sorted(_REGISTRY)


def engine_class(name: str) -> type[Engine]:
    """Return the engine registered under name, or raise SpeechError."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise SpeechError(f"Không có bộ đọc nào tên '{name}'. Các bộ đọc có sẵn: "
                          + ", ".join(sorted(_REGISTRY)) + ".") from None


def create_engine(name: str, **config: Any) -> Engine:
    """Build a registered engine with its configuration (voice, speed, engine-specific)."""
    return engine_class(name)(**config)

