"""Who may call what, over every HTTP route of every service.

Each service's real app (its ``create_app``) trusts the test keys; every route and method
it serves is called with no token, with forged, expired and foreign tokens, and with a
token of each role. Two kinds of expectation meet here:

- the matrix follows the routes' own declarations (:func:`imc_shared.auth.allowed_roles`):
  a role left out is refused (403), a role admitted gets past the gate (anything but
  401/403, and never a server error — the request body is ``{}``, the ids random, so a
  400, 404, 409 or 422 is the usual answer);
- :data:`EXPECTED` states the access policy independently of the declarations, so a
  wrong declaration fails here.

The apps run without their lifespan (no broker, no workers): each gets its own SQLite
database migrated the way the service's own tests migrate it.
"""

import importlib
import re
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import jwt
import msgspec
import pytest
from litestar import Litestar
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from imc_shared import testing
from imc_shared.auth import (
    ALGORITHM,
    AUDIENCE,
    SERVICE_KEY_ID,
    STAFF,
    Principal,
    Role,
    TokenSigner,
    allowed_roles,
    generate_keypair,
    is_open_path,
    parse_signing_key,
)
from imc_shared.db import migrate

DISTRICT = "yaya"
CENTRE = "buguruslan"
STRANGER = "mariinsk"
CENTRE_DISTRICTS = {
    "yaya": {"name": "Яйский муниципальный округ", "upstream": "amqp://10.0.0.5:5672"},
    "mariinsk": {"name": "Мариинский муниципальный округ", "upstream": "amqp://10.0.0.6:5672"},
}
SERVICES = (
    "registry",
    "applications",
    "scheduling",
    "documents",
    "notifications",
    "growth",
    "analytics",
    "resources",
    "federation",
)
GATE = (401, 403)
READY_PATH = "/ready"
"""Answers 503 here: the apps run without a broker; it must still be open."""


def _settings(service: str, database_url: str, base: Path) -> Any:
    """The service's settings, as its own tests build them, trusting the test keys."""
    keys: dict[str, Any] = testing.auth_settings()
    if service == "registry":
        from imc_registry.settings import RegistrySettings

        return RegistrySettings(
            service=service, district=DISTRICT, database_url=database_url, **keys
        )
    if service == "applications":
        from imc_applications.settings import ApplicationsSettings

        return ApplicationsSettings(
            service=service,
            district=DISTRICT,
            database_url=database_url,
            storage_dir=str(base / "files"),
            registry_url="http://127.0.0.1:9",
            **keys,
        )
    if service == "scheduling":
        from imc_scheduling.settings import SchedulingSettings

        return SchedulingSettings(
            service=service,
            district=DISTRICT,
            database_url=database_url,
            scheduling_secret="matrix-secret",
            **keys,
        )
    if service == "documents":
        from imc_documents.settings import DocumentsSettings

        return DocumentsSettings(
            service=service,
            district=DISTRICT,
            database_url=database_url,
            storage_dir=str(base / "files"),
            **keys,
        )
    if service == "notifications":
        from imc_notifications.settings import NotificationsSettings

        return NotificationsSettings(
            service=service,
            district=DISTRICT,
            district_name="Яйский муниципальный округ",
            database_url=database_url,
            portal_url="https://imc.yaya.example.ru",
            unsubscribe_secret="matrix-secret",
            documents_url="http://127.0.0.1:9",
            smtp_port=1,
            **keys,
        )
    if service == "growth":
        from imc_growth.settings import GrowthSettings

        return GrowthSettings(
            service=service,
            district=DISTRICT,
            database_url=database_url,
            storage_dir=str(base / "files"),
            documents_url="http://127.0.0.1:9",
            **keys,
        )
    if service == "analytics":
        from imc_analytics.settings import AnalyticsSettings

        return AnalyticsSettings(
            service=service,
            district=DISTRICT,
            database_url=database_url,
            documents_url="http://127.0.0.1:9",
            scheduling_url="http://127.0.0.1:9",
            growth_url="http://127.0.0.1:9",
            **keys,
        )
    if service == "resources":
        from imc_resources.settings import ResourcesSettings

        return ResourcesSettings(
            service=service,
            district=DISTRICT,
            database_url=database_url,
            storage_dir=str(base / "files"),
            **keys,
        )
    from imc_federation.settings import FederationSettings

    return FederationSettings(
        service=service,
        district=CENTRE,
        district_name="Межмуниципальный методический центр",
        database_url=database_url,
        districts=msgspec.json.encode(CENTRE_DISTRICTS).decode(),
        **keys,
    )


def _module(service: str) -> Any:
    return importlib.import_module(f"imc_{service}.app")


def build_app(service: str, database_url: str, base: Path) -> Litestar:
    # Litestar's deprecation notes on the services' handlers belong to the services'
    # own test runs; here they would repeat for every app built.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app: Litestar = _module(service).create_app(_settings(service, database_url, base))
    return app


def own_district(service: str) -> str:
    return CENTRE if service == "federation" else DISTRICT


def foreign_district(service: str) -> str:
    return DISTRICT if service == "federation" else STRANGER


@dataclass(frozen=True)
class Endpoint:
    """One method of one route of one service."""

    service: str
    method: str
    path: str
    """The route's template, e.g. ``/events/{event_id:uuid}``."""
    roles: frozenset[Role]
    """Who the route's declaration (or the default) admits."""
    public: bool = False
    """Declared open to anyone (``opt=PUBLIC``): an old address that redirects to /public."""

    @property
    def id(self) -> str:
        return f"{self.service}:{self.method}:{self.path}"

    @property
    def is_open(self) -> bool:
        return self.public or is_open_path(self.url)

    @property
    def url(self) -> str:
        return fill(self.path)


PARAMETER = re.compile(r"\{(\w+):(\w+)\}")
STRINGS = {
    "name": "certificate",
    "filename": "document.pdf",
    "number": "ИМЦ-2027-000001",
    "code": "osmp",
    "topic": "events",
    "district": DISTRICT,
    "path": "openapi.json",
}
"""Plausible values of the string path parameters, by name; others get «x»."""
_UUIDS: dict[str, str] = {}


def fill(template: str) -> str:
    """A concrete path: a random (but per-template stable) UUID, a plausible string."""

    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if kind == "uuid":
            return _UUIDS.setdefault(f"{template}:{name}", str(uuid4()))
        if kind == "int":
            return "1"
        if kind == "date":
            return "2027-03-17"
        if kind in ("str", "path"):
            return STRINGS.get(name, "x")
        raise AssertionError(f"{template}: no sample value for a path parameter of {kind}")

    return PARAMETER.sub(value, template)


def _is_generated_options(handler: HTTPRouteHandler) -> bool:
    """Litestar adds an OPTIONS handler to every route; it is not a service's endpoint."""
    return handler.http_methods == {"OPTIONS"} and handler.fn.__name__ == "options_handler"


def endpoints_of(service: str, app: Litestar) -> list[Endpoint]:
    found: list[Endpoint] = []
    for route in app.routes:
        assert isinstance(route, HTTPRoute), f"{service}: {route.path} is not an HTTP route"
        for handler in route.route_handlers:
            if _is_generated_options(handler):
                continue
            found.extend(
                Endpoint(
                    service=service,
                    method=method,
                    path=route.path,
                    roles=frozenset(allowed_roles(handler, method)),
                    public=bool(handler.opt.get("public")),
                )
                for method in sorted(handler.http_methods)
            )
    return sorted(found, key=lambda e: (e.service, e.path, e.method))


def _collect() -> list[Endpoint]:
    """Every endpoint, found at collection time on apps that never touch a database."""
    base = Path(tempfile.gettempdir()) / "imc-access-matrix-collect"  # never written to
    found: list[Endpoint] = []
    for service in SERVICES:
        found.extend(
            endpoints_of(service, build_app(service, "sqlite+aiosqlite:///:memory:", base))
        )
    return found


ENDPOINTS = _collect()
GUARDED = [e for e in ENDPOINTS if not e.is_open]
OPEN = [e for e in ENDPOINTS if e.is_open]


# ---------------------------------------------------------------- tokens


def person_token(district: str, role: Role) -> str:
    return testing.token(district, role, organisation_id=uuid4(), person_id=uuid4())


def forged_token(service: str) -> str:
    """Right claims, signed by a key nobody trusts (with the portal's key id)."""
    signing, _ = generate_keypair("portal")
    principal = Principal(
        subject="intruder", role=Role.DISTRICT_ADMIN, district=own_district(service)
    )
    return TokenSigner(signing).issue(principal)


def unknown_kid_token(service: str) -> str:
    signing, _ = generate_keypair("stranger")
    principal = Principal(
        subject="intruder", role=Role.DISTRICT_ADMIN, district=own_district(service)
    )
    return TokenSigner(signing).issue(principal)


def expired_token(service: str) -> str:
    principal = Principal(
        subject="0192f5a0-0000-7000-8000-0000000000f1",
        role=Role.DISTRICT_ADMIN,
        district=own_district(service),
    )
    return testing.signer().issue(principal, now=time.time() - 3600)


def service_key_person_token(service: str) -> str:
    """The services' own key claiming a person's role (TokenSigner refuses to sign it)."""
    kid, key = parse_signing_key(testing.keys()[SERVICE_KEY_ID][0])
    now = int(time.time())
    claims = {
        "sub": "scheduling",
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 60,
        "role": Role.DISTRICT_ADMIN.value,
        "district": own_district(service),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})


BAD_TOKENS: dict[str, Callable[[str], str]] = {
    "forged signature": forged_token,
    "unknown key id": unknown_kid_token,
    "expired": expired_token,
    "service key, person's role": service_key_person_token,
    "garbage": lambda _: "not-a-token",
}


# ---------------------------------------------------------------- apps


Clients = dict[str, httpx.AsyncClient]


@pytest.fixture(scope="module")
async def clients(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Clients]:
    """One app per service on its own migrated SQLite database, served without lifespan."""
    opened: Clients = {}
    for service in SERVICES:
        base = tmp_path_factory.mktemp(f"matrix-{service}")
        url = f"sqlite+aiosqlite:///{base / 'service.db'}"
        await migrate(url, _module(service).MIGRATIONS)
        app = build_app(service, url, base)
        collected = {e.id for e in ENDPOINTS if e.service == service}
        assert {e.id for e in endpoints_of(service, app)} == collected
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        opened[service] = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    yield opened
    for client in opened.values():
        await client.aclose()


async def call(clients: Clients, endpoint: Endpoint, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if endpoint.method not in ("GET", "HEAD"):
        kwargs["json"] = {}
    return await clients[endpoint.service].request(endpoint.method, endpoint.url, **kwargs)


def _no_server_error(endpoint: Endpoint, response: httpx.Response, who: str) -> None:
    if endpoint.path == READY_PATH and response.status_code == 503:
        return
    assert response.status_code < 500, (
        f"{endpoint.method} {endpoint.url} as {who}: {response.status_code} {response.text[:500]}"
    )


# ---------------------------------------------------------------- the matrix


def test_every_service_has_routes_behind_the_gate() -> None:
    for service in SERVICES:
        guarded = [e for e in GUARDED if e.service == service]
        assert len(guarded) >= 5, (service, [e.id for e in ENDPOINTS if e.service == service])
        assert any(e.path == "/health" for e in OPEN if e.service == service), service


@pytest.mark.parametrize("endpoint", OPEN, ids=lambda e: e.id)
async def test_open_paths_need_no_token(clients: Clients, endpoint: Endpoint) -> None:
    for who, token in (
        ("no token", None),
        ("another district", person_token(foreign_district(endpoint.service), Role.TEACHER)),
        ("forged token", forged_token(endpoint.service)),
        ("teacher", person_token(own_district(endpoint.service), Role.TEACHER)),
    ):
        response = await call(clients, endpoint, token)
        assert response.status_code not in GATE, (who, response.status_code, response.text)
        _no_server_error(endpoint, response, who)


@pytest.mark.parametrize("endpoint", GUARDED, ids=lambda e: e.id)
async def test_without_a_valid_token_nothing_answers(clients: Clients, endpoint: Endpoint) -> None:
    response = await call(clients, endpoint, None)
    assert response.status_code == 401, ("no token", response.status_code, response.text)
    for why, make in BAD_TOKENS.items():
        response = await call(clients, endpoint, make(endpoint.service))
        assert response.status_code == 401, (why, response.status_code, response.text)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("endpoint", GUARDED, ids=lambda e: e.id)
async def test_a_token_of_another_district_is_refused(
    clients: Clients, endpoint: Endpoint, role: Role
) -> None:
    response = await call(clients, endpoint, person_token(foreign_district(endpoint.service), role))
    assert response.status_code == 403, (response.status_code, response.text)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("endpoint", GUARDED, ids=lambda e: e.id)
async def test_roles_as_declared(clients: Clients, endpoint: Endpoint, role: Role) -> None:
    response = await call(clients, endpoint, person_token(own_district(endpoint.service), role))
    if role in endpoint.roles:
        assert response.status_code not in GATE, (response.status_code, response.text)
        _no_server_error(endpoint, response, role.value)
    else:
        assert response.status_code == 403, (response.status_code, response.text)


# ---------------------------------------------------------------- the policy, stated


REFUSED, ADMITTED = "refused", "admitted"
PEOPLE = [r for r in Role if r is not Role.SERVICE]
NOT_STAFF = [r for r in PEOPLE if r not in STAFF]

EXPECTED: list[tuple[str, Role, str, str, str]] = [
    # (service, role, method, route template, outcome)
    ("registry", Role.TEACHER, "POST", "/organisations", REFUSED),
    ("registry", Role.SCHOOL_REPRESENTATIVE, "POST", "/organisations", REFUSED),
    ("registry", Role.COUNCIL_SECRETARY, "POST", "/people", REFUSED),
    ("registry", Role.METHODIST, "POST", "/organisations", ADMITTED),
    ("registry", Role.TEACHER, "GET", "/organisations", ADMITTED),
    ("registry", Role.TEACHER, "GET", "/people/{person_id:uuid}", REFUSED),
    ("registry", Role.COUNCIL_SECRETARY, "GET", "/people/{person_id:uuid}", ADMITTED),
    ("scheduling", Role.TEACHER, "POST", "/events", REFUSED),
    ("scheduling", Role.COUNCIL_SECRETARY, "POST", "/events", REFUSED),
    ("scheduling", Role.METHODIST, "POST", "/events", ADMITTED),
    ("scheduling", Role.TEACHER, "GET", "/events", ADMITTED),
    ("scheduling", Role.TEACHER, "POST", "/events/{event_id:uuid}/registrations", ADMITTED),
    (
        "scheduling",
        Role.SCHOOL_REPRESENTATIVE,
        "POST",
        "/events/{event_id:uuid}/registrations",
        ADMITTED,
    ),
    ("scheduling", Role.COUNCIL_MEMBER, "POST", "/events/{event_id:uuid}/registrations", REFUSED),
    # self check-in with the personal QR code is the participant's own act
    ("scheduling", Role.TEACHER, "POST", "/events/{event_id:uuid}/check-in", ADMITTED),
    ("scheduling", Role.TEACHER, "POST", "/events/{event_id:uuid}/cancel", REFUSED),
    ("scheduling", Role.SCHOOL_REPRESENTATIVE, "POST", "/plans", REFUSED),
    ("applications", Role.SCHOOL_REPRESENTATIVE, "POST", "/applications", ADMITTED),
    (
        "applications",
        Role.SCHOOL_REPRESENTATIVE,
        "POST",
        "/applications/{application_id:uuid}/submit",
        ADMITTED,
    ),
    (
        "applications",
        Role.SCHOOL_REPRESENTATIVE,
        "POST",
        "/applications/{application_id:uuid}/withdraw",
        ADMITTED,
    ),
    # a returned application gets its documents again
    (
        "applications",
        Role.SCHOOL_REPRESENTATIVE,
        "PATCH",
        "/applications/{application_id:uuid}",
        ADMITTED,
    ),
    ("applications", Role.TEACHER, "POST", "/applications", REFUSED),
    ("applications", Role.COUNCIL_MEMBER, "POST", "/applications", REFUSED),
    (
        "applications",
        Role.SCHOOL_REPRESENTATIVE,
        "POST",
        "/applications/{application_id:uuid}/conclusion",
        REFUSED,
    ),
    (
        "applications",
        Role.SCHOOL_REPRESENTATIVE,
        "POST",
        "/applications/{application_id:uuid}/review",
        REFUSED,
    ),
    (
        "applications",
        Role.SCHOOL_REPRESENTATIVE,
        "POST",
        "/sites/{site_id:uuid}/reports/{report_id:uuid}",
        ADMITTED,
    ),
    (
        "applications",
        Role.TEACHER,
        "POST",
        "/sites/{site_id:uuid}/reports/{report_id:uuid}",
        REFUSED,
    ),
    ("applications", Role.COUNCIL_SECRETARY, "POST", "/meetings", ADMITTED),
    ("applications", Role.METHODIST, "POST", "/meetings", ADMITTED),
    ("applications", Role.COUNCIL_MEMBER, "POST", "/meetings", REFUSED),
    ("applications", Role.SCHOOL_REPRESENTATIVE, "POST", "/meetings", REFUSED),
    (
        "applications",
        Role.COUNCIL_SECRETARY,
        "POST",
        "/meetings/{meeting_id:uuid}/items/{item_id:uuid}/vote",
        ADMITTED,
    ),
    (
        "applications",
        Role.COUNCIL_MEMBER,
        "POST",
        "/meetings/{meeting_id:uuid}/items/{item_id:uuid}/vote",
        REFUSED,
    ),
    ("applications", Role.COUNCIL_SECRETARY, "POST", "/meetings/{meeting_id:uuid}/close", ADMITTED),
    ("applications", Role.COUNCIL_SECRETARY, "POST", "/orders", REFUSED),
    ("applications", Role.TEACHER, "GET", "/audit", REFUSED),
    ("applications", Role.COUNCIL_SECRETARY, "GET", "/audit", REFUSED),
    ("applications", Role.SCHOOL_REPRESENTATIVE, "GET", "/audit", REFUSED),
    ("applications", Role.SERVICE, "GET", "/audit", REFUSED),
    ("applications", Role.METHODIST, "GET", "/audit", ADMITTED),
    ("applications", Role.CENTRE_COORDINATOR, "GET", "/audit", ADMITTED),
    ("applications", Role.TEACHER, "GET", "/applications", ADMITTED),
    # growth: a teacher's needs, deficits and route are personal data
    ("growth", Role.TEACHER, "POST", "/surveys", REFUSED),
    ("growth", Role.METHODIST, "POST", "/surveys", ADMITTED),
    ("growth", Role.TEACHER, "GET", "/surveys", REFUSED),
    ("growth", Role.TEACHER, "GET", "/surveys/mine", ADMITTED),
    ("growth", Role.TEACHER, "PUT", "/surveys/{survey_id:uuid}/response", ADMITTED),
    ("growth", Role.COUNCIL_MEMBER, "PUT", "/surveys/{survey_id:uuid}/response", REFUSED),
    ("growth", Role.SCHOOL_REPRESENTATIVE, "GET", "/surveys/{survey_id:uuid}/results", REFUSED),
    ("growth", Role.COUNCIL_SECRETARY, "GET", "/deficits", REFUSED),
    ("growth", Role.COUNCIL_MEMBER, "GET", "/people/{person_id:uuid}/transcript", REFUSED),
    ("growth", Role.SCHOOL_REPRESENTATIVE, "GET", "/people/{person_id:uuid}/transcript", ADMITTED),
    ("growth", Role.TEACHER, "POST", "/deficits", REFUSED),
    ("growth", Role.TEACHER, "POST", "/deficits/{deficit_id:uuid}/close", REFUSED),
    ("growth", Role.SCHOOL_REPRESENTATIVE, "POST", "/deficits/{deficit_id:uuid}/close", REFUSED),
    ("growth", Role.METHODIST, "POST", "/deficits/{deficit_id:uuid}/close", ADMITTED),
    ("growth", Role.TEACHER, "POST", "/routes", REFUSED),
    (
        "growth",
        Role.TEACHER,
        "POST",
        "/routes/{route_id:uuid}/steps/{step_id:uuid}/approve",
        REFUSED,
    ),
    ("growth", Role.TEACHER, "POST", "/tutor-assignments", REFUSED),
    ("growth", Role.TEACHER, "GET", "/competencies", ADMITTED),
    ("growth", Role.TEACHER, "POST", "/competencies", REFUSED),
    # analytics: exam results are for the IMC's staff; no ranking of schools for anyone else
    ("analytics", Role.METHODIST, "GET", "/analysis", ADMITTED),
    ("analytics", Role.TEACHER, "GET", "/analysis", REFUSED),
    ("analytics", Role.SCHOOL_REPRESENTATIVE, "GET", "/analysis", REFUSED),
    ("analytics", Role.COUNCIL_MEMBER, "GET", "/schools", REFUSED),
    ("analytics", Role.TEACHER, "POST", "/results/import", REFUSED),
    ("analytics", Role.SCHOOL_REPRESENTATIVE, "GET", "/analysis/low-results", REFUSED),
    # resources: everyone reads and searches; staff review and share
    ("resources", Role.TEACHER, "GET", "/search", ADMITTED),
    ("resources", Role.COUNCIL_MEMBER, "GET", "/bank", ADMITTED),
    ("resources", Role.TEACHER, "POST", "/resources", ADMITTED),
    ("resources", Role.COUNCIL_MEMBER, "POST", "/resources", REFUSED),
    ("resources", Role.TEACHER, "POST", "/resources/{resource_id:uuid}/approve", REFUSED),
    ("resources", Role.TEACHER, "POST", "/resources/{resource_id:uuid}/share", REFUSED),
    (
        "resources",
        Role.SCHOOL_REPRESENTATIVE,
        "POST",
        "/resources/{resource_id:uuid}/share",
        REFUSED,
    ),
    ("resources", Role.METHODIST, "POST", "/resources/{resource_id:uuid}/share", ADMITTED),
    ("documents", Role.COUNCIL_SECRETARY, "POST", "/documents/render", ADMITTED),
    ("documents", Role.METHODIST, "POST", "/documents/render", ADMITTED),
    ("documents", Role.TEACHER, "POST", "/documents/render", REFUSED),
    ("documents", Role.COUNCIL_MEMBER, "POST", "/documents/render", REFUSED),
    ("documents", Role.TEACHER, "POST", "/templates/{name:str}", REFUSED),
    ("documents", Role.COUNCIL_SECRETARY, "POST", "/verify/{number:str}/revoke", REFUSED),
    (
        "notifications",
        Role.TEACHER,
        "POST",
        "/notifications/{notification_id:uuid}/resend",
        REFUSED,
    ),
    ("notifications", Role.METHODIST, "POST", "/notifications/digests", ADMITTED),
    ("federation", Role.CENTRE_COORDINATOR, "POST", "/resync", ADMITTED),
    ("federation", Role.TEACHER, "POST", "/resync", REFUSED),
    ("federation", Role.TEACHER, "GET", "/sites", ADMITTED),
]


@pytest.mark.parametrize(
    ("service", "role", "method", "path", "outcome"),
    EXPECTED,
    ids=[f"{s}:{m}:{p}:{r}:{o}" for s, r, m, p, o in EXPECTED],
)
async def test_the_policy(
    clients: Clients, service: str, role: Role, method: str, path: str, outcome: str
) -> None:
    matches = [e for e in ENDPOINTS if (e.service, e.method, e.path) == (service, method, path)]
    assert matches, f"{service} has no {method} {path}: update the table"
    response = await call(clients, matches[0], person_token(own_district(service), role))
    if outcome == REFUSED:
        assert response.status_code == 403, (response.status_code, response.text)
    else:
        assert response.status_code not in GATE, (response.status_code, response.text)
        _no_server_error(matches[0], response, role.value)


CHANGES = [e for e in GUARDED if e.method not in ("GET", "HEAD")]
SERVICE_WRITES = {
    ("documents", "POST", "/documents/render"): (
        "the growth service prints a teacher's record of development from its own records "
        "(only that paper, and only for the growth service)"
    ),
}
"""The only changes a service's token makes over HTTP, and why."""


@pytest.mark.parametrize("endpoint", CHANGES, ids=lambda e: e.id)
async def test_services_only_read(clients: Clients, endpoint: Endpoint) -> None:
    """A service's own token changes nothing over HTTP, whatever a route declares, beyond
    :data:`SERVICE_WRITES` (there, another service than the one named is refused)."""
    token = testing.keys()[SERVICE_KEY_ID][0]
    service_token = TokenSigner(token).service_token("scheduling", own_district(endpoint.service))
    if (endpoint.service, endpoint.method, endpoint.path) in SERVICE_WRITES:
        response = await clients[endpoint.service].request(
            endpoint.method,
            endpoint.url,
            headers={"Authorization": f"Bearer {service_token}"},
            json={"template": "teacher_transcript", "data": {}},
        )
    else:
        response = await call(clients, endpoint, service_token)
    assert response.status_code == 403, (response.status_code, response.text)


@pytest.mark.parametrize("role", NOT_STAFF, ids=str)
async def test_nobody_but_staff_changes_the_registry(clients: Clients, role: Role) -> None:
    """The registry has no route a school, a teacher or the council changes."""
    changes = [e for e in CHANGES if e.service == "registry"]
    assert changes
    refused = []
    for endpoint in changes:
        response = await call(clients, endpoint, person_token(DISTRICT, role))
        refused.append((endpoint.id, response.status_code))
    assert all(status == 403 for _, status in refused), refused


PUBLIC_NEEDS = [
    # (service, method, path suffix, why) — reached by people without an account
    ("documents", "GET", "/verify/{number:str}", "a certificate's QR code opens it"),
    ("notifications", "GET", "/unsubscribe", "the link at the foot of every letter"),
    (
        "scheduling",
        "GET",
        "/calendar/people/{person_id:uuid}/events.ics",
        "a calendar app subscribes with the feed token",
    ),
]


@pytest.mark.parametrize(
    ("service", "method", "suffix", "why"),
    PUBLIC_NEEDS,
    ids=[f"{s}:{m}:{p}" for s, m, p, _ in PUBLIC_NEEDS],
)
async def test_what_people_open_without_an_account_is_open(
    clients: Clients, service: str, method: str, suffix: str, why: str
) -> None:
    """Links in letters, on paper and in calendar apps carry no token: they stay open
    (under ``/public/...`` or another open prefix), whatever the route's path."""
    served = [
        e
        for e in ENDPOINTS
        if e.service == service and e.method == method and e.path.endswith(suffix)
    ]
    assert served, f"{service} serves no {method} …{suffix} ({why})"
    answers = {e.url: (await call(clients, e, None)).status_code for e in served}
    assert any(status not in GATE for status in answers.values()), (why, answers)
