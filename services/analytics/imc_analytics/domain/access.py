"""Who sees exam results: the IMC's staff everything (the analysis, every school, the
list for targeted help); a school representative only its own school beside the
district's mean; nobody else anything. No ranking reaches anyone: the public, teachers
and the council get no endpoint at all."""

from typing import Final
from uuid import UUID

from imc_shared.auth import STAFF, Principal, Role, roles

STAFF_ONLY: Final = roles(STAFF)
SCHOOL_VIEW: Final = roles(STAFF, Role.SCHOOL_REPRESENTATIVE)
"""One school's results (a representative: their own school only)."""
APPROVERS: Final = roles(Role.DISTRICT_ADMIN, Role.CENTRE_COORDINATOR)
"""Who approves an analysis (the head of the IMC, the centre's coordinator)."""


def school_refusal(principal: Principal, school_id: UUID) -> str | None:
    """Why ``principal`` may not see the results of ``school_id``; None when they may."""
    if principal.role in STAFF:
        return None
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        if principal.organisation_id is None:
            return "В учётной записи не указана образовательная организация: обратитесь в ИМЦ"
        if principal.organisation_id != school_id:
            return (
                "Представитель образовательной организации видит результаты только своей "
                "организации"
            )
        return None
    return "Результаты ГИА по образовательным организациям недоступны этой роли"


def sees_all_means(principal: Principal) -> bool:
    """Staff see every district mean; a school sees one only when enough schools make it."""
    return principal.role in STAFF
