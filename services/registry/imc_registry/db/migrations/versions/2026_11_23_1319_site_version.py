"""site version

Sites count their announced changes; SITE_STATUS_CHANGED carries the count so
the centre keeps the newest state whatever the order of arrival. Existing sites start at 0.

Revision ID: 894f754b5aed
Revises: 6c2527debcf1
Create Date: 2026-11-23 13:19:17.212316
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '894f754b5aed'
down_revision: str | None = '6c2527debcf1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('version')

