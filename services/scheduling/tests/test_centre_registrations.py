"""Districts register teachers for the centre's (ММЦ) events; the centre answers; the
centre's plans go down — on both databases, reading the outbox as the relay would."""

import itertools
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import (
    CENTRE_REGISTRATION_DECIDED,
    CENTRE_REGISTRATION_REQUESTED,
    EVENT_CHANGED,
    ORGANISATION_UPSERTED,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    REGISTRATION_CHANGED,
    CentreRegistrationDecided,
    CentreRegistrationRequested,
    Envelope,
    EventChanged,
    MessageType,
    OrganisationUpserted,
    PlanChanged,
    PlanItemState,
    names,
)
from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.db.models import CentrePlan, CentreRegistration
from imc_scheduling.messaging.handlers import (
    centre_event_handler,
    centre_plan_handler,
    decision_handler,
    district_request_handler,
    subscribe,
)
from imc_scheduling.services import centre_registrations, events, registrations
from imc_scheduling.services.organisations import record_organisation
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.broker import Publisher, make_broker
from imc_shared.consumer import Consumers, Delivery, Rejected
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

DISTRICT_OUTBOX = Outbox(district="yaya", source="scheduling")
CENTRE_OUTBOX = Outbox(district="centre", source="scheduling")
CENTRE_URI = "amqp://10.0.0.1:5672"
YAYA_URI = "amqp://10.0.0.5:5672"
MARIINSK_URI = "amqp://10.0.0.6:5672"
DISTRICTS = msgspec.json.encode(
    {
        "yaya": {"name": "Яйский муниципальный округ", "upstream": YAYA_URI},
        "mariinsk": {"name": "Мариинский муниципальный округ", "upstream": MARIINSK_URI},
    }
).decode()
BEFORE = datetime(2027, 3, 1, tzinfo=UTC)
STARTS = datetime(2027, 3, 17, 8, tzinfo=UTC)


def _link(uri: str, exchange: str = "imc.centre") -> Delivery:
    headers = {"x-received-from": [{"uri": uri, "exchange": exchange, "redelivered": False}]}
    return Delivery(queue="q", routing_key="rk", headers=headers, delivery_count=0)


async def _sent(database: Database, message: MessageType[Any]) -> list[Envelope[Any]]:
    """Every outbox envelope of ``message``, oldest first."""
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.body)
            .where(outbox_table.c.routing_key == message.routing_key)
            .order_by(outbox_table.c.created_at, outbox_table.c.id)
        )
        return [message.decode(body) for (body,) in rows.all()]


async def _answers(database: Database, registration_id: UUID) -> list[tuple[int, str, Any, str]]:
    """(version, status, queue_number, reason) of the centre's answers on one district id."""
    return [
        (p.version, p.status, p.queue_number, p.reason)
        for p in (e.payload for e in await _sent(database, CENTRE_REGISTRATION_DECIDED))
        if p.registration_id == registration_id
    ]


def _district(settings: SchedulingSettings) -> SchedulingSettings:
    return msgspec.structs.replace(settings, centre_upstream=CENTRE_URI)


def _centre(settings: SchedulingSettings) -> SchedulingSettings:
    return msgspec.structs.replace(
        settings, district="centre", instance_kind="centre", districts=DISTRICTS
    )


def _centre_event(event_id: UUID, **changes: Any) -> Envelope[EventChanged]:
    values: dict[str, Any] = {
        "event_id": event_id,
        "version": 1,
        "title": "Межмуниципальный семинар учителей математики",
        "form": "seminar",
        "form_title": "семинар",
        "level": "municipal",
        "organiser_kind": "imc",
        "organiser_id": None,
        "organiser_name": "ММЦ",
        "venue": "ММЦ, зал 1",
        "online_url": "",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "capacity": 30,
        "hours": 2,
        "status": "planned",
        "intermunicipal": True,
    }
    values.update(changes)
    return EVENT_CHANGED.new(EventChanged(**values), district="centre", source="scheduling")


async def _know_centre_event(
    database: Database, settings: SchedulingSettings, event_id: UUID, **changes: Any
) -> None:
    async with database.transaction() as session:
        await centre_event_handler(_district(settings))(
            session, _centre_event(event_id, **changes), _link(CENTRE_URI)
        )


async def _school(database: Database) -> UUID:
    school = uuid4()
    data = OrganisationUpserted(
        organisation_id=school,
        full_name="Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 1»",
        short_name="МБОУ «Яйская СОШ № 1»",
        kind="school",
        address="пгт Яя",
        email="school1@example.ru",
        director_name="Петрова Н. И.",
    )
    async with database.transaction() as session:
        await record_organisation(
            session, ORGANISATION_UPSERTED.new(data, district="yaya", source="registry")
        )
    return school


async def test_a_district_registers_and_withdraws_and_refuses_bad_input(
    database: Database, settings: SchedulingSettings
) -> None:
    event_id, cancelled_id = uuid4(), uuid4()
    await _know_centre_event(database, settings, event_id)
    await _know_centre_event(database, settings, cancelled_id, status="cancelled")
    school = await _school(database)
    person = uuid4()

    async def request(**changes: Any) -> CentreRegistration:
        values: dict[str, Any] = {
            "database": database,
            "outbox": DISTRICT_OUTBOX,
            "event_id": event_id,
            "person_id": person,
            "full_name": " Андреева Анна Андреевна ",
            "position": "учитель математики",
            "organisation_id": school,
            "now": BEFORE,
        }
        values.update(changes)
        return await centre_registrations.request_registration(**values)

    row = await request()
    assert (row.status, row.version, row.full_name) == ("requested", 1, "Андреева Анна Андреевна")
    [sent] = await _sent(database, CENTRE_REGISTRATION_REQUESTED)
    assert sent.payload == CentreRegistrationRequested(
        registration_id=row.id,
        version=1,
        event_id=event_id,
        person_id=person,
        full_name="Андреева Анна Андреевна",
        position="учитель математики",
        organisation_id=school,
        organisation_short_name="МБОУ «Яйская СОШ № 1»",
        status="requested",
    )
    async with database.sessions() as session:
        exchanges = (await session.scalars(sa.select(outbox_table.c.exchange))).all()
    assert set(exchanges) == {names.EVENTS_EXCHANGE}  # the centre's link pulls it from here

    with pytest.raises(Conflict, match="уже зарегистрирован"):
        await request()
    with pytest.raises(InvalidInput) as error:
        await request(full_name="  ", person_id=uuid4())
    assert error.value.field == "full_name"
    with pytest.raises(NotFound, match="не найдено"):
        await request(event_id=uuid4())
    with pytest.raises(Conflict, match="отменено"):
        await request(event_id=cancelled_id)
    with pytest.raises(Conflict, match="уже прошло"):
        await request(person_id=uuid4(), now=STARTS + timedelta(hours=3))
    assert len(await _sent(database, CENTRE_REGISTRATION_REQUESTED)) == 1, "refusals send nothing"

    withdrawn = await centre_registrations.withdraw_registration(
        database=database, outbox=DISTRICT_OUTBOX, event_id=event_id, registration_id=row.id
    )
    assert (withdrawn.status, withdrawn.version) == ("cancelled", 2)
    last = (await _sent(database, CENTRE_REGISTRATION_REQUESTED))[-1].payload
    assert (last.registration_id, last.version, last.status) == (row.id, 2, "cancelled")
    with pytest.raises(Conflict, match="уже отменена"):
        await centre_registrations.withdraw_registration(
            database=database, outbox=DISTRICT_OUTBOX, event_id=event_id, registration_id=row.id
        )
    again = await request()  # a withdrawn teacher may be registered anew
    assert again.id != row.id
    listed = await centre_registrations.list_registrations(database=database, event_id=event_id)
    assert [(r.id, r.status) for r in listed] == [(row.id, "cancelled"), (again.id, "requested")]


def _decision(registration_id: UUID, event_id: UUID, version: int, status: str, **more: Any) -> Any:
    payload = CentreRegistrationDecided(
        registration_id=registration_id,
        version=version,
        event_id=event_id,
        district=more.pop("district", "yaya"),
        status=status,  # type: ignore[arg-type]
        **more,
    )
    return CENTRE_REGISTRATION_DECIDED.new(payload, district="centre", source="scheduling")


async def _local(database: Database, registration_id: UUID) -> tuple[str, int, Any, str]:
    async with database.sessions() as session:
        row = await session.get(CentreRegistration, registration_id)
        assert row is not None
        return row.status, row.decision_version, row.queue_number, row.reason


async def test_the_centres_answers_update_the_district_in_any_order(
    database: Database, settings: SchedulingSettings
) -> None:
    event_id = uuid4()
    await _know_centre_event(database, settings, event_id)
    row = await centre_registrations.request_registration(
        database=database,
        outbox=DISTRICT_OUTBOX,
        event_id=event_id,
        person_id=uuid4(),
        full_name="Борисова Б. Б.",
        now=BEFORE,
    )
    handler = decision_handler(_district(settings), DISTRICT_OUTBOX)
    answers = [
        _decision(row.id, event_id, 1, "waiting", queue_number=2),
        _decision(row.id, event_id, 2, "waiting", queue_number=1),
        _decision(row.id, event_id, 3, "confirmed"),
    ]
    answers.append(answers[0])  # a repeat
    orders = list(itertools.permutations(range(len(answers))))
    for order in [(0, 1, 2, 3), (3, 2, 1, 0), *random.Random(3).sample(orders, 4)]:
        async with database.transaction() as session:
            await session.execute(
                sa.update(CentreRegistration).values(
                    status="requested", decision_version=0, queue_number=None
                )
            )
        for index in order:
            async with database.transaction() as session:
                await handler(session, answers[index], _link(CENTRE_URI))
        assert await _local(database, row.id) == ("confirmed", 3, None, ""), order

    other = _decision(row.id, event_id, 9, "refused", district="mariinsk", reason="—")
    async with database.transaction() as session:
        await handler(session, other, _link(CENTRE_URI))
    assert await _local(database, row.id) == ("confirmed", 3, None, ""), "not our answer"
    with pytest.raises(Rejected, match="origin mismatch"):
        async with database.transaction() as session:
            await handler(session, _decision(row.id, event_id, 9, "refused"), _link(YAYA_URI))
    assert (await _local(database, row.id))[1] == 3

    await centre_registrations.withdraw_registration(
        database=database, outbox=DISTRICT_OUTBOX, event_id=event_id, registration_id=row.id
    )
    late = _decision(row.id, event_id, 4, "confirmed")  # written before the centre saw it
    async with database.transaction() as session:
        await handler(session, late, _link(CENTRE_URI))
    assert await _local(database, row.id) == ("cancelled", 4, None, "")


async def _centre_request(
    database: Database,
    settings: SchedulingSettings,
    request: CentreRegistrationRequested,
    *,
    district: str = "yaya",
    uri: str = YAYA_URI,
) -> None:
    envelope = CENTRE_REGISTRATION_REQUESTED.new(request, district=district, source="scheduling")
    async with database.transaction() as session:
        await district_request_handler(CENTRE_OUTBOX, _centre(settings))(
            session, envelope, _link(uri, exchange="imc.events")
        )


def _request(event_id: UUID, name: str, **changes: Any) -> CentreRegistrationRequested:
    values: dict[str, Any] = {
        "registration_id": uuid4(),
        "version": 1,
        "event_id": event_id,
        "person_id": uuid4(),
        "full_name": name,
        "position": "учитель",
        "organisation_short_name": "МБОУ «Яйская СОШ № 1»",
        "status": "requested",
    }
    values.update(changes)
    return CentreRegistrationRequested(**values)


async def test_the_centre_records_requests_answers_and_moves_the_waiting_list_up(
    database: Database, settings: SchedulingSettings, event_in: Any, local: Any
) -> None:
    centre = _centre(settings)
    event = await events.create_event(
        database=database, outbox=CENTRE_OUTBOX, settings=centre, data=event_in(capacity=2)
    )
    a, b, c = (_request(event.id, n) for n in ("Андреева А. А.", "Борисова Б. Б.", "Власова В."))
    for request in (a, b, c):
        await _centre_request(database, settings, request)
    assert await _answers(database, a.registration_id) == [(1, "confirmed", None, "")]
    assert await _answers(database, c.registration_id) == [(1, "waiting", 1, "")]
    [answer] = [
        e
        for e in await _sent(database, CENTRE_REGISTRATION_DECIDED)
        if e.payload.registration_id == b.registration_id
    ]
    assert (answer.payload.district, answer.payload.event_id, answer.district) == (
        "yaya",
        event.id,
        "centre",
    )
    assert "full_name" not in msgspec.structs.asdict(answer.payload)
    state = (await _sent(database, EVENT_CHANGED))[-1].payload
    assert (state.registered, state.waiting) == (2, 1)

    listed = await registrations.list_registrations(database=database, event_id=event.id)
    assert [(r.full_name, r.district, r.registered_by, p) for r, p in listed] == [
        ("Андреева А. А.", "yaya", "district", None),
        ("Борисова Б. Б.", "yaya", "district", None),
        ("Власова В.", "yaya", "district", 1),
    ]

    sent_before = len(await _sent(database, CENTRE_REGISTRATION_DECIDED))
    await _centre_request(database, settings, a)  # a repeat (a new envelope, same request)
    assert len(await _sent(database, CENTRE_REGISTRATION_DECIDED)) == sent_before
    forged = _request(event.id, "Чужая Ч. Ч.")
    with pytest.raises(Rejected, match="origin mismatch"):
        await _centre_request(database, settings, forged, uri=MARIINSK_URI)
    with pytest.raises(Rejected, match="unknown district"):
        await _centre_request(database, settings, forged, district="tisul")
    with pytest.raises(Rejected, match="another district"):
        await _centre_request(
            database,
            settings,
            msgspec.structs.replace(a, version=2, status="cancelled"),
            district="mariinsk",
            uri=MARIINSK_URI,
        )

    await _centre_request(
        database, settings, msgspec.structs.replace(a, version=2, status="cancelled")
    )
    assert (await _answers(database, a.registration_id))[-1] == (2, "cancelled", None, "")
    assert await _answers(database, c.registration_id) == [
        (1, "waiting", 1, ""),
        (2, "confirmed", None, ""),
    ]
    [c_here] = [r for r, _ in listed if r.district_registration_id == c.registration_id]
    participation = [
        e.payload
        for e in await _sent(database, PARTICIPATION_CHANGED)
        if e.payload.registration_id == c_here.id
    ]
    assert [(p.version, p.status, p.organisation_short_name) for p in participation] == [
        (1, "waiting", "МБОУ «Яйская СОШ № 1»"),
        (2, "confirmed", "МБОУ «Яйская СОШ № 1»"),
    ]

    late = _request(event.id, "Григорьева Г. Г.")
    await _centre_request(database, settings, late)
    assert await _answers(database, late.registration_id) == [(1, "waiting", 1, "")]
    withdrawn_first = _request(event.id, "Дмитриева Д. Д.", version=2, status="cancelled")
    await _centre_request(database, settings, withdrawn_first)  # overtook its request
    await _centre_request(
        database, settings, msgspec.structs.replace(withdrawn_first, version=1, status="requested")
    )
    assert await _answers(database, withdrawn_first.registration_id) == [(1, "cancelled", None, "")]

    await events.cancel_event(database=database, outbox=CENTRE_OUTBOX, event_id=event.id, reason="")
    assert (await _answers(database, late.registration_id))[-1] == (
        2,
        "cancelled",
        None,
        "Мероприятие отменено",
    )
    refused = _request(event.id, "Егорова Е. Е.")
    await _centre_request(database, settings, refused)
    assert await _answers(database, refused.registration_id) == [
        (1, "refused", None, "Мероприятие отменено; регистрация невозможна")
    ]
    closed = await events.create_event(
        database=database,
        outbox=CENTRE_OUTBOX,
        settings=centre,
        data=event_in(
            starts_at=local(2027, 3, 18, 15),
            ends_at=local(2027, 3, 18, 16),
            registration_closes_at=local(2026, 1, 10, 12),
        ),
    )
    too_late = _request(closed.id, "Зайцева З. З.")
    await _centre_request(database, settings, too_late)
    assert await _answers(database, too_late.registration_id) == [
        (1, "refused", None, "Регистрация на мероприятие закрыта")
    ]
    unknown = _request(uuid4(), "Жукова Ж. Ж.")
    await _centre_request(database, settings, unknown)
    assert await _answers(database, unknown.registration_id) == [
        (1, "refused", None, "Мероприятие центра не найдено")
    ]
    # Their districts tell these teachers; the centre itself tells nobody of them.
    assert await _sent(database, REGISTRATION_CHANGED) == []


async def test_a_request_and_its_answers_cross_between_district_and_centre(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    """One database plays both parts: the district's request, as its outbox holds it,
    goes to the centre's handler; the centre's answer, as its outbox holds it, comes back."""
    event = await events.create_event(
        database=database, outbox=CENTRE_OUTBOX, settings=_centre(settings), data=event_in()
    )
    await _know_centre_event(database, settings, event.id)
    row = await centre_registrations.request_registration(
        database=database,
        outbox=DISTRICT_OUTBOX,
        event_id=event.id,
        person_id=uuid4(),
        full_name="Иванова И. И.",
        now=BEFORE,
    )
    [request] = await _sent(database, CENTRE_REGISTRATION_REQUESTED)
    async with database.transaction() as session:
        await district_request_handler(CENTRE_OUTBOX, _centre(settings))(
            session, request, _link(YAYA_URI, exchange="imc.events")
        )
    [answer] = await _sent(database, CENTRE_REGISTRATION_DECIDED)
    async with database.transaction() as session:
        await decision_handler(_district(settings), DISTRICT_OUTBOX)(
            session, answer, _link(CENTRE_URI)
        )
    assert await _local(database, row.id) == ("confirmed", 1, None, "")
    # the teacher is told by the district's own notifications
    [told] = [e.payload for e in await _sent(database, REGISTRATION_CHANGED)]
    assert (told.registration_id, told.status, told.previous_status) == (row.id, "confirmed", None)
    assert told.full_name == "Иванова И. И."
    assert (told.cancelled_by, told.cancelled_by_name) == ("", "")
    # The centre cancels its event: the teacher hears the organiser cancelled, and why.
    gone = _decision(row.id, event.id, 9, "cancelled", reason="Мероприятие отменено")
    async with database.transaction() as session:
        await decision_handler(_district(settings), DISTRICT_OUTBOX)(
            session, gone, _link(CENTRE_URI)
        )
    [_, told] = [e.payload for e in await _sent(database, REGISTRATION_CHANGED)]
    assert (told.status, told.previous_status, told.cancelled_by, told.reason) == (
        "cancelled",
        "confirmed",
        "organiser",
        "Мероприятие отменено",
    )


def _plan(plan_id: UUID, version: int, **changes: Any) -> Envelope[PlanChanged]:
    items = tuple(
        PlanItemState(
            item_id=UUID(int=n),
            title=f"Пункт {n}",
            deadline=date(2026, 10, n),
            done_on=date(2026, 10, n) if n <= version - 1 else None,
        )
        for n in (1, 2, 3)
    )
    values: dict[str, Any] = {
        "plan_id": plan_id,
        "version": version,
        "kind": "mmc",
        "title": f"План работы ММЦ, редакция {version}",
        "school_year": "2026/2027",
        "subject": "",
        "status": "approved",
        "items": items,
    }
    values.update(changes)
    return PLAN_CHANGED.new(PlanChanged(**values), district="centre", source="scheduling")


async def _plans(database: Database) -> list[tuple[UUID, int, str, list[Any]]]:
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(CentrePlan).order_by(CentrePlan.plan_id))
        return [(r.plan_id, r.version, r.title, [i["done_on"] for i in r.items]) for r in rows]


async def test_the_centres_plans_converge_whatever_the_order(
    database: Database, settings: SchedulingSettings
) -> None:
    handler = centre_plan_handler(_district(settings))
    x, y = sorted([uuid4(), uuid4()])
    messages = [_plan(x, v) for v in (1, 2, 3)] + [_plan(y, v) for v in (1, 2)] + [_plan(x, 1)]
    expected = [
        (x, 3, "План работы ММЦ, редакция 3", ["2026-10-01", "2026-10-02", None]),
        (y, 2, "План работы ММЦ, редакция 2", ["2026-10-01", None, None]),
    ]
    orders = list(itertools.permutations(range(len(messages))))
    for order in [(0, 1, 2, 3, 4, 5), (5, 4, 3, 2, 1, 0), *random.Random(5).sample(orders, 4)]:
        async with database.transaction() as session:
            await session.execute(sa.delete(CentrePlan))
        for index in order:
            async with database.transaction() as session:
                await handler(session, messages[index], _link(CENTRE_URI))
        assert await _plans(database) == expected, order
    with pytest.raises(Rejected, match="origin mismatch"):
        async with database.transaction() as session:
            await handler(session, _plan(x, 9), _link(YAYA_URI))
    assert await _plans(database) == expected


def test_subscriptions_follow_the_instance() -> None:
    plain = SchedulingSettings(service="scheduling", district="yaya", **testing.auth_settings())

    def queues(current: SchedulingSettings) -> list[str]:
        broker = make_broker(current.broker_url)
        unused = Database("sqlite+aiosqlite:///:memory:")  # registering never connects
        consumers = Consumers(
            broker=broker, database=unused, publisher=Publisher(broker), service="scheduling"
        )
        subscribe(consumers, outbox=CENTRE_OUTBOX, settings=current)
        return consumers.queues

    downward = {PLAN_CHANGED.routing_key, CENTRE_REGISTRATION_DECIDED.routing_key}
    district = queues(_district(plain))
    assert all(any(f"centre.{key}" in q for q in district) for key in downward), district
    assert not any(CENTRE_REGISTRATION_REQUESTED.routing_key in q for q in district)
    centre = queues(_centre(plain))
    assert any(f"districts.{CENTRE_REGISTRATION_REQUESTED.routing_key}" in q for q in centre), (
        centre
    )
    assert not any(key in q for q in centre + queues(plain) for key in downward)


@pytest.fixture
async def client(
    database: Database, settings: SchedulingSettings
) -> AsyncIterator[AsyncTestClient[Any]]:
    own = Database(database.url)  # the test client runs the app on its own loop
    app = create_http_app(
        CONTROLLERS,
        settings=settings,
        title="Мероприятия",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(lambda: DISTRICT_OUTBOX, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.auth = testing.auth(settings.district)
        yield test_client
    await own.dispose()


async def test_registrations_and_plans_of_the_centre_over_http(
    client: AsyncTestClient[Any], database: Database, settings: SchedulingSettings
) -> None:
    event_id = uuid4()
    soon = datetime.now(UTC) + timedelta(days=3)
    await _know_centre_event(
        database, settings, event_id, starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    path = f"/centre-events/{event_id}/registrations"
    teacher = {"person_id": str(uuid4()), "full_name": "Андреева А. А.", "position": "учитель"}
    made = await client.post(path, json=teacher)
    assert made.status_code == 201, made.text
    assert (made.json()["status"], made.json()["status_title"]) == (
        "requested",
        "заявка направлена в ММЦ",
    )
    again = await client.post(path, json=teacher)
    assert again.status_code == 409 and "уже зарегистрирован" in again.json()["message"]
    empty = await client.post(path, json={**teacher, "full_name": " "})
    assert empty.status_code == 422
    unknown = await client.post(f"/centre-events/{uuid4()}/registrations", json=teacher)
    assert unknown.status_code == 404
    registration_id = UUID(made.json()["id"])
    async with database.transaction() as session:
        await decision_handler(_district(settings), DISTRICT_OUTBOX)(
            session,
            _decision(registration_id, event_id, 1, "waiting", queue_number=3),
            _link(CENTRE_URI),
        )
    [listed] = (await client.get(path)).json()
    assert (listed["status_title"], listed["queue_number"]) == ("в листе ожидания", 3)
    gone = await client.delete(f"{path}/{registration_id}")
    assert gone.status_code == 200, gone.text
    assert gone.json()["status_title"] == "регистрация отменена"

    handler = centre_plan_handler(_district(settings))
    for message in (_plan(uuid4(), 3), _plan(uuid4(), 1, status="draft")):
        async with database.transaction() as session:
            await handler(session, message, _link(CENTRE_URI))
    [plan] = (await client.get("/centre-plans")).json()
    assert (plan["kind_title"], plan["status_title"]) == ("план работы ММЦ", "утверждён")
    assert (plan["items_total"], plan["items_done"], plan["done_percent"]) == (3, 2, 67)
    assert [i["done_on"] for i in plan["items"]] == ["2026-10-01", "2026-10-02", None]
    assert (plan["items_overdue"], plan["items"][2]["overdue"]) == (1, True)
    assert len((await client.get("/centre-plans", params={"include_drafts": True})).json()) == 2
