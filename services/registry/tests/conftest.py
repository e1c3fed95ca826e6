"""Fixtures of the registry's tests: its own migrated database and outbox."""

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import sqlalchemy as sa

from imc_registry.app import MIGRATIONS
from imc_shared.db import Database, migrate
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

DISTRICT = "yaya"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A fresh registry database (SQLite and PostgreSQL), migrated to head."""
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def outbox() -> Outbox:
    """The registry's outbox writer for the Yaya district."""
    return Outbox(district=DISTRICT, source="registry")


OutboxReader = Callable[[], Awaitable[list[tuple[str, bytes]]]]


@pytest.fixture
def outbox_messages(database: Database) -> OutboxReader:
    """Reads the routing keys and bodies written to the outbox, oldest first."""

    async def read() -> list[tuple[str, bytes]]:
        return await _outbox_messages(database)

    return read


async def _outbox_messages(database: Database) -> list[tuple[str, bytes]]:
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.routing_key, outbox_table.c.body).order_by(
                outbox_table.c.created_at, outbox_table.c.id
            )
        )
        return [(row.routing_key, row.body) for row in rows.all()]
