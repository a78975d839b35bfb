"""Append audit events: who did what, when, with the state before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from broadcaster.db.models import AuditEvent, User


def record(session: Session, station_id: int, actor: User | str, action: str, object_type: str,
           object_id: int | None, *, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, comment: str = "") -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    user = actor if isinstance(actor, User) else None
    event = AuditEvent(station_id=station_id, user_id=user.id if user else None,
                       actor=user.username if user else actor, action=action,
                       object_type=object_type, object_id=object_id, before=before, after=after,
                       comment=comment)
    session.add(event)
    return event
