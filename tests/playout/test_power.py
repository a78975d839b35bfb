"""The amplifier on before each slot, off after the last airing plus the hold time."""

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from broadcaster.db.watch_models import PowerSwitch
from broadcaster.playout.power import wanted

T = datetime(2024, 3, 1, 5, 0, tzinfo=timezone.utc)
S = timedelta(seconds=1)


@pytest.mark.parametrize("now, busy, last, expected", [
    (T - 31 * S, False, None, False),        # before the warm-up
    (T - 30 * S, False, None, True),         # warm-up begins
    (T, False, None, True),                  # the instant
    (T + 5 * S, True, T + 4 * S, True),      # airing
    (T + 100 * S, False, T + 90 * S, True),  # inside the hold after the end
    (T + 130 * S, False, T + 90 * S, False),  # the hold is over
    (T + 200 * S, True, None, True),          # an emergency or manual play
])
def test_wanted(now, busy, last, expected):
    assert wanted(now, busy, [T], 30 * S, 30 * S, last) is expected


def test_never_off_while_the_next_slot_is_warming_up():
    nxt = T + 60 * S
    assert wanted(T + 45 * S, False, [nxt], 30 * S, 10 * S, T + 20 * S) is True


class Relay(BaseHTTPRequestHandler):
    calls: list = []

    def do_GET(self):
        on = self.path.endswith("On")
        self.calls.append((time.monotonic(), "on" if on else "off"))
        data = json.dumps({"POWER": "ON" if on else "OFF"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def relay():
    Relay.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_amplifier_is_on_before_the_slot_and_off_after_the_hold(plant, daemon_factory, relay):
    plant.configure(f'[power]\nadapter = "http"\nwarmup_seconds = 4\nhold_seconds = 2\n'
                    f'on_url = "{relay}/cm?cmnd=Power%20On"\noff_url = "{relay}/cm?cmnd=Power%20Off"')
    day, start = plant.slot("amp", in_seconds=16, length=60)  # well after the daemon's start
    plant.plan("amp", day, seconds=3)
    daemon_factory()
    row = plant.closed_slot("amp")
    plant.wait_for(lambda: [c for c in Relay.calls if c[1] == "off"][1:], 20, "the switch-off")
    states = [state for _, state in Relay.calls]
    assert states == ["off", "on", "off"]  # off at start (nothing due), on for the slot, off after
    on_at = Relay.calls[1][0]
    off_at = Relay.calls[2][0]
    wall = time.time() - time.monotonic()
    on_wall = datetime.fromtimestamp(wall + on_at, timezone.utc)
    assert timedelta(seconds=3) <= start - on_wall <= timedelta(seconds=5.5)  # about T-4 s
    off_wall = datetime.fromtimestamp(wall + off_at, timezone.utc)
    # Never off before the hold after the airing's end is over; then at the first poll after the
    # air is given back (the outputs close first, which takes longer on a loaded machine).
    assert timedelta(seconds=1.9) <= off_wall - row.ended_at <= timedelta(seconds=8)
    power = [n for n in row.notes if n["kind"] == "power"]
    assert power and power[0]["state"] == "on" and power[0]["error"] == ""
    with plant.ctx.session() as session:
        switched = [(r.state, r.ok) for r in session.scalars(select(PowerSwitch).order_by(PowerSwitch.id))]
    assert switched == [("off", True), ("on", True), ("off", True)]


def test_a_relay_that_fails_is_recorded_and_the_slot_still_airs(plant, daemon_factory):
    plant.configure('[power]\nadapter = "http"\nwarmup_seconds = 3\nhold_seconds = 1\n'
                    'on_url = "http://127.0.0.1:9/on"\noff_url = "http://127.0.0.1:9/off"')
    day, _ = plant.slot("hong", in_seconds=7, length=60)
    plant.plan("hong", day, seconds=3)
    daemon_factory()
    row = plant.closed_slot("hong")
    assert row.status.value == "PLAYED"
    power = [n for n in row.notes if n["kind"] == "power"][0]
    assert power["state"] != "on" and "không gọi được bộ rơ-le" in power["error"]
    with plant.ctx.session() as session:
        failed = session.scalars(select(PowerSwitch).where(PowerSwitch.state == "on",
                                                           PowerSwitch.ok.is_(False))).all()
    assert failed and "không gọi được bộ rơ-le để bật loa" in failed[0].error


def test_an_emergency_switches_on_at_once_and_a_slow_relay_never_delays_it(plant, daemon_factory,
                                                                          tmp_path):
    from tests.playout.conftest import make_tone, plant_request

    mark = tmp_path / "amp"
    slow_on = f"sh -c 'sleep 3; echo on > {mark}'"
    plant.configure(f'[power]\nadapter = "command"\nhold_seconds = 1\n'
                    f'on_command = "{slow_on}"\noff_command = "true"')
    daemon_factory()
    plant.wait_for(lambda: _switches(plant)[:1] == [("off", True, "hết giờ phát")], 15, "the first off")
    asked = datetime.now(timezone.utc)
    plant_request(plant, make_tone(tmp_path / "khan.mp3", 2), emergency=True)
    row = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", trigger=_emergency())
                                  if r.started_at], 20, "the emergency on air")[0]
    assert row.started_at - asked < timedelta(seconds=2.5)  # the 3 s relay did not hold it up
    plant.wait_for(lambda: ("on", True, "phát khẩn cấp") in _switches(plant), 20, "switched on")
    assert mark.read_text().strip() == "on"


def _emergency():
    from broadcaster.db.models import Trigger
    return Trigger.EMERGENCY


def _switches(plant):
    with plant.ctx.session() as session:
        return [(r.state, r.ok, r.reason)
                for r in session.scalars(select(PowerSwitch).order_by(PowerSwitch.id))]
