"""Use cases of the expert review: submit, refer to the methodical council, return with
comments, approve (publish in the district's bank), withdraw, reopen a new edition, and
comments."""

from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from imc_resources.db.models import Resource
from imc_resources.domain import access
from imc_resources.domain.resources import (
    PUBLISHED,
    check_comment,
    check_reason,
    check_reopenable,
    check_reviewable,
    check_submittable,
    check_withdrawable,
    squash,
)
from imc_resources.services import catalogue, sharing
from imc_resources.services.common import Actor, check_version, holder, now, refuse, resource_of
from imc_resources.services.resources import current_files, journal
from imc_resources.settings import ResourcesSettings
from imc_shared.auth import Role
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.outbox import Outbox


async def _load(session: AsyncSession, resource_id: UUID, version: int | None) -> Resource:
    resource = await resource_of(session, resource_id)
    check_version(resource.version, version)
    return resource


async def submit(
    database: Database, actor: Actor, resource_id: UUID, *, version: int | None, comment: str
) -> Resource:
    """The author side sends the resource to review."""
    note = check_comment(comment, required=False)
    async with database.transaction() as session:
        resource = await _load(session, resource_id, version)
        refuse(access.edit_refusal(actor.principal, holder(resource)))
        files = await current_files(session, resource_id)
        check_submittable(resource.status, summary=resource.summary, files=len(files))
        resource.status = "submitted"
        resource.submitted_at = now()
        resource.updated_at = resource.submitted_at
        await journal(session, resource, actor, "submitted", note)
    return resource


async def refer_to_council(
    database: Database, actor: Actor, resource_id: UUID, *, version: int | None, comment: str
) -> Resource:
    """A methodist refers the resource to the methodical council; its secretary may then
    record the council's review."""
    note = check_comment(comment, required=False)
    async with database.transaction() as session:
        resource = await _load(session, resource_id, version)
        check_reviewable(resource.status)
        if resource.council_review:
            return resource
        resource.council_review = True
        resource.updated_at = now()
        await journal(session, resource, actor, "referred", note)
    return resource


async def return_for_revision(
    database: Database, actor: Actor, resource_id: UUID, *, version: int | None, comment: str
) -> Resource:
    """The reviewer returns the resource with remarks; the author corrects and resubmits."""
    remarks = check_comment(comment, required=True)
    async with database.transaction() as session:
        resource = await _load(session, resource_id, version)
        refuse(access.review_refusal(actor.principal, holder(resource)))
        check_reviewable(resource.status)
        resource.status = "returned"
        resource.updated_at = now()
        await journal(session, resource, actor, "returned", remarks)
    return resource


def _reviewer(actor: Actor, protocol_number: str, protocol_date: date | None) -> str:
    if actor.principal.role is Role.COUNCIL_SECRETARY:
        text = "методический совет"
        if protocol_number.strip():
            text += f", протокол № {squash(protocol_number)}"
            if protocol_date is not None:
                text += f" от {protocol_date:%d.%m.%Y}"
        return text
    position = "методист" if actor.principal.role is Role.METHODIST else "эксперт ИМЦ"
    if actor.principal.role is Role.CENTRE_COORDINATOR:
        position = "координатор ММЦ"
    return f"{actor.name}, {position}"


async def approve(
    database: Database,
    actor: Actor,
    resource_id: UUID,
    *,
    version: int | None,
    comment: str,
    protocol_number: str = "",
    protocol_date: date | None = None,
) -> Resource:
    """The reviewer approves: the resource is published in the district's bank."""
    note = check_comment(comment, required=False)
    async with database.transaction() as session:
        resource = await _load(session, resource_id, version)
        refuse(access.review_refusal(actor.principal, holder(resource)))
        check_reviewable(resource.status)
        if actor.principal.role is Role.COUNCIL_SECRETARY and not protocol_number.strip():
            raise InvalidInput(
                "Укажите номер протокола заседания методического совета", field="protocol_number"
            )
        moment = now()
        resource.status = PUBLISHED
        resource.reviewed_by = _reviewer(actor, protocol_number, protocol_date)[:500]
        resource.published_at = moment
        resource.withdrawn_at = None
        resource.withdraw_reason = ""
        resource.updated_at = moment
        await session.flush()
        files = await current_files(session, resource_id)
        await catalogue.put(session, own_entry(resource, len(files)))
        await journal(session, resource, actor, "approved", note)
    return resource


def own_entry(resource: Resource, files: int) -> catalogue.Entry:
    """A published resource of this instance, as the catalogue keeps it."""
    assert resource.published_at is not None
    return catalogue.Entry(
        source=catalogue.OWN,
        resource_id=resource.id,
        title=resource.title,
        summary=resource.summary,
        kind=resource.kind,
        subject=resource.subject,
        level=resource.level,
        tags=list(resource.tags),
        licence=resource.licence,
        author_name=resource.author_name,
        organisation_name=resource.organisation_name,
        origin_district="",
        origin_district_name="",
        files=files,
        published_at=resource.published_at,
        text=resource.text,
    )


async def withdraw(
    database: Database,
    outbox: Outbox,
    settings: ResourcesSettings,
    actor: Actor,
    resource_id: UUID,
    *,
    version: int | None,
    reason: str,
) -> Resource:
    """Staff withdraw a published resource from the district's bank (and from the
    centre's, when it is there)."""
    why = check_reason(reason)
    async with database.transaction() as session:
        resource = await _load(session, resource_id, version)
        check_withdrawable(resource.status)
        resource.status = "withdrawn"
        resource.withdrawn_at = now()
        resource.withdraw_reason = why
        resource.updated_at = resource.withdrawn_at
        await catalogue.remove(session, catalogue.OWN, resource.id)
        await journal(session, resource, actor, "withdrawn", why)
        if resource.bank_status == "shared":
            await sharing.withdraw_from_bank(session, outbox, settings, resource, why)
            await journal(session, resource, actor, "unshared", why)
    return resource


async def reopen(
    database: Database, actor: Actor, resource_id: UUID, *, version: int | None
) -> Resource:
    """A new edition of a published (or withdrawn) resource: a draft again, off the
    district's bank until approved again; the centre's bank keeps the edition it has
    until the new one is published there."""
    async with database.transaction() as session:
        resource = await _load(session, resource_id, version)
        refuse(access.edit_refusal(actor.principal, holder(resource)))
        check_reopenable(resource.status)
        if resource.status == PUBLISHED:
            await catalogue.remove(session, catalogue.OWN, resource.id)
        resource.status = "draft"
        resource.council_review = False
        resource.reviewed_by = ""
        resource.published_at = None
        resource.submitted_at = None
        resource.updated_at = now()
        await journal(session, resource, actor, "reopened")
    return resource


async def comment(database: Database, actor: Actor, resource_id: UUID, *, text: str) -> Resource:
    """A comment on the resource's current revision (by who sees its drafts)."""
    body = check_comment(text, required=True, field="text")
    async with database.transaction() as session:
        resource = await resource_of(session, resource_id)
        refuse(access.draft_refusal(actor.principal, holder(resource)))
        if resource.status == "withdrawn":
            raise Conflict("Материал снят с публикации: замечания к нему не принимаются")
        await journal(session, resource, actor, "comment", body)
    return resource
