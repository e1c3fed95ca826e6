"""Needs surveys (``/growth/surveys``): the IMC builds a draft one question at a time,
opens it to the target group, closes it, repeats it next year, reads the results and
confirms the deficits the answers point to; a teacher answers at
``/growth/surveys/{survey_id}`` (the notifications link there) while it is open."""

import asyncio
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from imc_portal.api.growth_common import ERRORS, after, invalid, read_form, render, visitor
from imc_portal.api.growth_schemas import Survey
from imc_portal.clients import BackendError, BackendRefusedError, GrowthClient
from imc_portal.services.accounts import Clock
from imc_portal.services.growth import (
    NOT_LINKED,
    TEACHERS_AND_STAFF,
    Forms,
    FormState,
    local_today,
    next_school_year,
    refusal,
    version_of,
)
from imc_portal.services.growth_surveys import (
    COPY_FIELDS,
    OPTION_ROWS,
    QUESTION_FIELDS,
    QUESTION_KINDS,
    SCALE,
    SCALE_TITLES,
    SURVEY_FIELDS,
    SURVEY_RENAME,
    answer_field,
    answer_text,
    answers_body,
    answers_state,
    change_text,
    copy_body,
    my_survey,
    new_question,
    new_survey_state,
    organisations_of,
    question_body,
    question_field,
    results_page,
    sort_mine,
    survey_body,
    survey_page,
    survey_state,
    target_options,
)
from imc_portal.settings import PortalSettings
from imc_shared.auth import STAFF, Role, roles

STAFF_ONLY = roles(STAFF)
ANSWERING = roles(TEACHERS_AND_STAFF)
SURVEY_STATUSES = (("draft", "черновики"), ("open", "идёт опрос"), ("closed", "завершённые"))


def _survey_path(survey_id: UUID) -> str:
    return f"/growth/surveys/{survey_id}"


class SurveysController(Controller):
    """Needs surveys: building, opening, closing, results, answers."""

    include_in_schema = False
    exception_handlers = ERRORS

    # --- the list ----------------------------------------------------------------------

    @get("/growth/surveys", summary="Surveys (page): the IMC's, or the teacher's", opt=ANSWERING)
    async def index(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
        status: FromQuery[str | None] = None,
        notice: FromQuery[str | None] = None,
    ) -> Template:
        person = visitor(request)
        if person.role is Role.TEACHER:
            if person.person_id is None:
                return render(
                    request, settings, "growth_note.html", {"message": NOT_LINKED}, tab="surveys"
                )
            mine = sort_mine(await growth.my_surveys())
            return render(
                request,
                settings,
                "growth_my_surveys.html",
                {"mine": mine},
                tab="surveys",
                notice=notice,
            )
        today = local_today(clock(), ZoneInfo(settings.time_zone))
        chosen = status if status in dict(SURVEY_STATUSES) else None
        return await self._list(request, settings, growth, new_survey_state(today), chosen)

    @post("/growth/surveys", summary="Build a survey (a draft)", opt=STAFF_ONLY)
    async def create(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = survey_body(state, patch=False)
        if state.failed:
            return await self._list(request, settings, growth, invalid(state), None)
        try:
            survey = await growth.send("POST", "/surveys", Survey, json=body)
        except BackendRefusedError as error:
            failed = refusal(error, SURVEY_FIELDS, values=state.values, rename=SURVEY_RENAME)
            return await self._list(request, settings, growth, failed, None)
        return after(_survey_path(survey.id), "survey-created")

    async def _list(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        state: FormState,
        status: str | None,
        notice: str | None = None,
    ) -> Template:
        surveys, vocabulary, teachers = await asyncio.gather(
            growth.surveys(status=status), growth.vocabulary(), growth.teachers()
        )
        return render(
            request,
            settings,
            "growth_surveys.html",
            {
                "surveys": surveys,
                "status": status or "",
                "statuses": SURVEY_STATUSES,
                "state": state,
                "prefix": "",
                **target_options(vocabulary, organisations_of(teachers)),
            },
            tab="surveys",
            status_code=state.status_code,
            notice=notice,
        )

    # --- one survey --------------------------------------------------------------------

    @get(
        "/growth/surveys/{survey_id:uuid}",
        summary="A survey (page): the IMC builds it, a teacher answers it",
        opt=ANSWERING,
    )
    async def show(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        if visitor(request).role is Role.TEACHER:
            return await self._answer(request, settings, growth, survey_id, None, notice)
        return await self._survey(request, settings, growth, survey_id, Forms(), notice)

    @post("/growth/surveys/{survey_id:uuid}", summary="Answer a survey", opt=roles(Role.TEACHER))
    async def answer(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        survey, _, _ = await my_survey(growth, survey_id)
        body = answers_body(survey, state)
        if state.failed:
            return await self._answer(request, settings, growth, survey_id, invalid(state))
        try:
            await growth.send("PUT", f"/surveys/{survey_id}/response", dict[str, Any], json=body)
        except BackendRefusedError as error:
            fields = {q.field for q in survey.questions}
            name = answer_field(error.field)
            failed = refusal(
                error, fields, values=state.values, rename={error.field or "": name or ""}
            )
            return await self._answer(request, settings, growth, survey_id, failed)
        return after(_survey_path(survey_id), "answers-saved")

    async def _answer(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        survey_id: UUID,
        state: FormState | None,
        notice: str | None = None,
    ) -> Template:
        if visitor(request).person_id is None:
            return render(
                request, settings, "growth_note.html", {"message": NOT_LINKED}, tab="surveys"
            )
        survey, can_answer, response = await my_survey(growth, survey_id)
        if state is None:
            state = answers_state(survey, response)
        elif response is not None and not state.value("version"):
            state.values["version"] = str(response.version)
        return render(
            request,
            settings,
            "growth_answer.html",
            {
                "survey": survey,
                "can_answer": can_answer,
                "response": response,
                "state": state,
                "scale": SCALE,
                "scale_titles": SCALE_TITLES,
                "answer_text": answer_text,
            },
            tab="surveys",
            status_code=state.status_code,
            notice=notice,
        )

    async def _survey(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        survey_id: UUID,
        forms: Forms,
        notice: str | None = None,
        status_code: int = 200,
    ) -> Template:
        page = await survey_page(growth, survey_id)
        survey = page.survey
        if "survey" not in forms:
            forms["survey"] = survey_state(survey)
        if "question" not in forms:
            forms["question"] = FormState(values={"kind": "single", "required": "1"})
        if "copy" not in forms:
            forms["copy"] = FormState(
                values={"copy_school_year": next_school_year(survey.school_year)}
            )
        return render(
            request,
            settings,
            "growth_survey.html",
            {
                "page": page,
                "survey": survey,
                "forms": forms,
                "question_kinds": QUESTION_KINDS,
                "option_rows": OPTION_ROWS,
                "prefix": "survey-",
                **target_options(page.vocabulary, page.organisations),
            },
            tab="surveys",
            status_code=status_code,
            notice=notice,
        )

    # --- changes of a draft ------------------------------------------------------------

    @post("/growth/surveys/{survey_id:uuid}/edit", summary="Change a draft", opt=STAFF_ONLY)
    async def edit(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = survey_body(state, patch=True)
        if state.failed:
            return await self._failed(
                request, settings, growth, survey_id, "survey", invalid(state)
            )
        try:
            await growth.send("PATCH", f"/surveys/{survey_id}", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, SURVEY_FIELDS, values=state.values, rename=SURVEY_RENAME)
            return await self._failed(request, settings, growth, survey_id, "survey", failed)
        return after(_survey_path(survey_id), "survey-saved")

    @post(
        "/growth/surveys/{survey_id:uuid}/questions",
        summary="Add a question to a draft",
        opt=STAFF_ONLY,
    )
    async def add_question(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        question = new_question(state)
        if state.failed:
            return await self._failed(
                request, settings, growth, survey_id, "question", invalid(state)
            )
        survey = await growth.survey(survey_id)
        questions = [question_body(q) for q in survey.questions] + [question]
        body: dict[str, Any] = {"questions": questions}
        body["version"] = version_of(state) or survey.version
        try:
            await growth.send("PATCH", f"/surveys/{survey_id}", dict[str, Any], json=body)
        except BackendRefusedError as error:
            name = question_field(error.field, len(questions) - 1)
            failed = refusal(
                error, QUESTION_FIELDS, values=state.values, rename={error.field or "": name or ""}
            )
            return await self._failed(request, settings, growth, survey_id, "question", failed)
        return after(_survey_path(survey_id), "question-added")

    @post(
        "/growth/surveys/{survey_id:uuid}/questions/{question_id:uuid}/remove",
        summary="Remove a question from a draft",
        opt=STAFF_ONLY,
    )
    async def remove_question(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        question_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        survey = await growth.survey(survey_id)
        body = {
            "questions": [question_body(q) for q in survey.questions if q.id != question_id],
            "version": version_of(state) or survey.version,
        }
        try:
            await growth.send("PATCH", f"/surveys/{survey_id}", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, (), values={})
            return await self._failed(request, settings, growth, survey_id, "actions", failed)
        return after(_survey_path(survey_id), "question-removed")

    @post("/growth/surveys/{survey_id:uuid}/open", summary="Open a survey", opt=STAFF_ONLY)
    async def open(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        return await self._action(request, settings, growth, survey_id, "open", "survey-opened")

    @post("/growth/surveys/{survey_id:uuid}/close", summary="Close a survey", opt=STAFF_ONLY)
    async def close(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        return await self._action(request, settings, growth, survey_id, "close", "survey-closed")

    async def _action(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        survey_id: UUID,
        action: str,
        notice: str,
    ) -> Template | Redirect:
        state = await read_form(request)
        body = {"version": version_of(state)}
        try:
            await growth.send("POST", f"/surveys/{survey_id}/{action}", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, (), values={})
            return await self._failed(request, settings, growth, survey_id, "actions", failed)
        return after(_survey_path(survey_id), notice)

    @post(
        "/growth/surveys/{survey_id:uuid}/copy",
        summary="Repeat a survey next year (a new draft)",
        opt=STAFF_ONLY,
    )
    async def copy(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = copy_body(state)
        if state.failed:
            return await self._failed(request, settings, growth, survey_id, "copy", invalid(state))
        try:
            survey = await growth.send("POST", f"/surveys/{survey_id}/copy", Survey, json=body)
        except BackendRefusedError as error:
            rename = {"school_year": "copy_school_year", "title": "copy_title"}
            rename["closes_on"] = "copy_closes_on"
            failed = refusal(error, COPY_FIELDS, values=state.values, rename=rename)
            return await self._failed(request, settings, growth, survey_id, "copy", failed)
        return after(_survey_path(survey.id), "survey-copied")

    async def _failed(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        survey_id: UUID,
        form: str,
        state: FormState,
    ) -> Template:
        forms = Forms({form: state})
        return await self._survey(
            request, settings, growth, survey_id, forms, status_code=state.status_code
        )

    # --- results and proposals ---------------------------------------------------------

    @get(
        "/growth/surveys/{survey_id:uuid}/results",
        summary="A survey's results with charts (page)",
        opt=STAFF_ONLY,
    )
    async def results(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template:
        page = await results_page(growth, survey_id)
        return render(
            request,
            settings,
            "growth_results.html",
            {"page": page, "change_text": change_text},
            tab="surveys",
        )

    @get(
        "/growth/surveys/{survey_id:uuid}/proposals",
        summary="Deficits a closed survey points to (page)",
        opt=STAFF_ONLY,
    )
    async def proposals(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template:
        return await self._proposals(request, settings, growth, survey_id, None)

    @post(
        "/growth/surveys/{survey_id:uuid}/proposals",
        summary="Confirm the proposed deficits",
        opt=STAFF_ONLY,
    )
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        survey_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        items = []
        for value in state.chosen("item"):
            person, _, rest = value.partition("|")
            code, _, subject = rest.partition("|")
            items.append({"person_id": person, "competency_code": code, "subject": subject})
        if not items:
            state.errors["item"] = "Отметьте хотя бы один предложенный дефицит."
            return await self._proposals(request, settings, growth, survey_id, invalid(state))
        body = {"items": items, "note": state.value("note")}
        try:
            await growth.send(
                "POST", f"/surveys/{survey_id}/deficit-proposals", list[dict[str, Any]], json=body
            )
        except BackendRefusedError as error:
            failed = refusal(error, {"item", "note"}, values=state.values, rename={"items": "item"})
            return await self._proposals(request, settings, growth, survey_id, failed)
        return after(f"/growth/surveys/{survey_id}/proposals", "proposals-confirmed")

    async def _proposals(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        survey_id: UUID,
        state: FormState | None,
    ) -> Template:
        survey = await growth.survey(survey_id)
        rows, unavailable = [], ""
        try:
            rows = await growth.proposals(survey_id)
        except BackendError as error:
            unavailable = error.message
        if state is None:
            state = FormState(values={"item": [p.item for p in rows if not p.recorded]})
        notice = request.query_params.get("notice")
        return render(
            request,
            settings,
            "growth_proposals.html",
            {"survey": survey, "rows": rows, "unavailable": unavailable, "state": state},
            tab="surveys",
            status_code=state.status_code,
            notice=notice,
        )
