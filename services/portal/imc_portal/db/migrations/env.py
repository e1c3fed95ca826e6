"""Alembic environment of the portal."""

from imc_portal.db.models import Base
from imc_shared.db import run_migrations_env

run_migrations_env(Base.metadata)
