"""Certificates of participation in bulk: start the job from an event's page, watch its
progress, download the ZIP, retry what failed (staff)."""

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from imc_portal.api.controllers import PAGE_ERRORS
from imc_portal.clients import BackendClient, BackendRefusedError
from imc_portal.services import certificates
from imc_portal.services.accounts import Clock
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import STAFF, roles

REFRESH_SECONDS = 2
"""How often the progress page reloads itself while the job runs."""


def _progress_url(batch_id: UUID, event_id: UUID | None) -> str:
    tail = f"?event={event_id}" if event_id else ""
    return f"/certificates/batches/{batch_id}{tail}"


async def _form_event(request: Request[Any, Any, Any]) -> UUID | None:
    value = (await request.form()).get("event")
    try:
        return UUID(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


class CertificatesController(Controller):
    """Bulk issue of certificates of participation to an event's attendees."""

    include_in_schema = False

    @post(
        "/calendar/{event_id:uuid}/certificates",
        summary="Start issuing certificates to the event's attendees",
        exception_handlers=PAGE_ERRORS,
        opt=roles(STAFF),
    )
    async def start(
        self,
        event_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            job = await certificates.start_batch(
                scheduling=scheduling,
                registry=registry,
                documents=documents,
                event_id=event_id,
                zone=ZoneInfo(settings.time_zone),
            )
        except BackendRefusedError as refusal:
            return Template(
                template_name="certificates_refused.html",
                context={
                    **base_context(settings, now=clock()),
                    "section": "calendar",
                    "message": refusal.message,
                    "event_id": event_id,
                },
                status_code=refusal.status_code,
            )
        return Redirect(_progress_url(job.id, event_id), status_code=303)

    @get(
        "/certificates/batches/{batch_id:uuid}",
        summary="Progress of a bulk issue of certificates (page)",
        exception_handlers=PAGE_ERRORS,
        opt=roles(STAFF),
    )
    async def progress(
        self,
        batch_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
        clock: NamedDependency[Clock],
        event: FromQuery[UUID | None] = None,
        notice: FromQuery[str | None] = None,
    ) -> Template:
        job = await certificates.batch(documents, batch_id)
        names = await certificates.participant_names(scheduling, event) if job.failures else {}
        headers = {} if job.finished else {"Refresh": str(REFRESH_SECONDS)}
        return Template(
            template_name="certificates_batch.html",
            context={
                **base_context(settings, now=clock()),
                "section": "calendar",
                "job": job,
                "status_title": certificates.STATUS_TITLES.get(job.status, job.status),
                "failed_rows": certificates.failed_rows(job, names),
                "event_id": event,
                "refresh": 0 if job.finished else REFRESH_SECONDS,
                "notice": "Неудавшиеся сертификаты отправлены на повторное формирование."
                if notice == "retried"
                else "",
            },
            headers=headers,
        )

    @get(
        "/certificates/batches/{batch_id:uuid}/archive.zip",
        summary="ZIP of the issued certificates",
        exception_handlers=PAGE_ERRORS,
        opt=roles(STAFF),
    )
    async def archive(
        self, batch_id: FromPath[UUID], documents: NamedDependency[BackendClient]
    ) -> Stream:
        download = await documents.download(
            f"/batches/{batch_id}/archive.zip",
            missing="Архив сертификатов не найден или ещё не готов.",
        )
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)

    @post(
        "/certificates/batches/{batch_id:uuid}/retry",
        summary="Try the failed certificates again",
        exception_handlers=PAGE_ERRORS,
        opt=roles(STAFF),
    )
    async def retry(
        self,
        request: Request[Any, Any, Any],
        batch_id: FromPath[UUID],
        documents: NamedDependency[BackendClient],
    ) -> Redirect:
        event_id = await _form_event(request)
        await certificates.retry(documents, batch_id)
        tail = f"&event={event_id}" if event_id else ""
        return Redirect(f"/certificates/batches/{batch_id}?notice=retried{tail}", status_code=303)
