"""Who may register whom: the checks behind the registration endpoints.

The route admits staff, school representatives and teachers; beyond that a teacher
registers (and cancels) only themselves, and a school representative only people of
their own organisation when the registration names one.
"""

from uuid import UUID

from imc_shared.auth import STAFF, Principal, Role

REGISTRANTS = frozenset({*STAFF, Role.SCHOOL_REPRESENTATIVE, Role.TEACHER})
"""Roles that register people for events and cancel registrations."""


def sees_registration(principal: Principal, person_id: UUID, organisation_id: UUID | None) -> bool:
    """Whether ``principal`` may see who registered: staff, the council and services see
    every registration; a teacher only their own, a school representative only their
    organisation's people (a list of names is personal data)."""
    if principal.role is Role.TEACHER:
        return principal.person_id is not None and principal.person_id == person_id
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        return organisation_id is not None and principal.organisation_id == organisation_id
    return True


def registration_refusal(
    principal: Principal, person_id: UUID, organisation_id: UUID | None
) -> str | None:
    """Why ``principal`` may not register (or cancel) ``person_id`` of
    ``organisation_id``; None when they may."""
    if principal.role in STAFF:
        return None
    if principal.role is Role.TEACHER:
        if principal.person_id is None:
            return (
                "Учётная запись педагога не связана с реестром педагогов: "
                "регистрация недоступна, обратитесь в ИМЦ"
            )
        if principal.person_id != person_id:
            return "Педагог может зарегистрировать на мероприятие или снять с него только себя"
        return None
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        if organisation_id is not None and principal.organisation_id != organisation_id:
            return (
                "Представитель образовательной организации может регистрировать "
                "и снимать с мероприятия только работников своей организации"
            )
        return None
    return "Эта роль не даёт права регистрировать на мероприятия"


def canceller(principal: Principal) -> tuple[str, str]:
    """Who cancels a registration, as REGISTRATION_CHANGED names them: ``("self", "")``
    for a teacher (only their own), ``("school", name)`` for a school representative,
    ``("organiser", name)`` for the IMC's staff."""
    if principal.role is Role.TEACHER:
        return "self", ""
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        return "school", principal.name
    return "organiser", principal.name
