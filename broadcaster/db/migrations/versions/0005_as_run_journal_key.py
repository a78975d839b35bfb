"""as_run.journal_key: the airing's key in the playout daemon's local journal.

After a crash the daemon matches journal entries to rows by this key, not by title and time.
Added with a plain ALTER TABLE (no table copy), so SQLite keeps the append-only triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 21:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('as_run', sa.Column('journal_key', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_as_run_journal_key'), 'as_run', ['journal_key'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_as_run_journal_key'), table_name='as_run')
    op.drop_column('as_run', 'journal_key')
