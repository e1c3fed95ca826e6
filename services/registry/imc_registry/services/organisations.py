"""Use cases on organisations: create, edit, archive, search."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import ORGANISATION_UPSERTED, OrganisationUpserted
from imc_registry.db.models import Organisation
from imc_registry.domain.organisations import check_organisation
from imc_registry.domain.text import fold, search_key, squash
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound
from imc_shared.outbox import Outbox

EDITABLE = (
    "full_name",
    "short_name",
    "kind",
    "address",
    "director_name",
    "email",
    "phone",
    "website",
    "low_results",
    "unfavourable_conditions",
    "resilient",
)
_TEXT = ("full_name", "short_name", "address", "director_name", "phone", "website")


def announcement(organisation: Organisation) -> OrganisationUpserted:
    """The ORGANISATION_UPSERTED payload of ``organisation``."""
    return OrganisationUpserted(
        organisation_id=organisation.id,
        full_name=organisation.full_name,
        short_name=organisation.short_name,
        kind=organisation.kind,  # type: ignore[arg-type]
        address=organisation.address,
        email=organisation.email,
        director_name=organisation.director_name,
        archived=organisation.archived,
        low_results=organisation.low_results,
        unfavourable_conditions=organisation.unfavourable_conditions,
        resilient=organisation.resilient,
    )


def normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    """Trimmed texts (runs of spaces collapsed), e-mail in lower case."""
    values = dict(data)
    for name in _TEXT:
        if isinstance(values.get(name), str):
            values[name] = squash(values[name])
    if isinstance(values.get("email"), str):
        values["email"] = values["email"].strip().lower()
    return values


def _check(organisation: Organisation) -> None:
    check_organisation(
        full_name=organisation.full_name,
        short_name=organisation.short_name,
        kind=organisation.kind,
        email=organisation.email,
        phone=organisation.phone,
        website=organisation.website,
    )


async def _refuse_clash(
    session: AsyncSession, district: str, short_name: str, own_id: UUID | None
) -> None:
    statement = sa.select(Organisation.id, Organisation.short_name).where(
        Organisation.district == district
    )
    for other_id, other_name in (await session.execute(statement)).all():
        if other_id != own_id and fold(other_name) == fold(short_name):
            raise Conflict(f"Организация «{other_name}» уже есть в реестре", field="short_name")


async def add_organisation(
    session: AsyncSession,
    outbox: Outbox,
    district: str,
    data: Mapping[str, Any],
    *,
    check_clash: bool = True,
) -> Organisation:
    """Add a checked organisation in the caller's transaction and announce it.

    ``check_clash=False`` when the caller has already compared the names with the
    registry (the import does it once for all rows).
    """
    organisation = Organisation(district=district, archived=False, **normalised(data))
    organisation.phone = organisation.phone or ""
    organisation.website = organisation.website or ""
    organisation.address = organisation.address or ""
    organisation.director_name = organisation.director_name or ""
    _check(organisation)
    if check_clash:
        await _refuse_clash(session, district, organisation.short_name, None)
    organisation.search_text = search_key(organisation.full_name, organisation.short_name)
    session.add(organisation)
    await session.flush()
    await outbox.put(session, ORGANISATION_UPSERTED, announcement(organisation))
    return organisation


async def create_organisation(
    *, database: Database, outbox: Outbox, district: str, data: Mapping[str, Any]
) -> Organisation:
    """Create an organisation of ``district`` and announce it."""
    async with database.transaction() as session:
        return await add_organisation(session, outbox, district, data)


async def update_organisation(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    organisation_id: UUID,
    changes: Mapping[str, Any],
) -> Organisation:
    """Edit the given fields of an organisation and announce the new record."""
    async with database.transaction() as session:
        organisation = await get_organisation(session, district, organisation_id)
        for name, value in normalised(changes).items():
            if name not in EDITABLE:
                raise KeyError(name)
            setattr(organisation, name, value)
        _check(organisation)
        await _refuse_clash(session, district, organisation.short_name, organisation.id)
        organisation.search_text = search_key(organisation.full_name, organisation.short_name)
        await session.flush()
        await outbox.put(session, ORGANISATION_UPSERTED, announcement(organisation))
    return organisation


async def set_archived(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    organisation_id: UUID,
    archived: bool,
) -> Organisation:
    """Archive (or bring back) an organisation and announce it; a repeat changes nothing."""
    async with database.transaction() as session:
        organisation = await get_organisation(session, district, organisation_id)
        if organisation.archived != archived:
            organisation.archived = archived
            await session.flush()
            await outbox.put(session, ORGANISATION_UPSERTED, announcement(organisation))
    return organisation


async def list_organisations(
    *,
    database: Database,
    district: str,
    query: str | None = None,
    kind: str | None = None,
    low_results: bool | None = None,
    unfavourable_conditions: bool | None = None,
    resilient: bool | None = None,
    archived: bool = False,
) -> list[Organisation]:
    """Organisations of ``district`` by name (any case, «ё» as «е»), kind and flags.

    Archived organisations are listed only with ``archived=True`` (and then only they).
    """
    statement = sa.select(Organisation).where(
        Organisation.district == district, Organisation.archived.is_(archived)
    )
    if query and fold(query):
        for word in fold(query).split(" "):
            statement = statement.where(Organisation.search_text.contains(word, autoescape=True))
    if kind:
        statement = statement.where(Organisation.kind == kind)
    for column, wanted in (
        (Organisation.low_results, low_results),
        (Organisation.unfavourable_conditions, unfavourable_conditions),
        (Organisation.resilient, resilient),
    ):
        if wanted is not None:
            statement = statement.where(column.is_(wanted))
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


async def known_names(session: AsyncSession, district: str) -> dict[str, tuple[str, bool]]:
    """Folded short and full names of the district's organisations -> (short name,
    archived)."""
    rows = await session.execute(
        sa.select(Organisation.full_name, Organisation.short_name, Organisation.archived).where(
            Organisation.district == district
        )
    )
    names: dict[str, tuple[str, bool]] = {}
    for full_name, short_name, archived in rows.all():
        names[fold(full_name)] = (short_name, archived)
        names[fold(short_name)] = (short_name, archived)
    return names
