"""Needs monitoring (002 §4.1, 003 §4.1): surveys, their questions, who is asked, what an
answer may be, how answers are summarised and compared with last year's survey, and
which answers point to a professional deficit."""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final
from uuid import UUID

import msgspec

from imc_contracts.vocabulary import QUALIFICATION_CATEGORY_TITLES, STAFF_GROUP_TITLES
from imc_growth.domain.matching import fold
from imc_shared.errors import Conflict, InvalidInput

QUESTION_KIND_TITLES: Final = {
    "single": "один вариант ответа",
    "multiple": "несколько вариантов ответа",
    "scale": "шкала от 1 до 5",
    "text": "свободный ответ",
}
SURVEY_STATUS_TITLES: Final = {
    "draft": "черновик",
    "open": "идёт опрос",
    "closed": "опрос завершён",
}
SCALE: Final = (1, 2, 3, 4, 5)
LOW_SCALE: Final = 2
"""A scale answer at or below this points to the question's competency."""
MAX_QUESTIONS: Final = 100
MAX_OPTIONS: Final = 30
MAX_TEXT_ANSWER: Final = 5000
NO_SUBJECT: Final = "предмет не указан"
_YEAR = re.compile(r"^(\d{4})/(\d{4})$")
_OPTION_KEY = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class Option(msgspec.Struct, kw_only=True):
    """A choice of a question; ``competency`` is the code a chosen answer points to."""

    key: str
    text: str
    competency: str | None = None


class Question(msgspec.Struct, kw_only=True):
    """A question as the rules see it."""

    id: UUID
    position: int
    kind: str
    text: str
    required: bool = True
    options: list[Option] = msgspec.field(default_factory=list)
    competency: str | None = None
    copied_from: UUID | None = None


class TargetGroup(msgspec.Struct, kw_only=True):
    """Who a survey asks; an empty list does not narrow."""

    organisation_ids: list[UUID] = msgspec.field(default_factory=list)
    subjects: list[str] = msgspec.field(default_factory=list)
    staff_groups: list[str] = msgspec.field(default_factory=list)
    categories: list[str] = msgspec.field(default_factory=list)


class Respondent(msgspec.Struct, kw_only=True):
    """A teacher as the target group rule sees them."""

    person_id: UUID
    organisation_id: UUID | None
    subjects: list[str]
    staff_group: str
    qualification_category: str
    archived: bool = False


class Answered(msgspec.Struct, kw_only=True):
    """One response as the summaries see it (no name)."""

    organisation_id: UUID | None
    subjects: list[str]
    answers: dict[str, Any]


# --- checks ---------------------------------------------------------------------------


def check_school_year(school_year: str) -> str:
    """«2026/2027»: two consecutive years."""
    cleaned = school_year.strip()
    found = _YEAR.match(cleaned)
    if not found or int(found.group(2)) != int(found.group(1)) + 1:
        raise InvalidInput(
            "Учебный год указывается как два последовательных года через косую черту, "
            "например 2026/2027",
            field="school_year",
        )
    return cleaned


def next_school_year(school_year: str) -> str:
    """The year after «2026/2027»: «2027/2028»."""
    first = int(school_year.split("/")[0]) + 1
    return f"{first}/{first + 1}"


def school_year_of(day: date) -> str:
    """The school year a day falls in (from 1 September)."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{first + 1}"


def check_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if len(cleaned) < 5:
        raise InvalidInput("Укажите название анкеты (не короче 5 символов)", field="title")
    if len(cleaned) > 300:
        raise InvalidInput("Название анкеты длиннее 300 символов", field="title")
    return cleaned


def check_target(target: TargetGroup) -> TargetGroup:
    """Known staff groups and categories; subjects trimmed."""
    for group in target.staff_groups:
        if group not in STAFF_GROUP_TITLES:
            raise InvalidInput(
                f"Неизвестная группа работников «{group}»; допустимые: "
                + ", ".join(STAFF_GROUP_TITLES),
                field="target.staff_groups",
            )
    for category in target.categories:
        if category not in QUALIFICATION_CATEGORY_TITLES:
            raise InvalidInput(
                f"Неизвестная квалификационная категория «{category}»; допустимые: "
                + ", ".join(QUALIFICATION_CATEGORY_TITLES),
                field="target.categories",
            )
    subjects: dict[str, str] = {}
    for subject in target.subjects:
        text = " ".join(subject.split())
        if text and fold(text) not in subjects:
            subjects[fold(text)] = text
    return TargetGroup(
        organisation_ids=list(dict.fromkeys(target.organisation_ids)),
        subjects=list(subjects.values()),
        staff_groups=list(dict.fromkeys(target.staff_groups)),
        categories=list(dict.fromkeys(target.categories)),
    )


def check_questions(questions: Sequence[Question], known_competencies: Iterable[str]) -> None:
    """Every question has a known kind and text; choices have distinct keys; a pointer
    to a competency names one of the catalogue."""
    known = set(known_competencies)
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(f"Не более {MAX_QUESTIONS} вопросов в анкете", field="questions")
    for number, question in enumerate(questions, start=1):
        where = f"questions[{number - 1}]"
        if question.kind not in QUESTION_KIND_TITLES:
            raise InvalidInput(
                f"Вопрос {number}: неизвестный вид «{question.kind}»; допустимые: "
                + ", ".join(QUESTION_KIND_TITLES),
                field=f"{where}.kind",
            )
        if not question.text.strip():
            raise InvalidInput(f"Вопрос {number}: укажите текст вопроса", field=f"{where}.text")
        if question.kind in ("single", "multiple"):
            if len(question.options) < 2:
                raise InvalidInput(
                    f"Вопрос {number}: укажите не менее двух вариантов ответа",
                    field=f"{where}.options",
                )
            if len(question.options) > MAX_OPTIONS:
                raise InvalidInput(
                    f"Вопрос {number}: не более {MAX_OPTIONS} вариантов ответа",
                    field=f"{where}.options",
                )
            keys = [o.key for o in question.options]
            if len(set(keys)) != len(keys) or not all(_OPTION_KEY.match(k) for k in keys):
                raise InvalidInput(
                    f"Вопрос {number}: ключи вариантов ответа должны быть разными "
                    "(латинские буквы, цифры, «_», «-»)",
                    field=f"{where}.options",
                )
            for option in question.options:
                if not option.text.strip():
                    raise InvalidInput(
                        f"Вопрос {number}: укажите текст каждого варианта ответа",
                        field=f"{where}.options",
                    )
                if option.competency is not None and option.competency not in known:
                    raise InvalidInput(
                        f"Вопрос {number}: компетенции «{option.competency}» нет в каталоге",
                        field=f"{where}.options",
                    )
        elif question.options:
            raise InvalidInput(
                f"Вопрос {number}: варианты ответа бывают только у вопросов с выбором",
                field=f"{where}.options",
            )
        if question.competency is not None:
            if question.kind != "scale":
                raise InvalidInput(
                    f"Вопрос {number}: на компетенцию указывает низкая оценка по шкале; у "
                    "вопроса с выбором компетенцию указывают варианты ответа",
                    field=f"{where}.competency",
                )
            if question.competency not in known:
                raise InvalidInput(
                    f"Вопрос {number}: компетенции «{question.competency}» нет в каталоге",
                    field=f"{where}.competency",
                )


def check_openable(
    status: str, questions: Sequence[Question], closes_on: date | None, today: date
) -> None:
    """A draft with questions, closing no earlier than today, may be opened."""
    if status != "draft":
        raise Conflict(
            f"Открыть можно только черновик анкеты; анкета: «{SURVEY_STATUS_TITLES[status]}»",
            field="status",
        )
    if not questions:
        raise InvalidInput("В анкете нет вопросов: добавьте хотя бы один", field="questions")
    if closes_on is not None and closes_on < today:
        raise InvalidInput(
            f"Дата окончания опроса {closes_on:%d.%m.%Y} уже прошла", field="closes_on"
        )


def in_target(target: TargetGroup, teacher: Respondent) -> bool:
    """Whether a teacher belongs to a survey's target group."""
    if teacher.archived:
        return False
    if target.organisation_ids and teacher.organisation_id not in target.organisation_ids:
        return False
    if target.subjects:
        wanted = {fold(s) for s in target.subjects}
        if not wanted & {fold(s) for s in teacher.subjects}:
            return False
    if target.staff_groups and teacher.staff_group not in target.staff_groups:
        return False
    return not (target.categories and teacher.qualification_category not in target.categories)


def is_open_for_answers(status: str, closes_on: date | None, today: date) -> bool:
    """Answers are taken while the survey is open and its closing day has not passed."""
    return status == "open" and (closes_on is None or today <= closes_on)


def check_answers(questions: Sequence[Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers, validated against the questions; unanswered optional ones left out."""
    by_id = {str(q.id): q for q in questions}
    unknown = [key for key in answers if key not in by_id]
    if unknown:
        raise InvalidInput("Ответ на вопрос, которого нет в анкете", field=f"answers.{unknown[0]}")
    clean: dict[str, Any] = {}
    for question in sorted(questions, key=lambda q: q.position):
        key = str(question.id)
        number = question.position
        value = answers.get(key)
        if value is None or value == "" or value == []:
            if question.required:
                raise InvalidInput(
                    f"Ответьте на обязательный вопрос {number}: «{question.text}»",
                    field=f"answers.{key}",
                )
            continue
        clean[key] = _check_answer(question, value, f"answers.{key}")
    return clean


def _check_answer(question: Question, value: Any, field: str) -> Any:
    number = question.position
    keys = [o.key for o in question.options]
    if question.kind == "single":
        if not isinstance(value, str) or value not in keys:
            raise InvalidInput(f"Вопрос {number}: выберите один из вариантов", field=field)
        return value
    if question.kind == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidInput(f"Вопрос {number}: ожидается список вариантов", field=field)
        chosen = list(dict.fromkeys(value))
        if any(v not in keys for v in chosen):
            raise InvalidInput(f"Вопрос {number}: такого варианта ответа нет", field=field)
        return chosen
    if question.kind == "scale":
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise InvalidInput(f"Вопрос {number}: оценка — целое число от 1 до 5", field=field)
        return value
    if not isinstance(value, str):
        raise InvalidInput(f"Вопрос {number}: ожидается текст ответа", field=field)
    text = value.strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise InvalidInput(
            f"Вопрос {number}: ответ длиннее {MAX_TEXT_ANSWER} символов", field=field
        )
    return text


# --- summaries ------------------------------------------------------------------------


class OptionCount(msgspec.Struct, kw_only=True):
    key: str
    text: str
    count: int
    share: float
    """Of those who answered the question, 0..1 (for a chart)."""


class ScaleCount(msgspec.Struct, kw_only=True):
    value: int
    count: int
    share: float


class QuestionSummary(msgspec.Struct, kw_only=True):
    """The distribution of answers to one question."""

    question_id: UUID
    position: int
    kind: str
    text: str
    answered: int
    options: list[OptionCount] = msgspec.field(default_factory=list)
    scale: list[ScaleCount] = msgspec.field(default_factory=list)
    mean: float | None = None
    texts: list[str] = msgspec.field(default_factory=list)
    """Free answers, without names (only in the district's summary)."""


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def summarise(
    questions: Sequence[Question], responses: Sequence[Answered], *, with_texts: bool
) -> list[QuestionSummary]:
    """The distribution of answers to every question."""
    out: list[QuestionSummary] = []
    for question in sorted(questions, key=lambda q: q.position):
        key = str(question.id)
        values = [r.answers[key] for r in responses if key in r.answers]
        summary = QuestionSummary(
            question_id=question.id,
            position=question.position,
            kind=question.kind,
            text=question.text,
            answered=len(values),
        )
        if question.kind in ("single", "multiple"):
            counts = dict.fromkeys((o.key for o in question.options), 0)
            for value in values:
                for chosen in value if isinstance(value, list) else [value]:
                    if chosen in counts:
                        counts[chosen] += 1
            summary.options = [
                OptionCount(
                    key=o.key,
                    text=o.text,
                    count=counts[o.key],
                    share=_share(counts[o.key], len(values)),
                )
                for o in question.options
            ]
        elif question.kind == "scale":
            numbers = [v for v in values if isinstance(v, int)]
            summary.scale = [
                ScaleCount(
                    value=n,
                    count=numbers.count(n),
                    share=_share(numbers.count(n), len(numbers)),
                )
                for n in SCALE
            ]
            summary.mean = round(sum(numbers) / len(numbers), 2) if numbers else None
        elif with_texts:
            summary.texts = [v for v in values if isinstance(v, str) and v]
        out.append(summary)
    return out


def by_subject(responses: Sequence[Answered]) -> dict[str, list[Answered]]:
    """Responses grouped by the respondents' subjects (a teacher of two subjects counts in
    both; one of none under «предмет не указан»), subjects in alphabetical order."""
    groups: dict[str, tuple[str, list[Answered]]] = {}
    for response in responses:
        subjects = response.subjects or [NO_SUBJECT]
        for subject in dict.fromkeys(" ".join(s.split()) for s in subjects):
            groups.setdefault(fold(subject), (subject, []))[1].append(response)
    return {title: rows for _, (title, rows) in sorted(groups.items())}


class OptionChange(msgspec.Struct, kw_only=True):
    key: str
    text: str
    previous_share: float | None
    current_share: float
    change: float | None
    """Percentage points, current minus previous (None: the option is new)."""


class QuestionComparison(msgspec.Struct, kw_only=True):
    """One question of this year's survey beside the same question last year."""

    question_id: UUID
    previous_question_id: UUID | None
    position: int
    kind: str
    text: str
    previous_answered: int
    current_answered: int
    options: list[OptionChange] = msgspec.field(default_factory=list)
    previous_mean: float | None = None
    current_mean: float | None = None


def compare(
    current: Sequence[QuestionSummary],
    previous: Sequence[QuestionSummary],
    pairs: Mapping[UUID, UUID],
) -> list[QuestionComparison]:
    """This year's distributions beside last year's; ``pairs`` maps a question to the one
    it was copied from."""
    previous_by_id = {s.question_id: s for s in previous}
    out: list[QuestionComparison] = []
    for summary in current:
        before_id = pairs.get(summary.question_id)
        before = previous_by_id.get(before_id) if before_id else None
        row = QuestionComparison(
            question_id=summary.question_id,
            previous_question_id=before.question_id if before else None,
            position=summary.position,
            kind=summary.kind,
            text=summary.text,
            previous_answered=before.answered if before else 0,
            current_answered=summary.answered,
            current_mean=summary.mean,
            previous_mean=before.mean if before else None,
        )
        if summary.kind in ("single", "multiple"):
            old = {o.key: o.share for o in before.options} if before else {}
            for option in summary.options:
                was = old.get(option.key)
                row.options.append(
                    OptionChange(
                        key=option.key,
                        text=option.text,
                        previous_share=was,
                        current_share=option.share,
                        change=round((option.share - was) * 100, 1) if was is not None else None,
                    )
                )
        out.append(row)
    return out


# --- deficits from answers ------------------------------------------------------------


class Pointer(msgspec.Struct, kw_only=True, frozen=True):
    """An answer that points to a competency."""

    competency: str
    question_id: UUID
    answer: str
    """The answer as the teacher gave it (the option's text or the mark)."""


def pointers(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[Pointer]:
    """What one teacher's answers point to, one per competency (the first answer)."""
    found: dict[str, Pointer] = {}
    for question in sorted(questions, key=lambda q: q.position):
        value = answers.get(str(question.id))
        if value is None:
            continue
        if question.kind in ("single", "multiple"):
            chosen = value if isinstance(value, list) else [value]
            for option in question.options:
                if option.key in chosen and option.competency:
                    found.setdefault(
                        option.competency,
                        Pointer(
                            competency=option.competency,
                            question_id=question.id,
                            answer=option.text,
                        ),
                    )
        elif (
            question.kind == "scale"
            and question.competency
            and isinstance(value, int)
            and value <= LOW_SCALE
        ):
            found.setdefault(
                question.competency,
                Pointer(
                    competency=question.competency,
                    question_id=question.id,
                    answer=f"{value} из 5",
                ),
            )
    return list(found.values())
