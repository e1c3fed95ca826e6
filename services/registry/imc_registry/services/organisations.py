"""Use cases on organisations."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import ORGANISATION_UPSERTED, OrganisationUpserted
from imc_registry.db.models import Organisation
from imc_registry.domain.organisations import check_organisation
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound
from imc_shared.outbox import Outbox


def _announcement(organisation: Organisation) -> OrganisationUpserted:
    return OrganisationUpserted(
        organisation_id=organisation.id,
        full_name=organisation.full_name,
        short_name=organisation.short_name,
        kind=organisation.kind,  # type: ignore[arg-type]
        address=organisation.address,
        email=organisation.email,
        director_name=organisation.director_name,
        archived=organisation.archived,
    )


async def create_organisation(
    *, database: Database, outbox: Outbox, district: str, data: dict[str, object]
) -> Organisation:
    """Create an organisation of ``district`` and announce it."""
    check_organisation(
        full_name=str(data["full_name"]),
        short_name=str(data["short_name"]),
        kind=str(data["kind"]),
        email=str(data["email"]),
    )
    async with database.transaction() as session:
        clash = await session.scalar(
            sa.select(Organisation.id).where(
                Organisation.district == district, Organisation.short_name == data["short_name"]
            )
        )
        if clash is not None:
            raise Conflict(
                f"Организация «{data['short_name']}» уже есть в реестре", field="short_name"
            )
        organisation = Organisation(district=district, **data)
        session.add(organisation)
        await session.flush()
        await outbox.put(session, ORGANISATION_UPSERTED, _announcement(organisation))
    return organisation


async def list_organisations(
    *, database: Database, district: str, query: str | None = None, kind: str | None = None
) -> list[Organisation]:
    """Organisations of ``district``, optionally filtered by name and kind."""
    statement = sa.select(Organisation).where(
        Organisation.district == district, Organisation.archived.is_(False)
    )
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            sa.or_(Organisation.full_name.ilike(pattern), Organisation.short_name.ilike(pattern))
        )
    if kind:
        statement = statement.where(Organisation.kind == kind)
    async with database.sessions() as session:
        return list((await session.scalars(statement.order_by(Organisation.short_name))).all())


async def get_organisation(
    session: AsyncSession, district: str, organisation_id: UUID
) -> Organisation:
    """One organisation of ``district``, or :class:`NotFound`."""
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None or organisation.district != district:
        raise NotFound("Организация не найдена в реестре округа", field="organisation_id")
    return organisation


async def find_organisation(
    *, database: Database, district: str, organisation_id: UUID
) -> Organisation:
    """Read one organisation of ``district``."""
    async with database.sessions() as session:
        return await get_organisation(session, district, organisation_id)
