"""CLI for the station itself (filled in by the foundation work)."""

COMMANDS: list = []
