"""HTTP schemas of the scheduling service."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from imc_scheduling.db.models import Event as EventRow
from imc_scheduling.db.models import Registration as RegistrationRow
from imc_scheduling.db.models import Roadmap as RoadmapRow
from imc_scheduling.domain.events import (
    EVENT_FORM_TITLES,
    EVENT_LEVEL_TITLES,
    EVENT_STATUS_TITLES,
    ITEM_STATE_TITLES,
    ORGANISER_KIND_TITLES,
    REGISTRATION_STATUS_TITLES,
)


class Roadmap(msgspec.Struct, kw_only=True):
    """A site's road map (empty until events are planned)."""

    id: UUID
    site_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    title: str
    topic: str
    period_start: date
    period_end: date
    status: str
    opened_at: datetime

    @classmethod
    def of(cls, row: RoadmapRow) -> "Roadmap":
        """Map a row."""
        return cls(**{f: getattr(row, f) for f in cls.__struct_fields__})


class Material(msgspec.Struct, kw_only=True):
    """A material of an event: a presentation, a programme, a recording."""

    title: str
    url: str = ""


class EventIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new event. Naive times are read in the district's time zone (IMC_TIME_ZONE)."""

    title: str
    form: str
    level: str
    organiser_kind: str
    starts_at: datetime
    ends_at: datetime
    organiser_id: UUID | None = None
    organiser_name: str = ""
    description: str = ""
    venue: str = ""
    online_url: str = ""
    capacity: int | None = None
    hours: int = 0
    audience_subjects: list[str] = msgspec.field(default_factory=list)
    audience_categories: list[str] = msgspec.field(default_factory=list)
    audience_low_results: bool = False
    audience_organisation_ids: list[UUID] = msgspec.field(default_factory=list)
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    materials: list[Material] = msgspec.field(default_factory=list)
    results: str = ""
    responsible_person_id: UUID | None = None
    responsible_name: str = ""
    roadmap_item_id: UUID | None = None
    internship_id: UUID | None = None
    """Makes the event a day of an internship programme (before its group is fixed)."""


class EventPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to an event; fields left out stay. Moving an occurrence of a series is a
    patch of its ``starts_at``/``ends_at``."""

    title: str | msgspec.UnsetType = msgspec.UNSET
    form: str | msgspec.UnsetType = msgspec.UNSET
    level: str | msgspec.UnsetType = msgspec.UNSET
    organiser_kind: str | msgspec.UnsetType = msgspec.UNSET
    organiser_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    organiser_name: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    venue: str | msgspec.UnsetType = msgspec.UNSET
    online_url: str | msgspec.UnsetType = msgspec.UNSET
    starts_at: datetime | msgspec.UnsetType = msgspec.UNSET
    ends_at: datetime | msgspec.UnsetType = msgspec.UNSET
    capacity: int | msgspec.UnsetType | None = msgspec.UNSET
    hours: int | msgspec.UnsetType = msgspec.UNSET
    audience_subjects: list[str] | msgspec.UnsetType = msgspec.UNSET
    audience_categories: list[str] | msgspec.UnsetType = msgspec.UNSET
    audience_low_results: bool | msgspec.UnsetType = msgspec.UNSET
    audience_organisation_ids: list[UUID] | msgspec.UnsetType = msgspec.UNSET
    registration_opens_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    registration_closes_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    materials: list[Material] | msgspec.UnsetType = msgspec.UNSET
    results: str | msgspec.UnsetType = msgspec.UNSET
    responsible_person_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    responsible_name: str | msgspec.UnsetType = msgspec.UNSET
    roadmap_item_id: UUID | msgspec.UnsetType | None = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        """The fields given, as plain values."""
        out: dict[str, Any] = {}
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is not msgspec.UNSET:
                out[name] = value
        return out


class SeriesIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A series planned once: the first occurrence and an RFC 5545 RRULE, e.g.
    ``FREQ=MONTHLY;BYDAY=+3WE;COUNT=9`` (every third Wednesday)."""

    event: EventIn
    rrule: str


class EventOut(msgspec.Struct, kw_only=True):
    """An event as the API shows it."""

    id: UUID
    title: str
    description: str
    form: str
    form_title: str
    level: str
    level_title: str
    organiser_kind: str
    organiser_kind_title: str
    organiser_id: UUID | None
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    hours: int
    audience_subjects: list[str]
    audience_categories: list[str]
    audience_low_results: bool
    audience_organisation_ids: list[str]
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    materials: list[Material]
    results: str
    responsible_person_id: UUID | None
    responsible_name: str
    status: str
    status_title: str
    series_id: UUID | None
    roadmap_item_id: UUID | None
    internship_id: UUID | None
    seats_taken: int
    waiting: int

    @classmethod
    def of(cls, row: EventRow, *, seats_taken: int = 0, waiting: int = 0) -> "EventOut":
        """Map a row with its seat counts."""
        plain = {
            f: getattr(row, f)
            for f in cls.__struct_fields__
            if f
            not in {
                "form_title",
                "level_title",
                "organiser_kind_title",
                "status_title",
                "seats_taken",
                "waiting",
                "materials",
            }
        }
        return cls(
            **plain,
            materials=[Material(**m) for m in row.materials],
            form_title=EVENT_FORM_TITLES.get(row.form, row.form),
            level_title=EVENT_LEVEL_TITLES.get(row.level, row.level),
            organiser_kind_title=ORGANISER_KIND_TITLES.get(row.organiser_kind, row.organiser_kind),
            status_title=EVENT_STATUS_TITLES.get(row.status, row.status),
            seats_taken=seats_taken,
            waiting=waiting,
        )


class SeriesOut(msgspec.Struct, kw_only=True):
    """A series and its occurrences."""

    id: UUID
    rrule: str
    events: list[EventOut]


class CancelIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why an event is cancelled."""

    reason: str = ""


class RegistrationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A teacher (a registry person) registers, or the school registers them."""

    person_id: UUID
    full_name: str
    organisation_id: UUID | None = None
    registered_by: str = "self"
    """``self`` or ``school``."""


class RegistrationOut(msgspec.Struct, kw_only=True):
    """A registration; ``checkin_code`` is the personal self check-in code."""

    id: UUID
    event_id: UUID
    person_id: UUID
    full_name: str
    organisation_id: UUID | None
    registered_by: str
    status: str
    status_title: str
    waiting_position: int | None
    attended: bool
    attended_at: datetime | None
    checkin_method: str
    hours_credited: int
    checkin_code: str
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    """Who cancelled it: ``self``, ``school`` or ``organiser``; ``None`` unless
    cancelled (a cancelled event leaves the registration's status as it was)."""
    cancelled_by_name: str | None

    @classmethod
    def of(
        cls, row: RegistrationRow, *, code: str, waiting_position: int | None = None
    ) -> "RegistrationOut":
        """Map a row."""
        skip = {"status_title", "waiting_position", "checkin_code"}
        plain = {f: getattr(row, f) for f in cls.__struct_fields__ if f not in skip}
        return cls(
            **plain,
            status_title=REGISTRATION_STATUS_TITLES.get(row.status, row.status),
            waiting_position=waiting_position,
            checkin_code=code,
        )


class AttendanceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The organiser marks who was present (or not)."""

    person_ids: list[UUID]
    attended: bool = True


class CheckInIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Self check-in with the personal code."""

    code: str


class HoursItem(msgspec.Struct, kw_only=True):
    """One attended event in a teacher's record of professional development."""

    event_id: UUID
    title: str
    form: str
    form_title: str
    starts_at: datetime
    hours: int


class HoursOut(msgspec.Struct, kw_only=True):
    """A teacher's record of professional development in the district."""

    person_id: UUID
    total_hours: int
    events: list[HoursItem]


class FeedTokenOut(msgspec.Struct, kw_only=True):
    """The private address of a person's calendar."""

    person_id: UUID
    token: str
    path: str


class RoadmapItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A road-map row (001 §4.6)."""

    title: str
    form: str
    responsible_name: str
    deadline: date
    expected_result: str = ""
    responsible_person_id: UUID | None = None
    plan_item_id: UUID | None = None
    """The item of the district's IMC plan (kind ``imc``) the row carries out."""


class LinkedEvent(msgspec.Struct, kw_only=True):
    """An event fulfilling a road-map row, with its attendance."""

    id: UUID
    title: str
    starts_at: datetime
    status: str
    attended: int


class RoadmapItemOut(msgspec.Struct, kw_only=True):
    """A road-map row with its computed state (plan versus fact)."""

    id: UUID
    roadmap_id: UUID
    title: str
    form: str
    form_title: str
    responsible_name: str
    responsible_person_id: UUID | None
    deadline: date
    quarter: str
    expected_result: str
    state: str
    state_title: str
    events: list[LinkedEvent]
    plan_item_id: UUID | None = None
    overdue_notified_at: datetime | None = None
    """When the site's leader and curator were alerted that the row is overdue."""


class QuarterProgress(msgspec.Struct, kw_only=True):
    """Plan versus fact of one quarter."""

    quarter: str
    planned: int
    done: int
    cancelled: int
    overdue: int
    total: int


class RoadmapProgress(msgspec.Struct, kw_only=True):
    """Progress of a road map per quarter, computed from events and attendance."""

    roadmap_id: UUID
    quarters: list[QuarterProgress]
    overdue_items: list[RoadmapItemOut]


class FormOut(msgspec.Struct, kw_only=True):
    """A code with its Russian title."""

    code: str
    title: str


def state_title(state: str) -> str:
    """Russian title of a road-map row state."""
    return ITEM_STATE_TITLES.get(state, state)


class RegistrationCancelOut(msgspec.Struct, kw_only=True):
    """A cancelled registration and who moved up from the waiting list."""

    registration: RegistrationOut
    promoted: list[RegistrationOut]


class PlanIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new plan (a draft)."""

    kind: str
    title: str
    school_year: str
    subject: str = ""


class PlanSectionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new section of a plan."""

    title: str


class PlanItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new item of a plan section; the deadline is a date or a text («в течение года»)."""

    title: str
    responsible_name: str
    form: str = ""
    responsible_person_id: UUID | None = None
    deadline: date | None = None
    deadline_text: str = ""
    expected_result: str = ""


class PlanApprovalIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who approved the plan and by which document (002 §6.1, 000 §3.6.2)."""

    approved_by: str
    approval_document: str
    approved_on: date


class PlanFulfilmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An item of an approved plan was fulfilled: when, and what was done."""

    done_on: date
    note: str = ""


class PlanRoadmapRow(msgspec.Struct, kw_only=True):
    """A site's road-map row agreed with a plan item (000 §3.6.1)."""

    id: UUID
    roadmap_id: UUID
    site_id: UUID
    roadmap_title: str
    organisation_short_name: str
    title: str
    deadline: date
    state: str
    state_title: str


class PlanItemOut(msgspec.Struct, kw_only=True):
    """An item of a plan."""

    id: UUID
    position: int
    title: str
    form: str
    form_title: str
    responsible_name: str
    responsible_person_id: UUID | None
    deadline: date | None
    deadline_text: str
    expected_result: str
    done_on: date | None = None
    done_note: str = ""
    roadmap_rows: list[PlanRoadmapRow] = msgspec.field(default_factory=list)
    """Road-map rows of the sites agreed with this item, with their computed state."""
    linked_rows_done: int = 0
    """How many of them are done (the item itself is fulfilled only when marked so)."""
    linked_rows_total: int = 0


class PlanSectionOut(msgspec.Struct, kw_only=True):
    """A section with its items."""

    id: UUID
    position: int
    title: str
    items: list[PlanItemOut]


class PlanOut(msgspec.Struct, kw_only=True):
    """A plan with its sections and items."""

    id: UUID
    kind: str
    kind_title: str
    title: str
    school_year: str
    subject: str
    status: str
    status_title: str
    approved_by: str
    approval_document: str
    approved_on: date | None
    published_at: datetime | None
    sections: list[PlanSectionOut]


class OverdueRow(msgspec.Struct, kw_only=True):
    """An overdue road-map row with the site it belongs to."""

    roadmap_id: UUID
    site_id: UUID
    roadmap_title: str
    organisation_short_name: str
    item: RoadmapItemOut


class InternshipIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new internship programme of a site; its days are events with ``internship_id``."""

    title: str
    site_id: UUID
    organiser_name: str = ""
    min_attendance_percent: int = 100
    """Share of the days a participant must attend to complete the internship."""


class ParticipantIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A member of the group."""

    person_id: UUID
    full_name: str
    organisation_id: UUID | None = None


class StatementIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The organiser's conclusion in a participant's final statement."""

    conclusion: str


class StatementOut(msgspec.Struct, kw_only=True):
    """A participant's final statement (computed until issued)."""

    person_id: UUID
    full_name: str
    organisation_id: UUID | None
    days_total: int
    days_attended: int
    hours: int
    outcome: str
    outcome_title: str
    conclusion: str
    issued_at: datetime | None


class InternshipOut(msgspec.Struct, kw_only=True):
    """An internship programme with its days and group."""

    id: UUID
    title: str
    site_id: UUID
    organiser_name: str
    min_attendance_percent: int
    group_fixed_at: datetime | None
    days: list[EventOut]
    participants: list[StatementOut]


class CentreEventOut(msgspec.Struct, kw_only=True):
    """An inter-municipal event of the centre (ММЦ), as the district last heard of it."""

    event_id: UUID
    version: int
    title: str
    form: str
    form_title: str
    level: str
    level_title: str
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    hours: int
    audience_subjects: list[str]
    audience_categories: list[str]
    status: str
    status_title: str
    registered: int
    waiting: int
    centre: str


class CentreRegistrationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A district teacher registered for the centre's (ММЦ) inter-municipal event."""

    person_id: UUID
    full_name: str
    position: str = ""
    organisation_id: UUID | None = None


class CentreRegistrationOut(msgspec.Struct, kw_only=True):
    """A district's registration for a centre's event with the centre's last answer."""

    id: UUID
    event_id: UUID
    person_id: UUID
    full_name: str
    position: str
    organisation_id: UUID | None
    organisation_short_name: str
    status: str
    status_title: str
    queue_number: int | None
    """Place on the centre's waiting list."""
    reason: str
    """Why the centre refused."""
    created_at: datetime
    updated_at: datetime


class CentrePlanItemOut(msgspec.Struct, kw_only=True):
    """An item of a centre's plan with its fulfilment."""

    item_id: UUID
    title: str
    deadline: date | None
    done_on: date | None
    overdue: bool


class CentrePlanOut(msgspec.Struct, kw_only=True):
    """A plan of the centre (ММЦ), as the district last heard of it, with fulfilment."""

    plan_id: UUID
    version: int
    kind: str
    kind_title: str
    title: str
    school_year: str
    subject: str
    status: str
    status_title: str
    items: list[CentrePlanItemOut]
    items_total: int
    items_done: int
    items_overdue: int
    done_percent: int
    centre: str
