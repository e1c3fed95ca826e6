"""Applications HTTP controllers: parse, call a use case, map the result."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from imc_applications.api import schemas
from imc_applications.api.access import (
    APPLICANTS,
    COMMENT_READERS,
    COMMENTERS,
    COUNCIL_CLERKS,
    COUNCIL_READERS,
    DOCUMENT_READERS,
    STAFF_ONLY,
    actor_of,
    comment_audience,
    ensure_own,
    ensure_visibility,
    organisation_scope,
)
from imc_applications.domain.council import Tally
from imc_applications.services import applications, council, orders, sites
from imc_applications.services.applications import Draft, Upload
from imc_applications.services.council import ItemInput
from imc_applications.services.daily import district_today
from imc_applications.services.registry_client import RegistryClient
from imc_applications.settings import ApplicationsSettings
from imc_shared.auth import current
from imc_shared.db import Database
from imc_shared.errors import InvalidInput
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

MULTIPART = Body(media_type=RequestEncodingType.MULTI_PART)


async def _own_application(
    request: Request[Any, Any, Any], database: Database, district: str, application_id: UUID
) -> None:
    """A school's account may act on its own organisation's application only."""
    if organisation_scope(current(request)) is None:
        return
    row = await applications.get_application(
        database=database, district=district, application_id=application_id
    )
    ensure_own(current(request), row.organisation_id)


async def _uploads(**files: UploadFile | None) -> dict[str, Upload]:
    return {
        kind: Upload(filename=file.filename or "", content=await file.read())
        for kind, file in files.items()
        if file is not None
    }


def _eligibility(raw: str | None) -> dict[str, Any] | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise InvalidInput(
            "Перечень условий передан не в формате JSON", field="eligibility"
        ) from None
    if not isinstance(value, dict):
        raise InvalidInput("Перечень условий: ожидается объект JSON", field="eligibility")
    return value


class ApplicationController(Controller):
    """Applications of organisations for a site status."""

    path = "/applications"
    tags = ["applications"]

    @post(
        "/",
        summary="Start an application (draft, or submitted with its package)",
        opt=APPLICANTS,
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[schemas.ApplicationForm, MULTIPART],
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
        registry: RegistryClient,
        store: FileStore,
    ) -> schemas.Application:
        ensure_own(current(request), data.organisation_id)
        row = await applications.create_application(
            database=database,
            outbox=outbox,
            registry=registry,
            store=store,
            district=settings.district,
            actor=actor_of(request),
            organisation_id=data.organisation_id,
            site_kind=data.site_kind,
            draft=Draft(
                topic=data.topic,
                applicant_email=data.applicant_email,
                eligibility=_eligibility(data.eligibility),
                uploads=await _uploads(
                    statement=data.statement,
                    information_note=data.information_note,
                    work_plan=data.work_plan,
                ),
            ),
            submit=data.submit,
            max_bytes=settings.max_upload_bytes,
        )
        return schemas.Application.of(row)

    @patch(
        "/{application_id:uuid}",
        summary="Change a draft or a returned application",
        opt=APPLICANTS,
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        data: Annotated[schemas.ApplicationEditForm, MULTIPART],
        database: Database,
        settings: ApplicationsSettings,
        store: FileStore,
    ) -> schemas.Application:
        await _own_application(request, database, settings.district, application_id)
        row = await applications.edit_application(
            database=database,
            store=store,
            district=settings.district,
            actor=actor_of(request),
            application_id=application_id,
            version=data.version,
            draft=Draft(
                topic=data.topic,
                applicant_email=data.applicant_email,
                eligibility=_eligibility(data.eligibility),
                uploads=await _uploads(
                    statement=data.statement,
                    information_note=data.information_note,
                    work_plan=data.work_plan,
                ),
            ),
            max_bytes=settings.max_upload_bytes,
        )
        return schemas.Application.of(row)

    @post(
        "/{application_id:uuid}/submit",
        summary="Submit (or resubmit) the application",
        opt=APPLICANTS,
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        data: schemas.Versioned,
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
    ) -> schemas.Application:
        await _own_application(request, database, settings.district, application_id)
        row = await applications.submit_application(
            database=database,
            outbox=outbox,
            district=settings.district,
            actor=actor_of(request),
            application_id=application_id,
            version=data.version,
        )
        return schemas.Application.of(row)

    @post("/{application_id:uuid}/return", summary="Return for more information", opt=STAFF_ONLY)
    async def send_back(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        data: schemas.ReturnIn,
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
    ) -> schemas.Application:
        row = await applications.return_application(
            database=database,
            outbox=outbox,
            district=settings.district,
            actor=actor_of(request),
            application_id=application_id,
            version=data.version,
            comment=data.comment,
            today=district_today(settings.time_zone),
        )
        return schemas.Application.of(row)

    @post("/{application_id:uuid}/review", summary="Hand to the curating methodist", opt=STAFF_ONLY)
    async def review(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        data: schemas.ReviewStartIn,
        database: Database,
        settings: ApplicationsSettings,
        registry: RegistryClient,
    ) -> schemas.Application:
        row = await applications.start_review(
            database=database,
            registry=registry,
            district=settings.district,
            actor=actor_of(request),
            application_id=application_id,
            version=data.version,
            reviewer_id=data.reviewer_id,
        )
        return schemas.Application.of(row)

    @post(
        "/{application_id:uuid}/conclusion",
        summary="Record the expert conclusion",
        opt=STAFF_ONLY,
    )
    async def conclude(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        data: schemas.ReviewConclusionIn,
        database: Database,
        settings: ApplicationsSettings,
    ) -> schemas.Application:
        row = await applications.conclude_review(
            database=database,
            district=settings.district,
            actor=actor_of(request),
            application_id=application_id,
            version=data.version,
            conclusion=data.conclusion,
            recommendation=data.recommendation,
            confirmed=data.eligibility_confirmed,
        )
        return schemas.Application.of(row)

    @post("/{application_id:uuid}/withdraw", summary="Withdraw the application", opt=APPLICANTS)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        data: schemas.WithdrawIn,
        database: Database,
        settings: ApplicationsSettings,
    ) -> schemas.Application:
        await _own_application(request, database, settings.district, application_id)
        row = await applications.withdraw_application(
            database=database,
            district=settings.district,
            actor=actor_of(request),
            application_id=application_id,
            version=data.version,
            reason=data.reason,
        )
        return schemas.Application.of(row)

    @post("/{application_id:uuid}/comments", summary="Comment on the application", opt=COMMENTERS)
    async def comment(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        data: schemas.CommentIn,
        database: Database,
        settings: ApplicationsSettings,
    ) -> schemas.Comment:
        await _own_application(request, database, settings.district, application_id)
        ensure_visibility(current(request), data.visibility)
        row = await applications.add_comment(
            database=database,
            district=settings.district,
            actor=actor_of(request),
            application_id=application_id,
            text=data.text,
            visibility=data.visibility,
        )
        return schemas.Comment.of(row)

    @get(
        "/{application_id:uuid}/comments",
        summary="Comments one audience may read (no wider than the reader's own)",
        opt=COMMENT_READERS,
    )
    async def comments(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        database: Database,
        settings: ApplicationsSettings,
        audience: str = "applicant",
    ) -> list[schemas.Comment]:
        await _own_application(request, database, settings.district, application_id)
        rows = await applications.list_comments(
            database=database,
            district=settings.district,
            application_id=application_id,
            audience=comment_audience(current(request), audience),
        )
        return [schemas.Comment.of(row) for row in rows]

    @get(
        "/{application_id:uuid}/documents/{document_kind:str}",
        summary="Download one document of the package (statement, information_note, work_plan)",
        opt=DOCUMENT_READERS,
    )
    async def document(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        document_kind: str,
        database: Database,
        settings: ApplicationsSettings,
        store: FileStore,
    ) -> Response[bytes]:
        row = await applications.get_application(
            database=database, district=settings.district, application_id=application_id
        )
        ensure_own(current(request), row.organisation_id)
        document = applications.document_of(row, document_kind)
        # The ASCII fallback keeps the extension; filename* carries the real (Cyrillic) name.
        suffix = document.filename.rsplit(".", 1)[-1] if "." in document.filename else "bin"
        fallback = f"{document_kind}.{suffix}".encode("ascii", "replace").decode()
        return Response(
            store.get(document.storage_key),
            media_type=document.content_type,
            headers={
                "content-disposition": f'attachment; filename="{fallback}"; '
                f"filename*=UTF-8''{quote(document.filename, safe='')}",
                "x-checksum-sha256": document.sha256,
            },
        )

    @get("/", summary="List applications (a school's account: its own organisation's)")
    async def index(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: ApplicationsSettings,
        status: str | None = None,
    ) -> list[schemas.Application]:
        rows = await applications.list_applications(
            database=database,
            district=settings.district,
            status=status,
            organisation_id=organisation_scope(current(request)),
        )
        return [schemas.Application.of(row) for row in rows]

    @get("/{application_id:uuid}", summary="One application")
    async def show(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        database: Database,
        settings: ApplicationsSettings,
    ) -> schemas.Application:
        row = await applications.get_application(
            database=database, district=settings.district, application_id=application_id
        )
        ensure_own(current(request), row.organisation_id)
        return schemas.Application.of(row)


class MeetingController(Controller):
    """Meetings of the methodical council."""

    path = "/meetings"
    tags = ["council"]

    @post("/", summary="Plan a council meeting", opt=COUNCIL_CLERKS)
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: schemas.MeetingIn,
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
        registry: RegistryClient,
    ) -> schemas.Meeting:
        row = await council.create_meeting(
            database=database,
            outbox=outbox,
            registry=registry,
            district=settings.district,
            actor=actor_of(request),
            held_on=data.held_on,
            place=data.place,
            protocol_number=data.protocol_number,
        )
        return schemas.Meeting.of(row)

    @post("/{meeting_id:uuid}/attendance", summary="Record who is present", opt=COUNCIL_CLERKS)
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        meeting_id: UUID,
        data: schemas.AttendanceIn,
        database: Database,
        settings: ApplicationsSettings,
        registry: RegistryClient,
    ) -> schemas.Meeting:
        row = await council.record_attendance(
            database=database,
            registry=registry,
            district=settings.district,
            actor=actor_of(request),
            meeting_id=meeting_id,
            version=data.version,
            present=data.present,
            chair_id=data.chair_id,
            secretary_id=data.secretary_id,
        )
        return schemas.Meeting.of(row)

    @post("/{meeting_id:uuid}/items", summary="Put a question on the agenda", opt=COUNCIL_CLERKS)
    async def add_item(
        self,
        request: Request[Any, Any, Any],
        meeting_id: UUID,
        data: schemas.ItemIn,
        database: Database,
        settings: ApplicationsSettings,
        registry: RegistryClient,
    ) -> schemas.Meeting:
        row = await council.add_item(
            database=database,
            registry=registry,
            district=settings.district,
            actor=actor_of(request),
            meeting_id=meeting_id,
            data=ItemInput(
                type=data.type,
                speaker=data.speaker,
                application_id=data.application_id,
                site_id=data.site_id,
                title=data.title,
                term_months=data.term_months,
                term_start=data.term_start,
                leader_id=data.leader_id,
                co_leader_id=data.co_leader_id,
                months=data.months,
                grounds=tuple(data.grounds),
                grounds_text=data.grounds_text,
                effective_on=data.effective_on,
                text=data.text,
            ),
        )
        return schemas.Meeting.of(row)

    @post(
        "/{meeting_id:uuid}/items/{item_id:uuid}/remove",
        summary="Take a question off the agenda",
        opt=COUNCIL_CLERKS,
    )
    async def remove_item(
        self,
        request: Request[Any, Any, Any],
        meeting_id: UUID,
        item_id: UUID,
        database: Database,
        settings: ApplicationsSettings,
    ) -> schemas.Meeting:
        row = await council.remove_item(
            database=database,
            district=settings.district,
            actor=actor_of(request),
            meeting_id=meeting_id,
            item_id=item_id,
        )
        return schemas.Meeting.of(row)

    @post(
        "/{meeting_id:uuid}/items/{item_id:uuid}/vote",
        summary="Record the vote",
        opt=COUNCIL_CLERKS,
    )
    async def vote(
        self,
        request: Request[Any, Any, Any],
        meeting_id: UUID,
        item_id: UUID,
        data: schemas.VoteIn,
        database: Database,
        settings: ApplicationsSettings,
    ) -> schemas.Meeting:
        row = await council.vote(
            database=database,
            district=settings.district,
            actor=actor_of(request),
            meeting_id=meeting_id,
            item_id=item_id,
            tally=Tally(data.votes_for, data.votes_against, data.abstained),
            reason=data.reason,
        )
        return schemas.Meeting.of(row)

    @post(
        "/{meeting_id:uuid}/close",
        summary="Close the meeting; decisions take effect",
        opt=COUNCIL_CLERKS,
    )
    async def close(
        self,
        request: Request[Any, Any, Any],
        meeting_id: UUID,
        data: schemas.Versioned,
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
    ) -> schemas.Meeting:
        row = await council.close_meeting(
            database=database,
            outbox=outbox,
            district=settings.district,
            actor=actor_of(request),
            meeting_id=meeting_id,
            version=data.version,
        )
        return schemas.Meeting.of(row)

    @get("/", summary="List meetings", opt=COUNCIL_READERS)
    async def index(
        self, database: Database, settings: ApplicationsSettings
    ) -> list[schemas.Meeting]:
        rows = await council.list_meetings(database=database, district=settings.district)
        return [schemas.Meeting.of(row) for row in rows]

    @get("/{meeting_id:uuid}", summary="One meeting", opt=COUNCIL_READERS)
    async def show(
        self, meeting_id: UUID, database: Database, settings: ApplicationsSettings
    ) -> schemas.Meeting:
        row = await council.get_meeting(
            database=database, district=settings.district, meeting_id=meeting_id
        )
        return schemas.Meeting.of(row)


class OrderController(Controller):
    """The orders journal."""

    path = "/orders"
    tags = ["orders"]

    @post("/", summary="Issue the order on a council decision", opt=STAFF_ONLY)
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: schemas.OrderIn,
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
    ) -> schemas.Order:
        row = await orders.issue_order(
            database=database,
            outbox=outbox,
            district=settings.district,
            actor=actor_of(request),
            issuers=settings.issuer_table(),
            item_id=data.item_id,
            order_date=data.order_date or district_today(settings.time_zone),
            report_interval=settings.report_interval_months,
        )
        return schemas.Order.of(row)

    @get("/", summary="The orders journal")
    async def index(
        self,
        database: Database,
        settings: ApplicationsSettings,
        issuer: str | None = None,
        year: int | None = None,
    ) -> list[schemas.Order]:
        rows = await orders.list_orders(
            database=database, district=settings.district, issuer=issuer, year=year
        )
        return [schemas.Order.of(row) for row in rows]


class SiteController(Controller):
    """The lifecycle of sites: terms, reports, history."""

    path = "/sites"
    tags = ["sites"]

    @get("/", summary="Sites and their lifecycle")
    async def index(
        self, database: Database, settings: ApplicationsSettings, status: str | None = None
    ) -> list[schemas.Site]:
        rows = await sites.list_sites(database=database, district=settings.district, status=status)
        return [schemas.Site.of(row) for row in rows]

    @get("/{site_id:uuid}", summary="One site with its reports")
    async def show(
        self, site_id: UUID, database: Database, settings: ApplicationsSettings
    ) -> schemas.Site:
        row = await sites.get_site(database=database, district=settings.district, site_id=site_id)
        return schemas.Site.of(row)

    @post("/{site_id:uuid}/reports/{report_id:uuid}", summary="Hand in a report", opt=APPLICANTS)
    async def submit_report(
        self,
        request: Request[Any, Any, Any],
        site_id: UUID,
        report_id: UUID,
        data: Annotated[schemas.ReportForm, MULTIPART],
        database: Database,
        settings: ApplicationsSettings,
        store: FileStore,
    ) -> schemas.Report:
        if organisation_scope(current(request)) is not None:
            site = await sites.get_site(
                database=database, district=settings.district, site_id=site_id
            )
            ensure_own(current(request), site.organisation_id)
        row = await sites.submit_report(
            database=database,
            store=store,
            district=settings.district,
            actor=actor_of(request),
            site_id=site_id,
            report_id=report_id,
            filename=data.file.filename or "report",
            content=await data.file.read(),
            max_bytes=settings.max_upload_bytes,
        )
        return schemas.Report.of(row)


class ReportController(Controller):
    """Reports across sites: who is late."""

    path = "/reports"
    tags = ["sites"]

    @get("/late", summary="Reports past due and not handed in", opt=COUNCIL_READERS)
    async def late(
        self, database: Database, settings: ApplicationsSettings, today: date | None = None
    ) -> list[schemas.Report]:
        rows = await sites.late_reports(
            database=database,
            district=settings.district,
            today=today or district_today(settings.time_zone),
        )
        return [schemas.Report.of(row, row.site.organisation_short_name) for row in rows]


class AuditController(Controller):
    """The audit trail."""

    path = "/audit"
    tags = ["audit"]

    @get(
        "/",
        summary="Audit records of a site, an application or a person's actions",
        opt=STAFF_ONLY,
    )
    async def index(
        self,
        database: Database,
        site_id: UUID | None = None,
        application_id: UUID | None = None,
        actor_id: UUID | None = None,
    ) -> list[schemas.AuditEntry]:
        if not (site_id or application_id or actor_id):
            raise InvalidInput(
                "Укажите площадку, заявку или работника (site_id, application_id, actor_id)",
                field="site_id",
            )
        rows = await sites.audit_trail(
            database=database, site_id=site_id, application_id=application_id, actor_id=actor_id
        )
        return [schemas.AuditEntry.of(row) for row in rows]


class LifecycleController(Controller):
    """Operator's handle on the daily checks."""

    path = "/lifecycle"
    tags = ["operations"]

    @post(
        "/daily-checks",
        summary="Run the daily checks now (expiry, warnings, reminders)",
        opt=STAFF_ONLY,
    )
    async def run(
        self,
        data: schemas.TickIn,
        database: Database,
        outbox: Outbox,
        settings: ApplicationsSettings,
    ) -> schemas.TickOut:
        today = data.today or district_today(settings.time_zone)
        result = await sites.run_daily_checks(
            database=database,
            outbox=outbox,
            district=settings.district,
            today=today,
            warning_days=settings.warning_days(),
            reminder_days=settings.reminder_days(),
        )
        return schemas.TickOut(
            today=today, warned=result.warned, expired=result.expired, reminded=result.reminded
        )
