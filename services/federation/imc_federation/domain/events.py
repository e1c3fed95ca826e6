"""Titles of the coded values of the calendar, as the scheduling service shows them."""

from typing import Final

EVENT_LEVEL_TITLES: Final[dict[str, str]] = {
    "school": "школьный",
    "municipal": "муниципальный",
    "intermunicipal": "межмуниципальный",
}
EVENT_STATUS_TITLES: Final[dict[str, str]] = {
    "planned": "запланировано",
    "cancelled": "отменено",
}
ORGANISER_KIND_TITLES: Final[dict[str, str]] = {
    "site": "методическая площадка",
    "imc": "информационно-методический центр",
    "association": "методическое объединение",
}
