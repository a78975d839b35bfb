"""day_plan.programme_sha256: the rendered programme file's hash, recorded with the version.

Playout compares it before air: a programme damaged after approval (truncated, corrupted) is
rendered again from the parts it was made of instead of airing as if it were whole.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('day_plan', sa.Column('programme_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('day_plan', 'programme_sha256')
