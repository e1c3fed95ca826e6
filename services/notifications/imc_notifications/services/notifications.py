"""Use cases: keep the read models of contacts current, queue the emails a message calls
for. Each email is queued once per (cause, address); the delivery worker sends it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    ApplicationReturned,
    ApplicationSubmitted,
    AttendanceRecorded,
    CouncilMeetingScheduled,
    DecisionMade,
    DocumentGenerated,
    Envelope,
    EventReminder,
    GeneratedFile,
    LinkAlert,
    OrganisationUpserted,
    PersonUpserted,
    RegistrationChanged,
    ReportDue,
    RoadmapItemOverdue,
    SiteExpired,
    SiteExpiring,
)
from imc_contracts.messages import SurveyOpened, TutorAppointed
from imc_notifications.db.models import (
    CouncilMeeting,
    InboxItem,
    MeetingInvitee,
    Notification,
    Participation,
    Person,
    Preference,
    Recipient,
)
from imc_notifications.domain import texts
from imc_notifications.domain.preferences import DEFAULT, Choice, address_key, release_at
from imc_notifications.domain.recipients import (
    NO_ORGANISATION,
    cause_key,
    decision_addresses,
    unique_addresses,
)
from imc_notifications.domain.texts import Text
from imc_shared.consumer import Rejected

log = structlog.get_logger(__name__)


class Letters:
    """What every email shares: where people read more, and who signs."""

    def __init__(
        self,
        *,
        portal_url: str,
        sender: str,
        digest_hour: int = 7,
        time_zone: str = "Asia/Novokuznetsk",
    ) -> None:
        self.portal_url = portal_url
        self.sender = sender
        self.digest_hour = digest_hour
        self.zone = ZoneInfo(time_zone)
        """The district's time zone: the times in messages are shown in it."""


@dataclass(frozen=True)
class Addressee:
    """Who gets a notification: a person or an organisation (with an in-app inbox), or a
    bare address (``inbox=False``; its id is :func:`address_key` of the address)."""

    id: UUID
    email: str
    inbox: bool = True


def bare(addresses: Sequence[str]) -> list[Addressee]:
    """Addressees for plain addresses (already normalised)."""
    return [Addressee(id=address_key(a), email=a, inbox=False) for a in addresses]


def unique_addressees(candidates: Sequence[Addressee | None]) -> list[Addressee]:
    """Each usable address once (the first addressee that has it), in order."""
    seen: set[str] = set()
    result: list[Addressee] = []
    for candidate in candidates:
        if candidate is None:
            continue
        [email] = unique_addresses([candidate.email]) or [""]
        if email and email.lower() not in seen:
            seen.add(email.lower())
            result.append(Addressee(id=candidate.id, email=email, inbox=candidate.inbox))
    return result


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
    person.staff_group = data.staff_group


async def upsert_participation(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember whose a registration is (for its certificate); an older mark is ignored."""
    data: AttendanceRecorded = envelope.payload
    row = await session.get(Participation, data.registration_id)
    if row is not None and row.version >= data.version:
        return
    if row is None:
        row = Participation(registration_id=data.registration_id)
        session.add(row)
    row.person_id = data.person_id
    row.full_name = data.full_name
    row.event_title = data.event_title
    row.form_title = data.form_title
    row.version = data.version
    row.updated_at = datetime.now(UTC)


async def remember_meeting(session: AsyncSession, meeting: CouncilMeetingScheduled) -> None:
    """Keep a council meeting and its invitees (the latest message's list replaces the
    earlier one)."""
    row = await session.get(CouncilMeeting, meeting.meeting_id)
    if row is None:
        row = CouncilMeeting(meeting_id=meeting.meeting_id)
        session.add(row)
    row.protocol_number = meeting.protocol_number
    row.held_on = meeting.held_on
    row.updated_at = datetime.now(UTC)
    await session.execute(
        sa.delete(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting.meeting_id)
    )
    invited = {m.person_id: m.full_name for m in meeting.members}
    session.add_all(
        MeetingInvitee(meeting_id=meeting.meeting_id, person_id=person_id, full_name=name)
        for person_id, name in invited.items()
    )
    await session.flush()


async def _school(session: AsyncSession, organisation_id: UUID) -> Recipient:
    recipient = await session.get(Recipient, organisation_id)
    if recipient is None:
        # The registry's message about the organisation has not arrived yet: retry.
        raise LookupError(f"no contact known for organisation {organisation_id}")
    return recipient


def _school_addressee(school: Recipient) -> Addressee:
    return Addressee(id=school.organisation_id, email=school.email)


async def _person(session: AsyncSession, person_id: UUID | None) -> Addressee | None:
    """A person as an addressee, or ``None`` (no id, unknown, archived or no email)."""
    if person_id is None:
        return None
    person = await session.get(Person, person_id)
    if person is None or person.archived or not person.email:
        log.info("person not reachable by email, skipped", person_id=str(person_id))
        return None
    return Addressee(id=person.person_id, email=person.email)


async def _coordinators(session: AsyncSession) -> list[Addressee]:
    """The centre's coordinators: the IMC's methodists still in office."""
    rows = await session.scalars(
        sa.select(Person)
        .where(Person.staff_group == "imc_methodist", Person.archived.is_(False))
        .order_by(Person.full_name)
    )
    return [Addressee(id=p.person_id, email=p.email) for p in rows.all()]


async def preference(session: AsyncSession, addressee_id: UUID, topic: str) -> Choice:
    """How ``addressee_id`` wants to hear about ``topic`` (email at once by default)."""
    row = await session.get(Preference, (addressee_id, topic))
    return Choice(channel=row.channel, cadence=row.cadence) if row else DEFAULT


async def _queue(
    session: AsyncSession,
    cause_id: UUID,
    addressees: Sequence[Addressee],
    text: Text,
    letters: Letters,
    *,
    topic: str,
    attachment_path: str | None = None,
    attachment_name: str | None = None,
    link: str | None = None,
) -> list[Notification]:
    """Queue ``text`` to each addressee that has not had it for ``cause_id`` yet, on the
    channel and cadence they chose for ``topic``; put it in their in-app inbox too (its
    link: ``link``, a page of the portal, else the portal itself).

    Returns the notifications to push now or later (not the muted or inbox-only ones).
    """
    from imc_notifications.services.delivery import add_event

    now = datetime.now(UTC)
    queued: list[Notification] = []
    for addressee in addressees:
        duplicate = await session.scalar(
            sa.select(Notification.id).where(
                Notification.cause_id == cause_id, Notification.email == addressee.email
            )
        )
        if duplicate is not None:
            continue
        choice = await preference(session, addressee.id, topic)
        channel = choice.channel if addressee.inbox else "email"
        if addressee.inbox:
            session.add(
                InboxItem(
                    addressee_id=addressee.id,
                    cause_id=cause_id,
                    topic=topic,
                    subject=text.subject,
                    body=text.body,
                    link=link or letters.portal_url,
                    created_at=now,
                )
            )
        notification = Notification(
            cause_id=cause_id,
            email=addressee.email,
            addressee_id=addressee.id,
            topic=topic,
            channel=channel,
            subject=text.subject,
            body=text.body,
            attachment_path=attachment_path,
            attachment_name=attachment_name,
            status="queued",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        if choice.cadence == "mute":
            notification.status = "muted"
            detail = "тема отключена адресатом; сообщение только в личном кабинете"
        elif channel == "inbox":
            notification.status = "sent"
            notification.sent_at = now
            detail = "доставлено в личный кабинет"
        elif choice.cadence in ("daily", "weekly"):
            notification.status = "held"
            notification.next_attempt_at = release_at(choice.cadence, now, hour=letters.digest_hour)
            release = f"{notification.next_attempt_at:%d.%m.%Y %H:%M}"
            detail = f"ждёт сводки ({choice.cadence}) до {release} UTC"
        else:
            detail = f"в очереди, канал: {choice.channel}"
        session.add(notification)
        await session.flush()
        add_event(session, notification.id, notification.status, detail)
        if notification.status in ("queued", "held"):
            queued.append(notification)
    await session.flush()
    return queued


# --- routes ----------------------------------------------------------------------


async def queue_document_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Send a new order, refusal letter or extract to the organisation it concerns, with
    the PDF. A council protocol concerns no single school: it goes to the members invited
    to its meeting."""
    document: DocumentGenerated = envelope.payload
    if document.kind == "certificate":
        return await _queue_certificate_email(session, document, letters)
    if document.kind == "council_protocol":
        return await _queue_protocol_emails(session, document, letters)
    if document.kind not in texts.SENT_KINDS or document.organisation_id == NO_ORGANISATION:
        return []
    recipient = await _school(session, document.organisation_id)
    pdf = _pdf_of(document, "document")
    text = texts.document_generated(
        document,
        organisation=recipient.short_name,
        portal_url=letters.portal_url,
        sender=letters.sender,
    )
    return await _queue(
        session,
        document.document_id,
        unique_addressees([_school_addressee(recipient)]),
        text,
        letters,
        topic="documents",
        attachment_path=pdf.path,
        attachment_name=texts.attachment_name(document),
    )


def _pdf_of(document: DocumentGenerated, what: str) -> GeneratedFile:
    """The PDF file of a generated document, which every letter about it attaches."""
    pdf = next((f for f in document.files if f.format == "pdf"), None)
    if pdf is None:
        raise Rejected(f"the {what} has no PDF to attach")
    return pdf


async def _queue_certificate_email(
    session: AsyncSession, document: DocumentGenerated, letters: Letters
) -> list[Notification]:
    """Send a certificate of participation to its participant, with the PDF (topic
    «Документы»); nothing when the registry gives them no address."""
    participation = await session.get(Participation, document.subject_id)
    if participation is None:
        # Scheduling's attendance message has not arrived here yet: retry.
        raise LookupError(f"no participation known for registration {document.subject_id}")
    addressees = unique_addressees([await _person(session, participation.person_id)])
    pdf = _pdf_of(document, "certificate")
    text = texts.certificate_issued(
        document,
        event_title=participation.event_title,
        form_title=participation.form_title,
        portal_url=letters.portal_url,
        sender=letters.sender,
    )
    return await _queue(
        session,
        document.document_id,
        addressees,
        text,
        letters,
        topic="documents",
        attachment_path=pdf.path,
        attachment_name=texts.attachment_name(document),
    )


async def _queue_protocol_emails(
    session: AsyncSession, document: DocumentGenerated, letters: Letters
) -> list[Notification]:
    """Send the protocol of a council meeting (``subject_id`` is the meeting) to each
    member invited to it, with the PDF (topic «Заявки и решения», where the council's
    work is heard of). A meeting this service never heard of is skipped: its invitees
    are unknown, and waiting would not make them known."""
    meeting = await session.get(CouncilMeeting, document.subject_id)
    if meeting is None:
        log.info(
            "protocol of a meeting not known here, skipped",
            document_id=str(document.document_id),
            meeting_id=str(document.subject_id),
        )
        return []
    invitees = await session.scalars(
        sa.select(MeetingInvitee)
        .where(MeetingInvitee.meeting_id == meeting.meeting_id)
        .order_by(MeetingInvitee.full_name)
    )
    addressees = unique_addressees([await _person(session, i.person_id) for i in invitees.all()])
    pdf = _pdf_of(document, "protocol")
    text = texts.council_protocol(
        document, held_on=meeting.held_on, portal_url=letters.portal_url, sender=letters.sender
    )
    return await _queue(
        session,
        document.document_id,
        addressees,
        text,
        letters,
        topic="applications",
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
    addressees = unique_addressees([_school_addressee(school)])
    return await _queue(session, cause, addressees, text, letters, topic="applications")


async def queue_submitted_emails(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell the centre's coordinators (the methodists of the IMC) that an application
    arrived and waits for its check."""
    submitted: ApplicationSubmitted = envelope.payload
    addressees = unique_addressees(await _coordinators(session))
    text = texts.application_submitted(
        submitted, portal_url=letters.portal_url, sender=letters.sender
    )
    cause = cause_key("application.submitted", submitted.application_id)
    return await _queue(session, cause, addressees, text, letters, topic="applications")


async def queue_decision_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell the applicant the council's decision (the application's contact address, or
    the school's when the application gave none)."""
    decision: DecisionMade = envelope.payload
    if unique_addresses([decision.applicant_email]):
        addressees = bare(decision_addresses(decision.applicant_email, None))
    else:
        addressees = unique_addressees(
            [_school_addressee(await _school(session, decision.organisation_id))]
        )
    text = texts.decision_made(decision, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("decision.made", decision.decision_id)
    return await _queue(session, cause, addressees, text, letters, topic="applications")


async def queue_expiring_emails(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Warn the leader, the co-leader and the school that the site's term ends soon."""
    site: SiteExpiring = envelope.payload
    school = await _school(session, site.organisation_id)
    addressees = unique_addressees(
        [
            await _person(session, site.leader_person_id),
            await _person(session, site.co_leader_person_id),
            _school_addressee(school),
        ]
    )
    text = texts.site_expiring(site, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("site.expiring", site.site_id, site.term_end, site.days_left)
    return await _queue(session, cause, addressees, text, letters, topic="deadlines")


async def queue_expired_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell the school that its site's term ended with no extension."""
    site: SiteExpired = envelope.payload
    school = await _school(session, site.organisation_id)
    text = texts.site_expired(site, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("site.expired", site.site_id, site.term_end)
    addressees = unique_addressees([_school_addressee(school)])
    return await _queue(session, cause, addressees, text, letters, topic="deadlines")


async def queue_report_emails(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Remind the leader, the co-leader and the school of a report due or overdue."""
    report: ReportDue = envelope.payload
    school = await _school(session, report.organisation_id)
    addressees = unique_addressees(
        [
            await _person(session, report.leader_person_id),
            await _person(session, report.co_leader_person_id),
            _school_addressee(school),
        ]
    )
    text = texts.report_due(report, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("report.due", report.report_id, report.due_on, report.days_left)
    return await _queue(session, cause, addressees, text, letters, topic="deadlines")


async def queue_event_reminders(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Remind the registered participants of an event (those the registry can reach)."""
    reminder: EventReminder = envelope.payload
    addressees = unique_addressees(
        [await _person(session, r.person_id) for r in reminder.recipients]
    )
    text = texts.event_reminder(reminder, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("event.reminder", reminder.reminder_id)
    return await _queue(session, cause, addressees, text, letters, topic="events")


async def queue_overdue_emails(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Alert the person responsible for an overdue road-map row, the centre's
    coordinators (the IMC's methodists, who curate the sites) and the site's school."""
    item: RoadmapItemOverdue = envelope.payload
    school = await _school(session, item.organisation_id)
    addressees = unique_addressees(
        [
            await _person(session, item.responsible_person_id),
            *await _coordinators(session),
            _school_addressee(school),
        ]
    )
    text = texts.roadmap_item_overdue(item, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("roadmap_item.overdue", item.item_id, item.deadline)
    return await _queue(session, cause, addressees, text, letters, topic="deadlines")


async def queue_registration_email(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell a teacher their registration was confirmed, put on the waiting list, moved up
    from it or cancelled (topic «Мероприятия»); each version of the registration once."""
    change: RegistrationChanged = envelope.payload
    addressees = unique_addressees([await _person(session, change.person_id)])
    text = texts.registration_changed(
        change, zone=letters.zone, portal_url=letters.portal_url, sender=letters.sender
    )
    cause = cause_key("registration.changed", change.registration_id, change.version)
    return await _queue(session, cause, addressees, text, letters, topic="events")


async def queue_meeting_invitations(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Invite each member of the methodical council to its meeting (topic «Заявки и
    решения», where the council's work is heard of); members without an address are
    skipped. The meeting and its invitees are remembered: they receive its protocol."""
    meeting: CouncilMeetingScheduled = envelope.payload
    await remember_meeting(session, meeting)
    addressees = unique_addressees(
        [await _person(session, member.person_id) for member in meeting.members]
    )
    text = texts.council_meeting_scheduled(
        meeting, portal_url=letters.portal_url, sender=letters.sender
    )
    cause = cause_key("council.meeting.scheduled", meeting.meeting_id)
    return await _queue(session, cause, addressees, text, letters, topic="applications")


async def queue_link_alert(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """At the centre: tell its coordinators (the IMC's methodists) that a district's
    link is down past the threshold, or back; once per alert message."""
    alert: LinkAlert = envelope.payload
    addressees = unique_addressees(await _coordinators(session))
    text = texts.link_alert(
        alert, zone=letters.zone, portal_url=letters.portal_url, sender=letters.sender
    )
    cause = cause_key("link.alert", alert.district, envelope.id)
    return await _queue(session, cause, addressees, text, letters, topic="deadlines")


async def queue_survey_invitations(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Ask each teacher of a survey's target group to answer it in the portal (topic
    «Профессиональное развитие»); the inbox item links the survey's page. Once per
    survey and closing date: a survey reopened until a new date is announced again, a
    repeated message with more recipients reaches only the new ones."""
    survey: SurveyOpened = envelope.payload
    addressees = unique_addressees([await _person(session, r.person_id) for r in survey.recipients])
    text = texts.survey_opened(survey, portal_url=letters.portal_url, sender=letters.sender)
    cause = cause_key("survey.opened", survey.survey_id, survey.closes_on)
    return await _queue(
        session,
        cause,
        addressees,
        text,
        letters,
        topic="growth",
        link=texts.survey_path(survey.survey_id),
    )


async def queue_tutor_appointment(
    session: AsyncSession, envelope: Envelope[Any], letters: Letters
) -> list[Notification]:
    """Tell a tutor (педагог-тьютор) or mentor (наставник) which teachers were entrusted
    to them, and each of those teachers who their tutor or mentor is (topic
    «Профессиональное развитие»). The tutor hears again only when the list of teachers
    changes; a teacher, only when the tutor does."""
    appointed: TutorAppointed = envelope.payload
    teacher_ids = sorted({str(t.person_id) for t in appointed.teachers})
    tutor_cause = cause_key(
        "tutor.appointed", appointed.assignment_id, "tutor", appointed.tutor_person_id, *teacher_ids
    )
    tutor_text = texts.tutor_appointed(
        appointed, portal_url=letters.portal_url, sender=letters.sender
    )
    queued = await _queue(
        session,
        tutor_cause,
        unique_addressees([await _person(session, appointed.tutor_person_id)]),
        tutor_text,
        letters,
        topic="growth",
    )
    teachers = unique_addressees(
        [
            await _person(session, t.person_id)
            for t in appointed.teachers
            if t.person_id != appointed.tutor_person_id
        ]
    )
    teacher_cause = cause_key(
        "tutor.appointed", appointed.assignment_id, "teacher", appointed.tutor_person_id
    )
    teacher_text = texts.tutor_assigned_to_teacher(
        appointed, portal_url=letters.portal_url, sender=letters.sender
    )
    queued += await _queue(session, teacher_cause, teachers, teacher_text, letters, topic="growth")
    return queued


async def list_notifications(session: AsyncSession) -> list[Notification]:
    """The delivery log, newest first."""
    rows = await session.scalars(sa.select(Notification).order_by(Notification.created_at.desc()))
    return list(rows.all())
