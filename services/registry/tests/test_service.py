"""The registry's use cases on its real database (SQLite and PostgreSQL), migrated."""

import json
from datetime import date
from typing import Any
from uuid import uuid4

import msgspec
import pytest
import sqlalchemy as sa

from imc_contracts import (
    ORDER_ISSUED,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    RESYNC_REQUESTED,
    SITE_EXPIRED,
    SITE_STATUS_CHANGED,
    OrderIssued,
    ResyncRequested,
    SiteExpired,
)
from imc_contracts.examples import example
from imc_registry.db.models import Organisation, Site, SiteStatusEntry
from imc_registry.domain.people import PUBLIC_PERSON_FIELDS
from imc_registry.services import organisations, people, sites, structures
from imc_shared.consumer import Rejected
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

DISTRICT = "yaya"
TODAY = date(2026, 11, 23)
SCHOOL = {
    "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
    "«Яйская средняя общеобразовательная школа № 1»",
    "short_name": "МБОУ «Яйская СОШ № 1»",
    "kind": "school",
    "email": "sosh1@yaya.example.ru",
}
LYCEUM = {
    "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Берёзовский лицей»",
    "short_name": "МБОУ «Берёзовский лицей»",
    "kind": "lyceum",
    "email": "lyceum@yaya.example.ru",
    "low_results": True,
}


async def add(database: Database, outbox: Outbox, data: dict[str, Any]) -> Organisation:
    return await organisations.create_organisation(
        database=database, outbox=outbox, district=DISTRICT, data=data
    )


async def outbox_rows(database: Database) -> list[tuple[str, bytes]]:
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.routing_key, outbox_table.c.body).order_by(
                outbox_table.c.created_at, outbox_table.c.id
            )
        )
        return [(row.routing_key, row.body) for row in rows.all()]


async def payloads(database: Database, routing_key: str) -> list[dict[str, Any]]:
    return [
        json.loads(body)["payload"]
        for key, body in await outbox_rows(database)
        if key == routing_key
    ]


# --- organisations -----------------------------------------------------------------


async def test_edit_archive_and_search_organisations(database: Database, outbox: Outbox) -> None:
    school = await add(database, outbox, dict(SCHOOL))
    lyceum = await add(database, outbox, dict(LYCEUM))

    edited = await organisations.update_organisation(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        organisation_id=school.id,
        changes={
            "director_name": "  Смирнова  Елена Викторовна ",
            "phone": "8 (38441) 2-11-11",
            "resilient": True,
        },
    )
    assert edited.director_name == "Смирнова Елена Викторовна"
    assert edited.resilient is True

    async def search(**filters: Any) -> list[str]:
        rows = await organisations.list_organisations(
            database=database, district=DISTRICT, **filters
        )
        return [row.short_name for row in rows]

    assert await search(query="БЕРЕЗОВСКИЙ") == [LYCEUM["short_name"]]  # case and «ё»
    assert await search(query="яйская сош") == [SCHOOL["short_name"]]
    assert await search(kind="lyceum") == [LYCEUM["short_name"]]
    assert await search(low_results=True) == [LYCEUM["short_name"]]
    assert await search(resilient=True) == [SCHOOL["short_name"]]
    assert await search(unfavourable_conditions=True) == []
    assert await search(query="100%_") == []

    await organisations.set_archived(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        organisation_id=lyceum.id,
        archived=True,
    )
    assert await search() == [SCHOOL["short_name"]]
    assert await search(archived=True) == [LYCEUM["short_name"]]
    found = await organisations.find_organisation(
        database=database, district=DISTRICT, organisation_id=lyceum.id
    )
    assert found.archived is True

    announced = await payloads(database, ORGANISATION_UPSERTED.routing_key)
    assert [(p["short_name"], p["archived"]) for p in announced] == [
        (SCHOOL["short_name"], False),
        (LYCEUM["short_name"], False),
        (SCHOOL["short_name"], False),
        (LYCEUM["short_name"], True),
    ]
    assert announced[2]["director_name"] == "Смирнова Елена Викторовна"


async def test_bad_edit_and_name_clash_change_nothing(database: Database, outbox: Outbox) -> None:
    school = await add(database, outbox, dict(SCHOOL))
    await add(database, outbox, dict(LYCEUM))
    with pytest.raises(InvalidInput) as error:
        await organisations.update_organisation(
            database=database,
            outbox=outbox,
            district=DISTRICT,
            organisation_id=school.id,
            changes={"email": "нет"},
        )
    assert error.value.field == "email"
    with pytest.raises(Conflict) as clash:
        await organisations.update_organisation(
            database=database,
            outbox=outbox,
            district=DISTRICT,
            organisation_id=school.id,
            changes={"short_name": "мбоу «березовский лицей»"},
        )
    assert clash.value.field == "short_name"
    with pytest.raises(Conflict):
        await add(database, outbox, {**SCHOOL, "short_name": " МБОУ  «Яйская СОШ № 1» "})
    with pytest.raises(NotFound):
        await organisations.update_organisation(
            database=database,
            outbox=outbox,
            district=DISTRICT,
            organisation_id=uuid4(),
            changes={"phone": "1"},
        )
    again = await organisations.find_organisation(
        database=database, district=DISTRICT, organisation_id=school.id
    )
    assert again.email == SCHOOL["email"]
    assert len(await payloads(database, ORGANISATION_UPSERTED.routing_key)) == 2


# --- people ------------------------------------------------------------------------

TEACHER = {
    "full_name": "Иванова Ольга Петровна",
    "position": "учитель математики",
    "staff_group": "teacher",
    "qualification_category": "highest",
    "subjects": ["математика", " Математика ", "информатика"],
    "email": "Ivanova@Yaya.example.ru",
    "phone": "+7 913 000-00-00",
    "consent_given": True,
    "consent_date": date(2026, 9, 1),
    "consent_document": "согласие № 12 от 01.09.2026",
}


async def test_person_card_and_message_carry_only_public_fields(
    database: Database, outbox: Outbox
) -> None:
    school = await add(database, outbox, dict(SCHOOL))
    person = await people.create_person(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        data={**TEACHER, "organisation_id": school.id},
        today=TODAY,
    )
    assert person.subjects == ["математика", "информатика"]
    card = people.card(
        await people.read_card(database=database, district=DISTRICT, person_id=person.id)
    )
    assert tuple(card) == PUBLIC_PERSON_FIELDS
    assert card["email"] == "ivanova@yaya.example.ru"

    withdrawn = await people.update_person(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        person_id=person.id,
        changes={"consent_given": False},
        today=TODAY,
    )
    assert withdrawn.consent_given is False
    assert withdrawn.consent_document == "согласие № 12 от 01.09.2026"

    announced = await payloads(database, PERSON_UPSERTED.routing_key)
    assert len(announced) == 2
    for payload in announced:
        assert set(payload) <= {"person_id", *PUBLIC_PERSON_FIELDS, "archived"} - {"id"}
        assert "phone" not in payload
        assert "consent_document" not in payload
        assert payload["person_id"] == str(person.id)
        assert payload["subjects"] == ["математика", "информатика"]

    full = await people.read_full_record(database=database, district=DISTRICT, person_id=person.id)
    assert full.phone == "+7 913 000-00-00"
    assert [
        p.id
        for p in await people.list_people(
            database=database,
            district=DISTRICT,
            query="ОЛЬГА",
            staff_group="teacher",
            organisation_id=school.id,
        )
    ] == [person.id]
    assert (
        await people.list_people(database=database, district=DISTRICT, staff_group="administration")
        == []
    )


async def test_bad_people_are_refused_whole(database: Database, outbox: Outbox) -> None:
    with pytest.raises(InvalidInput) as error:  # a teacher works somewhere
        await people.create_person(
            database=database, outbox=outbox, district=DISTRICT, data=dict(TEACHER), today=TODAY
        )
    assert error.value.field == "organisation_id"
    with pytest.raises(NotFound):
        await people.create_person(
            database=database,
            outbox=outbox,
            district=DISTRICT,
            data={**TEACHER, "organisation_id": uuid4()},
            today=TODAY,
        )
    methodist = await people.create_person(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        today=TODAY,
        data={
            "full_name": "Орлова Татьяна Николаевна",
            "position": "методист",
            "staff_group": "imc_methodist",
            "qualification_category": "first",
        },
    )
    assert methodist.organisation_id is None
    assert len(await payloads(database, PERSON_UPSERTED.routing_key)) == 1


# --- structures --------------------------------------------------------------------


async def person(database: Database, outbox: Outbox, name: str, **extra: Any) -> Any:
    data = {
        "full_name": name,
        "position": "методист",
        "staff_group": "imc_methodist",
        "qualification_category": "none",
        "phone": "+7 900 111-22-33",
        **extra,
    }
    return await people.create_person(
        database=database, outbox=outbox, district=DISTRICT, data=data, today=TODAY
    )


async def test_council_with_head_and_members(database: Database, outbox: Outbox) -> None:
    chair = await person(database, outbox, "Кузнецова Марина Ивановна")
    secretary = await person(database, outbox, "Орлова Татьяна Николаевна")
    member = await person(database, outbox, "Сидоров Пётр Ильич")
    council = await structures.create_structure(
        database=database,
        district=DISTRICT,
        data={
            "kind": "methodical_council",
            "title": "Методический совет МБУ «ИМЦ»",
            "head_id": chair.id,
        },
        members=[(secretary.id, "секретарь")],
    )
    assert [(m.person_id, m.role) for m in council.members] == [
        (chair.id, "председатель"),
        (secretary.id, "секретарь"),
    ]
    await structures.add_member(
        database=database, district=DISTRICT, structure_id=council.id, person_id=member.id, role=""
    )
    with pytest.raises(Conflict):
        await structures.add_member(
            database=database,
            district=DISTRICT,
            structure_id=council.id,
            person_id=member.id,
            role="",
        )
    with pytest.raises(Conflict):  # the chair stays until another is appointed
        await structures.remove_member(
            database=database, district=DISTRICT, structure_id=council.id, person_id=chair.id
        )
    after = await structures.remove_member(
        database=database, district=DISTRICT, structure_id=council.id, person_id=secretary.id
    )
    assert {m.person_id for m in after.members} == {chair.id, member.id}

    moved = await structures.update_structure(
        database=database,
        district=DISTRICT,
        structure_id=council.id,
        changes={"head_id": member.id},
    )
    assert moved.head is not None and moved.head.id == member.id

    await structures.create_structure(
        database=database,
        district=DISTRICT,
        data={"kind": "rmo", "title": "РМО учителей математики", "subject": "математика"},
    )
    councils = await structures.list_structures(
        database=database, district=DISTRICT, kind="methodical_council"
    )
    assert [c.id for c in councils] == [council.id]
    assert len(councils[0].members) == 2
    assert len(await structures.list_structures(database=database, district=DISTRICT)) == 2


async def test_school_association_takes_its_own_staff_only(
    database: Database, outbox: Outbox
) -> None:
    school = await add(database, outbox, dict(SCHOOL))
    lyceum = await add(database, outbox, dict(LYCEUM))
    own = await person(
        database, outbox, "Иванова Ольга Петровна", staff_group="teacher", organisation_id=school.id
    )
    other = await person(
        database, outbox, "Петров Иван Сергеевич", staff_group="teacher", organisation_id=lyceum.id
    )
    shmo = await structures.create_structure(
        database=database,
        district=DISTRICT,
        data={
            "kind": "shmo",
            "title": "ШМО учителей математики",
            "organisation_id": school.id,
            "subject": "математика",
            "head_id": own.id,
        },
    )
    with pytest.raises(InvalidInput):
        await structures.add_member(
            database=database, district=DISTRICT, structure_id=shmo.id, person_id=other.id, role=""
        )
    with pytest.raises(InvalidInput):
        await structures.create_structure(
            database=database, district=DISTRICT, data={"kind": "shmo", "title": "ШМО без школы"}
        )


# --- sites -------------------------------------------------------------------------

ORDER: OrderIssued = example(ORDER_ISSUED).payload


def order_envelope(school: Organisation, **changes: Any) -> Any:
    payload = msgspec.structs.replace(ORDER, organisation_id=school.id, **changes)
    return ORDER_ISSUED.new(payload, district=DISTRICT, source="applications")


async def apply(database: Database, outbox: Outbox, envelope: Any) -> None:
    async with database.transaction() as session:
        if isinstance(envelope.payload, SiteExpired):
            await sites.apply_expiry(session, outbox, DISTRICT, envelope)
        else:
            await sites.apply_order(session, outbox, DISTRICT, envelope)


async def history(database: Database) -> list[SiteStatusEntry]:
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(SiteStatusEntry).order_by(SiteStatusEntry.occurred_at)
        )
        return list(rows.all())


async def test_orders_assign_extend_terminate_once_each(database: Database, outbox: Outbox) -> None:
    school = await add(database, outbox, dict(SCHOOL))
    assignment = order_envelope(school)
    for _ in range(2):  # a repeat (republished under a new message id) is a no-op
        await apply(
            database,
            outbox,
            ORDER_ISSUED.new(assignment.payload, district=DISTRICT, source="applications"),
        )
    [site] = await sites.list_sites(database=database, district=DISTRICT)
    assert (site.id, site.status, site.order_number) == (ORDER.site_id, "active", "45-од")
    assert site.co_leader_name == ORDER.co_leader.full_name  # type: ignore[union-attr]

    extension = order_envelope(
        school,
        order_id=uuid4(),
        kind="extension",
        number="12-од",
        order_date=date(2028, 9, 1),
        term_end=date(2029, 10, 14),
        decision_id=uuid4(),
    )
    await apply(database, outbox, extension)
    await apply(database, outbox, extension)
    termination = order_envelope(
        school,
        order_id=uuid4(),
        kind="termination",
        number="30-од",
        order_date=date(2029, 3, 1),
        effective_on=date(2029, 3, 15),
        decision_id=uuid4(),
        term_end=date(2029, 10, 14),
        grounds=("topic_irrelevant",),
    )
    await apply(database, outbox, termination)

    detail = await sites.find_site(database=database, district=DISTRICT, site_id=ORDER.site_id)
    assert detail.status == "terminated"
    assert detail.term_end == date(2029, 10, 14)
    assert (detail.order_number, detail.order_date) == ("30-од", date(2029, 3, 1))
    assert detail.decision_id == ORDER.decision_id
    assert detail.last_decision_id == termination.payload.decision_id
    entries = await history(database)
    assert [(h.status, h.previous_status, h.order_number) for h in entries] == [
        ("active", None, "45-од"),
        ("extended", "active", "12-од"),
        ("terminated", "extended", "30-од"),
    ]
    assert entries[1].reason == "приказ № 12-од от 01.09.2028: продление срока до 14.10.2029"
    assert "утрата актуальности темы" in entries[2].reason
    assert [h.order_id for h in entries] == [
        ORDER.order_id,
        extension.payload.order_id,
        termination.payload.order_id,
    ]

    changes = await payloads(database, SITE_STATUS_CHANGED.routing_key)
    assert [(c["status"], c["previous_status"], c["version"]) for c in changes] == [
        ("active", None, 1),
        ("extended", "active", 2),
        ("terminated", "extended", 3),
    ]
    assert changes[1]["term_end"] == "2029-10-14"
    assert changes[1]["reason"] == entries[1].reason
    assert changes[0]["co_leader"]["full_name"] == ORDER.co_leader.full_name  # type: ignore[union-attr]

    with pytest.raises(Rejected):  # a terminated site cannot be extended
        await apply(
            database,
            outbox,
            order_envelope(school, order_id=uuid4(), kind="extension", decision_id=uuid4()),
        )


async def test_expiry_lapses_a_working_site_once(database: Database, outbox: Outbox) -> None:
    school = await add(database, outbox, dict(SCHOOL))
    await apply(database, outbox, order_envelope(school, co_leader=None, site_kind="internship"))
    expired = msgspec.structs.replace(example(SITE_EXPIRED).payload, organisation_id=school.id)
    for _ in range(2):
        await apply(
            database, outbox, SITE_EXPIRED.new(expired, district=DISTRICT, source="applications")
        )
    [site] = await sites.list_sites(database=database, district=DISTRICT, status="expired")
    assert site.co_leader_name is None
    assert [h.status for h in await history(database)] == ["active", "expired"]
    changes = await payloads(database, SITE_STATUS_CHANGED.routing_key)
    assert [(c["status"], c["co_leader"]) for c in changes] == [("active", None), ("expired", None)]
    assert changes[1]["reason"].startswith("срок деятельности истёк 14.10.2028")
    assert await sites.list_sites(database=database, district=DISTRICT, current_only=True) == []


async def test_messages_about_other_districts_are_rejected(
    database: Database, outbox: Outbox
) -> None:
    other = await organisations.create_organisation(
        database=database, outbox=outbox, district="mariinsk", data=dict(SCHOOL)
    )
    with pytest.raises(Rejected, match="not in district yaya"):
        await apply(database, outbox, order_envelope(other))
    unknown = msgspec.structs.replace(example(SITE_EXPIRED).payload, organisation_id=uuid4())
    with pytest.raises(Rejected):
        await apply(
            database, outbox, SITE_EXPIRED.new(unknown, district=DISTRICT, source="applications")
        )
    async with database.sessions() as session:
        assert (await session.scalar(sa.select(sa.func.count()).select_from(Site))) == 0
    assert await payloads(database, SITE_STATUS_CHANGED.routing_key) == []


async def test_a_resync_resends_every_site_at_its_current_version(
    database: Database, outbox: Outbox
) -> None:
    school = await add(database, outbox, dict(SCHOOL))
    await apply(database, outbox, order_envelope(school))
    await apply(
        database,
        outbox,
        order_envelope(
            school,
            order_id=uuid4(),
            kind="extension",
            number="12-од",
            order_date=date(2028, 9, 1),
            term_end=date(2029, 10, 14),
            decision_id=uuid4(),
        ),
    )
    before = await payloads(database, SITE_STATUS_CHANGED.routing_key)

    async def resync(districts: tuple[str, ...]) -> int:
        request = RESYNC_REQUESTED.new(
            ResyncRequested(request_id=uuid4(), districts=districts),
            district="centre",
            source="federation",
        )
        async with database.transaction() as session:
            return await sites.resend_sites(session, outbox, DISTRICT, request)

    assert await resync(("mariinsk",)) == 0  # asked of another district only
    assert await resync(()) == 1
    after = await payloads(database, SITE_STATUS_CHANGED.routing_key)
    assert len(after) == len(before) + 1
    assert after[-1] == before[-1]  # same state, same version: a no-op for the centre
    assert after[-1]["version"] == 2
