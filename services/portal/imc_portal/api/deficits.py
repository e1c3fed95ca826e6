"""The centre's page «Профессиональные дефициты педагогов» (``/deficits``), its XLSX
table (``/deficits.xlsx``) and its JSON (``/api/deficits``); for the centre's
coordinators and administrators only, read from the aggregator.

Only counts reach the centre: the page names no teacher and no school.
"""

from zoneinfo import ZoneInfo

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Stream, Template

from imc_portal.api.controllers import PAGE_ERRORS
from imc_portal.api.deficit_schemas import CentreDeficits
from imc_portal.clients import FederationClient
from imc_portal.services import deficits
from imc_portal.services.home import CENTRE_ROLES
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import roles


class DeficitsController(Controller):
    """Teachers' professional deficits across the centre's districts (counts only)."""

    tags = ("centre",)
    opt = roles(CENTRE_ROLES)

    @get(
        "/deficits",
        summary="Professional deficits by district and subject (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def page(
        self,
        federation: NamedDependency[FederationClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        page = await deficits.deficits_page(
            federation=federation, zone=ZoneInfo(settings.time_zone)
        )
        return Template(
            template_name="centre_deficits.html",
            context={**base_context(settings), "section": "deficits", "page": page},
        )

    @get(
        "/deficits.xlsx",
        summary="Professional deficits as XLSX, from the aggregator",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def export(
        self,
        federation: NamedDependency[FederationClient],
        district: FromQuery[str | None] = None,
    ) -> Stream:
        download = await deficits.export(federation=federation, district=district or None)
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)

    @get("/api/deficits", summary="Professional deficits by district and subject")
    async def data(
        self,
        federation: NamedDependency[FederationClient],
        district: FromQuery[str | None] = None,
    ) -> CentreDeficits:
        return await federation.deficits(district=district or None)
