"""Small HTTP clients for the services the portal reads.

Every call made for a logged-in person carries a fresh token the portal signs for them
(:meth:`BackendClient.acting_for`); public reads (``/public/...``) go without one. Every
failure to get usable data becomes a :class:`BackendError` carrying a Russian message for
the page; nothing below leaks a traceback to a visitor.
"""

import copy
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self, TypeVar
from urllib.parse import quote
from uuid import UUID

import httpx
import msgspec
import structlog

from imc_portal.api.analytics_schemas import (
    Analysis,
    AnalysisSummary,
    AnalyticsVocabulary,
    Available,
    ImportRecord,
    SavedAnalysis,
    SchoolView,
)
from imc_portal.api.deficit_schemas import CentreDeficits
from imc_portal.api.growth_schemas import (
    Assignment,
    Competency,
    Deficit,
    GrowthEvent,
    MySurvey,
    Proposal,
    Route,
    RouteBrief,
    Suggestions,
    Survey,
    SurveyComparison,
    SurveyResponse,
    SurveyResults,
    Teacher,
    Transcript,
    Vocabulary,
)
from imc_portal.api.resources_schemas import (
    BankEntry,
    Resource,
    ResourceBrief,
    ResourceOrganisation,
    ResourcePerson,
    ResourceVocabulary,
    Revision,
    SearchResult,
)
from imc_portal.api.schemas import (
    Application,
    CentreEvent,
    CentreSite,
    Dashboard,
    District,
    DistrictDashboard,
    IntermunicipalSite,
    Link,
    Meeting,
    PublicSite,
    Registration,
    ScheduledEvent,
    Site,
)
from imc_shared.auth import Principal, TokenSigner
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


class BackendRefusedError(BackendError):
    """The service refused a change and said why: its message (Russian, for people) and,
    when it names one, the field of the form that is wrong."""

    def __init__(self, message: str, *, status: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.status_code = status


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


class _Pool:
    """The connection pool a client and its copies acting for people share."""

    def __init__(self) -> None:
        self.http: httpx.AsyncClient | None = None


class BackendClient:
    """A JSON-over-HTTP client of one backing service.

    ``title`` names the service in Russian in the nominative case, e.g. «Реестр
    площадок»; it appears in messages on the page. The underlying connection pool is
    opened by :meth:`start` and closed by :meth:`close` (the app's start-up and shutdown).
    A client made by :meth:`acting_for` shares the pool and signs every call it makes.
    """

    def __init__(
        self,
        base_url: str,
        *,
        title: str,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        signer: TokenSigner | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.title = title
        self.timeout = timeout
        self._transport = transport
        self._signer = signer
        self._principal: Principal | None = None
        self._pool = _Pool()

    @property
    def configured(self) -> bool:
        """Whether the portal knows where this service is."""
        return bool(self.base_url)

    def acting_for(self, principal: Principal | None) -> Self:
        """This client calling on behalf of ``principal`` (a fresh token per call)."""
        clone = copy.copy(self)
        clone._principal = principal
        return clone

    async def start(self) -> None:
        """Open the connection pool."""
        if self._pool.http is None and self.configured:
            self._pool.http = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=httpx.Timeout(self.timeout),
                transport=self._transport,
                headers={"Accept": "application/json", "User-Agent": "imc-portal"},
            )

    async def close(self) -> None:
        """Close the connection pool."""
        if self._pool.http is not None:
            await self._pool.http.aclose()
            self._pool.http = None

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

    async def send(
        self,
        method: str,
        path: str,
        type_: type[T],
        *,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        params: Params | None = None,
    ) -> T:
        """A change (``POST``/``PATCH``/``PUT``/``DELETE``) on the person's behalf.

        A refusal the service explains (4xx with its error body) becomes
        :class:`BackendRefusedError` carrying the service's own Russian message and field,
        so a form can show it next to that field; the service's failures are as for
        :meth:`get_json`. ``type_`` may be ``type(None)`` for an empty answer.
        """
        response = await self._request(
            path, params, method=method, json=json, data=data, files=files
        )
        if 400 <= response.status_code < 500:
            try:
                body = msgspec.json.decode(response.content, type=dict[str, Any])
            except msgspec.DecodeError:
                body = {}
            message = body.get("message")
            if isinstance(message, str) and message:
                log.info("backend refused a change", path=path, status=response.status_code)
                raise BackendRefusedError(
                    message,
                    status=response.status_code,
                    field=body.get("field") if isinstance(body.get("field"), str) else None,
                )
        if response.status_code not in (200, 201, 202, 204):
            self._check(path, response, None)  # raises: the service failed or refused
        if not response.content:
            return None  # type: ignore[return-value]
        try:
            return msgspec.json.decode(response.content, type=type_)
        except msgspec.DecodeError as error:
            log.warning(
                "backend sent unexpected data", backend=self.base_url, path=path, error=str(error)
            )
            raise BackendError(f"{self.title} прислал сведения в неожиданном виде.") from error

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
        self,
        path: str,
        params: Params | None = None,
        *,
        stream: bool = False,
        method: str = "GET",
        **content: Any,
    ) -> httpx.Response:
        if not self.configured:
            raise BackendUnavailableError(f"{self.title}: адрес не задан в настройках портала.")
        await self.start()
        http = self._pool.http
        assert http is not None
        headers = _correlation_header()
        if self._principal is not None and self._signer is not None:
            headers["Authorization"] = f"Bearer {self._signer.issue(self._principal)}"
        try:
            request = http.build_request(
                method,
                path,
                params=params,
                headers=headers,
                **{k: v for k, v in content.items() if v is not None},
            )
            return await http.send(request, stream=stream)
        except httpx.TimeoutException as error:
            log.warning("backend timed out", backend=self.base_url, path=path)
            raise BackendUnavailableError(
                f"{self.title} не ответил вовремя (ожидание {self.timeout:g} с)."
            ) from error
        except httpx.HTTPError as error:
            log.warning("backend unreachable", backend=self.base_url, path=path, error=repr(error))
            raise BackendUnavailableError(f"{self.title} сейчас недоступен.") from error

    async def fetch_text(self, path: str, params: Params | None = None) -> tuple[int, str]:
        """``GET path`` of a page the service renders itself (e.g. the notifications'
        unsubscribe answer): its status and text, whatever the status (events area)."""
        response = await self._request(path, params)
        return response.status_code, response.text


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

    async def public_sites(self) -> list[PublicSite]:
        """The public catalogue: working sites, names only (no token needed)."""
        return await self.get_json("/public/sites", list[PublicSite])


class ApplicationsClient(BackendClient):
    """The applications service: applications for a site status, council meetings."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("title", "Сервис заявок")
        super().__init__(base_url, **kwargs)

    async def applications(self, *, status: str | None = None) -> list[Application]:
        """Applications of the district, of one status if given."""
        params = {"status": status} if status else None
        return await self.get_json("/applications", list[Application], params)

    async def meetings(self) -> list[Meeting]:
        """Meetings of the methodical council with their agendas."""
        return await self.get_json("/meetings", list[Meeting])


class SchedulingClient(BackendClient):
    """The scheduling service: events and registrations."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("title", "Сервис мероприятий")
        super().__init__(base_url, **kwargs)

    async def events(self, *, date_from: datetime | None = None) -> list[ScheduledEvent]:
        """Events from ``date_from`` on, cancelled ones left out."""
        params = {"include_cancelled": "false"}
        if date_from is not None:
            params["date_from"] = date_from.isoformat()
        return await self.get_json("/events", list[ScheduledEvent], params)

    async def registrations(self, event_id: UUID) -> list[Registration]:
        """Registrations of one event (with the waiting list)."""
        return await self.get_json(f"/events/{event_id}/registrations", list[Registration])


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

    async def deficits(self, *, district: str | None = None) -> CentreDeficits:
        """Teachers' professional deficits by district and by subject (counts only; the
        centre's staff may read them); :class:`BackendNotFoundError` for an unknown
        district."""
        params = {"district": district} if district else None
        missing = unknown_district(district) if district else None
        return await self.get_json("/deficits", CentreDeficits, params, missing=missing)

    async def export(self, report: str, *, district: str | None = None) -> Download:
        """One of the aggregator's XLSX reports, streamed."""
        params = {"district": district} if district else None
        missing = unknown_district(district) if district else unknown_report(report)
        return await self.download(
            f"/export/{quote(report, safe='')}.xlsx", params, missing=missing
        )


class GrowthClient(BackendClient):
    """The growth service: needs surveys, deficits, individual routes, tutors, the record
    of each teacher's development (growth area).

    Its reads go through :meth:`read`, so that a refusal (a teacher and someone else's
    route) reaches the page with the service's own Russian reason.
    """

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("title", "Сервис профессионального развития")
        super().__init__(base_url, **kwargs)

    async def read(
        self, path: str, type_: type[T], params: Params | None = None, *, missing: str = ""
    ) -> T:
        """``GET path`` decoded as ``type_``; the service's 404 becomes
        :class:`BackendNotFoundError` (with ``missing`` or its own message), its other
        refusals :class:`BackendRefusedError` with its message."""
        try:
            return await self.send("GET", path, type_, params=params)
        except BackendRefusedError as refusal:
            if refusal.status_code == 404:
                raise BackendNotFoundError(missing or refusal.message) from refusal
            raise

    async def vocabulary(self) -> Vocabulary:
        """Codes of the service and their Russian titles."""
        return await self.read("/vocabulary", Vocabulary)

    async def teachers(
        self, *, organisation_id: UUID | None = None, subject: str | None = None
    ) -> list[Teacher]:
        """Teachers (a school representative: its own), by name."""
        params = {
            name: str(value)
            for name, value in (("organisation_id", organisation_id), ("subject", subject))
            if value
        }
        return await self.read("/teachers", list[Teacher], params or None)

    async def events(self) -> list[GrowthEvent]:
        """Upcoming events of the district and of the centre, not cancelled."""
        return await self.read("/events", list[GrowthEvent])

    async def competencies(self, *, active_only: bool = False) -> list[Competency]:
        """The district's catalogue of competencies."""
        params = {"active_only": "true"} if active_only else None
        return await self.read("/competencies", list[Competency], params)

    async def surveys(self, *, status: str | None = None) -> list[Survey]:
        """Every survey (of one status if given)."""
        return await self.read("/surveys", list[Survey], {"status": status} if status else None)

    async def survey(self, survey_id: UUID) -> Survey:
        """One survey (a teacher: one addressed to them)."""
        return await self.read(f"/surveys/{survey_id}", Survey, missing="Анкета не найдена.")

    async def my_surveys(self) -> list[MySurvey]:
        """The surveys the teacher is asked to answer, with their answers so far."""
        return await self.read("/surveys/mine", list[MySurvey])

    async def results(self, survey_id: UUID) -> SurveyResults:
        """Distributions of a survey's answers: district, schools, subjects."""
        return await self.read(
            f"/surveys/{survey_id}/results", SurveyResults, missing="Анкета не найдена."
        )

    async def comparison(self, survey_id: UUID) -> SurveyComparison:
        """A repeated survey beside last year's."""
        return await self.read(f"/surveys/{survey_id}/comparison", SurveyComparison)

    async def proposals(self, survey_id: UUID) -> list[Proposal]:
        """Deficits a closed survey's answers point to."""
        return await self.read(f"/surveys/{survey_id}/deficit-proposals", list[Proposal])

    async def response(self, survey_id: UUID) -> SurveyResponse | None:
        """The teacher's own answers to a survey, if any."""
        try:
            return await self.read(f"/surveys/{survey_id}/response", SurveyResponse)
        except BackendNotFoundError:
            return None

    async def deficits(self, **filters: str | UUID | None) -> list[Deficit]:
        """Deficits (a teacher: own; a school: its teachers'), filtered by ``person_id``,
        ``status``, ``competency``, ``subject``."""
        params = {name: str(value) for name, value in filters.items() if value}
        return await self.read("/deficits", list[Deficit], params or None)

    async def deficit(self, deficit_id: UUID) -> Deficit:
        """One deficit."""
        return await self.read(f"/deficits/{deficit_id}", Deficit, missing="Дефицит не найден.")

    async def suggestions(self, deficit_id: UUID) -> Suggestions:
        """Upcoming events and sites for an open deficit."""
        return await self.read(f"/deficits/{deficit_id}/suggestions", Suggestions)

    async def routes(
        self,
        *,
        person_id: UUID | None = None,
        school_year: str | None = None,
        awaiting_review: bool = False,
    ) -> list[RouteBrief]:
        """Routes with their progress (a teacher: own; a school: its teachers');
        ``awaiting_review``: only those with a course certificate waiting for approval."""
        params = {
            name: str(value)
            for name, value in (
                ("person_id", person_id),
                ("school_year", school_year),
                ("awaiting_review", "true" if awaiting_review else ""),
            )
            if value
        }
        return await self.read("/routes", list[RouteBrief], params or None)

    async def route(self, route_id: UUID) -> Route:
        """A route with its goals and steps."""
        return await self.read(
            f"/routes/{route_id}",
            Route,
            missing="Индивидуальный образовательный маршрут не найден.",
        )

    async def assignments(self, *, person_id: UUID | None = None) -> list[Assignment]:
        """Appointments of tutors and mentors (a teacher: where they tutor or are
        supported)."""
        params = {"person_id": str(person_id)} if person_id else None
        return await self.read("/tutor-assignments", list[Assignment], params)

    async def assignment(self, assignment_id: UUID) -> Assignment:
        """One appointment with its meetings."""
        return await self.read(
            f"/tutor-assignments/{assignment_id}",
            Assignment,
            missing="Назначение тьютора (наставника) не найдено.",
        )

    async def transcript(
        self, person_id: UUID, *, date_from: date | None = None, date_to: date | None = None
    ) -> Transcript:
        """A teacher's record of professional development (over a period if given)."""
        params = {
            name: value.isoformat()
            for name, value in (("date_from", date_from), ("date_to", date_to))
            if value
        }
        return await self.read(
            f"/people/{person_id}/transcript",
            Transcript,
            params or None,
            missing="Педагог не найден.",
        )


class _ReadingClient(BackendClient):
    """A client whose reads bring the service's own Russian refusal to the page (as
    :meth:`GrowthClient.read` does)."""

    async def read(
        self, path: str, type_: type[T], params: Params | None = None, *, missing: str = ""
    ) -> T:
        """``GET path`` decoded as ``type_``; the service's 404 becomes
        :class:`BackendNotFoundError` (with ``missing`` or its own message), its other
        refusals :class:`BackendRefusedError` with its message."""
        try:
            return await self.send("GET", path, type_, params=params)
        except BackendRefusedError as refusal:
            if refusal.status_code == 404:
                raise BackendNotFoundError(missing or refusal.message) from refusal
            raise


class ResourcesClient(_ReadingClient):
    """The resources service: the bank of methodical materials (the district's own, with
    their review, and the centre's bank), its search in Russian (resources area)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("title", "Банк методических материалов")
        super().__init__(base_url, **kwargs)

    async def vocabulary(self) -> ResourceVocabulary:
        """Kinds, licences, levels, file types and limits with their Russian titles."""
        return await self.read("/vocabulary", ResourceVocabulary)

    async def search(self, params: Mapping[str, str]) -> SearchResult:
        """Published resources: ``q`` (any word form), ``scope`` (own, centre, all),
        ``subject``, ``kind``, ``level``, ``tag``, ``limit``, ``offset``."""
        return await self.read("/search", SearchResult, {k: v for k, v in params.items() if v})

    async def subjects(self) -> list[str]:
        """Subjects of published resources."""
        return await self.read("/subjects", list[str])

    async def resources(self, **filters: str | UUID | None) -> list[ResourceBrief]:
        """Resources the person works on (a teacher: own; a school: its own; staff: all),
        filtered by ``status``, ``kind``, ``organisation_id``, ``council``."""
        params = {name: str(value) for name, value in filters.items() if value}
        return await self.read("/resources", list[ResourceBrief], params or None)

    async def resource(self, resource_id: UUID) -> Resource:
        """One resource with its files, comments and the person's actions."""
        return await self.read(
            f"/resources/{resource_id}", Resource, missing="Материал не найден в банке."
        )

    async def revisions(self, resource_id: UUID) -> list[Revision]:
        """Every revision of a resource, newest first."""
        return await self.read(f"/resources/{resource_id}/revisions", list[Revision])

    async def bank(
        self, *, status: str | None = None, origin_district: str | None = None
    ) -> list[BankEntry]:
        """Entries of the centre's bank (withdrawn ones: staff)."""
        params = {
            name: value
            for name, value in (("status", status), ("origin_district", origin_district))
            if value
        }
        return await self.read("/bank", list[BankEntry], params or None)

    async def bank_entry(self, resource_id: UUID) -> BankEntry:
        """One entry of the centre's bank."""
        return await self.read(
            f"/bank/{resource_id}", BankEntry, missing="Материала нет в банке ММЦ."
        )

    async def people(self, *, organisation_id: UUID | None = None) -> list[ResourcePerson]:
        """People who may be named authors (a school: its own; a teacher: themself)."""
        params = {"organisation_id": str(organisation_id)} if organisation_id else None
        return await self.read("/people", list[ResourcePerson], params)

    async def organisations(self) -> list[ResourceOrganisation]:
        """Organisations of the registry."""
        return await self.read("/organisations", list[ResourceOrganisation])


class AnalyticsClient(_ReadingClient):
    """The analytics service: state exam results (ГИА), their analysis over the years,
    saved analyses with recommendations (analytics area)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("title", "Сервис анализа результатов ГИА")
        super().__init__(base_url, **kwargs)

    async def vocabulary(self) -> AnalyticsVocabulary:
        """Exams, statuses, reasons, the import's headers and the rules' numbers."""
        return await self.read("/vocabulary", AnalyticsVocabulary)

    async def available(self, *, school_id: UUID | None = None) -> list[Available]:
        """Exams and subjects with results (a school: its own)."""
        params = {"school_id": str(school_id)} if school_id else None
        return await self.read("/results/available", list[Available], params)

    async def imports(self) -> list[ImportRecord]:
        """Accepted files, newest first."""
        return await self.read("/results/imports", list[ImportRecord])

    async def analysis(self, query: Mapping[str, str]) -> Analysis:
        """The analysis counted now: ``exam``, ``subject``, ``years``, ``district``."""
        return await self.read("/analysis", Analysis, {k: v for k, v in query.items() if v})

    async def school(self, school_id: UUID, query: Mapping[str, str]) -> SchoolView:
        """One school over the years beside its district's mean."""
        return await self.read(
            f"/schools/{school_id}/results",
            SchoolView,
            {k: v for k, v in query.items() if v},
        )

    async def analyses(self, **filters: str | None) -> list[AnalysisSummary]:
        """Saved analyses, latest changed first."""
        params = {name: value for name, value in filters.items() if value}
        return await self.read("/analyses", list[AnalysisSummary], params or None)

    async def saved(self, analysis_id: UUID) -> SavedAnalysis:
        """One saved analysis with its problems."""
        return await self.read(
            f"/analyses/{analysis_id}", SavedAnalysis, missing="Анализ не найден."
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
