"""The methodical council's pages (``/council``) and the orders journal (``/orders``);
their files link to the registry area's ``/documents/{id}/file.pdf|docx``.

Every change is a plain form (CSRF-checked by the gate) sent on to the applications
service; a refusal it explains is shown next to the field it names, with what was typed
kept. A council member reads the same pages without the forms.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from imc_portal.api.controllers import PAGE_ERRORS
from imc_portal.clients import (
    BackendClient,
    BackendError,
    BackendRefusedError,
)
from imc_portal.security import visitor_of
from imc_portal.services import council
from imc_portal.services.council import (
    ATTENDANCE_FIELDS,
    COUNCIL_CLERKS,
    COUNCIL_READERS,
    DOCUMENT_FORMATS,
    ITEM_FIELDS,
    NOTICES,
    ORDER_FIELDS,
    ORDER_ISSUERS,
    SCHEDULE_FIELDS,
    VOTE_FIELDS,
    FormInvalid,
    FormState,
    Meeting,
    Structure,
)
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import roles

UNPROCESSABLE = 422
MISSING_MEETING = "Заседание методического совета не найдено."


def _visitor(request: Request[Any, Any, Any]) -> Visitor:
    visitor = visitor_of(request)
    assert visitor is not None  # the gate lets nobody else through
    return visitor


def _today(settings: PortalSettings) -> Any:
    return datetime.now(UTC).astimezone(ZoneInfo(settings.time_zone)).date()


async def _meeting(applications: BackendClient, meeting_id: UUID) -> Meeting:
    return await applications.get_json(f"/meetings/{meeting_id}", Meeting, missing=MISSING_MEETING)


def _state_of(
    form_name: str,
    error: BackendRefusedError | FormInvalid,
    values: dict[str, Any],
    fields: dict[str, str],
) -> tuple[FormState, int]:
    status = error.status_code if isinstance(error, BackendRefusedError) else UNPROCESSABLE
    return council.refusal_state(form_name, error, values, fields), status


async def _list_page(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    applications: BackendClient,
    *,
    state: FormState | None = None,
    status_code: int = 200,
) -> Template:
    visitor = _visitor(request)
    meetings = await applications.get_json("/meetings", list[Meeting])
    planned, held = council.split_meetings(meetings)
    return Template(
        template_name="council_list.html",
        context={
            **base_context(settings),
            "section": "council",
            "planned": planned,
            "held": held,
            "can_manage": council.can_manage(visitor),
            "state": state or FormState(),
            "today": _today(settings),
        },
        status_code=status_code,
    )


async def _meeting_page(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    *,
    meeting_id: UUID,
    applications: BackendClient,
    registry: BackendClient,
    documents: BackendClient,
    state: FormState | None = None,
    status_code: int = 200,
    notice: str = "",
    template: str = "council_meeting.html",
) -> Template:
    visitor = _visitor(request)
    meeting = await _meeting(applications, meeting_id)
    manage = council.can_manage(visitor) and meeting.planned
    members: list[council.CouncilMember] = []
    members_problem = ""
    try:
        members = council.council_members(
            await registry.get_json("/structures", list[Structure], {"kind": "methodical_council"})
        )
    except BackendError as error:
        members_problem = error.message
    choices = council.AgendaChoices()
    if manage:
        choices = await council.agenda_choices(applications=applications, registry=registry)
    protocol = None
    extracts: dict[UUID, council.Paper] = {}
    documents_problem = ""
    if not meeting.planned:
        found, documents_problem = await council.documents_of(documents)
        protocol = council.papers_by_subject(found, {"council_protocol"}).get(meeting.id)
        extracts = council.papers_by_subject(found, {"council_extract"})
    names = {str(m.id): m.full_name for m in members}
    secretary_default = ""
    if visitor.person_id is not None and str(visitor.person_id) in names:
        secretary_default = str(visitor.person_id)
    head = next((m for m in members if m.head), None)
    return Template(
        template_name=template,
        context={
            **base_context(settings),
            "section": "council",
            "meeting": meeting,
            "manage": manage,
            "members": members,
            "members_problem": members_problem,
            "present_names": [names.get(p, p) for p in meeting.present],
            "quorum": council.quorum_of(meeting, members),
            "choices": choices,
            "protocol": protocol,
            "extracts": extracts,
            "documents_problem": documents_problem,
            "formats": DOCUMENT_FORMATS,
            "state": state or FormState(),
            "notice": notice,
            "chair_default": str(head.id) if head else "",
            "secretary_default": secretary_default,
            "item_types": council.ITEM_TYPE_TITLES,
            "grounds": council.TERMINATION_CHOICES,
            "today": _today(settings),
        },
        status_code=status_code,
    )


class CouncilController(Controller):
    """``/council``: meetings of the methodical council and everything done at one."""

    path = "/council"
    include_in_schema = False
    opt = roles(COUNCIL_READERS)
    exception_handlers = PAGE_ERRORS

    @get("/", summary="Meetings of the council (page)")
    async def index(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
    ) -> Template:
        return await _list_page(request, settings, applications)

    @post("/", summary="Plan a meeting", opt=roles(COUNCIL_CLERKS))
    async def schedule(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        form = await request.form()
        values = council.values_of(form)
        try:
            body = council.schedule_body(form)
            created = await applications.send("POST", "/meetings", Meeting, json=body)
        except (BackendRefusedError, FormInvalid) as error:
            state, status = _state_of("schedule", error, values, SCHEDULE_FIELDS)
            return await _list_page(
                request, settings, applications, state=state, status_code=status
            )
        return Redirect(f"/council/{created.id}?done=planned", status_code=303)

    @get("/{meeting_id:uuid}", summary="One meeting (page)")
    async def show(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await _meeting_page(
            request,
            settings,
            meeting_id=meeting_id,
            applications=applications,
            registry=registry,
            documents=documents,
            notice=NOTICES.get(done or "", ""),
        )

    async def _change(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        meeting_id: UUID,
        backends: tuple[BackendClient, BackendClient, BackendClient],
        *,
        form_name: str,
        fields: dict[str, str],
        path: str,
        build: Any,
        done: str,
    ) -> Template | Redirect:
        applications, registry, documents = backends
        form = await request.form()
        values = council.values_of(form)
        try:
            body = await build(form)
            await applications.send("POST", path, Meeting, json=body)
        except (BackendRefusedError, FormInvalid) as error:
            state, status = _state_of(form_name, error, values, fields)
            return await _meeting_page(
                request,
                settings,
                meeting_id=meeting_id,
                applications=applications,
                registry=registry,
                documents=documents,
                state=state,
                status_code=status,
            )
        return Redirect(f"/council/{meeting_id}?done={done}", status_code=303)

    @post(
        "/{meeting_id:uuid}/items",
        summary="Put a question on the agenda",
        opt=roles(COUNCIL_CLERKS),
    )
    async def add_item(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        form = await request.form()
        kind = council.text(form, "type")

        async def build(data: Any) -> dict[str, Any]:
            return council.item_body(data)

        return await self._change(
            request,
            settings,
            meeting_id,
            (applications, registry, documents),
            form_name=f"item-{kind}",
            fields=ITEM_FIELDS,
            path=f"/meetings/{meeting_id}/items",
            build=build,
            done="item_added",
        )

    @post(
        "/{meeting_id:uuid}/items/{item_id:uuid}/remove",
        summary="Take a question off the agenda",
        opt=roles(COUNCIL_CLERKS),
    )
    async def remove_item(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[UUID],
        item_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        async def build(_: Any) -> None:
            return None

        return await self._change(
            request,
            settings,
            meeting_id,
            (applications, registry, documents),
            form_name=f"remove-{item_id}",
            fields={},
            path=f"/meetings/{meeting_id}/items/{item_id}/remove",
            build=build,
            done="item_removed",
        )

    @post(
        "/{meeting_id:uuid}/attendance",
        summary="Record who is present",
        opt=roles(COUNCIL_CLERKS),
    )
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        async def build(form: Any) -> dict[str, Any]:
            version = council.whole(form, "version", "версию записи", required=False)
            if version is None:
                version = (await _meeting(applications, meeting_id)).version
            return council.attendance_body(form, version)

        return await self._change(
            request,
            settings,
            meeting_id,
            (applications, registry, documents),
            form_name="attendance",
            fields=ATTENDANCE_FIELDS,
            path=f"/meetings/{meeting_id}/attendance",
            build=build,
            done="attendance",
        )

    @post(
        "/{meeting_id:uuid}/items/{item_id:uuid}/vote",
        summary="Record the vote on a question",
        opt=roles(COUNCIL_CLERKS),
    )
    async def vote(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[UUID],
        item_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        async def build(form: Any) -> dict[str, Any]:
            body = council.vote_body(form)
            meeting = await _meeting(applications, meeting_id)
            item = next((i for i in meeting.items if i.id == item_id), None)
            if item is not None and council.refusal_needs_reason(item, body, len(meeting.present)):
                raise FormInvalid(
                    "reason",
                    "Решение не принято: укажите причину отказа — она будет сообщена заявителю.",
                )
            return body

        return await self._change(
            request,
            settings,
            meeting_id,
            (applications, registry, documents),
            form_name=f"vote-{item_id}",
            fields=VOTE_FIELDS,
            path=f"/meetings/{meeting_id}/items/{item_id}/vote",
            build=build,
            done="voted",
        )

    @get(
        "/{meeting_id:uuid}/close",
        summary="Confirm closing the meeting (page)",
        opt=roles(COUNCIL_CLERKS),
    )
    async def confirm_close(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
    ) -> Template:
        return await _meeting_page(
            request,
            settings,
            meeting_id=meeting_id,
            applications=applications,
            registry=registry,
            documents=documents,
            template="council_close.html",
        )

    @post("/{meeting_id:uuid}/close", summary="Close the meeting", opt=roles(COUNCIL_CLERKS))
    async def close(
        self,
        request: Request[Any, Any, Any],
        meeting_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        registry: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        form = await request.form()
        pages: dict[str, Any] = {
            "meeting_id": meeting_id,
            "applications": applications,
            "registry": registry,
            "documents": documents,
            "template": "council_close.html",
        }
        if council.text(form, "confirm") != "yes":
            # Nothing is closed without the explicit confirmation.
            return await _meeting_page(request, settings, **pages)
        version = council.text(form, "version")
        body = {"version": int(version)} if version.isdigit() else {}
        try:
            await applications.send("POST", f"/meetings/{meeting_id}/close", Meeting, json=body)
        except BackendRefusedError as error:
            state, status = _state_of("close", error, {}, {})
            return await _meeting_page(request, settings, state=state, status_code=status, **pages)
        return Redirect(f"/council/{meeting_id}?done=closed", status_code=303)


async def _orders_page(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    applications: BackendClient,
    documents: BackendClient,
    *,
    state: FormState | None = None,
    status_code: int = 200,
    notice: str = "",
) -> Template:
    visitor = _visitor(request)
    orders = await applications.get_json("/orders", list[council.Order])
    meetings = await applications.get_json("/meetings", list[Meeting])
    found, documents_problem = await council.documents_of(documents)
    return Template(
        template_name="council_orders.html",
        context={
            **base_context(settings),
            "section": "orders",
            "entries": council.journal(orders, meetings, found),
            "awaiting": council.awaiting_orders(meetings),
            "can_issue": council.can_issue(visitor),
            "documents_problem": documents_problem,
            "formats": DOCUMENT_FORMATS,
            "state": state or FormState(),
            "notice": notice,
            "today": _today(settings),
        },
        status_code=status_code,
    )


class OrdersController(Controller):
    """``/orders``: the orders journal; staff issue the orders on adopted decisions."""

    path = "/orders"
    include_in_schema = False
    opt = roles(COUNCIL_READERS)
    exception_handlers = PAGE_ERRORS

    @get("/", summary="The orders journal (page)")
    async def index(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await _orders_page(
            request, settings, applications, documents, notice=NOTICES.get(done or "", "")
        )

    @post("/", summary="Issue the order on a decision", opt=roles(ORDER_ISSUERS))
    async def issue(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
    ) -> Template | Redirect:
        form = await request.form()
        values = council.values_of(form)
        item_id = council.text(form, "item_id")
        try:
            item = council.uuid_of(form, "item_id", "решение совета")
            order_date = council.day(form, "order_date", "дату приказа", required=False)
            body: dict[str, Any] = {"item_id": str(item)}
            if order_date is not None:
                body["order_date"] = order_date.isoformat()
            await applications.send("POST", "/orders", council.Order, json=body)
        except (BackendRefusedError, FormInvalid) as error:
            state, status = _state_of(f"order-{item_id}", error, values, ORDER_FIELDS)
            return await _orders_page(
                request, settings, applications, documents, state=state, status_code=status
            )
        return Redirect("/orders?done=ordered", status_code=303)


CONTROLLERS = [CouncilController, OrdersController]
"""The council's controllers, for both modes of the portal (file downloads go through
the registry area's ``/documents/{id}/file.pdf|docx``)."""
