"""What the growth area's controllers share: the error page, the page renderer, the
form reader and the redirect after a change (post/redirect/get)."""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from imc_portal.clients import BackendError, BackendNotFoundError
from imc_portal.security import visitor_of
from imc_portal.services.growth import (
    NOTICES,
    Forms,
    FormState,
    form_values,
    nav_section,
    tabs,
)
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context

RETRY_AFTER_SECONDS = 30


def growth_error_page(request: Request[Any, Any, Any], error: BackendError) -> Template:
    """A read the page needs failed: the service's refusal (403, 404) with its reason,
    or its absence."""
    settings: PortalSettings = request.app.state.settings
    status = error.status_code
    missing = isinstance(error, BackendNotFoundError) or status == 404
    closed = status == 403
    heading = (
        "Доступ закрыт"
        if closed
        else "Сведения не найдены"
        if missing
        else "Сведения временно недоступны"
    )
    known = closed or missing
    return Template(
        template_name="error.html",
        context={
            **base_context(settings),
            "message": error.message,
            "missing": missing,
            "heading": heading,
        },
        status_code=(403 if closed else 404) if known else status,
        headers={} if known else {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


ERRORS: Any = {BackendError: growth_error_page}


def visitor(request: Request[Any, Any, Any]) -> Visitor:
    """The logged-in visitor (the gate lets nobody else through)."""
    found = visitor_of(request)
    assert found is not None
    return found


def render(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    name: str,
    context: dict[str, Any],
    *,
    tab: str,
    status_code: int = 200,
    now: datetime | None = None,
    notice: str | None = None,
) -> Template:
    """A page of the area with its tabs, the visitor and the notice after a change."""
    person = visitor(request)
    return Template(
        template_name=name,
        context={
            **base_context(settings, now=now),
            "section": nav_section(person, tab),
            "tab": tab,
            "tabs": tabs(person),
            "visitor": person,
            "notice": NOTICES.get(notice or "", ""),
            "forms": Forms(),
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def after(path: str, notice: str, **params: str) -> Redirect:
    """Back to a page after a change, with its notice."""
    query = urlencode({**params, "notice": notice})
    return Redirect(f"{path}?{query}", status_code=303)


async def read_form(request: Request[Any, Any, Any]) -> FormState:
    """The text fields of the submitted form, as typed."""
    return FormState(values=form_values(await request.form()))


async def read_upload(
    request: Request[Any, Any, Any], name: str
) -> tuple[FormState, tuple[str, bytes, str] | None]:
    """The text fields and the chosen file ``name`` of a ``multipart/form-data`` form."""
    form = await request.form()
    upload = form.get(name)
    chosen = None
    if isinstance(upload, UploadFile) and upload.filename:
        chosen = (upload.filename, await upload.read(), upload.content_type)
    return FormState(values=form_values(form)), chosen


def invalid(state: FormState) -> FormState:
    """A form the portal itself found wrong: answered with 422."""
    state.status_code = 422
    return state
