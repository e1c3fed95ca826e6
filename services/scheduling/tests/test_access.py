"""Who may do what over the scheduling API: roles, the district, and whom a teacher or a
school representative may register."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.db.models import CentreEvent
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox

Client = AsyncTestClient[Any]
DISTRICT = "yaya"
SCHOOL = UUID("0192f5a0-0000-7000-8000-00000000a001")
OTHER_SCHOOL = UUID("0192f5a0-0000-7000-8000-00000000a002")
TEACHER = UUID("0192f5a0-0000-7000-8000-00000000b001")
COLLEAGUE = UUID("0192f5a0-0000-7000-8000-00000000b002")

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


def teacher(person_id: UUID = TEACHER) -> dict[str, str]:
    return testing.bearer(DISTRICT, Role.TEACHER, person_id=person_id, organisation_id=SCHOOL)


def school(organisation_id: UUID = SCHOOL) -> dict[str, str]:
    return testing.bearer(DISTRICT, Role.SCHOOL_REPRESENTATIVE, organisation_id=organisation_id)


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


async def _event(client: Client) -> str:
    created = await client.post("/events", json=SEMINAR, headers=testing.bearer(DISTRICT))
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _registration(person_id: UUID, organisation_id: UUID | None = SCHOOL) -> dict[str, Any]:
    body: dict[str, Any] = {"person_id": str(person_id), "full_name": "Петрова Анна Ивановна"}
    if organisation_id is not None:
        body["organisation_id"] = str(organisation_id)
    return body


async def test_a_teacher_reads_but_does_not_plan(client: Client) -> None:
    refused = await client.post("/events", json=SEMINAR, headers=teacher())
    assert refused.status_code == 403
    assert "педагог" in refused.json()["message"]
    for role in (Role.SCHOOL_REPRESENTATIVE, Role.COUNCIL_SECRETARY, Role.SERVICE):
        assert (
            await client.post("/events", json=SEMINAR, headers=testing.bearer(DISTRICT, role))
        ).status_code == 403
    event = await _event(client)
    listed = await client.get("/events", headers=teacher())
    assert [e["id"] for e in listed.json()] == [event]
    for path in (f"/events/{event}/cancel", f"/events/{event}/attendance"):
        answer = await client.post(path, json={}, headers=teacher())
        assert answer.status_code == 403, path
    assert (await client.post("/plans", json={}, headers=school())).status_code == 403


async def test_a_teacher_registers_only_themselves(client: Client) -> None:
    event = await _event(client)
    path = f"/events/{event}/registrations"
    other = await client.post(path, json=_registration(COLLEAGUE), headers=teacher())
    assert other.status_code == 403
    assert other.json()["message"] == (
        "Педагог может зарегистрировать на мероприятие или снять с него только себя"
    )
    unlinked = await client.post(
        path, json=_registration(TEACHER), headers=testing.bearer(DISTRICT, Role.TEACHER)
    )
    assert unlinked.status_code == 403
    assert "не связана с реестром" in unlinked.json()["message"]
    council = testing.bearer(DISTRICT, Role.COUNCIL_MEMBER, person_id=TEACHER)
    assert (await client.post(path, json=_registration(TEACHER), headers=council)).status_code == (
        403
    )

    mine = await client.post(path, json=_registration(TEACHER), headers=teacher())
    assert mine.status_code == 201, mine.text
    colleague = await client.post(
        path, json=_registration(COLLEAGUE), headers=testing.bearer(DISTRICT)
    )
    assert colleague.status_code == 201

    # Who registered is personal data: a teacher sees only their own registration, a
    # school only its own people's, staff and the council everyone.
    def listed(headers: dict[str, str]) -> Any:
        return client.get(path, headers=headers)

    assert [r["person_id"] for r in (await listed(teacher())).json()] == [str(TEACHER)]
    assert len((await listed(testing.bearer(DISTRICT, Role.COUNCIL_MEMBER))).json()) == 2
    assert (await listed(school(OTHER_SCHOOL))).json() == []

    # Self check-in: the participant's own code only (the event is a year away: too early).
    check_in = f"/events/{event}/check-in"
    their_code = {"code": colleague.json()["checkin_code"]}
    borrowed = await client.post(check_in, json=their_code, headers=teacher())
    assert borrowed.status_code == 403
    assert "только по своей регистрации" in borrowed.json()["message"]
    own_code = {"code": mine.json()["checkin_code"]}
    early = await client.post(check_in, json=own_code, headers=teacher())
    assert early.status_code == 409 and "за 30 минут" in early.json()["message"]
    assert (await client.post(check_in, json=own_code, headers=school())).status_code == 403

    cancel = f"{path}/{colleague.json()['id']}/cancel"
    assert (await client.post(cancel, headers=teacher())).status_code == 403
    assert (await client.post(cancel, headers=teacher(COLLEAGUE))).status_code == 200
    own = await client.post(f"{path}/{mine.json()['id']}/cancel", headers=teacher())
    assert own.status_code == 200
    assert own.json()["registration"]["status"] == "cancelled"


async def test_a_school_registers_only_its_own_people(client: Client) -> None:
    event = await _event(client)
    path = f"/events/{event}/registrations"
    foreign = await client.post(path, json=_registration(COLLEAGUE, OTHER_SCHOOL), headers=school())
    assert foreign.status_code == 403
    assert "своей организации" in foreign.json()["message"]

    ours = await client.post(path, json=_registration(COLLEAGUE, SCHOOL), headers=school())
    assert ours.status_code == 201, ours.text
    unnamed = await client.post(path, json=_registration(TEACHER, None), headers=school())
    assert unnamed.status_code == 201, unnamed.text

    cancel = f"{path}/{ours.json()['id']}/cancel"
    assert (await client.post(cancel, headers=school(OTHER_SCHOOL))).status_code == 403
    assert (await client.post(cancel, headers=school())).status_code == 200


async def test_centre_event_registration_follows_the_same_rule(
    client: Client, database: Database
) -> None:
    event_id = uuid4()
    starts = datetime.now(UTC) + timedelta(days=30)
    async with database.transaction() as session:
        session.add(
            CentreEvent(
                event_id=event_id,
                version=1,
                title="Межмуниципальный семинар",
                form="seminar",
                form_title="семинар",
                level="intermunicipal",
                organiser_kind="centre",
                organiser_name="ММЦ",
                venue="ММЦ",
                online_url="",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                capacity=None,
                hours=2,
                audience_subjects=[],
                audience_categories=[],
                status="planned",
                registered=0,
                waiting=0,
                attended=0,
                centre="buguruslan",
                received_at=datetime.now(UTC),
            )
        )
    path = f"/centre-events/{event_id}/registrations"
    other = await client.post(path, json=_registration(COLLEAGUE), headers=teacher())
    assert other.status_code == 403
    mine = await client.post(path, json=_registration(TEACHER), headers=teacher())
    assert mine.status_code == 201, mine.text
    withdraw = f"{path}/{mine.json()['id']}"
    assert (await client.delete(withdraw, headers=teacher(COLLEAGUE))).status_code == 403
    assert (await client.delete(withdraw, headers=teacher())).status_code == 200


async def test_tokens_and_districts(client: Client) -> None:
    event = await _event(client)
    no_token = await client.get("/events")
    assert no_token.status_code == 401
    forged = await client.get("/events", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    foreign = await client.get("/events", headers=testing.bearer("mariinsk"))
    assert foreign.status_code == 403
    assert "другому району" in foreign.json()["message"]
    foreign_teacher = testing.bearer("mariinsk", Role.TEACHER, person_id=TEACHER)
    registered = await client.post(
        f"/events/{event}/registrations", json=_registration(TEACHER), headers=foreign_teacher
    )
    assert registered.status_code == 403


async def test_public_paths_answer_without_a_token(client: Client) -> None:
    assert (await client.get("/health")).status_code == 200
    published = await client.get("/public/plans")
    assert published.status_code == 200
    assert published.json() == []
    # The personal calendar feed is open to calendar apps, guarded by its own token.
    refused = await client.get(
        f"/public/calendar/people/{TEACHER}/events.ics", params={"token": "guess"}
    )
    assert refused.status_code == 404
    address = await client.get(f"/people/{TEACHER}/feed-token", headers=teacher())
    assert address.status_code == 200
    assert (await client.get(address.json()["path"])).status_code == 200
    # Somebody else's private address stays hidden from a teacher, not from the IMC.
    hidden = await client.get(f"/people/{COLLEAGUE}/feed-token", headers=teacher())
    assert hidden.status_code == 404
    staff = await client.get(f"/people/{COLLEAGUE}/feed-token", headers=testing.bearer(DISTRICT))
    assert staff.status_code == 200
