"""Alembic environment of the documents service."""

from imc_documents.db.models import Base
from imc_shared.db import run_migrations_env
from imc_shared.tables import messaging_metadata

run_migrations_env([Base.metadata, messaging_metadata])
