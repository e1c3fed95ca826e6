"""Names of educational organisations, from the registry's announcements.

Registrations hold only an organisation's id; PARTICIPATION_CHANGED names its school by
the short name kept here ("" until the registry has announced it).
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, OrganisationUpserted
from imc_scheduling.db.models import Organisation


async def record_organisation(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember an organisation's short name; an older announcement changes nothing."""
    data: OrganisationUpserted = envelope.payload
    row = await session.get(Organisation, data.organisation_id)
    if row is not None and row.occurred_at >= envelope.occurred_at:
        return
    if row is None:
        row = Organisation(organisation_id=data.organisation_id)
        session.add(row)
    row.short_name = data.short_name
    row.occurred_at = envelope.occurred_at
