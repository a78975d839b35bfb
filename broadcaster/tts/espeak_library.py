"""espeak-ng as a library: the copy bundled in the ``espeakng-loader`` wheel, called through ctypes.

Used by the ``espeak`` engine when the ``espeak-ng`` program is not installed, so a station needs
no system package (and no root or admin rights) for offline speech on Linux, macOS or Windows.

The library keeps global state and is not thread-safe: it is loaded and initialized once per
process, and every synthesis holds ``_LOCK``. The ctypes callback lives as long as the process.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from broadcaster.tts.errors import SpeechError

log = logging.getLogger(__name__)

# From espeak-ng's speak_lib.h.
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000  # without it, a bad data folder makes the library call exit(1)
POS_CHARACTER = 1
CHARS_UTF8 = 1
ENDPAUSE = 0x1000  # a pause at the end of the text, as the espeak-ng program adds
RATE = 1
EE_OK = 0

PATH_LIMIT = 230 if sys.platform == "win32" else 160
"""espeak-ng keeps its data folder's path in a buffer of this many bytes (N_PATH_HOME)."""

LIBRARY_HINT = ("Gói espeakng-loader (thư viện espeak-ng kèm theo trạm) bị thiếu hoặc hỏng; hãy "
                "cài lại: pip install --force-reinstall espeakng-loader (xem docs/audio.md).")

_CALLBACK_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                  ctypes.c_void_p)
_LOCK = threading.Lock()
_sink: bytearray | None = None  # where the callback puts samples during one synthesis


def _collect(wav, numsamples, events):  # called by the library, under _LOCK
    if _sink is not None and wav and numsamples > 0:
        _sink.extend(ctypes.string_at(wav, numsamples * 2))
    return 0


_CALLBACK = _CALLBACK_TYPE(_collect)  # referenced for the life of the process


@dataclass(frozen=True)
class Library:
    """A loaded, initialized libespeak-ng."""

    cdll: ctypes.CDLL
    sample_rate: int
    version: str
    data_path: str


_library: Library | None = None
_broken: str | None = None  # initialization failed: the library's state is not to be trusted


def bundled_paths() -> tuple[str, str]:
    """Return (shared library, espeak-ng-data folder) shipped in the espeakng-loader wheel."""
    try:
        import espeakng_loader
    except ImportError:
        raise SpeechError("Chưa cài gói espeakng-loader (thư viện espeak-ng kèm theo trạm). "
                          + LIBRARY_HINT) from None
    try:
        return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
    except (OSError, RuntimeError) as exc:
        raise SpeechError(f"Gói espeakng-loader thiếu dữ liệu giọng đọc ({exc}). "
                          + LIBRARY_HINT) from None


def library() -> Library:
    """Return the bundled library, loading and initializing it on first use in this process."""
    global _library, _broken
    with _LOCK:
        if _library is not None:
            return _library
        if _broken is not None:
            raise SpeechError(_broken)
        library_path, data_path = bundled_paths()
        try:
            _library = load(library_path, data_path)
        except _InitFailed as exc:
            _broken = str(exc)
            raise SpeechError(_broken) from None
        log.info("espeak-ng library %s loaded from %s", _library.version, library_path)
        return _library


class _InitFailed(SpeechError):
    """espeak_Initialize ran and failed: the library must not be used again in this process."""


def load(library_path: str, data_path: str) -> Library:
    """Load the shared library and initialize it with data_path (call once per library file)."""
    data = Path(data_path)
    if not (data / "phontab").is_file() or not (data / "vi_dict").is_file():
        raise SpeechError(f"Không thấy dữ liệu tiếng Việt của espeak-ng trong {data}. "
                          + LIBRARY_HINT)
    c_data = _c_path(str(data))
    if len(c_data) >= PATH_LIMIT:
        raise SpeechError(f"Đường dẫn dữ liệu espeak-ng quá dài ({len(c_data)} byte, thư viện chỉ "
                          f"nhận dưới {PATH_LIMIT}): {data}. Hãy cài trạm vào thư mục có đường "
                          "dẫn ngắn hơn.")
    if not Path(library_path).is_file():
        raise SpeechError(f"Không thấy thư viện espeak-ng {library_path}. " + LIBRARY_HINT)
    try:
        cdll = ctypes.CDLL(library_path)
        _declare(cdll)
    except (OSError, AttributeError) as exc:
        raise SpeechError(f"Không nạp được thư viện espeak-ng {library_path}: {exc}. "
                          + LIBRARY_HINT) from None
    rate = cdll.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, c_data, INITIALIZE_DONT_EXIT)
    used = ctypes.c_char_p()
    version = (cdll.espeak_Info(ctypes.byref(used)) or b"?").decode("ascii", "replace")
    if rate <= 0 or not used.value or not _same_path(used.value, c_data):
        # Failed, or silently fell back to another data folder (ESPEAK_DATA_PATH, built-in path).
        shown = used.value.decode("utf-8", "replace") if used.value else "?"
        raise _InitFailed(f"Thư viện espeak-ng không khởi động được (tốc độ mẫu {rate}, dữ liệu "
                          f"{shown}). " + LIBRARY_HINT)
    cdll.espeak_SetSynthCallback(_CALLBACK)
    return Library(cdll, rate, version, str(data))


def version() -> str:
    """Say which espeak-ng this is: "espeak-ng 1.52.0 (thư viện kèm theo, espeakng-loader …)"."""
    lib = library()
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        loader = package_version("espeakng-loader")
    except PackageNotFoundError:
        loader = "?"
    return f"espeak-ng {lib.version} (thư viện kèm theo, espeakng-loader {loader})"


def synthesize(text: str, voice: str, wpm: int, out: Path) -> Path:
    """Read text with voice at wpm words per minute; write a 16-bit mono WAV to out."""
    global _sink
    lib = library()
    encoded = text.replace("\x00", " ").encode("utf-8")
    with _LOCK:
        code = lib.cdll.espeak_SetVoiceByName(voice.encode("ascii", "replace"))
        if code != EE_OK:
            raise SpeechError(f"Thư viện espeak-ng không có giọng '{voice}' (mã lỗi {code}).")
        code = lib.cdll.espeak_SetParameter(RATE, int(wpm), 0)
        if code != EE_OK:
            raise SpeechError(f"Thư viện espeak-ng không đặt được tốc độ {wpm} từ/phút "
                              f"(mã lỗi {code}).")
        _sink = bytearray()
        try:
            code = lib.cdll.espeak_Synth(encoded, len(encoded) + 1, 0, POS_CHARACTER, 0,
                                         CHARS_UTF8 | ENDPAUSE, None, None)
            if code == EE_OK:
                code = lib.cdll.espeak_Synchronize()
            pcm = bytes(_sink)
        finally:
            _sink = None
    if code != EE_OK:
        raise SpeechError(f"Thư viện espeak-ng báo lỗi khi đọc (mã lỗi {code}).")
    if not pcm:
        raise SpeechError("Thư viện espeak-ng không tạo ra âm thanh nào.")
    try:  # samples in native byte order, as the wave module expects
        with wave.open(str(out), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(lib.sample_rate)
            wav.writeframes(pcm)
    except OSError as exc:
        raise SpeechError(f"Không ghi được tệp âm thanh {out}: {exc}") from None
    return out


def _declare(cdll: ctypes.CDLL) -> None:
    cdll.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    cdll.espeak_Initialize.restype = ctypes.c_int
    cdll.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    cdll.espeak_Info.restype = ctypes.c_char_p
    cdll.espeak_SetSynthCallback.argtypes = [_CALLBACK_TYPE]
    cdll.espeak_SetSynthCallback.restype = None
    cdll.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    cdll.espeak_SetVoiceByName.restype = ctypes.c_int
    cdll.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    cdll.espeak_SetParameter.restype = ctypes.c_int
    cdll.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                  ctypes.c_uint, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint),
                                  ctypes.c_void_p]
    cdll.espeak_Synth.restype = ctypes.c_int
    cdll.espeak_Synchronize.argtypes = []
    cdll.espeak_Synchronize.restype = ctypes.c_int


def _same_path(a: bytes, b: bytes) -> bool:
    def norm(p: bytes) -> str:
        return os.path.normcase(os.path.normpath(p.decode("latin-1")))

    return norm(a) == norm(b)


def _c_path(path: str) -> bytes:
    """Encode a path the way the library's fopen() reads it (the ANSI code page on Windows)."""
    if sys.platform != "win32":
        return os.fsencode(path)
    try:
        return path.encode("mbcs")
    except UnicodeEncodeError:
        pass
    # A folder name the code page cannot spell (e.g. C:\Users\Nguyễn\...): use its 8.3 short name.
    buffer = ctypes.create_unicode_buffer(32768)
    if ctypes.windll.kernel32.GetShortPathNameW(path, buffer, len(buffer)):
        try:
            return buffer.value.encode("mbcs")
        except UnicodeEncodeError:
            pass
    raise SpeechError(f"Thư viện espeak-ng không đọc được thư mục có tên này: {path}. Hãy cài "
                      "trạm vào thư mục chỉ có chữ không dấu.")
