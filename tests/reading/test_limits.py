"""A reading's limits: too long a text, or too long a reading, stops with one Vietnamese error."""

from __future__ import annotations

import pytest

from broadcaster.errors import BroadcasterError
from broadcaster.reading import Normalizer, ReadingLimitError, explain, normalize


def test_text_at_the_length_limit_is_read():
    assert normalize("Có 12 hộ.", max_chars=9) == "có mười hai hộ."


def test_text_past_the_length_limit_is_refused_with_its_size_and_part():
    with pytest.raises(ReadingLimitError) as caught:
        normalize("x" * 1_234_567, max_chars=200_000, part="nội dung bản tin «Lịch tiêm chủng»")
    error = caught.value
    assert isinstance(error, BroadcasterError)
    assert (error.kind, error.size, error.limit) == ("length", 1_234_567, 200_000)
    assert str(error) == ("Nội dung bản tin «Lịch tiêm chủng» quá dài để đọc: 1.234.567 ký tự, "
                          "tối đa 200.000 ký tự. Hãy chia thành nhiều phần ngắn hơn.")


def test_spent_time_budget_stops_the_reading_and_says_where():
    with pytest.raises(ReadingLimitError) as caught:
        explain("Họp lúc 8h30 tại UBND xã.", budget_seconds=0)
    error = caught.value
    assert (error.kind, error.part, error.reached, error.size) == ("time", "văn bản", 0, 25)
    assert str(error).startswith("Đọc văn bản quá 0 giây nên đã dừng (mới đến ký tự 0 trên 25).")


def test_ample_time_budget_changes_nothing():
    text = "Từ 7h-11h ngày 02/9/2025, UBND xã tiếp dân.\n- Gọi 114 khi có cháy."
    normalizer = Normalizer()
    assert normalizer.normalize(text, budget_seconds=60, max_chars=10_000) == normalizer.normalize(text)


def test_long_text_is_checked_against_the_clock_as_it_is_read(monkeypatch):
    import broadcaster.reading.limits as limits

    clock = iter(range(1000))
    monkeypatch.setattr(limits, "monotonic", lambda: next(clock))
    with pytest.raises(ReadingLimitError) as caught:
        normalize("xã " * 1000, budget_seconds=2.5)  # one second passes at each look
    # the third look at the clock, two strides into the text (at a token's start)
    assert 2 * limits.CLOCK_STRIDE <= caught.value.reached < 2 * limits.CLOCK_STRIDE + 6
    assert str(caught.value).startswith("Đọc văn bản quá 2,5 giây nên đã dừng (mới đến ký tự ")
