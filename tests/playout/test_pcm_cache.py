"""The decoded-PCM cache: leftovers of killed decodes are removed, per-file locks do not pile up."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from broadcaster.playout import programme
from broadcaster.playout.programme import cleanup_cache, prepare

from tests.playout.conftest import make_tone


def dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_part_files_of_killed_decodes_are_removed_and_a_running_one_is_kept(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    killed = cache / f"plan1-v1-0123456789ab.{dead_pid()}.part"
    killed.write_bytes(b"\0" * 1000)
    old = cache / f"plan2-v1-0123456789ab.{os.getpid()}.part"  # ours, but untouched for hours
    old.write_bytes(b"\0" * 1000)
    hours_ago = time.time() - 3 * 3600
    os.utime(old, (hours_ago, hours_ago))
    running = cache / f"plan3-v1-0123456789ab.{os.getpid()}.part"
    running.write_bytes(b"\0" * 1000)
    kept = cache / "plan4-v1-0123456789ab.pcm"
    kept.write_bytes(b"\0" * 1000)
    cleanup_cache(cache)
    assert not killed.exists() and not old.exists()
    assert running.exists() and kept.exists()


def test_the_per_file_locks_are_dropped_after_use(tmp_path):
    cache = tmp_path / "cache"
    for index in range(3):
        source = make_tone(tmp_path / f"t{index}.mp3", 0.6)
        prepare(source, cache, f"key{index}")
        prepare(source, cache, f"key{index}")  # cached
    assert programme._locks == {}
