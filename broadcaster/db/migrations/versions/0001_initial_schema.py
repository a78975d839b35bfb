"""Initial schema: stations, users, topics, bulletins, clips, slots, plans, as-run log, audit, lexicon.

The as-run log and the audit trail are append-only, enforced by triggers: no DELETE ever, and
an as-run row may only be updated while it is still open (ended_at IS NULL).

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 17:54:05.809827
"""
from alembic import op
import sqlalchemy as sa
import broadcaster.db.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('station',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('commune', sa.String(length=100), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=False),
    sa.Column('province', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('ident_text', sa.Text(), nullable=False),
    sa.Column('closing_text', sa.Text(), nullable=False),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station')),
    sa.UniqueConstraint('code', name=op.f('uq_station_code'))
    )
    op.create_table('lexicon_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('reading', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_lexicon_entry_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lexicon_entry')),
    sa.UniqueConstraint('station_id', 'term', name=op.f('uq_lexicon_entry_station_id_term'))
    )
    with op.batch_alter_table('lexicon_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lexicon_entry_station_id'), ['station_id'], unique=False)

    op.create_table('slot_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('length_seconds', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('grace_seconds', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_slot_template_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot_template')),
    sa.UniqueConstraint('station_id', 'name', name=op.f('uq_slot_template_station_id_name'))
    )
    with op.batch_alter_table('slot_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_template_station_id'), ['station_id'], unique=False)

    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_topic_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('station_id', 'code', name=op.f('uq_topic_station_id_code'))
    )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_station_id'), ['station_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_user_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('station_id', 'username', name=op.f('uq_user_station_id_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_station_id'), ['station_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_audit_event_station_id_station')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_station_id'), ['station_id'], unique=False)

    op.create_table('bulletin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('text', 'recording', name='bulletinkind', native_enum=False, length=24), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('priority', sa.Enum('normal', 'priority', 'emergency', name='priority', native_enum=False, length=24), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('repeat_kind', sa.Enum('every-slot', 'daily', 'once', 'count', name='repeatkind', native_enum=False, length=24), nullable=False),
    sa.Column('repeat_count', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'active', 'archived', name='bulletinstatus', native_enum=False, length=24), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_bulletin_author_id_user')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_bulletin_station_id_station')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_bulletin_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin')),
    sa.UniqueConstraint('station_id', 'source_key', name=op.f('uq_bulletin_station_id_source_key'))
    )
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletin_topic_id'), ['topic_id'], unique=False)

    op.create_table('day_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('air_date', sa.Date(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'rejected', 'superseded', name='planstatus', native_enum=False, length=24), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('programme_path', sa.String(length=500), nullable=True),
    sa.Column('programme_duration_ms', sa.Integer(), nullable=True),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('decision_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_day_plan_created_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_day_plan_decided_by_id_user')),
    sa.ForeignKeyConstraint(['slot_id'], ['slot_template.id'], name=op.f('fk_day_plan_slot_id_slot_template')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_day_plan_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_day_plan')),
    sa.UniqueConstraint('station_id', 'air_date', 'slot_id', 'version', name=op.f('uq_day_plan_station_id_air_date_slot_id_version'))
    )
    with op.batch_alter_table('day_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_day_plan_air_date'), ['air_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_day_plan_station_id'), ['station_id'], unique=False)

    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('editor', 'approver', 'operator', 'reporter', 'admin', name='role', native_enum=False, length=24), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_role_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role'))
    )
    op.create_table('as_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.Enum('schedule', 'manual', 'emergency', name='trigger', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('STARTED', 'PLAYED', 'PARTIAL', 'MISSED', 'FAILED', 'INTERRUPTED', 'EMERGENCY', name='asrunstatus', native_enum=False, length=24), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('plan_version', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('air_date', sa.Date(), nullable=False),
    sa.Column('slot_name', sa.String(length=64), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('topic_code', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('scheduled_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('started_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('ended_at', broadcaster.db.types.UTCDateTime(), nullable=True),
    sa.Column('offset_ms', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('played_ms', sa.Integer(), nullable=True),
    sa.Column('outputs', sa.JSON(), nullable=False),
    sa.Column('operator', sa.String(length=64), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], name=op.f('fk_as_run_bulletin_id_bulletin')),
    sa.ForeignKeyConstraint(['parent_id'], ['as_run.id'], name=op.f('fk_as_run_parent_id_as_run')),
    sa.ForeignKeyConstraint(['plan_id'], ['day_plan.id'], name=op.f('fk_as_run_plan_id_day_plan')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_as_run_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_as_run'))
    )
    with op.batch_alter_table('as_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_as_run_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_as_run_station_started', ['station_id', 'scheduled_at'], unique=False)

    op.create_table('clip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('cache_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=True),
    sa.Column('spoken_text', sa.Text(), nullable=False),
    sa.Column('engine', sa.String(length=32), nullable=False),
    sa.Column('voice', sa.String(length=200), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('engine_version', sa.String(length=100), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('lufs', sa.Double(), nullable=False),
    sa.Column('true_peak', sa.Double(), nullable=False),
    sa.Column('created_at', broadcaster.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], name=op.f('fk_clip_bulletin_id_bulletin')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_clip_station_id_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clip')),
    sa.UniqueConstraint('station_id', 'cache_key', name=op.f('uq_clip_station_id_cache_key'))
    )
    with op.batch_alter_table('clip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clip_bulletin_id'), ['bulletin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clip_station_id'), ['station_id'], unique=False)

    op.create_table('plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=False),
    sa.Column('clip_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('offset_ms', sa.Integer(), nullable=True),
    sa.Column('carried_from', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], name=op.f('fk_plan_item_bulletin_id_bulletin')),
    sa.ForeignKeyConstraint(['clip_id'], ['clip.id'], name=op.f('fk_plan_item_clip_id_clip')),
    sa.ForeignKeyConstraint(['plan_id'], ['day_plan.id'], name=op.f('fk_plan_item_plan_id_day_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_item'))
    )
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_item_bulletin_id'), ['bulletin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_item_plan_id'), ['plan_id'], unique=False)
    _create_append_only_guards()


SQLITE_GUARDS = (
    "CREATE TRIGGER as_run_no_delete BEFORE DELETE ON as_run "
    "BEGIN SELECT RAISE(ABORT, 'as_run is append-only'); END",
    "CREATE TRIGGER as_run_close_once BEFORE UPDATE ON as_run WHEN OLD.ended_at IS NOT NULL "
    "BEGIN SELECT RAISE(ABORT, 'as_run row is closed'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
)

POSTGRES_GUARDS = (
    """CREATE FUNCTION append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END IF;
        IF TG_TABLE_NAME = 'as_run' AND OLD.ended_at IS NULL THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '% row cannot be changed', TG_TABLE_NAME;
    END $$""",
    "CREATE TRIGGER as_run_append_only BEFORE UPDATE OR DELETE ON as_run "
    "FOR EACH ROW EXECUTE FUNCTION append_only_guard()",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION append_only_guard()",
)


def _create_append_only_guards() -> None:
    dialect = op.get_bind().dialect.name
    guards = {"sqlite": SQLITE_GUARDS, "postgresql": POSTGRES_GUARDS}.get(dialect, ())
    for statement in guards:
        op.execute(statement)


def _drop_append_only_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("as_run_no_delete", "as_run_close_once", "audit_event_no_delete",
                     "audit_event_no_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS as_run_append_only ON as_run")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS append_only_guard()")


def downgrade() -> None:
    _drop_append_only_guards()
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_item_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_item_bulletin_id'))

    op.drop_table('plan_item')
    with op.batch_alter_table('clip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clip_station_id'))
        batch_op.drop_index(batch_op.f('ix_clip_bulletin_id'))

    op.drop_table('clip')
    with op.batch_alter_table('as_run', schema=None) as batch_op:
        batch_op.drop_index('ix_as_run_station_started')
        batch_op.drop_index(batch_op.f('ix_as_run_parent_id'))

    op.drop_table('as_run')
    op.drop_table('user_role')
    with op.batch_alter_table('day_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_day_plan_station_id'))
        batch_op.drop_index(batch_op.f('ix_day_plan_air_date'))

    op.drop_table('day_plan')
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletin_topic_id'))
        batch_op.drop_index(batch_op.f('ix_bulletin_station_id'))

    op.drop_table('bulletin')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_station_id'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_station_id'))

    op.drop_table('user')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_station_id'))

    op.drop_table('topic')
    with op.batch_alter_table('slot_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slot_template_station_id'))

    op.drop_table('slot_template')
    with op.batch_alter_table('lexicon_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lexicon_entry_station_id'))

    op.drop_table('lexicon_entry')
    op.drop_table('station')
