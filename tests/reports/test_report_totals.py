"""Report figures against an independent SQL reading of the same generated as-run log."""

from __future__ import annotations

from sqlalchemy import text

from broadcaster.reports import build_report, parse_quarter

Q1 = parse_quarter("2024Q1")

# Written apart from broadcaster.reports: SQLite's own date arithmetic (+7 hours: Asia/Ho_Chi_Minh
# has no DST), the airing rule spelled out in SQL.
AIRINGS = """
WITH r AS (
    SELECT *, coalesce(date(coalesce(started_at, scheduled_at), '+7 hours'), air_date) AS local_day
    FROM as_run WHERE station_id = :sid
)
SELECT * FROM r
WHERE local_day BETWEEN '2024-01-01' AND '2024-03-31'
  AND played_ms > 0 AND status IN ('PLAYED', 'PARTIAL', 'EMERGENCY', 'INTERRUPTED')
  AND (kind = 'item' OR (kind = 'slot' AND "trigger" <> 'schedule' AND bulletin_id IS NULL))
"""
SLOT_ROWS = """
SELECT slot_name, status, count(*) FROM as_run
WHERE station_id = :sid AND kind = 'slot'
  AND coalesce(date(coalesce(started_at, scheduled_at), '+7 hours'), air_date)
      BETWEEN '2024-01-01' AND '2024-03-31'
GROUP BY slot_name, status
"""


def _sql(ctx, query: str, **params) -> list[tuple]:
    with ctx.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query), {"sid": ctx.station_id, **params})]


def _grouped(ctx, expression: str) -> dict:
    rows = _sql(ctx, f"SELECT {expression} AS k, count(*), sum(played_ms) FROM ({AIRINGS}) "
                     "GROUP BY k")
    return {key: (count, total) for key, count, total in rows}


def _report(ctx, **kwargs):
    with ctx.session() as session:
        return build_report(session, Q1, [ctx.station_id], **kwargs)


def test_totals_match_an_independent_query(logged_ctx):
    report = _report(logged_ctx)
    (count, total, bulletins), = _sql(logged_ctx, "SELECT count(*), sum(played_ms), "
                                      "count(DISTINCT coalesce(bulletin_id, 'file:' || title)) "
                                      f"FROM ({AIRINGS})")
    assert count > 500  # the generator made a real quarter
    assert (report.airings, report.played_ms, report.bulletins) == (count, total, bulletins)
    assert len(report.details) == count
    assert sum(a.played_ms for a in report.details) == total


def test_tables_match_an_independent_group_by(logged_ctx):
    report = _report(logged_ctx)
    assert {line.key: (line.airings, line.played_ms) for line in report.by_topic} == \
        _grouped(logged_ctx, "topic_code")
    months = _grouped(logged_ctx, "substr(local_day, 1, 7)")
    assert {line.key: (line.airings, line.played_ms) for line in report.by_month} == months
    assert [line.key for line in report.by_month] == ["2024-01", "2024-02", "2024-03"]
    assert {line.key: (line.airings, line.played_ms) for line in report.by_source} == \
        _grouped(logged_ctx, "source")
    by_slot = _grouped(logged_ctx, "slot_name")
    assert {line.key: (line.airings, line.played_ms) for line in report.by_slot
            if line.airings} == by_slot
    weeks = _grouped(logged_ctx, "date(local_day, '-' || ((strftime('%w', local_day) + 6) % 7) "
                                 "|| ' days')")
    assert {line.key: (line.airings, line.played_ms) for line in report.by_week
            if line.airings} == weeks
    assert sum(line.played_ms for line in report.by_week) == report.played_ms


def test_slot_outcomes_emergencies_and_problems_match(logged_ctx):
    report = _report(logged_ctx)
    counts = {(slot, status): n for slot, status, n in _sql(logged_ctx, SLOT_ROWS)}
    for line in report.by_slot:
        assert line.missed == counts.get((line.key, "MISSED"), 0)
        assert line.failed == counts.get((line.key, "FAILED"), 0)
        assert line.interrupted == counts.get((line.key, "INTERRUPTED"), 0)
        assert line.slots_aired == sum(counts.get((line.key, s), 0)
                                       for s in ("PLAYED", "PARTIAL", "INTERRUPTED", "EMERGENCY"))
    for status in ("MISSED", "FAILED", "INTERRUPTED"):
        assert report.problem_count(status) == sum(n for (_, s), n in counts.items() if s == status)
    assert all(p.reason for p in report.problems)
    (emergencies, emergency_ms), = _sql(
        logged_ctx, f"SELECT count(*), coalesce(sum(played_ms), 0) FROM ({AIRINGS}) "
                    "WHERE \"trigger\" = 'emergency' OR status = 'EMERGENCY'")
    assert emergencies > 0
    assert (len(report.emergencies), report.emergency_ms) == (emergencies, emergency_ms)


def test_topic_lines_name_topics_and_count_their_bulletins(logged_ctx):
    report = _report(logged_ctx)
    expected = dict(_sql(logged_ctx, "SELECT topic_code, count(DISTINCT coalesce(bulletin_id, "
                                     f"'file:' || title)) FROM ({AIRINGS}) GROUP BY topic_code"))
    assert {line.key: line.bulletins for line in report.by_topic} == expected
    labels = {line.key: line.label for line in report.by_topic}
    assert labels["cchc"] == "Cải cách hành chính"
    assert labels[""] == "Chưa rõ chủ đề"  # the file played in an emergency has no topic
    assert [line.played_ms for line in report.by_topic] == \
        sorted((line.played_ms for line in report.by_topic), reverse=True)


def test_summary_without_details_has_the_same_figures(logged_ctx):
    full, summary = _report(logged_ctx), _report(logged_ctx, with_details=False)
    assert summary.details is None
    assert (summary.airings, summary.played_ms, summary.by_topic, summary.by_slot) == \
        (full.airings, full.played_ms, full.by_topic, full.by_slot)
