"""The centre's bank of best resources: the centre folds its districts' publications and
withdrawals (and its own) into it and sends every change down (BANK_ENTRY_CHANGED); each
district keeps a copy from those changes, with the files, searchable and downloadable.

Every fold is idempotent and order-free: the highest version wins, a withdrawal wins over
a publication of the same version, a resource belongs to the district that sent it first.
"""

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    BANK_ENTRY_CHANGED,
    BankEntryChanged,
    Envelope,
    ResourceFile,
    ResourcePublished,
    ResourceWithdrawn,
)
from imc_resources.api.schemas import BankEntryOut, HitFile
from imc_resources.db.models import BankEntry, BankFile, Resource
from imc_resources.domain.bank import ENTRY_STATUS_TITLES, BadPublication, check_file, supersedes
from imc_resources.domain.resources import KIND_TITLES, check_reason, licence_title
from imc_resources.services import catalogue
from imc_resources.services.common import Actor, now
from imc_resources.settings import ResourcesSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore


def _current(entry: BankEntry | None) -> tuple[int, bool] | None:
    return None if entry is None else (entry.version, entry.status == "withdrawn")


def _check_owner(entry: BankEntry | None, origin: str) -> None:
    if entry is not None and entry.origin_district != origin:
        raise BadPublication(
            f"resource {entry.resource_id} belongs to district {entry.origin_district!r}, "
            f"not {origin!r}"
        )


async def _confirm(
    session: AsyncSession, resource_id: UUID, version: int, status: str, *, origin: str, own: str
) -> None:
    """This instance's own resource came back from the centre's bank: note it."""
    if origin != own:
        return
    resource = await session.get(Resource, resource_id)
    if resource is None or resource.bank_confirmed_version > version:
        return
    resource.bank_confirmed_version = version
    resource.bank_centre_status = status
    if status == "withdrawn" and resource.bank_status == "shared":
        resource.bank_status = "withdrawn"  # the centre took it out of its bank


async def _apply_published(
    session: AsyncSession,
    store: FileStore,
    entry: BankEntry | None,
    *,
    origin: str,
    origin_name: str,
    resource: ResourcePublished,
    version: int,
) -> BankEntry:
    for item in resource.files:
        check_file(item)
    if entry is None:
        entry = BankEntry(resource_id=resource.resource_id, origin_district=origin)
        session.add(entry)
    entry.version = version
    entry.status = "published"
    entry.origin_district = origin
    entry.origin_district_name = origin_name
    entry.title = resource.title[:300]
    entry.summary = resource.summary
    entry.kind = resource.kind if resource.kind in KIND_TITLES else "other"
    entry.subject = resource.subject[:200]
    entry.level = resource.level[:100]
    entry.tags = list(resource.tags)
    entry.licence = resource.licence[:200]
    entry.author_name = resource.author_name[:300]
    entry.organisation_name = resource.organisation_name[:500]
    entry.reviewed_by = resource.reviewed_by[:500]
    entry.published_at = resource.published_at
    entry.text = resource.text
    entry.reason = ""
    entry.changed_at = now()
    await session.flush()
    await session.execute(sa.delete(BankFile).where(BankFile.resource_id == entry.resource_id))
    for position, item in enumerate(resource.files):
        key, _ = store.put(item.content)
        session.add(
            BankFile(
                resource_id=entry.resource_id,
                position=position,
                name=item.name[:300],
                media_type=item.media_type[:200],
                size=item.size,
                sha256=item.sha256,
                storage_key=key,
            )
        )
    await catalogue.put(
        session,
        catalogue.Entry(
            source=catalogue.CENTRE,
            resource_id=entry.resource_id,
            title=entry.title,
            summary=entry.summary,
            kind=entry.kind,
            subject=entry.subject,
            level=entry.level,
            tags=list(entry.tags),
            licence=entry.licence,
            author_name=entry.author_name,
            organisation_name=entry.organisation_name,
            origin_district=origin,
            origin_district_name=origin_name,
            files=len(resource.files),
            published_at=resource.published_at,
            text=entry.text,
        ),
    )
    return entry


async def _apply_withdrawn(
    session: AsyncSession,
    entry: BankEntry | None,
    *,
    resource_id: UUID,
    origin: str,
    origin_name: str,
    version: int,
    reason: str,
) -> BankEntry:
    if entry is None:
        entry = BankEntry(resource_id=resource_id, origin_district=origin)
        session.add(entry)
    entry.version = version
    entry.status = "withdrawn"
    entry.origin_district = origin
    entry.origin_district_name = origin_name or entry.origin_district_name or ""
    entry.text = ""
    entry.reason = reason
    entry.changed_at = now()
    await session.flush()
    await session.execute(sa.delete(BankFile).where(BankFile.resource_id == resource_id))
    await catalogue.remove(session, catalogue.CENTRE, resource_id)
    return entry


# --- at the centre ----------------------------------------------------------------------


async def fold_publication(
    session: AsyncSession,
    outbox: Outbox,
    store: FileStore,
    *,
    origin: str,
    origin_name: str,
    payload: ResourcePublished,
    cause: Envelope[Any] | None = None,
) -> bool:
    """A publication of district ``origin`` (or the centre's own) into the bank; the change
    goes down to every district. False when it changes nothing."""
    entry = await session.get(BankEntry, payload.resource_id)
    _check_owner(entry, origin)
    if not supersedes(payload.version, False, _current(entry)):
        return False
    await _apply_published(
        session,
        store,
        entry,
        origin=origin,
        origin_name=origin_name,
        resource=payload,
        version=payload.version,
    )
    await outbox.put(
        session,
        BANK_ENTRY_CHANGED,
        BankEntryChanged(
            resource_id=payload.resource_id,
            version=payload.version,
            origin_district=origin,
            origin_district_name=origin_name,
            status="published",
            resource=payload,
        ),
        cause=cause,
    )
    await _confirm(
        session,
        payload.resource_id,
        payload.version,
        "published",
        origin=origin,
        own=outbox.district,
    )
    return True


async def fold_withdrawal(
    session: AsyncSession,
    outbox: Outbox,
    *,
    origin: str,
    origin_name: str,
    payload: ResourceWithdrawn,
    cause: Envelope[Any] | None = None,
) -> bool:
    """A withdrawal from the bank by its district (or the centre's own); the change goes
    down. False when it changes nothing."""
    entry = await session.get(BankEntry, payload.resource_id)
    _check_owner(entry, origin)
    if not supersedes(payload.version, True, _current(entry)):
        return False
    await _apply_withdrawn(
        session,
        entry,
        resource_id=payload.resource_id,
        origin=origin,
        origin_name=origin_name,
        version=payload.version,
        reason=payload.reason[:2000],
    )
    await _announce_withdrawn(
        session, outbox, payload.resource_id, payload.version, origin, origin_name, payload.reason
    )
    await _confirm(
        session,
        payload.resource_id,
        payload.version,
        "withdrawn",
        origin=origin,
        own=outbox.district,
    )
    return True


async def _announce_withdrawn(
    session: AsyncSession,
    outbox: Outbox,
    resource_id: UUID,
    version: int,
    origin: str,
    origin_name: str,
    reason: str,
    cause: Envelope[Any] | None = None,
) -> None:
    await outbox.put(
        session,
        BANK_ENTRY_CHANGED,
        BankEntryChanged(
            resource_id=resource_id,
            version=version,
            origin_district=origin,
            origin_district_name=origin_name,
            status="withdrawn",
            resource=None,
            reason=reason,
        ),
        cause=cause,
    )


async def moderate(
    database: Database,
    outbox: Outbox,
    settings: ResourcesSettings,
    actor: Actor,
    resource_id: UUID,
    *,
    reason: str,
) -> BankEntry:
    """The centre's staff take a resource out of the bank (its district may publish a new
    edition later, with a higher version)."""
    why = check_reason(reason)
    if not settings.is_centre:
        raise Conflict(
            "Снять материал из банка ММЦ может только ММЦ; свой материал район снимает на его "
            "странице («снять из банка ММЦ»)",
            field="bank",
        )
    async with database.transaction() as session:
        entry = await session.get(BankEntry, resource_id)
        if entry is None:
            raise NotFound("Материал не найден в банке ММЦ", field="resource_id")
        if entry.status != "published":
            raise Conflict("Материал уже снят из банка ММЦ", field="status")
        reason_text = f"{why} (снят ММЦ: {actor.name})"
        await _apply_withdrawn(
            session,
            entry,
            resource_id=resource_id,
            origin=entry.origin_district,
            origin_name=entry.origin_district_name,
            version=entry.version,
            reason=reason_text,
        )
        await _announce_withdrawn(
            session,
            outbox,
            resource_id,
            entry.version,
            entry.origin_district,
            entry.origin_district_name,
            reason_text,
        )
        await _confirm(
            session,
            resource_id,
            entry.version,
            "withdrawn",
            origin=entry.origin_district,
            own=settings.district,
        )
    return entry


async def _rebuild(session: AsyncSession, store: FileStore, entry: BankEntry) -> ResourcePublished:
    files = (
        await session.scalars(
            sa.select(BankFile)
            .where(BankFile.resource_id == entry.resource_id)
            .order_by(BankFile.position)
        )
    ).all()
    assert entry.published_at is not None
    return ResourcePublished(
        resource_id=entry.resource_id,
        version=entry.version,
        title=entry.title,
        summary=entry.summary,
        kind=entry.kind,  # type: ignore[arg-type]
        subject=entry.subject,
        level=entry.level,
        tags=tuple(entry.tags),
        licence=entry.licence,
        author_name=entry.author_name,
        organisation_name=entry.organisation_name,
        reviewed_by=entry.reviewed_by,
        published_at=entry.published_at,
        text=entry.text,
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


async def reannounce(
    session: AsyncSession, outbox: Outbox, store: FileStore, cause: Envelope[Any]
) -> int:
    """At the centre, on a resync: send the whole bank down again at its current versions
    (a district joining late converges; the others change nothing)."""
    entries = (await session.scalars(sa.select(BankEntry).order_by(BankEntry.changed_at))).all()
    for entry in entries:
        if entry.status == "withdrawn":
            await _announce_withdrawn(
                session,
                outbox,
                entry.resource_id,
                entry.version,
                entry.origin_district,
                entry.origin_district_name,
                entry.reason,
                cause,
            )
            continue
        await outbox.put(
            session,
            BANK_ENTRY_CHANGED,
            BankEntryChanged(
                resource_id=entry.resource_id,
                version=entry.version,
                origin_district=entry.origin_district,
                origin_district_name=entry.origin_district_name,
                status="published",
                resource=await _rebuild(session, store, entry),
            ),
            cause=cause,
        )
    return len(entries)


# --- in a district ----------------------------------------------------------------------


async def keep_copy(
    session: AsyncSession, store: FileStore, change: BankEntryChanged, *, own_district: str
) -> bool:
    """Keep the district's copy of the centre's bank in step with one change."""
    entry = await session.get(BankEntry, change.resource_id)
    withdrawn = change.status == "withdrawn"
    if not supersedes(change.version, withdrawn, _current(entry)):
        return False
    if withdrawn:
        await _apply_withdrawn(
            session,
            entry,
            resource_id=change.resource_id,
            origin=change.origin_district,
            origin_name=change.origin_district_name,
            version=change.version,
            reason=change.reason[:2000],
        )
    else:
        if change.resource is None or change.resource.resource_id != change.resource_id:
            raise BadPublication("a published bank entry without its resource")
        await _apply_published(
            session,
            store,
            entry,
            origin=change.origin_district,
            origin_name=change.origin_district_name,
            resource=change.resource,
            version=change.version,
        )
    await _confirm(
        session,
        change.resource_id,
        change.version,
        change.status,
        origin=change.origin_district,
        own=own_district,
    )
    return True


# --- reading ----------------------------------------------------------------------------


def entry_view(entry: BankEntry, files: list[BankFile], *, own_district: str) -> BankEntryOut:
    return BankEntryOut(
        resource_id=entry.resource_id,
        version=entry.version,
        status=entry.status,
        status_title=ENTRY_STATUS_TITLES.get(entry.status, entry.status),
        origin_district=entry.origin_district,
        origin_district_name=entry.origin_district_name,
        title=entry.title,
        summary=entry.summary,
        kind=entry.kind,
        kind_title=KIND_TITLES.get(entry.kind, entry.kind),
        subject=entry.subject,
        level=entry.level,
        tags=list(entry.tags),
        licence=entry.licence,
        licence_title=licence_title(entry.licence),
        author_name=entry.author_name,
        organisation_name=entry.organisation_name,
        reviewed_by=entry.reviewed_by,
        published_at=entry.published_at,
        reason=entry.reason,
        files=[HitFile(id=f.id, name=f.name, media_type=f.media_type, size=f.size) for f in files],
        own=entry.origin_district == own_district,
        changed_at=entry.changed_at,
    )


async def _files(session: AsyncSession, resource_id: UUID) -> list[BankFile]:
    rows = await session.scalars(
        sa.select(BankFile).where(BankFile.resource_id == resource_id).order_by(BankFile.position)
    )
    return list(rows.all())


async def show_entry(database: Database, resource_id: UUID, *, own_district: str) -> BankEntryOut:
    async with database.sessions() as session:
        entry = await session.get(BankEntry, resource_id)
        if entry is None:
            raise NotFound("Материал не найден в банке ММЦ", field="resource_id")
        return entry_view(entry, await _files(session, resource_id), own_district=own_district)


async def list_entries(
    database: Database,
    *,
    own_district: str,
    status: str | None,
    origin_district: str | None,
    staff: bool,
) -> list[BankEntryOut]:
    """Entries of the bank, newest change first; withdrawn ones for staff only."""
    query = sa.select(BankEntry).order_by(BankEntry.changed_at.desc(), BankEntry.resource_id)
    if not staff or status == "published":
        query = query.where(BankEntry.status == "published")
    elif status:
        query = query.where(BankEntry.status == status)
    if origin_district:
        query = query.where(BankEntry.origin_district == origin_district)
    async with database.sessions() as session:
        entries = (await session.scalars(query.limit(500))).all()
        return [
            entry_view(e, await _files(session, e.resource_id), own_district=own_district)
            for e in entries
        ]


async def entry_file(
    database: Database, store: FileStore, resource_id: UUID, file_id: UUID
) -> tuple[BankFile, bytes]:
    async with database.sessions() as session:
        row = await session.get(BankFile, file_id)
    if row is None or row.resource_id != resource_id:
        raise NotFound("Файл не найден в банке ММЦ", field="file_id")
    return row, store.get(row.storage_key)
