"""Every service's migration chain runs on an empty database and matches its models."""

import importlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from imc_shared.db import upgrade
from imc_shared.tables import messaging_metadata

MESSAGING = [
    "registry",
    "applications",
    "scheduling",
    "documents",
    "notifications",
    "federation",
    "growth",
    "analytics",
    "resources",
]
"""Services that publish and consume messages: their databases hold the outbox and inbox."""
SERVICES = [*MESSAGING, "portal"]
"""The portal keeps its accounts and sessions in a database of its own, without messages."""


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_build_the_models_on_an_empty_database(service: str, tmp_path: Path) -> None:
    app = importlib.import_module(f"imc_{service}.app")
    models = importlib.import_module(f"imc_{service}.db.models")
    url = f"sqlite+aiosqlite:///{tmp_path}/{service}.db"
    upgrade(url, app.MIGRATIONS)
    upgrade(url, app.MIGRATIONS)  # a second start changes nothing
    engine = sa.create_engine(f"sqlite:///{tmp_path}/{service}.db")
    metadata = [models.Base.metadata]
    if service in MESSAGING:
        metadata.append(messaging_metadata)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        diff = compare_metadata(context, metadata)
        tables = set(sa.inspect(connection).get_table_names())
    assert "alembic_version" in tables
    if service in MESSAGING:
        assert {"outbox", "inbox"} <= tables
    else:
        assert not {"outbox", "inbox"} & tables, f"{service} holds messages it never sends"
    assert diff == [], f"models and migrations differ: {diff}"
