"""Use cases: keep recipients current, queue the emails a message calls for."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import DocumentGenerated, Envelope, OrganisationUpserted
from imc_notifications.db.models import Notification, Recipient
from imc_notifications.domain.texts import order_issued
from imc_shared.consumer import Rejected


async def upsert_recipient(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember (or update) the contact of an organisation."""
    organisation: OrganisationUpserted = envelope.payload
    recipient = await session.get(Recipient, organisation.organisation_id)
    if recipient is None:
        recipient = Recipient(organisation_id=organisation.organisation_id)
        session.add(recipient)
    recipient.short_name = organisation.short_name
    recipient.email = organisation.email


async def queue_order_email(
    session: AsyncSession, envelope: Envelope[Any], *, portal_url: str, sender: str
) -> Notification | None:
    """Queue the email that sends a new order to its school, with the PDF."""
    document: DocumentGenerated = envelope.payload
    recipient = await session.get(Recipient, document.organisation_id)
    if recipient is None:
        # The registry's message about the organisation has not arrived yet: retry.
        raise LookupError(f"no contact known for organisation {document.organisation_id}")
    pdf = next((f for f in document.files if f.format == "pdf"), None)
    if pdf is None:
        raise Rejected("the document has no PDF to attach")
    duplicate = await session.scalar(
        sa.select(Notification.id).where(
            Notification.cause_id == document.document_id, Notification.email == recipient.email
        )
    )
    if duplicate is not None:
        return None
    text = order_issued(
        document, organisation=recipient.short_name, portal_url=portal_url, sender=sender
    )
    notification = Notification(
        cause_id=document.document_id,
        email=recipient.email,
        subject=text.subject,
        body=text.body,
        attachment_path=pdf.path,
        attachment_name=f"Приказ № {document.number}.pdf",
    )
    session.add(notification)
    return notification


async def list_notifications(session: AsyncSession) -> list[Notification]:
    """The delivery log, newest first."""
    rows = await session.scalars(sa.select(Notification).order_by(Notification.created_at.desc()))
    return list(rows.all())
