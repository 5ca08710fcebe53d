"""account_aliases.source, learned_by_id, learned_at, query: aliases the team teaches the bot by choosing
an account among candidates (kam_core/accounts/aliases.py); every existing alias was imported

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('account_aliases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.Enum('imported', 'learned', name='aliassource', native_enum=False,
                                                        length=32), server_default='imported', nullable=False))
        batch_op.add_column(sa.Column('learned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('learned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('query', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_account_aliases_learned_by_id_people'), 'people',
                                    ['learned_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('account_aliases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_account_aliases_learned_by_id_people'), type_='foreignkey')
        batch_op.drop_column('query')
        batch_op.drop_column('learned_at')
        batch_op.drop_column('learned_by_id')
        batch_op.drop_column('source')
