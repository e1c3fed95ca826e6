"""council meetings and their invitees

Revision ID: 8c41f0e2b7d6
Revises: 5b2d9e7c4a13
Create Date: 2026-11-23 17:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "8c41f0e2b7d6"
down_revision: str | None = "5b2d9e7c4a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_meetings",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("protocol_number", sa.String(length=50), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "meeting_invitees",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("meeting_invitees")
    op.drop_table("council_meetings")
