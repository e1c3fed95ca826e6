"""Tokens and the check every service app makes, on a real Litestar app."""

import time
from typing import Any

import jwt
import pytest
from litestar import Request, get, post
from litestar.testing import AsyncTestClient

from imc_shared import testing
from imc_shared.auth import (
    STAFF,
    AuthError,
    Principal,
    Role,
    TokenSigner,
    TokenVerifier,
    current,
    generate_keypair,
    parse_public_keys,
    roles,
)
from imc_shared.http import create_http_app
from imc_shared.settings import ServiceSettings

DISTRICT = "yaya"


@get("/things")
async def list_things(request: Request[Any, Any, Any]) -> dict[str, str]:
    principal = current(request)
    return {"role": principal.role.value, "name": principal.name}


@post("/things")
async def add_thing() -> dict[str, str]:
    return {"added": "yes"}


@post("/votes", opt=roles(STAFF, Role.COUNCIL_SECRETARY))
async def vote() -> dict[str, str]:
    return {"voted": "yes"}


@get("/public/things")
async def public_things() -> list[str]:
    return ["open"]


def make_app() -> Any:
    settings = ServiceSettings(service="demo", district=DISTRICT, **testing.auth_settings())
    return create_http_app(
        [list_things, add_thing, vote, public_things], settings=settings, title="demo"
    )


async def test_a_token_of_the_district_reads_and_the_name_reaches_the_handler() -> None:
    async with AsyncTestClient(make_app()) as client:
        response = await client.get("/things", headers=testing.bearer(DISTRICT, Role.TEACHER))
        assert response.status_code == 200
        assert response.json() == {"role": "teacher", "name": "Орлова Татьяна Николаевна"}


async def test_no_token_is_401_and_open_paths_need_none() -> None:
    async with AsyncTestClient(make_app()) as client:
        missing = await client.get("/things")
        assert missing.status_code == 401
        assert missing.json()["error"] == "unauthenticated"
        assert "Требуется вход" in missing.json()["message"]
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert (await client.get("/public/things")).json() == ["open"]
        assert (await client.get("/health")).status_code == 200


async def test_another_district_is_403_whatever_the_role() -> None:
    async with AsyncTestClient(make_app()) as client:
        response = await client.get(
            "/things", headers=testing.bearer("buguruslan", Role.CENTRE_COORDINATOR)
        )
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
        assert "другому району" in response.json()["message"]


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.METHODIST, "/things", 201),
        (Role.TEACHER, "/things", 403),
        (Role.SERVICE, "/things", 403),
        (Role.COUNCIL_SECRETARY, "/votes", 201),
        (Role.COUNCIL_MEMBER, "/votes", 403),
        (Role.DISTRICT_ADMIN, "/votes", 201),
    ],
)
async def test_writes_follow_the_declared_roles(role: Role, path: str, status: int) -> None:
    async with AsyncTestClient(make_app()) as client:
        response = await client.post(path, headers=testing.bearer(DISTRICT, role))
        assert response.status_code == status
        if status == 403:
            assert "не даёт права" in response.json()["message"]


async def test_forged_expired_and_malformed_tokens_are_401() -> None:
    stranger, _ = generate_keypair("portal")
    forged = TokenSigner(stranger).issue(
        Principal(subject="x", role=Role.DISTRICT_ADMIN, district=DISTRICT)
    )
    expired = testing.signer().issue(
        Principal(subject="x", role=Role.DISTRICT_ADMIN, district=DISTRICT),
        now=time.time() - 3600,
    )
    async with AsyncTestClient(make_app()) as client:
        for token in (forged, expired, "not-a-token"):
            response = await client.get("/things", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, token


def test_the_service_key_cannot_speak_for_a_person() -> None:
    service_signing = testing.keys()["service"][0]
    with pytest.raises(ValueError, match="service"):
        TokenSigner(service_signing).issue(
            Principal(subject="x", role=Role.METHODIST, district=DISTRICT)
        )
    # Even a hand-made token signed with the service key is refused by the verifier.
    _, raw = service_signing.split(":", 1)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from imc_shared.auth import _b64decode

    key = Ed25519PrivateKey.from_private_bytes(_b64decode(raw))
    now = int(time.time())
    token = jwt.encode(
        {
            "sub": "x",
            "aud": "imc",
            "iat": now,
            "exp": now + 60,
            "role": "methodist",
            "district": DISTRICT,
        },
        key,
        algorithm="EdDSA",
        headers={"kid": "service"},
    )
    with pytest.raises(AuthError, match="служб"):
        TokenVerifier(testing.public_keys()).verify(token)


def test_keys_are_validated_and_an_app_without_keys_does_not_start() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        parse_public_keys("portal:AAAA")
    with pytest.raises(ValueError, match="key id"):
        parse_public_keys("no-separator")
    with pytest.raises(ValueError, match="IMC_AUTH_PUBLIC_KEYS"):
        create_http_app([], settings=ServiceSettings(service="x", district=DISTRICT), title="x")
