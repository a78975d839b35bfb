"""The icecast output against a real Icecast server, and an Icecast server that is down."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from broadcaster.db.models import AsRunStatus

from tests.playout.conftest import decode_seconds

ICECAST = shutil.which("icecast2") or shutil.which("icecast")
PASSWORD = "nguon-bi-mat"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def icecast(tmp_path):
    """An Icecast server on a free loopback port; logs go to stderr, so it may drop to nobody."""
    if ICECAST is None:
        pytest.skip("icecast2 is not installed (apt-get install icecast2; tests/run.sh does it)")
    port = free_port()
    config = tmp_path / "icecast.xml"
    config.write_text(f"""<icecast>
  <limits><sources>4</sources><burst-size>1048576</burst-size><source-timeout>10</source-timeout></limits>
  <authentication><source-password>{PASSWORD}</source-password>
    <admin-user>admin</admin-user><admin-password>quan-tri</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>{tmp_path}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>-</accesslog><errorlog>-</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>
</icecast>
""", encoding="utf-8")
    log = open(tmp_path / "icecast.log", "wb")
    server = subprocess.Popen([ICECAST, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/status-json.xsl", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("icecast did not start: " + (tmp_path / "icecast.log").read_text(errors="replace"))
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(10)
    log.close()


def listen(url: str, target, stop: threading.Event) -> None:
    """Connect to the mount as soon as it exists and save what it sends until the source leaves."""
    while not stop.is_set():
        try:
            with urllib.request.urlopen(url, timeout=5) as response, open(target, "wb") as out:
                while chunk := response.read(4096):
                    out.write(chunk)
            return
        except urllib.error.HTTPError:
            time.sleep(0.05)  # 404 until the source connects
        except OSError:
            return


def test_icecast_listeners_receive_the_programme(plant, daemon_factory, icecast, tmp_path):
    plant.configure(f'[icecast]\nport = {icecast}\npassword = "{PASSWORD}"\nmount = "/xa-le-xa.mp3"')
    received = tmp_path / "received.mp3"
    stop = threading.Event()
    client = threading.Thread(target=listen, args=(f"http://127.0.0.1:{icecast}/xa-le-xa.mp3",
                                                   received, stop), daemon=True)
    client.start()
    air_date, _ = plant.slot("ip", 3)
    plant.plan("ip", air_date, seconds=5)
    daemon_factory(outputs=("icecast", "aircheck"))
    row = plant.closed_slot("ip", 25)
    assert row.status is AsRunStatus.PLAYED and row.outputs == ["icecast", "aircheck"], row.error
    client.join(15)
    stop.set()
    seconds, peak = decode_seconds(received)
    assert abs(seconds - 5.0) < 1.0 and peak > -40  # the listener joins a moment after the source


def test_an_icecast_server_that_is_down_fails_that_output_only(plant, daemon_factory):
    plant.configure(f'[icecast]\nport = {free_port()}\npassword = "x"')
    air_date, _ = plant.slot("mat", 3)
    plant.plan("mat", air_date, seconds=4)
    daemon_factory(outputs=("icecast", "aircheck"))
    row = plant.closed_slot("mat", 25)
    assert row.status is AsRunStatus.PLAYED and row.outputs == ["aircheck"]
    assert row.error.startswith("icecast (Icecast 127.0.0.1:")
    [recording] = (plant.home / "aircheck" / air_date.isoformat()).glob("*.mp3")
    assert abs(decode_seconds(recording)[0] - 4.0) < 0.3
