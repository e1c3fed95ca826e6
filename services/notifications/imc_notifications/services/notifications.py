"""Use cases: keep the read models of contacts current, queue the emails a message calls
for. Each email is queued once per (cause, address); the delivery worker sends it."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    ApplicationReturned,
    DecisionMade,
    DocumentGenerated,
    Envelope,
    OrganisationUpserted,
    PersonUpserted,
    ReportDue,
    SiteExpired,
    SiteExpiring,
)
from imc_notifications.db.models import Notification, Person, Recipient
from imc_notifications.domain import texts
from imc_notifications.domain.recipients import (
    NO_ORGANISATION,
    cause_key,
    decision_addresses,
    site_addresses,
    unique_addresses,
)
from imc_notifications.domain.texts import Text
from imc_shared.consumer import Rejected

log = structlog.get_logger(__name__)


class Letters:
    """What every email shares: where people read more, and who signs."""

    def __init__(self, *, portal_url: str, sender: str) -> None:
        self.portal_url = portal_url
        self.sender = sender


# --- read models -----------------------------------------------------------------


async def upsert_recipient(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember (or update) the contact of an organisation."""
    organisation: OrganisationUpserted = envelope.payload
    recipient = await session.get(Recipient, organisation.organisation_id)
    if recipient is None:
        recipient = Recipient(organisation_id=organisation.organisation_id)
        session.add(recipient)
    recipient.short_name = organisation.short_name
    recipient.email = organisation.email


async def upsert_person(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember (or update) the contact of a person (only the fields the registry shares)."""
    data: PersonUpserted = envelope.payload
    person = await session.get(Person, data.person_id)
    if person is None:
        person = Person(person_id=data.person_id)
        session.add(person)
    person.full_name = data.full_name
    person.email = data.email
    person.organisation_id = data.organisation_id
    person.archived = data.archived


async def _school(session: AsyncSession, organisation_id: UUID) -> Recipient:
    recipient = await session.get(Recipient, organisation_id)
    if recipient is None:
        # The registry's message about the organisation has not arrived yet: retry.
        raise LookupError(f"no contact known for organisation {organisation_id}")
    return recipient


async def _person_email(session: AsyncSession, person_id: UUID | None) -> str | None:
    """A person's address, or ``None`` (no id, unknown, archived or no email)."""
    if person_id is None:
        return None
    person = await session.get(Person, person_id)
    if person is None or person.archived or not person.email:
        log.info("person not reachable by email, skipped", person_id=str(person_id))
        return None
    return person.email


async def _queue(
    session: AsyncSession,
    cause_id: UUID,
    addresses: Sequence[str],
    text: Text,
    *,
    attachment_path: str | None = None,
    attachment_name: str | None = None,
) -> list[Notification]:
    """Queue ``text`` to each address that has not had it for ``cause_id`` yet."""
    queued: list[Notification] = []
    for address in addresses:
        duplicate = await session.scalar(
            sa.select(Notification.id).where(
                Notification.cause_id == cause_id, Notification.email == address
            )
        )
        if duplicate is not None:
            continue
        notification = Notification(
            cause_id=cause_id,
            email=address,
            subject=text.subject,
            body=text.body,
            attachment_path=attachment_path,
            attachment_name=attachment_name,
        )
        session.add(notification)
        queued.append(notification)
    await session.flush()
    return queued


# --- routes ----------------------------------------------------------------------


async def queue_document_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Send a new order, refusal letter or extract to the organisation it concerns, with
    the PDF. A council protocol concerns no single school and is not mailed."""
    document: DocumentGenerated = envelope.payload
    if document.kind not in texts.SENT_KINDS or document.organisation_id == NO_ORGANISATION:
        return []
    recipient = await _school(session, document.organisation_id)
    pdf = next((f for f in document.files if f.format == "pdf"), None)
    if pdf is None:
        raise Rejected("the document has no PDF to attach")
    text = texts.document_generated(
        document,
        organisation=recipient.short_name,
        portal_url=letters.portal_url,
        sender=letters.sender,
    )
    return await _queue(
        session,
        document.document_id,
        unique_addresses([recipient.email]),
        text,
        attachment_path=pdf.path,
        attachment_name=texts.attachment_name(document),
    )


async def queue_returned_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell the school what to add to its returned application."""
    returned: ApplicationReturned = envelope.payload
    school = await _school(session, returned.organisation_id)
    text = texts.application_returned(
        returned, portal_url=letters.portal_url, sender=letters.sender
    )
    cause = cause_key(
        "application.returned", returned.application_id, returned.returned_on, returned.comment
    )
    return await _queue(session, cause, unique_addresses([school.email]), text)


async def queue_decision_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell the applicant the council's decision (the application's contact address, or
    the school's when the application gave none)."""
    decision: DecisionMade = envelope.payload
    school_email: str | None = None
    if not unique_addresses([decision.applicant_email]):
        school_email = (await _school(session, decision.organisation_id)).email
    addresses = decision_addresses(decision.applicant_email, school_email)
    text = texts.decision_made(decision, portal_url=letters.portal_url, sender=letters.sender)
    return await _queue(session, cause_key("decision.made", decision.decision_id), addresses, text)


async def queue_expiring_emails(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Warn the leader, the co-leader and the school that the site's term ends soon."""
    site: SiteExpiring = envelope.payload
    school = await _school(session, site.organisation_id)
    addresses = site_addresses(
        await _person_email(session, site.leader_person_id),
        await _person_email(session, site.co_leader_person_id),
        school.email,
    )
    text = texts.site_expiring(site, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("site.expiring", site.site_id, site.term_end, site.days_left)
    return await _queue(session, cause, addresses, text)


async def queue_expired_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell the school that its site's term ended with no extension."""
    site: SiteExpired = envelope.payload
    school = await _school(session, site.organisation_id)
    text = texts.site_expired(site, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("site.expired", site.site_id, site.term_end)
    return await _queue(session, cause, unique_addresses([school.email]), text)


async def queue_report_emails(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Remind the leader, the co-leader and the school of a report due or overdue."""
    report: ReportDue = envelope.payload
    school = await _school(session, report.organisation_id)
    addresses = site_addresses(
        await _person_email(session, report.leader_person_id),
        await _person_email(session, report.co_leader_person_id),
        school.email,
    )
    text = texts.report_due(report, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("report.due", report.report_id, report.due_on, report.days_left)
    return await _queue(session, cause, addresses, text)


async def list_notifications(session: AsyncSession) -> list[Notification]:
    """The delivery log, newest first."""
    rows = await session.scalars(sa.select(Notification).order_by(Notification.created_at.desc()))
    return list(rows.all())
