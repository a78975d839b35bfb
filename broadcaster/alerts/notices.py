"""What to tell, once conditions are known: plain data in, plain decisions out.

Per key: an ongoing condition opens an alert (told at once), is told again every `repeat` while it
lasts, and gets a recovery notice when it is no longer reported (or when a one-off with the same
key says it ended). A one-off is told once and closed at once; its key is never told again.
A settled key closes its open alert quietly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from broadcaster.alerts.rules import Condition

ALERT, REMINDER, RECOVERY, QUIET = "alert", "reminder", "recovery", "quiet"


@dataclass(frozen=True)
class OpenAlert:
    id: int
    key: str
    kind: str
    last_notice_at: datetime
    recovery: str


@dataclass(frozen=True)
class Decision:
    action: str            # alert, reminder, recovery, quiet
    key: str
    kind: str
    message: str           # what is said (empty for quiet)
    alert_id: int | None = None   # the open alert it is about (None for a new one)
    ongoing: bool = True   # a new alert stays open (else it is closed at once)
    recovery: str = ""     # kept on a new alert for its recovery notice


def decide(found: list[Condition], settled: set[str], open_alerts: dict[str, OpenAlert],
           known: set[str], now: datetime, repeat: timedelta) -> list[Decision]:
    """The notices to send now. `known`: keys of closed alerts among the one-offs found."""
    decisions: list[Decision] = []
    reported: set[str] = set()
    for condition in found:
        if condition.key in reported:
            continue
        reported.add(condition.key)
        current = open_alerts.get(condition.key)
        if current is not None:
            if not condition.ongoing:
                decisions.append(Decision(RECOVERY, current.key, current.kind,
                                          condition.recovery or current.recovery, current.id))
            elif now - current.last_notice_at >= repeat:
                decisions.append(Decision(REMINDER, current.key, current.kind,
                                          condition.message, current.id))
        elif condition.ongoing or condition.key not in known:
            decisions.append(Decision(ALERT, condition.key, condition.kind, condition.message,
                                      ongoing=condition.ongoing, recovery=condition.recovery))
    for key, current in open_alerts.items():
        if key in reported:
            continue
        if key in settled:
            decisions.append(Decision(QUIET, key, current.kind, "", current.id))
        else:
            decisions.append(Decision(RECOVERY, key, current.kind, current.recovery, current.id))
    return decisions
