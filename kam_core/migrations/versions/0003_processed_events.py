"""processed events: Slack deliveries already handled, shared by every server process

Revision ID: 0003
Revises: 0002
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('processed_events',
    sa.Column('event_key', sa.String(length=200), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('event_key', name=op.f('pk_processed_events'))
    )
    op.create_index(op.f('ix_processed_events_seen_at'), 'processed_events', ['seen_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_processed_events_seen_at'), table_name='processed_events')
    op.drop_table('processed_events')
