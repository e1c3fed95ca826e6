"""Educational organisations: kinds, flags of 001 and what a valid record is."""

import re
from dataclasses import dataclass
from typing import Final

from imc_contracts import vocabulary
from imc_shared.errors import InvalidInput

KIND_TITLES: Final = vocabulary.ORGANISATION_KIND_TITLES
FLAG_TITLES: Final = {
    "low_results": "школа с низкими образовательными результатами (ШНОР)",
    "unfavourable_conditions": "школа, функционирующая в неблагоприятных социальных условиях",
    "resilient": "резильентная школа",
}
"""The flags of 001 (п. 1.4): who an internship site's practice is transferred to."""

EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_CHARS: Final = re.compile(r"^[0-9+()\-\s.,;доб]+$")
_WEBSITE: Final = re.compile(r"^(https?://)?[^\s/]+\.[^\s]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One broken rule: the field to correct and the Russian explanation."""

    field: str
    message: str


def email_ok(email: str) -> bool:
    """Whether ``email`` looks like an e-mail address."""
    return bool(EMAIL.match(email))


def phone_ok(phone: str) -> bool:
    """Whether ``phone`` is empty or looks like one or more phone numbers."""
    if not phone:
        return True
    digits = sum(ch.isdigit() for ch in phone)
    return bool(_PHONE_CHARS.match(phone.lower())) and 5 <= digits <= 40


def website_ok(website: str) -> bool:
    """Whether ``website`` is empty or looks like a site address."""
    return not website or bool(_WEBSITE.match(website))


def organisation_problems(
    *,
    full_name: str,
    short_name: str,
    kind: str,
    email: str,
    phone: str = "",
    website: str = "",
) -> list[Problem]:
    """Every rule the record breaks, in the order of the form's fields."""
    problems: list[Problem] = []
    if len(full_name.strip()) < 5:
        problems.append(Problem("full_name", "Укажите полное наименование организации"))
    if not short_name.strip():
        problems.append(Problem("short_name", "Укажите краткое наименование организации"))
    if kind not in KIND_TITLES:
        allowed = "; ".join(f"{code} — {title}" for code, title in KIND_TITLES.items())
        problems.append(Problem("kind", f"Неизвестный тип организации; допустимо: {allowed}"))
    if not email.strip():
        problems.append(Problem("email", "Укажите адрес электронной почты организации"))
    elif not email_ok(email.strip()):
        problems.append(Problem("email", f"Адрес электронной почты «{email}» указан неверно"))
    if not phone_ok(phone.strip()):
        problems.append(Problem("phone", f"Телефон «{phone}» указан неверно"))
    if not website_ok(website.strip()):
        problems.append(Problem("website", f"Адрес сайта «{website}» указан неверно"))
    return problems


def check_organisation(
    *,
    full_name: str,
    short_name: str,
    kind: str,
    email: str,
    phone: str = "",
    website: str = "",
) -> None:
    """Raise :class:`InvalidInput` naming the first field that breaks a rule."""
    problems = organisation_problems(
        full_name=full_name,
        short_name=short_name,
        kind=kind,
        email=email,
        phone=phone,
        website=website,
    )
    if problems:
        raise InvalidInput(problems[0].message, field=problems[0].field)
