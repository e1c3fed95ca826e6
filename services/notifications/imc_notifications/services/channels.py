"""The push channels, each a small adapter behind :class:`Channel`: email over SMTP, the
MAX messenger's bot and outgoing webhooks. (The in-app inbox is written in the same
transaction that queues a notification, so it needs no adapter.)

An adapter raises :class:`PermanentFailure` when retrying cannot help and any other
exception for a temporary failure (retried with backoff).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Protocol
from uuid import UUID

import aiosmtplib
import httpx

from imc_notifications.domain.preferences import TOPICS
from imc_notifications.services.rendering import Tokens, render
from imc_notifications.settings import NotificationsSettings

MAX_TEXT_LIMIT = 4000
"""The MAX Bot API takes at most 4000 characters of text per message."""


class PermanentFailure(Exception):
    """The other side refused for good (SMTP 5xx, HTTP 4xx): do not retry."""


@dataclass(frozen=True)
class Outgoing:
    """One message to push: what the worker hands to a channel."""

    id: UUID
    addressee_id: UUID | None
    email: str
    topic: str
    subject: str
    body: str
    attachment: bytes | None = None
    attachment_name: str | None = None
    max_user_id: int | None = None


class Channel(Protocol):
    """A way to push a message to a person."""

    name: str

    async def send(self, message: Outgoing) -> None:
        """Deliver ``message``; raise on failure (see the module's docstring)."""


def _paragraphs(body: str) -> list[list[str]]:
    return [block.splitlines() for block in body.strip().split("\n\n") if block.strip()]


class EmailChannel:
    """Email over SMTP (STARTTLS or TLS, login from the settings), plain text and HTML."""

    name = "email"

    def __init__(self, settings: NotificationsSettings, tokens: Tokens) -> None:
        self.settings = settings
        self.tokens = tokens

    def build(self, message: Outgoing) -> EmailMessage:
        """The MIME message: plain text and HTML alternatives, the PDF attached."""
        settings = self.settings
        unsubscribe = (
            self.tokens.link(message.addressee_id, message.topic)
            if message.addressee_id is not None and message.topic in TOPICS
            else ""
        )
        context = {
            "subject": message.subject,
            "body": message.body.rstrip(),
            "paragraphs": _paragraphs(message.body),
            "portal_url": settings.portal_url,
            "district_name": settings.district_name,
            "unsubscribe_url": unsubscribe,
            "topic_title": TOPICS.get(message.topic, ""),
        }
        mail = EmailMessage()
        mail["From"] = formataddr((settings.mail_from_name, settings.mail_from))
        mail["To"] = message.email
        mail["Subject"] = message.subject
        mail["Message-ID"] = make_msgid(idstring=str(message.id))
        if unsubscribe:
            mail["List-Unsubscribe"] = f"<{unsubscribe}>"
        mail.set_content(render("email.txt.j2", **context))
        mail.add_alternative(render("email.html.j2", **context), subtype="html")
        if message.attachment is not None:
            mail.add_attachment(
                message.attachment,
                maintype="application",
                subtype="pdf",
                filename=message.attachment_name or "document.pdf",
            )
        return mail

    async def send(self, message: Outgoing) -> None:
        """Send; raise :class:`PermanentFailure` on a 5xx answer."""
        settings = self.settings
        try:
            await aiosmtplib.send(
                self.build(message),
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user or None,
                password=settings.smtp_password or None,
                start_tls=settings.smtp_starttls,
                use_tls=settings.smtp_tls,
                cert_bundle=settings.smtp_ca_file or None,
                timeout=30,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [r.code for r in error.recipients]
            if codes and all(500 <= c < 600 for c in codes):
                raise PermanentFailure("; ".join(str(r) for r in error.recipients)) from error
            raise
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600:
                raise PermanentFailure(f"{error.code} {error.message}") from error
            raise


def _raise_for_http(response: httpx.Response, what: str) -> None:
    if response.is_success:
        return
    detail = f"{what}: HTTP {response.status_code} {response.text[:300]}"
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        raise PermanentFailure(detail)
    raise RuntimeError(detail)


def max_text(message: Outgoing, portal_url: str) -> str:
    """The MAX message: the subject, the gist and the link to read the rest."""
    link = f"\n\nПодробности — на портале: {portal_url}" if portal_url else ""
    first = next(iter(_paragraphs(message.body)[1:2]), [])
    gist = " ".join(first)
    text = f"{message.subject}\n\n{gist}".rstrip()
    room = MAX_TEXT_LIMIT - len(link)
    if len(text) > room:
        text = text[: room - 1] + "…"
    return text + link


class MaxChannel:
    """The district's bot in the MAX messenger: ``POST {max_api_url}/messages?user_id=…``
    with the bot token in the ``Authorization`` header and ``{"text", "notify"}`` JSON."""

    name = "max"

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    async def send(self, message: Outgoing) -> None:
        """Send the short text to the person's MAX user id."""
        if not self.settings.max_bot_token:
            raise PermanentFailure("бот MAX не настроен (IMC_MAX_BOT_TOKEN)")
        if message.max_user_id is None:
            raise PermanentFailure("у адресата не указан идентификатор пользователя MAX")
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                self.settings.max_api_url.rstrip("/") + "/messages",
                params={"user_id": message.max_user_id},
                headers={"Authorization": self.settings.max_bot_token},
                json={"text": max_text(message, self.settings.portal_url), "notify": True},
            )
        _raise_for_http(response, "MAX")


def webhook_signature(secret: str, body: bytes) -> str:
    """The ``X-IMC-Signature`` header value: ``sha256=`` and the HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    """Outgoing webhook: JSON POSTed to the configured URL, signed with HMAC-SHA256.
    ``X-IMC-Delivery`` (the notification id) lets the receiver drop a repeat."""

    name = "webhook"

    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    def payload(self, message: Outgoing) -> bytes:
        """The JSON body."""
        data = {
            "notification_id": str(message.id),
            "addressee_id": str(message.addressee_id) if message.addressee_id else None,
            "topic": message.topic,
            "subject": message.subject,
            "text": message.body,
            "portal_url": self.settings.portal_url,
            "district": self.settings.district,
        }
        return json.dumps(data, ensure_ascii=False).encode()

    async def send(self, message: Outgoing) -> None:
        """POST the signed JSON."""
        if not self.settings.webhook_url:
            raise PermanentFailure("вебхук не настроен (IMC_WEBHOOK_URL)")
        body = self.payload(message)
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                self.settings.webhook_url,
                content=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "X-IMC-Signature": webhook_signature(self.settings.webhook_secret, body),
                    "X-IMC-Delivery": str(message.id),
                },
            )
        _raise_for_http(response, "webhook")
