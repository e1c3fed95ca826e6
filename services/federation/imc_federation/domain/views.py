"""What the centre shows: plain data, built by the use cases, served as JSON and XLSX."""

from datetime import date, datetime
from uuid import UUID

import msgspec


class Person(msgspec.Struct, kw_only=True):
    """A leader or co-leader."""

    full_name: str
    position: str


class Site(msgspec.Struct, kw_only=True):
    """A site of a district, as the centre knows it."""

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
    co_leader: Person | None
    order_number: str
    order_date: date
    version: int
    received_at: datetime


class Event(msgspec.Struct, kw_only=True):
    """An event of the calendar across districts."""

    district: str
    district_name: str
    event_id: UUID
    title: str
    form: str
    form_title: str
    level: str
    level_title: str
    organiser_kind: str
    organiser_kind_title: str
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    hours: int
    capacity: int | None
    audience_subjects: list[str]
    status: str
    status_title: str
    registered: int
    waiting: int
    attended: int
    intermunicipal: bool
    version: int


class PlanItem(msgspec.Struct, kw_only=True):
    """One item of a plan."""

    item_id: UUID
    title: str
    deadline: date | None
    done_on: date | None
    overdue: bool


class Plan(msgspec.Struct, kw_only=True):
    """A work plan with its fulfilment."""

    district: str
    district_name: str
    plan_id: UUID
    kind: str
    kind_title: str
    title: str
    school_year: str
    subject: str
    status: str
    status_title: str
    version: int
    items_total: int
    items_done: int
    items_overdue: int
    """Items whose deadline has passed and that are not done."""
    percent_done: float
    items: list[PlanItem]


class Participation(msgspec.Struct, kw_only=True):
    """Participation of one school, subject or district: counts, never a rank."""

    district: str
    district_name: str
    by: str
    """``school``, ``subject`` or ``district``: what ``name`` is."""
    name: str
    registrations: int
    """Confirmed registrations."""
    attended: int
    hours: int
    """Hours credited."""


class SchoolParticipation(msgspec.Struct, kw_only=True):
    """Participation of one school's teachers (a district's dashboard)."""

    organisation_short_name: str
    registrations: int
    attended: int
    hours: int


class SubjectParticipation(msgspec.Struct, kw_only=True):
    """Participation in the events of one subject (a district's dashboard)."""

    subject: str
    registrations: int
    attended: int
    hours: int


class Link(msgspec.Struct, kw_only=True):
    """A district's federation link."""

    district: str
    district_name: str
    state: str
    state_title: str
    lag_seconds: float | None
    down_since: datetime | None
    down_for_seconds: float | None
    alert: bool
    last_heartbeat_at: datetime | None
    last_message_at: datetime | None
    messages: int
    """Messages accepted from the district."""
    outbox_backlog: int | None
    """What the district's last heartbeat said it had not yet handed to its broker."""
    rejected: int
    """Messages refused as this district's (wrong link or another district's entity)."""


class District(msgspec.Struct, kw_only=True):
    """A federated district and what the centre has from it."""

    code: str
    name: str
    sites: int
    events: int
    plans: int
    registrations: int
    """Confirmed registrations."""
    last_message_at: datetime | None
    link: Link


class Summary(msgspec.Struct, kw_only=True):
    """Figures of a district (or their totals) on the centre's dashboard."""

    sites: int
    sites_active: int
    events: int
    events_upcoming: int
    plans: int
    items_total: int
    items_done: int
    items_overdue: int
    plan_percent_done: float | None
    """Percent of all plan items done; ``None`` when the plans have no items."""
    registrations: int
    """Confirmed registrations."""
    attended: int
    hours: int


class DistrictSummary(Summary, kw_only=True):
    """One district's line on the centre's dashboard."""

    code: str
    name: str
    link: Link


class CentreSummary(Summary, kw_only=True):
    """The centre's own line (its events, its plan): it has no link to itself."""

    code: str
    name: str


class LinkTotals(msgspec.Struct, kw_only=True):
    """How many links are in each state."""

    up: int
    down: int
    never: int
    alert: int


class Dashboard(msgspec.Struct, kw_only=True):
    """The whole centre: every district's figures, the centre's own, and the totals."""

    districts: list[DistrictSummary]
    centre: CentreSummary
    totals: Summary
    """Across the districts and the centre itself."""
    links: LinkTotals


class SiteKindCount(msgspec.Struct, kw_only=True):
    """How many sites of one kind a district has."""

    kind: str
    kind_title: str
    sites: int
    active: int


class DistrictDashboard(msgspec.Struct, kw_only=True):
    """One district in detail."""

    code: str
    name: str
    summary: Summary
    sites_by_kind: list[SiteKindCount]
    sites: list[Site]
    """Ordered by kind (as the regulations list them), then organisation."""
    events: list[Event]
    """Upcoming events: the district's own and the inter-municipal ones."""
    plans: list[Plan]
    participation_by_school: list[SchoolParticipation]
    participation_by_subject: list[SubjectParticipation]
    link: Link | None
    """``None`` for the centre itself."""


class DeficitLine(msgspec.Struct, kw_only=True):
    """A competency in a subject: open and closed deficits and the teachers who have one
    (in one district, or summed over districts). Counts only, never a name."""

    competency_code: str
    competency_title: str
    subject: str
    """Empty: deficits found across subjects."""
    subject_title: str
    open: int
    closed: int
    closure_rate: float | None
    """``closed / (open + closed)``, from 0 to 1; ``None`` when there are no deficits."""
    teachers: int
    """Distinct teachers with a deficit of this competency in this subject."""


class DistrictDeficits(msgspec.Struct, kw_only=True):
    """One district's summary as the centre last received it."""

    code: str
    name: str
    reported: bool
    """Whether the district has sent a summary at all (if not, every figure is 0)."""
    version: int | None
    as_of: datetime | None
    """When the district took its figures."""
    received_at: datetime | None
    teachers_with_routes: int
    """Teachers with an individual educational route (ИОМ)."""
    open: int
    closed: int
    closure_rate: float | None
    lines: list[DeficitLine]
    """By subject (no subject last), then competency."""


class SubjectDeficits(msgspec.Struct, kw_only=True):
    """One subject across the districts: its competencies with the districts' sums.

    No teacher count for the subject as a whole: one teacher may lack several
    competencies, so the lines' teachers do not add up."""

    subject: str
    subject_title: str
    open: int
    closed: int
    closure_rate: float | None
    lines: list[DeficitLine]


class DeficitTotals(msgspec.Struct, kw_only=True):
    """Across the districts shown."""

    districts: int
    """Districts shown."""
    districts_reported: int
    """Of them, those that have sent a summary."""
    teachers_with_routes: int
    open: int
    closed: int
    closure_rate: float | None


class Deficits(msgspec.Struct, kw_only=True):
    """The centre's anonymous view of professional deficits: by district, by subject and
    competency, and the totals. Only counts leave a district."""

    districts: list[DistrictDeficits]
    """Every federated district (those without a summary too), then any other that sent
    one (the centre itself), by code."""
    subjects: list[SubjectDeficits]
    """By subject name, the lines with no subject last."""
    totals: DeficitTotals
