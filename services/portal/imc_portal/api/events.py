"""``/calendar``: the instance's events calendar and one event's page with registration."""

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from imc_portal.api.controllers import PAGE_ERRORS
from imc_portal.clients import BackendRefusedError, RegistryClient, SchedulingClient
from imc_portal.security import visitor_of
from imc_portal.services import events
from imc_portal.services.accounts import Clock
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import STAFF, Role, roles

REGISTRANTS = roles(STAFF, Role.SCHOOL_REPRESENTATIVE, Role.TEACHER)


def _visitor(request: Request[Any, Any, Any]) -> Visitor:
    visitor = visitor_of(request)
    assert visitor is not None  # the gate lets nobody else through
    return visitor


CENTRE = "/calendar/centre/"


def _centre(request: Request[Any, Any, Any]) -> bool:
    """Whether the request is about one of the centre's events (``/calendar/centre/...``)."""
    return request.url.path.startswith(CENTRE)


def _paths(tail: str = "") -> list[str]:
    """The route for the district's own event and for one of the centre's events."""
    return [f"/calendar/{{event_id:uuid}}{tail}", f"{CENTRE}{{event_id:uuid}}{tail}"]


def _back(request: Request[Any, Any, Any], event_id: UUID, notice: str) -> Redirect:
    base = CENTRE if _centre(request) else "/calendar/"
    return Redirect(f"{base}{event_id}?notice={notice}", status_code=303)


async def _form_value(request: Request[Any, Any, Any], name: str) -> str:
    value = (await request.form()).get(name)
    return value.strip() if isinstance(value, str) else ""


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


class EventsController(Controller):
    """The calendar of the instance's events and registration for them."""

    include_in_schema = False

    @get("/calendar", summary="Upcoming events by month (page)", exception_handlers=PAGE_ERRORS)
    async def calendar_page(
        self,
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[SchedulingClient],
        clock: NamedDependency[Clock],
        month: FromQuery[str | None] = None,
        form: FromQuery[str | None] = None,
    ) -> Template:
        now = clock()
        calendar = await events.calendar(
            scheduling=scheduling,
            zone=ZoneInfo(settings.time_zone),
            now=now,
            month=month,
            form=(form or "").strip() or None,
            with_centre=not settings.is_centre,
        )
        return Template(
            template_name="events_calendar.html",
            context={**base_context(settings, now=now), "section": "calendar", "cal": calendar},
        )

    @get(
        _paths(),
        summary="One event with registration (page)",
        exception_handlers=PAGE_ERRORS,
    )
    async def event(
        self,
        request: Request[Any, Any, Any],
        event_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[SchedulingClient],
        registry: NamedDependency[RegistryClient],
        clock: NamedDependency[Clock],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._render(
            request,
            event_id,
            settings=settings,
            scheduling=scheduling,
            registry=registry,
            now=clock(),
            notice=events.NOTICES.get(notice or "", ""),
        )

    @post(
        _paths("/register"),
        summary="The teacher registers themself",
        exception_handlers=PAGE_ERRORS,
        opt=roles(Role.TEACHER),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        event_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[SchedulingClient],
        registry: NamedDependency[RegistryClient],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            registration = await events.register_self(
                scheduling=scheduling,
                visitor=_visitor(request),
                event_id=event_id,
                centre=_centre(request),
            )
        except BackendRefusedError as refusal:
            return await self._render(
                request,
                event_id,
                settings=settings,
                scheduling=scheduling,
                registry=registry,
                now=clock(),
                refusal=refusal,
            )
        return _back(request, event_id, events.registered_notice(registration, colleague=False))

    @post(
        _paths("/register-colleague"),
        summary="A school representative registers a person of their organisation",
        exception_handlers=PAGE_ERRORS,
        opt=roles(Role.SCHOOL_REPRESENTATIVE),
    )
    async def register_colleague(
        self,
        request: Request[Any, Any, Any],
        event_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[SchedulingClient],
        registry: NamedDependency[RegistryClient],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        chosen = await _form_value(request, "person_id")
        try:
            registration = await events.register_colleague(
                scheduling=scheduling,
                registry=registry,
                visitor=_visitor(request),
                event_id=event_id,
                person_id=_uuid(chosen),
                centre=_centre(request),
            )
        except BackendRefusedError as refusal:
            return await self._render(
                request,
                event_id,
                settings=settings,
                scheduling=scheduling,
                registry=registry,
                now=clock(),
                refusal=refusal,
                chosen=chosen,
            )
        return _back(request, event_id, events.registered_notice(registration, colleague=True))

    @post(
        _paths("/registrations/{registration_id:uuid}/cancel"),
        summary="Cancel a registration (one's own; a school: its people's)",
        exception_handlers=PAGE_ERRORS,
        opt=REGISTRANTS,
    )
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        event_id: FromPath[UUID],
        registration_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        scheduling: NamedDependency[SchedulingClient],
        registry: NamedDependency[RegistryClient],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            await events.cancel_registration(
                scheduling=scheduling,
                event_id=event_id,
                registration_id=registration_id,
                centre=_centre(request),
            )
        except BackendRefusedError as refusal:
            return await self._render(
                request,
                event_id,
                settings=settings,
                scheduling=scheduling,
                registry=registry,
                now=clock(),
                refusal=refusal,
            )
        own = _visitor(request).role is Role.TEACHER
        return _back(request, event_id, "cancelled" if own else "colleague-cancelled")

    async def _render(
        self,
        request: Request[Any, Any, Any],
        event_id: UUID,
        *,
        settings: PortalSettings,
        scheduling: SchedulingClient,
        registry: RegistryClient,
        now: datetime,
        notice: str = "",
        refusal: BackendRefusedError | None = None,
        chosen: str = "",
    ) -> Template:
        visitor = _visitor(request)
        read = events.centre_event_page if _centre(request) else events.event_page
        page = await read(
            scheduling=scheduling, registry=registry, visitor=visitor, event_id=event_id
        )
        zone = ZoneInfo(settings.time_zone)
        return Template(
            template_name="events_event.html",
            context={
                **base_context(settings, now=now),
                "section": "calendar",
                "page": page,
                "event": page.event,
                "notice": notice,
                "refusal": refusal.message if refusal else "",
                "refusal_field": (refusal.field or "") if refusal else "",
                "chosen": chosen,
                "registration_window": events.when_registration_opens(page.event, zone),
            },
            status_code=refusal.status_code if refusal else 200,
        )
