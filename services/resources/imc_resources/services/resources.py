"""Use cases of drafting a resource: create, change, attach and remove files (each change
a new revision), read it, list the resources a user works on."""

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_resources.api.schemas import (
    BankState,
    CommentOut,
    FileOut,
    ResourceBrief,
    ResourceCreate,
    ResourceOut,
    ResourceUpdate,
    RevisionOut,
)
from imc_resources.db.models import Resource, ResourceComment, ResourceFile, ResourceRevision
from imc_resources.domain import access
from imc_resources.domain.files import Limits, by_code, check_upload
from imc_resources.domain.resources import (
    BANK_STATUS_TITLES,
    COMMENT_ACTION_TITLES,
    KIND_TITLES,
    STATUS_TITLES,
    VIDEO_KINDS,
    check_editable,
    check_kind,
    check_level,
    check_licence,
    check_subject,
    check_summary,
    check_tags,
    check_title,
    licence_title,
    squash,
)
from imc_resources.domain.text import extract
from imc_resources.services.common import (
    Actor,
    Forbidden,
    check_version,
    holder,
    now,
    organisation_name,
    person_of,
    refuse,
    resource_of,
)
from imc_shared.auth import ROLE_TITLES, STAFF, Principal, Role
from imc_shared.db import Database
from imc_shared.errors import InvalidInput, NotFound
from imc_shared.storage import FileStore

# --- journal and revisions ------------------------------------------------------------


async def journal(
    session: AsyncSession, resource: Resource, actor: Actor | None, action: str, text: str = ""
) -> None:
    """A step of the review (or a comment) in the resource's journal."""
    session.add(
        ResourceComment(
            resource_id=resource.id,
            revision=resource.revision,
            action=action,
            text=text,
            author_name=actor.name if actor else "система",
            author_role=actor.role if actor else Role.SERVICE.value,
            created_at=now(),
        )
    )


async def current_files(session: AsyncSession, resource_id: UUID) -> list[ResourceFile]:
    """The files of the current revision, in the order they were attached."""
    rows = await session.scalars(
        sa.select(ResourceFile)
        .where(ResourceFile.resource_id == resource_id, ResourceFile.removed_revision.is_(None))
        .order_by(ResourceFile.created_at, ResourceFile.id)
    )
    return list(rows.all())


def _snapshot(resource: Resource, files: Sequence[ResourceFile], note: str, by: str) -> Any:
    return ResourceRevision(
        resource_id=resource.id,
        number=resource.revision,
        title=resource.title,
        summary=resource.summary,
        kind=resource.kind,
        subject=resource.subject,
        level=resource.level,
        tags=list(resource.tags),
        licence=resource.licence,
        author_name=resource.author_name,
        organisation_name=resource.organisation_name,
        file_ids=[str(f.id) for f in files],
        note=note[:500],
        created_by=by,
        created_at=now(),
    )


async def new_revision(
    session: AsyncSession, resource: Resource, note: str, by: str, *, max_text: int
) -> None:
    """Close the change as a new revision: its snapshot, the text of its files."""
    await session.flush()
    files = await current_files(session, resource.id)
    resource.revision += 1
    resource.text = "\n".join(f.text for f in files if f.text)[:max_text]
    resource.updated_at = now()
    session.add(_snapshot(resource, files, note, by))


# --- authorship -----------------------------------------------------------------------


@dataclass(frozen=True)
class Authorship:
    person_id: UUID | None
    name: str
    organisation_id: UUID | None
    organisation_name: str


async def _authorship(
    session: AsyncSession,
    principal: Principal,
    *,
    person_id: UUID | None,
    name: str,
    organisation_id: UUID | None,
) -> Authorship:
    """Who the author is, by the rules of the asking role."""
    if principal.role is Role.TEACHER:
        own = principal.person_id
        if own is None:
            raise Forbidden(access.NO_PERSON)
        if person_id is not None and person_id != own:
            raise Forbidden("Педагог создаёт и изменяет материалы только от своего имени")
        person = await person_of(session, own)
        org = (person.organisation_id if person else None) or principal.organisation_id
        return Authorship(
            own,
            person.full_name if person else (principal.name.strip() or "педагог"),
            org,
            await organisation_name(session, org),
        )
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        org = principal.organisation_id
        if org is None:
            raise Forbidden(access.NO_ORGANISATION)
        if organisation_id is not None and organisation_id != org:
            raise Forbidden("Представитель организации создаёт материалы только своей организации")
        if person_id is None:
            raise InvalidInput(
                "Выберите автора — педагога вашей организации", field="author_person_id"
            )
        person = await person_of(session, person_id)
        if person is None:
            raise InvalidInput("Педагог не найден в реестре района", field="author_person_id")
        if person.organisation_id != org:
            raise Forbidden(
                "Представитель организации указывает автором только педагога своей организации"
            )
        return Authorship(person_id, person.full_name, org, await organisation_name(session, org))
    if person_id is not None:
        person = await person_of(session, person_id)
        if person is None:
            raise InvalidInput("Педагог не найден в реестре района", field="author_person_id")
        org = organisation_id or person.organisation_id
        author = person.full_name
    else:
        author = squash(name)
        if len(author) < 3:
            raise InvalidInput(
                "Укажите автора: выберите педагога из реестра или впишите его фамилию, имя и "
                "отчество",
                field="author_name",
            )
        org = organisation_id
    org_name = await organisation_name(session, org)
    if org is not None and not org_name:
        raise InvalidInput("Организация не найдена в реестре района", field="organisation_id")
    return Authorship(person_id, author[:300], org, org_name)


# --- views ----------------------------------------------------------------------------


def file_view(row: ResourceFile) -> FileOut:
    return FileOut(
        id=row.id,
        name=row.name,
        media_type=row.media_type,
        type=row.type_code,
        size=row.size,
        sha256=row.sha256,
        searchable=bool(row.text),
    )


def comment_view(row: ResourceComment) -> CommentOut:
    try:
        role_title = ROLE_TITLES[Role(row.author_role)]
    except ValueError:
        role_title = row.author_role
    return CommentOut(
        id=row.id,
        revision=row.revision,
        action=row.action,
        action_title=COMMENT_ACTION_TITLES.get(row.action, row.action),
        text=row.text,
        author_name=row.author_name,
        author_role=row.author_role,
        author_role_title=role_title,
        created_at=row.created_at,
    )


def brief(row: Resource) -> ResourceBrief:
    return ResourceBrief(
        id=row.id,
        status=row.status,
        status_title=STATUS_TITLES[row.status],
        title=row.title,
        kind=row.kind,
        kind_title=KIND_TITLES[row.kind],
        subject=row.subject,
        level=row.level,
        author_name=row.author_name,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        revision=row.revision,
        council_review=row.council_review,
        bank_status=row.bank_status,
        submitted_at=row.submitted_at,
        published_at=row.published_at,
        updated_at=row.updated_at,
        version=row.version,
    )


async def view(
    session: AsyncSession, resource: Resource, principal: Principal, *, can_share: bool
) -> ResourceOut:
    """The resource as ``principal`` sees it (comments only for who sees drafts)."""
    files = await current_files(session, resource.id)
    rules = holder(resource)
    comments: list[CommentOut] = []
    if access.draft_refusal(principal, rules) is None:
        rows = await session.scalars(
            sa.select(ResourceComment)
            .where(ResourceComment.resource_id == resource.id)
            .order_by(ResourceComment.created_at, ResourceComment.id)
        )
        comments = [comment_view(r) for r in rows.all()]
    shared = resource.bank_status == "shared"
    return ResourceOut(
        id=resource.id,
        status=resource.status,
        status_title=STATUS_TITLES[resource.status],
        title=resource.title,
        summary=resource.summary,
        kind=resource.kind,
        kind_title=KIND_TITLES[resource.kind],
        subject=resource.subject,
        level=resource.level,
        tags=list(resource.tags),
        licence=resource.licence,
        licence_title=licence_title(resource.licence),
        author_person_id=resource.author_person_id,
        author_name=resource.author_name,
        organisation_id=resource.organisation_id,
        organisation_name=resource.organisation_name,
        revision=resource.revision,
        files=[file_view(f) for f in files],
        total_size=sum(f.size for f in files),
        council_review=resource.council_review,
        reviewed_by=resource.reviewed_by,
        submitted_at=resource.submitted_at,
        published_at=resource.published_at,
        withdrawn_at=resource.withdrawn_at,
        withdraw_reason=resource.withdraw_reason,
        site_id=resource.site_id,
        bank=BankState(
            status=resource.bank_status,
            status_title=BANK_STATUS_TITLES.get(resource.bank_status, resource.bank_status),
            version=resource.bank_version,
            revision=resource.bank_revision,
            shared_at=resource.shared_at,
            outdated=shared and resource.bank_revision != resource.revision,
            confirmed_version=resource.bank_confirmed_version,
            centre_status=resource.bank_centre_status,
        ),
        created_by=resource.created_by,
        created_at=resource.created_at,
        updated_at=resource.updated_at,
        version=resource.version,
        comments=comments,
        actions=access.actions(principal, rules, shared=shared, can_share=can_share),
    )


async def show(
    database: Database, resource_id: UUID, principal: Principal, *, can_share: bool
) -> ResourceOut:
    """One resource, if ``principal`` may read it."""
    async with database.sessions() as session:
        resource = await resource_of(session, resource_id)
        refuse(access.read_refusal(principal, holder(resource)))
        return await view(session, resource, principal, can_share=can_share)


async def list_resources(
    database: Database,
    principal: Principal,
    *,
    status: str | None = None,
    kind: str | None = None,
    organisation_id: UUID | None = None,
    author_person_id: UUID | None = None,
    council: bool | None = None,
) -> list[ResourceBrief]:
    """The resources ``principal`` works on (a teacher: theirs; a school: its
    organisation's; the council secretary: those referred to the council; staff: all)."""
    query = sa.select(Resource).order_by(Resource.updated_at.desc(), Resource.id)
    role = principal.role
    if role is Role.TEACHER:
        if principal.person_id is None:
            return []
        query = query.where(Resource.author_person_id == principal.person_id)
    elif role is Role.SCHOOL_REPRESENTATIVE:
        if principal.organisation_id is None:
            return []
        query = query.where(Resource.organisation_id == principal.organisation_id)
    elif role is Role.COUNCIL_SECRETARY:
        query = query.where(Resource.council_review.is_(True))
    elif role not in STAFF:
        raise Forbidden("Эта роль видит только опубликованные материалы (поиск по банку)")
    if status:
        query = query.where(Resource.status == status)
    if kind:
        query = query.where(Resource.kind == kind)
    if organisation_id:
        query = query.where(Resource.organisation_id == organisation_id)
    if author_person_id:
        query = query.where(Resource.author_person_id == author_person_id)
    if council is not None:
        query = query.where(Resource.council_review.is_(council))
    async with database.sessions() as session:
        rows = (await session.scalars(query.limit(500))).all()
    return [brief(r) for r in rows]


# --- drafting -------------------------------------------------------------------------


async def create(
    database: Database, actor: Actor, data: ResourceCreate, *, max_text: int
) -> Resource:
    """A new draft (revision 1)."""
    fields = {
        "title": check_title(data.title),
        "summary": check_summary(data.summary),
        "kind": check_kind(data.kind),
        "subject": check_subject(data.subject),
        "level": check_level(data.level),
        "tags": check_tags(data.tags),
        "licence": check_licence(data.licence),
    }
    async with database.transaction() as session:
        author = await _authorship(
            session,
            actor.principal,
            person_id=data.author_person_id,
            name=data.author_name,
            organisation_id=data.organisation_id,
        )
        moment = now()
        resource = Resource(
            **fields,
            status="draft",
            author_person_id=author.person_id,
            author_name=author.name,
            organisation_id=author.organisation_id,
            organisation_name=author.organisation_name,
            revision=0,
            created_by=actor.name,
            created_at=moment,
            updated_at=moment,
        )
        session.add(resource)
        await new_revision(session, resource, "создан черновик", actor.name, max_text=max_text)
        await journal(session, resource, actor, "created")
    return resource


async def update(
    database: Database, actor: Actor, resource_id: UUID, data: ResourceUpdate, *, max_text: int
) -> Resource:
    """Change a draft's fields: a new revision when anything changed."""
    async with database.transaction() as session:
        resource = await resource_of(session, resource_id)
        refuse(access.edit_refusal(actor.principal, holder(resource)))
        check_version(resource.version, data.version)
        check_editable(resource.status)
        changes: dict[str, Any] = {}
        if data.title is not None:
            changes["title"] = check_title(data.title)
        if data.summary is not None:
            changes["summary"] = check_summary(data.summary)
        if data.kind is not None:
            changes["kind"] = check_kind(data.kind)
        if data.subject is not None:
            changes["subject"] = check_subject(data.subject)
        if data.level is not None:
            changes["level"] = check_level(data.level)
        if data.tags is not None:
            changes["tags"] = check_tags(data.tags)
        if data.licence is not None:
            changes["licence"] = check_licence(data.licence)
        if (
            data.author_person_id is not None
            or data.author_name is not None
            or data.organisation_id is not None
        ):
            author = await _authorship(
                session,
                actor.principal,
                person_id=data.author_person_id,
                name=data.author_name if data.author_name is not None else resource.author_name,
                organisation_id=data.organisation_id
                if data.organisation_id is not None
                else (resource.organisation_id if data.author_person_id is None else None),
            )
            changes |= {
                "author_person_id": author.person_id,
                "author_name": author.name,
                "organisation_id": author.organisation_id,
                "organisation_name": author.organisation_name,
            }
        changes = {k: v for k, v in changes.items() if getattr(resource, k) != v}
        if not changes:
            return resource
        kind = changes.get("kind", resource.kind)
        if kind not in VIDEO_KINDS and any(
            by_code(f.type_code).video for f in await current_files(session, resource.id)
        ):
            raise InvalidInput(
                "К материалу приложена видеозапись: такой вид материала её не допускает; "
                "удалите видеозапись или выберите вид «запись занятия (мероприятия)»",
                field="kind",
            )
        for key, value in changes.items():
            setattr(resource, key, value)
        await new_revision(
            session, resource, "изменены сведения о материале", actor.name, max_text=max_text
        )
    return resource


async def _editable(session: AsyncSession, actor: Actor, resource_id: UUID) -> Resource:
    resource = await resource_of(session, resource_id)
    refuse(access.edit_refusal(actor.principal, holder(resource)))
    check_editable(resource.status)
    return resource


async def add_file(
    database: Database,
    store: FileStore,
    actor: Actor,
    resource_id: UUID,
    *,
    filename: str,
    content: bytes,
    version: int | None,
    limits: Limits,
    max_text: int,
) -> Resource:
    """Attach a checked file (a new revision); its text is extracted for search."""
    async with database.sessions() as session:
        resource = await _editable(session, actor, resource_id)
        check_version(resource.version, version)
        total = sum(f.size for f in await current_files(session, resource_id))
        kind = resource.kind
    name, file_type = check_upload(filename, content, kind=kind, limits=limits, total_before=total)
    text = await asyncio.to_thread(extract, name, file_type, content, limit=max_text)
    async with database.transaction() as session:
        resource = await _editable(session, actor, resource_id)
        check_version(resource.version, version)
        files = await current_files(session, resource_id)
        check_upload(
            name,
            content,
            kind=resource.kind,
            limits=limits,
            total_before=sum(f.size for f in files),
        )
        digest = hashlib.sha256(content).hexdigest()
        same = next((f for f in files if f.sha256 == digest), None)
        if same is not None:
            raise InvalidInput(
                f"Файл «{name}» уже приложен к материалу (как «{same.name}»)", field="file"
            )
        key, _ = store.put(content)
        session.add(
            ResourceFile(
                resource_id=resource.id,
                name=name,
                type_code=file_type.code,
                media_type=file_type.media_type,
                size=len(content),
                sha256=digest,
                storage_key=key,
                text=text,
                added_revision=resource.revision + 1,
                removed_revision=None,
                created_at=now(),
            )
        )
        await new_revision(
            session, resource, f"добавлен файл «{name}»", actor.name, max_text=max_text
        )
    return resource


async def remove_file(
    database: Database,
    actor: Actor,
    resource_id: UUID,
    file_id: UUID,
    *,
    version: int | None,
    max_text: int,
) -> Resource:
    """Detach a file (a new revision; earlier revisions keep it)."""
    async with database.transaction() as session:
        resource = await _editable(session, actor, resource_id)
        check_version(resource.version, version)
        row = await session.get(ResourceFile, file_id)
        if row is None or row.resource_id != resource_id or row.removed_revision is not None:
            raise NotFound("Файл не найден среди файлов материала", field="file_id")
        row.removed_revision = resource.revision + 1
        await new_revision(
            session, resource, f"удалён файл «{row.name}»", actor.name, max_text=max_text
        )
    return resource


async def file_content(
    database: Database, store: FileStore, principal: Principal, resource_id: UUID, file_id: UUID
) -> tuple[ResourceFile, bytes]:
    """A file of a resource: the current ones for every reader of it; files of earlier
    revisions for who sees its drafts."""
    async with database.sessions() as session:
        resource = await resource_of(session, resource_id)
        rules = holder(resource)
        refuse(access.read_refusal(principal, rules))
        row = await session.get(ResourceFile, file_id)
        if row is None or row.resource_id != resource_id:
            raise NotFound("Файл не найден", field="file_id")
        if row.removed_revision is not None:
            refuse(access.draft_refusal(principal, rules))
    return row, store.get(row.storage_key)


async def revisions(
    database: Database, principal: Principal, resource_id: UUID
) -> list[RevisionOut]:
    """Every revision of a resource, newest first (for who sees its drafts)."""
    async with database.sessions() as session:
        resource = await resource_of(session, resource_id)
        refuse(access.draft_refusal(principal, holder(resource)))
        rows = (
            await session.scalars(
                sa.select(ResourceRevision)
                .where(ResourceRevision.resource_id == resource_id)
                .order_by(ResourceRevision.number.desc())
            )
        ).all()
        files = {
            f.id: f
            for f in (
                await session.scalars(
                    sa.select(ResourceFile).where(ResourceFile.resource_id == resource_id)
                )
            ).all()
        }
    return [
        RevisionOut(
            number=r.number,
            title=r.title,
            summary=r.summary,
            kind=r.kind,
            kind_title=KIND_TITLES[r.kind],
            subject=r.subject,
            level=r.level,
            tags=list(r.tags),
            licence=r.licence,
            licence_title=licence_title(r.licence),
            author_name=r.author_name,
            organisation_name=r.organisation_name,
            files=[file_view(files[UUID(i)]) for i in r.file_ids if UUID(i) in files],
            note=r.note,
            created_by=r.created_by,
            created_at=r.created_at,
        )
        for r in rows
    ]
