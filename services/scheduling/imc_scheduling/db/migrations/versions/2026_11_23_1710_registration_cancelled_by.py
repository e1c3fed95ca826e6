"""who cancelled a registration, and their name

Revision ID: 5e2b8d4f1a67
Revises: 7a1c9e3b5d20
Create Date: 2026-11-23 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5e2b8d4f1a67'
down_revision: str | None = '7a1c9e3b5d20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_by', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_name', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('cancelled_by_name')
        batch_op.drop_column('cancelled_by')
