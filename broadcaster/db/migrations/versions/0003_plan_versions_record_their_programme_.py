"""Plan versions record their programme parts (ident clips, gap) and their carried-out items.

Existing versions get an empty carry-over list.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 18:51:26.886322
"""
from alembic import op
import sqlalchemy as sa
import broadcaster.db.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('day_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ident_clip_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closing_clip_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('gap_ms', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carried_out', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.create_foreign_key(batch_op.f('fk_day_plan_closing_clip_id_clip'), 'clip', ['closing_clip_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_day_plan_ident_clip_id_clip'), 'clip', ['ident_clip_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('day_plan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_day_plan_ident_clip_id_clip'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_day_plan_closing_clip_id_clip'), type_='foreignkey')
        batch_op.drop_column('carried_out')
        batch_op.drop_column('gap_ms')
        batch_op.drop_column('closing_clip_id')
        batch_op.drop_column('ident_clip_id')
