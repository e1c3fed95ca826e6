"""Portal pages and the JSON they are built from."""

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from imc_portal.api.schemas import CentreSite, District, Site
from imc_portal.clients import BackendError, FederationClient, RegistryClient
from imc_portal.services import catalogue
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context

RETRY_AFTER_SECONDS = 30


def error_page(request: Request[Any, Any, Any], error: BackendError) -> Template:
    """The page shown when the backing service gives no usable answer."""
    settings: PortalSettings = request.app.state.settings
    return Template(
        template_name="error.html",
        context={**base_context(settings), "message": error.message},
        status_code=error.status_code,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


PAGE_ERRORS: Any = {BackendError: error_page}


class DistrictController(Controller):
    """The district's sites, read from its registry."""

    tags = ("sites",)

    @get(
        "/",
        summary="Sites of the district (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def page(
        self, registry: NamedDependency[RegistryClient], settings: NamedDependency[PortalSettings]
    ) -> Template:
        sites = await catalogue.district_sites(registry=registry)
        return Template(
            template_name="district.html", context={**base_context(settings), "sites": sites}
        )

    @get("/api/sites", summary="Sites of the district")
    async def sites(self, registry: NamedDependency[RegistryClient]) -> list[Site]:
        return await catalogue.district_sites(registry=registry)


class CentreController(Controller):
    """All districts' sites, read from the centre's aggregator."""

    tags = ("sites",)

    @get(
        "/",
        summary="Sites of all districts (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def page(
        self,
        federation: NamedDependency[FederationClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        overview = await catalogue.centre_overview(federation=federation)
        return Template(
            template_name="centre.html", context={**base_context(settings), "overview": overview}
        )

    @get("/api/sites", summary="Sites of all districts")
    async def sites(self, federation: NamedDependency[FederationClient]) -> list[CentreSite]:
        return await catalogue.centre_sites(federation=federation)

    @get("/api/districts", summary="Districts known to the centre")
    async def districts(self, federation: NamedDependency[FederationClient]) -> list[District]:
        return await catalogue.centre_districts(federation=federation)
