"""Events, registration, attendance, clashes, series, road-map rows — on both databases."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa

from imc_scheduling.api.schemas import EventPatch, RoadmapItemIn
from imc_scheduling.db.models import Registration, Roadmap
from imc_scheduling.domain.events import checkin_code
from imc_scheduling.services import events, registrations, roadmaps
from imc_scheduling.settings import SchedulingSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.outbox import Outbox

OUTBOX = Outbox(district="yaya", source="scheduling")

BEFORE = datetime(2027, 3, 1, tzinfo=UTC)


async def _register(
    database: Database, event_id: object, name: str = "Иванова А. П."
) -> Registration:
    row, _ = await registrations.register(
        database=database,
        outbox=OUTBOX,
        event_id=event_id,  # type: ignore[arg-type]
        person_id=uuid4(),
        full_name=name,
        organisation_id=None,
        registered_by="self",
        now=BEFORE,
    )
    return row


async def test_naive_times_are_district_time_and_validation_names_the_field(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    naive = event_in(starts_at=datetime(2027, 3, 17, 15, 0), ends_at=datetime(2027, 3, 17, 16, 30))
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=naive
    )
    assert event.starts_at == datetime(2027, 3, 17, 8, 0, tzinfo=UTC)  # UTC+7
    stored, _ = await events.get_event(database=database, event_id=event.id)
    assert stored.starts_at == datetime(2027, 3, 17, 8, 0, tzinfo=UTC)
    for bad, field in [
        (event_in(form="лекция"), "form"),
        (event_in(level="regional"), "level"),
        (event_in(ends_at=local(2027, 3, 17, 14)), "ends_at"),
        (event_in(venue="", online_url=""), "venue"),
        (event_in(capacity=0), "capacity"),
        (event_in(organiser_kind="site", organiser_id=None), "organiser_id"),
        (event_in(audience_categories=["pupils"]), "audience_categories"),
    ]:
        with pytest.raises(InvalidInput) as error:
            await events.create_event(database=database, outbox=OUTBOX, settings=settings, data=bad)
        assert error.value.field == field
    assert len(await events.list_events(database=database)) == 1  # nothing half-written


async def test_same_venue_or_responsible_at_overlapping_times_is_refused(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    person = uuid4()
    first = await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(responsible_person_id=person),
    )
    with pytest.raises(Conflict) as venue_clash:
        await events.create_event(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            data=event_in(
                title="Практикум",
                venue="  мбоу «яйская сош № 1», КАБ. 12 ",
                starts_at=local(2027, 3, 17, 16),
                ends_at=local(2027, 3, 17, 17),
            ),
        )
    assert "Формирование функциональной грамотности" in venue_clash.value.message
    assert "17.03.2027 15:00–16:30" in venue_clash.value.message
    assert venue_clash.value.details["clashes"][0]["event_id"] == str(first.id)
    with pytest.raises(Conflict) as person_clash:
        await events.create_event(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            data=event_in(venue="Онлайн", responsible_person_id=person),
        )
    assert "тот же ответственный" in person_clash.value.message
    # back to back is not a clash; another venue and person is not either
    await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(starts_at=local(2027, 3, 17, 16, 30), ends_at=local(2027, 3, 17, 18)),
    )
    await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in(venue="ДДТ")
    )
    # moving into a clash is refused too; a cancelled event clashes with nothing
    other = await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(starts_at=local(2027, 3, 18, 15), ends_at=local(2027, 3, 18, 16)),
    )
    with pytest.raises(Conflict):
        await events.update_event(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            event_id=other.id,
            patch=EventPatch(starts_at=local(2027, 3, 17, 15), ends_at=local(2027, 3, 17, 16)),
        )
    await events.cancel_event(
        database=database, outbox=OUTBOX, event_id=first.id, reason="болезнь лектора"
    )
    await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(responsible_person_id=person),
    )


async def test_waiting_list_moves_up_on_cancellation(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in()
    )
    a = await _register(database, event.id, "Андреева")
    b = await _register(database, event.id, "Борисова")
    c, position_c = await registrations.register(
        database=database,
        outbox=OUTBOX,
        event_id=event.id,
        person_id=uuid4(),
        full_name="Васильева",
        organisation_id=uuid4(),
        registered_by="school",
        now=BEFORE,
    )
    d, position_d = await registrations.register(
        database=database,
        outbox=OUTBOX,
        event_id=event.id,
        person_id=uuid4(),
        full_name="Григорьева",
        organisation_id=None,
        registered_by="self",
        now=BEFORE,
    )
    assert [a.status, b.status, c.status, d.status] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert (position_c, position_d) == (1, 2)
    with pytest.raises(Conflict):
        await registrations.register(
            database=database,
            outbox=OUTBOX,
            event_id=event.id,
            person_id=a.person_id,
            full_name="Андреева",
            organisation_id=None,
            registered_by="self",
            now=BEFORE,
        )
    cancelled, promoted = await registrations.cancel_registration(
        database=database, outbox=OUTBOX, event_id=event.id, registration_id=a.id, now=BEFORE
    )
    assert cancelled.status == "cancelled"
    assert [p.id for p in promoted] == [c.id]
    rows = await registrations.list_registrations(database=database, event_id=event.id)
    assert [(r.full_name, r.status, p) for r, p in rows] == [
        ("Борисова", "confirmed", None),
        ("Васильева", "confirmed", None),
        ("Григорьева", "waitlisted", 1),
        ("Андреева", "cancelled", None),
    ]
    # more seats: the waiting list moves up at once
    await events.update_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        event_id=event.id,
        patch=EventPatch(capacity=5),
        now=BEFORE,
    )
    _, (confirmed, waiting) = await events.get_event(database=database, event_id=event.id)
    assert (confirmed, waiting) == (3, 0)
    with pytest.raises(InvalidInput) as fewer:
        await events.update_event(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            event_id=event.id,
            patch=EventPatch(capacity=1),
        )
    assert fewer.value.field == "capacity"


async def test_two_registrations_for_the_last_seat_cannot_both_win(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in(capacity=1)
    )
    others = [Database(database.url) for _ in range(4)]
    try:
        results = await asyncio.gather(
            *(
                registrations.register(
                    database=db,
                    outbox=OUTBOX,
                    event_id=event.id,
                    person_id=uuid4(),
                    full_name=f"Участник {i}",
                    organisation_id=None,
                    registered_by="self",
                    now=BEFORE,
                )
                for i, db in enumerate(others)
            )
        )
    finally:
        for db in others:
            await db.dispose()
    statuses = sorted(row.status for row, _ in results)
    assert statuses == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert sorted(p for _, p in results if p is not None) == [1, 2, 3]


async def test_attendance_and_self_check_in_credit_hours(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in(capacity=None, hours=3)
    )
    a = await _register(database, event.id, "Андреева")
    b = await _register(database, event.id, "Борисова")
    with pytest.raises(Conflict):  # too early
        await registrations.self_check_in(
            database=database,
            outbox=OUTBOX,
            secret="test-secret",
            event_id=event.id,
            code=checkin_code("test-secret", a.id),
            now=BEFORE,
        )
    with pytest.raises(InvalidInput) as forged:
        await registrations.self_check_in(
            database=database,
            outbox=OUTBOX,
            secret="test-secret",
            event_id=event.id,
            code=checkin_code("other-secret", a.id),
            now=event.starts_at,
        )
    assert forged.value.field == "code"
    checked = await registrations.self_check_in(
        database=database,
        outbox=OUTBOX,
        secret="test-secret",
        event_id=event.id,
        code=checkin_code("test-secret", a.id),
        now=event.starts_at + timedelta(minutes=5),
    )
    assert (checked.attended, checked.checkin_method, checked.hours_credited) == (True, "self", 3)
    marked = await registrations.mark_attendance(
        database=database,
        outbox=OUTBOX,
        event_id=event.id,
        person_ids=[b.person_id],
        attended=True,
        now=event.ends_at + timedelta(hours=1),
    )
    assert marked[0].checkin_method == "organiser"
    with pytest.raises(InvalidInput) as stranger:
        await registrations.mark_attendance(
            database=database,
            outbox=OUTBOX,
            event_id=event.id,
            person_ids=[uuid4()],
            attended=True,
            now=event.ends_at,
        )
    assert stranger.value.field == "person_ids"
    hours = await registrations.person_hours(database=database, person_id=a.person_id)
    assert [(e.id, r.hours_credited) for e, r in hours] == [(event.id, 3)]


async def test_series_every_third_wednesday_with_moved_and_cancelled_occurrences(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    series, rows = await events.create_series(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(starts_at=local(2027, 1, 20, 15), ends_at=local(2027, 1, 20, 16, 30)),
        rrule="FREQ=MONTHLY;BYDAY=+3WE;COUNT=4",
    )
    starts = [e.starts_at.astimezone(local(2027, 1, 1).tzinfo) for e in rows]
    assert [s.date() for s in starts] == [
        date(2027, 1, 20),
        date(2027, 2, 17),
        date(2027, 3, 17),
        date(2027, 4, 21),
    ]
    assert all(s.hour == 15 for s in starts)
    second, third = rows[1], rows[2]
    await events.update_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        event_id=second.id,
        patch=EventPatch(starts_at=local(2027, 2, 18, 15), ends_at=local(2027, 2, 18, 16, 30)),
    )
    await events.cancel_event(database=database, outbox=OUTBOX, event_id=third.id, reason="")
    listed = await events.list_events(database=database, series_id=series.id)
    assert [
        (e.starts_at.astimezone(local(2027, 1, 1).tzinfo).date(), e.status) for e, _ in listed
    ] == [
        (date(2027, 1, 20), "planned"),
        (date(2027, 2, 18), "planned"),
        (date(2027, 3, 17), "cancelled"),
        (date(2027, 4, 21), "planned"),
    ]
    with pytest.raises(InvalidInput) as unbounded:
        await events.create_series(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            data=event_in(venue="ДДТ"),
            rrule="FREQ=WEEKLY",
        )
    assert unbounded.value.field == "rrule"
    with pytest.raises(Conflict):  # a clashing series is refused whole
        await events.create_series(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            data=event_in(starts_at=local(2027, 4, 7, 15), ends_at=local(2027, 4, 7, 16)),
            rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=3",
        )
    assert len(await events.list_events(database=database)) == 4


async def test_roadmap_rows_plan_versus_fact(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    async with database.transaction() as session:
        roadmap = Roadmap(
            site_id=uuid4(),
            organisation_id=uuid4(),
            organisation_short_name="СОШ № 1",
            title="Дорожная карта ОСМП СОШ № 1",
            topic="Тема",
            period_start=date(2027, 1, 1),
            period_end=date(2028, 12, 31),
        )
        session.add(roadmap)
    item = lambda title, deadline: RoadmapItemIn(  # noqa: E731
        title=title,
        form="master_class",
        responsible_name="Петрова И. И.",
        deadline=deadline,
        expected_result="Методические рекомендации",
    )
    done = await roadmaps.add_item(
        database=database, roadmap_id=roadmap.id, data=item("Мастер-класс", date(2027, 3, 31))
    )
    late = await roadmaps.add_item(
        database=database, roadmap_id=roadmap.id, data=item("Семинар", date(2027, 2, 1))
    )
    off = await roadmaps.add_item(
        database=database, roadmap_id=roadmap.id, data=item("Дискуссия", date(2027, 6, 1))
    )
    later = await roadmaps.add_item(
        database=database, roadmap_id=roadmap.id, data=item("Конференция", date(2027, 12, 1))
    )
    with pytest.raises(InvalidInput) as outside:
        await roadmaps.add_item(
            database=database, roadmap_id=roadmap.id, data=item("Поздно", date(2030, 1, 1))
        )
    assert outside.value.field == "deadline"
    held = await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(roadmap_item_id=done.id, capacity=None),
    )
    reg = await _register(database, held.id)
    await registrations.mark_attendance(
        database=database,
        outbox=OUTBOX,
        event_id=held.id,
        person_ids=[reg.person_id],
        attended=True,
        now=held.ends_at,
    )
    dropped = await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(
            roadmap_item_id=off.id,
            venue="ДДТ",
            starts_at=local(2027, 5, 5),
            ends_at=local(2027, 5, 5, 17),
        ),
    )
    await events.cancel_event(database=database, outbox=OUTBOX, event_id=dropped.id, reason="")
    rows = await roadmaps.items_with_state(
        database=database, roadmap_id=roadmap.id, today=date(2027, 4, 1)
    )
    assert {i.id: s for i, s, _ in rows} == {
        done.id: "done",
        late.id: "overdue",
        off.id: "cancelled",
        later.id: "planned",
    }
    overdue = await roadmaps.overdue_items(database=database, today=date(2027, 4, 1))
    assert [(r.id, facts[0].id) for r, facts in overdue] == [(roadmap.id, late.id)]
    with pytest.raises(InvalidInput):
        await events.create_event(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            data=event_in(roadmap_item_id=uuid4(), venue="Где-то"),
        )
    count = await _count(database)
    assert count == 2


async def _count(database: Database) -> int:
    async with database.sessions() as session:
        from imc_scheduling.db.models import Event

        return int(await session.scalar(sa.select(sa.func.count()).select_from(Event)) or 0)


async def test_two_events_for_the_same_room_at_once_cannot_both_be_planned(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    planners = [Database(database.url) for _ in range(3)]
    try:
        results = await asyncio.gather(
            *(
                events.create_event(
                    database=db,
                    outbox=OUTBOX,
                    settings=settings,
                    data=event_in(title=f"Семинар {i}"),
                )
                for i, db in enumerate(planners)
            ),
            return_exceptions=True,
        )
    finally:
        for db in planners:
            await db.dispose()
    planned = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(planned), len(refused)) == (1, 2), results
    assert len(await events.list_events(database=database)) == 1
