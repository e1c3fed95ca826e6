"""Registry HTTP controllers: parse, call a use case, map the result."""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

from imc_registry.api.schemas import (
    CentreSite,
    ImportForm,
    ImportResult,
    MemberIn,
    Organisation,
    OrganisationCreate,
    OrganisationUpdate,
    Person,
    PersonCard,
    PersonCreate,
    PersonUpdate,
    PublicCentreSite,
    PublicSite,
    Site,
    SiteDetail,
    Structure,
    StructureCreate,
    StructureUpdate,
    changes_of,
)
from imc_registry.domain.sites import catalogue
from imc_registry.services import (
    centre_sites,
    imports,
    organisations,
    people,
    sites,
    structures,
)
from imc_registry.settings import RegistrySettings
from imc_shared.auth import STAFF, Role, current, roles
from imc_shared.db import Database
from imc_shared.errors import InvalidInput, NotFound
from imc_shared.outbox import Outbox

FULL_RECORD_READERS = roles(STAFF, Role.COUNCIL_SECRETARY)
"""Who may read a person's full record (contacts, consent): 152-ФЗ, need to know."""


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

    @get("/", summary="Search and filter organisations (archived ones only with archived=true)")
    async def index(
        self,
        database: Database,
        settings: RegistrySettings,
        q: str | None = None,
        kind: str | None = None,
        low_results: bool | None = None,
        unfavourable_conditions: bool | None = None,
        resilient: bool | None = None,
        archived: bool = False,
    ) -> list[Organisation]:
        rows = await organisations.list_organisations(
            database=database,
            district=settings.district,
            query=q,
            kind=kind,
            low_results=low_results,
            unfavourable_conditions=unfavourable_conditions,
            resilient=resilient,
            archived=archived,
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

    @patch("/{organisation_id:uuid}", summary="Edit an organisation")
    async def update(
        self,
        organisation_id: UUID,
        data: OrganisationUpdate,
        database: Database,
        outbox: Outbox,
        settings: RegistrySettings,
    ) -> Organisation:
        row = await organisations.update_organisation(
            database=database,
            outbox=outbox,
            district=settings.district,
            organisation_id=organisation_id,
            changes=changes_of(data),
        )
        return Organisation.of(row)

    @post("/{organisation_id:uuid}/archive", summary="Archive an organisation", status_code=200)
    async def archive(
        self,
        organisation_id: UUID,
        database: Database,
        outbox: Outbox,
        settings: RegistrySettings,
    ) -> Organisation:
        row = await organisations.set_archived(
            database=database,
            outbox=outbox,
            district=settings.district,
            organisation_id=organisation_id,
            archived=True,
        )
        return Organisation.of(row)

    @post(
        "/{organisation_id:uuid}/restore",
        summary="Bring back an archived organisation",
        status_code=200,
    )
    async def restore(
        self,
        organisation_id: UUID,
        database: Database,
        outbox: Outbox,
        settings: RegistrySettings,
    ) -> Organisation:
        row = await organisations.set_archived(
            database=database,
            outbox=outbox,
            district=settings.district,
            organisation_id=organisation_id,
            archived=False,
        )
        return Organisation.of(row)

    @post(
        "/import",
        summary="Import organisations from CSV or XLSX (dry_run=true only checks)",
        status_code=200,
    )
    async def import_file(
        self,
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        database: Database,
        outbox: Outbox,
        settings: RegistrySettings,
        dry_run: bool = True,
    ) -> Response[ImportResult]:
        if data.file is None:
            raise InvalidInput("Приложите файл CSV или XLSX в поле «file»", field="file")
        content = await data.file.read()
        report = await imports.import_organisations(
            database=database,
            outbox=outbox,
            district=settings.district,
            filename=data.file.filename or "",
            content=content,
            dry_run=dry_run,
        )
        result = ImportResult.of(report)
        status = 422 if not dry_run and not report.clean else 200
        return Response(result, status_code=status)


class PersonController(Controller):
    """People of the district: full records for staff, cards for other services."""

    path = "/people"
    tags = ["people"]

    @post("/", summary="Add a person")
    async def create(
        self, data: PersonCreate, database: Database, outbox: Outbox, settings: RegistrySettings
    ) -> Person:
        row = await people.create_person(
            database=database,
            outbox=outbox,
            district=settings.district,
            data=msgspec.structs.asdict(data),
            today=date.today(),
        )
        return Person.of(row)

    @patch("/{person_id:uuid}", summary="Edit a person (consent_given=false withdraws consent)")
    async def update(
        self,
        person_id: UUID,
        data: PersonUpdate,
        database: Database,
        outbox: Outbox,
        settings: RegistrySettings,
    ) -> Person:
        row = await people.update_person(
            database=database,
            outbox=outbox,
            district=settings.district,
            person_id=person_id,
            changes=changes_of(data),
            today=date.today(),
        )
        return Person.of(row)

    @get("/", summary="List people as cards (public fields only)")
    async def index(
        self,
        database: Database,
        settings: RegistrySettings,
        organisation_id: UUID | None = None,
        staff_group: str | None = None,
        q: str | None = None,
    ) -> list[PersonCard]:
        rows = await people.list_people(
            database=database,
            district=settings.district,
            organisation_id=organisation_id,
            staff_group=staff_group,
            query=q,
        )
        return [PersonCard.of(row) for row in rows]

    @get(
        "/{person_id:uuid}",
        summary="The full record of a person (staff and the council's secretary; logged)",
        opt=FULL_RECORD_READERS,
    )
    async def show(
        self,
        request: Request[Any, Any, Any],
        person_id: UUID,
        database: Database,
        settings: RegistrySettings,
    ) -> Person:
        reader = current(request)
        row = await people.read_full_record(
            database=database,
            district=settings.district,
            person_id=person_id,
            reader=reader.subject,
            reader_name=reader.name,
            reader_role=reader.role.value,
        )
        return Person.of(row)

    @get("/{person_id:uuid}/card", summary="The public card of a person")
    async def card(
        self, person_id: UUID, database: Database, settings: RegistrySettings
    ) -> PersonCard:
        row = await people.read_card(
            database=database, district=settings.district, person_id=person_id
        )
        return PersonCard.of(row)


class StructureController(Controller):
    """Methodical structures (003 §3): councils, associations, groups, with members."""

    path = "/structures"
    tags = ["structures"]

    @post("/", summary="Create a methodical structure")
    async def create(
        self, data: StructureCreate, database: Database, settings: RegistrySettings
    ) -> Structure:
        fields = msgspec.structs.asdict(data)
        members = [(m.person_id, m.role) for m in fields.pop("members")]
        row = await structures.create_structure(
            database=database, district=settings.district, data=fields, members=members
        )
        return Structure.of(row)

    @patch("/{structure_id:uuid}", summary="Edit a methodical structure")
    async def update(
        self,
        structure_id: UUID,
        data: StructureUpdate,
        database: Database,
        settings: RegistrySettings,
    ) -> Structure:
        row = await structures.update_structure(
            database=database,
            district=settings.district,
            structure_id=structure_id,
            changes=changes_of(data),
        )
        return Structure.of(row)

    @post("/{structure_id:uuid}/members", summary="Add a member")
    async def add_member(
        self,
        structure_id: UUID,
        data: MemberIn,
        database: Database,
        settings: RegistrySettings,
    ) -> Structure:
        row = await structures.add_member(
            database=database,
            district=settings.district,
            structure_id=structure_id,
            person_id=data.person_id,
            role=data.role,
        )
        return Structure.of(row)

    @delete(
        "/{structure_id:uuid}/members/{person_id:uuid}", summary="Remove a member", status_code=200
    )
    async def remove_member(
        self,
        structure_id: UUID,
        person_id: UUID,
        database: Database,
        settings: RegistrySettings,
    ) -> Structure:
        row = await structures.remove_member(
            database=database,
            district=settings.district,
            structure_id=structure_id,
            person_id=person_id,
        )
        return Structure.of(row)

    @get("/", summary="List structures with their members (e.g. kind=methodical_council)")
    async def index(
        self,
        database: Database,
        settings: RegistrySettings,
        kind: str | None = None,
        organisation_id: UUID | None = None,
        active: bool | None = None,
    ) -> list[Structure]:
        rows = await structures.list_structures(
            database=database,
            district=settings.district,
            kind=kind,
            organisation_id=organisation_id,
            active=active,
        )
        return [Structure.of(row) for row in rows]

    @get("/{structure_id:uuid}", summary="One structure with its members")
    async def show(
        self, structure_id: UUID, database: Database, settings: RegistrySettings
    ) -> Structure:
        row = await structures.find_structure(
            database=database, district=settings.district, structure_id=structure_id
        )
        return Structure.of(row)


class SiteController(Controller):
    """Sites of the district with their status history (staff view)."""

    path = "/sites"
    tags = ["sites"]

    @get("/", summary="List sites")
    async def index(
        self,
        database: Database,
        settings: RegistrySettings,
        status: str | None = None,
        kind: str | None = None,
        organisation_id: UUID | None = None,
    ) -> list[Site]:
        rows = await sites.list_sites(
            database=database,
            district=settings.district,
            status=status,
            kind=kind,
            organisation_id=organisation_id,
        )
        return [Site.of(row) for row in rows]

    @get("/{site_id:uuid}", summary="One site with its full status history")
    async def show(
        self, site_id: UUID, database: Database, settings: RegistrySettings
    ) -> SiteDetail:
        row = await sites.find_site(database=database, district=settings.district, site_id=site_id)
        return SiteDetail.with_history(row)

    @get("/{site_id:uuid}/history", summary="The status history of a site, oldest first")
    async def history(
        self, site_id: UUID, database: Database, settings: RegistrySettings
    ) -> list[Any]:
        row = await sites.find_site(database=database, district=settings.district, site_id=site_id)
        return SiteDetail.with_history(row).history


class PublicController(Controller):
    """What the IMC website publishes (000 §3.6.2, 002 §4.2): no personal contacts."""

    path = "/public"
    tags = ["public"]

    @get("/sites", summary="Working sites of the district (public catalogue)")
    async def sites_index(self, database: Database, settings: RegistrySettings) -> list[PublicSite]:
        rows = await sites.list_sites(
            database=database, district=settings.district, current_only=True
        )
        return [PublicSite.of(row) for row in rows]

    @get(
        "/centre-sites",
        summary="Working inter-municipal sites of the centre (ММЦ), for the district's website",
    )
    async def centre_sites_index(self, database: Database) -> list[PublicCentreSite]:
        rows = await centre_sites.list_centre_sites(database=database)
        return [PublicCentreSite.of(row) for row in rows]


class CentreSiteController(Controller):
    """Inter-municipal sites of the centre (ММЦ), as received over the federation link."""

    path = "/centre-sites"
    tags = ["sites"]

    @get("/", summary="The centre's sites: working ones, or every status with all=true")
    async def index(
        self,
        database: Database,
        every_status: Annotated[bool, QueryParameter(name="all")] = False,
    ) -> list[CentreSite]:
        rows = await centre_sites.list_centre_sites(
            database=database, current_only=not every_status
        )
        return [CentreSite.of(row) for row in rows]


class SiteKindController(Controller):
    """The rule catalogue of the site kinds (contracts' site_kinds)."""

    path = "/site-kinds"
    tags = ["sites"]

    @get("/", summary="Kinds of sites and the rules of their regulations")
    async def index(self) -> list[dict[str, Any]]:
        return catalogue()

    @get("/{code:str}", summary="One kind of site")
    async def show(self, code: str) -> dict[str, Any]:
        for entry in catalogue():
            if entry["code"] == code:
                return entry
        raise NotFound("Неизвестный вид площадки", field="code")
