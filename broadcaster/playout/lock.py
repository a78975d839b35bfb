"""One playout daemon per station home: an exclusive OS lock on its `playout.lock` (and one
`broadcaster run` per home: its `run.lock`; both named by broadcaster.home.Home).

The lock is held by an open file for as long as the daemon runs, so the operating system lets go
of it when the process ends, however it ends (a crash, SIGKILL, a power cut): there is nothing
stale to clean up. POSIX uses flock(2) (advisory, per open file, so a second daemon in the same
process is refused too); Windows locks a byte of the file with msvcrt.locking.
"""

from __future__ import annotations

import os
from pathlib import Path

from broadcaster.playout.errors import PlayoutError

PLAYOUT_BUSY = ("tiến trình phát của đài đang chạy ({holder}đang giữ khóa {path}); mỗi đài chỉ chạy "
                "một tiến trình phát, nếu không mọi buổi sẽ phát hai lần. Hãy dùng tiến trình đang "
                "chạy, hoặc dừng nó trước.")
RUN_BUSY = ("đài đang được chạy bởi một lệnh 'broadcaster run' khác ({holder}đang giữ khóa {path}). "
            "Hãy dùng lệnh đang chạy, hoặc dừng nó (Ctrl+C) trước.")
_LOCKED_BYTE = 4096  # Windows: lock a byte past the pid text, so another process can still read it


class StationLock:
    def __init__(self, path: Path, busy: str = PLAYOUT_BUSY):
        self.path = Path(path)
        self._busy = busy
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise PlayoutError naming the daemon that holds it."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        # (not inherited: ffmpeg children never hold the lock after the daemon is gone)
        try:
            _lock(fd)
        except OSError:
            holder = _read_pid(fd)
            os.close(fd)
            raise PlayoutError(self._busy.format(holder=f"pid {holder}, " if holder else "",
                                                 path=self.path)) from None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        except OSError:
            pass
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


if os.name == "nt":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, _LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
