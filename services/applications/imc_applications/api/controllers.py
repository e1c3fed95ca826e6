"""Applications HTTP controllers: parse, call a use case, map the result."""

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from imc_applications.api.schemas import Application, ApplicationForm, DecisionCreate
from imc_applications.domain.decisions import Person
from imc_applications.services import applications
from imc_applications.services.applications import DecisionInput, Upload
from imc_applications.services.registry_client import RegistryClient
from imc_applications.settings import ApplicationsSettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore


async def _upload(file: UploadFile | None) -> Upload | None:
    if file is None:
        return None
    return Upload(filename=file.filename or "", content=await file.read())


class ApplicationController(Controller):
    """Applications of organisations for a site status."""

    path = "/applications"
    tags = ["applications"]

    @post("/", summary="Submit an application with its three documents (000 §3.2)")
    async def submit(
        self,
        data: Annotated[ApplicationForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
        registry: RegistryClient,
        store: FileStore,
    ) -> Application:
        uploads = {
            "statement": await _upload(data.statement),
            "information_note": await _upload(data.information_note),
            "work_plan": await _upload(data.work_plan),
        }
        row = await applications.submit_application(
            database=database,
            outbox=outbox,
            registry=registry,
            store=store,
            district=settings.district,
            organisation_id=data.organisation_id,
            topic=data.topic,
            uploads=uploads,
            max_bytes=settings.max_upload_bytes,
        )
        return Application.of(row)

    @post("/{application_id:uuid}/decision", summary="Record the council's decision")
    async def decide(
        self,
        application_id: UUID,
        data: DecisionCreate,
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
    ) -> Application:
        row = await applications.record_decision(
            database=database,
            outbox=outbox,
            district=settings.district,
            application_id=application_id,
            data=DecisionInput(
                outcome=data.outcome,
                council_protocol=data.council_protocol,
                decided_on=data.decided_on or date.today(),
                reason=data.reason,
                term_years=data.term_years,
                term_start=data.term_start,
                leader=Person(data.leader.full_name, data.leader.position) if data.leader else None,
                co_leader=Person(data.co_leader.full_name, data.co_leader.position)
                if data.co_leader
                else None,
                order_number=data.order_number,
                order_date=data.order_date,
            ),
        )
        return Application.of(row)

    @get("/", summary="List applications")
    async def index(self, database: Database, settings: ApplicationsSettings) -> list[Application]:
        rows = await applications.list_applications(database=database, district=settings.district)
        return [Application.of(row) for row in rows]

    @get("/{application_id:uuid}", summary="One application")
    async def show(
        self, application_id: UUID, database: Database, settings: ApplicationsSettings
    ) -> Application:
        row = await applications.get_application(
            database=database, district=settings.district, application_id=application_id
        )
        return Application.of(row)
