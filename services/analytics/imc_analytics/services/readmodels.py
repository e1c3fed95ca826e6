"""What analytics keeps of the registry's announcements: organisations, to tie the rows
of a results file to schools. Safe to repeat and to receive out of order: an older
announcement changes nothing."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_analytics.db.models import Organisation
from imc_contracts import Envelope, OrganisationUpserted


async def record_organisation(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember an organisation's names, kind and flags; an older announcement loses."""
    data: OrganisationUpserted = envelope.payload
    row = await session.get(Organisation, data.organisation_id)
    if row is not None and row.occurred_at >= envelope.occurred_at:
        return
    if row is None:
        row = Organisation(organisation_id=data.organisation_id)
        session.add(row)
    row.full_name = data.full_name
    row.short_name = data.short_name
    row.kind = data.kind
    row.archived = data.archived
    # The ШНОР flag (001) travels once the contract carries it; until then it stays False.
    row.low_results = data.low_results
    row.occurred_at = envelope.occurred_at
