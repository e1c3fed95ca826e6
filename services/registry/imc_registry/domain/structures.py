"""Methodical structures of the district (003 §3, 002 §1.4–1.6): kinds and their rules."""

from typing import Final
from uuid import UUID

from imc_contracts import vocabulary
from imc_registry.domain.text import squash
from imc_shared.errors import Conflict, InvalidInput

STRUCTURE_KIND_TITLES: Final = vocabulary.STRUCTURE_KIND_TITLES
NEEDS_ORGANISATION: Final = frozenset({"shmo"})
"""A school methodical association (ШМО) belongs to one organisation (003 §3.2.3)."""
SUBJECT_KINDS: Final = frozenset({"rmo", "gmo", "shmo", "mmc_subject_association"})
"""Kinds that may be devoted to one subject."""
COUNCIL_KINDS: Final = frozenset({"methodical_council", "innovation_council"})


def head_role(kind: str) -> str:
    """The role a head has among the members: chair of a council, head otherwise."""
    return "председатель" if kind in COUNCIL_KINDS else "руководитель"


def check_structure(*, kind: str, title: str, organisation_id: UUID | None, subject: str) -> None:
    """Raise :class:`InvalidInput` naming the first field that breaks a rule."""
    if kind not in STRUCTURE_KIND_TITLES:
        allowed = ", ".join(STRUCTURE_KIND_TITLES)
        raise InvalidInput(
            f"Неизвестный вид методической структуры; допустимо: {allowed}", field="kind"
        )
    if not squash(title):
        raise InvalidInput("Укажите наименование структуры", field="title")
    if kind in NEEDS_ORGANISATION and organisation_id is None:
        raise InvalidInput(
            "Для школьного методического объединения укажите организацию",
            field="organisation_id",
        )
    if subject and kind not in SUBJECT_KINDS:
        raise InvalidInput(
            f"Для вида «{STRUCTURE_KIND_TITLES[kind]}» предмет не указывается", field="subject"
        )


def check_member(
    *,
    kind: str,
    structure_organisation_id: UUID | None,
    person_organisation_id: UUID | None,
    already_member: bool,
) -> None:
    """A person may join once; an ШМО takes only staff of its organisation."""
    if already_member:
        raise Conflict("Работник уже входит в состав структуры", field="person_id")
    if kind in NEEDS_ORGANISATION and person_organisation_id != structure_organisation_id:
        raise InvalidInput(
            "В школьное методическое объединение входят только работники этой организации",
            field="person_id",
        )
