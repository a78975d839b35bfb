"""Backups of the station: the database, the settings and the uploaded recordings in one archive,
proven by restoring it; rotation; and restoring a station from an archive.

`make_backup` writes and checks one archive (recorded in `backup_record`), `restore` puts an
archive back into a station home that is not running.
"""

from broadcaster.backup.archive import BackupError, make_backup, restore
from broadcaster.backup.rotate import to_delete

__all__ = ["BackupError", "make_backup", "restore", "to_delete"]
