"""Storage: the data model, the engine with its SQLite pragmas, and migrations.

Importing the package registers every table with the shared metadata (db.base.Base).
"""

from broadcaster.db import models, playout_models, watch_models  # noqa: F401
