"""The centre's pages: the dashboard of all districts, one district's page, the calendar,
and the aggregator's XLSX reports passed through.

Lists that concern schools or subjects are ordered by name and never by their figures:
the centre compares no school with another (no league tables).
"""

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from imc_portal.api.schemas import (
    CentreEvent,
    CentreSite,
    DashboardDistrict,
    DashboardTotals,
    DistrictDashboard,
    Event,
    Link,
    Plan,
    SchoolParticipation,
    SubjectParticipation,
)
from imc_portal.clients import (
    BackendNotFoundError,
    Download,
    FederationClient,
    unknown_district,
    unknown_report,
)
from imc_portal.services.catalogue import name_key

E = TypeVar("E", bound=Event)

REPORT_TITLES = {
    "sites": "Методические площадки",
    "events": "Мероприятия",
    "plans": "Планы работы",
    "participation": "Участие педагогов в мероприятиях",
    "links": "Состояние связи с округами",
}
"""The aggregator's XLSX reports, by the name in ``/export/{report}.xlsx``."""

PLAN_STATUS_TITLES = {"draft": "проект", "approved": "утверждён", "published": "опубликован"}

# District codes are slugs; anything else is refused before it reaches a URL.
_CODE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@dataclass(frozen=True)
class CentreDashboard:
    """What the centre's home page shows."""

    districts: list[DashboardDistrict]
    totals: DashboardTotals

    @property
    def alerts(self) -> list[DashboardDistrict]:
        """Districts whose link has been down longer than the alert threshold."""
        return [district for district in self.districts if district.link.alert]


@dataclass(frozen=True)
class KindGroup:
    """The sites of one kind on a district's page."""

    kind: str
    kind_title: str
    sites: list[CentreSite]


@dataclass(frozen=True)
class Participation:
    """Registrations, attendance and hours summed over some lines."""

    registrations: int
    attended: int
    hours: float


@dataclass(frozen=True)
class DistrictPage:
    """What one district's page shows."""

    code: str
    name: str
    link: Link
    site_groups: list[KindGroup]
    events: list[Event]
    plans: list[Plan]
    schools: list[SchoolParticipation]
    subjects: list[SubjectParticipation]

    @property
    def site_count(self) -> int:
        """Sites of the district."""
        return sum(len(group.sites) for group in self.site_groups)

    @property
    def participation(self) -> Participation:
        """Participation of all the district's schools."""
        return Participation(
            registrations=sum(line.registrations for line in self.schools),
            attended=sum(line.attended for line in self.schools),
            hours=sum(line.hours for line in self.schools),
        )


@dataclass(frozen=True)
class EventDay:
    """The events of one day in the calendar."""

    day: date
    events: list[CentreEvent]


@dataclass(frozen=True)
class Calendar:
    """What the calendar shows: the period, the chosen district and the days."""

    date_from: date | None
    date_to: date | None
    district: str | None
    districts: list[Link]
    days: list[EventDay]

    @property
    def event_count(self) -> int:
        """Events in the calendar."""
        return sum(len(day.events) for day in self.days)


def is_district_code(code: str) -> bool:
    """Whether ``code`` can be a district's code (a slug)."""
    return bool(code) and set(code) <= _CODE_CHARACTERS


def plan_status_title(status: str) -> str:
    """The Russian name of a plan's status; the code itself when unknown."""
    return PLAN_STATUS_TITLES.get(status, status)


def sorted_dashboard_districts(districts: Iterable[DashboardDistrict]) -> list[DashboardDistrict]:
    """Districts in the order of their names."""
    return sorted(districts, key=lambda district: (name_key(district.name), district.code))


def group_sites_by_kind(sites: Iterable[CentreSite]) -> list[KindGroup]:
    """Sites by kind (kinds by name), in each kind by organisation and term."""
    groups: dict[str, KindGroup] = {}
    ordered = sorted(
        sites, key=lambda site: (name_key(site.organisation_short_name), site.term_start)
    )
    for site in ordered:
        group = groups.setdefault(site.kind, KindGroup(site.kind, site.kind_title, []))
        group.sites.append(site)
    return sorted(groups.values(), key=lambda group: (name_key(group.kind_title), group.kind))


def sorted_events(events: Iterable[E]) -> list[E]:
    """Events by start, then by title."""
    return sorted(events, key=lambda event: (event.starts_at, name_key(event.title)))


def group_events_by_day(events: Iterable[CentreEvent], zone: ZoneInfo) -> list[EventDay]:
    """Events by the day they start on in ``zone``, days in order."""
    days: dict[date, list[CentreEvent]] = {}
    for event in sorted_events(events):
        days.setdefault(local_day(event.starts_at, zone), []).append(event)
    return [EventDay(day=day, events=day_events) for day, day_events in days.items()]


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day of ``moment`` in ``zone``; naive values are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def district_page(dashboard: DistrictDashboard) -> DistrictPage:
    """Shape a district's dashboard for its page; schools and subjects by name only."""
    return DistrictPage(
        code=dashboard.code,
        name=dashboard.name or dashboard.code,
        link=dashboard.link,
        site_groups=group_sites_by_kind(dashboard.sites),
        events=sorted_events(dashboard.events),
        plans=sorted(dashboard.plans, key=lambda plan: (plan.school_year, name_key(plan.title))),
        schools=sorted(
            dashboard.participation_by_school,
            key=lambda line: name_key(line.organisation_short_name),
        ),
        subjects=sorted(
            dashboard.participation_by_subject, key=lambda line: name_key(line.subject)
        ),
    )


async def centre_dashboard(*, federation: FederationClient) -> CentreDashboard:
    """The centre's dashboard from the aggregator, districts by name."""
    dashboard = await federation.dashboard()
    return CentreDashboard(
        districts=sorted_dashboard_districts(dashboard.districts), totals=dashboard.totals
    )


async def district_data(*, federation: FederationClient, code: str) -> DistrictDashboard:
    """One district's dashboard as the aggregator gives it; :class:`BackendNotFoundError`
    when the centre has no such district."""
    if not is_district_code(code):
        raise BackendNotFoundError(unknown_district(code))
    return await federation.district_dashboard(code)


async def district_dashboard(*, federation: FederationClient, code: str) -> DistrictPage:
    """One district's page; :class:`BackendNotFoundError` when the centre has no such district."""
    return district_page(await district_data(federation=federation, code=code))


async def calendar(
    *,
    federation: FederationClient,
    zone: ZoneInfo,
    district: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Calendar:
    """Events across districts between two dates, by day; the districts for the filter."""
    events, links = await asyncio.gather(
        federation.events(district=district, date_from=date_from, date_to=date_to),
        federation.links(),
    )
    return Calendar(
        date_from=date_from,
        date_to=date_to,
        district=district,
        districts=sorted(links, key=lambda link: (name_key(link.district_name), link.district)),
        days=group_events_by_day(events, zone),
    )


async def export(
    *, federation: FederationClient, report: str, district: str | None = None
) -> Download:
    """An XLSX report of the aggregator, streamed; :class:`BackendNotFoundError` for an
    unknown report or district."""
    if report not in REPORT_TITLES:
        raise BackendNotFoundError(unknown_report(report))
    if district is not None and not is_district_code(district):
        raise BackendNotFoundError(unknown_district(district))
    return await federation.export(report, district=district)
