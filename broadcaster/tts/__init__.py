"""Speech: text-to-speech engines behind one contract, a fallback chain and a clip cache.

Engines (registered by name): ``espeak`` (espeak-ng, offline, default), ``gtts`` (Google,
online), ``piper`` (offline neural, user-supplied .onnx voice). See docs/audio.md.
"""

from broadcaster.tts.base import Engine, create_engine, engine_class, engine_names, register
from broadcaster.tts import espeak, google, piper_voice  # noqa: F401,E402  (they register themselves)
from broadcaster.tts.cache import ClipCache, clip_key
from broadcaster.tts.chain import SpeechChain, spoken_form
from broadcaster.tts.config import build_chain, build_engines
from broadcaster.tts.errors import SpeechError
from broadcaster.tts.records import Clip, SkipReason

__all__ = [
    "Clip", "ClipCache", "Engine", "SkipReason", "SpeechChain", "SpeechError",
    "build_chain", "build_engines", "clip_key", "create_engine", "engine_class", "engine_names",
    "register", "spoken_form",
]
