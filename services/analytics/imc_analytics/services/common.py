"""Small helpers the use cases share: today in the district, optimistic locking."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from imc_shared.errors import Conflict


def today_in(time_zone: str) -> date:
    """Today in the district's time zone."""
    return datetime.now(ZoneInfo(time_zone)).date()


def check_version(current: int, expected: int | None, what: str) -> None:
    """Refuse a change made on a stale copy (optimistic locking)."""
    if expected is not None and expected != current:
        raise Conflict(
            f"{what} изменен другим пользователем (версия {current}, у вас {expected}); "
            "обновите страницу и повторите действие",
            field="version",
            details={"current_version": current},
        )
