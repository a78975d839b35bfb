"""Benchmark the reading stage: sentences per second, and the same corpus through vietnormalizer.

Run on demand: python tests/bench/bench_reading.py [--rounds N] [--dialect north|south] [--no-peer]
Not collected by pytest (tests/bench is in norecursedirs). Targets: 5,000 sentences/s or more, and
at least 3 times the throughput of vietnormalizer (PyPI), the fastest other Vietnamese normalizer,
timed in the same run on the same sentences. Rounds alternate between the two, so a busy machine
slows both alike; the ratio is of the medians.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from broadcaster.reading import Normalizer

CORPUS = Path(__file__).resolve().with_name("corpus_sentences.txt")
TARGET = 5000
PEER_RATIO_TARGET = 3.0


def _rate(read: Callable[[str], object], sentences: list[str]) -> float:
    gc.collect()
    start = time.perf_counter()
    for sentence in sentences:
        read(sentence)
    return len(sentences) / (time.perf_counter() - start)


def _peer() -> Callable[[str], object] | None:
    try:
        from vietnormalizer import VietnameseNormalizer
    except ImportError:
        return None
    return VietnameseNormalizer().normalize


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--dialect", choices=["north", "south"], default="north")
    parser.add_argument("--no-peer", action="store_true", help="time only this normalizer")
    args = parser.parse_args()

    sentences = [s for s in CORPUS.read_text(encoding="utf-8").splitlines() if s.strip()]
    normalizer = Normalizer()

    def ours(sentence: str) -> object:
        return normalizer.explain(sentence, args.dialect)

    peer = None if args.no_peer else _peer()
    for sentence in sentences:  # warm-up: lexicon load, regex and syllable caches
        ours(sentence)
        if peer is not None:
            peer(sentence)

    our_rates, peer_rates = [], []
    for _ in range(args.rounds):
        our_rates.append(_rate(ours, sentences))
        if peer is not None:
            peer_rates.append(_rate(peer, sentences))

    unread = sum(len(normalizer.explain(s, args.dialect).unreadable) for s in sentences)
    median = statistics.median(our_rates)
    print(f"corpus: {len(sentences)} sentences ({CORPUS.name}), {args.rounds} rounds, dialect {args.dialect}")
    print(f"sentences/s: median {median:,.0f}, best {max(our_rates):,.0f} (target {TARGET:,})")
    print(f"unreadable tokens reported over the corpus: {unread}")
    ok = median >= TARGET
    if peer is None:
        if not args.no_peer:
            print("vietnormalizer is not installed (pip install vietnormalizer): no comparison")
        return 0 if ok else 1
    peer_median = statistics.median(peer_rates)
    ratio = median / peer_median
    print(f"vietnormalizer sentences/s: median {peer_median:,.0f}, best {max(peer_rates):,.0f}")
    print(f"ratio ours/vietnormalizer: {ratio:.2f} (target {PEER_RATIO_TARGET:.1f})")
    return 0 if ok and ratio >= PEER_RATIO_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
