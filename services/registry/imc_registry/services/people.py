"""Use cases on people: each create or edit announces the public fields only."""

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import PERSON_UPSERTED, PersonUpserted
from imc_registry.db.models import Person
from imc_registry.domain.people import check_person, clean_subjects, public_view
from imc_registry.domain.text import fold, search_key, squash
from imc_registry.services.organisations import get_organisation
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)

EDITABLE = (
    "full_name",
    "position",
    "staff_group",
    "organisation_id",
    "qualification_category",
    "subjects",
    "email",
    "phone",
    "consent_given",
    "consent_date",
    "consent_document",
)


def record(person: Person) -> dict[str, Any]:
    """Every field of the person as a mapping (for the rules and the views)."""
    return {column.key: getattr(person, column.key) for column in Person.__table__.columns}


def card(person: Person) -> dict[str, Any]:
    """The public fields of ``person`` (what other services may see)."""
    view = public_view(record(person))
    view["subjects"] = list(view["subjects"] or ())
    return view


def announcement(person: Person) -> PersonUpserted:
    """The PERSON_UPSERTED payload: the public fields, nothing else."""
    view = card(person)
    person_id = view.pop("id")
    view["subjects"] = tuple(view["subjects"])
    return PersonUpserted(person_id=person_id, **view)


def _normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    for name in ("full_name", "position", "phone", "consent_document"):
        if isinstance(values.get(name), str):
            values[name] = squash(values[name])
    if isinstance(values.get("email"), str):
        values["email"] = values["email"].strip().lower()
    if "subjects" in values:
        values["subjects"] = list(clean_subjects(values["subjects"] or ()))
    return values


async def _save(
    session: AsyncSession, outbox: Outbox, district: str, person: Person, today: date
) -> None:
    check_person(record(person), today=today)
    if person.organisation_id is not None:
        with session.no_autoflush:  # look the organisation up before writing the person
            await get_organisation(session, district, person.organisation_id)
    person.search_text = search_key(person.full_name, person.position, *person.subjects)
    await session.flush()
    await outbox.put(session, PERSON_UPSERTED, announcement(person))


async def create_person(
    *, database: Database, outbox: Outbox, district: str, data: Mapping[str, Any], today: date
) -> Person:
    """Add a person of ``district`` and announce the public fields."""
    values = {
        "subjects": [],
        "email": "",
        "phone": "",
        "consent_given": False,
        "consent_date": None,
        "consent_document": "",
        "organisation_id": None,
        **_normalised(data),
    }
    async with database.transaction() as session:
        person = Person(district=district, **values)
        session.add(person)
        await _save(session, outbox, district, person, today)
    return person


async def update_person(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    person_id: UUID,
    changes: Mapping[str, Any],
    today: date,
) -> Person:
    """Edit the given fields (withdrawing consent too) and announce the public fields."""
    async with database.transaction() as session:
        person = await get_person(session, district, person_id)
        for name, value in _normalised(changes).items():
            if name not in EDITABLE:
                raise KeyError(name)
            setattr(person, name, value)
        await _save(session, outbox, district, person, today)
    return person


async def get_person(session: AsyncSession, district: str, person_id: UUID) -> Person:
    """One person of ``district``, or :class:`NotFound`."""
    person = await session.get(Person, person_id)
    if person is None or person.district != district:
        raise NotFound("Работник не найден в реестре округа", field="person_id")
    return person


async def read_full_record(
    *,
    database: Database,
    district: str,
    person_id: UUID,
    reader: str = "",
    reader_name: str = "",
    reader_role: str = "",
) -> Person:
    """The full record, personal data included; every read is logged with who read it
    (152-ФЗ)."""
    async with database.sessions() as session:
        person = await get_person(session, district, person_id)
    log.info(
        "personal data read",
        person_id=str(person_id),
        fields="full_record",
        reader=reader,
        reader_name=reader_name,
        reader_role=reader_role,
    )
    return person


async def read_card(*, database: Database, district: str, person_id: UUID) -> Person:
    """The person, for the public card."""
    async with database.sessions() as session:
        return await get_person(session, district, person_id)


async def list_people(
    *,
    database: Database,
    district: str,
    organisation_id: UUID | None = None,
    staff_group: str | None = None,
    query: str | None = None,
) -> list[Person]:
    """People of ``district`` by organisation, staff group and name (any case, «ё» as «е»)."""
    statement = sa.select(Person).where(Person.district == district)
    if organisation_id is not None:
        statement = statement.where(Person.organisation_id == organisation_id)
    if staff_group:
        statement = statement.where(Person.staff_group == staff_group)
    if query and fold(query):
        for word in fold(query).split(" "):
            statement = statement.where(Person.search_text.contains(word, autoescape=True))
    async with database.sessions() as session:
        return list((await session.scalars(statement.order_by(Person.full_name))).all())
