"""Reading is linear in the text length, whatever the text: adversarial runs at 1k, 10k and 100k.

Times are compared within one run (a ratio, never an absolute time): ten times the text must
cost about ten times as much. Linear code gives a ratio near 10, quadratic code near 100; the
limit sits between them, each size is timed several times and the fastest run counts, and the
collector is paused while timing, so a loaded machine does not fail the test. The 100k run has a
time budget, and a size is timed only while the sizes before grew linearly, so quadratic code
fails in seconds instead of hanging.
"""

from __future__ import annotations

import gc
import random
import time

import pytest

from broadcaster.reading import Normalizer, ReadingLimitError
from tests.reading.test_properties import FRAGMENTS

SIZES = (1_000, 10_000, 100_000)
RATIO_LIMIT = 30.0  # per tenfold growth; linear ≈ 10, quadratic ≈ 100
REPEATS = {1_000: 5, 10_000: 3, 100_000: 1}


def _mixed(size: int) -> str:
    rng = random.Random(16)
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(rng.choice(FRAGMENTS))
        length += len(parts[-1])
    return "".join(parts)


# name → the unit repeated to the wanted size (or a function of the size)
PATTERNS: dict[str, object] = {
    # runs of one symbol, bare and spaced
    "slash": "/", "minus_sign": "\u2212", "hyphen": "-", "en_dash": "–", "em_dash": "—",
    "full_stop": ".", "comma": ",", "ampersand": "&", "percent": "%", "plus": "+", "star": "*",
    "unknown_symbol": "¤", "quote": '"', "spaced_slash": " /", "spaced_minus": " \u2212",
    "spaced_hyphen": "xã - ", "tab_slash": "\t/", "line_bullets": "\n- a", "document_end": "./.",
    # digits with separators
    "digits": "1", "dotted_digits": "1.", "comma_digits": "1,", "slashed_digits": "1/",
    "dashed_digits": "1-", "spaced_digits": "1 ", "digit_groups": "123 ", "dot_dates": "15.8 ",
    "phones": "0912.345.678 ", "dash_ranges": "1 - ", "times": "1h", "signed": "\u22121",
    # capitals
    "capital_run": "A", "capital_words": "ABC DEF ", "capital_syllables": "ĐƯỜNG ",
    "capital_joined": "AB-", "roman_headings": "II. ", "acronym_definitions": "xã (UBND) ",
    # brackets
    "nested_brackets": lambda n: "(" * (n // 2) + ")" * (n - n // 2), "mixed_brackets": "([{",
    # mixed
    "doc_codes": "12/KH-", "slash_dash_minus": "/-\u2212.", "word_digit_slash": "a1/",
    "dates_after_cue": "ngày 1/", "fragments": _mixed,
}


def _text(pattern: object, size: int) -> str:
    if callable(pattern):
        return pattern(size)[:size]
    unit = str(pattern)
    return (unit * (size // len(unit) + 1))[:size]


def _fastest(normalizer: Normalizer, text: str, repeats: int, budget: float | None) -> float:
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            normalizer.explain(text, budget_seconds=budget)
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best


def _ratio_ok(times: dict[int, float], size: int) -> bool:
    return times[size] / max(times[size // 10], 1e-6) < RATIO_LIMIT


@pytest.mark.parametrize("name", list(PATTERNS))
def test_reading_time_grows_linearly_with_the_text(name):
    normalizer = Normalizer()
    normalizer.explain(_text(PATTERNS[name], 200))  # warm the caches
    times: dict[int, float] = {}
    for size in SIZES:
        previous = times.get(size // 10)
        # quadratic code would take minutes at the next size: stop it well before
        budget = max(1.0, 2 * RATIO_LIMIT * previous) if previous is not None else None
        text = _text(PATTERNS[name], size)
        try:
            times[size] = _fastest(normalizer, text, REPEATS[size], budget)
            if previous is not None and not _ratio_ok(times, size):  # a busy moment? once more
                times[size // 10] = min(previous, _fastest(normalizer, text[:size // 10], 3, None))
                times[size] = min(times[size], _fastest(normalizer, text, 2, budget))
        except ReadingLimitError:
            pytest.fail(f"{name}: {size} characters overran {budget:.1f} s "
                        f"({size // 10} took {previous:.4f} s)")
        summary = ", ".join(f"{n}: {t:.4f} s" for n, t in times.items())
        if previous is not None:
            assert _ratio_ok(times, size), f"{name} grows faster than linear: {summary}"
