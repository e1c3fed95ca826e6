"""Registrations of district teachers for the centre's (ММЦ) inter-municipal events.

The district sends a request; the centre applies its usual registration rules and
answers with a decision. Both sides keep versions, so repeats and reordering converge.
"""

from typing import Final

CENTRE_REGISTRATION_STATUS_TITLES: Final = {
    "requested": "заявка направлена в ММЦ",
    "confirmed": "участие подтверждено",
    "waiting": "в листе ожидания",
    "cancelled": "регистрация отменена",
    "refused": "в регистрации отказано",
}
"""Statuses of a district's registration for a centre's event, as people read them."""

EVENT_CANCELLED_REASON: Final = "Мероприятие отменено"
NOT_INTERMUNICIPAL_REASON: Final = (
    "Мероприятие не является межмуниципальным; запись из округов на него не ведётся"
)
UNKNOWN_EVENT_REASON: Final = "Мероприятие центра не найдено"
ALREADY_REGISTERED_REASON: Final = "Участник уже зарегистрирован на это мероприятие"


def decided_status(
    *, registration_status: str, event_cancelled: bool, refusal: str
) -> tuple[str, str]:
    """The centre's answer (status, reason) for a district's registration as it stands.

    A refused request is kept as a cancelled registration with its reason; a seat or a
    place on the waiting list of a cancelled event is answered as cancelled.
    """
    if registration_status == "cancelled":
        return ("refused", refusal) if refusal else ("cancelled", "")
    if event_cancelled:
        return "cancelled", EVENT_CANCELLED_REASON
    if registration_status == "waitlisted":
        return "waiting", ""
    return "confirmed", ""


def status_after_decision(current: str, decided: str) -> str:
    """The district's status once the centre's (newer) answer arrives.

    A withdrawal or a cancellation is final: an answer written before the centre saw it
    cannot bring the registration back.
    """
    return current if current == "cancelled" else decided
