"""REGISTRATION_CHANGED: the teacher is told of every status change of their
registration, with the version PARTICIPATION_CHANGED carries — on both databases."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa

from imc_contracts import PARTICIPATION_CHANGED, REGISTRATION_CHANGED, MessageType
from imc_scheduling.api.schemas import EventPatch
from imc_scheduling.db.models import Registration
from imc_scheduling.services import events, registrations
from imc_scheduling.settings import SchedulingSettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

OUTBOX = Outbox(district="yaya", source="scheduling")
BEFORE = datetime(2027, 3, 1, tzinfo=UTC)
DURING = datetime(2027, 3, 17, 8, 10, tzinfo=UTC)  # 15:10 in the district


async def _sent(database: Database, message: MessageType[Any]) -> list[Any]:
    """Payloads of every outbox row of ``message``, oldest first."""
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.body)
            .where(outbox_table.c.routing_key == message.routing_key)
            .order_by(outbox_table.c.created_at, outbox_table.c.id)
        )
        return [message.decode(body).payload for (body,) in rows.all()]


async def _told(database: Database) -> list[tuple[str, int, str, str | None, int | None, str]]:
    """(name, version, status, previous, queue number, reason) of every message sent."""
    return [
        (p.full_name, p.version, p.status, p.previous_status, p.queue_number, p.reason)
        for p in await _sent(database, REGISTRATION_CHANGED)
    ]


async def _register(
    database: Database, event_id: UUID, name: str, person_id: UUID | None = None
) -> Registration:
    row, _ = await registrations.register(
        database=database,
        outbox=OUTBOX,
        event_id=event_id,
        person_id=person_id or uuid4(),
        full_name=name,
        organisation_id=None,
        registered_by="self",
        now=BEFORE,
    )
    return row


async def test_each_status_change_is_told_once_with_the_registrations_version(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in(capacity=1)
    )
    a = await _register(database, event.id, "Андреева")
    b = await _register(database, event.id, "Борисова")
    await _register(database, event.id, "Власова")
    assert await _told(database) == [
        ("Андреева", 1, "confirmed", None, None, ""),
        ("Борисова", 1, "waiting", None, 1, ""),
        ("Власова", 1, "waiting", None, 2, ""),
    ]
    first = (await _sent(database, REGISTRATION_CHANGED))[0]
    assert (first.registration_id, first.person_id, first.event_title, first.venue) == (
        a.id,
        a.person_id,
        event.title,
        "МБОУ «Яйская СОШ № 1», каб. 12",
    )
    assert (first.starts_at, first.form_title) == (event.starts_at, "постоянно действующий семинар")

    await registrations.cancel_registration(
        database=database, outbox=OUTBOX, event_id=event.id, registration_id=a.id, now=BEFORE
    )
    assert (await _told(database))[3:] == [
        ("Андреева", 2, "cancelled", "confirmed", None, ""),
        ("Борисова", 2, "confirmed", "waiting", None, ""),
    ]
    # Attendance and a change of hours are no status changes: nobody is told.
    await registrations.mark_attendance(
        database=database,
        outbox=OUTBOX,
        event_id=event.id,
        person_ids=[b.person_id],
        attended=True,
        now=DURING,
    )
    await events.update_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        event_id=event.id,
        patch=EventPatch(hours=3, capacity=2),
    )
    assert (await _told(database))[5:] == [("Власова", 2, "confirmed", "waiting", None, "")]

    a_again = await _register(database, event.id, "Андреева", a.person_id)
    await events.cancel_event(
        database=database, outbox=OUTBOX, event_id=event.id, reason="болезнь лектора"
    )
    cancelled = "Мероприятие отменено: болезнь лектора"
    assert (await _told(database))[6:] == [
        ("Андреева", 3, "waiting", "cancelled", 1, ""),
        ("Борисова", 5, "cancelled", "confirmed", None, cancelled),
        ("Власова", 3, "cancelled", "confirmed", None, cancelled),
        ("Андреева", 4, "cancelled", "waiting", None, cancelled),
    ]
    assert a_again.id == a.id  # the cancelled registration was taken up again
    # Every version told is the one PARTICIPATION_CHANGED carries for the same change.
    participation = {
        (p.registration_id, p.version) for p in await _sent(database, PARTICIPATION_CHANGED)
    }
    told = {(p.registration_id, p.version) for p in await _sent(database, REGISTRATION_CHANGED)}
    assert told <= participation
