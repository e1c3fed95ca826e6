"""document person: whom a certificate or statement was issued to (registry id)

Revision ID: 5d1f0b7c9e23
Revises: 3c5e8a1d2f47
Create Date: 2026-11-23 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1f0b7c9e23"
down_revision: str | None = "3c5e8a1d2f47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("person_id", sa.Uuid(), nullable=True))
        batch.create_index("ix_documents_person_id", ["person_id"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_person_id")
        batch.drop_column("person_id")
