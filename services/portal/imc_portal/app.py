"""Composition root of the portal.

The portal is the only part people reach with a browser: it keeps its own accounts and
server-side sessions (its own database, migrated on start), and signs a short-lived token
for every call it makes to a backend on a person's behalf. It does not take bearer tokens
itself, so it builds its Litestar app here rather than with the services' factory.
"""

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import structlog
from argon2 import PasswordHasher
from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.response import Redirect, Response, Template
from litestar.static_files import create_static_files_router

from imc_portal.api.analytics import CONTROLLERS as ANALYTICS_CONTROLLERS
from imc_portal.api.applications import ApplicationsController
from imc_portal.api.auth import AuthController, session_cookie
from imc_portal.api.certificates import CertificatesController
from imc_portal.api.controllers import CentreController, DistrictController
from imc_portal.api.council import CONTROLLERS as COUNCIL_CONTROLLERS
from imc_portal.api.deficits import DeficitsController
from imc_portal.api.events import EventsController
from imc_portal.api.growth import CONTROLLERS as GROWTH_CONTROLLERS
from imc_portal.api.imports import ImportController
from imc_portal.api.inbox import InboxController
from imc_portal.api.pages import HomeController, PublicController
from imc_portal.api.public_plans import PublicPlansController
from imc_portal.api.registry import CONTROLLERS as REGISTRY_CONTROLLERS
from imc_portal.api.resources import CONTROLLERS as RESOURCES_CONTROLLERS
from imc_portal.clients import (
    AnalyticsClient,
    ApplicationsClient,
    BackendClient,
    FederationClient,
    GrowthClient,
    RegistryClient,
    ResourcesClient,
    SchedulingClient,
)
from imc_portal.security import CsrfFailed, Gate, LoginRequired, login_url, visitor_of
from imc_portal.services.accounts import Authenticator, make_hasher, utc_now
from imc_portal.services.sessions import SessionStore
from imc_portal.settings import PortalSettings, get_settings
from imc_portal.templating import base_context, template_config
from imc_shared.auth import TokenSigner
from imc_shared.context import bind_correlation_id
from imc_shared.db import Database, migrate
from imc_shared.errors import EXCEPTION_HANDLERS, http_error_handler
from imc_shared.logging import configure_logging

STATIC = Path(__file__).parent / "static"
MIGRATIONS = Path(__file__).parent / "db" / "migrations"

log = structlog.get_logger(__name__)

PAGE_ERRORS = {
    403: ("Доступ закрыт", "Если доступ нужен для работы, обратитесь к администратору ИМЦ."),
    404: ("Страница не найдена", ""),
    405: ("Действие недоступно", "Вернитесь на главную страницу и повторите действие."),
    413: ("Слишком большой файл", "Вернитесь назад и выберите файл меньшего размера."),
}


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/")


def _page(
    request: Request[Any, Any, Any], status: int, message: str, *, heading: str, advice: str
) -> Template:
    settings: PortalSettings = request.app.state.settings
    return Template(
        template_name="error.html",
        context={
            **base_context(settings),
            "message": message,
            "heading": heading,
            "advice": advice,
            "missing": status == 404,
        },
        status_code=status,
    )


def login_required_handler(
    request: Request[Any, Any, Any], error: LoginRequired
) -> Response[Any] | Redirect:
    """No session: a page goes to the login form; the JSON API answers 401."""
    settings: PortalSettings = request.app.state.settings
    expire = [session_cookie(settings, "", max_age=0)] if error.expired else []
    if _wants_json(request):
        return Response(
            {"error": "unauthenticated", "message": "Требуется вход в систему"},
            status_code=401,
            cookies=expire,
        )
    target = login_url(
        request.url.path, request.url.query, method=request.method, expired=error.expired
    )
    return Redirect(target, status_code=303, cookies=expire)


def csrf_failed_handler(request: Request[Any, Any, Any], _: CsrfFailed) -> Response[Any]:
    """A form without the right token: refused, with a Russian page."""
    log.warning("csrf check failed", path=request.url.path)
    message = (
        "Форма не прошла проверку безопасности: проверочный код формы отсутствует или устарел."
    )
    if _wants_json(request):
        return Response({"error": "csrf_failed", "message": message}, status_code=403)
    return _page(
        request,
        403,
        message,
        heading="Действие отклонено",
        advice="Обновите страницу и отправьте форму ещё раз. Если вы вышли из системы, "
        "войдите снова.",
    )


def http_page_handler(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    """HTTP errors as Russian pages (the JSON API keeps the services' error shape)."""
    if _wants_json(request) or error.status_code not in PAGE_ERRORS:
        return http_error_handler(request, error)
    heading, advice = PAGE_ERRORS[error.status_code]
    message = {
        404: "Такой страницы на портале нет.",
        405: "Эта страница не принимает такой запрос.",
        413: "Отправленные файлы вместе больше, чем портал принимает за один раз.",
    }.get(error.status_code, str(error.detail))
    return _page(request, error.status_code, message, heading=heading, advice=advice)


class Backends:
    """The portal's clients of the services, one connection pool each."""

    def __init__(self, settings: PortalSettings, signer: TokenSigner) -> None:
        common: dict[str, Any] = {"timeout": settings.backend_timeout, "signer": signer}
        self.registry = RegistryClient(settings.registry_url, **common)
        self.federation = FederationClient(settings.federation_url, **common)
        self.applications = ApplicationsClient(settings.applications_url, **common)
        self.scheduling = SchedulingClient(settings.scheduling_url, **common)
        self.documents = BackendClient(settings.documents_url, title="Сервис документов", **common)
        self.notifications = BackendClient(
            settings.notifications_url, title="Сервис уведомлений", **common
        )
        self.growth = GrowthClient(settings.growth_url, **common)
        self.resources = ResourcesClient(settings.resources_url, **common)
        self.analytics = AnalyticsClient(settings.analytics_url, **common)
        self.primary: BackendClient = self.federation if settings.is_centre else self.registry

    @property
    def all(self) -> list[BackendClient]:
        return [
            self.registry,
            self.federation,
            self.applications,
            self.scheduling,
            self.documents,
            self.notifications,
            self.growth,
            self.resources,
            self.analytics,
        ]

    async def start(self) -> None:
        for client in self.all:
            await client.start()

    async def close(self) -> None:
        for client in self.all:
            await client.close()


def _acting(client: BackendClient) -> Callable[..., BackendClient]:
    def provide(request: Request[Any, Any, Any]) -> BackendClient:
        visitor = visitor_of(request)
        return client.acting_for(visitor.principal if visitor else None)

    return provide


def create_app(
    settings: PortalSettings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    hasher: PasswordHasher | None = None,
) -> Litestar:
    """Build the portal for its mode: a district's pages or the centre's.

    ``clock`` and ``hasher`` are for tests (a moving clock; cheaper argon2 parameters).
    """
    settings = settings or get_settings()
    configure_logging(
        service=settings.service,
        district=settings.district,
        level=settings.log_level,
        json=settings.log_json,
    )
    database = Database(settings.database_url)
    backends = Backends(settings, TokenSigner(settings.auth_signing_key))
    store = SessionStore(
        database,
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
    authenticator = Authenticator(
        database,
        district=settings.district,
        hasher=hasher or make_hasher(),
        clock=clock,
        max_failures=settings.login_max_failures,
        lock_minutes=settings.login_lock_minutes,
    )
    controllers: list[Any] = [AuthController, HomeController, PublicController]
    controllers.append(CentreController if settings.is_centre else DistrictController)
    if settings.is_centre:
        controllers.append(DeficitsController)  # professional deficits (counts only)
    controllers.append(ApplicationsController)
    controllers += [EventsController, InboxController]  # events area (both modes)
    controllers += REGISTRY_CONTROLLERS
    controllers += COUNCIL_CONTROLLERS
    controllers += [CertificatesController, PublicPlansController]  # certificates area
    controllers.append(ImportController)  # organisations import (both modes)
    if not settings.is_centre:
        controllers += GROWTH_CONTROLLERS  # growth area: the district's growth service
    controllers += RESOURCES_CONTROLLERS  # resources area: the bank (both modes)
    controllers += ANALYTICS_CONTROLLERS  # analytics area: exam results (both modes)

    async def start() -> None:
        await migrate(database.url, MIGRATIONS)
        await backends.start()
        log.info("portal started", mode=settings.mode)

    async def stop() -> None:
        await backends.close()
        await database.dispose()

    @get("/health", summary="Liveness", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": settings.service}

    @get("/ready", summary="Readiness", include_in_schema=False)
    async def ready() -> Response[dict[str, Any]]:
        checks: dict[str, Any] = {}
        try:
            await database.ping()
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"error: {error}"
        name = "federation" if settings.is_centre else "registry"
        answers = await backends.primary.health()
        checks[name] = "ok" if answers else "unavailable"
        checks["ready"] = answers and checks["database"] == "ok"
        return Response(checks, status_code=200 if checks["ready"] else 503)

    async def bind_request(request: Request[Any, Any, State]) -> None:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            service=settings.service,
            district=settings.district,
            method=request.method,
            path=request.url.path,
        )
        visitor = visitor_of(request)
        if visitor is not None:
            structlog.contextvars.bind_contextvars(
                actor=str(visitor.account_id), role=visitor.role.value
            )
        header = request.headers.get("x-correlation-id")
        if header:
            with contextlib.suppress(ValueError):
                bind_correlation_id(UUID(header))

    static = create_static_files_router(
        path="/static", directories=[STATIC], include_in_schema=False
    )
    return Litestar(
        route_handlers=[health, ready, static, *controllers],
        guards=[Gate(store, clock)],
        before_request=bind_request,
        exception_handlers={
            **EXCEPTION_HANDLERS,
            HTTPException: http_page_handler,
            LoginRequired: login_required_handler,
            CsrfFailed: csrf_failed_handler,
        },
        dependencies={
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "clock": Provide(lambda: clock, sync_to_thread=False),
            "authenticator": Provide(lambda: authenticator, sync_to_thread=False),
            "sessions": Provide(lambda: store, sync_to_thread=False),
            "registry": Provide(_acting(backends.registry), sync_to_thread=False),
            "public_registry": Provide(lambda: backends.registry, sync_to_thread=False),
            "federation": Provide(_acting(backends.federation), sync_to_thread=False),
            "applications": Provide(_acting(backends.applications), sync_to_thread=False),
            "scheduling": Provide(_acting(backends.scheduling), sync_to_thread=False),
            "documents": Provide(_acting(backends.documents), sync_to_thread=False),
            "notifications": Provide(_acting(backends.notifications), sync_to_thread=False),
            "growth": Provide(_acting(backends.growth), sync_to_thread=False),
            "resources": Provide(_acting(backends.resources), sync_to_thread=False),
            "analytics": Provide(_acting(backends.analytics), sync_to_thread=False),
        },
        openapi_config=OpenAPIConfig(
            title=f"Портал — {settings.instance_name}", version="0.1.0", path="/schema"
        ),
        template_config=template_config(settings),
        state=State({"settings": settings, "database": database}),
        on_startup=[start],
        on_shutdown=[stop],
        logging_config=None,
        request_max_body_size=(3 * settings.max_upload_mb + 1) * 1024 * 1024,
    )
