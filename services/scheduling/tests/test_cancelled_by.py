"""Who cancelled a registration: the teacher themself, their school's representative or
the organiser (staff, or the event's own cancellation) — kept on the registration, shown
by the API and told to the teacher in REGISTRATION_CHANGED, on both databases."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import REGISTRATION_CHANGED
from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.db.models import Registration
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

Client = AsyncTestClient[Any]
DISTRICT = "yaya"
SCHOOL = UUID("0192f5a0-0000-7000-8000-00000000a001")
TEACHER = UUID("0192f5a0-0000-7000-8000-00000000b001")
COLLEAGUE = UUID("0192f5a0-0000-7000-8000-00000000b002")
THIRD = UUID("0192f5a0-0000-7000-8000-00000000b003")
REPRESENTATIVE = "Кузнецова Марина Петровна"
METHODIST = "Сидорова Ольга Викторовна"

SEMINAR = {
    "title": "Смысловое чтение на уроках истории",
    "form": "permanent_seminar",
    "level": "municipal",
    "organiser_kind": "imc",
    "organiser_name": "ИМЦ Яйского округа",
    "venue": "ИМЦ, актовый зал",
    "starts_at": "2027-03-17T15:00:00",
    "ends_at": "2027-03-17T16:30:00",
    "capacity": 10,
    "hours": 2,
}


def teacher(person_id: UUID) -> dict[str, str]:
    return testing.bearer(
        DISTRICT, Role.TEACHER, person_id=person_id, organisation_id=SCHOOL, name="Педагог"
    )


def school() -> dict[str, str]:
    return testing.bearer(
        DISTRICT, Role.SCHOOL_REPRESENTATIVE, organisation_id=SCHOOL, name=REPRESENTATIVE
    )


def methodist() -> dict[str, str]:
    return testing.bearer(DISTRICT, Role.METHODIST, name=METHODIST)


@pytest.fixture
async def client(database: Database, settings: SchedulingSettings) -> AsyncIterator[Client]:
    own = Database(database.url)  # the client's app runs on its own event loop
    app = create_http_app(
        CONTROLLERS,
        settings=settings,
        title="Мероприятия",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(
                lambda: Outbox(district=DISTRICT, source="scheduling"), sync_to_thread=False
            ),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    try:
        async with AsyncTestClient(app) as test_client:
            yield test_client
    finally:
        await own.dispose()


async def _cancellations(database: Database) -> list[tuple[UUID, str, str, str]]:
    """(person, cancelled_by, cancelled_by_name, reason) of each cancellation told."""
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.body)
            .where(outbox_table.c.routing_key == REGISTRATION_CHANGED.routing_key)
            .order_by(outbox_table.c.created_at, outbox_table.c.id)
        )
        told = [REGISTRATION_CHANGED.decode(body).payload for (body,) in rows.all()]
    return [
        (p.person_id, p.cancelled_by, p.cancelled_by_name, p.reason)
        for p in told
        if p.status == "cancelled"
    ]


async def _register(client: Client, event: str, person_id: UUID, name: str) -> str:
    made = await client.post(
        f"/events/{event}/registrations",
        json={"person_id": str(person_id), "full_name": name, "organisation_id": str(SCHOOL)},
        headers=teacher(person_id),
    )
    assert made.status_code == 201, made.text
    assert made.json()["cancelled_by"] is None
    return str(made.json()["id"])


async def test_each_cancellation_names_who_cancelled(client: Client, database: Database) -> None:
    created = await client.post("/events", json=SEMINAR, headers=methodist())
    assert created.status_code == 201, created.text
    event = created.json()["id"]
    mine = await _register(client, event, TEACHER, "Петрова Анна Ивановна")
    colleague = await _register(client, event, COLLEAGUE, "Иванова Ирина Петровна")
    third = await _register(client, event, THIRD, "Смирнова Елена Олеговна")

    # The school's representative cancels a teacher's registration.
    by_school = await client.post(
        f"/events/{event}/registrations/{colleague}/cancel", headers=school()
    )
    assert by_school.status_code == 200, by_school.text
    answer = by_school.json()["registration"]
    assert (answer["cancelled_by"], answer["cancelled_by_name"]) == ("school", REPRESENTATIVE)
    assert await _cancellations(database) == [(COLLEAGUE, "school", REPRESENTATIVE, "")]

    # The teacher cancels their own: no name is told back to them.
    by_self = await client.post(
        f"/events/{event}/registrations/{mine}/cancel", headers=teacher(TEACHER)
    )
    assert by_self.status_code == 200, by_self.text
    assert by_self.json()["registration"]["cancelled_by"] == "self"
    assert (await _cancellations(database))[1:] == [(TEACHER, "self", "", "")]

    # Taken up again, the registration forgets who cancelled it before.
    again = await _register(client, event, TEACHER, "Петрова Анна Ивановна")
    assert again == mine

    # The organiser cancels the event: everyone still registered is told, with the reason.
    cancelled = await client.post(
        f"/events/{event}/cancel", json={"reason": "болезнь лектора"}, headers=methodist()
    )
    assert cancelled.status_code == 200, cancelled.text
    reason = "Мероприятие отменено: болезнь лектора"
    assert sorted((await _cancellations(database))[2:]) == sorted(
        [
            (TEACHER, "organiser", METHODIST, reason),
            (THIRD, "organiser", METHODIST, reason),
        ]
    )
    async with database.sessions() as session:
        kept = {
            r.person_id: (r.cancelled_by, r.cancelled_by_name)
            for r in await session.scalars(sa.select(Registration))
        }
    assert kept == {
        TEACHER: ("organiser", METHODIST),
        COLLEAGUE: ("school", REPRESENTATIVE),
        THIRD: ("organiser", METHODIST),
    }
    listed = await client.get(f"/events/{event}/registrations", headers=methodist())
    assert {r["id"]: r["cancelled_by"] for r in listed.json()} == {
        mine: "organiser",
        colleague: "school",
        third: "organiser",
    }


async def test_staff_cancelling_a_registration_is_the_organiser(
    client: Client, database: Database
) -> None:
    created = await client.post("/events", json=SEMINAR, headers=methodist())
    event = created.json()["id"]
    mine = await _register(client, event, TEACHER, "Петрова Анна Ивановна")
    by_staff = await client.post(
        f"/events/{event}/registrations/{mine}/cancel", headers=methodist()
    )
    assert by_staff.status_code == 200, by_staff.text
    assert await _cancellations(database) == [(TEACHER, "organiser", METHODIST, "")]
