"""The home page and the public catalogue."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from imc_portal.clients import (
    ApplicationsClient,
    BackendError,
    GrowthClient,
    RegistryClient,
    SchedulingClient,
)
from imc_portal.security import visitor_of
from imc_portal.services import catalogue
from imc_portal.services.accounts import Clock
from imc_portal.services.home import greeting_name, home
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context


class HomeController(Controller):
    """``/``: the person's own start page."""

    include_in_schema = False

    @get("/", summary="What awaits the person (page)")
    async def page(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        scheduling: NamedDependency[SchedulingClient],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
    ) -> Template:
        visitor = visitor_of(request)
        assert visitor is not None  # the gate lets nobody else through
        now = clock()
        today = now.astimezone(ZoneInfo(settings.time_zone)).date()
        page = await home(
            visitor,
            applications=applications,
            scheduling=scheduling,
            now=now,
            today=today,
            centre=settings.is_centre,
            growth=growth,
        )
        return Template(
            template_name="home.html",
            context={
                **base_context(settings, now=now),
                "visitor": visitor,
                "greeting": greeting_name(visitor.full_name),
                "today": today,
                "page": page,
            },
        )


class PublicController(Controller):
    """``/public``: the open catalogue of sites, for everyone, without a login."""

    include_in_schema = False

    @get("/public", summary="The public catalogue of sites (page)")
    async def page(
        self,
        settings: NamedDependency[PortalSettings],
        public_registry: NamedDependency[RegistryClient],
    ) -> Template:
        sites, centre_sites, error = [], [], None
        try:
            sites = catalogue.sorted_public_sites(await public_registry.public_sites())
        except BackendError as failure:
            error = failure.message
        try:
            centre_sites = catalogue.sorted_intermunicipal_sites(
                await public_registry.centre_sites()
            )
        except BackendError:
            centre_sites = []
        return Template(
            template_name="public.html",
            context={
                **base_context(settings, now=datetime.now(UTC)),
                "section": "public",
                "sites": sites,
                "centre_sites": centre_sites,
                "sites_error": error,
            },
        )
