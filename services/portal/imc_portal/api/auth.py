"""Logging in and out."""

from typing import Annotated, Any

import msgspec
import structlog
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from imc_portal import proxies
from imc_portal.proxies import FORWARDED_FOR
from imc_portal.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    safe_next,
    visitor_of,
)
from imc_portal.services.accounts import Authenticator, Clock, LoginRefused
from imc_portal.services.sessions import SessionStore, new_token
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context

log = structlog.get_logger(__name__)

LOGIN_CSRF_MAX_AGE = 2 * 3600
NOTICES = {
    "expired": "Сеанс работы завершён: долго не было действий или истёк срок сеанса. "
    "Войдите снова.",
    "logged_out": "Вы вышли из системы.",
}


class LoginForm(msgspec.Struct, kw_only=True):
    """What the login form sends."""

    login: str = ""
    password: str = ""
    next: str = ""
    csrf_token: str = ""


def session_cookie(settings: PortalSettings, value: str, *, max_age: int | None = None) -> Cookie:
    """The session cookie: HttpOnly, SameSite=Lax, Secure when configured."""
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=max_age,
    )


def login_csrf_cookie(settings: PortalSettings, value: str, *, max_age: int) -> Cookie:
    """The login form's token before there is a session (double submit)."""
    return Cookie(
        key=LOGIN_CSRF_COOKIE,
        value=value,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=max_age,
    )


def client_address(request: Request[Any, Any, Any], settings: PortalSettings) -> str:
    """The address of the person behind a request (for throttling and the logs): the
    peer, or what ``X-Forwarded-For`` says when the peer is a trusted proxy."""
    peer = request.client.host if request.client else None
    forwarded = ",".join(request.headers.getall(FORWARDED_FOR, []))
    return proxies.client_address(peer, forwarded, settings.trusted_networks)


def login_page(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    *,
    login: str = "",
    next_page: str = "/",
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    """The login form, with the typed login kept and what is wrong next to its field."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    return Template(
        template_name="login.html",
        context={
            **base_context(settings),
            "login": login,
            "next": next_page,
            "errors": errors or {},
            "notice": notice,
            "csrf_token": token,
        },
        status_code=status_code,
        cookies=[login_csrf_cookie(settings, token, max_age=LOGIN_CSRF_MAX_AGE)],
        headers={"Cache-Control": "no-store"},
    )


class AuthController(Controller):
    """``/login`` and ``/logout``."""

    tags = ("auth",)
    include_in_schema = False

    @get("/login", summary="The login form (page)")
    async def form(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        next: FromQuery[str | None] = None,
        expired: FromQuery[str | None] = None,
        logged_out: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        if visitor_of(request) is not None:
            return Redirect(safe_next(next), status_code=303)
        notice = NOTICES["expired"] if expired else NOTICES["logged_out"] if logged_out else ""
        return login_page(request, settings, next_page=safe_next(next), notice=notice)

    @post("/login", summary="Log in")
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        settings: NamedDependency[PortalSettings],
        authenticator: NamedDependency[Authenticator],
        sessions: NamedDependency[SessionStore],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        target = safe_next(data.next)
        address = client_address(request, settings)
        try:
            account = await authenticator.authenticate(data.login, data.password, address)
        except LoginRefused as refusal:
            log.info(
                "login refused",
                login=data.login.strip()[:100],
                address=address[:64],
                reason=refusal.message,
            )
            field = refusal.field or "form"
            return login_page(
                request,
                settings,
                login=data.login.strip(),
                next_page=target,
                errors={field: refusal.message},
                status_code=refusal.status_code,
            )
        previous = request.cookies.get(SESSION_COOKIE)
        if previous:
            await sessions.end(previous)
        token, _ = await sessions.start(account, clock())
        log.info("logged in", account=str(account.id), role=account.role, address=address[:64])
        return Redirect(
            target,
            status_code=303,
            cookies=[
                session_cookie(settings, token),
                login_csrf_cookie(settings, "", max_age=0),
            ],
        )

    @post("/logout", summary="Log out: the session ends on the server")
    async def logout(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        sessions: NamedDependency[SessionStore],
    ) -> Redirect:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await sessions.end(token)
        visitor = visitor_of(request)
        if visitor is not None:
            log.info("logged out", account=str(visitor.account_id))
        return Redirect(
            "/login?logged_out=1",
            status_code=303,
            cookies=[session_cookie(settings, "", max_age=0)],
        )
