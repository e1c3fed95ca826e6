"""Educational organisations: kinds and what a valid record is."""

import re
from typing import Final

from imc_shared.errors import InvalidInput

KIND_TITLES: Final = {
    "doo": "дошкольная образовательная организация",
    "school": "общеобразовательная школа",
    "lyceum": "лицей",
    "gymnasium": "гимназия",
    "additional": "организация дополнительного образования",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_organisation(*, full_name: str, short_name: str, kind: str, email: str) -> None:
    """Raise :class:`InvalidInput` naming the first field that breaks a rule."""
    if len(full_name.strip()) < 5:
        raise InvalidInput("Укажите полное наименование организации", field="full_name")
    if not short_name.strip():
        raise InvalidInput("Укажите краткое наименование организации", field="short_name")
    if kind not in KIND_TITLES:
        allowed = ", ".join(KIND_TITLES)
        raise InvalidInput(f"Неизвестный тип организации; допустимо: {allowed}", field="kind")
    if not _EMAIL.match(email):
        raise InvalidInput("Адрес электронной почты указан неверно", field="email")
