"""«Банк методических материалов» (``/resources``): the search in Russian, the district's
bank and the centre's, a resource's page with its files, comments and review journal, the
author's drafts («Мои материалы») and the review's steps.

Every change is a plain form (POST with the CSRF token) answered by a redirect
(post/redirect/get); a refusal of the resources service re-renders the page with what was
typed and the service's Russian message next to the field it names. Files are streamed
through the portal with the visitor's own token.
"""

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Stream, Template

from imc_portal.api.growth_common import (
    after,
    growth_error_page,
    invalid,
    read_form,
    read_upload,
    visitor,
)
from imc_portal.api.resources_schemas import Resource
from imc_portal.clients import BackendError, BackendRefusedError, ResourcesClient
from imc_portal.services.growth import NOT_ORGANISATION, Forms, FormState, refusal
from imc_portal.services.resources import (
    ACTIONS,
    AUTHOR_ROLES,
    CENTRE_SCOPES,
    COMMENT_FIELDS,
    FILE_FIELDS,
    NO_PERSON,
    NOTICES,
    PAGE_SIZE,
    RESOURCE_FIELDS,
    REVIEW_FIELDS,
    SCOPES,
    WORKER_ROLES,
    BankPage,
    action_body,
    is_staff,
    mine_heading,
    new_resource_page,
    resource_body,
    resource_page,
    resource_values,
    size_text,
    tabs,
)
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import STAFF, Role, roles

ERRORS: Any = {BackendError: growth_error_page}
STAFF_ONLY = roles(STAFF)
AUTHORS = roles(AUTHOR_ROLES)
WORKERS = roles(WORKER_ROLES)
REVIEWERS = roles(STAFF, Role.COUNCIL_SECRETARY)
FILE_MISSING = "Файл не найден среди файлов материала."
SEARCH_KEYS = ("q", "scope", "subject", "kind", "level", "tag")


def render(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    name: str,
    context: dict[str, Any],
    *,
    tab: str,
    status_code: int = 200,
    notice: str | None = None,
) -> Template:
    """A page of the area with its tabs, the visitor and the notice after a change."""
    person = visitor(request)
    return Template(
        template_name=name,
        context={
            **base_context(settings),
            "section": "resources",
            "tab": tab,
            "tabs": tabs(person, centre=settings.is_centre),
            "visitor": person,
            "staff": is_staff(person),
            "notice": NOTICES.get(notice or "", ""),
            "forms": Forms(),
            "size_text": size_text,
            "centre": settings.is_centre,
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def _resource_path(resource_id: UUID) -> str:
    return f"/resources/{resource_id}"


class ResourcesController(Controller):
    """The search, the banks, one's own materials and the resource pages."""

    include_in_schema = False
    exception_handlers = ERRORS

    # --- search and the banks ----------------------------------------------------------

    @get("/resources", summary="The bank of methodical materials: search (page)")
    async def search(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
        q: FromQuery[str | None] = None,
        area: Annotated[str | None, QueryParameter(name="scope")] = None,
        subject: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        level: FromQuery[str | None] = None,
        tag: FromQuery[str | None] = None,
        page: FromQuery[int] = 1,
    ) -> Template:
        scopes = _scopes(settings)
        chosen = (area or "all").strip()
        filters = {
            "q": (q or "").strip()[:300],
            "scope": chosen if chosen in {code for code, _ in scopes} else "all",
            "subject": (subject or "").strip()[:100],
            "kind": (kind or "").strip()[:40],
            "level": (level or "").strip()[:100],
            "tag": (tag or "").strip()[:100],
        }
        number = max(page, 1)
        params = {**filters, "limit": str(PAGE_SIZE), "offset": str((number - 1) * PAGE_SIZE)}
        result = await resources.search(params)
        vocabulary = await resources.vocabulary()
        try:
            subjects = await resources.subjects()
        except BackendError:
            subjects = []
        pages = max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        return render(
            request,
            settings,
            "resources_search.html",
            {
                "result": result,
                "filters": filters,
                "scopes": scopes,
                "vocabulary": vocabulary,
                "subjects": subjects,
                "page": number,
                "pages": pages,
                "searched": any(filters[k] for k in SEARCH_KEYS if k != "scope"),
            },
            tab="search",
        )

    @get("/resources/bank", summary="The district's bank and the centre's bank (page)")
    async def bank(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
        status: FromQuery[str | None] = None,
        notice: FromQuery[str | None] = None,
    ) -> Template:
        person = visitor(request)
        shown = status if status in ("published", "withdrawn") and is_staff(person) else None
        entries = await resources.bank(status=shown)
        own = []
        own_total = 0
        if not settings.is_centre:
            found = await resources.search({"scope": "own", "limit": "50"})
            own, own_total = found.items, found.total
        return render(
            request,
            settings,
            "resources_bank.html",
            {
                "page": BankPage(own=own, centre=entries, own_total=own_total),
                "status": shown or "",
            },
            tab="bank",
            notice=notice,
        )

    @get("/resources/bank/{resource_id:uuid}", summary="An entry of the centre's bank (page)")
    async def bank_entry(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._bank_entry(request, settings, resources, resource_id, None, notice)

    async def _bank_entry(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        resources: ResourcesClient,
        resource_id: UUID,
        state: FormState | None,
        notice: str | None = None,
    ) -> Template:
        entry = await resources.bank_entry(resource_id)
        state = state or FormState(values={"version": str(entry.version)})
        return render(
            request,
            settings,
            "resources_bank_entry.html",
            {"entry": entry, "state": state},
            tab="bank",
            status_code=state.status_code,
            notice=notice,
        )

    @get(
        "/resources/bank/{resource_id:uuid}/files/{file_id:uuid}",
        summary="A file of the centre's bank, passed through",
    )
    async def bank_file(
        self,
        resource_id: FromPath[UUID],
        file_id: FromPath[UUID],
        resources: NamedDependency[ResourcesClient],
    ) -> Stream:
        await resources.bank_entry(resource_id)  # a refusal comes with the service's reason
        download = await resources.download(
            f"/bank/{resource_id}/files/{file_id}", missing=FILE_MISSING
        )
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)

    @post(
        "/resources/bank/{resource_id:uuid}/withdraw",
        summary="At the centre: take a resource out of the centre's bank",
        opt=STAFF_ONLY,
    )
    async def bank_withdraw(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        if not state.value("reason"):
            state.errors["reason"] = "Укажите причину: её увидят округ-автор и все округа."
            return await self._bank_entry(request, settings, resources, resource_id, invalid(state))
        body: dict[str, Any] = {"reason": state.value("reason")}
        try:
            await resources.send("POST", f"/bank/{resource_id}/withdraw", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, {"reason"}, values=state.values)
            return await self._bank_entry(request, settings, resources, resource_id, failed)
        return after(f"/resources/bank/{resource_id}", "bank-withdrawn")

    # --- one's own materials -----------------------------------------------------------

    @get("/resources/mine", summary="Materials one works on (page)", opt=WORKERS)
    async def mine(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
        status: FromQuery[str | None] = None,
        notice: FromQuery[str | None] = None,
    ) -> Template:
        person = visitor(request)
        if person.role is Role.TEACHER and person.person_id is None:
            return _note(request, settings, NO_PERSON, tab="mine")
        if person.role is Role.SCHOOL_REPRESENTATIVE and person.organisation_id is None:
            return _note(request, settings, NOT_ORGANISATION, tab="mine")
        vocabulary = await resources.vocabulary()
        known = {s.code for s in vocabulary.statuses}
        chosen = status if status in known else None
        if chosen is None and status is None and is_staff(person):
            chosen = "submitted"  # what awaits the staff's review first
        rows = await resources.resources(status=chosen)
        return render(
            request,
            settings,
            "resources_mine.html",
            {
                "rows": rows,
                "vocabulary": vocabulary,
                "status": chosen or "",
                "heading": mine_heading(person),
            },
            tab="mine",
            notice=notice,
        )

    @get("/resources/new", summary="A new material (page)", opt=AUTHORS)
    async def new(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template:
        state = FormState(values={"licence": "cc_by"})
        return await self._form(request, settings, resources, state, None)

    @post("/resources/new", summary="Create a draft", opt=AUTHORS)
    async def create(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = resource_body(state, visitor(request), new=True)
        if state.failed:
            return await self._form(request, settings, resources, invalid(state), None)
        try:
            created = await resources.send("POST", "/resources", Resource, json=body)
        except BackendRefusedError as error:
            failed = refusal(error, RESOURCE_FIELDS, values=state.values)
            return await self._form(request, settings, resources, failed, None)
        return after(_resource_path(created.id), "created")

    @get("/resources/{resource_id:uuid}/edit", summary="Edit a draft (page)", opt=AUTHORS)
    async def edit(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template:
        resource = await resources.resource(resource_id)
        state = FormState(values=resource_values(resource))
        return await self._form(request, settings, resources, state, resource)

    @post("/resources/{resource_id:uuid}/edit", summary="Save a draft", opt=AUTHORS)
    async def save(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = resource_body(state, visitor(request), new=False)
        resource = await resources.resource(resource_id)
        if state.failed:
            return await self._form(request, settings, resources, invalid(state), resource)
        try:
            await resources.send("PATCH", _resource_path(resource_id), Resource, json=body)
        except BackendRefusedError as error:
            failed = refusal(error, RESOURCE_FIELDS, values=state.values)
            return await self._form(request, settings, resources, failed, resource)
        return after(_resource_path(resource_id), "saved")

    async def _form(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        resources: ResourcesClient,
        state: FormState,
        resource: Resource | None,
    ) -> Template:
        person = visitor(request)
        if person.role is Role.TEACHER and person.person_id is None:
            return _note(request, settings, NO_PERSON, tab="new")
        if person.role is Role.SCHOOL_REPRESENTATIVE and person.organisation_id is None:
            return _note(request, settings, NOT_ORGANISATION, tab="new")
        page = await new_resource_page(resources, person)
        return render(
            request,
            settings,
            "resources_form.html",
            {"page": page, "state": state, "resource": resource},
            tab="new" if resource is None else "mine",
            status_code=state.status_code,
        )

    # --- a resource --------------------------------------------------------------------

    @get("/resources/{resource_id:uuid}", summary="A material (page)")
    async def show(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._page(request, settings, resources, resource_id, Forms(), notice=notice)

    async def _page(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        resources: ResourcesClient,
        resource_id: UUID,
        forms: Forms,
        *,
        status_code: int = 200,
        notice: str | None = None,
    ) -> Template:
        page = await resource_page(resources, resource_id)
        person = visitor(request)
        tab = "mine" if page.resource.status != "approved" and person.role in WORKER_ROLES else ""
        return render(
            request,
            settings,
            "resources_resource.html",
            {
                "page": page,
                "resource": page.resource,
                "forms": forms,
                "secretary": person.role is Role.COUNCIL_SECRETARY,
            },
            tab=tab or "search",
            status_code=status_code,
            notice=notice,
        )

    async def _failed(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        resources: ResourcesClient,
        resource_id: UUID,
        form: str,
        state: FormState,
    ) -> Template:
        status = state.status_code if state.status_code >= 400 else 422
        return await self._page(
            request, settings, resources, resource_id, Forms({form: state}), status_code=status
        )

    @get(
        "/resources/{resource_id:uuid}/files/{file_id:uuid}",
        summary="A file of a material, passed through",
    )
    async def file(
        self,
        resource_id: FromPath[UUID],
        file_id: FromPath[UUID],
        resources: NamedDependency[ResourcesClient],
    ) -> Stream:
        await resources.resource(resource_id)  # a refusal comes with the service's reason
        download = await resources.download(
            f"/resources/{resource_id}/files/{file_id}", missing=FILE_MISSING
        )
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)

    @post("/resources/{resource_id:uuid}/files", summary="Attach a file", opt=AUTHORS)
    async def add_file(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        state, chosen = await read_upload(request, "file")
        if chosen is None:
            state.errors["file"] = "Выберите файл."
            return await self._failed(request, settings, resources, resource_id, "file", state)
        if not chosen[1]:
            state.errors["file"] = f"Файл «{chosen[0]}» пустой."
            return await self._failed(request, settings, resources, resource_id, "file", state)
        data = {"version": state.value("version")} if state.value("version").isdigit() else None
        try:
            await resources.send(
                "POST",
                f"/resources/{resource_id}/files",
                Resource,
                files={"file": chosen},
                data=data,
            )
        except BackendRefusedError as error:
            failed = refusal(error, FILE_FIELDS, values=state.values)
            return await self._failed(request, settings, resources, resource_id, "file", failed)
        return after(_resource_path(resource_id), "file-added")

    @post(
        "/resources/{resource_id:uuid}/files/{file_id:uuid}/remove",
        summary="Remove a file",
        opt=AUTHORS,
    )
    async def remove_file(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        file_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        params = {"version": state.value("version")} if state.value("version").isdigit() else None
        try:
            await resources.send(
                "DELETE", f"/resources/{resource_id}/files/{file_id}", Resource, params=params
            )
        except BackendRefusedError as error:
            failed = refusal(error, (), values=state.values)
            return await self._failed(request, settings, resources, resource_id, "file", failed)
        return after(_resource_path(resource_id), "file-removed")

    @post("/resources/{resource_id:uuid}/comment", summary="Comment", opt=WORKERS)
    async def comment(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        if not state.value("text"):
            state.errors["text"] = "Напишите текст замечания."
            return await self._failed(
                request, settings, resources, resource_id, "comment", invalid(state)
            )
        try:
            await resources.send(
                "POST",
                f"/resources/{resource_id}/comments",
                Resource,
                json={"text": state.value("text")},
            )
        except BackendRefusedError as error:
            failed = refusal(error, COMMENT_FIELDS, values=state.values)
            return await self._failed(request, settings, resources, resource_id, "comment", failed)
        return after(_resource_path(resource_id), "commented")

    # --- the review's steps (each its roles) -------------------------------------------

    @post("/resources/{resource_id:uuid}/submit", summary="Send to review", opt=AUTHORS)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "submit")

    @post("/resources/{resource_id:uuid}/refer", summary="Refer to the council", opt=STAFF_ONLY)
    async def refer(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "refer")

    @post("/resources/{resource_id:uuid}/return", summary="Return with remarks", opt=REVIEWERS)
    async def return_(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "return")

    @post("/resources/{resource_id:uuid}/approve", summary="Approve", opt=REVIEWERS)
    async def approve(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "approve")

    @post("/resources/{resource_id:uuid}/withdraw", summary="Withdraw", opt=STAFF_ONLY)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "withdraw")

    @post(
        "/resources/{resource_id:uuid}/share",
        summary="Publish to the centre's bank",
        opt=STAFF_ONLY,
    )
    async def share(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "share")

    @post(
        "/resources/{resource_id:uuid}/unshare",
        summary="Withdraw from the centre's bank",
        opt=STAFF_ONLY,
    )
    async def unshare(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "unshare")

    @post("/resources/{resource_id:uuid}/reopen", summary="Open a new edition", opt=AUTHORS)
    async def reopen(
        self,
        request: Request[Any, Any, Any],
        resource_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        resources: NamedDependency[ResourcesClient],
    ) -> Template | Redirect:
        return await self._act(request, settings, resources, resource_id, "reopen")

    async def _act(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        resources: ResourcesClient,
        resource_id: UUID,
        name: str,
    ) -> Template | Redirect:
        action = ACTIONS[name]
        state = await read_form(request)
        body = action_body(name, state, visitor(request))
        if state.failed:
            return await self._failed(request, settings, resources, resource_id, name, state)
        try:
            await resources.send(
                "POST", f"/resources/{resource_id}{action.path}", Resource, json=body
            )
        except BackendRefusedError as error:
            failed = refusal(error, REVIEW_FIELDS, values=state.values)
            return await self._failed(request, settings, resources, resource_id, name, failed)
        return after(_resource_path(resource_id), action.notice)


def _scopes(settings: PortalSettings) -> tuple[tuple[str, str], ...]:
    return CENTRE_SCOPES if settings.is_centre else SCOPES


def _note(
    request: Request[Any, Any, Any], settings: PortalSettings, message: str, *, tab: str
) -> Template:
    """A page of the area that can only say why it shows nothing."""
    return render(request, settings, "resources_note.html", {"message": message}, tab=tab)


CONTROLLERS: list[Any] = [ResourcesController]
"""The resources area's controllers (both modes: the centre's portal shows its bank)."""
