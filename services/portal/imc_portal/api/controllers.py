"""Portal pages and the JSON they are built from."""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template

from imc_portal.api.schemas import (
    CentreEvent,
    CentreSite,
    Dashboard,
    District,
    DistrictDashboard,
    Site,
)
from imc_portal.clients import (
    BackendError,
    BackendNotFoundError,
    FederationClient,
    RegistryClient,
)
from imc_portal.services import catalogue, centre
from imc_portal.services.home import CENTRE_ROLES
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import roles

RETRY_AFTER_SECONDS = 30
XLSX_SUFFIX = ".xlsx"


def error_page(request: Request[Any, Any, Any], error: BackendError) -> Template:
    """The page shown when the backing service gives no usable answer, or has no such thing."""
    settings: PortalSettings = request.app.state.settings
    missing = isinstance(error, BackendNotFoundError)
    return Template(
        template_name="error.html",
        context={**base_context(settings), "message": error.message, "missing": missing},
        status_code=error.status_code,
        headers={} if missing else {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


PAGE_ERRORS: Any = {BackendError: error_page}


class DistrictController(Controller):
    """The district's sites, read from its registry."""

    tags = ("sites",)

    @get(
        "/sites",
        summary="Sites of the district (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def page(
        self, registry: NamedDependency[RegistryClient], settings: NamedDependency[PortalSettings]
    ) -> Template:
        overview = await catalogue.district_overview(registry=registry)
        return Template(
            template_name="district.html",
            context={
                **base_context(settings),
                "section": "sites",
                "sites": overview.sites,
                "centre_sites": overview.centre_sites,
            },
        )

    @get("/api/sites", summary="Sites of the district")
    async def sites(self, registry: NamedDependency[RegistryClient]) -> list[Site]:
        return await catalogue.district_sites(registry=registry)


class CentreController(Controller):
    """The centre's pages across districts, read from the centre's aggregator; for the
    centre's coordinators and administrators only."""

    tags = ("centre",)
    opt = roles(CENTRE_ROLES)

    @get(
        "/centre",
        summary="The centre's dashboard (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def dashboard_page(
        self,
        federation: NamedDependency[FederationClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        dashboard = await centre.centre_dashboard(federation=federation)
        return Template(
            template_name="centre.html",
            context={**base_context(settings), "section": "dashboard", "dashboard": dashboard},
        )

    @get(
        "/districts/{code:str}",
        summary="One district's dashboard (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def district_page(
        self,
        code: FromPath[str],
        federation: NamedDependency[FederationClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        page = await centre.district_dashboard(federation=federation, code=code)
        return Template(
            template_name="centre_district.html",
            context={**base_context(settings), "section": "dashboard", "page": page},
        )

    @get(
        "/events",
        summary="Events across districts (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def events_page(
        self,
        federation: NamedDependency[FederationClient],
        settings: NamedDependency[PortalSettings],
        district: FromQuery[str | None] = None,
        date_from: FromQuery[date | None] = None,
        date_to: FromQuery[date | None] = None,
    ) -> Template:
        zone = ZoneInfo(settings.time_zone)
        if date_from is None and date_to is None:
            # Without a period the calendar starts today, where the centre is.
            date_from = datetime.now(UTC).astimezone(zone).date()
        calendar = await centre.calendar(
            federation=federation,
            zone=zone,
            district=district or None,
            date_from=date_from,
            date_to=date_to,
        )
        return Template(
            template_name="centre_events.html",
            context={**base_context(settings), "section": "events", "calendar": calendar},
        )

    @get(
        "/export/{filename:str}",
        summary="An XLSX report of the aggregator, passed through",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def export(
        self,
        filename: FromPath[str],
        federation: NamedDependency[FederationClient],
        district: FromQuery[str | None] = None,
    ) -> Stream:
        report = filename.removesuffix(XLSX_SUFFIX) if filename.endswith(XLSX_SUFFIX) else ""
        download = await centre.export(
            federation=federation, report=report, district=district or None
        )
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)

    @get(
        "/sites",
        summary="Sites of all districts (page)",
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    async def sites_page(
        self,
        federation: NamedDependency[FederationClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        overview = await catalogue.centre_overview(federation=federation)
        return Template(
            template_name="centre_sites.html",
            context={**base_context(settings), "section": "sites", "overview": overview},
        )

    @get("/api/sites", summary="Sites of all districts")
    async def sites(self, federation: NamedDependency[FederationClient]) -> list[CentreSite]:
        return await catalogue.centre_sites(federation=federation)

    @get("/api/districts", summary="Districts known to the centre")
    async def districts(self, federation: NamedDependency[FederationClient]) -> list[District]:
        return await catalogue.centre_districts(federation=federation)

    @get("/api/dashboard", summary="The centre's dashboard")
    async def dashboard(self, federation: NamedDependency[FederationClient]) -> Dashboard:
        return await federation.dashboard()

    @get("/api/dashboard/{code:str}", summary="One district's dashboard")
    async def district_dashboard(
        self, code: FromPath[str], federation: NamedDependency[FederationClient]
    ) -> DistrictDashboard:
        return await centre.district_data(federation=federation, code=code)

    @get("/api/events", summary="Events across districts")
    async def events(
        self,
        federation: NamedDependency[FederationClient],
        district: FromQuery[str | None] = None,
        date_from: FromQuery[date | None] = None,
        date_to: FromQuery[date | None] = None,
    ) -> list[CentreEvent]:
        return await federation.events(district=district, date_from=date_from, date_to=date_to)
