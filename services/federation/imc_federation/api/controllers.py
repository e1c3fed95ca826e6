"""Aggregator HTTP controllers: sites and districts across the federation."""

from collections import Counter

from litestar import Controller, get

from imc_contracts.vocabulary import SITE_KIND_TITLES, SITE_STATUS_TITLES
from imc_federation.api.schemas import District, Person, Site
from imc_federation.db.models import CentreSite
from imc_federation.services import sites
from imc_federation.settings import FederationSettings
from imc_shared.db import Database


def _site(row: CentreSite, names: dict[str, str]) -> Site:
    return Site(
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
        leader=Person(full_name=row.leader_name, position=row.leader_position),
        co_leader=Person(full_name=row.co_leader_name, position=row.co_leader_position or "")
        if row.co_leader_name
        else None,
        order_number=row.order_number,
        order_date=row.order_date,
        received_at=row.received_at,
    )


class CentreController(Controller):
    """What the inter-municipal centre sees across its districts."""

    tags = ["centre"]

    @get("/sites", summary="Sites of every district")
    async def list_sites(
        self, database: Database, settings: FederationSettings, district: str | None = None
    ) -> list[Site]:
        names = {code: d.name for code, d in settings.district_map().items()}
        rows = await sites.list_sites(database=database, district=district)
        return [_site(row, names) for row in rows]

    @get("/districts", summary="Federated districts")
    async def list_districts(
        self, database: Database, settings: FederationSettings
    ) -> list[District]:
        counts = Counter(row.district for row in await sites.list_sites(database=database))
        activity = await sites.district_activity(database=database)
        return [
            District(
                code=code,
                name=district.name,
                sites=counts.get(code, 0),
                last_message_at=activity[code].last_message_at if code in activity else None,
            )
            for code, district in settings.district_map().items()
        ]
