"""What the portal reads from the registry and the aggregator, and what it serves.

Unknown fields are ignored, so a backend may add fields without breaking the portal.
"""

from datetime import date, datetime
from uuid import UUID

import msgspec


class Person(msgspec.Struct, kw_only=True):
    """A leader or co-leader of a site."""

    full_name: str
    position: str


class Site(msgspec.Struct, kw_only=True):
    """A site of the district as the registry returns it (``GET /sites``)."""

    id: UUID
    organisation_id: UUID
    organisation_short_name: str
    organisation_full_name: str
    kind: str
    kind_title: str
    status: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: Person
    co_leader: Person | None = None
    order_number: str
    order_date: date


class IntermunicipalSite(msgspec.Struct, kw_only=True):
    """A working inter-municipal site of the centre (ММЦ) as the district's registry
    publishes it (``GET /public/centre-sites``)."""

    site_id: UUID
    organisation_short_name: str
    organisation_full_name: str
    kind: str
    kind_title: str
    status: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: Person
    co_leader: Person | None = None
    order_number: str
    order_date: date


class CentreSite(msgspec.Struct, kw_only=True):
    """A site of some district as the centre's aggregator returns it (``GET /sites``)."""

    district: str
    district_name: str
    site_id: UUID
    organisation_short_name: str
    organisation_full_name: str
    kind: str
    kind_title: str
    status: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: Person
    co_leader: Person | None = None
    order_number: str
    order_date: date
    received_at: datetime


class District(msgspec.Struct, kw_only=True):
    """A district known to the centre (``GET /districts`` of the aggregator)."""

    code: str
    name: str
    sites: int
    last_message_at: datetime | None = None


class Link(msgspec.Struct, kw_only=True):
    """The state of a district's federation link (``GET /links`` of the aggregator).

    ``state`` is ``never`` (nothing received yet), ``up`` or ``down``; ``alert`` is set
    when the link has been down longer than the centre's alert threshold.
    """

    district: str
    district_name: str
    state: str
    state_title: str
    last_message_at: datetime | None = None
    last_heartbeat_at: datetime | None = None
    lag_seconds: float | None = None
    down_for_seconds: float | None = None
    alert: bool = False
    messages: int = 0
    rejected: int = 0


class DashboardDistrict(msgspec.Struct, kw_only=True):
    """One district's line on the centre's dashboard."""

    code: str
    name: str
    sites: int
    events_upcoming: int
    plans: int
    plan_percent_done: float | None = None
    registrations: int
    attended: int
    hours: float
    link: Link


class DashboardTotals(msgspec.Struct, kw_only=True):
    """The centre's totals across districts."""

    sites: int
    events_upcoming: int
    registrations: int
    attended: int
    hours: float


class Dashboard(msgspec.Struct, kw_only=True):
    """The whole centre (``GET /dashboard`` of the aggregator)."""

    districts: list[DashboardDistrict]
    totals: DashboardTotals


class Event(msgspec.Struct, kw_only=True):
    """An event of a district's calendar as the aggregator knows it."""

    event_id: UUID
    title: str
    form_title: str
    starts_at: datetime
    ends_at: datetime
    venue: str | None = None
    online_url: str | None = None
    organiser_name: str
    hours: float
    status: str
    status_title: str
    registered: int
    capacity: int | None = None
    intermunicipal: bool = False


class CentreEvent(Event, kw_only=True):
    """An event in the centre's calendar across districts (``GET /events``)."""

    district: str
    district_name: str


class Plan(msgspec.Struct, kw_only=True):
    """A work plan of a district and how far it is fulfilled."""

    plan_id: UUID
    kind_title: str
    title: str
    school_year: str
    subject: str | None = None
    status: str
    items_total: int
    items_done: int
    items_overdue: int
    percent_done: float


class SchoolParticipation(msgspec.Struct, kw_only=True):
    """Participation of one school's teachers in events."""

    organisation_short_name: str
    registrations: int
    attended: int
    hours: float


class SubjectParticipation(msgspec.Struct, kw_only=True):
    """Participation in events on one subject."""

    subject: str
    registrations: int
    attended: int
    hours: float


class DistrictDashboard(msgspec.Struct, kw_only=True):
    """One district's dashboard (``GET /dashboard/{district}`` of the aggregator)."""

    code: str
    name: str
    link: Link
    sites: list[CentreSite]
    events: list[Event]
    plans: list[Plan]
    participation_by_school: list[SchoolParticipation]
    participation_by_subject: list[SubjectParticipation]


class PublicSite(msgspec.Struct, kw_only=True):
    """A working site as the registry publishes it (``GET /public/sites``): names only."""

    id: UUID
    organisation_short_name: str
    kind: str
    kind_title: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: str
    co_leader: str | None = None
    order_number: str
    order_date: date


class Application(msgspec.Struct, kw_only=True):
    """An application for a site status (``GET /applications`` of the applications service)."""

    id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind_title: str
    topic: str
    status: str
    status_title: str
    created_at: datetime
    submitted_at: datetime | None = None


class MeetingItem(msgspec.Struct, kw_only=True):
    """A question on the agenda of a council meeting."""

    number: int
    type_title: str
    title: str
    organisation_short_name: str | None = None


class Meeting(msgspec.Struct, kw_only=True):
    """A meeting of the methodical council (``GET /meetings``)."""

    id: UUID
    protocol_number: str
    held_on: date
    place: str
    status: str
    items: list[MeetingItem]


class ScheduledEvent(msgspec.Struct, kw_only=True):
    """An event of the district (``GET /events`` of the scheduling service)."""

    id: UUID
    title: str
    form_title: str
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    status: str
    status_title: str
    seats_taken: int = 0


class Registration(msgspec.Struct, kw_only=True):
    """A registration for an event (``GET /events/{id}/registrations``)."""

    id: UUID
    event_id: UUID
    person_id: UUID
    status: str
    status_title: str
    waiting_position: int | None = None
