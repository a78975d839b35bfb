import math

from broadcaster.audio.silence import SilenceDetector, Span, peak_dbfs

TONE = (b"\x00\x40" + b"\x00\xc0") * 441    # 20 ms at half scale (-6 dBFS)
QUIET = b"\x00\x00" * 882                     # 20 ms of digital silence


def feed(detector, pattern):
    """pattern: (chunk, count) pairs; return every span the detector reported."""
    said = []
    for chunk, count in pattern:
        for _ in range(count):
            span = detector.feed(chunk)
            if span:
                said.append(span)
    return said


def test_peak_levels():
    assert round(peak_dbfs(TONE), 1) == -6.0
    assert peak_dbfs(QUIET) == -math.inf


def test_the_programmes_own_gaps_are_not_dead_air():
    detector = SilenceDetector(10, -50)
    # 2 s of sound, a 1.5 s gap, 2 s of sound, another gap: never 10 s of silence
    assert feed(detector, [(TONE, 100), (QUIET, 75), (TONE, 100), (QUIET, 75), (TONE, 10)]) == []
    assert detector.finish() is None


def test_dead_air_is_reported_once_when_it_passes_the_threshold_and_again_when_it_ends():
    detector = SilenceDetector(10, -50, start_ms=1000)
    said = feed(detector, [(TONE, 50), (QUIET, 600), (TONE, 5)])
    assert said == [Span(2000, 10000, True), Span(2000, 12000, False)]
    assert detector.spans == [Span(2000, 12000, False)]


def test_dead_air_at_the_end_is_closed_by_finish():
    detector = SilenceDetector(8, -50)
    assert feed(detector, [(TONE, 10), (QUIET, 450)]) == [Span(200, 8000, True)]
    assert detector.finish() == Span(200, 9000, False)
    assert detector.finish() is None
