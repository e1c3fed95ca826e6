"""road-map rows agreed with the IMC plan, overdue alerts sent once

Revision ID: 4c8e2a91d7f3
Revises: 9b3d51c7a2e4
Create Date: 2026-11-23 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '4c8e2a91d7f3'
down_revision: str | None = '9b3d51c7a2e4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('roadmap_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_item_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('overdue_notified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_roadmap_items_plan_item_id'), ['plan_item_id'], unique=False)
        batch_op.create_index('ix_roadmap_items_overdue', ['overdue_notified_at', 'deadline'], unique=False)
        batch_op.create_foreign_key(
            'fk_roadmap_items_plan_item_id_plan_items', 'plan_items', ['plan_item_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    with op.batch_alter_table('roadmap_items', schema=None) as batch_op:
        batch_op.drop_constraint('fk_roadmap_items_plan_item_id_plan_items', type_='foreignkey')
        batch_op.drop_index('ix_roadmap_items_overdue')
        batch_op.drop_index(batch_op.f('ix_roadmap_items_plan_item_id'))
        batch_op.drop_column('overdue_notified_at')
        batch_op.drop_column('plan_item_id')
