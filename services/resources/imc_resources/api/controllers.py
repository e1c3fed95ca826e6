"""Resources HTTP controllers: parse, check who asks, call a use case, map the result."""

from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

import sqlalchemy as sa
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

from imc_resources.api import schemas
from imc_resources.db.models import Organisation, Person, Resource
from imc_resources.domain.access import (
    AUTHORS,
    DIRECTORY,
    EVERYONE,
    REVIEWERS,
    STAFF_ONLY,
    WORKERS,
)
from imc_resources.domain.files import TYPES, Limits
from imc_resources.domain.resources import (
    BANK_STATUS_TITLES,
    COMMENT_ACTION_TITLES,
    KIND_TITLES,
    LEVELS,
    LICENCE_TITLES,
    STATUS_TITLES,
    VIDEO_KINDS,
)
from imc_resources.services import bank, catalogue, resources, review, sharing
from imc_resources.services.common import Actor
from imc_resources.settings import ResourcesSettings
from imc_shared.auth import STAFF, Role, current
from imc_shared.db import Database
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

MULTIPART = Body(media_type=RequestEncodingType.MULTI_PART)
AnyRequest = Request[Any, Any, Any]


def _actor(request: AnyRequest) -> Actor:
    return Actor(current(request))


def _limits(settings: ResourcesSettings) -> Limits:
    return Limits(
        file_bytes=settings.max_file_bytes,
        video_bytes=settings.max_video_bytes,
        resource_bytes=settings.max_resource_bytes,
    )


def _can_share(settings: ResourcesSettings) -> bool:
    return settings.is_centre or settings.takes_centre_events


def _download(name: str, media_type: str, sha256: str, content: bytes) -> Response[bytes]:
    suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
    fallback = f"resource.{suffix}".encode("ascii", "replace").decode()
    return Response(
        content,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(name, safe='')}",
            "x-checksum-sha256": sha256,
            "x-content-type-options": "nosniff",
        },
    )


class ResourceController(Controller):
    """The district's own resources: drafting, review, publication, sharing."""

    path = "/resources"
    tags = ["resources"]

    async def _out(
        self, database: Database, settings: ResourcesSettings, request: AnyRequest, row: Resource
    ) -> schemas.ResourceOut:
        return await resources.show(
            database, row.id, current(request), can_share=_can_share(settings)
        )

    @get(
        "/",
        summary="Resources the user works on (a teacher: own; a school: its own; the council "
        "secretary: referred to the council; staff: all)",
        opt=WORKERS,
    )
    async def index(
        self,
        request: AnyRequest,
        database: Database,
        status: str | None = None,
        kind: str | None = None,
        organisation_id: UUID | None = None,
        author_person_id: UUID | None = None,
        council: bool | None = None,
    ) -> list[schemas.ResourceBrief]:
        return await resources.list_resources(
            database,
            current(request),
            status=status,
            kind=kind,
            organisation_id=organisation_id,
            author_person_id=author_person_id,
            council=council,
        )

    @post("/", summary="Create a draft", opt=AUTHORS)
    async def create(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        data: schemas.ResourceCreate,
    ) -> schemas.ResourceOut:
        row = await resources.create(
            database, _actor(request), data, max_text=settings.max_text_chars
        )
        return await self._out(database, settings, request, row)

    @get("/{resource_id:uuid}", summary="One resource (drafts: who works on it)", opt=EVERYONE)
    async def show(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
    ) -> schemas.ResourceOut:
        return await resources.show(
            database, resource_id, current(request), can_share=_can_share(settings)
        )

    @patch("/{resource_id:uuid}", summary="Change a draft (a new revision)", opt=AUTHORS)
    async def update(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.ResourceUpdate,
    ) -> schemas.ResourceOut:
        row = await resources.update(
            database, _actor(request), resource_id, data, max_text=settings.max_text_chars
        )
        return await self._out(database, settings, request, row)

    @post("/{resource_id:uuid}/files", summary="Attach a file (a new revision)", opt=AUTHORS)
    async def add_file(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        store: FileStore,
        resource_id: UUID,
        data: Annotated[schemas.FileForm, MULTIPART],
    ) -> schemas.ResourceOut:
        row = await resources.add_file(
            database,
            store,
            _actor(request),
            resource_id,
            filename=data.file.filename or "файл",
            content=await data.file.read(),
            version=data.version,
            limits=_limits(settings),
            max_text=settings.max_text_chars,
        )
        return await self._out(database, settings, request, row)

    @delete(
        "/{resource_id:uuid}/files/{file_id:uuid}",
        summary="Remove a file (a new revision)",
        opt=AUTHORS,
        status_code=200,
    )
    async def remove_file(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        file_id: UUID,
        version: int | None = None,
    ) -> schemas.ResourceOut:
        row = await resources.remove_file(
            database,
            _actor(request),
            resource_id,
            file_id,
            version=version,
            max_text=settings.max_text_chars,
        )
        return await self._out(database, settings, request, row)

    @get(
        "/{resource_id:uuid}/files/{file_id:uuid}",
        summary="Download a file",
        opt=EVERYONE,
    )
    async def file(
        self,
        request: AnyRequest,
        database: Database,
        store: FileStore,
        resource_id: UUID,
        file_id: UUID,
    ) -> Response[bytes]:
        row, content = await resources.file_content(
            database, store, current(request), resource_id, file_id
        )
        return _download(row.name, row.media_type, row.sha256, content)

    @get(
        "/{resource_id:uuid}/revisions",
        summary="Every revision, newest first (who works on it)",
        opt=WORKERS,
    )
    async def revisions(
        self, request: AnyRequest, database: Database, resource_id: UUID
    ) -> list[schemas.RevisionOut]:
        return await resources.revisions(database, current(request), resource_id)

    @post(
        "/{resource_id:uuid}/comments",
        summary="Comment on the current revision (who works on it)",
        opt=WORKERS,
    )
    async def comment(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.CommentIn,
    ) -> schemas.ResourceOut:
        row = await review.comment(database, _actor(request), resource_id, text=data.text)
        return await self._out(database, settings, request, row)

    @post("/{resource_id:uuid}/submit", summary="Send to review", opt=AUTHORS, status_code=200)
    async def submit(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.SubmitIn | None = None,
    ) -> schemas.ResourceOut:
        body = data or schemas.SubmitIn()
        row = await review.submit(
            database, _actor(request), resource_id, version=body.version, comment=body.comment
        )
        return await self._out(database, settings, request, row)

    @post(
        "/{resource_id:uuid}/refer",
        summary="Refer to the methodical council",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def refer(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.ReferIn | None = None,
    ) -> schemas.ResourceOut:
        body = data or schemas.ReferIn()
        row = await review.refer_to_council(
            database, _actor(request), resource_id, version=body.version, comment=body.comment
        )
        return await self._out(database, settings, request, row)

    @post(
        "/{resource_id:uuid}/return",
        summary="Return with remarks",
        opt=REVIEWERS,
        status_code=200,
    )
    async def return_(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.ReturnIn,
    ) -> schemas.ResourceOut:
        row = await review.return_for_revision(
            database, _actor(request), resource_id, version=data.version, comment=data.comment
        )
        return await self._out(database, settings, request, row)

    @post(
        "/{resource_id:uuid}/approve",
        summary="Approve: publish in the district's bank",
        opt=REVIEWERS,
        status_code=200,
    )
    async def approve(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.ApproveIn | None = None,
    ) -> schemas.ResourceOut:
        body = data or schemas.ApproveIn()
        row = await review.approve(
            database,
            _actor(request),
            resource_id,
            version=body.version,
            comment=body.comment,
            protocol_number=body.protocol_number,
            protocol_date=body.protocol_date,
        )
        return await self._out(database, settings, request, row)

    @post(
        "/{resource_id:uuid}/withdraw",
        summary="Withdraw from publication (and from the centre's bank)",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def withdraw(
        self,
        request: AnyRequest,
        database: Database,
        outbox: Outbox,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.ReasonIn,
    ) -> schemas.ResourceOut:
        row = await review.withdraw(
            database,
            outbox,
            settings,
            _actor(request),
            resource_id,
            version=data.version,
            reason=data.reason,
        )
        return await self._out(database, settings, request, row)

    @post(
        "/{resource_id:uuid}/reopen",
        summary="Open a new edition (a draft again)",
        opt=AUTHORS,
        status_code=200,
    )
    async def reopen(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.Versioned | None = None,
    ) -> schemas.ResourceOut:
        row = await review.reopen(
            database, _actor(request), resource_id, version=data.version if data else None
        )
        return await self._out(database, settings, request, row)

    @post(
        "/{resource_id:uuid}/share",
        summary="Publish to the centre's bank (в банк ММЦ)",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def share(
        self,
        request: AnyRequest,
        database: Database,
        outbox: Outbox,
        settings: ResourcesSettings,
        store: FileStore,
        resource_id: UUID,
        data: schemas.Versioned | None = None,
    ) -> schemas.ResourceOut:
        row = await sharing.share(
            database,
            outbox,
            store,
            settings,
            _actor(request),
            resource_id,
            version=data.version if data else None,
        )
        return await self._out(database, settings, request, row)

    @post(
        "/{resource_id:uuid}/unshare",
        summary="Withdraw from the centre's bank only",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def unshare(
        self,
        request: AnyRequest,
        database: Database,
        outbox: Outbox,
        settings: ResourcesSettings,
        store: FileStore,
        resource_id: UUID,
        data: schemas.ReasonIn,
    ) -> schemas.ResourceOut:
        row = await sharing.unshare(
            database,
            outbox,
            store,
            settings,
            _actor(request),
            resource_id,
            version=data.version,
            reason=data.reason,
        )
        return await self._out(database, settings, request, row)


class SearchController(Controller):
    """Full-text search over the published resources (own bank and the centre's)."""

    path = "/"
    tags = ["search"]

    @get("/search", summary="Search published resources (Russian morphology)", opt=EVERYONE)
    async def search(
        self,
        database: Database,
        q: str = "",
        area: Annotated[str, QueryParameter(name="scope")] = "all",
        subject: str = "",
        kind: str = "",
        level: str = "",
        tag: str = "",
        limit: int = 20,
        offset: int = 0,
    ) -> schemas.SearchResult:
        return await catalogue.search(
            database,
            query=q,
            scope=area,
            filters=catalogue.Filters(subject=subject, kind=kind, level=level, tag=tag),
            limit=limit,
            offset=offset,
        )

    @get("/subjects", summary="Subjects of published resources", opt=EVERYONE)
    async def subjects(self, database: Database) -> list[str]:
        return await catalogue.subjects(database)


class BankController(Controller):
    """The centre's bank (at the centre: the bank; in a district: its copy)."""

    path = "/bank"
    tags = ["bank"]

    @get("/", summary="Entries of the centre's bank (withdrawn ones: staff)", opt=EVERYONE)
    async def index(
        self,
        request: AnyRequest,
        database: Database,
        settings: ResourcesSettings,
        status: str | None = None,
        origin_district: str | None = None,
    ) -> list[schemas.BankEntryOut]:
        return await bank.list_entries(
            database,
            own_district=settings.district,
            status=status,
            origin_district=origin_district,
            staff=current(request).role in STAFF,
        )

    @get("/{resource_id:uuid}", summary="One entry of the centre's bank", opt=EVERYONE)
    async def show(
        self, database: Database, settings: ResourcesSettings, resource_id: UUID
    ) -> schemas.BankEntryOut:
        return await bank.show_entry(database, resource_id, own_district=settings.district)

    @get(
        "/{resource_id:uuid}/files/{file_id:uuid}",
        summary="Download a file of the centre's bank",
        opt=EVERYONE,
    )
    async def file(
        self, database: Database, store: FileStore, resource_id: UUID, file_id: UUID
    ) -> Response[bytes]:
        row, content = await bank.entry_file(database, store, resource_id, file_id)
        return _download(row.name, row.media_type, row.sha256, content)

    @post(
        "/{resource_id:uuid}/withdraw",
        summary="At the centre: take a resource out of the bank",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def withdraw(
        self,
        request: AnyRequest,
        database: Database,
        outbox: Outbox,
        settings: ResourcesSettings,
        resource_id: UUID,
        data: schemas.ReasonIn,
    ) -> schemas.BankEntryOut:
        await bank.moderate(
            database, outbox, settings, _actor(request), resource_id, reason=data.reason
        )
        return await bank.show_entry(database, resource_id, own_district=settings.district)


class DirectoryController(Controller):
    """What the bank knows of authors and organisations (to pick from), its vocabulary."""

    path = "/"
    tags = ["directory"]

    @get(
        "/people",
        summary="People of the registry (a school: its own; a teacher: themself)",
        opt=DIRECTORY,
    )
    async def people(
        self,
        request: AnyRequest,
        database: Database,
        organisation_id: UUID | None = None,
        q: str = "",
    ) -> list[schemas.PersonOut]:
        principal = current(request)
        query = (
            sa.select(Person, Organisation)
            .outerjoin(Organisation, Organisation.organisation_id == Person.organisation_id)
            .where(Person.archived.is_(False))
            .order_by(Person.full_name, Person.person_id)
        )
        if principal.role is Role.SCHOOL_REPRESENTATIVE:
            organisation_id = principal.organisation_id or UUID(int=0)
        elif principal.role is Role.TEACHER:
            query = query.where(Person.person_id == (principal.person_id or UUID(int=0)))
        if organisation_id is not None:
            query = query.where(Person.organisation_id == organisation_id)
        async with database.sessions() as session:
            rows = (await session.execute(query)).all()
        wanted = q.casefold().strip()
        return [
            schemas.PersonOut(
                person_id=p.person_id,
                full_name=p.full_name,
                position=p.position,
                organisation_id=p.organisation_id,
                organisation=(o.short_name or o.full_name) if o else "",
                subjects=list(p.subjects),
            )
            for p, o in rows
            if not wanted or wanted in p.full_name.casefold()
        ]

    @get("/organisations", summary="Organisations of the registry", opt=EVERYONE)
    async def organisations(self, database: Database) -> list[schemas.OrganisationOut]:
        async with database.sessions() as session:
            rows = (
                await session.scalars(
                    sa.select(Organisation)
                    .where(Organisation.archived.is_(False))
                    .order_by(Organisation.short_name, Organisation.organisation_id)
                )
            ).all()
        return [
            schemas.OrganisationOut(
                organisation_id=o.organisation_id, full_name=o.full_name, short_name=o.short_name
            )
            for o in rows
        ]

    @get("/vocabulary", summary="Codes, their Russian titles, limits", opt=EVERYONE)
    async def vocabulary(self, settings: ResourcesSettings) -> schemas.Vocabulary:
        def pairs(table: dict[str, str]) -> list[schemas.CodeTitle]:
            return [schemas.CodeTitle(code=k, title=v) for k, v in table.items()]

        return schemas.Vocabulary(
            kinds=pairs(KIND_TITLES),
            statuses=pairs(STATUS_TITLES),
            licences=pairs(LICENCE_TITLES),
            levels=list(LEVELS),
            bank_statuses=pairs(BANK_STATUS_TITLES),
            comment_actions=pairs(COMMENT_ACTION_TITLES),
            file_types=[
                schemas.FileTypeOut(
                    code=t.code,
                    title=t.title,
                    media_type=t.media_type,
                    extensions=list(t.extensions),
                )
                for t in TYPES
            ],
            video_kinds=sorted(VIDEO_KINDS),
            limits=schemas.Limits(
                max_file_bytes=settings.max_file_bytes,
                max_video_bytes=settings.max_video_bytes,
                max_resource_bytes=settings.max_resource_bytes,
                max_share_bytes=settings.max_share_bytes,
            ),
            instance_kind=settings.instance_kind,
            federated=_can_share(settings),
        )


CONTROLLERS = [ResourceController, SearchController, BankController, DirectoryController]
