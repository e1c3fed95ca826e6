"""Use cases: what the centre reads across its districts.

The centre's read models are small (a few districts, hundreds of sites, thousands of
events), so each view reads them whole in one transaction and builds its figures here.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from imc_contracts.vocabulary import SITE_KIND_TITLES, SITE_STATUS_TITLES
from imc_federation.db.models import (
    CentreEvent,
    CentreParticipation,
    CentrePlan,
    CentrePlanItem,
    CentreSite,
    DistrictActivity,
    LinkHeartbeat,
    Rejection,
)
from imc_federation.domain import plans as plan_rules
from imc_federation.domain import views
from imc_federation.domain.events import (
    EVENT_LEVEL_TITLES,
    EVENT_STATUS_TITLES,
    ORGANISER_KIND_TITLES,
)
from imc_federation.domain.links import HeartbeatSeen, LinkStatus, link_status
from imc_federation.domain.participation import Grouping, Registration, tally
from imc_federation.services.ingest import as_utc
from imc_federation.settings import FederationSettings
from imc_shared.db import Database
from imc_shared.errors import NotFound

ACTIVE_STATUSES = frozenset({"active", "extended"})
UPCOMING_LIMIT = 20


@dataclass(frozen=True)
class ReadModels:
    """Everything the centre holds, read in one transaction."""

    sites: list[CentreSite]
    events: list[CentreEvent]
    plans: list[CentrePlan]
    items: dict[UUID, list[CentrePlanItem]]
    participation: list[CentreParticipation]
    heartbeats: dict[str, LinkHeartbeat]
    activity: dict[str, DistrictActivity]
    rejected: dict[str, int]


async def read_models(*, database: Database) -> ReadModels:
    """Read every read model of the centre."""
    async with database.sessions() as session:
        sites = list((await session.scalars(sa.select(CentreSite))).all())
        events = list((await session.scalars(sa.select(CentreEvent))).all())
        plans = list((await session.scalars(sa.select(CentrePlan))).all())
        items: dict[UUID, list[CentrePlanItem]] = defaultdict(list)
        for item in await session.scalars(
            sa.select(CentrePlanItem).order_by(CentrePlanItem.plan_id, CentrePlanItem.position)
        ):
            items[item.plan_id].append(item)
        participation = list((await session.scalars(sa.select(CentreParticipation))).all())
        heartbeats = {row.district: row for row in await session.scalars(sa.select(LinkHeartbeat))}
        activity = {row.district: row for row in await session.scalars(sa.select(DistrictActivity))}
        rejected = {
            district: int(count)
            for district, count in await session.execute(
                sa.select(Rejection.claimed_district, sa.func.count()).group_by(
                    Rejection.claimed_district
                )
            )
        }
    return ReadModels(
        sites=sites,
        events=events,
        plans=plans,
        items=dict(items),
        participation=participation,
        heartbeats=heartbeats,
        activity=activity,
        rejected=rejected,
    )


def _local_date(value: datetime, zone: ZoneInfo) -> date:
    return as_utc(value).astimezone(zone).date()


def site_view(row: CentreSite, names: dict[str, str]) -> views.Site:
    """A site row as the centre shows it."""
    return views.Site(
        district=row.district,
        district_name=names.get(row.district, row.district),
        site_id=row.site_id,
        organisation_short_name=row.organisation_short_name,
        organisation_full_name=row.organisation_full_name,
        kind=row.kind,
        kind_title=SITE_KIND_TITLES.get(row.kind, row.kind),
        status=row.status,
        status_title=SITE_STATUS_TITLES.get(row.status, row.status),
        topic=row.topic,
        term_start=row.term_start,
        term_end=row.term_end,
        leader=views.Person(full_name=row.leader_name, position=row.leader_position),
        co_leader=views.Person(full_name=row.co_leader_name, position=row.co_leader_position or "")
        if row.co_leader_name
        else None,
        order_number=row.order_number,
        order_date=row.order_date,
        version=row.version,
        received_at=as_utc(row.received_at),
    )


def event_view(row: CentreEvent, names: dict[str, str]) -> views.Event:
    """An event row as the centre shows it."""
    return views.Event(
        district=row.district,
        district_name=names.get(row.district, row.district),
        event_id=row.event_id,
        title=row.title,
        form=row.form,
        form_title=row.form_title,
        level=row.level,
        level_title=EVENT_LEVEL_TITLES.get(row.level, row.level),
        organiser_kind=row.organiser_kind,
        organiser_kind_title=ORGANISER_KIND_TITLES.get(row.organiser_kind, row.organiser_kind),
        organiser_name=row.organiser_name,
        venue=row.venue,
        online_url=row.online_url,
        starts_at=as_utc(row.starts_at),
        ends_at=as_utc(row.ends_at),
        hours=row.hours,
        capacity=row.capacity,
        audience_subjects=[str(subject) for subject in row.audience_subjects],
        status=row.status,
        status_title=EVENT_STATUS_TITLES.get(row.status, row.status),
        registered=row.registered,
        waiting=row.waiting,
        attended=row.attended,
        intermunicipal=row.intermunicipal,
        version=row.version,
    )


def _fulfilment(items: Iterable[CentrePlanItem], today: date) -> plan_rules.Fulfilment:
    return plan_rules.fulfilment(
        (plan_rules.Item(deadline=i.deadline, done_on=i.done_on) for i in items), today=today
    )


def plan_view(
    row: CentrePlan, items: list[CentrePlanItem], names: dict[str, str], today: date
) -> views.Plan:
    """A plan row, its items and its fulfilment as of ``today``."""
    done = _fulfilment(items, today)
    return views.Plan(
        district=row.district,
        district_name=names.get(row.district, row.district),
        plan_id=row.plan_id,
        kind=row.kind,
        kind_title=plan_rules.PLAN_KIND_TITLES.get(row.kind, row.kind),
        title=row.title,
        school_year=row.school_year,
        subject=row.subject,
        status=row.status,
        status_title=plan_rules.PLAN_STATUS_TITLES.get(row.status, row.status),
        version=row.version,
        items_total=done.total,
        items_done=done.done,
        items_overdue=done.overdue,
        percent_done=done.percent,
        items=[
            views.PlanItem(
                item_id=item.item_id,
                title=item.title,
                deadline=item.deadline,
                done_on=item.done_on,
                overdue=item.done_on is None
                and item.deadline is not None
                and item.deadline < today,
            )
            for item in items
        ],
    )


def _sites(models: ReadModels, names: dict[str, str]) -> list[views.Site]:
    rows = sorted(
        models.sites,
        key=lambda r: (r.district, r.organisation_short_name, r.kind, r.term_start, r.site_id),
    )
    return [site_view(row, names) for row in rows]


def _events(models: ReadModels, names: dict[str, str]) -> list[views.Event]:
    rows = sorted(
        models.events, key=lambda r: (as_utc(r.starts_at), r.district, r.title, r.event_id)
    )
    return [event_view(row, names) for row in rows]


def _plans(models: ReadModels, names: dict[str, str], today: date) -> list[views.Plan]:
    rows = sorted(
        models.plans, key=lambda r: (r.district, r.school_year, r.kind, r.title, r.plan_id)
    )
    return [plan_view(row, models.items.get(row.plan_id, []), names, today) for row in rows]


def _registrations(rows: Iterable[CentreParticipation]) -> list[Registration]:
    return [
        Registration(
            district=row.district,
            organisation_short_name=row.organisation_short_name,
            subjects=tuple(str(subject) for subject in row.subjects),
            status=row.status,
            attended=row.attended,
            hours=row.hours_credited,
        )
        for row in rows
    ]


def _participation(
    rows: Iterable[CentreParticipation], by: Grouping, names: dict[str, str]
) -> list[views.Participation]:
    return [
        views.Participation(
            district=t.district,
            district_name=names.get(t.district, t.district),
            by=by,
            name=t.name,
            registrations=t.registrations,
            attended=t.attended,
            hours=t.hours,
        )
        for t in tally(_registrations(rows), by=by, district_names=names)
    ]


def today_in(settings: FederationSettings, now: datetime) -> date:
    """The centre's date at ``now``."""
    return now.astimezone(ZoneInfo(settings.time_zone)).date()


async def list_sites(
    *,
    database: Database,
    settings: FederationSettings,
    district: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> list[views.Site]:
    """Sites across districts, filtered, by district and organisation."""
    district = known_district(settings, district)
    models = await read_models(database=database)
    return [
        site
        for site in _sites(models, settings.district_names())
        if (not district or site.district == district)
        and (not kind or site.kind == kind)
        and (not status or site.status == status)
    ]


async def list_events(
    *,
    database: Database,
    settings: FederationSettings,
    district: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    intermunicipal: bool | None = None,
) -> list[views.Event]:
    """The calendar across districts (the centre's own events included), by start."""
    district = known_district(settings, district)
    zone = ZoneInfo(settings.time_zone)
    models = await read_models(database=database)
    return [
        event
        for event in _events(models, settings.district_names())
        if (not district or event.district == district)
        and (date_from is None or _local_date(event.starts_at, zone) >= date_from)
        and (date_to is None or _local_date(event.starts_at, zone) <= date_to)
        and (intermunicipal is None or event.intermunicipal == intermunicipal)
    ]


async def list_plans(
    *,
    database: Database,
    settings: FederationSettings,
    now: datetime,
    district: str | None = None,
    school_year: str | None = None,
) -> list[views.Plan]:
    """Work plans with their fulfilment as of the centre's today."""
    district = known_district(settings, district)
    models = await read_models(database=database)
    return [
        plan
        for plan in _plans(models, settings.district_names(), today_in(settings, now))
        if (not district or plan.district == district)
        and (not school_year or plan.school_year == school_year)
    ]


async def participation(
    *,
    database: Database,
    settings: FederationSettings,
    by: Grouping,
    district: str | None = None,
) -> list[views.Participation]:
    """Registrations confirmed, attended and hours, grouped; by district, then name."""
    district = known_district(settings, district)
    models = await read_models(database=database)
    rows = (row for row in models.participation if not district or row.district == district)
    return _participation(rows, by, settings.district_names())


def _link(code: str, models: ReadModels, settings: FederationSettings, now: datetime) -> views.Link:
    beat = models.heartbeats.get(code)
    activity = models.activity.get(code)
    status: LinkStatus = link_status(
        HeartbeatSeen(
            occurred_at=as_utc(beat.occurred_at),
            received_at=as_utc(beat.received_at),
            interval_seconds=beat.interval_seconds,
            sequence=beat.sequence,
            outbox_backlog=beat.outbox_backlog,
        )
        if beat
        else None,
        last_message_at=as_utc(activity.last_message_at) if activity else None,
        now=now,
        missed=settings.heartbeat_missed,
        alert_after_seconds=settings.link_down_alert_seconds,
    )
    return views.Link(
        district=code,
        district_name=settings.district_names().get(code, code),
        state=status.state,
        state_title=status.state_title,
        lag_seconds=status.lag_seconds,
        down_since=status.down_since,
        down_for_seconds=status.down_for_seconds,
        alert=status.alert,
        last_heartbeat_at=status.last_heartbeat_at,
        last_message_at=status.last_message_at,
        messages=activity.messages if activity else 0,
        outbox_backlog=status.outbox_backlog,
        rejected=models.rejected.get(code, 0),
    )


async def list_links(
    *, database: Database, settings: FederationSettings, now: datetime
) -> list[views.Link]:
    """The link of every federated district, by code."""
    models = await read_models(database=database)
    return [_link(code, models, settings, now) for code in sorted(settings.district_map())]


async def list_districts(
    *, database: Database, settings: FederationSettings, now: datetime
) -> list[views.District]:
    """The federated districts with what the centre holds from each."""
    models = await read_models(database=database)
    counts = {
        "sites": Counter(r.district for r in models.sites),
        "events": Counter(r.district for r in models.events),
        "plans": Counter(r.district for r in models.plans),
        "registrations": Counter(
            r.district for r in models.participation if r.status == "confirmed"
        ),
    }
    result = []
    for code in sorted(settings.district_map()):
        link = _link(code, models, settings, now)
        result.append(
            views.District(
                code=code,
                name=link.district_name,
                sites=counts["sites"][code],
                events=counts["events"][code],
                plans=counts["plans"][code],
                registrations=counts["registrations"][code],
                last_message_at=link.last_message_at,
                link=link,
            )
        )
    return result


def _summary(
    models: ReadModels, codes: set[str] | None, now: datetime, today: date
) -> dict[str, Any]:
    """The figures of the districts ``codes`` (all when ``None``), as Summary fields."""

    def mine(district: str) -> bool:
        return codes is None or district in codes

    sites = [r for r in models.sites if mine(r.district)]
    events = [r for r in models.events if mine(r.district)]
    plans = [r for r in models.plans if mine(r.district)]
    registrations = [r for r in models.participation if mine(r.district)]
    done = _fulfilment(
        (item for plan in plans for item in models.items.get(plan.plan_id, [])), today
    )
    return {
        "sites": len(sites),
        "sites_active": sum(1 for r in sites if r.status in ACTIVE_STATUSES),
        "events": len(events),
        "events_upcoming": sum(1 for r in events if _upcoming(r, now)),
        "plans": len(plans),
        "items_total": done.total,
        "items_done": done.done,
        "items_overdue": done.overdue,
        "plan_percent_done": done.percent if done.total else None,
        "registrations": sum(1 for r in registrations if r.status == "confirmed"),
        "attended": sum(1 for r in registrations if r.attended),
        "hours": sum(r.hours_credited for r in registrations),
    }


def _upcoming(row: CentreEvent, now: datetime) -> bool:
    return row.status == "planned" and as_utc(row.starts_at) >= now


def known_district(settings: FederationSettings, district: str | None) -> str | None:
    """``district`` if the centre knows it (a federated district or the centre itself),
    else :class:`NotFound` in Russian; ``None`` stays ``None`` (no filter)."""
    if district and district not in settings.district_names():
        raise NotFound(f"Округ «{district}» не входит в федерацию центра", field="district")
    return district or None


async def dashboard(
    *, database: Database, settings: FederationSettings, now: datetime
) -> views.Dashboard:
    """The whole centre: each district's figures, the centre's own, the totals, the links."""
    models = await read_models(database=database)
    today = today_in(settings, now)
    names = settings.district_names()
    lines = [
        views.DistrictSummary(
            code=code,
            name=names.get(code, code),
            link=_link(code, models, settings, now),
            **_summary(models, {code}, now, today),
        )
        for code in sorted(settings.district_map())
    ]
    links = [line.link for line in lines]
    return views.Dashboard(
        districts=lines,
        centre=views.CentreSummary(
            code=settings.district,
            name=names[settings.district],
            **_summary(models, {settings.district}, now, today),
        ),
        totals=views.Summary(**_summary(models, None, now, today)),
        links=views.LinkTotals(
            up=sum(1 for link in links if link.state == "up"),
            down=sum(1 for link in links if link.state == "down"),
            never=sum(1 for link in links if link.state == "never"),
            alert=sum(1 for link in links if link.alert),
        ),
    )


def _kind_order(kind: str) -> int:
    kinds = list(SITE_KIND_TITLES)
    return kinds.index(kind) if kind in kinds else len(kinds)


async def district_dashboard(
    *, database: Database, settings: FederationSettings, district: str, now: datetime
) -> views.DistrictDashboard:
    """One district in detail: sites by kind, upcoming events, plans, participation."""
    known_district(settings, district)
    models = await read_models(database=database)
    today = today_in(settings, now)
    names = settings.district_names()
    sites = sorted(
        (site for site in _sites(models, names) if site.district == district),
        key=lambda site: (_kind_order(site.kind), site.kind),
    )
    kinds = sorted({site.kind for site in sites}, key=lambda kind: (_kind_order(kind), kind))
    upcoming = [
        event
        for event in _events(models, names)
        if (event.district == district or event.intermunicipal)
        and event.status == "planned"
        and event.starts_at >= now
    ][:UPCOMING_LIMIT]
    registrations = _registrations(r for r in models.participation if r.district == district)
    return views.DistrictDashboard(
        code=district,
        name=names.get(district, district),
        summary=views.Summary(**_summary(models, {district}, now, today)),
        sites_by_kind=[
            views.SiteKindCount(
                kind=kind,
                kind_title=SITE_KIND_TITLES.get(kind, kind),
                sites=sum(1 for site in sites if site.kind == kind),
                active=sum(
                    1 for site in sites if site.kind == kind and site.status in ACTIVE_STATUSES
                ),
            )
            for kind in kinds
        ],
        sites=sites,
        events=upcoming,
        plans=[p for p in _plans(models, names, today) if p.district == district],
        participation_by_school=[
            views.SchoolParticipation(
                organisation_short_name=t.name,
                registrations=t.registrations,
                attended=t.attended,
                hours=t.hours,
            )
            for t in tally(registrations, by="school", district_names=names)
        ],
        participation_by_subject=[
            views.SubjectParticipation(
                subject=t.name, registrations=t.registrations, attended=t.attended, hours=t.hours
            )
            for t in tally(registrations, by="subject", district_names=names)
        ],
        link=_link(district, models, settings, now)
        if district in settings.district_map()
        else None,
    )


async def districts_without_data(*, database: Database, settings: FederationSettings) -> list[str]:
    """Federated districts the read models hold nothing from."""
    models = await read_models(database=database)
    seen = {
        row.district
        for rows in (models.sites, models.events, models.plans, models.participation)
        for row in rows
    }
    return [code for code in sorted(settings.district_map()) if code not in seen]
