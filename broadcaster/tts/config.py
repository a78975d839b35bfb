"""Build the speech chain from the station's settings (``tts.*``, ``audio.bitrate``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from broadcaster.audio.config import loudness_target
from broadcaster.home import Home
from broadcaster.tts.base import Engine, create_engine, engine_class
from broadcaster.tts.cache import ClipCache
from broadcaster.tts.chain import SpeechChain
from broadcaster.tts.errors import SpeechError


def engine_config(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return the constructor arguments of one engine, read from the settings."""
    config: dict[str, Any] = {"speed": settings["tts.speed"]}
    if name == "espeak":
        config["voice"] = settings["tts.espeak_voice"]
    elif name == "gtts":
        config["timeout"] = settings["tts.gtts_timeout"]
        config["retries"] = settings["tts.gtts_retries"]
    elif name == "piper":
        config["voice"] = settings["tts.piper_model"]
    return config


def build_engines(settings: Mapping[str, Any], *, names: Sequence[str] | None = None,
                  voice: str | None = None, speed: float | None = None) -> list[Engine]:
    """Create the chain's engines; voice goes to the first engine it belongs to, speed to all.

    Voice names tell their engine apart: espeak's vi / vi-vn-x-central / vi-vn-x-south, a Piper
    .onnx path, Google's vi. So ``--voice vi-vn-x-south`` reaches espeak even behind gtts.
    """
    chosen = list(names) if names else list(settings["tts.engines"])
    classes = [engine_class(name) for name in chosen]  # unknown names fail here, listing known
    owner = None
    if voice is not None:
        owner = next((i for i, cls in enumerate(classes) if cls.accepts_voice(voice)), None)
        if owner is None:
            raise SpeechError(f"Giọng '{voice}' không thuộc bộ đọc nào trong chuỗi "
                              f"({', '.join(chosen)}).")
    engines = []
    for index, name in enumerate(chosen):
        config = engine_config(name, settings)
        if speed is not None:
            config["speed"] = speed
        if index == owner:
            config["voice"] = voice
        engines.append(create_engine(name, **config))
    return engines


def build_chain(settings: Any, *, names: Sequence[str] | None = None, voice: str | None = None,
                speed: float | None = None, cache_dir: Path | None = None) -> SpeechChain:
    """Return the station's speech chain; the cache is the station home's cache/clips/."""
    engines = build_engines(settings, names=names, voice=voice, speed=speed)
    folder = cache_dir if cache_dir is not None else Home(settings.home).clip_cache
    return SpeechChain(engines, ClipCache(folder), loudness_target(settings))
