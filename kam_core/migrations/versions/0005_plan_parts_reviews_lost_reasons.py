"""plan parts (our impact, team roles, why a non-key plan), objectives by lever, plan reviews, lost reasons

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The list a rep picks from when a deal is lost; admins extend it (`kam lost-reasons add`).
LOST_REASONS = ("Price", "Lost to a competitor", "No budget", "No decision", "Timing", "Product fit",
                "Relationship")


def upgrade() -> None:
    op.create_table('lost_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lost_reasons')),
    sa.UniqueConstraint('name', name=op.f('uq_lost_reasons_name'))
    )
    op.create_table('plan_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('customer_view', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['account_plans.id'], name=op.f('fk_plan_reviews_plan_id_account_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['people.id'], name=op.f('fk_plan_reviews_reviewer_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_reviews'))
    )
    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_reviews_plan_id'), ['plan_id'], unique=False)

    with op.batch_alter_table('account_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('our_impact', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('team_roles', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))

    # Not a batch on SQLite: a batch that adds a foreign key copies the table and drops the old one, and the
    # drop cascades to stage_changes. A nullable column with its REFERENCES is a plain ADD COLUMN there.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE opportunities ADD COLUMN lost_reason_id INTEGER REFERENCES lost_reasons (id)")
    else:
        op.add_column('opportunities', sa.Column('lost_reason_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_opportunities_lost_reason_id_lost_reasons'), 'opportunities', 'lost_reasons',
                              ['lost_reason_id'], ['id'])
    op.add_column('opportunities', sa.Column('lost_note', sa.String(length=500), nullable=True))

    with op.batch_alter_table('plan_objectives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lever', sa.Enum('raise_usage', 'cross_sell', 'price_mix', 'new_core', 'new_adjacent', 'retention', name='lever', native_enum=False, length=32), nullable=True))

    op.bulk_insert(
        sa.table("lost_reasons", sa.column("name", sa.String), sa.column("position", sa.Integer),
                 sa.column("active", sa.Boolean)),
        [{"name": name, "position": n, "active": True} for n, name in enumerate(LOST_REASONS, start=1)],
    )


def downgrade() -> None:
    with op.batch_alter_table('plan_objectives', schema=None) as batch_op:
        batch_op.drop_column('lever')

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_opportunities_lost_reason_id_lost_reasons'), type_='foreignkey')
        batch_op.drop_column('lost_note')
        batch_op.drop_column('lost_reason_id')

    with op.batch_alter_table('account_plans', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('team_roles')
        batch_op.drop_column('our_impact')

    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_reviews_plan_id'))

    op.drop_table('plan_reviews')
    op.drop_table('lost_reasons')
