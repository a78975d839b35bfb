"""Station settings: one declarative table, read from broadcaster.toml and the environment.

Precedence (last wins): the defaults below, ``<home>/broadcaster.toml``, then environment variables
``BROADCASTER_<NAME>`` with dots turned into underscores (``web.port`` -> ``BROADCASTER_WEB_PORT``).
In the TOML file a setting ``web.port`` is written ``port = 8080`` under ``[web]``.
Every setting is documented in docs/settings.md; a test keeps that file complete.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from broadcaster.errors import ConfigError
from broadcaster.home import Home

ENV_PREFIX = "BROADCASTER_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: str = "str"  # str, int, float, bool, list, choice
    choices: tuple[str, ...] = ()
    minimum: float | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "", "SQLAlchemy database URL. Empty means SQLite in the station home "
            "(station.db). Example: postgresql+psycopg://radio:secret@localhost/radio."),
    Setting("station", "main", "Code of the station this process serves (a database may hold many "
            "stations; each playout daemon serves one)."),
    Setting("log_level", "INFO", "Logging level.", "choice",
            ("DEBUG", "INFO", "WARNING", "ERROR")),
    Setting("web.host", "127.0.0.1", "Address the web page listens on. 0.0.0.0 exposes it to the "
            "commune LAN (a warning is printed)."),
    Setting("web.port", 8080, "Port of the web page.", "int", minimum=1),
    Setting("planning.unapproved", "skip", "What airs in a slot whose newest plan version is not "
            "approved: skip (nothing) or last-approved (the newest version that was approved).",
            "choice", ("skip", "last-approved")),
    Setting("planning.prepare_at", "20:00", "Local time (HH:MM) at which the next day's plans are "
            "built and their audio rendered, so the approver finds them ready in the morning."),
    Setting("tts.engines", ["espeak"], "Speech engines to try, in order: espeak, gtts, piper. The "
            "first that works makes the clip. Offline default: [\"espeak\"]; online, for example "
            "[\"gtts\", \"piper\", \"espeak\"].", "list"),
    Setting("tts.espeak_voice", "vi", "espeak-ng voice: vi (northern), vi-vn-x-central or "
            "vi-vn-x-south.", "choice", ("vi", "vi-vn-x-central", "vi-vn-x-south")),
    Setting("tts.speed", 1.0, "Speaking-rate factor for every engine, from 0.5 to 2: 1 is the "
            "engine's normal pace (espeak-ng: 175 words per minute; 0.8 gives 140). Google (gtts) "
            "has only normal and slow (below 0.75).", "float", minimum=0.5),
    Setting("tts.gtts_timeout", 10.0, "Seconds to wait for each reply from Google (gtts).",
            "float", minimum=1),
    Setting("tts.gtts_retries", 2, "Retries of a gtts request after HTTP 429, 5xx or a connection "
            "error, waiting 1 s, 2 s, 4 s... in between.", "int", minimum=0),
    Setting("tts.piper_model", "", "Path of the Piper voice model (.onnx, with its .onnx.json "
            "beside it). Empty: piper is skipped."),
    Setting("audio.bitrate", "128k", "MP3 bitrate of clips, uploaded recordings and programmes.",
            "choice", ("64k", "96k", "128k", "160k", "192k", "256k", "320k")),
    Setting("audio.upload_max_mb", 50.0, "Largest uploaded recording accepted, in megabytes.",
            "float", minimum=1),
    Setting("audio.upload_max_minutes", 30.0, "Longest uploaded recording accepted, in minutes.",
            "float", minimum=0.1),
    Setting("audio.gap_seconds", 1.5, "Silence between the parts of a slot programme (station "
            "ident, items, closing ident), in seconds.", "float", minimum=0),
    Setting("playout.outputs", ["device", "aircheck"], "Where the playout daemon sends what airs, "
            "several at once: device (the sound card), icecast (a mount for IP loudspeakers), "
            "aircheck (a recording of exactly what aired). `broadcaster playout --output` overrides.",
            "list"),
    Setting("playout.device", "auto", "Sound card used by the device output: auto (ALSA default on "
            "Linux, sounddevice elsewhere), alsa:NAME, pulse:NAME or sounddevice:NAME."),
    Setting("playout.reconcile_seconds", 30, "How often the playout daemon re-reads every plan, "
            "in seconds (changes are also noticed within about two seconds).", "int", minimum=1),
    Setting("playout.clock_settle_seconds", 300, "After the playout daemon starts, or its wall clock "
            "steps, how many seconds a slot that seems to have passed just before waits before it "
            "is logged MISSED: a PC's clock can run ahead at boot until it is synchronized, and the "
            "slot may still be to come. 0 logs at once.", "int", minimum=0),
    Setting("playout.resume", "resume-item", "What happens to a slot cut by an emergency or a "
            "crash: resume-item (air it again from the start of the cut item while the slot's time "
            "lasts) or none.", "choice", ("resume-item", "none")),
    Setting("playout.resume_fit", "cut", "A resumed slot whose rest does not fit before the next "
            "slot: cut (air it, cut with a fade at the next slot's start) or whole (do not resume "
            "it). Nothing ever delays the next slot.", "choice", ("cut", "whole")),
    Setting("playout.request_ttl_minutes", 10, "Minutes a manual or emergency play request waits "
            "for the playout daemon to take it; after that it is closed unplayed (quá hạn).", "int",
            minimum=1),
    Setting("storage.programme_keep_days", 30, "Days a slot programme file is kept after its air "
            "date; older ones are deleted every day (they can be rendered again from the plan). "
            "0 keeps them for ever.", "int", minimum=0),
    Setting("storage.aircheck_keep_days", 180, "Days an air-check recording is kept after its air "
            "date; older ones are deleted every day. The as-run log itself is never deleted. "
            "0 keeps them for ever.", "int", minimum=0),
    Setting("icecast.host", "127.0.0.1", "Icecast server the icecast output streams to."),
    Setting("icecast.port", 8000, "Port of the Icecast server.", "int", minimum=1),
    Setting("icecast.mount", "/radio.mp3", "Icecast mount point the IP loudspeakers listen to."),
    Setting("icecast.user", "source", "Icecast source user name."),
    Setting("icecast.password", "", "Icecast source password (source-password in icecast.xml)."),
    Setting("alerts.targets", [], "Where alerts go: notification URLs of the apprise library, "
            "e.g. mailtos://user:password@smtp.example.com?to=staff@example.com, "
            "tgram://BOT_TOKEN/CHAT_ID, json://host:port/path. Admins add more on the web page.",
            "list"),
    Setting("alerts.check_seconds", 5, "How often the watcher (broadcaster watch) looks for "
            "faults, in seconds.", "int", minimum=1),
    Setting("alerts.repeat_minutes", 60, "A fault that lasts is told again every this many "
            "minutes until it ends (then a recovery notice is sent).", "int", minimum=1),
    Setting("alerts.daemon_down_seconds", 30, "Seconds without a heartbeat from the playout "
            "daemon before staff are told it is down.", "int", minimum=11),
    Setting("alerts.unapproved_minutes", 60, "Staff are told when a slot that has a plan is still "
            "not approved this many minutes before it airs.", "int", minimum=1),
    Setting("alerts.dead_air_seconds", 10.0, "Silence on the outputs longer than this, during an "
            "airing, is dead air (well above audio.gap_seconds, the programme's own gaps).",
            "float", minimum=2),
    Setting("alerts.silence_dbfs", -50.0, "Audio whose peak stays below this level (dBFS) counts "
            "as silence for dead-air detection.", "float"),
    Setting("alerts.disk_min_free_mb", 2048, "Staff are told when the disk of the station home "
            "has less free space than this, in megabytes.", "int", minimum=1),
    Setting("alerts.offair_input", "", "Off-air monitor: a sound input that hears what the "
            "loudspeakers play (pulse:SOURCE or alsa:DEVICE), checked for dead air during "
            "airings. Empty: no off-air monitor.", "str"),
    Setting("backup.folder", "", "Folder for the daily backups (a USB disk or a network share). "
            "Empty: the backups folder in the station home.", "str"),
    Setting("backup.keep", 14, "How many backups to keep in the folder; older ones are deleted.",
            "int", minimum=1),
    Setting("backup.at", "02:30", "Local time (HH:MM) of the daily automatic backup."),
    Setting("power.adapter", "none", "How the amplifier or transmitter is switched: none, "
            "command, http, serial or gpio.", "choice", ("none", "command", "http", "serial", "gpio")),
    Setting("power.warmup_seconds", 30, "The amplifier is switched on this many seconds before "
            "each slot.", "int", minimum=0),
    Setting("power.hold_seconds", 120, "The amplifier is switched off this many seconds after "
            "the last airing ends (never while something airs or is about to).", "int", minimum=0),
    Setting("power.on_command", "", "command adapter: the command that switches on."),
    Setting("power.off_command", "", "command adapter: the command that switches off."),
    Setting("power.on_url", "", "http adapter: the URL that switches on, e.g. "
            "http://192.168.1.50/cm?cmnd=Power%20On (Tasmota) or "
            "http://192.168.1.50/relay/0?turn=on (Shelly)."),
    Setting("power.off_url", "", "http adapter: the URL that switches off."),
    Setting("power.serial_port", "", "serial adapter: the relay board's port, e.g. /dev/ttyUSB0."),
    Setting("power.serial_baud", 9600, "serial adapter: baud rate.", "int", minimum=50),
    Setting("power.serial_on", "A0 01 01 A2", "serial adapter: bytes (hex) that close the relay "
            "(LC-Technology boards: A0 01 01 A2)."),
    Setting("power.serial_off", "A0 01 00 A1", "serial adapter: bytes (hex) that open the relay."),
    Setting("power.gpio_chip", "/dev/gpiochip0", "gpio adapter: the GPIO chip (gpiod)."),
    Setting("power.gpio_line", 17, "gpio adapter: the line (pin) driving the relay.", "int",
            minimum=0),
    Setting("report.signer_name", "", "Name of the person who signs the DOCX report (e.g. Nguyễn "
            "Văn A). Empty leaves the place blank to sign and write by hand."),
    Setting("report.signer_title", "CHỦ TỊCH", "Title under 'TM. ỦY BAN NHÂN DÂN' in the DOCX "
            "report; \"/\" starts a new line, e.g. \"KT. CHỦ TỊCH/PHÓ CHỦ TỊCH\"."),
    Setting("report.document_symbol", "BC-UBND", "Symbol after the number in 'Số: .../BC-UBND' "
            "on the DOCX report."),
    Setting("report.recipients", ["UBND huyện", "Phòng Văn hóa và Thông tin huyện",
                                  "Thường trực Đảng ủy xã", "Lưu: VT"],
            "The 'Nơi nhận:' list of the DOCX report, in order.", "list"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def default_home() -> Path:
    """Return the station home used when neither --home nor BROADCASTER_HOME is given."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "broadcaster"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "broadcaster"


def resolve_home(home: str | os.PathLike | None) -> Path:
    """Pick the station home: the explicit argument, else BROADCASTER_HOME, else the default."""
    if home:
        return Path(home).expanduser().resolve()
    env = os.environ.get(ENV_PREFIX + "HOME")
    return Path(env).expanduser().resolve() if env else default_home()


def _coerce(setting: Setting, raw: Any, origin: str) -> Any:
    def fail(expected: str) -> ConfigError:
        return ConfigError(f"Lỗi cấu hình ({origin}): '{setting.name}' {expected}, "
                           f"nhận được {raw!r}.")

    kind = setting.kind
    if kind == "int":
        if isinstance(raw, bool):
            raise fail("phải là số nguyên")
        try:
            value: Any = int(raw)
        except (TypeError, ValueError):
            raise fail("phải là số nguyên") from None
    elif kind == "float":
        if isinstance(raw, bool):
            raise fail("phải là số")
        try:
            value = float(str(raw).replace(",", "."))
        except (TypeError, ValueError):
            raise fail("phải là số") from None
    elif kind == "bool":
        if isinstance(raw, bool):
            value = raw
        elif str(raw).strip().lower() in ("1", "true", "yes", "on", "co", "có"):
            value = True
        elif str(raw).strip().lower() in ("0", "false", "no", "off", "khong", "không"):
            value = False
        else:
            raise fail("phải là true hoặc false")
    elif kind == "list":
        if isinstance(raw, str):
            value = [part.strip() for part in raw.split(",") if part.strip()]
        elif isinstance(raw, list) and all(isinstance(x, str) for x in raw):
            value = list(raw)
        else:
            raise fail("phải là danh sách chữ (ví dụ [\"espeak\"])")
    else:
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise fail("phải là chữ")
        value = str(raw)
        if kind == "choice" and value not in setting.choices:
            raise fail("phải là một trong " + ", ".join(setting.choices))
    if setting.minimum is not None and value < setting.minimum:
        raise fail(f"không được nhỏ hơn {setting.minimum:g}")
    return value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = prefix + key
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one station home."""

    home: Path
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def database_url(self) -> str:
        return self.values["database_url"] or f"sqlite:///{Home(self.home).database}"


def load_settings(home: str | os.PathLike | None = None,
                  environ: Mapping[str, str] | None = None,
                  read_file: Callable[[Path], bytes] = Path.read_bytes) -> Settings:
    """Resolve the station home and read its settings, raising ConfigError on any bad value."""
    environ = os.environ if environ is None else environ
    root = resolve_home(home)
    values = {s.name: s.default for s in SETTINGS}
    path = Home(root).config
    if path.is_file():
        try:
            table = tomllib.loads(read_file(path).decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Lỗi cấu hình ({path}): tệp TOML không hợp lệ: {exc}.") from None
        for name, raw in _flatten(table).items():
            setting = _BY_NAME.get(name)
            if setting is None:
                raise ConfigError(f"Lỗi cấu hình ({path}): không có thiết lập nào tên '{name}'.")
            values[name] = _coerce(setting, raw, str(path))
    for setting in SETTINGS:
        env_name = ENV_PREFIX + setting.name.upper().replace(".", "_")
        if env_name in environ:
            values[setting.name] = _coerce(setting, environ[env_name], env_name)
    return Settings(root, values)
