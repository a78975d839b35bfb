"""Fixtures of the report tests: a station database holding a generated as-run log."""

from __future__ import annotations

from datetime import date

import pytest

from asrun_log import make_log

# Q1 2024 plus a few days either side, so the period's edges have neighbours to leave out.
LOG_FIRST, LOG_LAST = date(2023, 12, 29), date(2024, 4, 3)


@pytest.fixture
def logged_ctx(station_ctx):
    """The station context after a generated log was committed; ``logged_ctx.maker`` wrote it."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        station_ctx.maker = make_log(session, station, LOG_FIRST, LOG_LAST)
        station_ctx.station_id = station.id
    return station_ctx
