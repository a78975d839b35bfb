from datetime import date

import pytest

from broadcaster.schedule import parse_day


@pytest.mark.parametrize("text", ["2024-03-01", "01/03/2024", "1/3/2024", "1-3-2024", "01.03.2024",
                                  " 01/03/2024 "])
def test_staff_typed_dates(text):
    assert parse_day(text) == date(2024, 3, 1)


@pytest.mark.parametrize("text", [None, "", "31/02/2024", "2024/03/01", "03/2024", "hôm qua",
                                  "2024-3-1", "1/3/24", "2024-03-01T06:00"])
def test_not_dates(text):
    assert parse_day(text) is None
