"""The durable reminder scheduler: exactly once, across crashes, workers and downtime."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from imc_scheduling.api.schemas import EventPatch
from imc_scheduling.db.models import Reminder, ReminderNotice
from imc_scheduling.services import events, registrations
from imc_scheduling.services.reminders import ReminderScheduler
from imc_scheduling.settings import SchedulingSettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox

OUTBOX = Outbox(district="yaya", source="scheduling")

BEFORE = datetime(2027, 3, 1, tzinfo=UTC)


class Killed(RuntimeError):
    """The scheduler «dies» after claiming, before sending."""


async def _notices(database: Database) -> list[tuple[UUID, UUID, str]]:
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(ReminderNotice.event_id, ReminderNotice.person_id, ReminderNotice.text)
        )
        return [(r[0], r[1], r[2]) for r in rows.all()]


async def _event_with_participants(
    database: Database, settings: SchedulingSettings, event_in: Any, **overrides: object
) -> tuple[UUID, list[UUID]]:
    event = await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(capacity=None, **overrides),
    )
    people = []
    for name in ("Андреева", "Борисова"):
        row, _ = await registrations.register(
            database=database,
            outbox=OUTBOX,
            event_id=event.id,
            person_id=uuid4(),
            full_name=name,
            organisation_id=None,
            registered_by="self",
            now=BEFORE,
        )
        people.append(row.person_id)
    return event.id, people


async def test_killed_between_due_and_sent_then_exactly_one_reminder(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    event_id, people = await _event_with_participants(database, settings, event_in)
    due = local(2027, 3, 16, 15, 1)  # a day before 17.03 15:00, and a minute
    assert await ReminderScheduler(database, settings).run_once(now=due - timedelta(hours=1)) == 0

    async def die(claimed: list[UUID]) -> None:
        assert len(claimed) == 1
        raise Killed

    with pytest.raises(Killed):
        await ReminderScheduler(database, settings, after_claim=die).run_once(now=due)
    assert await _notices(database) == []
    # restarted (a new process, a new connection pool) an hour later: catches up
    restarted = Database(database.url)
    try:
        assert (
            await ReminderScheduler(restarted, settings).run_once(now=due + timedelta(hours=1)) == 1
        )
        assert (
            await ReminderScheduler(restarted, settings).run_once(now=due + timedelta(hours=2)) == 0
        )
    finally:
        await restarted.dispose()
    notices = await _notices(database)
    assert sorted(p for _, p, _ in notices) == sorted(people)
    assert all(e == event_id for e, _, _ in notices)
    assert "17.03.2027 15:00–16:30" in notices[0][2]
    assert "постоянно действующий семинар" in notices[0][2]


async def test_two_workers_at_once_send_each_reminder_once(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    first, _ = await _event_with_participants(database, settings, event_in)
    second, _ = await _event_with_participants(
        database,
        settings,
        event_in,
        venue="ДДТ",
        starts_at=local(2027, 3, 17, 10),
        ends_at=local(2027, 3, 17, 11),
    )
    workers = [Database(database.url) for _ in range(3)]
    due = local(2027, 3, 16, 16)
    try:
        sent = await asyncio.gather(
            *(ReminderScheduler(db, settings).run_once(now=due) for db in workers)
        )
    finally:
        for db in workers:
            await db.dispose()
    assert sum(sent) == 2
    notices = await _notices(database)
    assert len(notices) == 4
    assert {e for e, _, _ in notices} == {first, second}


async def test_moved_cancelled_and_too_late_reminders(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    moved, _ = await _event_with_participants(database, settings, event_in)
    cancelled, _ = await _event_with_participants(database, settings, event_in, venue="ДДТ")
    await events.update_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        event_id=moved,
        patch=EventPatch(starts_at=local(2027, 3, 24, 15), ends_at=local(2027, 3, 24, 16)),
    )
    await events.cancel_event(database=database, outbox=OUTBOX, event_id=cancelled, reason="")
    scheduler = ReminderScheduler(database, settings)
    assert await scheduler.run_once(now=local(2027, 3, 16, 16)) == 0  # moved a week on
    # the scheduler was down for the whole week: the event began before it came back
    assert await scheduler.run_once(now=local(2027, 3, 24, 15, 30)) == 0
    async with database.sessions() as session:
        outcomes = dict(
            (await session.execute(sa.select(Reminder.event_id, Reminder.outcome))).all()
        )
    assert outcomes == {moved: "missed", cancelled: "cancelled"}
    assert await _notices(database) == []


async def test_a_running_service_publishes_the_reminder_through_the_outbox(
    database: Database,
    settings: SchedulingSettings,
    event_in: Any,
    local: Any,
) -> None:
    from imc_contracts import EVENT_REMINDER
    from imc_scheduling.services.reminders import publishing_sender
    from imc_shared.outbox import Outbox
    from imc_shared.tables import outbox as outbox_table

    event_id, people = await _event_with_participants(database, settings, event_in)
    sender = publishing_sender(Outbox(district=settings.district, source="scheduling"))
    scheduler = ReminderScheduler(database, settings, send=sender)
    assert await scheduler.run_once(now=local(2027, 3, 16, 15, 1)) == 1
    assert await scheduler.run_once(now=local(2027, 3, 16, 16, 0)) == 0
    async with database.sessions() as session:
        rows = (
            await session.execute(
                sa.select(outbox_table.c.routing_key, outbox_table.c.body).where(
                    outbox_table.c.routing_key == EVENT_REMINDER.routing_key
                )
            )
        ).all()
    assert [r[0] for r in rows] == [EVENT_REMINDER.routing_key]
    payload = EVENT_REMINDER.decode(rows[0][1]).payload
    assert payload.event_id == event_id
    assert sorted(r.person_id for r in payload.recipients) == sorted(people)
    assert "17.03.2027 15:00–16:30" in payload.text
