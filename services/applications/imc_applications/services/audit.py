"""The audit trail: one record per state change, in the transaction that makes it."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from imc_applications.db.models import AuditRecord


@dataclass(frozen=True)
class Actor:
    """Who acts: a person of the registry when known, and a name for the record."""

    name: str
    id: UUID | None = None


SYSTEM = Actor(name="система (автоматически)")


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def record(
    session: AsyncSession,
    actor: Actor,
    *,
    entity: str,
    entity_id: UUID,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str = "",
    application_id: UUID | None = None,
    site_id: UUID | None = None,
) -> AuditRecord:
    """Add an audit record to ``session`` (committed with the change it describes)."""
    entry = AuditRecord(
        actor_id=actor.id,
        actor_name=actor.name,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=_plain(before),
        after=_plain(after),
        reason=reason,
        application_id=application_id,
        site_id=site_id,
    )
    session.add(entry)
    return entry
