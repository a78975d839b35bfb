"""gTTS: Google Translate's Vietnamese voice (online), registered as ``gtts``.

gTTS builds the requests (its tokenizer, pre-processors and batchexecute packaging); we send them.
gTTS's own ``stream()`` waits forever by default and turns certificate checks off, and it writes
a 0-byte file without complaint when Google's reply has no audio. So each request here has a
timeout and certificate verification, 429/5xx/connection errors are retried a bounded number of
times with backoff, and an empty or undecodable reply is a SpeechError, never a clip.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from broadcaster.tts.base import Engine, register
from broadcaster.tts.errors import SpeechError

log = logging.getLogger(__name__)

RPC_ID = "jQ1olc"
# The same pattern gTTS uses to find the base64 MP3 in a batchexecute reply line.
_AUDIO_RE = re.compile(r'jQ1olc","\[\\"(.*?)\\"]')
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_S = 30.0
SLOW_BELOW = 0.75
"""Google has two paces: speed factors under 0.75 ask for its slow reading."""


def audio_from_reply(text: str) -> bytes:
    """Return the MP3 bytes carried by one batchexecute reply, or raise SpeechError."""
    chunks = []
    for line in text.splitlines():
        if RPC_ID not in line:
            continue
        match = _AUDIO_RE.search(line)
        if not match:
            continue
        try:
            chunks.append(base64.b64decode(match.group(1).encode("ascii"), validate=True))
        except (binascii.Error, ValueError):
            raise SpeechError("Google trả về dữ liệu âm thanh hỏng (base64 không hợp lệ).") from None
    audio = b"".join(chunks)
    if not audio:
        raise SpeechError("Google trả lời nhưng không kèm âm thanh (có thể do dịch vụ thay đổi "
                          "hoặc văn bản không đọc được).", transient=True)
    return audio


@register
class GoogleEngine(Engine):
    """Google's Vietnamese voice through gTTS, with timeouts, verification and bounded retries."""

    name = "gtts"

    def __init__(self, *, voice: str = "vi", speed: float = 1.0, timeout: float = 10.0,
                 retries: int = 2, backoff: float = 1.0, tld: str = "com",
                 sleep: Callable[[float], None] = time.sleep):
        if voice != "vi":
            raise SpeechError(f"Bộ đọc gtts chỉ có giọng 'vi' (nhận được '{voice}').")
        super().__init__(voice=voice, speed=speed)
        if timeout <= 0:
            raise SpeechError("Thời gian chờ của gtts phải lớn hơn 0 giây.")
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.tld = tld
        self._sleep = sleep

    @classmethod
    def accepts_voice(cls, voice: str) -> bool:
        return voice == "vi"

    @property
    def slow(self) -> bool:
        return self.speed < SLOW_BELOW

    @property
    def options(self) -> Mapping[str, Any]:
        return {"lang": "vi", "tld": self.tld, "slow": self.slow}

    def check(self) -> None:
        try:
            import gtts  # noqa: F401
            import requests  # noqa: F401
        except ImportError as exc:
            raise SpeechError(f"Chưa cài gói gTTS ({exc}); hãy cài: pip install gtts.") from None

    def version(self) -> str:
        self.check()
        import gtts

        return f"gTTS {gtts.__version__}"

    def synthesize(self, text: str, workdir: Path) -> Path:
        self.check()
        import requests
        from gtts import gTTS

        try:
            prepared = gTTS(text, lang="vi", tld=self.tld, slow=self.slow, lang_check=False,
                            timeout=self.timeout)._prepare_requests()
        except (AssertionError, ValueError) as exc:
            raise SpeechError(f"gTTS không nhận văn bản này: {exc}.") from None
        out = Path(workdir) / "gtts.mp3"
        with requests.Session() as session, open(out, "wb") as fp:
            for index, request in enumerate(prepared, 1):
                reply = self._send(session, request, index, len(prepared))
                fp.write(audio_from_reply(reply))
        if out.stat().st_size == 0:
            raise SpeechError("Google không trả về âm thanh.", transient=True)
        self._check_decodes(out)
        return out

    def _send(self, session: Any, request: Any, index: int, total: int) -> str:
        import requests

        # Session.send does not read the environment; merge it ourselves so proxies and a
        # custom CA bundle (REQUESTS_CA_BUNDLE) still apply, while verify stays on.
        env = session.merge_environment_settings(request.url, {}, None, True, None)
        verify = env.get("verify") or True
        problem = ""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(delay)
                delay = min(MAX_BACKOFF_S, delay * 2)
            try:
                response = session.send(request, timeout=self.timeout, verify=verify,
                                        proxies=env.get("proxies") or {})
            except requests.exceptions.SSLError as exc:
                raise SpeechError(f"Không xác minh được chứng chỉ của Google: {exc}.") from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                problem = f"không kết nối được tới Google ({type(exc).__name__})"
                log.info("gtts part %d/%d attempt %d: %s", index, total, attempt + 1, exc)
                continue
            except requests.exceptions.RequestException as exc:
                raise SpeechError(f"Lỗi khi gửi yêu cầu tới Google: {exc}.") from None
            status = response.status_code
            if status == 200:
                return response.content.decode("utf-8", "replace")
            if status in RETRY_STATUSES:
                problem = (f"Google đang từ chối vì gửi quá nhiều yêu cầu (HTTP {status})"
                           if status == 429 else f"máy chủ Google lỗi (HTTP {status})")
                delay = max(delay, min(MAX_BACKOFF_S, _retry_after(response)))
                log.info("gtts part %d/%d attempt %d: HTTP %d", index, total, attempt + 1, status)
                continue
            raise SpeechError(f"Google từ chối yêu cầu (HTTP {status} {response.reason}).")
        raise SpeechError(f"Không đọc được bằng Google: {problem} sau {self.retries + 1} lần thử.",
                          transient=True)

    @staticmethod
    def _check_decodes(path: Path) -> None:
        from broadcaster.audio.ffmpeg import probe

        info = probe(path)
        if info is None or info.audio_codec is None:
            raise SpeechError("Google trả về dữ liệu không phải âm thanh MP3.")


def _retry_after(response: Any) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", 0)))
    except (TypeError, ValueError):
        return 0.0
