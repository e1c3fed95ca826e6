"""The registry's use cases on its real (SQLite) database with its own migrations."""

from pathlib import Path

import msgspec
import pytest
import sqlalchemy as sa

from imc_contracts import DECISION_MADE, SITE_STATUS_CHANGED
from imc_contracts.examples import example
from imc_registry.app import MIGRATIONS
from imc_registry.db.models import SiteStatusEntry
from imc_registry.services import organisations, sites
from imc_shared.consumer import Rejected
from imc_shared.db import Database, migrate
from imc_shared.errors import Conflict
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

SCHOOL = {
    "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
    "«Яйская средняя общеобразовательная школа № 1»",
    "short_name": "МБОУ «Яйская СОШ № 1»",
    "kind": "school",
    "email": "sosh1@yaya.example.ru",
}


@pytest.fixture
async def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/registry.db")
    await migrate(db.url, MIGRATIONS)
    return db


async def messages(database: Database) -> list[str]:
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(outbox_table.c.routing_key).order_by("id"))
        return list(rows.all())


async def test_decision_activates_the_site_once_and_announces_it(database: Database) -> None:
    writer = Outbox(district="yaya", source="registry")
    school = await organisations.create_organisation(
        database=database, outbox=writer, district="yaya", data=dict(SCHOOL)
    )
    decision = msgspec.structs.replace(example(DECISION_MADE).payload, organisation_id=school.id)
    envelope = DECISION_MADE.new(decision, district="yaya", source="applications")
    for _ in range(2):  # the same decision twice, e.g. republished under a new message id
        async with database.transaction() as session:
            await sites.apply_decision(session, writer, "yaya", envelope)

    listed = await sites.list_sites(database=database, district="yaya")
    assert len(listed) == 1
    assert listed[0].status == "active"
    assert listed[0].order_number == "45-од"
    async with database.sessions() as session:
        history = (await session.scalars(sa.select(SiteStatusEntry))).all()
    assert [h.status for h in history] == ["active"]
    assert "протокол № 2" in history[0].reason
    assert await messages(database) == [
        "registry.organisation.upserted.v1",
        SITE_STATUS_CHANGED.routing_key,
    ]


async def test_decision_for_another_districts_school_is_rejected(database: Database) -> None:
    writer = Outbox(district="yaya", source="registry")
    school = await organisations.create_organisation(
        database=database, outbox=writer, district="mariinsk", data=dict(SCHOOL)
    )
    decision = msgspec.structs.replace(example(DECISION_MADE).payload, organisation_id=school.id)
    envelope = DECISION_MADE.new(decision, district="yaya", source="applications")
    with pytest.raises(Rejected, match="not in district yaya"):
        async with database.transaction() as session:
            await sites.apply_decision(session, writer, "yaya", envelope)
    assert await sites.list_sites(database=database, district="mariinsk") == []


async def test_same_short_name_twice_is_a_conflict_and_writes_nothing(database: Database) -> None:
    writer = Outbox(district="yaya", source="registry")
    await organisations.create_organisation(
        database=database, outbox=writer, district="yaya", data=dict(SCHOOL)
    )
    with pytest.raises(Conflict) as error:
        await organisations.create_organisation(
            database=database, outbox=writer, district="yaya", data=dict(SCHOOL)
        )
    assert error.value.field == "short_name"
    assert await messages(database) == ["registry.organisation.upserted.v1"]
