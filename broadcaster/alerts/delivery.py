"""Sending notices through apprise, one delivery row per notice and target, retried until sent.

Targets are the `alerts.targets` setting plus the ones admins add on the web page. No secret is
kept in the delivery log: a delivery names its target by a digest of the URL (to find it again
for a retry) and by the URL apprise prints with its secrets masked. Sending happens outside any
database transaction, in the watcher process: a dead target never touches playout.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import apprise
from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.db.watch_models import AlertDelivery, AlertTarget
from broadcaster.errors import BroadcasterError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 1800   # retries after 30 s, 1, 2, 4, 8, 16, 30 min: about an hour in all
FROM_FILE, FROM_PAGE = "file", "page"


class AlertError(BroadcasterError):
    """A notification target is not valid (the message says why)."""


@dataclass(frozen=True)
class Target:
    url: str
    key: str       # sha256 of the URL
    label: str     # the URL with its secrets masked
    origin: str    # file (alerts.targets) or page (added on the web page)
    id: int | None = None   # the alert_target row of a page target


def target_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def describe(url: str) -> str:
    """The URL with its passwords and tokens masked, or AlertError when apprise cannot use it."""
    service = apprise.Apprise.instantiate(url.strip())
    if not service:
        raise AlertError(f"địa chỉ nhận cảnh báo không hợp lệ: {_mask(url)} (xem cú pháp của "
                         "thư viện apprise, ví dụ mailtos://, tgram://, json://).")
    return service.url(privacy=True)[:300]


def _mask(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://…" if rest else url[:40]


def targets(session: Session, station_id: int, settings) -> list[Target]:
    """Every target: the settings file's first, then the web page's; duplicates once."""
    found: dict[str, Target] = {}
    for url in settings["alerts.targets"]:
        key = target_key(url)
        found.setdefault(key, Target(url, key, label(url), FROM_FILE))
    for row in session.scalars(select(AlertTarget).where(AlertTarget.station_id == station_id)
                               .order_by(AlertTarget.id)):
        key = target_key(row.url)
        found.setdefault(key, Target(row.url, key, label(row.url), FROM_PAGE, row.id))
    return list(found.values())


def label(url: str) -> str:
    """How a target is shown: masked, or said to be invalid."""
    try:
        return describe(url)
    except AlertError:
        return f"{_mask(url)} (không hợp lệ)"


def queue(session: Session, station_id: int, alert_id: int | None, notice: str, title: str,
          body: str, to: list[Target], now: datetime) -> list[AlertDelivery]:
    """One pending delivery per target (sent by `deliver_due`)."""
    rows = [AlertDelivery(station_id=station_id, alert_id=alert_id, notice=notice,
                          target_key=t.key, target_label=t.label, title=title[:300], body=body,
                          created_at=now, next_try_at=now) for t in to]
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""


def send(url: str, title: str, body: str) -> Outcome:
    """Send one notice to one target through apprise; the reason of a failure from its log."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return Outcome(False, "địa chỉ nhận cảnh báo không hợp lệ")
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as said:
        ok = bool(notifier.notify(body=body, title=title))
    reason = " ".join(line.strip() for line in said.getvalue().splitlines() if line.strip())
    return Outcome(ok, "" if ok else (reason or "dịch vụ nhận không trả lời")[:300])


def next_try(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries; None once we give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=min(LONGEST_RETRY_SECONDS,
                                       FIRST_RETRY_SECONDS * 2 ** (attempts - 1)))


def due(session: Session, station_id: int, now: datetime) -> list[AlertDelivery]:
    return list(session.scalars(select(AlertDelivery).where(
        AlertDelivery.station_id == station_id, AlertDelivery.next_try_at <= now)
        .order_by(AlertDelivery.id)))


def record(session: Session, delivery_id: int, outcome: Outcome, now: datetime) -> None:
    """Write one attempt's outcome: sent, to be tried again, or given up."""
    row = session.get(AlertDelivery, delivery_id)
    row.attempts += 1
    if outcome.ok:
        row.sent_at, row.next_try_at, row.error = now, None, ""
        return
    row.error = outcome.error
    row.next_try_at = None if row.notice == "test" else next_try(row.attempts, now)  # a test is said at once
    if row.next_try_at is None:
        row.gave_up_at = now
        log.error("alert delivery %s to %s given up after %d attempts: %s", row.id,
                  row.target_label, row.attempts, outcome.error)
