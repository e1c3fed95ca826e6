"""Fixtures every test tier may use.

``database_url`` gives each test a fresh, empty database, once on SQLite and once on a
private PostgreSQL 15 cluster started for the test session (never the machine's own
server); a service's tests migrate it with their own chain.
"""

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[object]:
    """One private PostgreSQL cluster for the whole session, stopped at the end."""
    from imc_local.postgres import start_postgres

    with tempfile.TemporaryDirectory(prefix="imc-test-pg-") as base:
        cluster = start_postgres(Path(base), durable=False)
        try:
            yield cluster
        finally:
            cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty database for one test, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/test.db"
    cluster = request.getfixturevalue("postgres_cluster")
    name = f"test_{next(_counter)}_{tmp_path.name[-20:]}".lower().replace("-", "_")
    cluster.create_database(name)  # type: ignore[attr-defined]
    return cluster.url(name)  # type: ignore[attr-defined]
