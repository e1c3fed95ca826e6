"""What the resource bank keeps of the registry's announcements: people (authors) and
organisations. Safe to repeat and to receive out of order: the newest announcement wins."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, OrganisationUpserted, PersonUpserted
from imc_resources.db.models import Organisation, Person


async def record_organisation(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember an organisation's names; an older announcement changes nothing."""
    data: OrganisationUpserted = envelope.payload
    row = await session.get(Organisation, data.organisation_id)
    if row is not None and row.occurred_at >= envelope.occurred_at:
        return
    if row is None:
        row = Organisation(organisation_id=data.organisation_id)
        session.add(row)
    row.full_name = data.full_name
    row.short_name = data.short_name
    row.archived = data.archived
    row.occurred_at = envelope.occurred_at


async def record_person(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember a person (the fields the registry shares); older announcements lose."""
    data: PersonUpserted = envelope.payload
    row = await session.get(Person, data.person_id)
    if row is not None and row.occurred_at >= envelope.occurred_at:
        return
    if row is None:
        row = Person(person_id=data.person_id)
        session.add(row)
    row.full_name = data.full_name
    row.position = data.position
    row.organisation_id = data.organisation_id
    row.subjects = list(data.subjects)
    row.archived = data.archived
    row.occurred_at = envelope.occurred_at
