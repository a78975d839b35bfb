"""The station home: one object that owns every path under the station's folder.

Everything the station keeps on disk lives here, so a reader finds any file by its name below and
a stage that needs a folder is handed this object instead of joining names of its own. Audio
files are stored in the database by their path relative to the home (`relative`, `path`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROGRAMMES = "programmes"   # one folder per air date: the rendered slot programmes
AIRCHECK = "aircheck"       # one folder per air date: recordings of exactly what aired
RECORDINGS = "recordings"   # uploaded bulletin recordings, normalized
CACHE = "cache"             # re-creatable: the clip cache


@dataclass(frozen=True)
class Home:
    """The layout of one station home folder."""

    root: Path

    # --- files --------------------------------------------------------------------------------
    @property
    def database(self) -> Path:
        """The default SQLite database (when the setting database_url is empty)."""
        return self.root / "station.db"

    @property
    def config(self) -> Path:
        return self.root / "broadcaster.toml"

    @property
    def secret_key(self) -> Path:
        """The web page's signing key, made by `broadcaster init`."""
        return self.root / "secret_key"

    @property
    def health_token(self) -> Path:
        """The API token of the full `GET /suc-khoe` answer, made by `broadcaster init`."""
        return self.root / "health_token"

    @property
    def playout_lock(self) -> Path:
        """Held by the one playout daemon of this home."""
        return self.root / "playout.lock"

    @property
    def run_lock(self) -> Path:
        """Held by the one `broadcaster run` of this home."""
        return self.root / "run.lock"

    # --- folders -------------------------------------------------------------------------------
    @property
    def programmes(self) -> Path:
        return self.root / PROGRAMMES

    @property
    def aircheck(self) -> Path:
        return self.root / AIRCHECK

    @property
    def recordings(self) -> Path:
        return self.root / RECORDINGS

    @property
    def clip_cache(self) -> Path:
        """Finished speech clips by cache key (see tts.cache)."""
        return self.root / CACHE / "clips"

    @property
    def playout_cache(self) -> Path:
        """Programmes decoded to raw PCM ahead of air."""
        return self.root / "playout" / "cache"

    @property
    def journal(self) -> Path:
        """The playout daemon's local journal of airings (see playout.journal)."""
        return self.root / "playout" / "journal"

    @property
    def backups(self) -> Path:
        """The default backup folder (setting backup.folder)."""
        return self.root / "backups"

    @property
    def uploads(self) -> Path:
        """Where files sent from the browser wait while they are checked."""
        return self.root / "tmp"

    @property
    def audio_folders(self) -> tuple[Path, ...]:
        """The folders whose MP3 files the web page may serve."""
        return (self.root / CACHE, self.recordings, self.programmes, self.aircheck)

    # --- dated audio -----------------------------------------------------------------------------
    def programme(self, air_date: date, slot_name: str, digest: str) -> str:
        """The relative path of a slot programme, named by its content hash."""
        return (Path(PROGRAMMES) / air_date.isoformat() / f"{slot_name}-{digest[:16]}.mp3").as_posix()

    def aircheck_folder(self, air_date: date) -> Path:
        return self.aircheck / air_date.isoformat()

    def new_aircheck(self, air_date: date, name: str) -> Path:
        """A recording's file for a new airing: `<name>.mp3`, or `<name>-2.mp3`… when it aired
        before (the web page finds an airing's file by its name and time)."""
        folder = self.aircheck_folder(air_date)
        path, number = folder / f"{name}.mp3", 1
        while path.exists():
            number += 1
            path = folder / f"{name}-{number}.mp3"
        return path

    # --- stored paths ----------------------------------------------------------------------------
    def path(self, stored: str | Path) -> Path:
        """The file a stored path names (relative to the home, or absolute)."""
        return self.root / stored

    def relative(self, path: str | Path) -> str:
        """How a file is stored: relative to the home when inside it, else absolute."""
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(resolved)
