"""Small helpers the use cases share: who acts, versions, refusals, lookups."""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from imc_resources.db.models import Organisation, Person, Resource
from imc_resources.domain.access import Holder
from imc_shared.auth import ROLE_TITLES, Principal
from imc_shared.errors import Conflict, DomainError, NotFound


class Forbidden(DomainError):
    """The asking user may not do this to this resource."""

    status_code = 403
    code = "forbidden"


@dataclass(frozen=True)
class Actor:
    """Who acts: the token's principal and the name written in the journal."""

    principal: Principal

    @property
    def name(self) -> str:
        return (self.principal.name.strip() or ROLE_TITLES[self.principal.role])[:300]

    @property
    def role(self) -> str:
        return self.principal.role.value


def now() -> datetime:
    return datetime.now(UTC)


def refuse(reason: str | None) -> None:
    """403 with ``reason`` when there is one."""
    if reason is not None:
        raise Forbidden(reason)


def holder(resource: Resource) -> Holder:
    """What the access rules need of ``resource``."""
    return Holder(
        status=resource.status,
        author_person_id=resource.author_person_id,
        organisation_id=resource.organisation_id,
        council_review=resource.council_review,
    )


def check_version(current: int, expected: int | None) -> None:
    """Refuse a change made on a stale copy (optimistic locking)."""
    if expected is not None and expected != current:
        raise Conflict(
            f"Материал изменён другим пользователем (версия {current}, у вас {expected}); "
            "обновите страницу и повторите действие",
            field="version",
            details={"current_version": current},
        )


async def resource_of(session: AsyncSession, resource_id: UUID) -> Resource:
    resource = await session.get(Resource, resource_id)
    if resource is None:
        raise NotFound("Материал не найден", field="resource_id")
    return resource


async def organisation_name(session: AsyncSession, organisation_id: UUID | None) -> str:
    """The organisation's short name (or full), "" when unknown."""
    if organisation_id is None:
        return ""
    row = await session.get(Organisation, organisation_id)
    return (row.short_name or row.full_name) if row is not None else ""


async def person_of(session: AsyncSession, person_id: UUID) -> Person | None:
    return await session.get(Person, person_id)
