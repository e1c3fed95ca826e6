"""What notifications does with the messages it consumes.

Read models: ``registry.organisation.upserted`` (schools' addresses),
``registry.person.upserted`` (people's addresses, staff groups) and
``scheduling.attendance.recorded`` (whose a registration is). Notifications: a submitted
application to the centre's coordinators (methodists of the IMC); a generated document to
its school; a returned application and the council's decision to the applicant; a site's
coming end and a report due to the leader, the co-leader and the school; a lapsed status
(``applications.site.expired``) to the school; an event's reminder
(``scheduling.event.reminder``) to its registered participants; a certificate of
participation to its participant; an overdue road-map row
(``scheduling.roadmap_item.overdue``) to the person responsible, the centre's coordinators
and the school; a change of a teacher's registration (``scheduling.registration.changed``:
confirmed, waiting, moved up, cancelled) to the teacher; a council meeting called
(``applications.meeting.scheduled``) to each member of the council, and later the meeting's
protocol (a generated ``council_protocol`` document) to the members invited to it; a needs
survey opened (``growth.survey.opened``) to each teacher asked to answer it; a tutor or
mentor appointed (``growth.tutor.appointed``) to the tutor and to each teacher entrusted
to them. Each addressee hears on the channel and cadence they chose for the message's
topic (see ``domain/preferences.py``).
``applications.order.issued`` is not consumed: the order arrives as a document.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    APPLICATION_RETURNED,
    APPLICATION_SUBMITTED,
    ATTENDANCE_RECORDED,
    COUNCIL_MEETING_SCHEDULED,
    DECISION_MADE,
    DOCUMENT_GENERATED,
    EVENT_REMINDER,
    LINK_ALERT,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    REGISTRATION_CHANGED,
    REPORT_DUE,
    ROADMAP_ITEM_OVERDUE,
    SITE_EXPIRED,
    SITE_EXPIRING,
    SURVEY_OPENED,
    TUTOR_APPOINTED,
    Envelope,
    MessageType,
)
from imc_notifications.services import notifications as use_cases
from imc_notifications.services.notifications import Letters
from imc_notifications.services.rendering import signature
from imc_notifications.settings import NotificationsSettings
from imc_shared.consumer import Consumers, Delivery

Route = Callable[[AsyncSession, Envelope[Any], Letters], Awaitable[object]]

ROUTES: tuple[tuple[MessageType[Any], Route], ...] = (
    (DOCUMENT_GENERATED, use_cases.queue_document_email),
    (APPLICATION_SUBMITTED, use_cases.queue_submitted_emails),
    (APPLICATION_RETURNED, use_cases.queue_returned_email),
    (DECISION_MADE, use_cases.queue_decision_email),
    (SITE_EXPIRING, use_cases.queue_expiring_emails),
    (SITE_EXPIRED, use_cases.queue_expired_email),
    (REPORT_DUE, use_cases.queue_report_emails),
    (EVENT_REMINDER, use_cases.queue_event_reminders),
    (ROADMAP_ITEM_OVERDUE, use_cases.queue_overdue_emails),
    (REGISTRATION_CHANGED, use_cases.queue_registration_email),
    (COUNCIL_MEETING_SCHEDULED, use_cases.queue_meeting_invitations),
    (LINK_ALERT, use_cases.queue_link_alert),
    (SURVEY_OPENED, use_cases.queue_survey_invitations),
    (TUTOR_APPOINTED, use_cases.queue_tutor_appointment),
)
"""Message → the use case that queues its emails."""


def _email_handler(route: Route, letters: Letters) -> Any:
    async def handle(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await route(session, envelope, letters)

    return handle


def subscribe(consumers: Consumers, *, settings: NotificationsSettings) -> None:
    """Register the notifications subscribers."""
    letters = Letters(
        portal_url=settings.portal_url,
        sender=signature(settings),
        digest_hour=settings.digest_hour,
        time_zone=settings.time_zone,
    )

    async def on_organisation_upserted(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await use_cases.upsert_recipient(session, envelope)

    async def on_person_upserted(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await use_cases.upsert_person(session, envelope)

    consumers.subscribe(ORGANISATION_UPSERTED, on_organisation_upserted)

    async def on_attendance_recorded(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await use_cases.upsert_participation(session, envelope)

    consumers.subscribe(PERSON_UPSERTED, on_person_upserted)
    consumers.subscribe(ATTENDANCE_RECORDED, on_attendance_recorded)
    for message, route in ROUTES:
        consumers.subscribe(message, _email_handler(route, letters))
