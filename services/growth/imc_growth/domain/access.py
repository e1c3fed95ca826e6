"""Who sees whose professional growth: a teacher their own, a school representative
their organisation's teachers, a tutor the assignments they lead, the IMC's staff
everything. Personal data: nobody else (the council, other schools) reads it."""

from typing import Final
from uuid import UUID

from imc_shared.auth import STAFF, Principal, Role, roles

PERSONAL: Final = roles(STAFF, Role.TEACHER, Role.SCHOOL_REPRESENTATIVE)
"""Read a teacher's deficits, route, transcript (row-level checks follow)."""
STAFF_ONLY: Final = roles(STAFF)
TEACHERS_AND_STAFF: Final = roles(STAFF, Role.TEACHER)
"""Answer surveys, upload evidence, tutors' meetings (row-level checks follow)."""
EVERYONE: Final = roles(*Role)

NO_PERSON: Final = "Учётная запись не связана с реестром педагогов: обратитесь в ИМЦ"
NO_ORGANISATION: Final = "В учётной записи не указана образовательная организация: обратитесь в ИМЦ"


def read_refusal(principal: Principal, person_id: UUID, organisation_id: UUID | None) -> str | None:
    """Why ``principal`` may not read the growth record of ``person_id`` (who works at
    ``organisation_id``); None when they may."""
    if principal.role in STAFF:
        return None
    if principal.role is Role.TEACHER:
        if principal.person_id is None:
            return NO_PERSON
        if principal.person_id != person_id:
            return "Педагог видит только свои дефициты, маршрут и сведения о развитии"
        return None
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        if principal.organisation_id is None:
            return NO_ORGANISATION
        if organisation_id is None or organisation_id != principal.organisation_id:
            return (
                "Представитель образовательной организации видит сведения только о "
                "педагогах своей организации"
            )
        return None
    return "Сведения о профессиональном развитии педагогов недоступны этой роли"


def own_refusal(principal: Principal, person_id: UUID) -> str | None:
    """Why ``principal`` may not act for ``person_id`` (answer, upload); None if they may."""
    if principal.role in STAFF:
        return None
    if principal.role is Role.TEACHER:
        if principal.person_id is None:
            return NO_PERSON
        if principal.person_id != person_id:
            return "Педагог может действовать только от своего имени"
        return None
    return "Эта роль не даёт права на это действие"


def tutor_refusal(principal: Principal, tutor_person_id: UUID) -> str | None:
    """Why ``principal`` may not record a meeting of an assignment; None if they may."""
    if principal.role in STAFF:
        return None
    if principal.role is Role.TEACHER and principal.person_id == tutor_person_id:
        return None
    return "Встречи записывает ИМЦ или сам назначенный тьютор (наставник)"
