import html

from sqlalchemy import select

from broadcaster.db.models import AuditEvent, LexiconEntry


def entries(world):
    with world.session() as session:
        return {e.term: e.reading for e in session.scalars(select(LexiconEntry))}


def test_editor_adds_an_entry_and_sees_its_effect(as_role, post, client, world):
    bulletin = world.bulletin(body="HTX Lệ Xá họp cuối năm.")
    as_role("editor")
    response = post("/tu-dien/them", {"term": "HTX", "reading": "hợp  tác xã", "note": "",
                                      "sample": "HTX Lệ Xá họp cuối năm."}, follow=True)
    page = response.get_data(as_text=True)
    assert "Đã thêm «HTX» → «hợp tác xã»." in page
    assert "hợp tác xã lệ xá họp cuối năm" in page.lower()
    assert "từ viết tắt (từ điển của đài): HTX → hợp tác xã" in html.unescape(page)
    assert entries(world) == {"HTX": "hợp tác xã"}
    # the bulletin's spoken form uses the station's entry at once
    assert "hợp tác xã" in client.get(f"/ban-tin/{bulletin}").get_data(as_text=True)
    with world.session() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "lexicon.add"))


def test_invalid_or_duplicate_entries_are_refused(as_role, post, world):
    as_role("editor")
    bad = post("/tu-dien/them", {"term": "hai từ", "reading": "x"}, follow=True).get_data(as_text=True)
    assert "chữ viết tắt phải là một từ liền" in html.unescape(bad)
    empty = post("/tu-dien/them", {"term": "ABC", "reading": "  "}, follow=True).get_data(as_text=True)
    assert "Thiếu cách đọc cho «ABC»." in empty
    post("/tu-dien/them", {"term": "KHXH", "reading": "khoa học xã hội"})
    again = post("/tu-dien/them", {"term": "KHXH", "reading": "khác"}, follow=True).get_data(as_text=True)
    assert "đã có trong từ điển của đài" in again
    assert entries(world) == {"KHXH": "khoa học xã hội"}


def test_edit_shows_before_and_after_then_delete(as_role, post, client, world):
    as_role("editor")
    post("/tu-dien/them", {"term": "BCĐ", "reading": "ban chỉ đạo"})
    with world.session() as session:
        entry_id = session.scalar(select(LexiconEntry.id))
    page = client.get(f"/tu-dien/{entry_id}/sua").get_data(as_text=True)
    assert "Không có mục này" in page and "ban chỉ đạo" in page
    post(f"/tu-dien/{entry_id}/sua", {"term": "BCĐ", "reading": "ban chỉ đạo xã", "sample": "BCĐ họp"})
    assert entries(world) == {"BCĐ": "ban chỉ đạo xã"}
    post(f"/tu-dien/{entry_id}/xoa")
    assert entries(world) == {}
    with world.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "lexicon_entry").order_by(AuditEvent.id)))
    assert actions == ["lexicon.add", "lexicon.edit", "lexicon.delete"]


def test_everyone_reads_the_lexicon_but_only_editors_change_it(as_role, client):
    as_role("operator")
    page = client.get("/tu-dien?thu=UBND%20x%C3%A3").get_data(as_text=True)
    assert "ủy ban nhân dân xã" in page and "Thêm mục" not in page
