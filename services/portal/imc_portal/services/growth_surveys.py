"""Needs surveys in the portal: building a draft one question at a time, the teacher's
answer form, and the results as bars (per question, per school, per subject, beside
last year's survey).

The growth service keeps the rules (what a question needs, who may answer, when); the
portal turns forms into its bodies and puts its refusals next to the fields.
"""

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from imc_portal.api.growth_schemas import (
    Competency,
    MySurvey,
    Survey,
    SurveyComparison,
    SurveyQuestion,
    SurveyResponse,
    SurveyResults,
    Teacher,
    Vocabulary,
)
from imc_portal.clients import BackendError, BackendNotFoundError, GrowthClient
from imc_portal.services.growth import (
    FormState,
    read_date,
    school_year_of,
    split_list,
)

QUESTION_KINDS = (
    ("single", "один вариант ответа"),
    ("multiple", "несколько вариантов ответа"),
    ("scale", "шкала от 1 до 5"),
    ("text", "свободный ответ"),
)
CHOICE_KINDS = frozenset({"single", "multiple"})
OPTION_ROWS = 8
"""Rows for choices in the form that adds a question."""
SCALE = (1, 2, 3, 4, 5)
SCALE_TITLES = {1: "1 — очень низко", 2: "2", 3: "3", 4: "4", 5: "5 — очень высоко"}

SURVEY_FIELDS = frozenset(
    {
        "title",
        "school_year",
        "description",
        "closes_on",
        "organisation_ids",
        "subjects",
        "staff_groups",
        "categories",
    }
)
SURVEY_RENAME = {
    "target.organisation_ids": "organisation_ids",
    "target.subjects": "subjects",
    "target.staff_groups": "staff_groups",
    "target.categories": "categories",
}
QUESTION_FIELDS = frozenset({"kind", "text", "options", "competency"})
COPY_FIELDS = frozenset({"copy_school_year", "copy_title", "copy_closes_on"})
_QUESTION_FIELD = re.compile(r"^questions\[(\d+)\]\.(\w+)$")


# --- the draft -------------------------------------------------------------------------


def new_survey_state(today: date) -> FormState:
    """The form of a new survey: this school year."""
    return FormState(values={"school_year": school_year_of(today)})


def survey_state(survey: Survey) -> FormState:
    """The survey form filled from a survey."""
    target = survey.target
    return FormState(
        values={
            "title": survey.title,
            "school_year": survey.school_year,
            "description": survey.description,
            "closes_on": survey.closes_on.isoformat() if survey.closes_on else "",
            "organisation_ids": [str(o) for o in target.organisation_ids],
            "subjects": ", ".join(target.subjects),
            "staff_groups": list(target.staff_groups),
            "categories": list(target.categories),
            "version": str(survey.version),
        }
    )


def survey_body(state: FormState, *, patch: bool) -> dict[str, Any]:
    """The service's body for the survey form; the portal's own checks go to ``state``."""
    title = " ".join(state.value("title").split())
    if not title:
        state.errors["title"] = "Укажите название анкеты."
    school_year = state.value("school_year")
    if not school_year:
        state.errors["school_year"] = "Укажите учебный год, например 2026/2027."
    closes_on = read_date(state, "closes_on")
    body: dict[str, Any] = {
        "title": title,
        "school_year": school_year,
        "description": state.value("description"),
        "closes_on": closes_on.isoformat() if closes_on else None,
        "target": {
            "organisation_ids": state.chosen("organisation_ids"),
            "subjects": split_list(state.value("subjects")),
            "staff_groups": state.chosen("staff_groups"),
            "categories": state.chosen("categories"),
        },
    }
    if patch and state.value("version").isdigit():
        body["version"] = int(state.value("version"))
    return body


def question_body(question: SurveyQuestion) -> dict[str, Any]:
    """A question of the survey as the service takes it back (for a PATCH that
    replaces every question)."""
    return {
        "kind": question.kind,
        "text": question.text,
        "required": question.required,
        "options": [
            {"key": o.key, "text": o.text, "competency": o.competency} for o in question.options
        ],
        "competency": question.competency,
    }


def new_question(state: FormState) -> dict[str, Any]:
    """The question the form adds; the portal's own checks go to ``state``."""
    kind = state.value("kind")
    text = state.value("text")
    if kind not in dict(QUESTION_KINDS):
        state.errors["kind"] = "Выберите вид вопроса."
    if not text:
        state.errors["text"] = "Укажите текст вопроса."
    options = []
    for row in range(1, OPTION_ROWS + 1):
        option_text = state.value(f"option-{row}")
        if option_text:
            options.append(
                {
                    "key": f"v{row}",
                    "text": option_text,
                    "competency": state.value(f"option-{row}-competency") or None,
                }
            )
    if kind in CHOICE_KINDS and len(options) < 2:
        state.errors["options"] = "Укажите не менее двух вариантов ответа."
    return {
        "kind": kind,
        "text": text,
        "required": state.value("required") == "1",
        "options": options if kind in CHOICE_KINDS else [],
        "competency": (state.value("competency") or None) if kind == "scale" else None,
    }


def question_field(field_name: str | None, index: int) -> str | None:
    """The add-question form's field a refusal about ``questions[index].x`` names (the
    new question is the last one); None when it is about another question."""
    found = _QUESTION_FIELD.match(field_name or "")
    if found is None:
        return field_name
    if int(found.group(1)) != index:
        return None
    return found.group(2)


def copy_body(state: FormState) -> dict[str, Any]:
    """The body of «repeat next year»: empty fields leave the service's defaults."""
    body: dict[str, Any] = {}
    if state.value("copy_school_year"):
        body["school_year"] = state.value("copy_school_year")
    if state.value("copy_title"):
        body["title"] = state.value("copy_title")
    closes_on = read_date(state, "copy_closes_on")
    if closes_on:
        body["closes_on"] = closes_on.isoformat()
    return body


@dataclass(frozen=True)
class Organisation:
    """A school to pick for a target group."""

    id: str
    name: str


def organisations_of(teachers: list[Teacher]) -> list[Organisation]:
    """The schools teachers work at, by name."""
    found = {
        str(t.organisation_id): t.organisation or str(t.organisation_id)
        for t in teachers
        if t.organisation_id
    }
    return sorted(
        (Organisation(id=k, name=v) for k, v in found.items()), key=lambda o: o.name.casefold()
    )


def target_options(
    vocabulary: Vocabulary, organisations: list[Organisation]
) -> dict[str, list[tuple[str, str]]]:
    """What the target group's fields offer: (value, title) pairs."""
    return {
        "organisation_options": [(o.id, o.name) for o in organisations],
        "staff_group_options": [(c.code, c.title) for c in vocabulary.staff_groups],
        "category_options": [(c.code, c.title) for c in vocabulary.qualification_categories],
    }


@dataclass
class SurveyPage:
    """What a survey's page shows to the IMC's staff."""

    survey: Survey
    competencies: list[Competency]
    vocabulary: Vocabulary
    organisations: list[Organisation]

    @property
    def competency_titles(self) -> dict[str, str]:
        return {c.code: c.title for c in self.competencies}

    @property
    def organisation_names(self) -> dict[str, str]:
        return {o.id: o.name for o in self.organisations}

    def target_lines(self) -> list[tuple[str, str]]:
        """Who is asked, in words: (what, whom)."""
        target = self.survey.target
        groups = {c.code: c.title for c in self.vocabulary.staff_groups}
        categories = {c.code: c.title for c in self.vocabulary.qualification_categories}
        names = self.organisation_names
        return [
            (
                "Организации",
                ", ".join(names.get(str(o), str(o)) for o in target.organisation_ids)
                or "все организации",
            ),
            ("Предметы", ", ".join(target.subjects) or "все предметы"),
            (
                "Группы работников",
                ", ".join(groups.get(g, g) for g in target.staff_groups) or "все группы",
            ),
            (
                "Квалификационные категории",
                ", ".join(categories.get(c, c) for c in target.categories) or "все категории",
            ),
        ]


async def survey_page(growth: GrowthClient, survey_id: UUID) -> SurveyPage:
    """A survey with what its forms offer: competencies, groups, schools."""
    survey, competencies, vocabulary, teachers = await asyncio.gather(
        growth.survey(survey_id),
        growth.competencies(),
        growth.vocabulary(),
        growth.teachers(),
    )
    return SurveyPage(
        survey=survey,
        competencies=competencies,
        vocabulary=vocabulary,
        organisations=organisations_of(teachers),
    )


# --- answers ---------------------------------------------------------------------------


def answers_state(survey: Survey, response: SurveyResponse | None) -> FormState:
    """The answer form filled from the teacher's answers so far."""
    values: dict[str, Any] = {}
    answers = response.answers if response else {}
    for question in survey.questions:
        given = answers.get(str(question.id))
        if given is None:
            continue
        if isinstance(given, list):
            values[question.field] = [str(v) for v in given]
        else:
            values[question.field] = str(given)
    if response is not None:
        values["version"] = str(response.version)
    return FormState(values=values)


def answers_body(survey: Survey, state: FormState) -> dict[str, Any]:
    """The answers as the service takes them: a key, a list of keys, a mark, a text;
    unanswered questions left out (the service says which are required)."""
    answers: dict[str, Any] = {}
    for question in survey.questions:
        name = question.field
        if question.kind == "multiple":
            chosen = state.chosen(name)
            if chosen:
                answers[str(question.id)] = chosen
            continue
        value = state.value(name)
        if not value:
            continue
        if question.kind == "scale":
            if value.isdigit():
                answers[str(question.id)] = int(value)
            else:
                state.errors[name] = "Выберите оценку от 1 до 5."
            continue
        answers[str(question.id)] = value
    body: dict[str, Any] = {"answers": answers}
    if state.value("version").isdigit():
        body["version"] = int(state.value("version"))
    return body


def answer_field(field_name: str | None) -> str | None:
    """The answer form's field a refusal names (``answers.<id>`` → ``q-<id>``)."""
    if field_name and field_name.startswith("answers."):
        return "q-" + field_name.removeprefix("answers.")
    return field_name


def answer_text(question: SurveyQuestion, value: Any) -> str:
    """An answer as words: the options' texts, the mark, the text."""
    if value is None or value in ("", []):
        return "нет ответа"
    texts = {o.key: o.text for o in question.options}
    if isinstance(value, list):
        return "; ".join(texts.get(str(v), str(v)) for v in value)
    if question.kind == "scale":
        return f"{value} из 5"
    return texts.get(str(value), str(value))


@dataclass
class MySurveys:
    """The teacher's surveys: to answer, answered (still editable), finished."""

    waiting: list[MySurvey] = field(default_factory=list)
    answered: list[MySurvey] = field(default_factory=list)
    finished: list[MySurvey] = field(default_factory=list)


def sort_mine(rows: list[MySurvey]) -> MySurveys:
    """The teacher's surveys in three groups."""
    out = MySurveys()
    for row in rows:
        if not row.can_answer:
            out.finished.append(row)
        elif row.response is None:
            out.waiting.append(row)
        else:
            out.answered.append(row)
    return out


async def my_survey(
    growth: GrowthClient, survey_id: UUID
) -> tuple[Survey, bool, SurveyResponse | None]:
    """A survey as the teacher sees it: the survey, whether they may answer now, and
    their answers so far."""
    mine = await growth.my_surveys()
    found = next((m for m in mine if m.survey.id == survey_id), None)
    if found is not None:
        return found.survey, found.can_answer, found.response
    survey = await growth.survey(survey_id)  # a 404 for one not addressed to them
    return survey, False, await growth.response(survey_id)


# --- results ---------------------------------------------------------------------------


@dataclass
class ResultsPage:
    """A survey's results and, for a repeated survey, last year's beside them."""

    survey: Survey
    results: SurveyResults
    comparison: SurveyComparison | None
    comparison_note: str = ""


async def results_page(growth: GrowthClient, survey_id: UUID) -> ResultsPage:
    """The survey, its distributions and the comparison with last year (if it repeats
    one; a failure of the comparison only leaves a note)."""
    survey, results = await asyncio.gather(growth.survey(survey_id), growth.results(survey_id))
    comparison, note = None, ""
    if survey.repeat_of is not None:
        try:
            comparison = await growth.comparison(survey_id)
        except BackendNotFoundError:
            note = "Прошлогодняя анкета не найдена: сравнивать не с чем."
        except BackendError as error:
            note = error.message
    return ResultsPage(survey=survey, results=results, comparison=comparison, comparison_note=note)


def bar_width(share: float | None) -> float:
    """A share from 0 to 1 as the width of a bar in per cent of the chart."""
    if share is None:
        return 0.0
    return round(max(0.0, min(1.0, float(share))) * 100, 1)


def change_text(change: float | None) -> str:
    """A change in percentage points: «+12,5 п. п.», «−3 п. п.», «новый вариант»."""
    if change is None:
        return "новый вариант"
    rounded = round(float(change), 1)
    if rounded == 0:
        return "без изменений"
    number = f"{abs(rounded):g}".replace(".", ",")
    return f"+{number} п. п." if rounded > 0 else f"−{number} п. п."
