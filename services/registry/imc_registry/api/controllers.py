"""Registry HTTP controllers: parse, call a use case, map the result."""

from uuid import UUID

import msgspec
from litestar import Controller, get, post

from imc_registry.api.schemas import Organisation, OrganisationCreate, Site
from imc_registry.services import organisations, sites
from imc_registry.settings import RegistrySettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox


class OrganisationController(Controller):
    """Educational organisations of the district."""

    path = "/organisations"
    tags = ["organisations"]

    @post("/", summary="Add an organisation")
    async def create(
        self,
        data: OrganisationCreate,
        database: Database,
        outbox: Outbox,
        settings: RegistrySettings,
    ) -> Organisation:
        row = await organisations.create_organisation(
            database=database,
            outbox=outbox,
            district=settings.district,
            data=msgspec.structs.asdict(data),
        )
        return Organisation.of(row)

    @get("/", summary="List organisations")
    async def index(
        self,
        database: Database,
        settings: RegistrySettings,
        q: str | None = None,
        kind: str | None = None,
    ) -> list[Organisation]:
        rows = await organisations.list_organisations(
            database=database, district=settings.district, query=q, kind=kind
        )
        return [Organisation.of(row) for row in rows]

    @get("/{organisation_id:uuid}", summary="One organisation")
    async def show(
        self, organisation_id: UUID, database: Database, settings: RegistrySettings
    ) -> Organisation:
        row = await organisations.find_organisation(
            database=database, district=settings.district, organisation_id=organisation_id
        )
        return Organisation.of(row)


class SiteController(Controller):
    """Sites of the district: the public catalogue the regulations ask to publish."""

    path = "/sites"
    tags = ["sites"]

    @get("/", summary="List sites")
    async def index(
        self, database: Database, settings: RegistrySettings, status: str | None = None
    ) -> list[Site]:
        rows = await sites.list_sites(database=database, district=settings.district, status=status)
        return [Site.of(row) for row in rows]
