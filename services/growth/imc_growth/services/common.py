"""Small helpers the use cases share: today in the district, versions, lookups."""

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from imc_growth.db.models import Organisation, Teacher
from imc_shared.errors import Conflict, InvalidInput


def today_in(time_zone: str) -> date:
    """Today in the district's time zone."""
    return datetime.now(ZoneInfo(time_zone)).date()


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse a change made on a stale copy (optimistic locking)."""
    if expected is not None and expected != current:
        raise Conflict(
            f"{what} изменена другим пользователем (версия {current}, у вас {expected}); "
            "обновите страницу и повторите действие",
            field="version",
            details={"current_version": current},
        )


async def teacher_of(session: AsyncSession, person_id: UUID, field: str = "person_id") -> Teacher:
    """A teacher of the registry's read model; 422 when unknown here."""
    teacher = await session.get(Teacher, person_id)
    if teacher is None:
        raise InvalidInput(
            "Педагог не найден в реестре района (сведения из реестра ещё не поступили)",
            field=field,
        )
    return teacher


async def organisation_name(session: AsyncSession, organisation_id: UUID | None) -> str:
    """The organisation's full name, or "" when unknown."""
    if organisation_id is None:
        return ""
    row = await session.get(Organisation, organisation_id)
    return (row.full_name or row.short_name) if row is not None else ""


def squash(text: str) -> str:
    """Whitespace collapsed."""
    return " ".join(text.split())
