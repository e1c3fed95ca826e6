"""Fixtures of the scheduling tests: a migrated database (SQLite and PostgreSQL)."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from imc_scheduling.api.schemas import EventIn
from imc_scheduling.app import MIGRATIONS
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.db import Database, migrate

DISTRICT = "yaya"
ZONE = ZoneInfo("Asia/Novokuznetsk")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A fresh scheduling database, migrated to head."""
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def settings(database: Database) -> SchedulingSettings:
    """Settings of the Yaya district."""
    return SchedulingSettings(
        service="scheduling",
        district=DISTRICT,
        database_url=database.url,
        scheduling_secret="test-secret",
        **testing.auth_settings(),
    )


def _local(year: int, month: int, day: int, hour: int = 15, minute: int = 0) -> datetime:
    """A moment in the district's time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def _event_in(**overrides: Any) -> EventIn:
    """A valid municipal seminar, changed by ``overrides``."""
    values: dict[str, Any] = {
        "title": "Формирование функциональной грамотности на уроках математики",
        "form": "permanent_seminar",
        "level": "municipal",
        "organiser_kind": "imc",
        "organiser_name": "ИМЦ",
        "venue": "МБОУ «Яйская СОШ № 1», каб. 12",
        "starts_at": _local(2027, 3, 17, 15),
        "ends_at": _local(2027, 3, 17, 16, 30),
        "capacity": 2,
        "hours": 2,
    }
    values.update(overrides)
    return EventIn(**values)


Local = Callable[..., datetime]
EventFactory = Callable[..., EventIn]


@pytest.fixture
def local() -> Local:
    """``local(2027, 3, 17, 15)``: a moment in the district's time zone."""
    return _local


@pytest.fixture
def event_in() -> EventFactory:
    """``event_in(**overrides)``: a valid municipal seminar on 17.03.2027 15:00–16:30."""
    return _event_in
