"""The service's own database: engine, transactions and migrations on start."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import ConnectionPoolEntry

from imc_shared.errors import Conflict


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


class Database:
    """One service's database: hands out transactions and runs commit hooks."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._after_commit: list[Callable[[], None]] = []

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite database."""
        return self.url.startswith("sqlite")

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` after every successful :meth:`transaction` (e.g. wake the relay)."""
        self._after_commit.append(hook)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on error.

        A row changed by someone else since it was read (a stale ``version_id_col``) is a
        :class:`~imc_shared.errors.Conflict`: the second of two concurrent edits loses.
        """
        try:
            async with self.sessions() as session, session.begin():
                yield session
        except StaleDataError as error:
            raise Conflict(
                "Запись изменена другим пользователем; обновите страницу и повторите действие",
                field="version",
            ) from error
        for hook in self._after_commit:
            hook()

    async def ping(self) -> None:
        """Raise unless the database answers."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware instant stored in UTC, so instants compare right on SQLite too
    (it keeps naive text); naive values read back are UTC. A naive value written is an
    error: every instant in the system is aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def alembic_config(url: str, migrations_dir: Path) -> Config:
    """An Alembic config for one service's migrations folder and database."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(url: str, migrations_dir: Path, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (blocking; runs its own event loop)."""
    command.upgrade(alembic_config(url, migrations_dir), revision)


async def migrate(url: str, migrations_dir: Path) -> None:
    """Migrate to head from inside a running event loop."""
    await asyncio.to_thread(upgrade, url, migrations_dir)


def run_migrations_env(target_metadata: Any) -> None:
    """Body of every service's ``migrations/env.py``: online, async, one transaction."""
    from alembic import context  # imported here: only valid inside an Alembic run

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None

    def run(connection: Any) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = make_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(main())


def new_revision(url: str, migrations_dir: Path, message: str) -> None:
    """Autogenerate a migration by comparing the models with a database at head."""
    config = alembic_config(url, migrations_dir)
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"
    )
    command.upgrade(config, "head")
    command.revision(config, message=message, autogenerate=True)
