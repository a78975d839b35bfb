"""Real servers for the alerts: an SMTP server (aiosmtpd) and a JSON webhook server on loopback
ports, and Telegram through apprise's own code with only its HTTP transport answered here."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Inbox:
    """What a server received: (monotonic arrival, wall arrival, title, body) in order."""

    items: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, title: str, body: str) -> None:
        with self.lock:
            self.items.append((time.monotonic(), time.time(), title, body))

    def wait_for(self, text: str, timeout: float = 40) -> tuple:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for item in self.items:
                    if text in item[2] or text in item[3]:
                        return item
            time.sleep(0.1)
        raise AssertionError(f"nothing with {text!r} arrived; got {[i[2:] for i in self.items]}")

    def texts(self) -> list[str]:
        with self.lock:
            return [f"{i[2]} | {i[3]}" for i in self.items]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            part = message.get_body(("plain",))
            inbox.add(str(message["Subject"]), part.get_content().strip() if part else "")
            inbox.recipients = envelope.rcpt_tos
            return "250 OK"

    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"mailto://127.0.0.1:{port}?from=dai@le-xa.vn&to=can-bo@le-xa.vn"
    yield inbox
    controller.stop()


class _Webhook(BaseHTTPRequestHandler):
    inbox: Inbox
    fail_first = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if type(self).fail_first > 0:
            type(self).fail_first -= 1
            self.send_response(500)
            self.end_headers()
            return
        data = json.loads(body)
        self.inbox.add(data.get("title", ""), data.get("message", ""))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def start_webhook() -> tuple[Inbox, ThreadingHTTPServer]:
    """A JSON webhook server on a free loopback port; its inbox knows its apprise URL."""
    inbox = Inbox()
    handler = type("Hook", (_Webhook,), {"inbox": inbox, "fail_first": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    inbox.url = f"json://127.0.0.1:{server.server_address[1]}/canh-bao"
    inbox.handler = handler
    return inbox, server


@pytest.fixture
def webhook():
    inbox, server = start_webhook()
    yield inbox
    server.shutdown()


@pytest.fixture
def telegram(monkeypatch):
    """Telegram's Bot API answered at the HTTP transport (requests' adapter): apprise's tgram
    plugin builds and sends the real request."""
    import requests
    from requests.adapters import HTTPAdapter

    inbox = Inbox()
    real_send = HTTPAdapter.send

    def send(self, request, **kwargs):
        if "api.telegram.org" not in request.url:
            return real_send(self, request, **kwargs)
        inbox.requests = getattr(inbox, "requests", []) + [request.url]
        response = requests.Response()
        response.status_code = 200
        response.url = request.url
        response.request = request
        if request.url.endswith("/getMe"):
            payload = {"ok": True, "result": {"id": 1, "is_bot": True, "username": "dai_bot"}}
        else:
            sent = json.loads(request.body)
            inbox.add("", sent.get("text", ""))
            inbox.chat = sent.get("chat_id")
            payload = {"ok": True, "result": {"message_id": len(inbox.items)}}
        response._content = json.dumps(payload).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    monkeypatch.setattr(HTTPAdapter, "send", send)
    inbox.url = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123456"
    return inbox
