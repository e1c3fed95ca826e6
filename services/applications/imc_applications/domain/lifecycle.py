"""The states of an application and of a site, and the actions that move them.

One table per aggregate; every transition the service performs goes through
:func:`application_step` or :func:`site_step`, so an illegal action is refused the same
way everywhere: a 409 naming the current state and the actions it allows.
"""

from typing import Final

from imc_shared.errors import Conflict

APPLICATION_STATES: Final = {
    "draft": "черновик",
    "submitted": "подана",
    "returned": "возвращена на доработку",
    "under_review": "на экспертизе",
    "reviewed": "экспертиза завершена",
    "scheduled": "включена в повестку заседания методического совета",
    "approved": "принято решение о присвоении статуса",
    "refused": "отказано в присвоении статуса",
    "ordered": "статус присвоен приказом",
    "withdrawn": "отозвана заявителем",
}
APPLICATION_ACTIONS: Final = {
    "edit": "изменить",
    "submit": "подать",
    "return": "вернуть на доработку",
    "start_review": "начать экспертизу",
    "conclude_review": "завершить экспертизу",
    "schedule": "включить в повестку заседания",
    "unschedule": "исключить из повестки",
    "approve": "принять решение о присвоении статуса",
    "refuse": "отказать в присвоении статуса",
    "issue_order": "издать приказ",
    "withdraw": "отозвать",
}
APPLICATION_TRANSITIONS: Final[dict[str, dict[str, str]]] = {
    "draft": {"edit": "draft", "submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"return": "returned", "start_review": "under_review", "withdraw": "withdrawn"},
    "returned": {"edit": "returned", "submit": "submitted", "withdraw": "withdrawn"},
    "under_review": {"return": "returned", "conclude_review": "reviewed"},
    "reviewed": {"schedule": "scheduled", "withdraw": "withdrawn"},
    "scheduled": {"approve": "approved", "refuse": "refused", "unschedule": "reviewed"},
    "approved": {"issue_order": "ordered"},
    "refused": {},
    "ordered": {},
    "withdrawn": {},
}

SITE_STATES: Final = {
    "active": "действует",
    "extended": "продлена",
    "terminated": "прекращена",
    "expired": "срок истёк",
}
SITE_ACTIONS: Final = {
    "extend": "продлить срок деятельности",
    "terminate": "прекратить деятельность",
    "expire": "завершить по истечении срока",
    "submit_report": "сдать отчёт",
}
SITE_TRANSITIONS: Final[dict[str, dict[str, str]]] = {
    "active": {
        "extend": "extended",
        "terminate": "terminated",
        "expire": "expired",
        "submit_report": "active",
    },
    "extended": {"terminate": "terminated", "expire": "expired", "submit_report": "extended"},
    "terminated": {},
    "expired": {},
}
LIVE_SITE_STATES: Final = frozenset({"active", "extended"})


def _titles(actions: dict[str, str], titles: dict[str, str]) -> list[str]:
    return [titles[action] for action in actions]


def application_step(state: str, action: str) -> str:
    """The state after ``action``; :class:`Conflict` if the state does not allow it."""
    allowed = APPLICATION_TRANSITIONS[state]
    if action not in allowed:
        raise Conflict(
            f"Нельзя {APPLICATION_ACTIONS[action]}: заявка в состоянии "
            f"«{APPLICATION_STATES[state]}». "
            + _allowed_text(_titles(allowed, APPLICATION_ACTIONS)),
            field="status",
            details={"state": state, "allowed_actions": list(allowed)},
        )
    return allowed[action]


def site_step(state: str, action: str) -> str:
    """The state after ``action``; :class:`Conflict` if the state does not allow it."""
    allowed = SITE_TRANSITIONS[state]
    if action not in allowed:
        raise Conflict(
            f"Нельзя {SITE_ACTIONS[action]}: площадка в состоянии «{SITE_STATES[state]}». "
            + _allowed_text(_titles(allowed, SITE_ACTIONS)),
            field="status",
            details={"state": state, "allowed_actions": list(allowed)},
        )
    return allowed[action]


def _allowed_text(titles: list[str]) -> str:
    if not titles:
        return "Других действий с ней не предусмотрено."
    return "Доступно: " + ", ".join(titles) + "."


def allowed_application_actions(state: str) -> list[str]:
    """Codes of the actions ``state`` allows (what the screens offer)."""
    return list(APPLICATION_TRANSITIONS[state])


def allowed_site_actions(state: str) -> list[str]:
    """Codes of the actions a site in ``state`` allows."""
    return list(SITE_TRANSITIONS[state])
