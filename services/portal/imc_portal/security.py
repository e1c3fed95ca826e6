"""Who is at the keyboard: the session cookie, the login requirement, CSRF and roles.

One guard runs before every route handler: it resumes the session the cookie names
(server-side, with an idle and an absolute limit), sends a visitor without a session to
``/login`` (except on the open paths), checks the CSRF token of every request that may
change something, and the roles a route admits (``opt=roles(...)``).
"""

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from imc_portal.services.sessions import SessionStore, Visitor, same_token
from imc_shared.auth import ROLE_TITLES, Role

SESSION_COOKIE = "imc_session"
LOGIN_CSRF_COOKIE = "imc_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNGUARDED_PATHS = ("/static", "/health", "/ready")
"""Served without even looking at the session."""
OPEN_PATHS = ("/login", "/public", "/unsubscribe", *UNGUARDED_PATHS)
"""Served without a session (the session, if any, is still recognised)."""


def under(path: str, prefixes: Collection[str]) -> bool:
    """Whether ``path`` is one of ``prefixes`` or below one of them."""
    return any(path == p or path.startswith(p + "/") for p in prefixes)


class LoginRequired(Exception):
    """The page needs a session and there is none (``expired``: there was one)."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("login required")
        self.expired = expired


class CsrfFailed(Exception):
    """A request that may change something came without the right CSRF token."""


def visitor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Visitor | None:
    """The logged-in visitor of a request, if the guard found one."""
    visitor = connection.scope.get("auth")
    return visitor if isinstance(visitor, Visitor) else None


def safe_next(target: str | None) -> str:
    """Where to go after the login: a path of this portal only, never another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or under(parts.path, ("/login", "/logout")):
        return "/"
    return target


def login_url(request_path: str, query: str, *, method: str, expired: bool) -> str:
    """``/login`` with the page to come back to (for a GET) and why."""
    params = []
    if method == "GET" and request_path != "/":
        target = request_path + (f"?{query}" if query else "")
        params.append("next=" + quote(target, safe=""))
    if expired:
        params.append("expired=1")
    return "/login" + ("?" + "&".join(params) if params else "")


async def submitted_csrf(request: Request[Any, Any, Any]) -> str | None:
    """The token a request carries: the ``X-CSRF-Token`` header, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type, _ = request.content_type
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


class Gate:
    """The guard of every route (see the module's docstring)."""

    def __init__(self, store: SessionStore, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def __call__(
        self, connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
    ) -> None:
        path = connection.url.path
        if under(path, UNGUARDED_PATHS):
            return
        visitor: Visitor | None = None
        expired = False
        token = connection.cookies.get(SESSION_COOKIE)
        if token:
            visitor, expired = await self.store.resume(token, self.clock())
        connection.scope["auth"] = visitor
        connection.scope["user"] = visitor.principal if visitor else None
        method = connection.scope.get("method", "GET")
        if visitor is None and not under(path, OPEN_PATHS):
            raise LoginRequired(expired=expired)
        if method not in SAFE_METHODS:
            await self.check_csrf(connection, visitor)
        admitted = handler.opt.get("roles")
        if admitted is not None and (visitor is None or visitor.role not in admitted):
            title = ROLE_TITLES[visitor.role] if visitor else "гость"
            raise PermissionDeniedException(
                f"Роль «{title}» не даёт доступа к этой странице. Она доступна: "
                + ", ".join(ROLE_TITLES[Role(r)] for r in sorted(admitted))
                + "."
            )

    async def check_csrf(
        self, connection: ASGIConnection[Any, Any, Any, Any], visitor: Visitor | None
    ) -> None:
        if under(connection.url.path, ("/login",)):
            # Before a session exists: the token of the login form's cookie (double submit).
            expected = connection.cookies.get(LOGIN_CSRF_COOKIE)
        else:
            expected = visitor.csrf_token if visitor else None
        submitted = await submitted_csrf(connection) if isinstance(connection, Request) else None
        if not same_token(expected, submitted):
            raise CsrfFailed
