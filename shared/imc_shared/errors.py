"""Domain errors and how HTTP shows them: Russian for people, structured for programs."""

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.orm.exc import StaleDataError

log = structlog.get_logger(__name__)


class DomainError(Exception):
    """A rule refused the request; ``message`` is shown to people (Russian)."""

    status_code = 400
    code = "domain_error"

    def __init__(
        self, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or {}


class InvalidInput(DomainError):
    """The input breaks a rule; ``field`` names what to correct."""

    status_code = 422
    code = "invalid_input"


class NotFound(DomainError):
    """The thing asked for does not exist in this district."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The request contradicts the current state (e.g. a decision taken twice)."""

    status_code = 409
    code = "conflict"


def _body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "message": message}
    if field is not None:
        body["field"] = field
    body.update(extra)
    return body


def domain_error_handler(_: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    """Render a :class:`DomainError`."""
    return Response(
        _body(error.code, error.message, error.field, **error.details),
        status_code=error.status_code,
    )


def stale_data_handler(_: Request[Any, Any, Any], error: StaleDataError) -> Response[Any]:
    """Two people edited the same record at once: the second one is told to reload."""
    log.info("concurrent edit refused", error=str(error))
    return Response(
        _body(
            "conflict",
            "Запись изменена другим пользователем; обновите страницу и повторите действие",
            "version",
        ),
        status_code=409,
    )


def validation_handler(_: Request[Any, Any, Any], error: ValidationException) -> Response[Any]:
    """Render request-validation failures with a Russian message and the fields."""
    details = error.extra if isinstance(error.extra, list) else []
    field = None
    if details and isinstance(details[0], dict):
        field = details[0].get("key")
    message = "Запрос содержит неверные данные"
    if field:
        message += f": проверьте поле «{field}»"
    return Response(_body("invalid_input", message, field, details=details), status_code=400)


def http_error_handler(_: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    """Render other HTTP errors in the same shape; a server error is logged with its cause."""
    if error.status_code >= 500:
        log.error("server error", status=error.status_code, detail=error.detail, exc_info=error)
    messages = {404: "Не найдено", 405: "Метод не поддерживается", 413: "Слишком большой запрос"}
    codes = {401: "unauthenticated", 403: "forbidden"}
    response = Response(
        _body(
            codes.get(error.status_code, "http_error"),
            messages.get(error.status_code, error.detail),
        ),
        status_code=error.status_code,
    )
    if error.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="imc"'
    return response


def internal_error_handler(_: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """Log an unexpected error and say so without leaking details."""
    log.error("unhandled error", exc_info=error)
    return Response(
        _body("internal_error", "Внутренняя ошибка сервиса; попробуйте позже"),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS: Any = {
    DomainError: domain_error_handler,
    StaleDataError: stale_data_handler,
    ValidationException: validation_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
