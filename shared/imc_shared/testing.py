"""Keys and tokens for tests and for the local launcher's own calls.

One key pair per process, made on first use: a test's app trusts
:func:`auth_settings`, and its client sends :func:`bearer` (or :func:`auth` for a
long-lived httpx client that needs a fresh token per request).
"""

import functools
from typing import Any
from uuid import UUID

import httpx

from imc_shared.auth import (
    PORTAL_KEY_ID,
    SERVICE_KEY_ID,
    Principal,
    Role,
    ServiceAuth,
    TokenSigner,
    generate_keypair,
)


@functools.cache
def keys() -> dict[str, tuple[str, str]]:
    """(signing, public) for the portal's key and the services' key."""
    return {kid: generate_keypair(kid) for kid in (PORTAL_KEY_ID, SERVICE_KEY_ID)}


def public_keys() -> str:
    return ",".join(public for _, public in keys().values())


def auth_settings() -> dict[str, str]:
    """Settings fields for a service under test: trust both test keys, sign as a service."""
    return {"auth_public_keys": public_keys(), "auth_signing_key": keys()[SERVICE_KEY_ID][0]}


def signer() -> TokenSigner:
    return TokenSigner(keys()[PORTAL_KEY_ID][0])


def token(
    district: str,
    role: Role | str = Role.DISTRICT_ADMIN,
    *,
    name: str = "Орлова Татьяна Николаевна",
    subject: str = "0192f5a0-0000-7000-8000-0000000000f1",
    organisation_id: UUID | None = None,
    person_id: UUID | None = None,
) -> str:
    """A portal token for a person of ``district`` with ``role``."""
    principal = Principal(
        subject=subject,
        role=Role(role),
        district=district,
        name=name,
        organisation_id=organisation_id,
        person_id=person_id,
    )
    return signer().issue(principal)


def bearer(district: str, role: Role | str = Role.DISTRICT_ADMIN, **claims: Any) -> dict[str, str]:
    """The Authorization header of :func:`token`."""
    return {"Authorization": f"Bearer {token(district, role, **claims)}"}


def auth(district: str, role: Role | str = Role.DISTRICT_ADMIN, **claims: Any) -> httpx.Auth:
    """httpx auth minting a fresh :func:`token` per request."""
    return ServiceAuth(lambda: token(district, role, **claims))
