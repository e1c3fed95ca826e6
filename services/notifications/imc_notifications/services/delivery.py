"""Sending queued emails over SMTP, with retries on temporary failures.

A notification is committed as ``queued`` before anything is sent; this worker sends
and then marks it ``sent``. The only window for a duplicate is a crash between the
SMTP server's acceptance and that mark.
"""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import aiosmtplib
import httpx
import sqlalchemy as sa
import structlog

from imc_notifications.db.models import Notification
from imc_notifications.domain.texts import backoff_seconds
from imc_notifications.settings import NotificationsSettings
from imc_shared.db import Database

log = structlog.get_logger(__name__)


class PermanentFailure(Exception):
    """The server refused for good (5xx): do not retry."""


class Mailer:
    """Builds and sends one email through the configured SMTP server."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    def build(self, notification: Notification, attachment: bytes | None) -> EmailMessage:
        """The MIME message of ``notification``."""
        message = EmailMessage()
        message["From"] = formataddr((self.settings.mail_from_name, self.settings.mail_from))
        message["To"] = notification.email
        message["Subject"] = notification.subject
        message["Message-ID"] = make_msgid(idstring=str(notification.id))
        message.set_content(notification.body)
        if attachment is not None:
            message.add_attachment(
                attachment,
                maintype="application",
                subtype="pdf",
                filename=notification.attachment_name or "document.pdf",
            )
        return message

    async def send(self, message: EmailMessage) -> None:
        """Send; raise :class:`PermanentFailure` on a 5xx answer."""
        settings = self.settings
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user or None,
                password=settings.smtp_password or None,
                start_tls=settings.smtp_starttls,
                use_tls=settings.smtp_tls,
                timeout=30,
            )
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600:
                raise PermanentFailure(f"{error.code} {error.message}") from error
            raise


class DeliveryWorker:
    """Sends due notifications; woken after each commit, polls otherwise."""

    def __init__(self, database: Database, settings: NotificationsSettings) -> None:
        self.database = database
        self.settings = settings
        self.mailer = Mailer(settings)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look for due notifications now."""
        self._wake.set()

    def start(self) -> None:
        """Start sending in the background."""
        self._task = asyncio.create_task(self._run(), name="mail-delivery")

    async def stop(self) -> None:
        """Stop sending."""
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            try:
                while await self.deliver_due():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("delivery loop failed, will retry", error=str(error))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=2.0)

    async def deliver_due(self) -> int:
        """Send every due notification once; return how many were tried."""
        now = datetime.now(UTC)
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
            await self._deliver(notification)
        return len(due)

    async def _deliver(self, notification: Notification) -> None:
        bound = log.bind(notification_id=str(notification.id), email=notification.email)
        try:
            attachment = await self._attachment(notification)
            await self.mailer.send(self.mailer.build(notification, attachment))
        except PermanentFailure as error:
            await self._record(notification, status="failed", error=str(error))
            bound.error("email refused permanently", error=str(error))
            return
        except Exception as error:
            attempts = notification.attempts + 1
            final = attempts >= self.settings.max_attempts
            await self._record(
                notification,
                status="failed" if final else "queued",
                error=repr(error),
                delay=backoff_seconds(attempts),
            )
            bound.warning("email not sent", attempt=attempts, final=final, error=repr(error))
            return
        await self._record(notification, status="sent")
        bound.info("email sent")

    async def _attachment(self, notification: Notification) -> bytes | None:
        if not notification.attachment_path:
            return None
        url = self.settings.documents_url.rstrip("/") + notification.attachment_path
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.content

    async def _record(
        self,
        notification: Notification,
        *,
        status: str,
        error: str | None = None,
        delay: float = 0.0,
    ) -> None:
        now = datetime.now(UTC)
        values: dict[str, object] = {"status": status, "attempts": Notification.attempts + 1}
        if status == "sent":
            values["sent_at"] = now
        if error is not None:
            values["last_error"] = error[:2000]
            values["next_attempt_at"] = now + timedelta(seconds=delay)
        async with self.database.sessions() as session, session.begin():
            await session.execute(
                sa.update(Notification).where(Notification.id == notification.id).values(values)
            )
