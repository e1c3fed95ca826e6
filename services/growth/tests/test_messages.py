"""What growth does with the messages it consumes, through the real inbox, on both
databases: read models, route steps completed by attendance, certificates, resync, the
centre's events over the link only, and the anonymous summary it announces."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import msgspec
import pytest

from imc_contracts import (
    ATTENDANCE_RECORDED,
    DEFICITS_SUMMARISED,
    DOCUMENT_GENERATED,
    EVENT_CHANGED,
    PERSON_UPSERTED,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    DocumentGenerated,
    GeneratedFile,
    Leader,
    ResyncRequested,
    SiteStatusChanged,
)
from imc_growth.api.schemas import StepIn
from imc_growth.db.models import KnownEvent, KnownSite, Teacher
from imc_growth.services import deficits, routes, transcripts
from imc_growth.settings import GrowthSettings
from imc_shared.consumer import Rejected
from imc_shared.db import Database

pytestmark = pytest.mark.usefixtures("world")
ZONE = ZoneInfo("Asia/Novokuznetsk")


async def _route_with_event_step(database: Database, h: Any, event_id: Any) -> Any:
    route = await routes.create_route(
        database=database, outbox=h.OUTBOX, person_id=h.ANNA, school_year="2026/2027", actor="М"
    )
    await routes.add_step(
        database=database,
        outbox=h.OUTBOX,
        route_id=route.id,
        data=StepIn(kind="event", event_id=event_id),
        zone=ZONE,
        actor="М",
    )
    return route


async def _steps(database: Database, route_id: Any) -> list[Any]:
    view = await routes.route_view(database, route_id, datetime.now(ZONE).date())
    return view.steps


async def test_read_models_keep_the_newest_announcement(
    bus: Any, database: Database, h: Any
) -> None:
    newer = h.envelope(
        PERSON_UPSERTED, h.person(h.ANNA, "Андреева Анна Петровна", subjects=("алгебра",))
    )
    older = h.envelope(
        PERSON_UPSERTED,
        h.person(h.ANNA, "Старая фамилия"),
        occurred_at=datetime.now(UTC) - timedelta(days=1),
    )
    assert await bus.deliver(PERSON_UPSERTED, newer) is True
    assert await bus.deliver(PERSON_UPSERTED, newer) is False  # the inbox knows it
    assert await bus.deliver(PERSON_UPSERTED, older) is True
    async with database.sessions() as session:
        anna = await session.get(Teacher, h.ANNA)
    assert anna is not None
    assert (anna.full_name, anna.subjects) == ("Андреева Анна Петровна", ["алгебра"])

    event_id = uuid4()
    await bus.send(EVENT_CHANGED, h.event_change(event_id, "Семинар", version=2))
    await bus.send(EVENT_CHANGED, h.event_change(event_id, "Старое название", version=1))
    site = SiteStatusChanged(
        site_id=uuid4(),
        organisation_id=h.SCHOOL_1,
        organisation_full_name="СОШ № 1",
        organisation_short_name="СОШ № 1",
        kind="osmp",
        status="active",
        previous_status=None,
        topic="Формирование функциональной грамотности",
        term_start=date(2026, 9, 1),
        term_end=date(2028, 8, 31),
        leader=Leader(full_name="Петрова Н. И.", position="директор"),
        co_leader=None,
        order_number="45-од",
        order_date=date(2026, 9, 1),
        decision_id=uuid4(),
        version=2,
    )
    await bus.send(SITE_STATUS_CHANGED, site)
    await bus.send(
        SITE_STATUS_CHANGED, msgspec.structs.replace(site, status="terminated", version=1)
    )
    async with database.sessions() as session:
        event = await session.get(KnownEvent, event_id)
        kept = await session.get(KnownSite, site.site_id)
    assert event is not None and event.title == "Семинар" and event.source == "district"
    assert kept is not None and kept.status == "active"


async def test_attendance_completes_steps_before_and_after_they_are_planned(
    bus: Any, database: Database, h: Any
) -> None:
    seminar = h.event_change(uuid4(), "Оценивание образовательных результатов")
    await bus.send(EVENT_CHANGED, seminar)
    route = await _route_with_event_step(database, h, seminar.event_id)
    assert [s.status for s in await _steps(database, route.id)] == ["planned"]

    mark = h.attendance(seminar, h.ANNA)
    assert await bus.send(ATTENDANCE_RECORDED, mark)
    [step] = await _steps(database, route.id)
    assert step.status == "done" and step.completed_by == "отметка о посещении"
    assert step.completed_on == seminar.starts_at.astimezone(ZONE).date()

    # An absence marked later (a newer version) opens the step again; an older mark
    # arriving after it changes nothing.
    await bus.send(ATTENDANCE_RECORDED, msgspec.structs.replace(mark, attended=False, version=2))
    assert [s.status for s in await _steps(database, route.id)] == ["planned"]
    await bus.send(ATTENDANCE_RECORDED, mark)
    assert [s.status for s in await _steps(database, route.id)] == ["planned"]
    await bus.send(ATTENDANCE_RECORDED, msgspec.structs.replace(mark, version=3))
    assert [s.status for s in await _steps(database, route.id)] == ["done"]

    # Attendance first, step later: the step is done as it is added.
    workshop = h.event_change(uuid4(), "Практикум", form="internship", form_title="стажировка")
    await bus.send(EVENT_CHANGED, workshop)
    await bus.send(ATTENDANCE_RECORDED, h.attendance(workshop, h.ANNA))
    await routes.add_step(
        database=database,
        outbox=h.OUTBOX,
        route_id=route.id,
        data=StepIn(kind="internship", event_id=workshop.event_id),
        zone=ZONE,
        actor="М",
    )
    steps = await _steps(database, route.id)
    assert sorted(s.status for s in steps) == ["done", "done"]
    # Someone else's attendance completes nothing of Anna's.
    other = h.event_change(uuid4(), "Вебинар")
    await bus.send(EVENT_CHANGED, other)
    await routes.add_step(
        database=database,
        outbox=h.OUTBOX,
        route_id=route.id,
        data=StepIn(kind="event", event_id=other.event_id),
        zone=ZONE,
        actor="М",
    )
    await bus.send(ATTENDANCE_RECORDED, h.attendance(other, h.BORIS))
    assert sorted(s.status for s in await _steps(database, route.id)) == ["done", "done", "planned"]


async def test_certificate_numbers_reach_the_transcript_in_any_order(
    bus: Any, database: Database, h: Any
) -> None:
    first = h.event_change(uuid4(), "Мастер-класс", starts_at=datetime.now(UTC) - timedelta(days=3))
    second = h.event_change(uuid4(), "Семинар", starts_at=datetime.now(UTC) - timedelta(days=2))
    one, two = h.attendance(first, h.ANNA), h.attendance(second, h.ANNA)

    def certificate(registration_id: Any, number: str, kind: str = "certificate") -> Any:
        return DocumentGenerated(
            document_id=uuid4(),
            kind=kind,
            title="Сертификат",
            number=number,  # type: ignore[arg-type]
            organisation_id=h.SCHOOL_1,
            subject_id=registration_id,
            files=(GeneratedFile(format="pdf", path="/documents/x/file.pdf", size=1, sha256="0"),),
        )

    await bus.send(ATTENDANCE_RECORDED, one)
    await bus.send(DOCUMENT_GENERATED, certificate(one.registration_id, "С-17"))
    await bus.send(DOCUMENT_GENERATED, certificate(two.registration_id, "С-18"))  # before the mark
    await bus.send(DOCUMENT_GENERATED, certificate(two.registration_id, "П-1", "council_protocol"))
    await bus.send(ATTENDANCE_RECORDED, two)
    await bus.send(ATTENDANCE_RECORDED, h.attendance(second, h.ANNA, attended=False))
    record = await transcripts.build(
        database=database, person_id=h.ANNA, zone=ZONE, today=datetime.now(ZONE).date()
    )
    assert [(e.title, e.certificate, e.hours) for e in record.events] == [
        ("Мастер-класс", "С-17", 4),
        ("Семинар", "С-18", 4),
    ]
    assert record.event_hours == 8 and record.total_hours == 8


async def test_summary_versions_grow_and_carry_no_personal_data(
    bus: Any, database: Database, h: Any
) -> None:
    today = datetime.now(ZONE).date()
    common = {
        "database": database,
        "outbox": h.OUTBOX,
        "actor": "Методистова М. И.",
        "today": today,
        "source_date": today,
        "note": "Посещён урок",
    }
    await deficits.record_deficit(
        person_id=h.ANNA,
        competency_code="assessment",
        subject="математика",
        source="observation",
        source_ref="Урок 7 класс",
        **common,
    )
    await deficits.record_deficit(
        person_id=h.VERA,
        competency_code="assessment",
        subject="математика",
        source="diagnostic",
        source_ref="",
        **common,
    )
    await routes.create_route(
        database=database, outbox=h.OUTBOX, person_id=h.ANNA, school_year="2026/2027", actor="М"
    )
    summaries = await h.sent(database, DEFICITS_SUMMARISED)
    assert [s.version for s in summaries] == [1, 2, 3]
    last = summaries[-1]
    assert last.teachers_with_routes == 1
    assert [(r.competency_code, r.subject, r.open, r.closed, r.teachers) for r in last.rows] == [
        ("assessment", "математика", 2, 0, 2)
    ]
    wire = msgspec.json.encode(last).decode()
    for secret in (str(h.ANNA), str(h.VERA), str(h.SCHOOL_1), "Андреева", "СОШ", "Урок"):
        assert secret not in wire

    # A resync re-sends the current version; another district's request sends nothing.
    ask = ResyncRequested(request_id=uuid4(), districts=("yaya",))
    assert await bus.send(
        RESYNC_REQUESTED, ask, queue=f"growth.centre.{RESYNC_REQUESTED.routing_key}"
    )
    await bus.send(
        RESYNC_REQUESTED,
        ResyncRequested(request_id=uuid4(), districts=("tisul",)),
        queue=f"growth.centre.{RESYNC_REQUESTED.routing_key}",
    )
    again = await h.sent(database, DEFICITS_SUMMARISED)
    assert [s.version for s in again] == [1, 2, 3, 3]
    assert again[-1].rows == last.rows


async def test_centre_events_come_only_over_the_centres_link(
    database: Database, settings: GrowthSettings, h: Any
) -> None:
    federated = h.Bus(database, msgspec.structs.replace(settings, centre_upstream=h.CENTRE_URI))
    queue = f"growth.centre.{EVENT_CHANGED.routing_key}"
    event = h.event_change(uuid4(), "Межмуниципальная конференция по подготовке к ГИА")
    link = {"x-received-from": [{"uri": h.CENTRE_URI, "exchange": "imc.centre"}]}
    with pytest.raises(Rejected, match="origin mismatch"):
        await federated.send(EVENT_CHANGED, event, queue=queue)
    with pytest.raises(Rejected, match="origin mismatch"):
        await federated.send(
            EVENT_CHANGED,
            event,
            queue=queue,
            headers={"x-received-from": [{"uri": "amqp://10.9.9.9:5672"}]},
        )
    assert await federated.send(EVENT_CHANGED, event, queue=queue, headers=link)
    async with database.sessions() as session:
        kept = await session.get(KnownEvent, event.event_id)
    assert kept is not None and kept.source == "centre" and kept.intermunicipal
    # A federated district takes a resync only from its centre's link.
    resync = f"growth.centre.{RESYNC_REQUESTED.routing_key}"
    with pytest.raises(Rejected):
        await federated.send(RESYNC_REQUESTED, ResyncRequested(request_id=uuid4()), queue=resync)
    assert await federated.send(
        RESYNC_REQUESTED, ResyncRequested(request_id=uuid4()), queue=resync, headers=link
    )


async def test_subscriptions_follow_the_instance(
    database: Database, settings: GrowthSettings, h: Any
) -> None:
    plain = set(h.Bus(database, settings).handlers)
    assert f"growth.{ATTENDANCE_RECORDED.routing_key}" in plain
    assert f"growth.centre.{RESYNC_REQUESTED.routing_key}" in plain
    assert f"growth.centre.{EVENT_CHANGED.routing_key}" not in plain
    federated = set(
        h.Bus(database, msgspec.structs.replace(settings, centre_upstream=h.CENTRE_URI)).handlers
    )
    assert f"growth.centre.{EVENT_CHANGED.routing_key}" in federated
    centre = set(
        h.Bus(database, msgspec.structs.replace(settings, instance_kind="centre")).handlers
    )
    assert f"growth.centre.{RESYNC_REQUESTED.routing_key}" not in centre
