"""Composition root of the portal."""

from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.static_files import create_static_files_router

from imc_portal.api.controllers import CentreController, DistrictController
from imc_portal.clients import BackendClient, FederationClient, RegistryClient
from imc_portal.settings import PortalSettings, get_settings
from imc_portal.templating import template_config
from imc_shared.http import create_http_app
from imc_shared.logging import configure_logging

STATIC = Path(__file__).parent / "static"


def create_app(settings: PortalSettings | None = None) -> Litestar:
    """Build the portal for its mode: a district's pages or the centre's."""
    settings = settings or get_settings()
    configure_logging(
        service=settings.service,
        district=settings.district,
        level=settings.log_level,
        json=settings.log_json,
    )
    client: BackendClient
    if settings.mode == "district":
        client = RegistryClient(settings.registry_url, timeout=settings.backend_timeout)
        controller: type = DistrictController
        dependency = "registry"
    else:
        client = FederationClient(settings.federation_url, timeout=settings.backend_timeout)
        controller = CentreController
        dependency = "federation"

    async def readiness() -> dict[str, Any]:
        answers = await client.health()
        return {"ready": answers, dependency: "ok" if answers else "unavailable"}

    static = create_static_files_router(
        path="/static", directories=[STATIC], include_in_schema=False
    )
    return create_http_app(
        [controller, static],
        settings=settings,
        title=f"Портал — {settings.instance_name}",
        readiness=readiness,
        dependencies={
            dependency: Provide(lambda: client, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
        template_config=template_config(settings),
        state=State({"settings": settings}),
        on_startup=[client.start],
        on_shutdown=[client.close],
    )
