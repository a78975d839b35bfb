"""plan_item.topic_code and plan_item.source: the approved version records what airs.

The as-run log and the reports took a bulletin's topic and source live at air time, so a topic
edited after approval changed the record of what the approved version was. Existing items get
their bulletin's current topic and kind.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('plan_item', sa.Column('topic_code', sa.String(length=64), nullable=False,
                                         server_default=''))
    op.add_column('plan_item', sa.Column('source', sa.String(length=16), nullable=False,
                                         server_default=''))
    op.execute("""
        UPDATE plan_item SET
          topic_code = COALESCE((SELECT topic.code FROM bulletin JOIN topic ON topic.id = bulletin.topic_id
                                 WHERE bulletin.id = plan_item.bulletin_id), ''),
          source = COALESCE((SELECT CASE WHEN bulletin.kind = 'recording' THEN 'recording'
                                         ELSE 'speech' END
                             FROM bulletin WHERE bulletin.id = plan_item.bulletin_id), '')
    """)


def downgrade() -> None:
    op.drop_column('plan_item', 'source')
    op.drop_column('plan_item', 'topic_code')
