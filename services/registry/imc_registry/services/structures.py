"""Use cases on methodical structures and their members."""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_registry.db.models import Structure, StructureMember
from imc_registry.domain.structures import check_member, check_structure, head_role
from imc_registry.domain.text import squash
from imc_registry.services.organisations import get_organisation
from imc_registry.services.people import get_person
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound

EDITABLE = ("title", "organisation_id", "subject", "head_id", "active")


async def _check(session: AsyncSession, district: str, structure: Structure) -> None:
    check_structure(
        kind=structure.kind,
        title=structure.title,
        organisation_id=structure.organisation_id,
        subject=structure.subject,
    )
    if structure.organisation_id is not None:
        with session.no_autoflush:
            await get_organisation(session, district, structure.organisation_id)


async def _add_member(
    session: AsyncSession, district: str, structure: Structure, person_id: UUID, role: str
) -> StructureMember:
    person = await get_person(session, district, person_id)
    check_member(
        kind=structure.kind,
        structure_organisation_id=structure.organisation_id,
        person_organisation_id=person.organisation_id,
        already_member=any(m.person_id == person_id for m in structure.members),
    )
    member = StructureMember(person_id=person.id, person=person, role=squash(role))
    structure.members.append(member)
    return member


async def _seat_head(session: AsyncSession, district: str, structure: Structure) -> None:
    """The head is a member too (a council's chair counts for its quorum)."""
    if structure.head_id is None:
        return
    if not any(m.person_id == structure.head_id for m in structure.members):
        await _add_member(
            session, district, structure, structure.head_id, head_role(structure.kind)
        )


async def create_structure(
    *,
    database: Database,
    district: str,
    data: Mapping[str, Any],
    members: Sequence[tuple[UUID, str]] = (),
) -> Structure:
    """Create a structure with its head and members."""
    async with database.transaction() as session:
        structure = Structure(
            district=district,
            kind=data["kind"],
            title=squash(data.get("title") or ""),
            organisation_id=data.get("organisation_id"),
            subject=squash(data.get("subject") or ""),
            head_id=data.get("head_id"),
            active=data.get("active", True),
            members=[],
        )
        await _check(session, district, structure)
        if structure.head_id is not None:
            head = await get_person(session, district, structure.head_id)
            structure.head = head
            await _seat_head(session, district, structure)
        for person_id, role in members:
            if person_id == structure.head_id:
                for member in structure.members:
                    if member.person_id == person_id and role:
                        member.role = squash(role)
                continue
            await _add_member(session, district, structure, person_id, role)
        session.add(structure)
        await session.flush()
        return await get_structure(session, district, structure.id)


async def update_structure(
    *, database: Database, district: str, structure_id: UUID, changes: Mapping[str, Any]
) -> Structure:
    """Edit the given fields; a new head joins the members."""
    async with database.transaction() as session:
        structure = await get_structure(session, district, structure_id)
        for name, value in changes.items():
            if name not in EDITABLE:
                raise KeyError(name)
            setattr(structure, name, squash(value) if isinstance(value, str) else value)
        await _check(session, district, structure)
        if "head_id" in changes:
            if structure.head_id is None:
                structure.head = None
            else:
                structure.head = await get_person(session, district, structure.head_id)
                await _seat_head(session, district, structure)
        await session.flush()
        return await get_structure(session, district, structure.id)


async def add_member(
    *, database: Database, district: str, structure_id: UUID, person_id: UUID, role: str
) -> Structure:
    """Add a person to a structure."""
    async with database.transaction() as session:
        structure = await get_structure(session, district, structure_id)
        await _add_member(session, district, structure, person_id, role)
        await session.flush()
        return await get_structure(session, district, structure.id)


async def remove_member(
    *, database: Database, district: str, structure_id: UUID, person_id: UUID
) -> Structure:
    """Remove a person from a structure (not its head: appoint another head first)."""
    async with database.transaction() as session:
        structure = await get_structure(session, district, structure_id)
        if structure.head_id == person_id:
            raise Conflict(
                "Руководитель структуры не может быть исключён из состава; "
                "сначала назначьте другого руководителя",
                field="person_id",
            )
        member = next((m for m in structure.members if m.person_id == person_id), None)
        if member is None:
            raise NotFound("Работник не входит в состав структуры", field="person_id")
        structure.members.remove(member)
        await session.flush()
        return await get_structure(session, district, structure.id)


async def get_structure(session: AsyncSession, district: str, structure_id: UUID) -> Structure:
    """One structure of ``district`` with head and members, or :class:`NotFound`."""
    structure = await session.get(Structure, structure_id, populate_existing=True)
    if structure is None or structure.district != district:
        raise NotFound("Методическая структура не найдена", field="structure_id")
    return structure


async def find_structure(*, database: Database, district: str, structure_id: UUID) -> Structure:
    """Read one structure."""
    async with database.sessions() as session:
        return await get_structure(session, district, structure_id)


async def list_structures(
    *,
    database: Database,
    district: str,
    kind: str | None = None,
    organisation_id: UUID | None = None,
    active: bool | None = None,
) -> list[Structure]:
    """Structures of ``district`` by kind, organisation and activity, with their members."""
    statement = sa.select(Structure).where(Structure.district == district)
    if kind:
        statement = statement.where(Structure.kind == kind)
    if organisation_id is not None:
        statement = statement.where(Structure.organisation_id == organisation_id)
    if active is not None:
        statement = statement.where(Structure.active.is_(active))
    async with database.sessions() as session:
        rows = await session.scalars(statement.order_by(Structure.kind, Structure.title))
        return list(rows.all())
