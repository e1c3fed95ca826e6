"""Pages of applications for a site status: the list, the wizard, one application.

Every change is a plain form (POST with the CSRF token) answered by a redirect to the
next page (post/redirect/get); a refusal of the service re-renders the form with what
the person typed and the service's message next to the field it names.
"""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from imc_portal.clients import (
    ApplicationsClient,
    BackendError,
    BackendNotFoundError,
    BackendRefusedError,
    RegistryClient,
)
from imc_portal.security import visitor_of
from imc_portal.services import applications as logic
from imc_portal.services.applications import ApplicationCard, FormState
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import STAFF, roles

RETRY_AFTER_SECONDS = 30
APPLICANTS = roles(logic.APPLICANT_ROLES)
STAFF_ONLY = roles(STAFF)
COMMENTERS = roles(logic.COMMENT_ROLES)
DOCUMENT_READERS = roles(logic.DOCUMENT_ROLES)


def backend_page(request: Request[Any, Any, Any], error: BackendError) -> Template:
    """A read the page needs failed: the service's refusal (403, 404) or its absence."""
    settings: PortalSettings = request.app.state.settings
    status = error.status_code
    missing = isinstance(error, BackendNotFoundError) or status == 404
    heading = (
        "Доступ закрыт"
        if status == 403
        else "Сведения не найдены"
        if missing
        else "Сведения временно недоступны"
    )
    return Template(
        template_name="error.html",
        context={
            **base_context(settings),
            "message": error.message,
            "missing": missing,
            "heading": heading,
        },
        status_code=status if status in (403, 404) else error.status_code,
        headers={} if status in (403, 404) else {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


ERRORS: Any = {BackendError: backend_page}


def _visitor(request: Request[Any, Any, Any]) -> Visitor:
    visitor = visitor_of(request)
    assert visitor is not None  # the gate lets nobody else through
    return visitor


def _page(
    settings: PortalSettings, name: str, context: dict[str, Any], status_code: int = 200
) -> Template:
    return Template(
        template_name=name,
        context={
            **base_context(settings),
            "section": "applications",
            "steps": logic.STEPS,
            "documents_titles": logic.DOCUMENTS,
            "document_formats": logic.DOCUMENT_FORMATS,
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def _after(path: str, notice: str) -> Redirect:
    return Redirect(f"{path}?{urlencode({'notice': notice})}", status_code=303)


async def _form(request: Request[Any, Any, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The text fields and the chosen files of a submitted form."""
    form = await request.form()
    files: dict[str, tuple[str, bytes, str]] = {}
    for name in logic.DOCUMENTS:
        upload = form.get(name)
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read()
            files[name] = (upload.filename, content, upload.content_type)
    return logic.form_values(form), files


async def _editable(
    applications: ApplicationsClient, application_id: UUID
) -> ApplicationCard | Redirect:
    application = await logic.get_application(applications, application_id)
    if not application.editable:
        return Redirect(f"/applications/{application_id}", status_code=303)
    return application


class ApplicationsController(Controller):
    """``/applications``: applications for a site status."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/applications", summary="Applications (page)")
    async def index(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        status: FromQuery[str | None] = None,
        notice: FromQuery[str | None] = None,
    ) -> Template:
        visitor = _visitor(request)
        chosen = status if status in logic.STATUS_TITLES else None
        rows = await logic.list_applications(applications, status=chosen)
        return _page(
            settings,
            "applications_list.html",
            {
                "visitor": visitor,
                "rows": rows,
                "status": chosen or "",
                "statuses": logic.STATUS_TITLES,
                "can_apply": logic.can_apply(visitor),
                "staff": logic.is_staff(visitor),
                "notice": logic.NOTICES.get(notice or "", ""),
            },
        )

    # --- step 1: the kind of site (and, for staff, the organisation) -------------------

    async def _kind_page(
        self,
        visitor: Visitor,
        settings: PortalSettings,
        registry: RegistryClient,
        state: FormState,
    ) -> Template:
        kinds = await logic.site_kinds(registry)
        organisations = await logic.organisations(registry) if logic.is_staff(visitor) else []
        return _page(
            settings,
            "applications_step_kind.html",
            {
                "visitor": visitor,
                "kinds": kinds,
                "organisations": organisations,
                "staff": logic.is_staff(visitor),
                "state": state,
                "current_step": "kind",
                "application": None,
            },
            state.status_code,
        )

    @get("/applications/new", summary="Wizard, step 1: the kind of site (page)", opt=APPLICANTS)
    async def new(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[RegistryClient],
        kind: FromQuery[str | None] = None,
        organisation: FromQuery[str | None] = None,
    ) -> Template:
        values = {"kind": kind or "", "organisation": organisation or ""}
        return await self._kind_page(
            _visitor(request), settings, registry, FormState(values=values)
        )

    @post("/applications/new", summary="Wizard, step 1: choose", opt=APPLICANTS)
    async def choose_kind(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[RegistryClient],
    ) -> Template | Redirect:
        visitor = _visitor(request)
        values, _ = await _form(request)
        kinds = await logic.site_kinds(registry)
        errors: dict[str, str] = {}
        if logic.kind_of(kinds, values.get("kind", "")) is None:
            errors["kind"] = "Выберите вид площадки"
        organisation = (
            values.get("organisation", "")
            if logic.is_staff(visitor)
            else str(visitor.organisation_id or "")
        )
        if not _uuid(organisation):
            errors["organisation"] = (
                "Выберите организацию, от имени которой подаётся заявка"
                if logic.is_staff(visitor)
                else "В учётной записи не указана образовательная организация: "
                "обратитесь к администратору ИМЦ"
            )
        if errors:
            state = FormState(values=values, errors=errors, status_code=422)
            return await self._kind_page(visitor, settings, registry, state)
        query = urlencode({"kind": values["kind"], "organisation": organisation})
        return Redirect(f"/applications/new/topic?{query}", status_code=303)

    # --- step 2: topic ------------------------------------------------------------------

    async def _topic_page(
        self,
        visitor: Visitor,
        settings: PortalSettings,
        registry: RegistryClient,
        state: FormState,
        *,
        kind_code: str,
        organisation_id: UUID,
        application: ApplicationCard | None,
    ) -> Template:
        kinds = await logic.site_kinds(registry)
        kind = logic.kind_of(kinds, kind_code)
        organisation = (
            application.organisation_short_name
            if application
            else await logic.organisation_name(registry, organisation_id)
        )
        return _page(
            settings,
            "applications_step_topic.html",
            {
                "visitor": visitor,
                "kind": kind,
                "kind_code": kind_code,
                "organisation_id": organisation_id,
                "organisation": organisation,
                "state": state,
                "current_step": "topic",
                "application": application,
            },
            state.status_code,
        )

    @get(
        "/applications/new/topic",
        summary="Wizard, step 2 of a new application (page)",
        opt=APPLICANTS,
    )
    async def new_topic(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[RegistryClient],
        kind: FromQuery[str] = "",
        organisation: FromQuery[str] = "",
    ) -> Template | Redirect:
        visitor = _visitor(request)
        organisation_id = _uuid(organisation)
        if not logic.is_staff(visitor):
            organisation_id = visitor.organisation_id
        if organisation_id is None or not kind:
            return Redirect("/applications/new", status_code=303)
        return await self._topic_page(
            visitor,
            settings,
            registry,
            FormState(),
            kind_code=kind,
            organisation_id=organisation_id,
            application=None,
        )

    @post("/applications/new/topic", summary="Wizard, step 2: save the draft", opt=APPLICANTS)
    async def create(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[RegistryClient],
        applications: NamedDependency[ApplicationsClient],
    ) -> Template | Redirect:
        visitor = _visitor(request)
        values, _ = await _form(request)
        organisation_id = (
            _uuid(values.get("organisation", ""))
            if logic.is_staff(visitor)
            else visitor.organisation_id
        )
        if organisation_id is None:
            return Redirect("/applications/new", status_code=303)
        try:
            created = await logic.create_draft(
                applications,
                organisation_id=organisation_id,
                site_kind=values.get("kind", ""),
                topic=values.get("topic", ""),
                applicant_email=values.get("applicant_email", ""),
            )
        except BackendRefusedError as error:
            state = logic.refusal(error, {"topic", "applicant_email"})
            state.values = values
            return await self._topic_page(
                visitor,
                settings,
                registry,
                state,
                kind_code=values.get("kind", ""),
                organisation_id=organisation_id,
                application=None,
            )
        return _after(f"/applications/{created.id}/documents", "created")

    @get(
        "/applications/{application_id:uuid}/topic", summary="Wizard, step 2 (page)", opt=APPLICANTS
    )
    async def topic(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[RegistryClient],
        applications: NamedDependency[ApplicationsClient],
    ) -> Template | Redirect:
        application = await _editable(applications, application_id)
        if isinstance(application, Redirect):
            return application
        values = {"topic": application.topic, "applicant_email": application.applicant_email}
        return await self._topic_page(
            _visitor(request),
            settings,
            registry,
            FormState(values=values),
            kind_code=application.site_kind,
            organisation_id=application.organisation_id,
            application=application,
        )

    @post(
        "/applications/{application_id:uuid}/topic", summary="Wizard, step 2: save", opt=APPLICANTS
    )
    async def save_topic(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[RegistryClient],
        applications: NamedDependency[ApplicationsClient],
    ) -> Template | Redirect:
        values, _ = await _form(request)
        try:
            await logic.edit(
                applications,
                application_id,
                version=logic.version_of(values),
                data={
                    "topic": values.get("topic", ""),
                    "applicant_email": values.get("applicant_email", ""),
                },
            )
        except BackendRefusedError as error:
            application = await logic.get_application(applications, application_id)
            state = logic.refusal(error, {"topic", "applicant_email"})
            state.values = values
            return await self._topic_page(
                _visitor(request),
                settings,
                registry,
                state,
                kind_code=application.site_kind,
                organisation_id=application.organisation_id,
                application=application,
            )
        return _after(f"/applications/{application_id}/documents", "saved")

    # --- step 3: documents ----------------------------------------------------------------

    def _documents_page(
        self,
        visitor: Visitor,
        settings: PortalSettings,
        application: ApplicationCard,
        state: FormState,
        notice: str | None = None,
    ) -> Template:
        return _page(
            settings,
            "applications_step_documents.html",
            {
                "visitor": visitor,
                "application": application,
                "state": state,
                "current_step": "documents",
                "notice": logic.NOTICES.get(notice or "", ""),
            },
            state.status_code,
        )

    @get(
        "/applications/{application_id:uuid}/documents",
        summary="Wizard, step 3 (page)",
        opt=APPLICANTS,
    )
    async def documents(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        notice: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        application = await _editable(applications, application_id)
        if isinstance(application, Redirect):
            return application
        return self._documents_page(
            _visitor(request),
            settings,
            application,
            FormState(values={"version": str(application.version)}),
            notice,
        )

    @post(
        "/applications/{application_id:uuid}/documents",
        summary="Wizard, step 3: upload",
        opt=APPLICANTS,
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
    ) -> Template | Redirect:
        values, files = await _form(request)
        if files:
            try:
                await logic.edit(
                    applications,
                    application_id,
                    version=logic.version_of(values),
                    data={},
                    files=files,
                )
            except BackendRefusedError as error:
                application = await logic.get_application(applications, application_id)
                state = logic.refusal(error, set(logic.DOCUMENTS))
                state.values = values
                return self._documents_page(_visitor(request), settings, application, state)
        return _after(f"/applications/{application_id}/conditions", "saved")

    # --- step 4: eligibility conditions ---------------------------------------------------

    def _conditions_page(
        self,
        visitor: Visitor,
        settings: PortalSettings,
        application: ApplicationCard,
        state: FormState,
        notice: str | None = None,
    ) -> Template:
        return _page(
            settings,
            "applications_step_conditions.html",
            {
                "visitor": visitor,
                "application": application,
                "state": state,
                "current_step": "conditions",
                "notice": logic.NOTICES.get(notice or "", ""),
            },
            state.status_code,
        )

    @get(
        "/applications/{application_id:uuid}/conditions",
        summary="Wizard, step 4 (page)",
        opt=APPLICANTS,
    )
    async def conditions(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        notice: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        application = await _editable(applications, application_id)
        if isinstance(application, Redirect):
            return application
        values = {"version": str(application.version)}
        for item in application.checklist:
            if item.applicant_met is not None:
                values[f"met_{item.code}"] = "yes" if item.applicant_met else "no"
            values[f"note_{item.code}"] = item.applicant_note
        return self._conditions_page(
            _visitor(request), settings, application, FormState(values=values), notice
        )

    @post(
        "/applications/{application_id:uuid}/conditions",
        summary="Wizard, step 4: answer",
        opt=APPLICANTS,
    )
    async def answer(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
    ) -> Template | Redirect:
        values, _ = await _form(request)
        application = await logic.get_application(applications, application_id)
        answers, errors = logic.eligibility_answers(values, application.checklist)
        if errors:
            state = FormState(values=values, errors=errors, status_code=422)
            return self._conditions_page(_visitor(request), settings, application, state)
        try:
            await logic.edit(
                applications,
                application_id,
                version=logic.version_of(values),
                data={"eligibility": answers},
            )
        except BackendRefusedError as error:
            fields = {f"eligibility.{item.code}" for item in application.checklist}
            state = logic.refusal(error, fields | {"eligibility"})
            state.values = values
            return self._conditions_page(_visitor(request), settings, application, state)
        return _after(f"/applications/{application_id}/check", "saved")

    # --- the checklist and the submission -------------------------------------------------

    def _check_page(
        self,
        visitor: Visitor,
        settings: PortalSettings,
        application: ApplicationCard,
        state: FormState,
        notice: str | None = None,
    ) -> Template:
        return _page(
            settings,
            "applications_check.html",
            {
                "visitor": visitor,
                "application": application,
                "state": state,
                "current_step": "check",
                "notice": logic.NOTICES.get(notice or "", ""),
            },
            state.status_code,
        )

    @get(
        "/applications/{application_id:uuid}/check",
        summary="Wizard: what is missing (page)",
        opt=APPLICANTS,
    )
    async def check(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        notice: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        application = await _editable(applications, application_id)
        if isinstance(application, Redirect):
            return application
        return self._check_page(_visitor(request), settings, application, FormState(), notice)

    @post(
        "/applications/{application_id:uuid}/submit",
        summary="Submit the application",
        opt=APPLICANTS,
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
    ) -> Template | Redirect:
        values, _ = await _form(request)
        try:
            await logic.submit(applications, application_id, logic.version_of(values))
        except BackendRefusedError as error:
            application = await logic.get_application(applications, application_id)
            state = logic.refusal(error, set())
            return self._check_page(_visitor(request), settings, application, state)
        return _after(f"/applications/{application_id}", "submitted")

    # --- one application ------------------------------------------------------------------

    async def _detail_page(
        self,
        visitor: Visitor,
        settings: PortalSettings,
        applications: ApplicationsClient,
        registry: RegistryClient,
        application_id: UUID,
        *,
        forms: dict[str, FormState] | None = None,
        notice: str | None = None,
        status_code: int = 200,
    ) -> Template:
        application = await logic.get_application(applications, application_id)
        comments: list[logic.Comment] = []
        comments_error = None
        if visitor.role in logic.COMMENT_ROLES:
            try:
                comments = await logic.comments(applications, visitor, application_id)
            except BackendError as error:
                comments_error = error.message
        history, history_error = await logic.history(applications, visitor, application)
        reviewers: list[logic.PersonCard] = []
        reviewers_error = None
        if logic.is_staff(visitor) and "start_review" in application.allowed_actions:
            try:
                reviewers = await logic.methodists(registry)
            except BackendError as error:
                reviewers_error = error.message
        return _page(
            settings,
            "applications_detail.html",
            {
                "visitor": visitor,
                "application": application,
                "comments": comments,
                "comments_error": comments_error,
                "can_comment": visitor.role in logic.COMMENT_ROLES,
                "can_download": visitor.role in logic.DOCUMENT_ROLES,
                "visibilities": [
                    (code, logic.VISIBILITY_TITLES[code])
                    for code in logic.writable_visibility(visitor)
                ],
                "visibility_titles": logic.VISIBILITY_TITLES,
                "history": history,
                "history_error": history_error,
                "staff": logic.is_staff(visitor),
                "applicant": logic.can_apply(visitor),
                "reviewers": reviewers,
                "reviewers_error": reviewers_error,
                "recommendations": logic.RECOMMENDATIONS,
                "forms": forms or {},
                "blank": FormState(),
                "notice": logic.NOTICES.get(notice or "", ""),
            },
            status_code,
        )

    @get("/applications/{application_id:uuid}", summary="One application (page)")
    async def show(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        registry: NamedDependency[RegistryClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._detail_page(
            _visitor(request), settings, applications, registry, application_id, notice=notice
        )

    @get(
        "/applications/{application_id:uuid}/documents/{kind:str}",
        summary="One document of the package, passed through",
        opt=DOCUMENT_READERS,
    )
    async def document_file(
        self,
        application_id: FromPath[UUID],
        kind: FromPath[str],
        applications: NamedDependency[ApplicationsClient],
    ) -> Stream:
        download = await logic.document_file(applications, application_id, kind)
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)

    async def _act(
        self,
        request: Request[Any, Any, Any],
        application_id: UUID,
        settings: PortalSettings,
        applications: ApplicationsClient,
        registry: RegistryClient,
        *,
        name: str,
        fields: set[str],
        body: Any,
        notice: str,
    ) -> Template | Redirect:
        """Send one action of the application page; its form again if refused."""
        values, _ = await _form(request)
        try:
            await body(values)
        except BackendRefusedError as error:
            state = logic.refusal(error, fields)
            state.values = values
            return await self._detail_page(
                _visitor(request),
                settings,
                applications,
                registry,
                application_id,
                forms={name: state},
                status_code=state.status_code,
            )
        return _after(f"/applications/{application_id}", notice)

    @post("/applications/{application_id:uuid}/comments", summary="Comment", opt=COMMENTERS)
    async def comment(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        registry: NamedDependency[RegistryClient],
    ) -> Template | Redirect:
        visitor = _visitor(request)

        async def send(values: dict[str, str]) -> None:
            allowed = logic.writable_visibility(visitor)
            visibility = values.get("visibility", allowed[0])
            await logic.add_comment(
                applications,
                application_id,
                text=values.get("text", ""),
                visibility=visibility if visibility in allowed else allowed[0],
            )

        return await self._act(
            request,
            application_id,
            settings,
            applications,
            registry,
            name="comment",
            fields={"text", "visibility"},
            body=send,
            notice="commented",
        )

    @post(
        "/applications/{application_id:uuid}/return", summary="Return for revision", opt=STAFF_ONLY
    )
    async def send_back(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        registry: NamedDependency[RegistryClient],
    ) -> Template | Redirect:
        async def send(values: dict[str, str]) -> None:
            await logic.act(
                applications,
                application_id,
                "return",
                {"version": logic.version_of(values), "comment": values.get("comment", "")},
            )

        return await self._act(
            request,
            application_id,
            settings,
            applications,
            registry,
            name="return",
            fields={"comment"},
            body=send,
            notice="returned",
        )

    @post(
        "/applications/{application_id:uuid}/review", summary="Hand to the reviewer", opt=STAFF_ONLY
    )
    async def review(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        registry: NamedDependency[RegistryClient],
    ) -> Template | Redirect:
        async def send(values: dict[str, str]) -> None:
            reviewer = _uuid(values.get("reviewer_id", ""))
            if reviewer is None:
                raise BackendRefusedError(
                    "Выберите методиста, который проведёт экспертизу",
                    status=422,
                    field="reviewer_id",
                )
            await logic.act(
                applications,
                application_id,
                "review",
                {"version": logic.version_of(values), "reviewer_id": str(reviewer)},
            )

        return await self._act(
            request,
            application_id,
            settings,
            applications,
            registry,
            name="review",
            fields={"reviewer_id"},
            body=send,
            notice="review",
        )

    @post(
        "/applications/{application_id:uuid}/conclusion",
        summary="Expert conclusion",
        opt=STAFF_ONLY,
    )
    async def conclude(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        registry: NamedDependency[RegistryClient],
    ) -> Template | Redirect:
        async def send(values: dict[str, str]) -> None:
            recommendation = values.get("recommendation", "")
            if recommendation not in logic.RECOMMENDATIONS:
                raise BackendRefusedError(
                    "Выберите рекомендацию: присвоить статус или отказать",
                    status=422,
                    field="recommendation",
                )
            confirmed = {
                name.removeprefix("confirm_"): value == "yes"
                for name, value in values.items()
                if name.startswith("confirm_") and value in ("yes", "no")
            }
            await logic.act(
                applications,
                application_id,
                "conclusion",
                {
                    "version": logic.version_of(values),
                    "conclusion": values.get("conclusion", ""),
                    "recommendation": recommendation,
                    "eligibility_confirmed": confirmed,
                },
            )

        return await self._act(
            request,
            application_id,
            settings,
            applications,
            registry,
            name="conclusion",
            fields={"conclusion", "recommendation", "eligibility_confirmed"},
            body=send,
            notice="concluded",
        )

    @post("/applications/{application_id:uuid}/withdraw", summary="Withdraw", opt=APPLICANTS)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        applications: NamedDependency[ApplicationsClient],
        registry: NamedDependency[RegistryClient],
    ) -> Template | Redirect:
        async def send(values: dict[str, str]) -> None:
            await logic.act(
                applications,
                application_id,
                "withdraw",
                {"version": logic.version_of(values), "reason": values.get("reason", "")},
            )

        return await self._act(
            request,
            application_id,
            settings,
            applications,
            registry,
            name="withdraw",
            fields={"reason"},
            body=send,
            notice="withdrawn",
        )


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None
