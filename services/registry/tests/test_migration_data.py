"""Rows written under the first schema survive the later revisions with sensible values."""

import asyncio
from datetime import UTC, date, datetime
from uuid import uuid4

import sqlalchemy as sa

from imc_registry.app import MIGRATIONS
from imc_registry.services import organisations, sites
from imc_shared.db import Database, upgrade

INITIAL = "4181cda88fba"


async def test_existing_organisations_and_sites_get_defaults(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS, INITIAL)
    database = Database(database_url)
    organisation_id, site_id, decision_id = uuid4(), uuid4(), uuid4()
    now = datetime.now(UTC)
    try:
        async with database.transaction() as session:
            await session.execute(
                sa.text(
                    "INSERT INTO organisations (id, district, full_name, short_name, kind, "
                    "address, email, director_name, low_results, unfavourable_conditions, "
                    "resilient, archived, created_at) VALUES (:id, 'yaya', :full, :short, "
                    "'school', '', 'a@b.ru', '', false, false, true, false, :now)"
                ).bindparams(
                    sa.bindparam("id", type_=sa.Uuid()),
                    sa.bindparam("now", type_=sa.DateTime(True)),
                ),
                {
                    "id": organisation_id,
                    "full": "Муниципальное учреждение «Берёзовская СОШ»",
                    "short": "Берёзовская СОШ",
                    "now": now,
                },
            )
            await session.execute(
                sa.text(
                    "INSERT INTO sites (id, organisation_id, kind, status, topic, term_start, "
                    "term_end, leader_name, leader_position, co_leader_name, "
                    "co_leader_position, order_number, order_date, decision_id, updated_at) "
                    "VALUES (:id, :org, 'osmp', 'active', 'Тема', :start, :end, 'Иванова О. П.', "
                    "'директор', 'Орлова Т. Н.', 'методист', '45-од', :start, :decision, :now)"
                ).bindparams(
                    sa.bindparam("id", type_=sa.Uuid()),
                    sa.bindparam("org", type_=sa.Uuid()),
                    sa.bindparam("decision", type_=sa.Uuid()),
                    sa.bindparam("start", type_=sa.Date()),
                    sa.bindparam("end", type_=sa.Date()),
                    sa.bindparam("now", type_=sa.DateTime(True)),
                ),
                {
                    "id": site_id,
                    "org": organisation_id,
                    "decision": decision_id,
                    "start": date(2026, 10, 15),
                    "end": date(2028, 10, 14),
                    "now": now,
                },
            )
        await database.dispose()
        await asyncio.to_thread(upgrade, database_url, MIGRATIONS)

        found = await organisations.list_organisations(
            database=database, district="yaya", query="березовская"
        )
        assert [o.id for o in found] == [organisation_id]
        assert (found[0].phone, found[0].website, found[0].resilient) == ("", "", True)
        site = await sites.find_site(database=database, district="yaya", site_id=site_id)
        assert site.last_decision_id == decision_id
        assert site.co_leader_name == "Орлова Т. Н."
        assert site.history == []
    finally:
        await database.dispose()
