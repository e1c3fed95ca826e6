"""Participation across districts: registrations confirmed, attended, hours credited.

Counts only, never a ranking: rows are ordered by district, then by name.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

Grouping = Literal["school", "subject", "district"]
GROUPINGS: Final[tuple[str, ...]] = ("school", "subject", "district")
GROUPING_TITLES: Final[dict[str, str]] = {
    "school": "по образовательным организациям",
    "subject": "по предметам",
    "district": "по округам",
}
NO_SUBJECT: Final = "предмет не указан"
NO_SCHOOL: Final = "организация не указана"
REGISTRATION_STATUS_TITLES: Final[dict[str, str]] = {
    "confirmed": "участие подтверждено",
    "waiting": "в листе ожидания",
    "cancelled": "регистрация отменена",
}


@dataclass(frozen=True)
class Registration:
    """One registration as the centre knows it (no person's data)."""

    district: str
    organisation_short_name: str
    subjects: tuple[str, ...]
    status: str
    attended: bool
    hours: int


@dataclass(frozen=True)
class Tally:
    """Counts of one group."""

    district: str
    name: str
    registrations: int
    """Confirmed registrations."""
    attended: int
    hours: int


def _names(registration: Registration, by: Grouping, district_name: str) -> tuple[str, ...]:
    if by == "school":
        return (registration.organisation_short_name or NO_SCHOOL,)
    if by == "subject":
        return tuple(sorted(set(registration.subjects))) or (NO_SUBJECT,)
    return (district_name,)


def tally(
    registrations: Iterable[Registration], *, by: Grouping, district_names: dict[str, str]
) -> list[Tally]:
    """Group ``registrations`` by school, subject or district; a registration for an
    event of several subjects counts once in each of them."""
    groups: dict[tuple[str, str], list[int]] = {}
    for registration in registrations:
        district_name = district_names.get(registration.district, registration.district)
        for name in _names(registration, by, district_name):
            counts = groups.setdefault((registration.district, name), [0, 0, 0])
            counts[0] += registration.status == "confirmed"
            counts[1] += registration.attended
            counts[2] += registration.hours
    return [
        Tally(district=district, name=name, registrations=c[0], attended=c[1], hours=c[2])
        for (district, name), c in sorted(groups.items())
    ]
