"""centre registrations from districts, district copies of centre plans

Revision ID: 9b3d51c7a2e4
Revises: 1f247e6c6bfe
Create Date: 2026-11-23 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '9b3d51c7a2e4'
down_revision: str | None = '1f247e6c6bfe'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status NOT IN ('cancelled', 'refused')")


def upgrade() -> None:
    op.create_table('centre_registrations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('position', sa.String(length=300), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('organisation_short_name', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('decision_version', sa.Integer(), nullable=False),
    sa.Column('queue_number', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('centre_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ux_centre_registrations_active', ['event_id', 'person_id'], unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    op.create_table('centre_plans',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('centre', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('plan_id')
    )
    with op.batch_alter_table('centre_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_plans_school_year'), ['school_year'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('district_registration_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('position', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('organisation_short_name', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('request_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ux_registrations_district_registration_id', ['district_registration_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ux_registrations_district_registration_id')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('request_version')
        batch_op.drop_column('organisation_short_name')
        batch_op.drop_column('position')
        batch_op.drop_column('district_registration_id')
        batch_op.drop_column('district')

    with op.batch_alter_table('centre_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_plans_school_year'))

    op.drop_table('centre_plans')
    with op.batch_alter_table('centre_registrations', schema=None) as batch_op:
        batch_op.drop_index('ux_centre_registrations_active')
        batch_op.drop_index(batch_op.f('ix_centre_registrations_event_id'))

    op.drop_table('centre_registrations')
