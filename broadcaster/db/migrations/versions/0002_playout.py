"""Playout tables: the daemon's heartbeat, play requests (manual and emergency), progress of
what is airing (read after a crash to close the open as-run row with how far it got).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:02:33.906302
"""
from alembic import op
import sqlalchemy as sa
import broadcaster.db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('playout_heartbeat',
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('started_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('seen_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_playout_heartbeat_station_id_station')),
    sa.PrimaryKeyConstraint('station_id', name=op.f('pk_playout_heartbeat'))
    )
    op.create_table('playout_progress',
    sa.Column('as_run_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('started_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('played_ms', sa.Integer(), nullable=False),
    sa.Column('updated_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['as_run_id'], ['as_run.id'], name=op.f('fk_playout_progress_as_run_id_as_run')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_playout_progress_station_id_station')),
    sa.PrimaryKeyConstraint('as_run_id', name=op.f('pk_playout_progress'))
    )
    with op.batch_alter_table('playout_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playout_progress_station_id'), ['station_id'], unique=False)

    op.create_table('playout_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('operator', sa.String(length=64), nullable=False),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=True),
    sa.Column('clip_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('taken_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('done_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('as_run_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['as_run_id'], ['as_run.id'], name=op.f('fk_playout_request_as_run_id_as_run')),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], name=op.f('fk_playout_request_bulletin_id_bulletin')),
    sa.ForeignKeyConstraint(['clip_id'], ['clip.id'], name=op.f('fk_playout_request_clip_id_clip')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_playout_request_station_id_station')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_playout_request_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playout_request'))
    )
    with op.batch_alter_table('playout_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playout_request_station_id'), ['station_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('playout_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_playout_request_station_id'))

    op.drop_table('playout_request')
    with op.batch_alter_table('playout_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_playout_progress_station_id'))

    op.drop_table('playout_progress')
    op.drop_table('playout_heartbeat')
