"""The durable reminder scheduler: due work lives in the ``reminders`` table.

Each pass claims due reminders and sends them in ONE transaction: on PostgreSQL the rows
are taken with ``SELECT … FOR UPDATE SKIP LOCKED`` (another worker skips them), on SQLite
the claim is an ``UPDATE`` of ``claimed_by`` that takes the database's write lock (another
worker waits, then finds them sent). Sending writes rows in the same transaction, so a
crash between claim and send rolls the claim back and the next pass (of any worker, after
any downtime) sends the reminder exactly once. Reminders whose event has already started
are closed as ``missed``; those of cancelled events as ``cancelled``.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import EVENT_REMINDER, EventReminder, ReminderRecipient
from imc_scheduling.db.models import Event, Registration, Reminder, ReminderNotice
from imc_scheduling.domain.events import EVENT_FORM_TITLES, period_text
from imc_scheduling.settings import SchedulingSettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)

Sender = Callable[
    [AsyncSession, Reminder, Event, Sequence[Registration], ZoneInfo], Awaitable[None]
]
AfterClaim = Callable[[list[UUID]], Awaitable[None]]


def reminder_text(event: Event, zone: ZoneInfo) -> str:
    """The Russian text of a day-before reminder."""
    place = event.venue or event.online_url
    form = EVENT_FORM_TITLES.get(event.form, event.form)
    return (
        f"Напоминаем: {period_text(event.starts_at, event.ends_at, zone)} — {form} "
        f"«{event.title}». Место проведения: {place}."
    )


async def send_reminder(
    session: AsyncSession,
    reminder: Reminder,
    event: Event,
    recipients: Sequence[Registration],
    zone: ZoneInfo,
) -> None:
    """Record one notice per participant in the caller's transaction (no message)."""
    text = reminder_text(event, zone)
    for registration in recipients:
        session.add(
            ReminderNotice(
                reminder_id=reminder.id,
                event_id=event.id,
                person_id=registration.person_id,
                full_name=registration.full_name,
                text=text,
            )
        )


def publishing_sender(outbox: Outbox) -> Sender:
    """The sending hook of a running service: the notices, and ``scheduling.event.reminder``
    through the outbox in the same transaction (notifications reaches the people)."""

    async def send(
        session: AsyncSession,
        reminder: Reminder,
        event: Event,
        recipients: Sequence[Registration],
        zone: ZoneInfo,
    ) -> None:
        await send_reminder(session, reminder, event, recipients, zone)
        if not recipients:
            return
        await outbox.put(
            session,
            EVENT_REMINDER,
            EventReminder(
                reminder_id=reminder.id,
                event_id=event.id,
                title=event.title,
                form_title=EVENT_FORM_TITLES.get(event.form, event.form),
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                venue=event.venue or "",
                online_url=event.online_url or "",
                text=reminder_text(event, zone),
                recipients=tuple(
                    ReminderRecipient(person_id=r.person_id, full_name=r.full_name)
                    for r in recipients
                ),
            ),
        )

    return send


class ReminderScheduler:
    """Sends due reminders; any number of workers may run at once."""

    def __init__(
        self,
        database: Database,
        settings: SchedulingSettings,
        *,
        send: Sender = send_reminder,
        after_claim: AfterClaim | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.zone = ZoneInfo(settings.time_zone)
        self.send = send
        self.after_claim = after_claim
        self.worker_id = uuid4().hex[:16]
        self._task: asyncio.Task[None] | None = None

    async def _claim(self, session: AsyncSession, now: datetime) -> list[UUID]:
        due = (
            sa.select(Reminder.id)
            .where(Reminder.sent_at.is_(None), Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(self.settings.reminder_batch_size)
        )
        claim = uuid4().hex[:16]
        if self.database.is_sqlite:
            await session.execute(
                sa.update(Reminder)
                .where(Reminder.id.in_(due.scalar_subquery()), Reminder.sent_at.is_(None))
                .values(claimed_by=claim, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            rows = await session.scalars(
                sa.select(Reminder.id).where(
                    Reminder.claimed_by == claim, Reminder.sent_at.is_(None)
                )
            )
            return list(rows.all())
        ids = list((await session.scalars(due.with_for_update(skip_locked=True))).all())
        if ids:
            await session.execute(
                sa.update(Reminder)
                .where(Reminder.id.in_(ids))
                .values(claimed_by=claim, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
        return ids

    async def run_once(self, now: datetime | None = None) -> int:
        """One pass; returns how many reminders were sent."""
        moment = now or datetime.now(UTC)
        sent = 0
        async with self.database.transaction() as session:
            ids = await self._claim(session, moment)
            if self.after_claim is not None:
                await self.after_claim(ids)
            for reminder_id in ids:
                reminder = await session.get(Reminder, reminder_id, populate_existing=True)
                assert reminder is not None
                event = await session.get(Event, reminder.event_id)
                assert event is not None
                if event.status == "cancelled":
                    reminder.outcome = "cancelled"
                elif event.starts_at <= moment:
                    reminder.outcome = "missed"
                else:
                    recipients = (
                        await session.scalars(
                            sa.select(Registration)
                            .where(
                                Registration.event_id == event.id,
                                Registration.status == "confirmed",
                            )
                            .order_by(Registration.queue_number)
                        )
                    ).all()
                    await self.send(session, reminder, event, recipients, self.zone)
                    reminder.outcome = "sent"
                    sent += 1
                reminder.sent_at = moment
            await session.flush()
        if ids:
            log.info("reminders processed", claimed=len(ids), sent=sent, worker=self.worker_id)
        return sent

    async def _loop(self) -> None:
        while True:
            try:
                while await self.run_once() >= self.settings.reminder_batch_size:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder pass failed; retrying at the next interval")
            await asyncio.sleep(self.settings.reminder_poll_seconds)

    def start(self) -> None:
        """Start in the background (the first pass catches up after downtime)."""
        self._task = asyncio.create_task(self._loop(), name="reminder-scheduler")

    async def stop(self) -> None:
        """Stop; due reminders stay in the table for the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
