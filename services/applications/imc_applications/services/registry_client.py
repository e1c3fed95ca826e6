"""What the applications service asks the registry over HTTP."""

from uuid import UUID

import httpx
import msgspec

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


class RegistryClient:
    """A small HTTP client of the registry."""

    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    async def organisation(self, organisation_id: UUID) -> OrganisationCard:
        """The organisation, or :class:`InvalidInput` naming ``organisation_id``."""
        url = f"{self.base_url}/organisations/{organisation_id}"
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(url)
        except httpx.HTTPError as error:
            raise RegistryUnavailable("Реестр организаций недоступен; попробуйте позже") from error
        if response.status_code == 404:
            raise InvalidInput("Организация не найдена в реестре округа", field="organisation_id")
        if response.status_code != 200:
            raise RegistryUnavailable(f"Реестр ответил ошибкой {response.status_code}")
        return msgspec.json.decode(response.content, type=OrganisationCard)
