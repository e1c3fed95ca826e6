"""Small HTTP clients for the services the portal reads: the registry and the aggregator.

Every failure to get usable data becomes a :class:`BackendError` carrying a Russian
message for the page; nothing below leaks a traceback to a visitor.
"""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import msgspec
import structlog

from imc_portal.api.schemas import (
    CentreEvent,
    CentreSite,
    Dashboard,
    District,
    DistrictDashboard,
    IntermunicipalSite,
    Link,
    Site,
)
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


class BackendNotFoundError(BackendError):
    """The backing service has nothing at the address asked for (its 404)."""

    status_code = 404
    code = "not_found"


Params = Mapping[str, str]


@dataclass(frozen=True)
class Download:
    """A file the backing service is sending: its headers and its bytes, chunk by chunk.

    Iterate :attr:`chunks` to the end (it closes the answer) or call :meth:`close`.
    """

    media_type: str
    headers: dict[str, str]
    response: httpx.Response

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives; the answer is closed when done or abandoned."""
        try:
            async for chunk in self.response.aiter_bytes():
                yield chunk
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        """Release the connection without reading the rest."""
        await self.response.aclose()


# Headers of a file answer worth passing on to the browser. Not its length: httpx
# undoes any content encoding, so the bytes passed on may differ in number.
DOWNLOAD_HEADERS = ("content-disposition", "last-modified")


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

    async def get_json(
        self,
        path: str,
        type_: type[T],
        params: Params | None = None,
        *,
        missing: str | None = None,
    ) -> T:
        """``GET path`` and decode the JSON body as ``type_``.

        With ``missing``, the service's 404 becomes :class:`BackendNotFoundError` with that
        message; without it a 404 is a refusal like any other (a wrong address).
        """
        response = await self._request(path, params)
        self._check(path, response, missing)
        try:
            return msgspec.json.decode(response.content, type=type_)
        except msgspec.DecodeError as error:
            log.warning(
                "backend sent unexpected data", backend=self.base_url, path=path, error=str(error)
            )
            raise BackendError(f"{self.title} прислал сведения в неожиданном виде.") from error

    async def download(
        self, path: str, params: Params | None = None, *, missing: str | None = None
    ) -> Download:
        """``GET path`` for a file: headers now, the body streamed by the caller;
        ``missing`` as for :meth:`get_json`."""
        response = await self._request(path, params, stream=True)
        try:
            self._check(path, response, missing)
        except BackendError:
            await response.aclose()
            raise
        headers = {
            name: response.headers[name] for name in DOWNLOAD_HEADERS if name in response.headers
        }
        media_type = response.headers.get("content-type", "application/octet-stream")
        return Download(media_type=media_type, headers=headers, response=response)

    def _check(self, path: str, response: httpx.Response, missing: str | None) -> None:
        status = response.status_code
        if status == 200:
            return
        if status >= 500:
            log.warning("backend failed", backend=self.base_url, path=path, status=status)
            raise BackendUnavailableError(
                f"{self.title} временно не работает (ответ с кодом {status})."
            )
        log.warning("backend refused", backend=self.base_url, path=path, status=status)
        if status == 404 and missing:
            raise BackendNotFoundError(missing)
        raise BackendError(f"{self.title} отклонил запрос портала (ответ с кодом {status}).")

    async def _request(
        self, path: str, params: Params | None = None, *, stream: bool = False
    ) -> httpx.Response:
        await self.start()
        assert self._http is not None
        try:
            request = self._http.build_request(
                "GET", path, params=params, headers=_correlation_header()
            )
            return await self._http.send(request, stream=stream)
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

    async def centre_sites(self) -> list[IntermunicipalSite]:
        """The centre's (ММЦ) working inter-municipal sites the district has received."""
        return await self.get_json("/public/centre-sites", list[IntermunicipalSite])


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

    async def links(self) -> list[Link]:
        """The state of every district's federation link."""
        return await self.get_json("/links", list[Link])

    async def dashboard(self) -> Dashboard:
        """The whole centre: one line per district and the totals."""
        return await self.get_json("/dashboard", Dashboard)

    async def district_dashboard(self, code: str) -> DistrictDashboard:
        """One district's dashboard; :class:`BackendNotFoundError` for an unknown district."""
        return await self.get_json(
            f"/dashboard/{quote(code, safe='')}", DistrictDashboard, missing=unknown_district(code)
        )

    async def events(
        self,
        *,
        district: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> list[CentreEvent]:
        """Events of all districts (or one) between two dates, as the aggregator has them."""
        params = {
            name: str(value)
            for name, value in (
                ("district", district),
                ("date_from", date_from),
                ("date_to", date_to),
            )
            if value
        }
        missing = unknown_district(district) if district else None
        return await self.get_json("/events", list[CentreEvent], params, missing=missing)

    async def export(self, report: str, *, district: str | None = None) -> Download:
        """One of the aggregator's XLSX reports, streamed."""
        params = {"district": district} if district else None
        missing = unknown_district(district) if district else unknown_report(report)
        return await self.download(
            f"/export/{quote(report, safe='')}.xlsx", params, missing=missing
        )


def unknown_district(code: str) -> str:
    """The Russian message for a district the centre does not know."""
    return f"Округ с кодом «{code}» не входит в межмуниципальный центр."


def unknown_report(report: str) -> str:
    """The Russian message for a report the centre does not make."""
    return f"Отчёта «{report}» в межмуниципальном центре нет."


def _correlation_header() -> dict[str, str]:
    # Bind the id so every call made for one request carries the same one.
    correlation_id = current_correlation_id()
    bind_correlation_id(correlation_id)
    return {"X-Correlation-Id": str(correlation_id)}
