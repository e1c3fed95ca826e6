"""``/inbox``: the person's notifications and preferences; ``/unsubscribe`` from emails."""

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from imc_portal.api.controllers import PAGE_ERRORS
from imc_portal.clients import BackendClient, BackendRefusedError
from imc_portal.security import visitor_of
from imc_portal.services import inbox
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context


def _visitor(request: Request[Any, Any, Any]) -> Visitor:
    visitor = visitor_of(request)
    assert visitor is not None  # the gate lets nobody else through
    return visitor


def _back(notice: str) -> Redirect:
    return Redirect(f"/inbox?notice={notice}", status_code=303)


class InboxController(Controller):
    """The person's in-app notifications and how they want to receive them."""

    include_in_schema = False

    @get("/inbox", summary="Notifications and preferences (page)", exception_handlers=PAGE_ERRORS)
    async def page(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        notifications: NamedDependency[BackendClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._render(
            request, settings, notifications, notice=inbox.NOTICES.get(notice or "", "")
        )

    @post("/inbox/read", summary="Mark every notification read", exception_handlers=PAGE_ERRORS)
    async def read_all(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        notifications: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        try:
            await inbox.mark_read(
                notifications=notifications, visitor=_visitor(request), item_id=None
            )
        except BackendRefusedError as refusal:
            return await self._render(request, settings, notifications, refusal=refusal)
        return _back("all-read")

    @post(
        "/inbox/{item_id:uuid}/read",
        summary="Mark one notification read",
        exception_handlers=PAGE_ERRORS,
    )
    async def read_one(
        self,
        request: Request[Any, Any, Any],
        item_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        notifications: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        try:
            await inbox.mark_read(
                notifications=notifications, visitor=_visitor(request), item_id=item_id
            )
        except BackendRefusedError as refusal:
            return await self._render(request, settings, notifications, refusal=refusal)
        return _back("read")

    @post(
        "/inbox/preferences",
        summary="Save the notification preferences",
        exception_handlers=PAGE_ERRORS,
    )
    async def preferences(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        notifications: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            await inbox.save_preferences(
                notifications=notifications, visitor=_visitor(request), form=form
            )
        except BackendRefusedError as refusal:
            return await self._render(request, settings, notifications, refusal=refusal)
        return _back("preferences")

    @get(
        "/unsubscribe",
        summary="Unsubscribe by the link from an email (page, no login)",
        exception_handlers=PAGE_ERRORS,
    )
    async def unsubscribe(
        self,
        settings: NamedDependency[PortalSettings],
        notifications: NamedDependency[BackendClient],
        token: FromQuery[str] = "",
    ) -> Template:
        result = await inbox.unsubscribe(notifications=notifications, token=token.strip())
        return Template(
            template_name="inbox_unsubscribe.html",
            context={**base_context(settings), "result": result},
            status_code=200 if result.ok else 400,
        )

    async def _render(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        notifications: BackendClient,
        *,
        notice: str = "",
        refusal: BackendRefusedError | None = None,
    ) -> Template:
        page = await inbox.inbox_page(notifications=notifications, visitor=_visitor(request))
        return Template(
            template_name="inbox_page.html",
            context={
                **base_context(settings),
                "section": "inbox",
                "page": page,
                "notice": notice,
                "refusal": refusal.message if refusal else "",
                "refusal_field": (refusal.field or "") if refusal else "",
                "not_linked": inbox.NOT_LINKED,
            },
            status_code=refusal.status_code if refusal else 200,
        )
