"""Where the reading cases live, and how to read them."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "cases.jsonl"
SPEC_DIR = Path(__file__).resolve().parents[3] / "shared/spec"
DEV_FILE = SPEC_DIR / "normalization-dev.jsonl"
SCORER_FILE = SPEC_DIR / "score_reading.py"


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
