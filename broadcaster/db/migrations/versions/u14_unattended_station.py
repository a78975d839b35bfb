"""The unattended station: alert targets, alerts, deliveries, backups, power switching, and
as_run.notes (dead air and amplifier switching noticed during an airing).

as_run.notes is added with a plain ALTER TABLE (no table copy), so SQLite keeps the append-only
triggers; existing rows get an empty list.

Revision ID: u14_unattended_station
Revises: 0007
Create Date: 2026-12-04 19:40:00
"""
from alembic import op
import sqlalchemy as sa
import broadcaster.db.types

revision = 'u14_unattended_station'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('as_run', sa.Column('notes', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table('alert_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('added_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_alert_target_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_target'))
    )
    op.create_index(op.f('ix_alert_target_station_id'), 'alert_target', ['station_id'], unique=False)
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('recovery', sa.Text(), nullable=False),
    sa.Column('opened_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('last_notice_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('notices', sa.Integer(), nullable=False),
    sa.Column('resolved_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_alert_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert'))
    )
    op.create_index('ix_alert_station_key', 'alert', ['station_id', 'key'], unique=False)
    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('notice', sa.String(length=16), nullable=False),
    sa.Column('target_key', sa.String(length=64), nullable=False),
    sa.Column('target_label', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_try_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('sent_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('gave_up_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_delivery_alert_id_alert')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_alert_delivery_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_delivery'))
    )
    op.create_index(op.f('ix_alert_delivery_alert_id'), 'alert_delivery', ['alert_id'], unique=False)
    op.create_index(op.f('ix_alert_delivery_next_try_at'), 'alert_delivery', ['next_try_at'], unique=False)
    op.create_index(op.f('ix_alert_delivery_station_id'), 'alert_delivery', ['station_id'], unique=False)
    op.create_table('backup_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('started_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('ended_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_backup_record_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backup_record'))
    )
    op.create_index(op.f('ix_backup_record_station_id'), 'backup_record', ['station_id'], unique=False)
    op.create_table('power_switch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('adapter', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_power_switch_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_power_switch'))
    )
    op.create_index(op.f('ix_power_switch_station_id'), 'power_switch', ['station_id'], unique=False)


def downgrade() -> None:
    for table in ('power_switch', 'backup_record', 'alert_delivery', 'alert', 'alert_target'):
        op.drop_table(table)
    op.drop_column('as_run', 'notes')
