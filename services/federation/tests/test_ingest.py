"""Folding district messages into the read models, on SQLite and PostgreSQL: any order
and any number of arrivals end in the same rows; refusals are recorded and counted."""

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa

from imc_contracts import (
    DEFICITS_SUMMARISED,
    EVENT_CHANGED,
    HEARTBEAT,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    Envelope,
    EventChanged,
    Heartbeat,
    Leader,
    MessageType,
    ParticipationChanged,
    PlanChanged,
    PlanItemState,
    SiteStatusChanged,
    names,
)
from imc_contracts.federation import UPWARD_KEYS
from imc_federation.db.models import (
    CentreEvent,
    CentreParticipation,
    CentrePlan,
    CentrePlanItem,
    CentreSite,
    Rejection,
)
from imc_federation.messaging.handlers import subscribe
from imc_federation.services import queries
from imc_federation.services.ingest import Intake, record_heartbeat
from imc_federation.settings import FederationSettings
from imc_shared.broker import DISTRICTS
from imc_shared.consumer import Delivery
from imc_shared.db import Database
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

Deliver = Any
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def envelope(
    message: MessageType[Any], payload: Any, *, district: str = "yaya", minutes: int = 0
) -> Envelope[Any]:
    return message.new(
        payload,
        district=district,
        source="test",
        occurred_at=T0 + timedelta(minutes=minutes),
    )


def site(site_id: UUID, version: int, status: str = "active", **changes: Any) -> SiteStatusChanged:
    values: dict[str, Any] = {
        "site_id": site_id,
        "organisation_id": UUID(int=7),
        "organisation_full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская средняя общеобразовательная школа № 1»",
        "organisation_short_name": "МБОУ «Яйская СОШ № 1»",
        "kind": "osmp",
        "status": status,
        "previous_status": None,
        "topic": f"Функциональная грамотность, редакция {version}",
        "term_start": date(2026, 9, 1),
        "term_end": date(2029, 8, 31),
        "leader": Leader(full_name="Иванова Анна Петровна", position="директор"),
        "co_leader": None,
        "order_number": f"{40 + version}-од",
        "order_date": date(2026, 8, 25),
        "decision_id": UUID(int=9),
        "version": version,
    }
    values.update(changes)
    return SiteStatusChanged(**values)


def event(event_id: UUID, version: int, **changes: Any) -> EventChanged:
    values: dict[str, Any] = {
        "event_id": event_id,
        "version": version,
        "title": f"Семинар по смысловому чтению, редакция {version}",
        "form": "seminar",
        "form_title": "семинар",
        "level": "municipal",
        "organiser_kind": "imc",
        "organiser_id": None,
        "organiser_name": "ИМЦ Яйского округа",
        "venue": "ИМЦ, актовый зал",
        "online_url": "",
        "starts_at": datetime(2027, 3, 17, 8, 0, tzinfo=UTC),
        "ends_at": datetime(2027, 3, 17, 9, 30, tzinfo=UTC),
        "capacity": 30,
        "hours": 2,
        "audience_subjects": ("история",),
        "status": "planned",
        "registered": version,
    }
    values.update(changes)
    return EventChanged(**values)


def registration(registration_id: UUID, version: int, **changes: Any) -> ParticipationChanged:
    values: dict[str, Any] = {
        "registration_id": registration_id,
        "version": version,
        "event_id": UUID(int=1),
        "organisation_id": UUID(int=7),
        "organisation_short_name": "МБОУ «Яйская СОШ № 1»",
        "subjects": ("история",),
        "status": "confirmed" if version < 3 else "cancelled",
        "attended": version == 2,
        "hours_credited": 2 if version == 2 else 0,
    }
    values.update(changes)
    return ParticipationChanged(**values)


def plan(plan_id: UUID, version: int) -> PlanChanged:
    items = [
        PlanItemState(
            item_id=UUID(int=100 + n),
            title=f"Пункт {n}",
            deadline=date(2026, 10, n),
            done_on=date(2026, 10, n) if n < version else None,
        )
        for n in range(1, 5)
    ]
    return PlanChanged(
        plan_id=plan_id,
        version=version,
        kind="imc",
        title="План работы ИМЦ на 2026/2027 учебный год",
        school_year="2026/2027",
        subject="",
        status="approved",
        items=tuple(items[: 2 + version]),
    )


SITE_COLUMNS = ("status", "topic", "order_number", "version", "occurred_at", "message_id")


async def _rows(database: Database, model: Any, key: str, ids: list[UUID]) -> list[Any]:
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(model).where(getattr(model, key).in_(ids)))
        return list(rows.all())


async def test_site_changes_converge_whatever_the_order_and_repeats(
    database: Database, deliver: Deliver
) -> None:
    ids = []
    for order in itertools.permutations([1, 2, 3]):
        site_id = uuid4()
        ids.append(site_id)
        messages = {
            v: envelope(
                SITE_STATUS_CHANGED,
                site(site_id, v, status="terminated" if v == 3 else "active"),
                minutes=10 - v,  # the clock does not decide once versions exist
            )
            for v in (1, 2, 3)
        }
        for version in (*order, *order):  # every message twice
            assert await deliver(messages[version]) is None
    rows = await _rows(database, CentreSite, "site_id", ids)
    assert len(rows) == 6
    finals = {(r.status, r.topic, r.order_number, r.version) for r in rows}
    assert finals == {("terminated", "Функциональная грамотность, редакция 3", "43-од", 3)}


async def test_unversioned_site_changes_fall_back_to_when_they_occurred(
    database: Database, deliver: Deliver
) -> None:
    ids = []
    for order in itertools.permutations([0, 1, 2]):
        site_id = uuid4()
        ids.append(site_id)
        messages = [
            envelope(SITE_STATUS_CHANGED, site(site_id, 0, topic=f"Тема {n}"), minutes=n)
            for n in range(3)
        ]
        for n in order:
            assert await deliver(messages[n]) is None
        assert await deliver(messages[order[0]]) is None  # a late duplicate
    rows = await _rows(database, CentreSite, "site_id", ids)
    assert {(r.topic, r.version) for r in rows} == {("Тема 2", 0)}


async def test_events_participation_and_plans_converge(
    database: Database, deliver: Deliver
) -> None:
    event_ids, registration_ids, plan_ids = [], [], []
    for order in itertools.permutations([1, 2, 3]):
        event_id, registration_id, plan_id = uuid4(), uuid4(), uuid4()
        event_ids.append(event_id)
        registration_ids.append(registration_id)
        plan_ids.append(plan_id)
        for v in (*order, order[0]):
            assert await deliver(envelope(EVENT_CHANGED, event(event_id, v))) is None
            assert (
                await deliver(envelope(PARTICIPATION_CHANGED, registration(registration_id, v)))
                is None
            )
            assert await deliver(envelope(PLAN_CHANGED, plan(plan_id, v))) is None
    events = await _rows(database, CentreEvent, "event_id", event_ids)
    assert {(e.version, e.title, e.registered) for e in events} == {
        (3, "Семинар по смысловому чтению, редакция 3", 3)
    }
    registrations = await _rows(database, CentreParticipation, "registration_id", registration_ids)
    assert {(r.version, r.status, r.attended, r.hours_credited) for r in registrations} == {
        (3, "cancelled", False, 0)
    }
    plans = await _rows(database, CentrePlan, "plan_id", plan_ids)
    assert {p.version for p in plans} == {3}
    items = await _rows(database, CentrePlanItem, "plan_id", plan_ids)
    per_plan = {
        plan_id: sorted(
            (i.position, i.item_id.int, i.done_on) for i in items if i.plan_id == plan_id
        )
        for plan_id in plan_ids
    }
    assert len({tuple(v) for v in per_plan.values()}) == 1
    assert [(p, n, d) for p, n, d in per_plan[plan_ids[0]]] == [
        (1, 101, date(2026, 10, 1)),
        (2, 102, date(2026, 10, 2)),
        (3, 103, None),
        (4, 104, None),
    ]


async def test_origin_mismatch_is_rejected_recorded_and_counted(
    database: Database, deliver: Deliver, settings: FederationSettings
) -> None:
    site_id = uuid4()
    forged = envelope(SITE_STATUS_CHANGED, site(site_id, 1))  # claims yaya
    reason = await deliver(forged, via="amqp://10.0.0.6:5672")  # came over Mariinsk's link
    assert reason is not None and reason.startswith("origin mismatch")
    assert await deliver(forged, via="amqp://10.0.0.6:5672") == reason  # redelivered: once
    unlinked = envelope(EVENT_CHANGED, event(uuid4(), 1))
    assert "did not come over a link" in (await deliver(unlinked, via=None) or "")
    assert await _rows(database, CentreSite, "site_id", [site_id]) == []
    async with database.sessions() as session:
        rejections = list(
            (await session.scalars(sa.select(Rejection).order_by(Rejection.rejected_at))).all()
        )
    assert [(r.claimed_district, r.recorded_upstream, r.routing_key) for r in rejections] == [
        ("yaya", "amqp://10.0.0.6:5672", SITE_STATUS_CHANGED.routing_key),
        ("yaya", None, EVENT_CHANGED.routing_key),
    ]
    assert rejections[0].message_id == forged.id
    links = await queries.list_links(database=database, settings=settings, now=T0)
    assert {link.district: link.rejected for link in links} == {"mariinsk": 0, "yaya": 2}
    # nothing was noted as heard from Yaya: the refused messages rolled back
    assert {link.district: link.last_message_at for link in links} == {
        "mariinsk": None,
        "yaya": None,
    }


async def test_own_messages_only_for_the_centre_and_entities_stay_with_their_district(
    database: Database, deliver: Deliver, settings: FederationSettings
) -> None:
    own = uuid4()
    ours = envelope(EVENT_CHANGED, event(own, 1, intermunicipal=True), district="buguruslan")
    assert await deliver(ours, via=None) is None
    claimed = envelope(EVENT_CHANGED, event(uuid4(), 1), district="buguruslan")
    assert "not federated" in (await deliver(claimed, via="amqp://10.0.0.5:5672") or "")
    calendar = await queries.list_events(database=database, settings=settings, intermunicipal=True)
    assert [(e.event_id, e.district_name) for e in calendar] == [
        (own, "Межмуниципальный методический центр")
    ]

    site_id = uuid4()
    assert await deliver(envelope(SITE_STATUS_CHANGED, site(site_id, 1))) is None
    theft = envelope(SITE_STATUS_CHANGED, site(site_id, 9, topic="Чужая"), district="mariinsk")
    assert "belongs to district 'yaya'" in (await deliver(theft) or "")
    [row] = await _rows(database, CentreSite, "site_id", [site_id])
    assert (row.district, row.version) == ("yaya", 1)
    async with database.sessions() as session:
        refused = await session.scalars(sa.select(Rejection.claimed_district))
        assert sorted(refused.all()) == ["buguruslan", "mariinsk"]


async def test_heartbeats_make_the_link_up_then_down(
    database: Database, deliver: Deliver, settings: FederationSettings, intake: Intake
) -> None:
    received = T0 + timedelta(seconds=3)
    clocked = Intake(
        own_district=intake.own_district,
        upstreams=intake.upstreams,
        rejections=intake.rejections,
        clock=lambda: received,
        outbox=Outbox(district="buguruslan", source="federation"),
    )
    beat = envelope(HEARTBEAT, Heartbeat(sequence=5, interval_seconds=15, outbox_backlog=2))
    older = envelope(
        HEARTBEAT, Heartbeat(sequence=4, interval_seconds=15, outbox_backlog=9), minutes=-1
    )
    for message in (beat, older):  # an older heartbeat arriving late changes nothing
        async with database.transaction() as session:
            await record_heartbeat(
                session,
                message,
                Delivery(
                    queue="q",
                    routing_key=message.routing_key,
                    headers={"x-received-from": [{"uri": "amqp://10.0.0.5"}]},
                    delivery_count=0,
                ),
                intake=clocked,
            )
    up = {
        link.district: link
        for link in await queries.list_links(
            database=database, settings=settings, now=T0 + timedelta(seconds=30)
        )
    }
    assert (up["yaya"].state, up["yaya"].lag_seconds, up["yaya"].outbox_backlog) == ("up", 3.0, 2)
    assert up["yaya"].last_message_at == received
    assert up["mariinsk"].state == "never"
    later = T0 + timedelta(minutes=10)
    down = {
        link.district: link
        for link in await queries.list_links(database=database, settings=settings, now=later)
    }
    assert (down["yaya"].state, down["yaya"].state_title, down["yaya"].alert) == (
        "down",
        "связи нет",
        True,
    )
    assert down["yaya"].lag_seconds == 600.0
    # the first heartbeat of a district asked it, once, for everything it holds
    async with database.sessions() as session:
        rows = (await session.execute(sa.select(outbox_table))).mappings().all()
    [request] = [RESYNC_REQUESTED.decode(row["body"]) for row in rows]
    assert request.payload.districts == ("yaya",)
    assert rows[0]["exchange"] == names.EVENTS_EXCHANGE  # bound down into imc.centre


def test_the_aggregator_binds_only_upward_crossings_on_imc_districts() -> None:
    bound: list[tuple[str, str]] = []

    class Recorder:
        def subscribe(
            self, message: Any, handler: Any, *, exchange: Any = None, name: str | None = None
        ) -> str:
            bound.append((exchange.name, message.routing_key))
            return name or ""

    subscribe(Recorder(), intake=None)  # type: ignore[arg-type]
    assert {exchange for exchange, _ in bound} == {DISTRICTS.name}
    keys = {key for _, key in bound}
    assert keys <= UPWARD_KEYS
    assert keys == {
        SITE_STATUS_CHANGED.routing_key,
        EVENT_CHANGED.routing_key,
        PARTICIPATION_CHANGED.routing_key,
        PLAN_CHANGED.routing_key,
        HEARTBEAT.routing_key,
        DEFICITS_SUMMARISED.routing_key,
    }
