"""The correlation id of the work in progress (an HTTP request or a message)."""

from contextvars import ContextVar
from uuid import UUID

from imc_contracts import new_message_id

_correlation: ContextVar[UUID | None] = ContextVar("imc_correlation_id", default=None)


def current_correlation_id() -> UUID:
    """The bound correlation id, or a fresh one when nothing is bound."""
    value = _correlation.get()
    return value if value is not None else new_message_id()


def bind_correlation_id(value: UUID) -> None:
    """Bind ``value`` for the rest of the current task."""
    _correlation.set(value)
