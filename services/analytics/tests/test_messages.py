"""The registry's organisations as analytics keeps them: idempotent, newest wins, the
ШНОР flag taken when the announcement carries it."""

from datetime import timedelta
from typing import Any

from imc_analytics.db.models import Organisation
from imc_contracts import ORGANISATION_UPSERTED


async def test_organisations_are_kept_once_and_newest_wins(h: Any, bus: Any, database: Any) -> None:
    first = h.envelope(ORGANISATION_UPSERTED, h.school(h.S1))
    assert await bus.deliver(ORGANISATION_UPSERTED, first)
    assert not await bus.deliver(ORGANISATION_UPSERTED, first)  # the inbox knew it
    newer = h.envelope(ORGANISATION_UPSERTED, h.school(h.S1, low_results=True))
    assert await bus.deliver(ORGANISATION_UPSERTED, newer)
    older = ORGANISATION_UPSERTED.new(
        h.school(h.S1),
        district=h.DISTRICT,
        source="test",
        occurred_at=first.occurred_at - timedelta(hours=1),
    )
    assert await bus.deliver(ORGANISATION_UPSERTED, older)
    async with database.sessions() as session:
        row = await session.get(Organisation, h.S1)
    assert row is not None
    assert row.short_name == "МБОУ «Яйская СОШ № 1»" and row.kind == "school"
    assert row.low_results is True  # the older announcement changed nothing


async def test_the_contracts_announcement_without_the_flag(h: Any, bus: Any, database: Any) -> None:
    from imc_contracts import OrganisationUpserted

    plain = OrganisationUpserted(
        organisation_id=h.S4,
        full_name="Муниципальное бюджетное общеобразовательное учреждение «Ишимская СОШ»",
        short_name="МБОУ «Ишимская СОШ»",
        kind="school",
        address="",
        email="",
        director_name="",
        archived=True,
    )
    await bus.send(ORGANISATION_UPSERTED, plain)
    async with database.sessions() as session:
        row = await session.get(Organisation, h.S4)
    assert row is not None and row.archived and not row.low_results
