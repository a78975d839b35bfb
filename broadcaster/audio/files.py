"""Write files so that a crash never leaves a half file under the final name; know them by hash."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644


def temp_beside(dest: Path) -> Path:
    """Create an empty temporary file in dest's folder (so a rename onto dest is atomic)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    return Path(name)


def publish(tmp: Path, dest: Path) -> Path:
    """Give a finished temporary file normal permissions and rename it onto dest."""
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, dest)
    return Path(dest)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
