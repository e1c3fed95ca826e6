"""What the applications service asks the registry over HTTP: organisations, people's
public cards and the methodical council's members."""

from typing import Any
from uuid import UUID

import httpx
import msgspec

from imc_applications.domain.leadership import Candidate
from imc_shared.errors import DomainError, InvalidInput


class RegistryUnavailable(DomainError):
    """The registry did not answer; nothing was changed."""

    status_code = 503
    code = "registry_unavailable"


class OrganisationCard(msgspec.Struct, kw_only=True):
    """The registry's view of an organisation, as much as applications need."""

    id: UUID
    full_name: str
    short_name: str
    email: str
    kind: str = "school"
    archived: bool = False


class PersonCard(msgspec.Struct, kw_only=True):
    """The public fields of a person (the registry's explicit list)."""

    id: UUID
    full_name: str
    position: str
    staff_group: str
    organisation_id: UUID | None = None
    qualification_category: str = "none"
    email: str = ""

    def candidate(self) -> Candidate:
        """The person as a candidate for leading a site."""
        return Candidate(
            id=self.id,
            full_name=self.full_name,
            position=self.position,
            staff_group=self.staff_group,
            organisation_id=self.organisation_id,
            qualification_category=self.qualification_category,
        )


class Structure(msgspec.Struct, kw_only=True):
    """A methodical structure with its head and members."""

    id: UUID
    kind: str
    title: str
    head: PersonCard | None = None
    members: list[Any] = msgspec.field(default_factory=list)
    active: bool = True


class RegistryClient:
    """A small HTTP client of the registry, signing each call as this service."""

    def __init__(
        self, base_url: str, *, auth: httpx.Auth | None = None, timeout: float = 5.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = timeout

    async def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=self.timeout, auth=self.auth) as client:
                response = await client.get(f"{self.base_url}{path}", params=params)
        except httpx.HTTPError as error:
            raise RegistryUnavailable("Реестр недоступен; попробуйте позже") from error
        if response.status_code not in (200, 404):
            raise RegistryUnavailable(f"Реестр ответил ошибкой {response.status_code}")
        return response

    async def organisation(self, organisation_id: UUID) -> OrganisationCard:
        """The organisation, or :class:`InvalidInput` naming ``organisation_id``."""
        response = await self._get(f"/organisations/{organisation_id}")
        if response.status_code == 404:
            raise InvalidInput("Организация не найдена в реестре округа", field="organisation_id")
        card = msgspec.json.decode(response.content, type=OrganisationCard)
        if card.archived:
            raise InvalidInput("Организация в архиве реестра", field="organisation_id")
        return card

    async def person(self, person_id: UUID, *, field: str) -> PersonCard:
        """A person's public card, or :class:`InvalidInput` naming ``field``."""
        response = await self._get(f"/people/{person_id}/card")
        if response.status_code == 404:
            raise InvalidInput("Работник не найден в реестре", field=field)
        return msgspec.json.decode(response.content, type=PersonCard)

    async def council_members(self) -> list[PersonCard]:
        """Members of the methodical council (its head included)."""
        response = await self._get("/structures", params={"kind": "methodical_council"})
        if response.status_code == 404:
            raise InvalidInput("Методический совет не найден в реестре", field="council")
        structures = msgspec.json.decode(response.content, type=list[Structure])
        council = next((s for s in structures if s.active), None)
        if council is None:
            raise InvalidInput(
                "В реестре нет методического совета: внесите его состав", field="council"
            )
        people: dict[UUID, PersonCard] = {}
        if council.head is not None:
            people[council.head.id] = council.head
        for member in council.members:
            raw = member.get("person", member) if isinstance(member, dict) else member
            card = msgspec.convert(raw, type=PersonCard)
            people.setdefault(card.id, card)
        return list(people.values())
