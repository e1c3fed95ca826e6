"""Documents HTTP controllers: the register and the files."""

import html
from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import quote
from uuid import UUID

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from imc_documents.db.models import Document as DocumentRow
from imc_documents.domain.russian import format_date_official
from imc_documents.services import register
from imc_documents.services.batches import BatchService, NewItem, Progress
from imc_documents.services.library import TemplateInfo, TemplateLibrary
from imc_documents.services.papers import PAPERS, PaperService, RenderRequest
from imc_shared.auth import PUBLIC, READERS, STAFF, Principal, Role, current, roles
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.storage import FileStore

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOWNLOAD_NAMES = {
    "order_site_status": "prikaz",
    "order_site_extension": "prikaz",
    "order_site_termination": "prikaz",
    "refusal_letter": "pismo",
    "council_protocol": "protokol",
    "council_extract": "vypiska",
    "certificate": "sertifikat",
    "internship_statement": "spravka",
    "letter_of_thanks": "blagodarnost",
    "order_regulation": "prikaz",
    "order_site_leaders": "prikaz",
    "road_map": "dorozhnaya-karta",
    "work_plan": "plan-raboty",
    "information_note": "spravka",
    "annual_report": "analiz-raboty",
    "teacher_transcript": "spravka-o-razvitii",
}
"""File name stems of the downloads (ASCII; the UTF-8 name carries the number)."""

MAKERS = roles(STAFF, Role.COUNCIL_SECRETARY)
"""Who generates documents: the IMC's staff and the council's secretary (protocols,
extracts)."""
RENDERERS = roles(STAFF, Role.COUNCIL_SECRETARY, Role.SERVICE)
"""Who renders a paper on request: the makers and, for the papers of
:data:`SERVICE_PAPERS` only, the instance's services."""
SERVICE_PAPERS = {"growth": frozenset({"teacher_transcript"})}
"""The papers a service renders from data it owns, by service name: the growth service
prints a teacher's record of development, which the teacher or their school asks for but
may not write themselves (it is verifiable, so its hours must come from the records)."""
OWN_ONLY = frozenset({"certificate", "internship_statement", "teacher_transcript"})
"""What a teacher may see and download: certificates, internship statements and the
record of their development issued to them (by registry id)."""
BULK_READERS = roles(READERS - {Role.TEACHER})
"""A bulk job's progress and ZIP hold many people's documents: not for a teacher."""


def _teachers_own(principal: Principal, row: DocumentRow) -> bool:
    """A teacher's own certificate; any document for every other role."""
    if principal.role is not Role.TEACHER:
        return True
    return (
        row.kind in OWN_ONLY and row.person_id is not None and row.person_id == principal.person_id
    )


def _refuse_unless_own(principal: Principal, row: DocumentRow) -> None:
    if not _teachers_own(principal, row):
        raise PermissionDeniedException("Педагог может получить только выданные ему документы")


class Document(msgspec.Struct, kw_only=True):
    """A generated document."""

    id: UUID
    kind: str
    title: str
    number: str
    dated: date
    organisation_id: UUID
    subject_id: UUID
    pdf_sha256: str
    docx_sha256: str
    created_at: datetime
    verification_number: str | None = None
    person_name: str = ""
    template_version: str | None = None
    source_key: str | None = None
    revoked_at: datetime | None = None

    @classmethod
    def of(cls, row: DocumentRow) -> "Document":
        """Map a row."""
        return cls(**{f: getattr(row, f) for f in cls.__struct_fields__})


class DocumentController(Controller):
    """The register of generated documents."""

    path = "/documents"
    tags = ["documents"]

    @get("/", summary="List documents (a teacher: their own certificates)")
    async def index(
        self, request: Request[Principal, str, Any], database: Database
    ) -> list[Document]:
        principal = current(request)
        return [
            Document.of(row)
            for row in await register.list_documents(database=database)
            if _teachers_own(principal, row)
        ]

    @get("/{document_id:uuid}", summary="One document")
    async def show(
        self, request: Request[Principal, str, Any], document_id: UUID, database: Database
    ) -> Document:
        row = await register.get_document(database=database, document_id=document_id)
        if row is None:
            raise NotFound("Документ не найден", field="document_id")
        _refuse_unless_own(current(request), row)
        return Document.of(row)

    @get(
        "/{document_id:uuid}/{filename:str}",
        summary="Download file.pdf or file.docx (a teacher: their own certificates)",
    )
    async def file(
        self,
        request: Request[Principal, str, Any],
        document_id: UUID,
        filename: str,
        database: Database,
        store: FileStore,
    ) -> Response[bytes]:
        fmt = filename.removeprefix("file.")
        row = await register.get_document(database=database, document_id=document_id)
        if row is None or not filename.startswith("file.") or fmt not in MEDIA_TYPES:
            raise NotFound("Документ не найден", field="document_id")
        _refuse_unless_own(current(request), row)
        kind: Literal["pdf", "docx"] = "pdf" if fmt == "pdf" else "docx"
        key, digest = (
            (row.pdf_key, row.pdf_sha256) if kind == "pdf" else (row.docx_key, row.docx_sha256)
        )
        stem = DOWNLOAD_NAMES.get(row.kind, "document")
        download = f"{stem}-{row.number}.{kind}" if row.number else f"{stem}.{kind}"
        return Response(
            store.get(key),
            media_type=MEDIA_TYPES[kind],
            headers={
                "content-disposition": f'attachment; filename="{stem}.{kind}"; '
                # safe="": a number like «01-12/245» must not put a slash into the name.
                f"filename*=UTF-8''{quote(download, safe='')}",
                "x-checksum-sha256": digest,
            },
        )


class RenderBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``POST /documents/render``: a template and its data."""

    template: str
    """A template of ``GET /documents/render/templates`` (e.g. ``certificate``, ``road_map``)."""
    data: dict[str, Any]
    source_key: str = ""
    """What the document is made from (e.g. ``event:<id>:person:<id>``); the same key and
    template version give the same document. The checksum of ``data`` when empty."""
    organisation_id: UUID | None = None
    person_id: UUID | None = None
    """The registry person the document is issued to (a teacher then downloads their own
    certificate)."""


class RenderController(Controller):
    """Documents rendered on request."""

    path = "/documents/render"
    tags = ["documents"]

    @post(
        "/",
        summary="Render a certificate, statement or letter (once per source)",
        opt=RENDERERS,
    )
    async def create(
        self, request: Request[Any, Any, Any], data: RenderBody, papers: PaperService
    ) -> Response[Document]:
        principal = current(request)
        if principal.role == Role.SERVICE and data.template not in SERVICE_PAPERS.get(
            principal.subject, frozenset()
        ):
            raise PermissionDeniedException(
                f"Служба «{principal.subject}» не выпускает документ «{data.template}»"
            )
        rendered = await papers.render(
            RenderRequest(
                template=data.template,
                data=data.data,
                source_key=data.source_key,
                organisation_id=data.organisation_id,
                person_id=data.person_id,
            )
        )
        return Response(
            Document.of(rendered.document), status_code=201 if rendered.created else 200
        )

    @get("/templates", summary="Templates that can be rendered on request")
    async def index(self) -> list[dict[str, Any]]:
        return [
            {
                "template": paper.name,
                "title": paper.title,
                "fields": [
                    {"name": f.name, "required": f.required}
                    for f in msgspec.structs.fields(paper.data_type)
                ],
                "verifiable": paper.verifiable,
            }
            for paper in PAPERS.values()
        ]


class RevokeBody(msgspec.Struct, kw_only=True):
    """Why a document is revoked."""

    reason: str


class Verification(msgspec.Struct, kw_only=True):
    """The result of a revocation."""

    number: str
    document_id: UUID
    revoked_at: datetime | None
    revoked_reason: str


_PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Проверка документа {number}</title>
<style>body{{font-family:"Times New Roman",serif;max-width:40em;margin:2em auto;padding:0 1em}}
.ok{{color:#14622b}}.bad{{color:#a4161a}}dt{{font-weight:bold;margin-top:.6em}}</style>
</head><body>
<h1>Проверка подлинности документа</h1>
{body}
</body></html>
"""


def _page(number: str, body: str) -> str:
    return _PAGE.format(number=html.escape(number), body=body)


class VerifyController(Controller):
    """The public verification page of certificates and statements: the QR code on the
    paper leads here, opened by anyone's phone without a login (``/public/``)."""

    path = "/public/verify"
    tags = ["verification", "public"]

    @get(
        "/{number:str}", summary="Public page: is this document genuine?", media_type=MediaType.HTML
    )
    async def show(self, number: str, papers: PaperService) -> Response[str]:
        document = await papers.verification(number)
        shown = html.escape(number)
        if document is None:
            body = (
                f'<p class="bad"><strong>Документ с номером {shown} не найден.</strong></p>'
                "<p>Такой номер не выдавался. Проверьте, что номер введён без ошибок "
                "(например, 7KQ2-M9XD), или обратитесь в выдавшую документ организацию.</p>"
            )
            return Response(_page(number, body), status_code=404, media_type=MediaType.HTML)
        kind = PAPERS[document.kind].title if document.kind in PAPERS else document.title
        if document.revoked_at is not None:
            status = (
                f'<p class="bad"><strong>Документ № {html.escape(document.number)} '
                f"отозван</strong> {format_date_official(document.revoked_at.date())}"
                + (
                    f". Причина: {html.escape(document.revoked_reason)}"
                    if document.revoked_reason
                    else ""
                )
                + ". Он больше не подтверждает указанные в нём сведения.</p>"
            )
        else:
            status = (
                f'<p class="ok"><strong>Документ № {html.escape(document.number)} '
                "подлинный и действителен.</strong></p>"
            )
        details = (
            "<dl>"
            f"<dt>Документ</dt><dd>{html.escape(kind)}</dd>"
            f"<dt>Кому выдан</dt><dd>{html.escape(document.person_name)}</dd>"
            f"<dt>Содержание</dt><dd>{html.escape(document.title)}</dd>"
            f"<dt>Дата</dt><dd>{format_date_official(document.dated)}</dd>"
            f"<dt>Выдан</dt><dd>{html.escape(document.district or '—')}</dd>"
            "</dl>"
        )
        return Response(_page(number, status + details), media_type=MediaType.HTML)


class RevokeController(Controller):
    """Revocation of a certificate or statement: the IMC's staff."""

    path = "/verify"
    tags = ["verification"]

    @get("/{number:str}", summary="Old address of the verification page", opt=PUBLIC)
    async def moved(self, number: str) -> Redirect:
        """QR codes printed before the page moved under ``/public/`` still lead to it."""
        return Redirect(f"/public/verify/{quote(number, safe='')}", status_code=308)

    @post("/{number:str}/revoke", summary="Revoke a document (staff)", status_code=200)
    async def revoke(
        self,
        number: str,
        data: RevokeBody,
        papers: PaperService,
    ) -> Verification:
        document = await papers.revoke(number, data.reason)
        return Verification(
            number=document.number,
            document_id=document.id,
            revoked_at=document.revoked_at,
            revoked_reason=document.revoked_reason,
        )


class BatchItemBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One document of a bulk job."""

    data: dict[str, Any]
    source_key: str = ""
    """E.g. ``event:<id>:person:<id>``; the checksum of ``data`` when empty."""


class BatchBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``POST /batches``: many documents of one template."""

    template: str
    items: list[BatchItemBody]
    key: str = ""
    """The job's own key (e.g. ``event:<id>:certificates``); posting the same key or the
    same items again returns the existing job."""
    organisation_id: UUID | None = None


class BatchFailure(msgspec.Struct, kw_only=True):
    """An item that gave up."""

    position: int
    source_key: str
    attempts: int
    error: str


class BatchView(msgspec.Struct, kw_only=True):
    """A bulk job and its progress."""

    id: UUID
    template: str
    status: str
    """pending, running, done or failed (some items gave up: see ``failures``)."""
    total: int
    done: int
    failed: int
    pending: int
    percent: int
    failures: list[BatchFailure]
    archive: str | None
    """Path of the ZIP once the job is finished."""
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, progress: Progress) -> "BatchView":
        """Map a progress report."""
        batch = progress.batch
        finished = batch.status in ("done", "failed")
        return cls(
            id=batch.id,
            template=batch.template,
            status=batch.status,
            total=batch.total,
            done=progress.done,
            failed=progress.failed,
            pending=progress.pending,
            percent=progress.percent,
            failures=[BatchFailure(**vars(f)) for f in progress.failures],
            archive=f"/batches/{batch.id}/archive.zip" if finished else None,
            created_at=batch.created_at,
            finished_at=batch.finished_at,
        )


class BatchController(Controller):
    """Bulk jobs: many documents of one template, with progress and a ZIP."""

    path = "/batches"
    tags = ["batches"]

    @post("/", summary="Start a bulk job (returns the existing one for the same items)", opt=MAKERS)
    async def create(self, data: BatchBody, batches: BatchService) -> Response[BatchView]:
        batch, created = await batches.create(
            data.template,
            [NewItem(data=item.data, source_key=item.source_key) for item in data.items],
            key=data.key,
            organisation_id=data.organisation_id,
        )
        view = BatchView.of(await batches.progress(batch.id))
        return Response(view, status_code=202 if created else 200)

    @get("/{batch_id:uuid}", summary="Progress of a bulk job", opt=BULK_READERS)
    async def show(self, batch_id: UUID, batches: BatchService) -> BatchView:
        return BatchView.of(await batches.progress(batch_id))

    @post(
        "/{batch_id:uuid}/retry",
        summary="Try the failed items again",
        status_code=202,
        opt=MAKERS,
    )
    async def retry(self, batch_id: UUID, batches: BatchService) -> BatchView:
        return BatchView.of(await batches.retry(batch_id))

    @get(
        "/{batch_id:uuid}/archive.zip",
        summary="ZIP of a finished job's documents",
        opt=BULK_READERS,
    )
    async def archive(self, batch_id: UUID, batches: BatchService) -> Response[bytes]:
        batch, content = await batches.archive(batch_id)
        name = f"{batch.template}-{batch.id}.zip"
        return Response(
            content,
            media_type="application/zip",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )


class TemplateVersionView(msgspec.Struct, kw_only=True):
    """One uploaded version of a template."""

    version: int
    sha256: str
    size: int
    comment: str
    active: bool
    uploaded_at: datetime
    file: str


class TemplateView(msgspec.Struct, kw_only=True):
    """A template: the version in force (0: built-in), its versions and its variables."""

    template: str
    title: str
    active_version: int
    versions: list[TemplateVersionView]
    variables: list[str]

    @classmethod
    def of(cls, info: TemplateInfo) -> "TemplateView":
        """Map the library's answer."""
        return cls(
            template=info.name,
            title=info.title,
            active_version=info.active_version,
            versions=[
                TemplateVersionView(
                    version=v.version,
                    sha256=v.sha256,
                    size=v.size,
                    comment=v.comment,
                    active=v.active,
                    uploaded_at=v.uploaded_at,
                    file=f"/templates/{info.name}/versions/{v.version}/file.docx",
                )
                for v in info.versions
            ],
            variables=info.variables,
        )


class RollbackBody(msgspec.Struct, kw_only=True):
    """Which version to put in force (0: the built-in template)."""

    version: int


class TemplateController(Controller):
    """The district's templates: upload (checked), versions, rollback."""

    path = "/templates"
    tags = ["templates"]

    @get("/", summary="Every template and the version in force")
    async def index(self, library: TemplateLibrary) -> list[TemplateView]:
        from imc_documents.services.library import TITLES

        return [TemplateView.of(await library.info(name)) for name in TITLES]

    @get("/{name:str}", summary="One template: versions and the variables it may use")
    async def show(self, name: str, library: TemplateLibrary) -> TemplateView:
        return TemplateView.of(await library.info(name))

    @post(
        "/{name:str}",
        summary="Upload a replacement DOCX (request body); checked, then in force",
        status_code=201,
    )
    async def create(
        self,
        name: str,
        request: Request[Any, Any, Any],
        library: TemplateLibrary,
        comment: str = "",
    ) -> TemplateView:
        await library.upload(name, await request.body(), comment)
        return TemplateView.of(await library.info(name))

    @post(
        "/{name:str}/rollback",
        summary="Put an older version (0: built-in) in force",
        status_code=200,
    )
    async def rollback(
        self, name: str, data: RollbackBody, library: TemplateLibrary
    ) -> TemplateView:
        return TemplateView.of(await library.rollback(name, data.version))

    @get("/{name:str}/versions/{version:int}/file.docx", summary="Download a version")
    async def file(self, name: str, version: int, library: TemplateLibrary) -> Response[bytes]:
        content = await library.version_file(name, version)
        return Response(
            content,
            media_type=MEDIA_TYPES["docx"],
            headers={"content-disposition": f'attachment; filename="{name}-v{version}.docx"'},
        )
