"""What notifications does with the messages it consumes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import DOCUMENT_GENERATED, ORGANISATION_UPSERTED, Envelope
from imc_notifications.services.notifications import queue_order_email, upsert_recipient
from imc_notifications.settings import NotificationsSettings
from imc_shared.consumer import Consumers, Delivery


def subscribe(consumers: Consumers, *, settings: NotificationsSettings) -> None:
    """Register the notifications subscribers."""

    async def on_organisation_upserted(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await upsert_recipient(session, envelope)

    async def on_document_generated(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await queue_order_email(
            session, envelope, portal_url=settings.portal_url, sender=settings.mail_from_name
        )

    consumers.subscribe(ORGANISATION_UPSERTED, on_organisation_upserted)
    consumers.subscribe(DOCUMENT_GENERATED, on_document_generated)
