"""PostgreSQL: a working append-only guard for as_run and audit_event.

The guard of 0001 tested `TG_TABLE_NAME = 'as_run' AND OLD.ended_at IS NULL` in one expression;
PL/pgSQL does not promise to stop at the first false operand, so every UPDATE of audit_event
failed on the missing column instead of with the append-only message, and a closed as_run row
said "cannot be changed" where SQLite says "is closed". Found by running the migration tests on
a real PostgreSQL server. SQLite's triggers were right: nothing changes there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 20:45:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

GUARD = """CREATE OR REPLACE FUNCTION append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END IF;
        IF TG_TABLE_NAME = 'as_run' THEN
            IF OLD.ended_at IS NULL THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'as_run row is closed';
        END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
    END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)


def downgrade() -> None:
    pass  # the guard of 0001 was a bug; 0001's own downgrade drops the function
