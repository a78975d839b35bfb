"""Benchmark the reading stage: sentences per second on a corpus of bulletin sentences.

Run on demand: python tests/bench/bench_reading.py [--rounds N] [--dialect north|south]
Not collected by pytest (tests/bench is in norecursedirs). Target: 5,000 sentences/s or more.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from broadcaster.reading import Normalizer

CORPUS = Path(__file__).resolve().with_name("corpus_sentences.txt")
TARGET = 5000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--dialect", choices=["north", "south"], default="north")
    args = parser.parse_args()

    sentences = [s for s in CORPUS.read_text(encoding="utf-8").splitlines() if s.strip()]
    normalizer = Normalizer()
    for sentence in sentences:  # warm-up: lexicon load, regex and syllable caches
        normalizer.normalize(sentence, args.dialect)

    rates = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for sentence in sentences:
            normalizer.explain(sentence, args.dialect)
        rates.append(len(sentences) / (time.perf_counter() - start))

    unread = sum(len(normalizer.explain(s, args.dialect).unreadable) for s in sentences)
    best, median = max(rates), statistics.median(rates)
    print(f"corpus: {len(sentences)} sentences ({CORPUS.name}), {args.rounds} rounds, dialect {args.dialect}")
    print(f"sentences/s: median {median:,.0f}, best {best:,.0f} (target {TARGET:,})")
    print(f"unreadable tokens reported over the corpus: {unread}")
    return 0 if median >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
