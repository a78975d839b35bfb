"""Chaos bench: many random SIGKILLs of a real playout daemon across short slots. Run on demand.

    python tests/bench/bench_chaos.py [--kills 50] [--slots 10] [--seed 1]

Each kill is followed by a restart one second later, as `broadcaster run` would. Prints the faults
injected, the airings affected, overlaps, open rows, double plays (an item aired whole twice) and
lost outcomes (a slot with no closed row). Target: 50 kills, 0 double plays, 0 lost outcomes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the tests package

from click.testing import CliRunner  # noqa: E402

from broadcaster.cli import cli  # noqa: E402
from broadcaster.station.context import StationContext  # noqa: E402
from tests.playout import chaos  # noqa: E402
from tests.playout.conftest import Plant  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "station"
        result = CliRunner().invoke(cli, ["--home", str(home), "init"])
        assert result.exit_code == 0, result.output
        plant = Plant(home, StationContext(str(home)))
        started = time.monotonic()
        report = chaos.run(plant, kills=args.kills, slots=args.slots, seed=args.seed,
                           log=Path(tmp) / "daemon.log")
        print(f"run: {time.monotonic() - started:.0f} s, seed {args.seed}")
        print("\n".join(report.lines()))
        for problem in report.overlaps + report.double_plays + report.lost_outcomes:
            print("  ", problem)
        if not report.clean:
            print("\n".join(chaos.describe(plant.rows())))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
