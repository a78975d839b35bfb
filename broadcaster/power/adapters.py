"""The power adapters: a command, an HTTP request (Tasmota, Shelly), a serial relay board, GPIO."""

from __future__ import annotations

import json
import shlex
import subprocess
import urllib.error
import urllib.request

from broadcaster.power.base import PowerAdapter, PowerError, register

TIMEOUT_SECONDS = 5.0


def _word(on: bool) -> str:
    return "bật" if on else "tắt"


@register
class CommandAdapter(PowerAdapter):
    """Run a command (split like a shell line, no shell); exit status 0 means done."""

    name = "command"
    needs = ("power.on_command", "power.off_command")

    def switch(self, on: bool) -> None:
        line = self.settings["power.on_command" if on else "power.off_command"]
        try:
            done = subprocess.run(shlex.split(line), capture_output=True, text=True,
                                  errors="replace", timeout=TIMEOUT_SECONDS * 2)
        except (OSError, ValueError) as exc:
            raise PowerError(f"không chạy được lệnh {_word(on)} loa ({exc})") from None
        except subprocess.TimeoutExpired:
            raise PowerError(f"lệnh {_word(on)} loa không kết thúc sau "
                             f"{TIMEOUT_SECONDS * 2:.0f} giây") from None
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            raise PowerError(f"lệnh {_word(on)} loa báo lỗi (mã {done.returncode}) {said[0][:150]}"
                             .rstrip())


@register
class HttpAdapter(PowerAdapter):
    """An HTTP GET to a smart relay; a Tasmota or Shelly reply is checked for the new state."""

    name = "http"
    needs = ("power.on_url", "power.off_url")

    def switch(self, on: bool) -> None:
        url = self.settings["power.on_url" if on else "power.off_url"]
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as reply:
                body = reply.read(4096)
        except urllib.error.HTTPError as exc:
            raise PowerError(f"bộ rơ-le trả lời lỗi HTTP {exc.code} khi {_word(on)} loa") from None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PowerError(f"không gọi được bộ rơ-le để {_word(on)} loa ({reason})") from None
        state = _reported_state(body)
        if state is not None and state != on:
            raise PowerError(f"bộ rơ-le báo vẫn đang {_word(state)} sau lệnh {_word(on)} loa")


def _reported_state(body: bytes) -> bool | None:
    """What a Tasmota ({"POWER": "ON"}) or Shelly ({"ison": true}) reply says; None if neither."""
    try:
        reply = json.loads(body)
    except ValueError:
        return None
    if not isinstance(reply, dict):
        return None
    power = reply.get("POWER", reply.get("POWER1"))
    if isinstance(power, str):
        return power.upper() == "ON"
    if isinstance(reply.get("ison"), bool):
        return reply["ison"]
    return None


def _hex_bytes(text: str, key: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise PowerError(f"thiết lập {key} phải là các byte dạng hex, ví dụ \"A0 01 01 A2\"") from None


@register
class SerialAdapter(PowerAdapter):
    """A USB relay board on a serial port (pyserial): writes the configured on/off bytes."""

    name = "serial"
    needs = ("power.serial_port",)

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.on_bytes = _hex_bytes(settings["power.serial_on"], "power.serial_on")
        self.off_bytes = _hex_bytes(settings["power.serial_off"], "power.serial_off")

    def switch(self, on: bool) -> None:
        import serial

        port = self.settings["power.serial_port"]
        try:
            with serial.Serial(port, self.settings["power.serial_baud"],
                               timeout=TIMEOUT_SECONDS, write_timeout=TIMEOUT_SECONDS) as board:
                board.write(self.on_bytes if on else self.off_bytes)
                board.flush()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PowerError(f"không ghi được tới bộ rơ-le {port} để {_word(on)} loa ({exc})") from None


@register
class GpioAdapter(PowerAdapter):
    """A GPIO line of a single-board computer (the gpiod package, libgpiod 2). The line is held
    for the life of the daemon: a released line may fall back to its default level."""

    name = "gpio"
    _request = None

    def switch(self, on: bool) -> None:
        try:
            import gpiod
            from gpiod.line import Direction, Value
        except ImportError:
            raise PowerError("chưa cài gói gpiod (pip install gpiod) để bật tắt loa qua GPIO") from None
        chip, line = self.settings["power.gpio_chip"], self.settings["power.gpio_line"]
        value = Value.ACTIVE if on else Value.INACTIVE
        try:
            if self._request is None:
                self._request = gpiod.request_lines(chip, consumer="broadcaster", config={
                    line: gpiod.LineSettings(direction=Direction.OUTPUT, output_value=value)})
            else:
                self._request.set_value(line, value)
        except (OSError, ValueError) as exc:
            raise PowerError(f"không điều khiển được chân GPIO {line} của {chip} ({exc})") from None
