"""The services analytics asks on a person's behalf: documents (the note), scheduling
(a seminar), growth (a deficit). Each call carries the caller's own bearer token, so
the other service checks the person's role itself; analytics never acts with its
service key there."""

from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from imc_analytics.settings import AnalyticsSettings
from imc_shared.errors import Conflict, DomainError, InvalidInput

log = structlog.get_logger(__name__)


class NeighbourUnavailable(DomainError):
    """The other service did not answer (or failed)."""

    status_code = 502
    code = "neighbour_unavailable"


class NeighbourRefused(DomainError):
    """The other service refused the caller's rights."""

    status_code = 403
    code = "forbidden"


class Neighbour:
    """One service reached over HTTP."""

    def __init__(
        self,
        title: str,
        base_url: str,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.title = title
        """In Russian, for messages: «Сервис документов»."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport

    async def post(
        self, path: str, body: dict[str, Any], *, authorization: str
    ) -> tuple[dict[str, Any], int]:
        """POST ``body`` as the caller; the answer and its status, or a Russian error."""
        if not authorization.lower().startswith("bearer "):
            raise NeighbourRefused("Нет токена доступа для обращения к другому сервису")
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as client:
                response = await client.post(
                    f"{self.base_url}{path}",
                    json=body,
                    headers={"Authorization": authorization},
                )
        except httpx.HTTPError as error:
            log.warning("neighbour unreachable", neighbour=self.title, error=str(error))
            raise NeighbourUnavailable(f"{self.title} недоступен; повторите позже") from error
        if response.status_code in (200, 201):
            return response.json(), response.status_code
        raise self._refusal(response)

    def _refusal(self, response: httpx.Response) -> DomainError:
        message, field = "", None
        try:
            answer = response.json()
            message = str(answer.get("message", ""))
            field = answer.get("field")
        except ValueError:
            message = response.text[:300]
        status = response.status_code
        log.warning("neighbour refused", neighbour=self.title, status=status, detail=message)
        said = f": {message}" if message else ""
        if status in (401, 403):
            return NeighbourRefused(f"{self.title} отказал в доступе{said}")
        if status == 409:
            return Conflict(f"{self.title} отклонил запрос{said}", field=field)
        if status in (400, 404, 422):
            return InvalidInput(f"{self.title} отклонил запрос{said}", field=field)
        return NeighbourUnavailable(f"{self.title} не выполнил запрос (ошибка {status}){said}")


@dataclass(frozen=True)
class Neighbours:
    """The three services analytics works with."""

    documents: Neighbour
    scheduling: Neighbour
    growth: Neighbour


def neighbours_of(
    settings: AnalyticsSettings, transport: httpx.AsyncBaseTransport | None = None
) -> Neighbours:
    """Clients for the URLs of ``settings``."""
    return Neighbours(
        documents=Neighbour(
            "Сервис документов",
            settings.documents_url,
            timeout=settings.documents_timeout_seconds,
            transport=transport,
        ),
        scheduling=Neighbour(
            "Сервис мероприятий",
            settings.scheduling_url,
            timeout=settings.neighbour_timeout_seconds,
            transport=transport,
        ),
        growth=Neighbour(
            "Сервис профессионального развития",
            settings.growth_url,
            timeout=settings.neighbour_timeout_seconds,
            transport=transport,
        ),
    )
