"""A stand-in for Google's servers at the HTTP transport: batchexecute replies, errors."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

REASONS = {200: "OK", 403: "Forbidden", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


def batchexecute_reply(audio: bytes | None) -> bytes:
    """Google's reply to a jQ1olc call: XSSI guard, then length-prefixed JSON envelopes."""
    payload = json.dumps([base64.b64encode(audio).decode("ascii")]) if audio is not None else None
    envelope = json.dumps([["wrb.fr", "jQ1olc", payload, None, None, None, "generic"],
                           ["di", 48], ["af.httprm", 47, "-6152438562432719934", 18]],
                          separators=(",", ":"))
    tail = '[["e",4,null,null,%d]]' % (len(envelope) + 50)
    return f")]}}'\n\n{len(envelope)}\n{envelope}\n{len(tail)}\n{tail}\n".encode("utf-8")


@dataclass
class FakeGoogle:
    """Answers requests with a script of replies; records what every send was given."""

    script: list[Any] = field(default_factory=list)
    default: Any = None
    calls: list[dict] = field(default_factory=list)

    def reply(self, request, **kwargs):
        self.calls.append({"url": request.url, "body": request.body, **kwargs})
        step = self.script.pop(0) if self.script else self.default
        if step is None:
            raise AssertionError("no reply scripted for this request")
        if isinstance(step, Exception):
            raise step
        status, body, headers = step if len(step) == 3 else (*step, {})
        response = requests.Response()
        response.status_code = status
        response.reason = REASONS.get(status, "")
        response._content = body
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=utf-8",
                                                **headers})
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response
