"""The power adapters against real things: a command, a local HTTP server standing in for Tasmota
and Shelly, and a serial relay board at the far end of a pseudo-terminal pair."""

import json
import os
import sys
import threading
import tty
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from broadcaster.power import PowerError, make_adapter


def settings(**values):
    base = {"power.adapter": "none", "power.on_command": "", "power.off_command": "",
            "power.on_url": "", "power.off_url": "", "power.serial_port": "",
            "power.serial_baud": 9600, "power.serial_on": "A0 01 01 A2",
            "power.serial_off": "A0 01 00 A1", "power.gpio_chip": "/dev/gpiochip0",
            "power.gpio_line": 17}
    return {**base, **{k.replace("_", ".", 1): v for k, v in values.items()}}


class Relay(BaseHTTPRequestHandler):
    """Tasmota (/cm?cmnd=Power%20On) and Shelly (/relay/0?turn=on), as their firmware answers."""

    state = {"on": False, "paths": []}

    def do_GET(self):
        self.state["paths"].append(self.path)
        if self.path.startswith("/cm?cmnd=Power%20"):
            self.state["on"] = self.path.endswith("On")
            body = {"POWER": "ON" if self.state["on"] else "OFF"}
        elif self.path.startswith("/relay/0?turn="):
            self.state["on"] = self.path.endswith("=on")
            body = {"ison": self.state["on"], "has_timer": False}
        elif self.path.startswith("/stuck"):
            body = {"POWER": "OFF"}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def relay():
    Relay.state = {"on": False, "paths": []}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Relay.state
    server.shutdown()


def test_none_means_no_adapter():
    assert make_adapter(settings()) is None


def test_command_adapter_runs_the_commands(tmp_path):
    mark = tmp_path / "amp"
    on = f"{sys.executable} -c \"open('{mark}', 'w').write('on')\""
    off = f"{sys.executable} -c \"open('{mark}', 'w').write('off')\""
    adapter = make_adapter(settings(power_adapter="command", power_on_command=on,
                                    power_off_command=off))
    adapter.switch(True)
    assert mark.read_text() == "on"
    adapter.switch(False)
    assert mark.read_text() == "off"


def test_a_failing_command_is_one_vietnamese_reason():
    adapter = make_adapter(settings(power_adapter="command",
                                    power_on_command=f"{sys.executable} -c \"import sys; sys.exit('rơ-le hỏng')\"",
                                    power_off_command="true"))
    with pytest.raises(PowerError, match=r"lệnh bật loa báo lỗi \(mã 1\) rơ-le hỏng"):
        adapter.switch(True)


@pytest.mark.parametrize("on_path, off_path", [("/cm?cmnd=Power%20On", "/cm?cmnd=Power%20Off"),
                                               ("/relay/0?turn=on", "/relay/0?turn=off")])
def test_http_adapter_switches_tasmota_and_shelly(relay, on_path, off_path):
    url, state = relay
    adapter = make_adapter(settings(power_adapter="http", power_on_url=url + on_path,
                                    power_off_url=url + off_path))
    adapter.switch(True)
    assert state["on"] is True
    adapter.switch(False)
    assert state["on"] is False and state["paths"] == [on_path, off_path]


def test_http_adapter_checks_the_reported_state_and_the_status(relay):
    url, _ = relay
    adapter = make_adapter(settings(power_adapter="http", power_on_url=url + "/stuck",
                                    power_off_url=url + "/nothing-here"))
    with pytest.raises(PowerError, match="bộ rơ-le báo vẫn đang tắt sau lệnh bật loa"):
        adapter.switch(True)
    with pytest.raises(PowerError, match="HTTP 404 khi tắt loa"):
        adapter.switch(False)


def test_http_adapter_says_when_the_relay_is_unreachable():
    adapter = make_adapter(settings(power_adapter="http", power_on_url="http://127.0.0.1:9/on",
                                    power_off_url="http://127.0.0.1:9/off"))
    with pytest.raises(PowerError, match="không gọi được bộ rơ-le để bật loa"):
        adapter.switch(True)


def test_serial_adapter_sends_the_lc_technology_bytes_through_a_pty():
    master, slave = os.openpty()
    tty.setraw(master)
    try:
        adapter = make_adapter(settings(power_adapter="serial", power_serial_port=os.ttyname(slave)))
        adapter.switch(True)
        assert os.read(master, 16) == bytes.fromhex("A0 01 01 A2")
        adapter.switch(False)
        assert os.read(master, 16) == bytes.fromhex("A0 01 00 A1")
    finally:
        os.close(master)
        os.close(slave)


def test_serial_bytes_are_configurable_and_checked():
    master, slave = os.openpty()
    tty.setraw(master)
    try:
        adapter = make_adapter(settings(power_adapter="serial", power_serial_port=os.ttyname(slave),
                                        power_serial_on="FF 01", power_serial_off="FF 00"))
        adapter.switch(True)
        assert os.read(master, 16) == b"\xff\x01"
    finally:
        os.close(master)
        os.close(slave)
    with pytest.raises(PowerError, match="power.serial_on phải là các byte dạng hex"):
        make_adapter(settings(power_adapter="serial", power_serial_port="/dev/ttyUSB0",
                              power_serial_on="bật"))
    with pytest.raises(PowerError, match="không ghi được tới bộ rơ-le /dev/khong-co"):
        make_adapter(settings(power_adapter="serial", power_serial_port="/dev/khong-co")).switch(True)


def test_an_adapter_without_its_settings_is_refused():
    with pytest.raises(PowerError, match="cần thiết lập power.on_url, power.off_url"):
        make_adapter(settings(power_adapter="http"))


def test_gpio_without_the_gpiod_package_says_how_to_install_it():
    # gpiod is not a dependency (no GPIO here); a single-board computer installs it
    try:
        import gpiod  # noqa: F401
    except ImportError:
        with pytest.raises(PowerError, match="pip install gpiod"):
            make_adapter(settings(power_adapter="gpio")).switch(True)
    else:
        pytest.skip("gpiod is installed: this machine may drive a real line")
