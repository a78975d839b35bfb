"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Store an aware datetime as naive UTC; give it back aware in UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum by its value as plain text (portable across SQLite and PostgreSQL)."""
    return Enum(enum_class, native_enum=False, length=24, create_constraint=False,
                values_callable=lambda members: [m.value for m in members])


def now_utc() -> datetime:
    return datetime.now(timezone.utc)

