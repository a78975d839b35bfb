"""Forms of the bulletin pages: the bulletin itself, the listening options, the filters."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from broadcaster.db.models import (Bulletin, BulletinKind, BulletinStatus, Priority, RepeatKind,
                                   SlotTemplate, Topic)
from broadcaster.schedule import WEEKDAYS
from broadcaster.tts.espeak import VOICES
from web import db
from web.forms import MultiCheckboxField, options
from web.labels import BULLETIN_STATUS_WORDS, PRIORITY_WORDS, REPEAT_WORDS, WEEKDAY_WORDS

VOICE_WORDS = {"vi": "Giọng miền Bắc (vi)", "vi-vn-x-central": "Giọng miền Trung",
               "vi-vn-x-south": "Giọng miền Nam"}
ENGINE_WORDS = {"espeak": "espeak-ng (không cần Internet)", "gtts": "Google (cần Internet)",
                "piper": "Piper (giọng tự nhiên, không cần Internet)"}
SPEEDS = ("0.75", "0.9", "1.0", "1.1", "1.25", "1.5")
MAX_BODY = 20_000


def topic_choices() -> list[tuple[int, str]]:
    topics = db.session().scalars(select(Topic).where(Topic.station_id == db.station().id,
                                                      Topic.active).order_by(Topic.sort_order))
    return [(t.id, t.name) for t in topics]


def slot_choices() -> list[tuple[str, str]]:
    slots = db.session().scalars(select(SlotTemplate).where(
        SlotTemplate.station_id == db.station().id, SlotTemplate.active)
        .order_by(SlotTemplate.start_time))
    return [(s.name, f"{s.title} ({s.start_time:%H:%M})") for s in slots]


class BulletinForm(FlaskForm):
    title = StringField("Tiêu đề", validators=[DataRequired("Hãy nhập tiêu đề."),
                                               Length(max=300, message="Tiêu đề dài quá 300 ký tự.")])
    topic = SelectField("Chủ đề", coerce=int)
    priority = SelectField("Mức ưu tiên",
                           choices=options((p.value, w) for p, w in PRIORITY_WORDS.items()),
                           default=Priority.NORMAL.value)
    status = SelectField("Tình trạng", default=BulletinStatus.ACTIVE.value,
                         choices=options((s.value, w) for s, w in BULLETIN_STATUS_WORDS.items()))
    valid_from = DateField("Phát từ ngày", validators=[Optional()])
    valid_until = DateField("Đến hết ngày", validators=[Optional()])
    slots = MultiCheckboxField("Buổi phát (không chọn: mọi buổi)")
    weekdays = MultiCheckboxField("Ngày trong tuần (không chọn: mọi ngày)",
                                  choices=options((d, WEEKDAY_WORDS[d]) for d in WEEKDAYS))
    repeat_kind = SelectField("Lặp lại", default=RepeatKind.EVERY_SLOT.value,
                              choices=options((r.value, w) for r, w in REPEAT_WORDS.items()))
    repeat_count = IntegerField("Số lần phát (khi chọn số lần nhất định)",
                                validators=[Optional(), NumberRange(1, 1000, "Từ 1 đến 1000 lần.")])
    body = TextAreaField("Nội dung", validators=[Length(max=MAX_BODY,
                                                        message="Nội dung dài quá 20.000 ký tự.")])

    def __init__(self, *args, recording: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.recording = recording
        self.topic.choices = options(topic_choices())
        self.slots.choices = options(slot_choices())

    def validate_valid_until(self, field) -> None:
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: the Optional() validator ends the field's own chain when it is empty.
        if self.repeat_kind.data == RepeatKind.COUNT.value and not self.repeat_count.data:
            self.repeat_count.errors = [*self.repeat_count.errors, "Hãy nhập số lần phát."]
            valid = False
        return valid

    def validate_body(self, field) -> None:
        if not self.recording and not (field.data or "").strip():
            raise ValidationError("Hãy nhập nội dung bản tin (hoặc tải bản ghi âm lên sau khi lưu).")

    def fields(self) -> dict:
        """The bulletin's columns from the form."""
        kind = RepeatKind(self.repeat_kind.data)
        return {"title": self.title.data.strip(), "topic_id": self.topic.data,
                "priority": Priority(self.priority.data), "status": BulletinStatus(self.status.data),
                "valid_from": self.valid_from.data, "valid_until": self.valid_until.data,
                "slots": list(self.slots.data or []), "weekdays": list(self.weekdays.data or []),
                "repeat_kind": kind,
                "repeat_count": self.repeat_count.data if kind is RepeatKind.COUNT else None,
                "body": (self.body.data or "").replace("\r\n", "\n").strip()}

    def fill(self, bulletin: Bulletin) -> None:
        self.title.data, self.topic.data = bulletin.title, bulletin.topic_id
        self.priority.data, self.status.data = bulletin.priority.value, bulletin.status.value
        self.valid_from.data, self.valid_until.data = bulletin.valid_from, bulletin.valid_until
        self.slots.data, self.weekdays.data = list(bulletin.slots), list(bulletin.weekdays)
        self.repeat_kind.data, self.repeat_count.data = bulletin.repeat_kind.value, bulletin.repeat_count
        self.body.data = bulletin.body


class PreviewForm(FlaskForm):
    """Per-render options of a listening preview: engine, voice, speed."""

    engine = SelectField("Bộ đọc")
    voice = SelectField("Giọng (espeak-ng)", choices=options((v, VOICE_WORDS[v]) for v in VOICES))
    speed = SelectField("Tốc độ", choices=options((s, s.replace(".", ",")) for s in SPEEDS))

    def __init__(self, settings, *args, **kwargs):
        super().__init__(*args, **kwargs)
        engines = list(dict.fromkeys(list(settings["tts.engines"]) + ["espeak"]))
        self.engine.choices = options(
            [("", "Theo thiết lập của đài (" + ", ".join(settings["tts.engines"]) + ")")]
            + [(e, ENGINE_WORDS.get(e, e)) for e in engines])
        if not self.voice.data:
            self.voice.data = settings["tts.espeak_voice"]
        if not self.speed.data:
            wanted = float(settings["tts.speed"])
            self.speed.data = next((s for s in SPEEDS if float(s) == wanted), "1.0")


def parse_filters(args) -> dict:
    """The list's filters from the query string; unknown values are ignored."""
    def member(enum, value):
        return next((m for m in enum if m.value == value), None)
    day = None
    if args.get("ngay"):
        try:
            day = date.fromisoformat(args["ngay"])
        except ValueError:
            day = None
    topic = args.get("chu_de", "")
    return {"q": args.get("q", "").strip()[:100], "topic": int(topic) if topic.isdigit() else None,
            "status": args.get("trang_thai", ""), "priority": member(Priority, args.get("uu_tien")),
            "kind": member(BulletinKind, args.get("loai")), "day": day}
