"""Versioned state messages for the centre, the resync responder and the centre's
events at a district — on both databases, reading the outbox as the relay would."""

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
    EVENT_CHANGED,
    ORGANISATION_UPSERTED,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    RESYNC_REQUESTED,
    Envelope,
    EventChanged,
    MessageType,
    OrganisationUpserted,
    ResyncRequested,
    names,
)
from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.api.schemas import (
    EventPatch,
    PlanApprovalIn,
    PlanFulfilmentIn,
    PlanIn,
    PlanItemIn,
    PlanSectionIn,
)
from imc_scheduling.db.models import CentreEvent, Event, Plan, Registration
from imc_scheduling.domain.events import checkin_code
from imc_scheduling.messaging.handlers import centre_event_handler, resync_handler, subscribe
from imc_scheduling.services import centre_events, events, plans, registrations
from imc_scheduling.services.organisations import record_organisation
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.broker import Publisher, make_broker
from imc_shared.consumer import Consumers, Delivery, Rejected
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

OUTBOX = Outbox(district="yaya", source="scheduling")
CENTRE_URI = "amqp://10.0.0.1:5672"
BEFORE = datetime(2027, 3, 1, tzinfo=UTC)
DURING = datetime(2027, 3, 17, 8, 10, tzinfo=UTC)  # 15:10 in the district


async def _sent(database: Database, message: MessageType[Any]) -> list[tuple[str, Any]]:
    """(exchange, payload) of every outbox row of ``message``, oldest first."""
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.exchange, outbox_table.c.body)
            .where(outbox_table.c.routing_key == message.routing_key)
            .order_by(outbox_table.c.created_at, outbox_table.c.id)
        )
        return [(exchange, message.decode(body).payload) for exchange, body in rows.all()]


async def _last(database: Database, message: MessageType[Any], key: str, value: UUID) -> Any:
    sent = [p for _, p in await _sent(database, message) if getattr(p, key) == value]
    versions = [p.version for p in sent]
    assert versions == list(range(1, len(sent) + 1)), f"versions must grow by one: {versions}"
    return sent[-1]


def _federated(settings: SchedulingSettings, **changes: Any) -> SchedulingSettings:
    return msgspec.structs.replace(settings, centre_upstream=CENTRE_URI, **changes)


def _link(uri: str = CENTRE_URI) -> Delivery:
    headers = {"x-received-from": [{"uri": uri, "exchange": "imc.centre", "redelivered": False}]}
    return Delivery(queue="q", routing_key="rk", headers=headers, delivery_count=0)


async def test_every_event_and_registration_change_is_announced_with_the_next_version(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    school = uuid4()
    async with database.transaction() as session:
        organisation = OrganisationUpserted(
            organisation_id=school,
            full_name="Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 1»",
            short_name="МБОУ «Яйская СОШ № 1»",
            kind="school",
            address="пгт Яя",
            email="school1@example.ru",
            director_name="Петрова Н. И.",
        )
        await record_organisation(
            session, ORGANISATION_UPSERTED.new(organisation, district="yaya", source="registry")
        )
    event = await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(audience_subjects=["математика"]),
    )
    first = await _last(database, EVENT_CHANGED, "event_id", event.id)
    assert (first.version, first.registered, first.intermunicipal) == (1, 0, False)
    assert first.form_title == "постоянно действующий семинар"
    assert (await _sent(database, EVENT_CHANGED))[0][0] == names.EVENTS_EXCHANGE

    async def register(name: str, organisation_id: UUID | None) -> Registration:
        row, _ = await registrations.register(
            database=database,
            outbox=OUTBOX,
            event_id=event.id,
            person_id=uuid4(),
            full_name=name,
            organisation_id=organisation_id,
            registered_by="self",
            now=BEFORE,
        )
        return row

    a = await register("Андреева А. А.", None)
    b = await register("Борисова Б. Б.", school)
    c = await register("Власова В. В.", school)  # capacity 2: waiting list
    state = await _last(database, EVENT_CHANGED, "event_id", event.id)
    assert (state.version, state.registered, state.waiting) == (4, 2, 1)
    seen = await _last(database, PARTICIPATION_CHANGED, "registration_id", c.id)
    assert (seen.status, seen.organisation_short_name, seen.subjects) == (
        "waiting",
        "МБОУ «Яйская СОШ № 1»",
        ("математика",),
    )
    assert (
        await _last(database, PARTICIPATION_CHANGED, "registration_id", a.id)
    ).organisation_short_name == ""
    assert "full_name" not in msgspec.structs.asdict(seen)

    await registrations.cancel_registration(
        database=database, outbox=OUTBOX, event_id=event.id, registration_id=a.id, now=BEFORE
    )
    assert (
        await _last(database, PARTICIPATION_CHANGED, "registration_id", a.id)
    ).status == "cancelled"
    promoted = await _last(database, PARTICIPATION_CHANGED, "registration_id", c.id)
    assert (promoted.version, promoted.status) == (2, "confirmed")
    state = await _last(database, EVENT_CHANGED, "event_id", event.id)
    assert (state.version, state.registered, state.waiting) == (5, 2, 0)

    await registrations.mark_attendance(
        database=database,
        outbox=OUTBOX,
        event_id=event.id,
        person_ids=[b.person_id],
        attended=True,
        now=DURING,
    )
    marked = await _last(database, PARTICIPATION_CHANGED, "registration_id", b.id)
    assert (marked.version, marked.attended, marked.hours_credited) == (2, True, 2)
    await registrations.self_check_in(
        database=database,
        outbox=OUTBOX,
        secret="test-secret",
        event_id=event.id,
        code=checkin_code("test-secret", c.id),
        now=DURING,
    )
    assert (await _last(database, PARTICIPATION_CHANGED, "registration_id", c.id)).version == 3
    state = await _last(database, EVENT_CHANGED, "event_id", event.id)
    assert (state.version, state.attended) == (7, 2)

    await events.update_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        event_id=event.id,
        patch=EventPatch(hours=3),
    )
    for row in (b, c):
        assert (
            await _last(database, PARTICIPATION_CHANGED, "registration_id", row.id)
        ).hours_credited == 3
    await events.cancel_event(database=database, outbox=OUTBOX, event_id=event.id, reason="")
    state = await _last(database, EVENT_CHANGED, "event_id", event.id)
    assert (state.version, state.status, state.hours) == (9, "cancelled", 3)
    async with database.sessions() as session:
        stored = await session.get(Event, event.id)
        assert stored is not None and stored.version == 9


async def test_series_occurrences_and_the_centres_events(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    _, rows = await events.create_series(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    sent = await _sent(database, EVENT_CHANGED)
    assert sorted((p.event_id, p.version) for _, p in sent) == sorted((r.id, 1) for r in rows)
    centre = msgspec.structs.replace(settings, instance_kind="centre")
    own = await events.create_event(
        database=database, outbox=OUTBOX, settings=centre, data=event_in(venue="ММЦ, зал 1")
    )
    exchange, payload = (await _sent(database, EVENT_CHANGED))[-1]
    assert (payload.event_id, payload.intermunicipal, exchange) == (
        own.id,
        True,
        names.EVENTS_EXCHANGE,  # the centre's broker binds it down into imc.centre
    )


async def test_plan_changes_and_fulfilment_rules(database: Database) -> None:
    plan = await plans.create_plan(
        database=database,
        outbox=OUTBOX,
        data=PlanIn(kind="imc", title="План работы ИМЦ", school_year="2026/2027"),
    )
    section = await plans.add_section(
        database=database,
        outbox=OUTBOX,
        plan_id=plan.id,
        data=PlanSectionIn(title="Работа с кадрами"),
    )
    item = await plans.add_item(
        database=database,
        outbox=OUTBOX,
        plan_id=plan.id,
        section_id=section.id,
        data=PlanItemIn(
            title="Совещание руководителей РМО",
            responsible_name="Иванова И. И.",
            deadline=date(2026, 10, 15),
        ),
    )
    state = await _last(database, PLAN_CHANGED, "plan_id", plan.id)
    assert (state.version, state.status, [i.item_id for i in state.items]) == (
        3,
        "draft",
        [item.id],
    )
    today = date(2026, 10, 20)
    done = PlanFulfilmentIn(done_on=date(2026, 10, 15), note="Проведено, протокол № 2")
    with pytest.raises(Conflict, match="только в утверждённом или опубликованном плане"):
        await plans.fulfil_item(
            database=database,
            outbox=OUTBOX,
            plan_id=plan.id,
            item_id=item.id,
            data=done,
            today=today,
        )
    await plans.approve(
        database=database,
        outbox=OUTBOX,
        plan_id=plan.id,
        data=PlanApprovalIn(
            approved_by="начальник УО",
            approval_document="приказ № 1",
            approved_on=date(2026, 8, 28),
        ),
    )
    future = PlanFulfilmentIn(done_on=date(2026, 10, 21))
    with pytest.raises(InvalidInput) as error:
        await plans.fulfil_item(
            database=database,
            outbox=OUTBOX,
            plan_id=plan.id,
            item_id=item.id,
            data=future,
            today=today,
        )
    assert error.value.field == "done_on"
    await plans.fulfil_item(
        database=database, outbox=OUTBOX, plan_id=plan.id, item_id=item.id, data=done, today=today
    )
    state = await _last(database, PLAN_CHANGED, "plan_id", plan.id)
    assert (state.version, state.status, state.items[0].done_on) == (
        5,
        "approved",
        date(2026, 10, 15),
    )
    await plans.unfulfil_item(
        database=database, outbox=OUTBOX, plan_id=plan.id, item_id=item.id, today=today
    )
    with pytest.raises(Conflict):
        await plans.unfulfil_item(
            database=database, outbox=OUTBOX, plan_id=plan.id, item_id=item.id, today=today
        )
    await plans.publish(database=database, outbox=OUTBOX, plan_id=plan.id)
    state = await _last(database, PLAN_CHANGED, "plan_id", plan.id)
    assert (state.version, state.status, state.items[0].done_on) == (7, "published", None)


async def test_resync_resends_the_current_versions_only_when_asked(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in()
    )
    row, _ = await registrations.register(
        database=database,
        outbox=OUTBOX,
        event_id=event.id,
        person_id=uuid4(),
        full_name="Ф. И. О.",
        organisation_id=None,
        registered_by="school",
        now=BEFORE,
    )
    plan = await plans.create_plan(
        database=database,
        outbox=OUTBOX,
        data=PlanIn(kind="imc", title="План", school_year="2026/2027"),
    )
    before = {
        m.routing_key: await _sent(database, m)
        for m in (EVENT_CHANGED, PARTICIPATION_CHANGED, PLAN_CHANGED)
    }
    handler = resync_handler(OUTBOX, settings)

    async def ask(*districts: str) -> None:
        request = RESYNC_REQUESTED.new(
            ResyncRequested(request_id=uuid4(), districts=districts),
            district="centre",
            source="federation",
        )
        async with database.transaction() as session:
            await handler(
                session,
                request,
                Delivery(queue="q", routing_key="rk", headers={}, delivery_count=0),
            )

    forged = RESYNC_REQUESTED.new(
        ResyncRequested(request_id=uuid4()), district="centre", source="federation"
    )
    with pytest.raises(Rejected, match="origin mismatch"):
        async with database.transaction() as session:
            await resync_handler(OUTBOX, _federated(settings))(
                session, forged, _link("amqp://10.0.0.66:5672")
            )
    await ask("mariinsk")
    assert len(await _sent(database, EVENT_CHANGED)) == len(before[EVENT_CHANGED.routing_key])
    await ask()
    await ask("mariinsk", settings.district)
    for message, key, value in (
        (EVENT_CHANGED, "event_id", event.id),
        (PARTICIPATION_CHANGED, "registration_id", row.id),
        (PLAN_CHANGED, "plan_id", plan.id),
    ):
        sent = [p for _, p in await _sent(database, message) if getattr(p, key) == value]
        last = [p for _, p in before[message.routing_key] if getattr(p, key) == value][-1]
        assert sent[-2:] == [last, last], "a resync repeats the current state and version"
    async with database.sessions() as session:
        assert (await session.get(Event, event.id)).version == 2  # type: ignore[union-attr]
        assert (await session.get(Plan, plan.id)).version == 1  # type: ignore[union-attr]


def _centre_event(event_id: UUID, version: int, **changes: Any) -> Envelope[EventChanged]:
    start = datetime(2027, 4, 10, 3, tzinfo=UTC) + timedelta(days=version)
    values: dict[str, Any] = {
        "event_id": event_id,
        "version": version,
        "title": f"Межмуниципальный семинар, редакция {version}",
        "form": "seminar",
        "form_title": "семинар",
        "level": "municipal",
        "organiser_kind": "imc",
        "organiser_id": None,
        "organiser_name": "ММЦ",
        "venue": "ММЦ, зал 1",
        "online_url": "",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 30,
        "hours": 2,
        "status": "planned",
        "registered": version,
        "intermunicipal": True,
    }
    values.update(changes)
    return EVENT_CHANGED.new(EventChanged(**values), district="centre", source="scheduling")


async def _centre_rows(database: Database) -> list[tuple[UUID, int, str, int]]:
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(CentreEvent).order_by(CentreEvent.event_id))
        return [(r.event_id, r.version, r.title, r.registered) for r in rows.all()]


async def test_centre_events_converge_whatever_the_order_and_repeats(
    database: Database, settings: SchedulingSettings
) -> None:
    handler = centre_event_handler(_federated(settings))
    x, y = sorted([uuid4(), uuid4()])
    messages = [_centre_event(x, v) for v in (1, 2, 3)] + [_centre_event(y, v) for v in (1, 2)]
    messages += [messages[1], messages[4]]  # repeats (a resync, a redelivery)
    expected = [
        (x, 3, "Межмуниципальный семинар, редакция 3", 3),
        (y, 2, "Межмуниципальный семинар, редакция 2", 2),
    ]
    orders = list(itertools.permutations(range(len(messages))))
    for order in [
        tuple(range(len(messages))),
        tuple(reversed(range(len(messages)))),
        *random.Random(7).sample(orders, 6),
    ]:
        async with database.transaction() as session:
            await session.execute(sa.delete(CentreEvent))
        for index in order:
            async with database.transaction() as session:
                await handler(session, messages[index], _link("amqp://user:secret@10.0.0.1"))
        assert await _centre_rows(database) == expected, order

    for delivery in (
        _link("amqp://10.0.0.66:5672"),
        Delivery(queue="q", routing_key="rk", headers={}, delivery_count=0),
    ):
        with pytest.raises(Rejected, match="origin mismatch"):
            async with database.transaction() as session:
                await handler(session, _centre_event(x, 9), delivery)
    assert await _centre_rows(database) == expected
    assert not await _sent(database, EVENT_CHANGED), "the centre's events are never re-published"

    cancelled = _centre_event(y, 3, status="cancelled")
    async with database.transaction() as session:
        await handler(session, cancelled, _link())
    upcoming = await centre_events.list_centre_events(
        database=database, now=datetime(2027, 4, 1, tzinfo=UTC)
    )
    assert [r.event_id for r in upcoming] == [x]
    later = await centre_events.list_centre_events(
        database=database, now=datetime(2027, 4, 15, tzinfo=UTC)
    )
    assert later == []


def test_subscriptions_follow_the_instance() -> None:
    settings = SchedulingSettings(service="scheduling", district="yaya", **testing.auth_settings())

    def queues(current: SchedulingSettings) -> list[str]:
        broker = make_broker(current.broker_url)
        unused = Database("sqlite+aiosqlite:///:memory:")  # registering subscribers never connects
        consumers = Consumers(
            broker=broker, database=unused, publisher=Publisher(broker), service="scheduling"
        )
        subscribe(consumers, outbox=OUTBOX, settings=current)
        return consumers.queues

    plain = queues(settings)
    assert any(RESYNC_REQUESTED.routing_key in q for q in plain)
    assert any(ORGANISATION_UPSERTED.routing_key in q for q in plain)
    assert not any(EVENT_CHANGED.routing_key in q for q in plain)
    assert any(EVENT_CHANGED.routing_key in q for q in queues(_federated(settings)))
    assert not any(
        EVENT_CHANGED.routing_key in q for q in queues(_federated(settings, instance_kind="centre"))
    )


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
            "outbox": Provide(lambda: OUTBOX, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.auth = testing.auth(settings.district)
        yield test_client
    await own.dispose()


async def test_fulfilment_and_centre_events_over_http(
    client: AsyncTestClient[Any], database: Database, settings: SchedulingSettings
) -> None:
    plan = (
        await client.post(
            "/plans", json={"kind": "mmc", "title": "План ММЦ", "school_year": "2025/2026"}
        )
    ).json()
    pid = plan["id"]
    section = (await client.post(f"/plans/{pid}/sections", json={"title": "Раздел"})).json()[
        "sections"
    ][0]
    tree = (
        await client.post(
            f"/plans/{pid}/sections/{section['id']}/items",
            json={"title": "Семинар", "responsible_name": "Иванова", "deadline": "2025-12-01"},
        )
    ).json()
    item_id = tree["sections"][0]["items"][0]["id"]
    path = f"/plans/{pid}/items/{item_id}/fulfil"
    draft = await client.post(path, json={"done_on": "2025-12-01", "note": "проведён"})
    assert draft.status_code == 409
    assert "утверждённом" in draft.json()["message"]
    approval = {
        "approved_by": "директор ММЦ",
        "approval_document": "приказ № 5",
        "approved_on": "2025-08-29",
    }
    assert (await client.post(f"/plans/{pid}/approve", json=approval)).status_code == 200
    done = await client.post(path, json={"done_on": "2025-12-01", "note": "проведён"})
    assert done.status_code == 200, done.text
    assert done.json()["sections"][0]["items"][0]["done_on"] == "2025-12-01"
    undone = await client.delete(path)
    assert undone.status_code == 200, undone.text
    assert undone.json()["sections"][0]["items"][0]["done_on"] is None

    handler = centre_event_handler(_federated(settings))
    soon = datetime.now(UTC) + timedelta(days=3)
    later, earlier = uuid4(), uuid4()
    for event_id, start in ((later, soon + timedelta(days=1)), (earlier, soon)):
        message = _centre_event(
            event_id,
            1,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            form="master_class",
            form_title="",
        )
        async with database.transaction() as session:
            await handler(session, message, _link())
    listed = (await client.get("/centre-events")).json()
    assert [e["event_id"] for e in listed] == [str(earlier), str(later)]
    assert (listed[0]["form_title"], listed[0]["status_title"]) == ("мастер-класс", "запланировано")
