"""Pushing queued notifications through their channels, with retries, a per-recipient
rate limit, digests and a delivery log.

A notification is committed as ``queued`` before anything is sent. The worker then
commits ``sending``, calls the channel, and commits ``sent``. The only window for a
duplicate is a crash after the other side accepted the message and before ``sent`` is
committed (for SMTP: between the server's ``250`` to the DATA and our commit — SMTP has no
way to ask a server later whether it took a message). On restart a ``sending`` row is
therefore *uncertain*: an email or a MAX message is NOT resent (a person may miss one
message rather than get two; the log shows ``uncertain`` and an operator can resend),
while a webhook is resent, because its ``X-IMC-Delivery`` header lets the receiver drop
the repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_notifications.db.models import DeliveryEvent, Notification, Person
from imc_notifications.domain.preferences import PUSH_CHANNELS, TOPICS, rate_limited_until
from imc_notifications.domain.recipients import cause_key
from imc_notifications.domain.texts import backoff_seconds, format_date
from imc_notifications.services.channels import (
    Channel,
    EmailChannel,
    MaxChannel,
    Outgoing,
    PermanentFailure,
    WebhookChannel,
)
from imc_notifications.services.rendering import Tokens, render, signature
from imc_notifications.settings import NotificationsSettings
from imc_shared.auth import service_auth
from imc_shared.db import Database

log = structlog.get_logger(__name__)

RESENT_AFTER_CRASH = frozenset({"webhook"})
"""Channels whose receiver drops repeats, so a ``sending`` row is safe to send again."""


def add_event(session: AsyncSession, notification_id: UUID, status: str, detail: str = "") -> None:
    """Append a line to a notification's delivery log."""
    session.add(
        DeliveryEvent(
            notification_id=notification_id,
            status=status,
            detail=detail[:2000],
            at=datetime.now(UTC),
        )
    )


class DeliveryWorker:
    """Sends due notifications; woken after each commit, polls otherwise."""

    def __init__(
        self,
        database: Database,
        settings: NotificationsSettings,
        channels: Sequence[Channel] | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.tokens = Tokens(settings)
        chosen = channels or (
            EmailChannel(settings, self.tokens),
            MaxChannel(settings),
            WebhookChannel(settings),
        )
        self.channels: dict[str, Channel] = {c.name: c for c in chosen}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look for due notifications now."""
        self._wake.set()

    def start(self) -> None:
        """Start sending in the background."""
        self._task = asyncio.create_task(self._run(), name="notification-delivery")

    async def stop(self) -> None:
        """Stop sending."""
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        recovered = False
        while True:
            try:
                if not recovered:
                    await self.recover()
                    recovered = True
                await self.run_digests()
                while await self.deliver_due():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("delivery loop failed, will retry", error=str(error))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=2.0)

    # --- after a crash -------------------------------------------------------------

    async def recover(self) -> int:
        """Settle the rows a previous process left ``sending``; return how many."""
        async with self.database.transaction() as session:
            rows = (
                await session.scalars(
                    sa.select(Notification).where(Notification.status == "sending")
                )
            ).all()
            for row in rows:
                if row.channel in RESENT_AFTER_CRASH:
                    row.status = "queued"
                    add_event(
                        session,
                        row.id,
                        "retried",
                        "Служба остановилась во время отправки; сообщение отправляется повторно "
                        "(получатель отбрасывает повтор по заголовку X-IMC-Delivery).",
                    )
                else:
                    row.status = "uncertain"
                    add_event(
                        session,
                        row.id,
                        "uncertain",
                        "Служба остановилась во время отправки: неизвестно, принял ли сервер "
                        "сообщение. Повторно не отправляется, чтобы не прислать его дважды; "
                        "при необходимости отправьте вручную.",
                    )
        return len(rows)

    # --- sending -------------------------------------------------------------------

    async def deliver_due(self, now: datetime | None = None) -> int:
        """Try every due notification once; return how many were tried."""
        now = now or datetime.now(UTC)
        async with self.database.sessions() as session:
            due = (
                await session.scalars(
                    sa.select(Notification)
                    .where(Notification.status == "queued", Notification.next_attempt_at <= now)
                    .order_by(Notification.created_at)
                    .limit(20)
                )
            ).all()
        for notification in due:
            await self._deliver(notification, now)
        return len(due)

    async def _deferred(self, notification: Notification, now: datetime) -> bool:
        """Hold back a push over the recipient's hourly limit; ``True`` if deferred."""
        if notification.channel not in PUSH_CHANNELS:
            return False
        async with self.database.transaction() as session:
            recent = (
                await session.scalars(
                    sa.select(Notification.sent_at).where(
                        Notification.email == notification.email,
                        Notification.sent_at > now - timedelta(hours=1),
                        Notification.channel.in_(PUSH_CHANNELS),
                    )
                )
            ).all()
            until = rate_limited_until(
                [_aware(t) for t in recent if t is not None],
                limit=self.settings.rate_limit_per_hour,
                now=now,
            )
            if until is None:
                return False
            await session.execute(
                sa.update(Notification)
                .where(Notification.id == notification.id)
                .values(next_attempt_at=until)
            )
            add_event(
                session,
                notification.id,
                "deferred",
                f"Превышен предел {self.settings.rate_limit_per_hour} сообщений в час "
                f"для получателя; отправка отложена до {until:%d.%m.%Y %H:%M} UTC.",
            )
        return True

    async def _claim(self, notification: Notification) -> bool:
        """Commit ``sending`` (only if still queued)."""
        async with self.database.transaction() as session:
            result = await session.execute(
                sa.update(Notification)
                .where(Notification.id == notification.id, Notification.status == "queued")
                .values(status="sending")
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return False
            add_event(session, notification.id, "sending", f"канал: {notification.channel}")
        return True

    async def _deliver(self, notification: Notification, now: datetime) -> None:
        bound = log.bind(notification_id=str(notification.id), channel=notification.channel)
        channel = self.channels.get(notification.channel)
        if channel is None:
            await self._failed(notification, f"канал «{notification.channel}» не подключён")
            return
        if await self._deferred(notification, now):
            bound.info("notification deferred by the rate limit")
            return
        try:
            message = await self._outgoing(notification)
        except Exception as error:
            await self._retry(notification, f"вложение не получено: {error!r}")
            return
        if not await self._claim(notification):
            return
        try:
            await channel.send(message)
        except PermanentFailure as error:
            await self._failed(notification, str(error))
            bound.error("notification refused permanently", error=str(error))
            return
        except Exception as error:
            await self._retry(notification, repr(error))
            bound.warning("notification not sent", error=repr(error))
            return
        await self.mark_sent(notification)
        bound.info("notification sent")

    async def _outgoing(self, notification: Notification) -> Outgoing:
        attachment = None
        if notification.channel == "email" and notification.attachment_path:
            url = self.settings.documents_url.rstrip("/") + notification.attachment_path
            auth = service_auth(
                self.settings.auth_signing_key, self.settings.service, self.settings.district
            )
            async with httpx.AsyncClient(timeout=30, auth=auth) as client:
                response = await client.get(url)
                response.raise_for_status()
                attachment = response.content
        max_user_id = None
        if notification.channel == "max" and notification.addressee_id is not None:
            async with self.database.sessions() as session:
                person = await session.get(Person, notification.addressee_id)
                max_user_id = person.max_user_id if person else None
        return Outgoing(
            id=notification.id,
            addressee_id=notification.addressee_id,
            email=notification.email,
            topic=notification.topic,
            subject=notification.subject,
            body=notification.body,
            attachment=attachment,
            attachment_name=notification.attachment_name,
            max_user_id=max_user_id,
        )

    async def mark_sent(self, notification: Notification) -> None:
        """Commit ``sent`` right after the channel accepted the message."""
        now = datetime.now(UTC)
        async with self.database.transaction() as session:
            await session.execute(
                sa.update(Notification)
                .where(Notification.id == notification.id)
                .values(status="sent", sent_at=now, attempts=Notification.attempts + 1)
            )
            add_event(session, notification.id, "sent")

    async def _failed(self, notification: Notification, error: str) -> None:
        async with self.database.transaction() as session:
            await session.execute(
                sa.update(Notification)
                .where(Notification.id == notification.id)
                .values(
                    status="failed", last_error=error[:2000], attempts=Notification.attempts + 1
                )
            )
            add_event(session, notification.id, "failed", error)

    async def _retry(self, notification: Notification, error: str) -> None:
        attempts = notification.attempts + 1
        if attempts >= self.settings.max_attempts:
            await self._failed(notification, f"попыток: {attempts}; последняя ошибка: {error}")
            return
        delay = backoff_seconds(attempts)
        async with self.database.transaction() as session:
            await session.execute(
                sa.update(Notification)
                .where(Notification.id == notification.id)
                .values(
                    status="queued",
                    attempts=attempts,
                    last_error=error[:2000],
                    next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
                )
            )
            add_event(
                session,
                notification.id,
                "retry",
                f"временная ошибка (попытка {attempts}): {error}; повтор через {delay:.0f} с",
            )

    # --- digests -------------------------------------------------------------------

    async def run_digests(self, now: datetime | None = None) -> list[UUID]:
        """Collect the held notifications whose digest is due into one message per
        (addressee, channel, topic); return the ids of the digests queued."""
        now = now or datetime.now(UTC)
        created: list[UUID] = []
        async with self.database.transaction() as session:
            held = (
                await session.scalars(
                    sa.select(Notification)
                    .where(Notification.status == "held", Notification.next_attempt_at <= now)
                    .order_by(Notification.created_at)
                )
            ).all()
            groups: dict[tuple[object, ...], list[Notification]] = {}
            for row in held:
                key = (row.addressee_id, row.channel, row.topic, row.email)
                groups.setdefault(key, []).append(row)
            for (addressee_id, channel, topic, email), rows in groups.items():
                digest = self._digest(rows, now)
                digest.addressee_id = addressee_id  # type: ignore[assignment]
                digest.channel = str(channel)
                digest.topic = str(topic)
                digest.email = str(email)
                session.add(digest)
                await session.flush()
                add_event(session, digest.id, "queued", f"сводка из {len(rows)} уведомлений")
                for row in rows:
                    row.status = "digested"
                    row.digest_id = digest.id
                    add_event(session, row.id, "digested", f"включено в сводку {digest.id}")
                created.append(digest.id)
        if created:
            log.info("digests queued", count=len(created))
        return created

    def _digest(self, rows: list[Notification], now: datetime) -> Notification:
        topic = rows[0].topic
        title = TOPICS.get(topic, "")
        count = len(rows)
        intro = (
            f"Сводка уведомлений{f' по теме «{title}»' if title else ''} "
            f"на {format_date(now.date())}: новых уведомлений — {count}."
        )
        items = [{"subject": r.subject, "when": f"{_aware(r.created_at):%d.%m.%Y}"} for r in rows]
        body = render(
            "digest.txt.j2",
            intro=intro,
            items=items,
            portal_url=self.settings.portal_url,
            sender=signature(self.settings),
        )
        return Notification(
            cause_id=cause_key("digest", *sorted(str(r.id) for r in rows)),
            subject=f"Сводка уведомлений{f': {title}' if title else ''} ({count})",
            body=body,
            status="queued",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
