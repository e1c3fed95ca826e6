"""Payloads of the integration events, one frozen Struct per message type.

Contracts evolve additively inside a version: new fields get defaults; removing or
changing a field means a new version, served beside the old one.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

import msgspec

from imc_contracts.envelope import MessageType

OrganisationKind = Literal["doo", "school", "lyceum", "gymnasium", "additional"]
SiteKind = Literal[
    "osmp",
    "internship",
    "innovation_school",
    "support_school",
    "edtech_lab",
    "base_site",
    "intermunicipal_support",
    "intermunicipal_resource",
]
SiteStatus = Literal["active", "extended", "terminated", "expired"]
DecisionOutcome = Literal["assigned", "refused"]
OrderKind = Literal["assignment", "extension", "termination"]
StaffGroup = Literal["administration", "teacher", "imc_methodist", "other"]
QualificationCategory = Literal["highest", "first", "conformity", "none"]
AgendaItemType = Literal[
    "application", "extension", "termination", "plan_approval", "results_review"
]


class Leader(msgspec.Struct, frozen=True, kw_only=True):
    """A person leading a site, as the order names them."""

    full_name: str
    position: str


class OrganisationUpserted(msgspec.Struct, frozen=True, kw_only=True):
    """An educational organisation was created or changed in the registry."""

    organisation_id: UUID
    full_name: str
    short_name: str
    kind: OrganisationKind
    address: str
    email: str
    director_name: str
    archived: bool = False
    low_results: bool = False
    """A school with low educational results (ШНОР, seeds/001): targeted help."""
    unfavourable_conditions: bool = False
    """A school working in unfavourable social conditions (seeds/001)."""
    resilient: bool = False
    """A resilient school (seeds/001)."""


class PersonUpserted(msgspec.Struct, frozen=True, kw_only=True):
    """A person was created or changed in the registry.

    Only the fields other services may see travel here (the registry's explicit list);
    phone numbers, consent records and notes stay in the registry.
    """

    person_id: UUID
    full_name: str
    position: str
    staff_group: StaffGroup
    organisation_id: UUID | None
    qualification_category: QualificationCategory
    subjects: tuple[str, ...] = ()
    email: str = ""
    archived: bool = False


class SubmittedDocument(msgspec.Struct, frozen=True, kw_only=True):
    """One document of an application package (000 §3.2)."""

    kind: Literal["statement", "information_note", "work_plan"]
    filename: str
    content_type: str
    size: int
    sha256: str


class ApplicationSubmitted(msgspec.Struct, frozen=True, kw_only=True):
    """A school submitted an application for a site status."""

    application_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind: SiteKind
    topic: str
    documents: tuple[SubmittedDocument, ...]


class DecisionMade(msgspec.Struct, frozen=True, kw_only=True):
    """The methodical council decided on an application (000 §3.1, §3.3–3.5).

    An assignment fixes the term and the leaders; the order that confirms it follows as
    :class:`OrderIssued`, so ``order_number`` and ``order_date`` stay empty here (they
    remain in version 1 for the readers of its first form). A refusal states its reason.
    """

    decision_id: UUID
    application_id: UUID
    organisation_id: UUID
    organisation_full_name: str
    organisation_short_name: str
    site_kind: SiteKind
    topic: str
    outcome: DecisionOutcome
    decided_on: date
    council_protocol: str
    reason: str | None = None
    term_years: int | None = None
    term_start: date | None = None
    term_end: date | None = None
    leader: Leader | None = None
    co_leader: Leader | None = None
    order_number: str | None = None
    order_date: date | None = None
    term_months: int | None = None
    meeting_id: UUID | None = None
    applicant_email: str = ""
    """Where the school's letters go (the application's contact address)."""


class SiteStatusChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The status of a site changed in the registry."""

    site_id: UUID
    organisation_id: UUID
    organisation_full_name: str
    organisation_short_name: str
    kind: SiteKind
    status: SiteStatus
    previous_status: SiteStatus | None
    topic: str
    term_start: date
    term_end: date
    leader: Leader
    co_leader: Leader | None
    order_number: str
    order_date: date
    decision_id: UUID
    reason: str = ""
    """Why the status changed, in Russian (the order, the grounds or the term's end)."""
    version: int = 0
    """The site's change counter in its district (grows by one per change; 0 from
    publishers that predate it). Readers keep the highest version they saw, so the
    result is the same whatever the order or number of arrivals; a resync re-sends the
    current version, which changes nothing where it is already known."""


class GeneratedFile(msgspec.Struct, frozen=True, kw_only=True):
    """One rendering of a generated document."""

    format: Literal["docx", "pdf"]
    path: str
    """Path on the documents service, e.g. ``/documents/<id>/file.pdf``."""
    size: int
    sha256: str


class DocumentGenerated(msgspec.Struct, frozen=True, kw_only=True):
    """A document was rendered and stored by the documents service."""

    document_id: UUID
    kind: Literal[
        "order_site_status",
        "order_site_extension",
        "order_site_termination",
        "refusal_letter",
        "council_protocol",
        "council_extract",
        "certificate",
        "internship_statement",
    ]
    title: str
    number: str
    organisation_id: UUID
    subject_id: UUID
    """What the document is about, e.g. the decision id of an order."""
    files: tuple[GeneratedFile, ...]


class ApplicationReturned(msgspec.Struct, frozen=True, kw_only=True):
    """Staff returned an application to the school for more information."""

    application_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind: SiteKind
    topic: str
    comment: str
    """What the school must add or correct, as the applicant will read it."""
    returned_on: date


class OrderIssued(msgspec.Struct, frozen=True, kw_only=True):
    """An order (приказ) confirmed a council decision on a site (000 §3.3, §3.7, §3.8).

    ``assignment`` creates the site, ``extension`` moves its term's end, ``termination``
    ends it on ``effective_on`` for the ``grounds`` given.
    """

    order_id: UUID
    kind: OrderKind
    number: str
    """Number from the issuer's journal for the year, e.g. «45-од»."""
    order_date: date
    issuer: str
    """The issuing body in the nominative case, as the order's heading names it."""
    signatory: Leader
    site_id: UUID
    organisation_id: UUID
    organisation_full_name: str
    organisation_short_name: str
    site_kind: SiteKind
    topic: str
    term_start: date
    term_end: date
    """The term's end after this order (the new end for an extension)."""
    leader: Leader
    co_leader: Leader | None
    decision_id: UUID
    """The council's decision (agenda item) the order confirms."""
    council_protocol: str
    """E.g. «протокол № 2 от 14.10.2026»."""
    application_id: UUID | None = None
    effective_on: date | None = None
    """For a termination: the day the site stops."""
    grounds: tuple[str, ...] = ()
    """Termination grounds, codes of :data:`imc_contracts.vocabulary.TERMINATION_GROUNDS`."""
    grounds_text: str = ""
    """The grounds as the order states them (required with ground ``other``)."""
    extension_months: int | None = None


class SiteExpiring(msgspec.Struct, frozen=True, kw_only=True):
    """A site's term ends soon: a warning 30 and 7 days before."""

    site_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind: SiteKind
    topic: str
    term_end: date
    days_left: int
    leader: Leader
    co_leader: Leader | None
    leader_person_id: UUID | None = None
    co_leader_person_id: UUID | None = None


class SiteExpired(msgspec.Struct, frozen=True, kw_only=True):
    """A site's term ended with no extension: its status lapsed."""

    site_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind: SiteKind
    term_end: date
    expired_on: date


class ReportDue(msgspec.Struct, frozen=True, kw_only=True):
    """A report a site owes is due soon or overdue (000 §3.5, 001 §4.7)."""

    report_id: UUID
    site_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    title: str
    due_on: date
    days_left: int
    """Negative when the report is late."""
    leader: Leader
    co_leader: Leader | None
    leader_person_id: UUID | None = None
    co_leader_person_id: UUID | None = None


class VoteTally(msgspec.Struct, frozen=True, kw_only=True):
    """The votes on one agenda item."""

    votes_for: int
    votes_against: int
    abstained: int


class AgendaItemResult(msgspec.Struct, frozen=True, kw_only=True):
    """One item of a council meeting with its vote and decision."""

    item_id: UUID
    number: int
    type: AgendaItemType
    title: str
    """The question as the protocol words it («О присвоении статуса …»)."""
    speaker: str
    """Who reported on the item («СЛУШАЛИ: …»)."""
    tally: VoteTally
    adopted: bool
    decision_text: str
    """The decision as the protocol words it («РЕШИЛИ: …»)."""
    organisation_id: UUID | None = None
    organisation_short_name: str | None = None
    application_id: UUID | None = None
    site_id: UUID | None = None


class CouncilMeetingHeld(msgspec.Struct, frozen=True, kw_only=True):
    """The methodical council met and decided; the protocol and extracts are due."""

    meeting_id: UUID
    protocol_number: str
    held_on: date
    place: str
    chair: str
    secretary: str
    members_total: int
    members_present: tuple[str, ...]
    """Full names of the members present."""
    quorum: bool
    items: tuple[AgendaItemResult, ...]


class ReminderRecipient(msgspec.Struct, frozen=True, kw_only=True):
    """A registered participant to remind."""

    person_id: UUID
    full_name: str


class EventReminder(msgspec.Struct, frozen=True, kw_only=True):
    """An event is near: its registered participants are reminded (a day before)."""

    reminder_id: UUID
    event_id: UUID
    title: str
    form_title: str
    starts_at: datetime
    ends_at: datetime
    venue: str = ""
    online_url: str = ""
    text: str
    """The reminder in Russian, with the date and time in the district's zone."""
    recipients: tuple[ReminderRecipient, ...]


class RoadmapOpened(msgspec.Struct, frozen=True, kw_only=True):
    """A road map was opened for a new site (001 §4.6)."""

    roadmap_id: UUID
    site_id: UUID
    organisation_id: UUID
    title: str


EventStatus = Literal["planned", "cancelled"]
RegistrationStatus = Literal["confirmed", "waiting", "cancelled"]


class EventChanged(msgspec.Struct, frozen=True, kw_only=True):
    """An event of a district's (or the centre's) calendar was created or changed.

    The whole current state, versioned: readers keep the highest ``version`` per
    ``event_id``. Counts of registrations travel here; who registered does not.
    """

    event_id: UUID
    version: int
    title: str
    form: str
    """Form code of the scheduling service (seminar, master_class, ...)."""
    form_title: str
    level: str
    organiser_kind: str
    organiser_id: UUID | None
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    hours: int
    audience_subjects: tuple[str, ...] = ()
    audience_categories: tuple[str, ...] = ()
    status: EventStatus
    registered: int = 0
    """Confirmed registrations."""
    waiting: int = 0
    attended: int = 0
    intermunicipal: bool = False
    """Organised by the centre for every district (002 §6, §8)."""


class ParticipationChanged(msgspec.Struct, frozen=True, kw_only=True):
    """A registration for an event changed: registered, moved from the waiting list,
    cancelled, attended, hours credited.

    No name or contact of the participant: only the school and the event's subjects,
    which is what the centre counts (participation per district, school and subject).
    """

    registration_id: UUID
    version: int
    event_id: UUID
    organisation_id: UUID | None
    organisation_short_name: str
    subjects: tuple[str, ...] = ()
    status: RegistrationStatus
    attended: bool
    hours_credited: int


class PlanItemState(msgspec.Struct, frozen=True, kw_only=True):
    """One item of a work plan and whether it is fulfilled."""

    item_id: UUID
    title: str
    deadline: date | None
    done_on: date | None = None


class PlanChanged(msgspec.Struct, frozen=True, kw_only=True):
    """A work plan (of the IMC, the ММЦ or a subject association) was created, changed,
    approved or had an item fulfilled. The whole current plan, versioned."""

    plan_id: UUID
    version: int
    kind: str
    title: str
    school_year: str
    subject: str
    status: str
    items: tuple[PlanItemState, ...] = ()


class Heartbeat(msgspec.Struct, frozen=True, kw_only=True):
    """A district's periodic sign of life, for the centre's link status.

    Its ``occurred_at`` against the time the centre receives it gives the link's lag;
    a silence longer than a few intervals means the link (or the district) is down.
    """

    sequence: int
    """Counts up from 1 each time the publishing process starts."""
    interval_seconds: int
    outbox_backlog: int = 0
    """Messages written in the district but not yet handed to its broker."""


class ResyncRequested(msgspec.Struct, frozen=True, kw_only=True):
    """The centre asks districts to send their current state again (a centre rebuilt
    from empty, or a district joining late). Every district service re-publishes the
    current version of what it shares; versioned readers make the repeats harmless."""

    request_id: UUID
    districts: tuple[str, ...] = ()
    """District codes asked; empty means every district."""
    reason: str = ""


CentreRegistrationStatus = Literal["requested", "confirmed", "waiting", "cancelled", "refused"]


class CentreRegistrationRequested(msgspec.Struct, frozen=True, kw_only=True):
    """A district registers one of its teachers for an inter-municipal event of the
    centre, or withdraws them (``cancelled``). The centre keeps the list of
    participants, so the name crosses: only for this event, only to the centre."""

    registration_id: UUID
    """Made by the district; the centre's answer names it."""
    version: int
    event_id: UUID
    """The centre's event."""
    person_id: UUID
    full_name: str
    position: str = ""
    organisation_id: UUID | None = None
    organisation_short_name: str = ""
    status: Literal["requested", "cancelled"]


class CentreRegistrationDecided(msgspec.Struct, frozen=True, kw_only=True):
    """The centre's answer to a district's registration: a seat, the waiting list, a
    cancellation or a refusal with its reason. No name travels back down."""

    registration_id: UUID
    version: int
    event_id: UUID
    district: str
    """The district that asked; the others ignore the answer."""
    status: CentreRegistrationStatus
    queue_number: int | None = None
    """Place on the waiting list."""
    reason: str = ""
    """Why it was refused, in Russian."""


class AttendanceRecorded(msgspec.Struct, frozen=True, kw_only=True):
    """The organiser marked a participant present (or not), or they checked in: what a
    certificate of participation and the teacher's record of hours need. Stays in the
    district (not on the federation allowlist)."""

    registration_id: UUID
    version: int
    event_id: UUID
    event_title: str
    form_title: str
    starts_at: datetime
    ends_at: datetime
    hours: int
    person_id: UUID
    full_name: str
    organisation_id: UUID | None = None
    organisation_short_name: str = ""
    attended: bool


class RoadmapItemOverdue(msgspec.Struct, frozen=True, kw_only=True):
    """A row of a site's road map passed its deadline with no event fulfilling it
    (001 §4.6): the site's leader and the curating methodist are told, once per row."""

    roadmap_id: UUID
    item_id: UUID
    site_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    title: str
    deadline: date
    responsible_name: str
    responsible_person_id: UUID | None = None
    days_overdue: int


class RegistrationChanged(msgspec.Struct, frozen=True, kw_only=True):
    """A teacher's registration for an event changed: registered, confirmed, put on the
    waiting list, moved up from it, cancelled (by them, their school or with the event).
    The teacher is told; stays in the district (not on the federation allowlist)."""

    registration_id: UUID
    version: int
    event_id: UUID
    event_title: str
    form_title: str
    starts_at: datetime
    ends_at: datetime
    venue: str = ""
    online_url: str = ""
    person_id: UUID
    full_name: str
    status: Literal["confirmed", "waiting", "cancelled"]
    previous_status: Literal["confirmed", "waiting", "cancelled"] | None = None
    queue_number: int | None = None
    reason: str = ""
    """Why it was cancelled, in Russian (e.g. the event was cancelled)."""
    cancelled_by: Literal["", "self", "school", "organiser"] = ""
    """Who cancelled it: the teacher themself, their school's representative, or the
    organiser (the IMC's staff, or the event's own cancellation); empty unless cancelled."""
    cancelled_by_name: str = ""
    """The name of the person who cancelled, when it was not the teacher."""


class MeetingMember(msgspec.Struct, frozen=True, kw_only=True):
    """A member of the methodical council invited to a meeting."""

    person_id: UUID
    full_name: str


class CouncilMeetingScheduled(msgspec.Struct, frozen=True, kw_only=True):
    """A meeting of the methodical council was called: its members are invited."""

    meeting_id: UUID
    protocol_number: str
    held_on: date
    place: str
    members: tuple[MeetingMember, ...]


class LinkAlert(msgspec.Struct, frozen=True, kw_only=True):
    """At the centre: a district's federation link has been down longer than the alert
    threshold (``raised``), or is back (not ``raised``). The centre's coordinators hear."""

    district: str
    district_name: str
    raised: bool
    down_since: datetime | None = None
    """When the last message from the district was sent (its silence began)."""
    lag_seconds: float | None = None


class DeficitCount(msgspec.Struct, frozen=True, kw_only=True):
    """How many professional deficits of one competency (in one subject) a district has
    recorded, and how many of them are closed with evidence. Counts only: no names."""

    competency_code: str
    competency_title: str
    subject: str = ""
    """The subject the deficits were found in; empty: across subjects."""
    open: int
    closed: int
    teachers: int
    """Distinct teachers with a deficit of this competency (open or closed)."""


class DeficitsSummarised(msgspec.Struct, frozen=True, kw_only=True):
    """A district's anonymous picture of its teachers' professional deficits (seeds/002
    §4.1, 003 §2): counts per competency and subject, re-sent whole after every change so
    that the centre keeps the highest version. No person, school or name crosses."""

    version: int
    as_of: datetime
    teachers_with_routes: int
    """Teachers who have an individual educational route (ИОМ)."""
    rows: tuple[DeficitCount, ...]


class SurveyRecipient(msgspec.Struct, frozen=True, kw_only=True):
    """A teacher asked to answer a survey."""

    person_id: UUID
    full_name: str


class SurveyOpened(msgspec.Struct, frozen=True, kw_only=True):
    """The IMC opened a survey of teachers' professional and information needs (003 §4.1):
    the teachers of its target group are asked to answer in the portal."""

    survey_id: UUID
    title: str
    school_year: str
    closes_on: date | None = None
    recipients: tuple[SurveyRecipient, ...]


class TutorAppointed(msgspec.Struct, frozen=True, kw_only=True):
    """A tutor (педагог-тьютор, 002 §4.1, §4.3) or mentor (наставник, 003 §3) was appointed
    to a teacher or a group: the tutor and the teachers are told."""

    assignment_id: UUID
    kind: Literal["tutor", "mentor"]
    tutor_person_id: UUID
    tutor_name: str
    teachers: tuple[SurveyRecipient, ...]
    topic: str = ""
    starts_on: date
    ends_on: date | None = None


ResourceKind = Literal[
    "lesson_plan", "programme", "recording", "presentation", "site_results", "methodical", "other"
]


class ResourceFile(msgspec.Struct, frozen=True, kw_only=True):
    """A file of a methodical resource, carried whole (the bank's upload limit keeps it
    small): a district's bank has no other way to reach the centre's, and back."""

    name: str
    media_type: str
    size: int
    sha256: str
    content: bytes
    """The file itself (base64 in JSON)."""


class ResourcePublished(msgspec.Struct, frozen=True, kw_only=True):
    """A district published a reviewed methodical resource to the centre's bank of best
    resources (seeds/002 §2.5, §4.2–4.3). Sent again whole with a higher version when it
    changes."""

    resource_id: UUID
    version: int
    title: str
    summary: str
    kind: ResourceKind
    subject: str = ""
    level: str = ""
    """The level of education it is for, e.g. «основное общее образование»."""
    tags: tuple[str, ...] = ()
    licence: str
    author_name: str
    organisation_name: str = ""
    reviewed_by: str = ""
    """Who approved it for publication (a methodist or the council), as the district says."""
    published_at: datetime
    text: str = ""
    """Its searchable text (extracted from the files), at most about 200,000 characters."""
    files: tuple[ResourceFile, ...] = ()


class ResourceWithdrawn(msgspec.Struct, frozen=True, kw_only=True):
    """A district withdrew a resource from the centre's bank."""

    resource_id: UUID
    version: int
    reason: str


class BankEntryChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The centre's bank changed: a resource of one of its districts (or of the centre)
    is published there, or withdrawn; every district keeps the centre's bank in step."""

    resource_id: UUID
    version: int
    origin_district: str
    origin_district_name: str
    status: Literal["published", "withdrawn"]
    resource: ResourcePublished | None = None
    """The resource as published; None once withdrawn."""
    reason: str = ""


ORGANISATION_UPSERTED = MessageType(
    "registry.organisation.upserted",
    1,
    OrganisationUpserted,
    "An educational organisation was created or changed.",
)
APPLICATION_SUBMITTED = MessageType(
    "applications.application.submitted",
    1,
    ApplicationSubmitted,
    "A school submitted an application for a site status.",
)
DECISION_MADE = MessageType(
    "applications.decision.made",
    1,
    DecisionMade,
    "The methodical council decided on an application.",
)
SITE_STATUS_CHANGED = MessageType(
    "registry.site.status_changed",
    1,
    SiteStatusChanged,
    "The status of a site changed.",
)
DOCUMENT_GENERATED = MessageType(
    "documents.document.generated",
    1,
    DocumentGenerated,
    "A document was rendered in DOCX and PDF and stored.",
)
ROADMAP_OPENED = MessageType(
    "scheduling.roadmap.opened",
    1,
    RoadmapOpened,
    "A road map was opened for a new site.",
)

PERSON_UPSERTED = MessageType(
    "registry.person.upserted",
    1,
    PersonUpserted,
    "A person was created or changed (only the fields other services may see).",
)
APPLICATION_RETURNED = MessageType(
    "applications.application.returned",
    1,
    ApplicationReturned,
    "An application was returned to the school for more information.",
)
ORDER_ISSUED = MessageType(
    "applications.order.issued",
    1,
    OrderIssued,
    "An order confirmed a council decision on a site: assignment, extension or termination.",
)
SITE_EXPIRING = MessageType(
    "applications.site.expiring",
    1,
    SiteExpiring,
    "A site's term ends in 30 or 7 days.",
)
SITE_EXPIRED = MessageType(
    "applications.site.expired",
    1,
    SiteExpired,
    "A site's term ended without an extension.",
)
REPORT_DUE = MessageType(
    "applications.report.due",
    1,
    ReportDue,
    "A report a site owes is due soon or late.",
)
COUNCIL_MEETING_HELD = MessageType(
    "applications.meeting.held",
    1,
    CouncilMeetingHeld,
    "The methodical council met; its protocol and extracts are due.",
)

EVENT_REMINDER = MessageType(
    "scheduling.event.reminder",
    1,
    EventReminder,
    "An event is near: its registered participants are reminded.",
)

EVENT_CHANGED = MessageType(
    "scheduling.event.changed",
    1,
    EventChanged,
    "An event was created or changed (whole state, versioned).",
)
PARTICIPATION_CHANGED = MessageType(
    "scheduling.participation.changed",
    1,
    ParticipationChanged,
    "A registration for an event changed (no personal data; versioned).",
)
PLAN_CHANGED = MessageType(
    "scheduling.plan.changed",
    1,
    PlanChanged,
    "A work plan was created, changed or fulfilled (whole state, versioned).",
)
HEARTBEAT = MessageType(
    "federation.link.heartbeat",
    1,
    Heartbeat,
    "A district's periodic sign of life, for the centre's link status.",
)
RESYNC_REQUESTED = MessageType(
    "federation.resync.requested",
    1,
    ResyncRequested,
    "The centre asks districts to re-send their current state.",
)

CENTRE_REGISTRATION_REQUESTED = MessageType(
    "scheduling.centre_registration.requested",
    1,
    CentreRegistrationRequested,
    "A district registers a teacher for the centre's inter-municipal event (or withdraws).",
)
CENTRE_REGISTRATION_DECIDED = MessageType(
    "scheduling.centre_registration.decided",
    1,
    CentreRegistrationDecided,
    "The centre answers a district's registration (no personal data).",
)

ATTENDANCE_RECORDED = MessageType(
    "scheduling.attendance.recorded",
    1,
    AttendanceRecorded,
    "A participant's attendance was marked (for certificates and hours; stays in the district).",
)
ROADMAP_ITEM_OVERDUE = MessageType(
    "scheduling.roadmap_item.overdue",
    1,
    RoadmapItemOverdue,
    "A road-map row passed its deadline unfulfilled.",
)

REGISTRATION_CHANGED = MessageType(
    "scheduling.registration.changed",
    1,
    RegistrationChanged,
    "A teacher's registration changed (confirmed, waiting, moved up, cancelled).",
)
COUNCIL_MEETING_SCHEDULED = MessageType(
    "applications.meeting.scheduled",
    1,
    CouncilMeetingScheduled,
    "A meeting of the methodical council was called; its members are invited.",
)

LINK_ALERT = MessageType(
    "federation.link.alert",
    1,
    LinkAlert,
    "At the centre: a district's link is down past the threshold, or back.",
)

DEFICITS_SUMMARISED = MessageType(
    "growth.deficits.summarised",
    1,
    DeficitsSummarised,
    "A district's anonymous counts of professional deficits (crosses to the centre).",
)
SURVEY_OPENED = MessageType(
    "growth.survey.opened",
    1,
    SurveyOpened,
    "A needs survey was opened; its target teachers are asked to answer.",
)
TUTOR_APPOINTED = MessageType(
    "growth.tutor.appointed",
    1,
    TutorAppointed,
    "A tutor or mentor was appointed to teachers.",
)

RESOURCE_PUBLISHED = MessageType(
    "resources.resource.published",
    1,
    ResourcePublished,
    "A district published a reviewed resource to the centre's bank (crosses up).",
)
RESOURCE_WITHDRAWN = MessageType(
    "resources.resource.withdrawn",
    1,
    ResourceWithdrawn,
    "A district withdrew a resource from the centre's bank (crosses up).",
)
BANK_ENTRY_CHANGED = MessageType(
    "resources.bank_entry.changed",
    1,
    BankEntryChanged,
    "The centre's bank of best resources changed (crosses down to every district).",
)

ALL_MESSAGES: tuple[MessageType, ...] = (
    EVENT_REMINDER,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    APPLICATION_RETURNED,
    ORDER_ISSUED,
    SITE_EXPIRING,
    SITE_EXPIRED,
    REPORT_DUE,
    COUNCIL_MEETING_HELD,
    APPLICATION_SUBMITTED,
    DECISION_MADE,
    SITE_STATUS_CHANGED,
    DOCUMENT_GENERATED,
    ROADMAP_OPENED,
    EVENT_CHANGED,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    HEARTBEAT,
    RESYNC_REQUESTED,
    CENTRE_REGISTRATION_REQUESTED,
    CENTRE_REGISTRATION_DECIDED,
    ATTENDANCE_RECORDED,
    ROADMAP_ITEM_OVERDUE,
    REGISTRATION_CHANGED,
    COUNCIL_MEETING_SCHEDULED,
    LINK_ALERT,
    DEFICITS_SUMMARISED,
    SURVEY_OPENED,
    TUTOR_APPOINTED,
    RESOURCE_PUBLISHED,
    RESOURCE_WITHDRAWN,
    BANK_ENTRY_CHANGED,
)
BY_ROUTING_KEY = {m.routing_key: m for m in ALL_MESSAGES}
