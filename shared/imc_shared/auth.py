"""Who is asking: short-lived signed tokens, roles, and the check every service makes.

The portal signs a token for each call it makes on a person's behalf: Ed25519 (JWT
``EdDSA``), valid for two minutes, carrying the role, the district (or the centre) the
account belongs to, the person's name and, where it matters, the organisation and the
person in the registry. A service that calls another signs its own token with a separate
key, and a token signed with that key may only ever carry the role ``service``.

Every service holds the public keys only (``IMC_AUTH_PUBLIC_KEYS``) and, on every
request except health, readiness, the OpenAPI schema and ``/public/...``:

- refuses a missing, forged, expired or badly formed token (401);
- refuses a token of another district (403): an account of district A reaches nothing of
  district B;
- refuses a role the endpoint does not admit (403). An endpoint declares its roles with
  ``opt={"roles": ...}``; without a declaration, reading (GET) is open to every staff
  role and changing anything to the district administrator and methodists.

Keys travel in the environment as ``<key id>:<base64url of the raw 32-byte key>``.
``python -m imc_shared.auth keygen <key id>`` prints a new pair.
"""

import base64
import sys
import time
from collections.abc import Callable, Collection, Iterable
from enum import StrEnum
from typing import Any
from uuid import UUID

import httpx
import jwt
import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware

AUDIENCE = "imc"
ALGORITHM = "EdDSA"
TOKEN_LIFETIME_SECONDS = 120
LEEWAY_SECONDS = 10
PORTAL_KEY_ID = "portal"
SERVICE_KEY_ID = "service"

OPEN_PATHS = ("/health", "/ready", "/schema", "/public", "/static")
"""Paths every service answers without a token (prefix match on a path segment)."""


class Role(StrEnum):
    """Who a person is in the methodical network; the account's role."""

    DISTRICT_ADMIN = "district_admin"
    METHODIST = "methodist"
    COUNCIL_SECRETARY = "council_secretary"
    COUNCIL_MEMBER = "council_member"
    SCHOOL_REPRESENTATIVE = "school_representative"
    TEACHER = "teacher"
    CENTRE_COORDINATOR = "centre_coordinator"
    SERVICE = "service"
    """Another service of the same instance calling over HTTP (reads only by default)."""


ROLE_TITLES: dict[Role, str] = {
    Role.DISTRICT_ADMIN: "администратор ИМЦ",
    Role.METHODIST: "методист",
    Role.COUNCIL_SECRETARY: "секретарь методического совета",
    Role.COUNCIL_MEMBER: "член методического совета",
    Role.SCHOOL_REPRESENTATIVE: "представитель образовательной организации",
    Role.TEACHER: "педагог",
    Role.CENTRE_COORDINATOR: "координатор ММЦ",
    Role.SERVICE: "служба системы",
}

PEOPLE_ROLES = frozenset(Role) - {Role.SERVICE}
STAFF = frozenset({Role.DISTRICT_ADMIN, Role.METHODIST, Role.CENTRE_COORDINATOR})
"""Who runs the instance: may change what any endpoint changes unless it says otherwise."""
COUNCIL = frozenset({Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER})
READERS = frozenset(Role)
"""Everyone with a token of this district may read, unless the endpoint narrows it."""
WRITERS = STAFF


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """The person (or service) a request acts for, as the token says."""

    subject: str
    """Account id (or the calling service's name)."""
    role: Role
    district: str
    """Code of the instance the account belongs to: a district or the centre."""
    name: str = ""
    """Full name as shown in audit trails and documents."""
    organisation_id: UUID | None = None
    """The educational organisation a school representative or teacher belongs to."""
    person_id: UUID | None = None
    """The person's record in the registry, where there is one."""

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF


class AuthError(Exception):
    """A token that cannot be trusted; the message says why (in Russian, for people)."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _split(entry: str) -> tuple[str, bytes]:
    kid, sep, value = entry.strip().partition(":")
    if not sep or not kid or not value:
        raise ValueError("a key is written as <key id>:<base64url of the raw key>")
    raw = _b64decode(value)
    if len(raw) != 32:
        raise ValueError(f"key {kid!r}: an Ed25519 key is 32 bytes, not {len(raw)}")
    return kid, raw


def parse_public_keys(text: str) -> dict[str, Ed25519PublicKey]:
    """``portal:AAA…,service:BBB…`` → the verification keys by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    for entry in text.split(","):
        if entry.strip():
            kid, raw = _split(entry)
            keys[kid] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


def parse_signing_key(text: str) -> tuple[str, Ed25519PrivateKey]:
    """``portal:AAA…`` → the key id and the private key."""
    kid, raw = _split(text)
    return kid, Ed25519PrivateKey.from_private_bytes(raw)


def generate_keypair(kid: str) -> tuple[str, str]:
    """A new pair as environment values: (signing key, public key)."""
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes_raw()
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return f"{kid}:{_b64encode(private_raw)}", f"{kid}:{_b64encode(public_raw)}"


class TokenSigner:
    """Signs tokens with one key; the portal's for people, a service's for itself."""

    def __init__(self, signing_key: str, *, lifetime: int = TOKEN_LIFETIME_SECONDS) -> None:
        self.kid, self._key = parse_signing_key(signing_key)
        self.lifetime = lifetime

    def issue(self, principal: Principal, *, now: float | None = None) -> str:
        if self.kid == SERVICE_KEY_ID and principal.role is not Role.SERVICE:
            raise ValueError("the service key signs only tokens of the role 'service'")
        issued = int(now if now is not None else time.time())
        claims: dict[str, Any] = {
            "sub": principal.subject,
            "aud": AUDIENCE,
            "iat": issued,
            "exp": issued + self.lifetime,
            "role": principal.role.value,
            "district": principal.district,
        }
        if principal.name:
            claims["name"] = principal.name
        if principal.organisation_id:
            claims["org"] = str(principal.organisation_id)
        if principal.person_id:
            claims["person"] = str(principal.person_id)
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def service_token(self, service: str, district: str) -> str:
        """A token for one call from ``service`` to another service of ``district``."""
        return self.issue(Principal(subject=service, role=Role.SERVICE, district=district))


class TokenVerifier:
    """Checks a token against the configured public keys and turns it into a Principal."""

    def __init__(self, public_keys: str | dict[str, Ed25519PublicKey]) -> None:
        self.keys = parse_public_keys(public_keys) if isinstance(public_keys, str) else public_keys

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise AuthError("Неверный формат токена доступа") from error
        key = self.keys.get(str(header.get("kid", "")))
        if key is None:
            raise AuthError("Токен подписан неизвестным ключом")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise AuthError("Срок действия токена доступа истёк") from error
        except jwt.PyJWTError as error:
            raise AuthError("Токен доступа не прошёл проверку подписи") from error
        try:
            principal = Principal(
                subject=str(claims["sub"]),
                role=Role(claims["role"]),
                district=str(claims["district"]),
                name=str(claims.get("name", "")),
                organisation_id=UUID(claims["org"]) if claims.get("org") else None,
                person_id=UUID(claims["person"]) if claims.get("person") else None,
            )
        except (KeyError, ValueError) as error:
            raise AuthError("В токене доступа нет роли или района") from error
        if header.get("kid") == SERVICE_KEY_ID and principal.role is not Role.SERVICE:
            raise AuthError("Ключ служб не может подписывать токены людей")
        return principal


PUBLIC: dict[str, Any] = {"public": True}
"""``opt`` of a route open to anyone outside ``/public/`` (e.g. an old address that only
redirects there)."""


def is_open_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in OPEN_PATHS)


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    """Authenticates every request but the open paths; checks the district."""

    def __init__(self, app: Any, verifier: TokenVerifier, district: str, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.verifier = verifier
        self.district = district

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Any:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthorizedException("Требуется вход в систему: нет токена доступа")
        try:
            principal = self.verifier.verify(token.strip())
        except AuthError as error:
            raise NotAuthorizedException(str(error)) from error
        if self.district and principal.district != self.district:
            raise PermissionDeniedException(
                "Учётная запись принадлежит другому району: "
                f"«{principal.district}», а не «{self.district}»"
            )
        return AuthenticationResult(user=principal, auth=token)


def auth_middleware(public_keys: str, district: str) -> DefineMiddleware:
    """The middleware for an app of ``district`` trusting ``public_keys``."""
    if not public_keys.strip():
        raise ValueError(
            "IMC_AUTH_PUBLIC_KEYS is not set: a service must know whose tokens to trust "
            "(python -m imc_shared.auth keygen portal)"
        )
    return DefineMiddleware(
        TokenAuthMiddleware,
        verifier=TokenVerifier(public_keys),
        district=district,
        exclude=[rf"^{p}(/|$)" for p in OPEN_PATHS],
        exclude_from_auth_key="public",
    )


def allowed_roles(handler: BaseRouteHandler, method: str) -> Collection[Role]:
    """The roles an endpoint admits: its declaration or the default by method."""
    declared = handler.opt.get("roles")
    if declared is not None:
        return frozenset(declared)
    return READERS if method in ("GET", "HEAD") else WRITERS


def authorize(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The guard every app installs: the endpoint must admit the token's role."""
    if is_open_path(connection.url.path) or handler.opt.get("public"):
        return
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("Требуется вход в систему")
    if principal.role not in allowed_roles(handler, str(connection.scope.get("method", "GET"))):
        raise PermissionDeniedException(
            f"Роль «{ROLE_TITLES[principal.role]}» не даёт права на это действие"
        )


def roles(*admitted: Role | Iterable[Role]) -> dict[str, Any]:
    """``opt`` for a route handler: ``@post(..., opt=roles(STAFF, Role.COUNCIL_SECRETARY))``."""
    result: set[Role] = set()
    for item in admitted:
        result.update([item] if isinstance(item, Role) else item)
    return {"roles": frozenset(result)}


def current(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The principal of an authenticated request."""
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise NotAuthorizedException("Требуется вход в систему")
    return principal


class ServiceAuth(httpx.Auth):
    """httpx auth that signs a fresh token per request (tokens live two minutes)."""

    def __init__(self, token: Callable[[], str]) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token()}"
        yield request


def service_auth(signing_key: str, service: str, district: str) -> ServiceAuth | None:
    """httpx auth for calls from ``service`` to its neighbours; None without a key."""
    if not signing_key.strip():
        return None
    signer = TokenSigner(signing_key)
    return ServiceAuth(lambda: signer.service_token(service, district))


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "keygen":
        print("usage: python -m imc_shared.auth keygen <key id: portal|service>", file=sys.stderr)
        return 2
    signing, public = generate_keypair(argv[1])
    print(f"IMC_AUTH_SIGNING_KEY={signing}")
    print(f"IMC_AUTH_PUBLIC_KEY={public}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
