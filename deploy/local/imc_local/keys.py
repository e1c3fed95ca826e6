"""The key pairs of one local federation: the portal's (people's tokens) and the
services' (their calls to each other), and tokens the launcher signs for itself.

Every service of the federation trusts both public keys; the services sign with the
service key, the portal with its own. ``make run`` keeps the pairs in
``var/run/keys.json`` so that a restart keeps the portal's sessions valid, and
``make flow`` signs its calls with the portal key from there.
"""

import base64
import json
import os
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from imc_shared.auth import (
    PORTAL_KEY_ID,
    SERVICE_KEY_ID,
    Principal,
    Role,
    ServiceAuth,
    TokenSigner,
    generate_keypair,
    parse_signing_key,
)

LAUNCHER_ACTOR = "Секретарь методического совета (демонстрация)"
"""The name the launcher's own calls carry (what the audit trail shows)."""


def staff_role(kind: str) -> Role:
    """Who runs an instance: the centre's coordinator, a district's IMC administrator."""
    return Role.CENTRE_COORDINATOR if kind == "centre" else Role.DISTRICT_ADMIN


def subject_for(district: str, role: Role, name: str) -> str:
    """A stable account id for the launcher's tokens (a UUID, as a portal account's)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"imc-local:{district}:{role.value}:{name}"))


@dataclass(frozen=True)
class StackKeys:
    """Both key pairs, as environment values (``<key id>:<base64url>``)."""

    portal_signing: str
    portal_public: str
    service_signing: str
    service_public: str

    @classmethod
    def generate(cls) -> "StackKeys":
        portal_signing, portal_public = generate_keypair(PORTAL_KEY_ID)
        service_signing, service_public = generate_keypair(SERVICE_KEY_ID)
        return cls(portal_signing, portal_public, service_signing, service_public)

    @classmethod
    def load(cls, path: Path) -> "StackKeys":
        """The pairs saved in ``path``; a broken file is an error naming it."""
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            keys = cls(**{field: str(data[field]) for field in cls.__dataclass_fields__})
            keys.check()
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                f"{path}: not the key pairs of a local federation ({error})"
            ) from error
        return keys

    @classmethod
    def load_or_create(cls, path: Path) -> "StackKeys":
        """The pairs saved in ``path``, or new ones saved there (readable by the owner only)."""
        if path.exists():
            return cls.load(path)
        keys = cls.generate()
        keys.save(path)
        return keys

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(".tmp")
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(asdict(self), file, indent=2)
        scratch.replace(path)

    def check(self) -> None:
        """Each signing key has its key id and the public key beside it belongs to it."""
        for signing, public, kid in (
            (self.portal_signing, self.portal_public, PORTAL_KEY_ID),
            (self.service_signing, self.service_public, SERVICE_KEY_ID),
        ):
            signer = TokenSigner(signing)
            if signer.kid != kid or not public.startswith(f"{kid}:"):
                raise ValueError(f"the {kid} key pair has the key id {signer.kid!r}")
            if generate_public(signing) != public:
                raise ValueError(f"the {kid} public key does not belong to its signing key")

    @property
    def public_keys(self) -> str:
        """``IMC_AUTH_PUBLIC_KEYS`` of every service and the portal."""
        return f"{self.portal_public},{self.service_public}"

    def service_env(self) -> dict[str, str]:
        """What every service process gets: trust both keys, sign with the service key."""
        return {
            "IMC_AUTH_PUBLIC_KEYS": self.public_keys,
            "IMC_AUTH_SIGNING_KEY": self.service_signing,
        }

    def portal_env(self) -> dict[str, str]:
        """What the portal gets: trust both keys, sign people's tokens with its own."""
        return {
            "IMC_AUTH_PUBLIC_KEYS": self.public_keys,
            "IMC_AUTH_SIGNING_KEY": self.portal_signing,
        }

    def token(
        self,
        district: str,
        role: Role,
        *,
        name: str = LAUNCHER_ACTOR,
        subject: str = "",
        organisation_id: uuid.UUID | None = None,
        person_id: uuid.UUID | None = None,
    ) -> str:
        """A portal token for a person of ``district`` with ``role``."""
        principal = Principal(
            subject=subject or subject_for(district, role, name),
            role=role,
            district=district,
            name=name,
            organisation_id=organisation_id,
            person_id=person_id,
        )
        return TokenSigner(self.portal_signing).issue(principal)

    def auth(self, district: str, role: Role, **claims: Any) -> httpx.Auth:
        """httpx auth signing a fresh :meth:`token` per request (tokens live two minutes)."""
        return ServiceAuth(lambda: self.token(district, role, **claims))


def generate_public(signing: str) -> str:
    """The public key (as an environment value) of a signing key."""
    kid, private = parse_signing_key(signing)
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return f"{kid}:{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}"
