"""The instance's published plans for everyone (``/public/plans`` of scheduling).

Scheduling publishes a plan once it is approved and published (000 §3.6.2); its public
endpoints give the plans with their sections, items and the road-map rows of the sites
agreed with each item. Road maps as such have no public endpoint: the page shows the rows
linked to the published plans, grouped by site.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

import msgspec

from imc_portal.clients import BackendClient


class RoadmapRow(msgspec.Struct, kw_only=True):
    """A site's road-map row agreed with a plan item."""

    id: UUID
    roadmap_id: UUID
    site_id: UUID
    roadmap_title: str
    organisation_short_name: str
    title: str
    deadline: date
    state: str
    state_title: str


class PlanItem(msgspec.Struct, kw_only=True):
    """An item of a plan."""

    id: UUID
    position: int
    title: str
    form_title: str = ""
    responsible_name: str = ""
    deadline: date | None = None
    deadline_text: str = ""
    expected_result: str = ""
    done_on: date | None = None
    roadmap_rows: list[RoadmapRow] = msgspec.field(default_factory=list)


class PlanSection(msgspec.Struct, kw_only=True):
    """A section of a plan with its items."""

    id: UUID
    position: int
    title: str
    items: list[PlanItem]


class Plan(msgspec.Struct, kw_only=True):
    """A published plan (``GET /public/plans/{id}``)."""

    id: UUID
    kind: str
    kind_title: str
    title: str
    school_year: str
    subject: str = ""
    status: str
    status_title: str
    approved_by: str = ""
    approval_document: str = ""
    approved_on: date | None = None
    published_at: datetime | None = None
    sections: list[PlanSection] = msgspec.field(default_factory=list)


@dataclass
class SiteRoadmap:
    """One site's road map as far as the published plans show it."""

    roadmap_id: UUID
    title: str
    organisation: str
    rows: list[RoadmapRow] = field(default_factory=list)


def roadmaps_of(plans: list[Plan]) -> list[SiteRoadmap]:
    """The road-map rows linked to the plans' items, grouped by road map, by deadline."""
    found: dict[UUID, SiteRoadmap] = {}
    seen: set[UUID] = set()
    for plan in plans:
        for section in plan.sections:
            for item in section.items:
                for row in item.roadmap_rows:
                    if row.id in seen:
                        continue
                    seen.add(row.id)
                    roadmap = found.setdefault(
                        row.roadmap_id,
                        SiteRoadmap(row.roadmap_id, row.roadmap_title, row.organisation_short_name),
                    )
                    roadmap.rows.append(row)
    for roadmap in found.values():
        roadmap.rows.sort(key=lambda r: (r.deadline, r.title))
    return sorted(found.values(), key=lambda r: (r.organisation, r.title))


async def published_plans(scheduling: BackendClient) -> list[Plan]:
    """Every published plan with its sections and items, newest school year first."""
    listed = await scheduling.get_json("/public/plans", list[Plan])
    return [await scheduling.get_json(f"/public/plans/{p.id}", Plan) for p in listed]
