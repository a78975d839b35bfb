"""Keeping the disk from filling: slot programmes and air-checks of past days expire.

A commune PC runs for years. A 30-minute programme at 128k is about 22 MB and an air-check about
14 MB, two slots a day, so without a limit the disk fills and playout stops. Both live in
folders named by air date (`programmes/2026-11-27/`, `aircheck/2026-11-27/`); a folder is deleted
whole once its date is more than the kept number of days in the past. Nothing in the database is
touched: the as-run log and the plans stay, and a deleted programme can be rendered again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta

from broadcaster.home import AIRCHECK, PROGRAMMES, Home


def expired(folder_names: list[str], today: date, keep_days: int) -> list[str]:
    """The date-named folders whose date is more than `keep_days` before today (0: none).

    Names that are not ISO dates are never expired: they are not ours to delete.
    """
    if keep_days <= 0:
        return []
    cutoff = today - timedelta(days=keep_days)
    old = []
    for name in folder_names:
        try:
            day = date.fromisoformat(name)
        except ValueError:
            continue
        if day < cutoff:
            old.append(name)
    return sorted(old)


@dataclass
class Pruned:
    folders: list[str]
    files: int = 0
    bytes: int = 0

    def summary(self) -> str:
        if not self.folders:
            return "Không có tệp âm thanh nào quá thời hạn lưu trữ."
        return (f"Đã xóa {self.files} tệp âm thanh quá thời hạn lưu trữ "
                f"({self.bytes / 1_000_000:.1f} MB, {len(self.folders)} thư mục ngày).")


def prune(home: Home, today: date, programme_keep_days: int, aircheck_keep_days: int,
          dry_run: bool = False) -> Pruned:
    """Delete the expired date folders of programmes and air-checks under the station home."""
    result = Pruned([])
    for kind, root, keep in ((PROGRAMMES, home.programmes, programme_keep_days),
                             (AIRCHECK, home.aircheck, aircheck_keep_days)):
        if not root.is_dir():
            continue
        names = [p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink()]
        for name in expired(names, today, keep):
            folder = root / name
            files = [f for f in folder.rglob("*") if f.is_file()]
            result.files += len(files)
            result.bytes += sum(f.stat().st_size for f in files)
            result.folders.append(f"{kind}/{name}")
            if not dry_run:
                shutil.rmtree(folder)
    return result
