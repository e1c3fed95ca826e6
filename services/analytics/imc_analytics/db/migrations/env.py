"""Alembic environment of the analytics service."""

from imc_analytics.db.models import Base
from imc_shared.db import run_migrations_env
from imc_shared.tables import messaging_metadata

run_migrations_env([Base.metadata, messaging_metadata])
