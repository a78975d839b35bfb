"""The station's pronunciation lexicon (Từ điển cách đọc): add, edit, delete, try on a sample."""

from __future__ import annotations

import unicodedata

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from broadcaster import audit
from broadcaster.db.models import LexiconEntry, Role
from broadcaster.reading import build_lexicon, check_entry
from broadcaster.station.reading import lexicon_entries, policy_of
from web import db
from web.auth import db_user, role_required
from web.forms import ActionForm, form_errors
from web.spoken import annotate

bp = Blueprint("lexicon", __name__, url_prefix="/tu-dien")
SAMPLE = "UBND xã phối hợp với BHXH huyện hướng dẫn người dân gia hạn thẻ BHYT trước ngày 30/6."


class EntryForm(FlaskForm):
    term = StringField("Chữ viết tắt hoặc từ", validators=[Length(max=100)])
    reading = StringField("Cách đọc", validators=[Length(max=300)])
    note = TextAreaField("Ghi chú", validators=[Length(max=1000)])
    sample = StringField("Câu thử", validators=[Length(max=500)])

    def validate_reading(self, field) -> None:
        problem = check_entry(self.term.data or "", field.data or "")
        if problem:
            raise ValidationError(problem)


def _term(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _taken(term: str, but: int | None = None) -> bool:
    query = select(LexiconEntry.id).where(LexiconEntry.station_id == db.station().id,
                                          LexiconEntry.term == term)
    found = db.session().scalar(query)
    return found is not None and found != but


def _state(entry: LexiconEntry) -> dict:
    return {"term": entry.term, "reading": entry.reading, "note": entry.note}


def _sample_views(sample: str, without: str | None = None) -> dict:
    """The sample read with the station's lexicon, and (when editing) without one entry."""
    after = db.reading().explain(sample)
    views = {"sample": sample, "after": after, "after_marked": annotate(after)}
    if without is not None:
        others = {k: v for k, v in lexicon_entries(db.session(), db.station().id).items()
                  if k != without}
        before = policy_of(others, db.settings()).explain(sample)
        views.update(before=before, before_marked=annotate(before))
    return views


@bp.route("")
@login_required
def index():
    entries = db.session().scalars(select(LexiconEntry).where(
        LexiconEntry.station_id == db.station().id).order_by(LexiconEntry.term)).all()
    default = build_lexicon()
    shipped = {e.term: (hit.reading if (hit := default.lookup(e.term)) else None) for e in entries}
    sample = (request.args.get("thu") or "").strip()[:500] or SAMPLE
    return render_template("lexicon.html", entries=entries, shipped=shipped, form=EntryForm(),
                           action=ActionForm(), **_sample_views(sample))


@bp.route("/them", methods=["POST"])
@role_required(Role.EDITOR)
def add():
    form = EntryForm()
    if form.validate_on_submit():
        term = _term(form.term.data)
        if _taken(term):
            flash(f"«{term}» đã có trong từ điển của đài: hãy sửa mục đó.", "error")
        else:
            entry = LexiconEntry(station_id=db.station().id, term=term,
                                 reading=" ".join(form.reading.data.split()),
                                 note=(form.note.data or "").strip())
            db.session().add(entry)
            db.session().flush()
            audit.record(db.session(), entry.station_id, db_user(), "lexicon.add", "lexicon_entry",
                         entry.id, after=_state(entry))
            db.session().commit()
            flash(f"Đã thêm «{term}» → «{entry.reading}».", "info")
            return redirect(url_for("lexicon.index", thu=form.sample.data or term))
    form_errors(form)
    return redirect(url_for("lexicon.index"))


@bp.route("/<int:entry_id>/sua", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def edit(entry_id: int):
    entry = db.get_or_404(LexiconEntry, entry_id)
    form = EntryForm()
    if request.method == "GET":
        form.term.data, form.reading.data, form.note.data = entry.term, entry.reading, entry.note
        form.sample.data = entry.term
    if form.validate_on_submit():
        term = _term(form.term.data)
        if _taken(term, but=entry.id):
            form.term.errors = list(form.term.errors) + [f"«{term}» đã có trong từ điển của đài."]
        else:
            before = _state(entry)
            entry.term, entry.reading = term, " ".join(form.reading.data.split())
            entry.note = (form.note.data or "").strip()
            if _state(entry) != before:
                audit.record(db.session(), entry.station_id, db_user(), "lexicon.edit",
                             "lexicon_entry", entry.id, before=before, after=_state(entry))
            db.session().commit()
            flash(f"Đã lưu «{term}» → «{entry.reading}».", "info")
            return redirect(url_for("lexicon.index", thu=form.sample.data or term))
    sample = (form.sample.data or entry.term).strip()[:500]
    return render_template("lexicon_edit.html", entry=entry, form=form,
                           **_sample_views(sample, without=entry.term))


@bp.route("/<int:entry_id>/xoa", methods=["POST"])
@role_required(Role.EDITOR)
def delete(entry_id: int):
    entry = db.get_or_404(LexiconEntry, entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    audit.record(db.session(), entry.station_id, db_user(), "lexicon.delete", "lexicon_entry",
                 entry.id, before=_state(entry))
    db.session().delete(entry)
    db.session().commit()
    flash(f"Đã xóa «{entry.term}» khỏi từ điển của đài.", "info")
    return redirect(url_for("lexicon.index"))
