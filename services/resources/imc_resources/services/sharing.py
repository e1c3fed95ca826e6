"""Publishing to the centre's bank (в банк ММЦ): a district sends RESOURCE_PUBLISHED with
its files carried whole, and RESOURCE_WITHDRAWN to take it back; the centre's own staff
publish into the bank directly. Every share of a changed resource, and every withdrawal,
has a higher version; sharing what is already there sends nothing."""

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    RESOURCE_PUBLISHED,
    RESOURCE_WITHDRAWN,
    Envelope,
    ResourceFile,
    ResourcePublished,
    ResourceWithdrawn,
)
from imc_resources.db.models import Resource, ResourceRevision
from imc_resources.db.models import ResourceFile as FileRow
from imc_resources.domain.files import megabytes
from imc_resources.domain.resources import LICENCES, check_reason, check_shareable
from imc_resources.services import bank
from imc_resources.services.common import Actor, check_version, now, resource_of
from imc_resources.services.resources import journal
from imc_resources.settings import ResourcesSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

NOT_FEDERATED = (
    "Район не подключён к межмуниципальному центру (ММЦ): передать материал в банк ММЦ "
    "нельзя; обратитесь к администратору"
)


async def _revision_files(
    session: AsyncSession, resource_id: UUID, number: int
) -> tuple[ResourceRevision, list[FileRow]]:
    revision = await session.scalar(
        sa.select(ResourceRevision).where(
            ResourceRevision.resource_id == resource_id, ResourceRevision.number == number
        )
    )
    if revision is None:
        raise Conflict(f"Редакция {number} материала не найдена", field="revision")
    ids = [UUID(i) for i in revision.file_ids]
    rows = {
        r.id: r
        for r in (await session.scalars(sa.select(FileRow).where(FileRow.id.in_(ids)))).all()
    }
    return revision, [rows[i] for i in ids if i in rows]


async def publication(
    session: AsyncSession,
    store: FileStore,
    resource: Resource,
    *,
    revision: int,
    version: int,
    reviewed_by: str,
    published_at: datetime,
    max_text: int,
) -> ResourcePublished:
    """The message of one revision of a resource, with its files."""
    snapshot, files = await _revision_files(session, resource.id, revision)
    text = "\n".join(f.text for f in files if f.text)[:max_text]
    return ResourcePublished(
        resource_id=resource.id,
        version=version,
        title=snapshot.title,
        summary=snapshot.summary,
        kind=snapshot.kind,  # type: ignore[arg-type]
        subject=snapshot.subject,
        level=snapshot.level,
        tags=tuple(snapshot.tags),
        licence=LICENCES.get(snapshot.licence, snapshot.licence),
        author_name=snapshot.author_name,
        organisation_name=snapshot.organisation_name,
        reviewed_by=reviewed_by,
        published_at=published_at,
        text=text,
        files=tuple(
            ResourceFile(
                name=f.name,
                media_type=f.media_type,
                size=f.size,
                sha256=f.sha256,
                content=store.get(f.storage_key),
            )
            for f in files
        ),
    )


async def _announce(
    session: AsyncSession,
    outbox: Outbox,
    store: FileStore,
    settings: ResourcesSettings,
    payload: ResourcePublished,
    cause: Envelope[Any] | None = None,
) -> None:
    if settings.is_centre:
        await bank.fold_publication(
            session,
            outbox,
            store,
            origin=settings.district,
            origin_name=settings.district_name or settings.district,
            payload=payload,
            cause=cause,
        )
    else:
        await outbox.put(session, RESOURCE_PUBLISHED, payload, cause=cause)


async def _announce_withdrawal(
    session: AsyncSession,
    outbox: Outbox,
    settings: ResourcesSettings,
    payload: ResourceWithdrawn,
    cause: Envelope[Any] | None = None,
) -> None:
    if settings.is_centre:
        await bank.fold_withdrawal(
            session,
            outbox,
            origin=settings.district,
            origin_name=settings.district_name or settings.district,
            payload=payload,
            cause=cause,
        )
    else:
        await outbox.put(session, RESOURCE_WITHDRAWN, payload, cause=cause)


def check_federated(settings: ResourcesSettings) -> None:
    if not (settings.is_centre or settings.takes_centre_events):
        raise Conflict(NOT_FEDERATED, field="bank")


async def share(
    database: Database,
    outbox: Outbox,
    store: FileStore,
    settings: ResourcesSettings,
    actor: Actor,
    resource_id: UUID,
    *,
    version: int | None,
) -> Resource:
    """Publish an approved resource to the centre's bank (again, with a higher version,
    when it changed since; nothing when the bank has this revision already)."""
    check_federated(settings)
    async with database.transaction() as session:
        resource = await resource_of(session, resource_id)
        check_version(resource.version, version)
        check_shareable(resource.status)
        if resource.bank_status == "shared" and resource.bank_revision == resource.revision:
            return resource
        assert resource.published_at is not None
        _, files = await _revision_files(session, resource.id, resource.revision)
        total = sum(f.size for f in files)
        if total > settings.max_share_bytes:
            raise InvalidInput(
                f"Файлы материала занимают {megabytes(total)}, а в банк ММЦ передаётся не больше "
                f"{megabytes(settings.max_share_bytes)} на материал: уменьшите файлы (например, "
                "сожмите видеозапись) в новой редакции",
                field="files",
            )
        resource.bank_version += 1
        payload = await publication(
            session,
            store,
            resource,
            revision=resource.revision,
            version=resource.bank_version,
            reviewed_by=resource.reviewed_by,
            published_at=resource.published_at,
            max_text=settings.max_text_chars,
        )
        resource.bank_status = "shared"
        resource.bank_revision = resource.revision
        resource.bank_reviewed_by = resource.reviewed_by
        resource.bank_published_at = resource.published_at
        resource.bank_reason = ""
        resource.shared_at = now()
        resource.updated_at = resource.shared_at
        await _announce(session, outbox, store, settings, payload)
        await journal(session, resource, actor, "shared", f"версия в банке ММЦ: {payload.version}")
    return resource


async def withdraw_from_bank(
    session: AsyncSession,
    outbox: Outbox,
    settings: ResourcesSettings,
    resource: Resource,
    reason: str,
) -> None:
    """Take the resource back from the centre's bank (a higher version)."""
    resource.bank_version += 1
    resource.bank_status = "withdrawn"
    resource.bank_reason = reason
    await _announce_withdrawal(
        session,
        outbox,
        settings,
        ResourceWithdrawn(resource_id=resource.id, version=resource.bank_version, reason=reason),
    )


async def unshare(
    database: Database,
    outbox: Outbox,
    store: FileStore,
    settings: ResourcesSettings,
    actor: Actor,
    resource_id: UUID,
    *,
    version: int | None,
    reason: str,
) -> Resource:
    """Withdraw the resource from the centre's bank only (it stays in the district's)."""
    why = check_reason(reason)
    check_federated(settings)
    async with database.transaction() as session:
        resource = await resource_of(session, resource_id)
        check_version(resource.version, version)
        if resource.bank_status != "shared":
            raise Conflict("Материала нет в банке ММЦ", field="bank")
        await withdraw_from_bank(session, outbox, settings, resource, why)
        resource.updated_at = now()
        await journal(session, resource, actor, "unshared", why)
    return resource


async def resend_shared(
    session: AsyncSession,
    outbox: Outbox,
    store: FileStore,
    settings: ResourcesSettings,
    cause: Envelope[Any],
) -> int:
    """Re-send what this district has in the centre's bank, each at its current version
    (the revision shared then, not a newer draft); withdrawals too. How many went."""
    rows = (
        await session.scalars(
            sa.select(Resource)
            .where(Resource.bank_status.in_(("shared", "withdrawn")))
            .order_by(Resource.shared_at, Resource.id)
        )
    ).all()
    for resource in rows:
        if resource.bank_status == "withdrawn":
            await _announce_withdrawal(
                session,
                outbox,
                settings,
                ResourceWithdrawn(
                    resource_id=resource.id,
                    version=resource.bank_version,
                    reason=resource.bank_reason or "снят из банка ММЦ",
                ),
                cause,
            )
            continue
        assert resource.bank_published_at is not None
        payload = await publication(
            session,
            store,
            resource,
            revision=resource.bank_revision,
            version=resource.bank_version,
            reviewed_by=resource.bank_reviewed_by,
            published_at=resource.bank_published_at,
            max_text=settings.max_text_chars,
        )
        await _announce(session, outbox, store, settings, payload, cause)
    return len(rows)
