"""Who receives which email: pure rules over the addresses the read models know."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import NAMESPACE_URL, UUID, uuid5

NO_ORGANISATION = UUID(int=0)
"""The documents service's ``organisation_id`` of a document about no organisation."""


def normalise_email(address: str | None) -> str:
    """Trim an address; ``""`` when there is none or it is not an address."""
    address = (address or "").strip()
    return address if "@" in address and " " not in address else ""


def unique_addresses(addresses: Iterable[str | None]) -> list[str]:
    """The usable addresses in order, each once (case-insensitive), empty ones dropped."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in addresses:
        address = normalise_email(raw)
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


def decision_addresses(applicant_email: str, school_email: str | None) -> list[str]:
    """Where the council's decision goes: the application's contact, else the school's."""
    return unique_addresses([applicant_email or school_email])


def site_addresses(
    leader_email: str | None, co_leader_email: str | None, school_email: str | None
) -> list[str]:
    """A site's warnings: its leader, its co-leader and the school, each address once."""
    return unique_addresses([leader_email, co_leader_email, school_email])


def cause_key(route: str, *parts: object) -> UUID:
    """A stable id of what caused an email, so the same event mails a person once,
    even when it is published again under a new message id."""
    return uuid5(NAMESPACE_URL, "imc:" + route + ":" + ":".join(str(p) for p in parts))
