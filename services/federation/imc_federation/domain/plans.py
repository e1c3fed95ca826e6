"""Plan fulfilment: how many items a plan has, how many are done, how many are late."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

PLAN_KIND_TITLES: Final[dict[str, str]] = {
    "imc": "план работы ИМЦ",
    "mmc": "план работы ММЦ",
    "subject": "план работы методического объединения по предмету",
}
PLAN_STATUS_TITLES: Final[dict[str, str]] = {
    "draft": "проект",
    "approved": "утверждён",
    "published": "опубликован",
}


@dataclass(frozen=True)
class Item:
    """One plan item as fulfilment sees it."""

    deadline: date | None
    done_on: date | None


@dataclass(frozen=True)
class Fulfilment:
    """Items total, done, overdue (deadline passed, not done) and percent done."""

    total: int
    done: int
    overdue: int
    percent: float


def fulfilment(items: Iterable[Item], *, today: date) -> Fulfilment:
    """The fulfilment of a plan (or of several plans' items together) as of ``today``."""
    listed = list(items)
    done = sum(1 for item in listed if item.done_on is not None)
    overdue = sum(
        1
        for item in listed
        if item.done_on is None and item.deadline is not None and item.deadline < today
    )
    total = len(listed)
    percent = round(100 * done / total, 1) if total else 0.0
    return Fulfilment(total=total, done=done, overdue=overdue, percent=percent)
