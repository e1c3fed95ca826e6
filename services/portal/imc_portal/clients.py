"""Small HTTP clients for the services the portal reads: the registry and the aggregator.

Every failure to get usable data becomes a :class:`BackendError` carrying a Russian
message for the page; nothing below leaks a traceback to a visitor.
"""

from typing import Any, TypeVar

import httpx
import msgspec
import structlog

from imc_portal.api.schemas import CentreSite, District, Site
from imc_shared.context import bind_correlation_id, current_correlation_id
from imc_shared.errors import DomainError

log = structlog.get_logger(__name__)

T = TypeVar("T")


class BackendError(DomainError):
    """The backing service gave no usable answer; ``message`` is for people."""

    status_code = 502
    code = "backend_error"


class BackendUnavailableError(BackendError):
    """The backing service cannot be reached, timed out or reports its own failure."""

    status_code = 503
    code = "backend_unavailable"


class BackendClient:
    """A JSON-over-HTTP client of one backing service.

    ``title`` names the service in Russian in the nominative case, e.g. «Реестр
    площадок»; it appears in messages on the page. The underlying connection pool is
    opened by :meth:`start` and closed by :meth:`close` (the app's start-up and shutdown).
    """

    def __init__(
        self,
        base_url: str,
        *,
        title: str,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.title = title
        self.timeout = timeout
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the connection pool."""
        if self._http is None:
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=httpx.Timeout(self.timeout),
                transport=self._transport,
                headers={"Accept": "application/json", "User-Agent": "imc-portal"},
            )

    async def close(self) -> None:
        """Close the connection pool."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def health(self) -> bool:
        """Whether the service answers its ``/health``."""
        try:
            response = await self._request("/health")
        except BackendError:
            return False
        return response.status_code == 200

    async def get_json(self, path: str, type_: type[T]) -> T:
        """``GET path`` and decode the JSON body as ``type_``."""
        response = await self._request(path)
        if response.status_code >= 500:
            log.warning(
                "backend failed", backend=self.base_url, path=path, status=response.status_code
            )
            raise BackendUnavailableError(
                f"{self.title} временно не работает (ответ с кодом {response.status_code})."
            )
        if response.status_code != 200:
            log.warning(
                "backend refused", backend=self.base_url, path=path, status=response.status_code
            )
            raise BackendError(
                f"{self.title} отклонил запрос портала (ответ с кодом {response.status_code})."
            )
        try:
            return msgspec.json.decode(response.content, type=type_)
        except msgspec.DecodeError as error:
            log.warning(
                "backend sent unexpected data", backend=self.base_url, path=path, error=str(error)
            )
            raise BackendError(f"{self.title} прислал сведения в неожиданном виде.") from error

    async def _request(self, path: str) -> httpx.Response:
        await self.start()
        assert self._http is not None
        try:
            return await self._http.get(path, headers=_correlation_header())
        except httpx.TimeoutException as error:
            log.warning("backend timed out", backend=self.base_url, path=path)
            raise BackendUnavailableError(
                f"{self.title} не ответил вовремя (ожидание {self.timeout:g} с)."
            ) from error
        except httpx.HTTPError as error:
            log.warning("backend unreachable", backend=self.base_url, path=path, error=repr(error))
            raise BackendUnavailableError(f"{self.title} сейчас недоступен.") from error


class RegistryClient(BackendClient):
    """The district's registry."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("title", "Реестр площадок округа")
        super().__init__(base_url, **kwargs)

    async def sites(self) -> list[Site]:
        """All sites of the district."""
        return await self.get_json("/sites", list[Site])


class FederationClient(BackendClient):
    """The centre's aggregator of the districts' data."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("title", "Сводный реестр межмуниципального центра")
        super().__init__(base_url, **kwargs)

    async def sites(self) -> list[CentreSite]:
        """Sites of all districts, as last received."""
        return await self.get_json("/sites", list[CentreSite])

    async def districts(self) -> list[District]:
        """Districts known to the centre, with site counts."""
        return await self.get_json("/districts", list[District])


def _correlation_header() -> dict[str, str]:
    # Bind the id so every call made for one request carries the same one.
    correlation_id = current_correlation_id()
    bind_correlation_id(correlation_id)
    return {"X-Correlation-Id": str(correlation_id)}
