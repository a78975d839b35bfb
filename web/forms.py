"""What the blueprints share: form fields, local time, paging, flashing domain errors."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from flask import flash, request
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

try:  # WTForms 3.3 wants SelectChoice objects; older versions take (value, label) pairs
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover
    SelectChoice = None

from web import db

def options(pairs) -> list:
    """Choices for a select or checkbox list from (value, label) pairs."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (big touch targets on a phone, unlike a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A form with only the CSRF token: for buttons that do one thing (approve, move, delete)."""


def zone() -> ZoneInfo:
    return ZoneInfo(db.station().timezone)


def now() -> datetime:
    return datetime.now(timezone.utc)


def local_today() -> date:
    """Today in the station's zone."""
    return now().astimezone(zone()).date()


def arg_int(name: str, default: int = 1, lowest: int = 1) -> int:
    value = request.args.get(name, "")
    return max(lowest, int(value)) if value.isdigit() else default


@dataclass(frozen=True)
class Page:
    """One page of a longer list."""

    items: Sequence[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(query: Select, number: int, size: int = 25) -> Page:
    """Run `query` for one page; the total counts the whole query."""
    total = db.session().scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = min(max(1, number), max(1, math.ceil(total / size)))
    items = db.session().scalars(query.limit(size).offset((number - 1) * size)).all()
    return Page(items, number, size, total)


def page_args(**changes: Any) -> dict[str, Any]:
    """The current query string with some values changed (for paging and filter links)."""
    args = {k: v for k, v in request.args.items() if v}
    args.update({k: v for k, v in changes.items()})
    return {k: v for k, v in args.items() if v not in (None, "")}


def sentence(text: str) -> str:
    """A domain error message as a sentence (the domain writes them lower-case first)."""
    text = str(text).strip()
    return text[:1].upper() + text[1:] if text else text


def flash_error(exc: Exception, prefix: str = "") -> None:
    flash(f"{prefix}{sentence(str(exc)) if not prefix else str(exc)}", "error")


def form_errors(form: FlaskForm) -> None:
    """Flash every field error of a form that did not validate (for forms posted from lists)."""
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
