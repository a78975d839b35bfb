"""Storage: the data model, the engine with its SQLite pragmas, and migrations."""
