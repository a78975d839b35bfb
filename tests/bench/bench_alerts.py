"""Benchmark: how long from a fault to its alert at the staff's webhook? Run on demand.

    python tests/bench/bench_alerts.py [--only NAME]

Each fault is produced for real against a temporary station whose watcher (`broadcaster watch`,
alerts.check_seconds = 1) and playout daemon run as processes, with a JSON webhook server on a
loopback port as the target (tests/alerts/scenarios.py, the same code test_events.py runs).
Prints the delay from the fault to the alert's arrival for each kind. Target: under 30 s.
The daemon-down delay includes alerts.daemon_down_seconds (12 s here): the time it takes to know
that a silent daemon is not merely busy. The disk test mounts a tmpfs (root only).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.alerts import scenarios  # noqa: E402
from tests.alerts.conftest import start_webhook  # noqa: E402

TARGET_SECONDS = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one scenario (e.g. daemon_killed)")
    args = parser.parse_args()
    chosen = [s for s in scenarios.SCENARIOS if not args.only or s.__name__ == args.only]
    if os.geteuid() != 0:
        chosen = [s for s in chosen if s is not scenarios.disk_filling]
    figures = []
    for scenario in chosen:
        inbox, server = start_webhook()
        try:
            with tempfile.TemporaryDirectory(prefix="bench-alerts-") as folder:
                figures += scenario(Path(folder), inbox)
        finally:
            server.shutdown()
    width = max(len(f.event) for f in figures)
    print(f"{'sự cố'.ljust(width)}  trễ tới khi nhận cảnh báo")
    for figure in figures:
        mark = "" if figure.delay < TARGET_SECONDS else f"  (QUÁ {TARGET_SECONDS:.0f} s)"
        print(f"{figure.event.ljust(width)}  {figure.delay:5.1f} s{mark}")
    worst = max(f.delay for f in figures)
    print(f"chậm nhất: {worst:.1f} s (mục tiêu dưới {TARGET_SECONDS:.0f} s)")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
