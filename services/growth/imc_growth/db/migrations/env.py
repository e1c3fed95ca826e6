"""Alembic environment of the growth service."""

from imc_growth.db.models import Base
from imc_shared.db import run_migrations_env
from imc_shared.tables import messaging_metadata

run_migrations_env([Base.metadata, messaging_metadata])
