"""Use cases of the people notified: their in-app inbox, their preferences, unsubscribing."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_notifications.db.models import DeliveryEvent, InboxItem, Notification, Person, Preference
from imc_notifications.domain.preferences import CADENCES, CHANNELS, DEFAULT, TOPICS, Choice
from imc_notifications.services.rendering import Unsubscribe
from imc_shared.errors import InvalidInput, NotFound

# --- inbox -----------------------------------------------------------------------


async def inbox(
    session: AsyncSession, addressee_id: UUID, *, limit: int = 50
) -> tuple[int, list[InboxItem]]:
    """The unread count and the newest items of one inbox."""
    unread = await session.scalar(
        sa.select(sa.func.count())
        .select_from(InboxItem)
        .where(InboxItem.addressee_id == addressee_id, InboxItem.read_at.is_(None))
    )
    rows = await session.scalars(
        sa.select(InboxItem)
        .where(InboxItem.addressee_id == addressee_id)
        .order_by(InboxItem.created_at.desc(), InboxItem.id.desc())
        .limit(limit)
    )
    return int(unread or 0), list(rows.all())


async def mark_read(session: AsyncSession, item_id: UUID, addressee_id: UUID) -> InboxItem:
    """Mark one item read (again is fine); it must be in that person's inbox."""
    item = await session.get(InboxItem, item_id)
    if item is None or item.addressee_id != addressee_id:
        raise NotFound("Уведомление не найдено в личном кабинете", field="item_id")
    if item.read_at is None:
        item.read_at = datetime.now(UTC)
    return item


async def mark_all_read(session: AsyncSession, addressee_id: UUID) -> int:
    """Mark every unread item of an inbox read; return how many."""
    result = await session.execute(
        sa.update(InboxItem)
        .where(InboxItem.addressee_id == addressee_id, InboxItem.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- preferences -----------------------------------------------------------------


async def preferences(session: AsyncSession, addressee_id: UUID) -> dict[str, Choice]:
    """Every topic's choice of one addressee (the default where none was made)."""
    rows = await session.scalars(
        sa.select(Preference).where(Preference.addressee_id == addressee_id)
    )
    stated = {r.topic: Choice(channel=r.channel, cadence=r.cadence) for r in rows}
    return {topic: stated.get(topic, DEFAULT) for topic in TOPICS}


async def set_preference(
    session: AsyncSession, addressee_id: UUID, topic: str, channel: str, cadence: str
) -> Choice:
    """Set how ``addressee_id`` hears about ``topic``."""
    if topic not in TOPICS:
        raise InvalidInput(
            "Неизвестная тема уведомлений; допустимы: " + ", ".join(TOPICS), field="topic"
        )
    if channel not in CHANNELS:
        raise InvalidInput(
            "Неизвестный канал уведомлений; допустимы: " + ", ".join(CHANNELS), field="channel"
        )
    if cadence not in CADENCES:
        raise InvalidInput(
            "Неизвестная периодичность; допустимы: " + ", ".join(CADENCES), field="cadence"
        )
    if channel == "max":
        person = await session.get(Person, addressee_id)
        if person is None or person.max_user_id is None:
            raise InvalidInput(
                "Чтобы получать уведомления в MAX, сначала укажите идентификатор пользователя MAX",
                field="channel",
            )
    row = await session.get(Preference, (addressee_id, topic))
    if row is None:
        row = Preference(addressee_id=addressee_id, topic=topic)
        session.add(row)
    row.channel = channel
    row.cadence = cadence
    row.updated_at = datetime.now(UTC)
    return Choice(channel=channel, cadence=cadence)


async def set_max_user(session: AsyncSession, person_id: UUID, max_user_id: int | None) -> Person:
    """Remember (or forget) a person's MAX user id."""
    person = await session.get(Person, person_id)
    if person is None:
        raise NotFound("Сотрудник не найден", field="person_id")
    if max_user_id is not None and max_user_id <= 0:
        raise InvalidInput(
            "Идентификатор пользователя MAX — положительное число", field="max_user_id"
        )
    person.max_user_id = max_user_id
    return person


async def unsubscribe(session: AsyncSession, request: Unsubscribe) -> None:
    """Mute the topic the token names (keeping the chosen channel)."""
    row = await session.get(Preference, (request.addressee_id, request.topic))
    if row is None:
        row = Preference(
            addressee_id=request.addressee_id, topic=request.topic, channel=DEFAULT.channel
        )
        session.add(row)
    row.cadence = "mute"
    row.updated_at = datetime.now(UTC)


# --- delivery log ----------------------------------------------------------------


async def notification_log(
    session: AsyncSession, notification_id: UUID
) -> tuple[Notification, list[DeliveryEvent]]:
    """One notification and its delivery log, oldest line first."""
    notification = await session.get(Notification, notification_id)
    if notification is None:
        raise NotFound("Уведомление не найдено", field="notification_id")
    events = await session.scalars(
        sa.select(DeliveryEvent)
        .where(DeliveryEvent.notification_id == notification_id)
        .order_by(DeliveryEvent.id)
    )
    return notification, list(events.all())


async def resend(session: AsyncSession, notification_id: UUID) -> Notification:
    """Queue an ``uncertain`` or ``failed`` notification again (an operator's decision)."""
    from imc_notifications.services.delivery import add_event

    notification = await session.get(Notification, notification_id)
    if notification is None:
        raise NotFound("Уведомление не найдено", field="notification_id")
    if notification.status not in ("uncertain", "failed"):
        raise InvalidInput(
            "Повторно отправить можно только уведомление с неизвестным исходом или не доставленное",
            field="status",
        )
    notification.status = "queued"
    notification.next_attempt_at = datetime.now(UTC)
    add_event(session, notification.id, "retried", "повторная отправка по решению оператора")
    return notification
