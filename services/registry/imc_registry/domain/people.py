"""People of the district: what a valid record is and which fields leave the registry.

Personal data are minimised (152-ФЗ): other services see only
:data:`PUBLIC_PERSON_FIELDS`, through the card endpoint and the PERSON_UPSERTED message;
phones and the consent record stay here, and every read of a full record is logged.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from imc_contracts import vocabulary
from imc_registry.domain.organisations import Problem, email_ok, phone_ok
from imc_registry.domain.text import squash
from imc_shared.errors import InvalidInput

PUBLIC_PERSON_FIELDS: Final = (
    "id",
    "full_name",
    "position",
    "staff_group",
    "organisation_id",
    "qualification_category",
    "subjects",
    "email",
)
"""The only fields of a person other services may see (card endpoint and message)."""

STAFF_GROUP_TITLES: Final = vocabulary.STAFF_GROUP_TITLES
QUALIFICATION_TITLES: Final = vocabulary.QUALIFICATION_CATEGORY_TITLES
NEEDS_ORGANISATION: Final = frozenset({"administration", "teacher"})
"""Staff groups that work in an educational organisation (methodists of the IMC may not)."""
MAX_SUBJECTS: Final = 20


def public_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """The public fields of a person, in the order of :data:`PUBLIC_PERSON_FIELDS`."""
    return {name: record[name] for name in PUBLIC_PERSON_FIELDS}


def clean_subjects(subjects: Sequence[str]) -> tuple[str, ...]:
    """Subjects trimmed, without empties and repeats (first spelling kept)."""
    seen: dict[str, str] = {}
    for subject in subjects:
        text = squash(subject)
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return tuple(seen.values())


def person_problems(record: Mapping[str, Any], *, today: date) -> list[Problem]:
    """Every rule the complete person record breaks."""
    problems: list[Problem] = []
    full_name = squash(str(record.get("full_name", "")))
    if len(full_name.split(" ")) < 2:
        problems.append(
            Problem("full_name", "Укажите фамилию, имя и отчество (при наличии) полностью")
        )
    if not squash(str(record.get("position", ""))):
        problems.append(Problem("position", "Укажите должность"))
    staff_group = record.get("staff_group")
    if staff_group not in STAFF_GROUP_TITLES:
        problems.append(Problem("staff_group", "Неизвестная категория работника"))
    elif staff_group in NEEDS_ORGANISATION and record.get("organisation_id") is None:
        problems.append(
            Problem(
                "organisation_id",
                f"Для категории «{STAFF_GROUP_TITLES[staff_group]}» укажите организацию",
            )
        )
    if record.get("qualification_category") not in QUALIFICATION_TITLES:
        problems.append(Problem("qualification_category", "Неизвестная квалификационная категория"))
    subjects = record.get("subjects") or ()
    if len(subjects) > MAX_SUBJECTS:
        problems.append(Problem("subjects", f"Не более {MAX_SUBJECTS} предметов"))
    if any(len(subject) > 100 for subject in subjects):
        problems.append(Problem("subjects", "Название предмета длиннее 100 символов"))
    email = str(record.get("email", ""))
    if email and not email_ok(email):
        problems.append(Problem("email", f"Адрес электронной почты «{email}» указан неверно"))
    phone = str(record.get("phone", ""))
    if not phone_ok(phone):
        problems.append(Problem("phone", f"Телефон «{phone}» указан неверно"))
    problems.extend(consent_problems(record, today=today))
    return problems


def consent_problems(record: Mapping[str, Any], *, today: date) -> list[Problem]:
    """The consent to personal data processing: given on a date, by a document."""
    consent_date = record.get("consent_date")
    if record.get("consent_given"):
        if consent_date is None:
            return [
                Problem("consent_date", "Укажите дату согласия на обработку персональных данных")
            ]
        if not squash(str(record.get("consent_document", ""))):
            return [
                Problem(
                    "consent_document",
                    "Укажите документ согласия на обработку персональных данных "
                    "(например, «согласие № 12 от 01.09.2026»)",
                )
            ]
    if consent_date is not None and consent_date > today:
        return [Problem("consent_date", "Дата согласия не может быть позже сегодняшнего дня")]
    return []


def check_person(record: Mapping[str, Any], *, today: date) -> None:
    """Raise :class:`InvalidInput` naming the first field that breaks a rule."""
    problems = person_problems(record, today=today)
    if problems:
        raise InvalidInput(problems[0].message, field=problems[0].field)
