"""The HTTP app factory every service (and the portal) uses.

It adds ``/health`` (liveness), ``/ready`` (the service's own checks), OpenAPI at
``/schema``, the error shape of :mod:`imc_shared.errors`, and binds the request's
correlation id and path to the log context.
"""

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from uuid import UUID

import structlog
from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.response import Response
from litestar.types import ControllerRouterHandler

from imc_shared.auth import Principal, auth_middleware, authorize
from imc_shared.context import bind_correlation_id
from imc_shared.errors import EXCEPTION_HANDLERS
from imc_shared.settings import ServiceSettings

Readiness = Callable[[], Awaitable[dict[str, Any]]]


async def _always_ready() -> dict[str, Any]:
    return {"ready": True}


def create_http_app(
    route_handlers: Sequence[ControllerRouterHandler],
    *,
    settings: ServiceSettings,
    title: str,
    readiness: Readiness = _always_ready,
    request_max_body_size: int = 10 * 1024 * 1024,
    **kwargs: Any,
) -> Litestar:
    """A Litestar app with health, readiness, OpenAPI, errors, log context and auth.

    Every route but health, readiness, the schema and ``/public/...`` needs a token of
    this district whose role the route admits (:mod:`imc_shared.auth`).
    """
    middleware = [auth_middleware(settings.auth_public_keys, settings.district)]
    middleware.extend(kwargs.pop("middleware", []))
    guards = [authorize, *kwargs.pop("guards", [])]

    @get("/health", tags=["service"], summary="Liveness", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": settings.service}

    @get("/ready", tags=["service"], summary="Readiness", include_in_schema=False)
    async def ready() -> Response[dict[str, Any]]:
        checks = await readiness()
        return Response(checks, status_code=200 if checks.get("ready") else 503)

    async def bind_request(request: Request[Any, Any, State]) -> None:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            service=settings.service,
            district=settings.district,
            method=request.method,
            path=request.url.path,
        )
        principal = request.scope.get("user")
        if isinstance(principal, Principal):
            structlog.contextvars.bind_contextvars(
                actor=principal.subject, role=principal.role.value
            )
        header = request.headers.get("x-correlation-id")
        if header:
            with contextlib.suppress(ValueError):
                bind_correlation_id(UUID(header))

    return Litestar(
        route_handlers=[health, ready, *route_handlers],
        before_request=bind_request,
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(title=title, version="0.1.0", path="/schema"),
        request_max_body_size=request_max_body_size,
        logging_config=None,
        middleware=middleware,
        guards=guards,
        **kwargs,
    )
