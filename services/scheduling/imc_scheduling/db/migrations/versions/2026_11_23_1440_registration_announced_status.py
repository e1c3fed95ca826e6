"""the status a teacher was last told of, per registration

Revision ID: 7a1c9e3b5d20
Revises: 4c8e2a91d7f3
Create Date: 2026-11-23 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '7a1c9e3b5d20'
down_revision: str | None = '4c8e2a91d7f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('announced_status', sa.String(length=16), server_default='', nullable=False)
        )
    # Rows that existed before: their teachers are not told again of what stands.
    op.execute("UPDATE registrations SET announced_status = status")


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('announced_status')
