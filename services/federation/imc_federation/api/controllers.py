"""Aggregator HTTP controllers: the centre's view across its districts."""

from datetime import UTC, date, datetime
from typing import Any, cast
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.status_codes import HTTP_202_ACCEPTED

from imc_federation.api.schemas import (
    Dashboard,
    Deficits,
    District,
    DistrictDashboard,
    Event,
    Link,
    Participation,
    Plan,
    ResyncAccepted,
    ResyncIn,
    Site,
)
from imc_federation.domain import deficits as deficit_rules
from imc_federation.domain.participation import GROUPINGS, Grouping
from imc_federation.services import deficits, export, queries, resync
from imc_federation.settings import FederationSettings
from imc_shared.auth import ROLE_TITLES, current, roles
from imc_shared.db import Database
from imc_shared.errors import InvalidInput, NotFound
from imc_shared.outbox import Outbox


def _now() -> datetime:
    return datetime.now(UTC)


class CentreController(Controller):
    """What the inter-municipal centre sees across its districts."""

    tags = ["centre"]

    @get("/sites", summary="Sites of every district")
    async def list_sites(
        self,
        database: Database,
        settings: FederationSettings,
        district: str | None = None,
        kind: str | None = None,
        status: str | None = None,
    ) -> list[Site]:
        return await queries.list_sites(
            database=database, settings=settings, district=district, kind=kind, status=status
        )

    @get("/events", summary="The calendar across districts")
    async def list_events(
        self,
        database: Database,
        settings: FederationSettings,
        district: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        intermunicipal: bool | None = None,
    ) -> list[Event]:
        return await queries.list_events(
            database=database,
            settings=settings,
            district=district,
            date_from=date_from,
            date_to=date_to,
            intermunicipal=intermunicipal,
        )

    @get("/plans", summary="Work plans with their fulfilment")
    async def list_plans(
        self,
        database: Database,
        settings: FederationSettings,
        district: str | None = None,
        school_year: str | None = None,
    ) -> list[Plan]:
        return await queries.list_plans(
            database=database,
            settings=settings,
            now=_now(),
            district=district,
            school_year=school_year,
        )

    @get("/participation", summary="Participation by school, subject or district")
    async def participation(
        self,
        database: Database,
        settings: FederationSettings,
        district: str | None = None,
        by: str = "school",
    ) -> list[Participation]:
        if by not in GROUPINGS:
            raise InvalidInput(
                "Группировка указывается как school (по организациям), subject (по предметам) "
                "или district (по округам)",
                field="by",
            )
        return await queries.participation(
            database=database, settings=settings, by=cast(Grouping, by), district=district
        )

    @get(
        "/deficits",
        summary="Professional deficits of teachers by district and subject (counts only)",
        opt=roles(deficit_rules.READERS),
    )
    async def deficits(
        self, database: Database, settings: FederationSettings, district: str | None = None
    ) -> Deficits:
        return await deficits.deficits(database=database, settings=settings, district=district)

    @get("/districts", summary="Federated districts")
    async def list_districts(
        self, database: Database, settings: FederationSettings
    ) -> list[District]:
        return await queries.list_districts(database=database, settings=settings, now=_now())

    @get("/links", summary="Federation links: state, lag, rejections")
    async def list_links(self, database: Database, settings: FederationSettings) -> list[Link]:
        return await queries.list_links(database=database, settings=settings, now=_now())

    @get("/dashboard", summary="The whole centre")
    async def dashboard(self, database: Database, settings: FederationSettings) -> Dashboard:
        return await queries.dashboard(database=database, settings=settings, now=_now())

    @get("/dashboard/{district:str}", summary="One district in detail")
    async def district_dashboard(
        self, district: str, database: Database, settings: FederationSettings
    ) -> DistrictDashboard:
        return await queries.district_dashboard(
            database=database, settings=settings, district=district, now=_now()
        )

    @get("/export/{filename:str}", summary="A table as XLSX: sites, events, plans, ...")
    async def export_table(
        self,
        request: Request[Any, Any, Any],
        filename: str,
        database: Database,
        settings: FederationSettings,
        district: str | None = None,
    ) -> Response[bytes]:
        if not filename.endswith(".xlsx"):
            raise NotFound(f"Отчёт «{filename}» не найден: выгрузка доступна в формате XLSX")
        readers = export.find_report(filename.removesuffix(".xlsx")).readers
        role = current(request).role
        if readers is not None and role not in readers:
            raise PermissionDeniedException(
                f"Роль «{ROLE_TITLES[role]}» не даёт права на это действие"
            )
        table = await export.export(
            database=database,
            settings=settings,
            report=filename.removesuffix(".xlsx"),
            district=district,
            now=_now(),
        )
        return Response(
            table.content,
            media_type=export.XLSX_MEDIA_TYPE,
            headers={
                "content-disposition": f'attachment; filename="{filename}"; '
                f"filename*=UTF-8''{quote(table.filename)}"
            },
        )

    @post("/resync", summary="Ask districts to re-send their state", status_code=HTTP_202_ACCEPTED)
    async def request_resync(
        self, data: ResyncIn, database: Database, outbox: Outbox, settings: FederationSettings
    ) -> ResyncAccepted:
        if not data.reason.strip():
            raise InvalidInput("Укажите причину запроса повторной передачи", field="reason")
        request_id = await resync.request_resync(
            database=database,
            outbox=outbox,
            settings=settings,
            districts=data.districts,
            reason=data.reason.strip(),
        )
        return ResyncAccepted(request_id=request_id)
