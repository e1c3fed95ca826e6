"""The growth area's pages («Профессиональное развитие») against a fake growth service
served over real HTTP, answering as the real one does (its shapes, its Russian refusals
with the field they name, its row-level refusals by the token's claims)."""

import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import jwt
import pytest
from litestar import Litestar, Request, Response, get, patch, post, put
from litestar.params import FromPath

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
ZONE = "Asia/Novosibirsk"  # UTC+7, as at Yaya


def _id(n: int) -> UUID:
    return UUID(f"0194c1a2-7e00-7000-8000-{n:012x}")


SCHOOL, OTHER_SCHOOL = _id(0xA1), _id(0xA2)
TEACHER, TUTOR, STRANGER = _id(0xB1), _id(0xB2), _id(0xB3)
LITERACY, EXAMS = _id(0xC1), _id(0xC2)
OPEN_SURVEY, DRAFT_SURVEY, CLOSED_SURVEY, LAST_YEAR = _id(0xD1), _id(0xD2), _id(0xD3), _id(0xD4)
Q_SINGLE, Q_MULTIPLE, Q_SCALE, Q_TEXT = _id(0xE1), _id(0xE2), _id(0xE3), _id(0xE4)
DEFICIT, CLOSED_DEFICIT = _id(0xF1), _id(0xF2)
ROUTE, STRANGER_ROUTE, GOAL = _id(0x101), _id(0x102), _id(0x103)
EVENT_STEP, COURSE_STEP, MENTORING_STEP = _id(0x111), _id(0x112), _id(0x113)
ASSIGNMENT = _id(0x121)
EVENT, CENTRE_EVENT, SITE = _id(0x131), _id(0x132), _id(0x141)
DOCUMENT = _id(0x151)

CLOSING_REFUSAL = (
    "Дефицит закрывается по подтверждённому результату, а не отметкой: в индивидуальном "
    "образовательном маршруте педагога нет выполненного шага по цели, связанной с этим "
    "дефицитом"
)
NOBODY_IN_TARGET = (
    "В целевой группе анкеты нет ни одного педагога: проверьте организации, предметы и категории"
)

TEACHERS = [
    {
        "person_id": str(TEACHER),
        "full_name": "Карпенко Юлия Сергеевна",
        "position": "учитель биологии",
        "organisation_id": str(SCHOOL),
        "organisation": "МБОУ «Яйская СОШ № 1»",
        "subjects": ["биология"],
        "staff_group": "teacher",
        "qualification_category": "first",
    },
    {
        "person_id": str(TUTOR),
        "full_name": "Андреева Анна Ивановна",
        "position": "учитель математики",
        "organisation_id": str(SCHOOL),
        "organisation": "МБОУ «Яйская СОШ № 1»",
        "subjects": ["математика"],
        "staff_group": "teacher",
        "qualification_category": "highest",
    },
    {
        "person_id": str(STRANGER),
        "full_name": "Чужой Пётр Петрович",
        "position": "учитель",
        "organisation_id": str(OTHER_SCHOOL),
        "organisation": "МБОУ «Ишимская ООШ»",
        "subjects": [],
        "staff_group": "teacher",
        "qualification_category": "none",
    },
]
VOCABULARY = {
    "question_kinds": [
        {"code": "single", "title": "один вариант ответа"},
        {"code": "multiple", "title": "несколько вариантов ответа"},
        {"code": "scale", "title": "шкала от 1 до 5"},
        {"code": "text", "title": "свободный ответ"},
    ],
    "survey_statuses": [],
    "deficit_sources": [
        {"code": "survey", "title": "анкетирование (мониторинг потребностей)"},
        {"code": "diagnostic", "title": "диагностическая работа"},
        {"code": "observation", "title": "наблюдение методиста (посещение занятий)"},
    ],
    "deficit_statuses": [],
    "step_kinds": [],
    "step_statuses": [],
    "assignment_kinds": [],
    "staff_groups": [
        {"code": "administration", "title": "администрация"},
        {"code": "teacher", "title": "педагоги"},
    ],
    "qualification_categories": [
        {"code": "highest", "title": "высшая"},
        {"code": "first", "title": "первая"},
    ],
}


def _competency(uid: UUID, code: str, title: str) -> dict[str, Any]:
    return {
        "id": str(uid),
        "code": code,
        "title": title,
        "description": "",
        "keywords": ["функциональная грамотность"] if code == "functional_literacy" else [],
        "active": True,
        "version": 1,
    }


def _question(uid: UUID, position: int, kind: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uid),
        "position": position,
        "kind": kind,
        "kind_title": kind,
        "text": text,
        "required": True,
        "options": [],
        "competency": None,
        "copied_from": None,
        **extra,
    }


QUESTIONS = [
    _question(
        Q_SINGLE,
        1,
        "single",
        "Насколько уверенно вы формируете читательскую грамотность?",
        options=[
            {"key": "v1", "text": "Уверенно", "competency": None},
            {"key": "v2", "text": "Испытываю затруднения", "competency": "functional_literacy"},
        ],
    ),
    _question(
        Q_MULTIPLE,
        2,
        "multiple",
        "Какие темы вам интересны?",
        required=False,
        options=[
            {"key": "a", "text": "ГИА", "competency": "exam_preparation"},
            {"key": "b", "text": "Цифровые ресурсы", "competency": None},
        ],
    ),
    _question(Q_SCALE, 3, "scale", "Оцените свою подготовку к ОГЭ", competency="exam_preparation"),
    _question(Q_TEXT, 4, "text", "Что ещё вам нужно?", required=False),
]


def _survey(uid: UUID, status: str, title: str, **extra: Any) -> dict[str, Any]:
    titles = {"draft": "черновик", "open": "идёт опрос", "closed": "опрос завершён"}
    return {
        "id": str(uid),
        "title": title,
        "description": "",
        "school_year": "2026/2027",
        "closes_on": "2026-12-15",
        "status": status,
        "status_title": titles[status],
        "target": {"organisation_ids": [], "subjects": [], "staff_groups": [], "categories": []},
        "questions": [],
        "repeat_of": None,
        "created_by": "Орлова Татьяна Николаевна",
        "created_at": "2026-11-01T03:00:00Z",
        "opened_at": None,
        "closed_at": None,
        "recipients": 0,
        "responses": 0,
        "version": 1,
        **extra,
    }


def _summary(question: dict[str, Any], answered: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "question_id": question["id"],
        "position": question["position"],
        "kind": question["kind"],
        "text": question["text"],
        "answered": answered,
        "options": [],
        "scale": [],
        "mean": None,
        "texts": [],
    }
    if question["kind"] in ("single", "multiple"):
        out["options"] = [
            {"key": o["key"], "text": o["text"], "count": 1, "share": 0.25 if i else 0.75}
            for i, o in enumerate(question["options"])
        ]
    elif question["kind"] == "scale":
        out["scale"] = [{"value": v, "count": v, "share": v / 15} for v in range(1, 6)]
        out["mean"] = 3.67
    else:
        out["texts"] = ["Больше практики"]
    return out


def _step(uid: UUID, kind: str, status: str, **extra: Any) -> dict[str, Any]:
    titles = {
        "planned": "запланирован",
        "submitted": "подтверждение на проверке",
        "done": "выполнен",
        "returned": "подтверждение возвращено",
        "missed": "срок пропущен",
    }
    return {
        "id": str(uid),
        "route_id": str(ROUTE),
        "goal_id": str(GOAL),
        "kind": kind,
        "kind_title": {"event": "мероприятие", "course": "курсы", "mentoring": "наставничество"}[
            kind
        ],
        "title": "",
        "event_id": None,
        "event": None,
        "provider": "",
        "hours": 0,
        "planned_hours": 0.0,
        "met_hours": 0.0,
        "assignment_id": None,
        "deadline": None,
        "status": status,
        "status_title": titles[status],
        "completed_on": None,
        "completed_by": "",
        "evidence": None,
        "review_reason": "",
        "reviewed_by": "",
        "version": 1,
        **extra,
    }


def _deficit(uid: UUID, person: dict[str, Any], status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uid),
        "person_id": person["person_id"],
        "full_name": person["full_name"],
        "organisation_id": person["organisation_id"],
        "competency_id": str(LITERACY),
        "competency_code": "functional_literacy",
        "competency_title": "Формирование функциональной грамотности",
        "subject": "биология",
        "source": "survey",
        "source_title": "анкетирование (мониторинг потребностей)",
        "source_date": "2026-10-20",
        "source_ref": "Анкета «Потребности 2026»",
        "note": "",
        "recorded_by": "Орлова Татьяна Николаевна",
        "recorded_at": "2026-10-21T03:00:00Z",
        "status": status,
        "status_title": "не устранён" if status == "open" else "устранён",
        "closed_on": None,
        "closed_by": "",
        "evidence": "",
        "closing_step_id": None,
        "version": 2,
        **extra,
    }


class Growth:
    """The fake growth service's state and what it was asked."""

    def __init__(self) -> None:
        self.competencies = [
            _competency(LITERACY, "functional_literacy", "Формирование функциональной грамотности"),
            _competency(EXAMS, "exam_preparation", "Подготовка обучающихся к ГИА"),
        ]
        self.surveys = {
            OPEN_SURVEY: _survey(
                OPEN_SURVEY,
                "open",
                "Мониторинг профессиональных потребностей 2026",
                questions=QUESTIONS,
                recipients=12,
                responses=5,
                opened_at="2026-11-02T03:00:00Z",
            ),
            DRAFT_SURVEY: _survey(DRAFT_SURVEY, "draft", "Анкета для молодых педагогов"),
            CLOSED_SURVEY: _survey(
                CLOSED_SURVEY,
                "closed",
                "Потребности учителей 2026",
                questions=QUESTIONS[:3],
                repeat_of=str(LAST_YEAR),
                closes_on="2026-11-10",
                recipients=20,
                responses=15,
            ),
        }
        self.responses: dict[tuple[UUID, UUID], dict[str, Any]] = {}
        self.deficits = {
            DEFICIT: _deficit(DEFICIT, TEACHERS[0], "open"),
            CLOSED_DEFICIT: _deficit(
                CLOSED_DEFICIT,
                TEACHERS[0],
                "closed",
                competency_code="exam_preparation",
                competency_title="Подготовка обучающихся к ГИА",
                closed_on="2026-11-15",
                evidence="Проведён открытый урок с разбором заданий ОГЭ",
            ),
        }
        self.route = {
            "id": str(ROUTE),
            "person_id": str(TEACHER),
            "full_name": TEACHERS[0]["full_name"],
            "organisation_id": str(SCHOOL),
            "school_year": "2026/2027",
            "created_by": "Орлова Татьяна Николаевна",
            "created_at": "2026-10-22T03:00:00Z",
            "goals": [
                {
                    "id": str(GOAL),
                    "title": "Освоить приёмы смыслового чтения на уроках биологии",
                    "position": 1,
                    "deficit": {
                        "id": str(DEFICIT),
                        "competency_code": "functional_literacy",
                        "competency_title": "Формирование функциональной грамотности",
                        "subject": "биология",
                        "status": "open",
                        "status_title": "не устранён",
                    },
                }
            ],
            "steps": [
                _step(
                    EVENT_STEP,
                    "event",
                    "planned",
                    event_id=str(EVENT),
                    event={
                        "event_id": str(EVENT),
                        "title": "Семинар «Смысловое чтение»",
                        "form_title": "семинар",
                        "starts_at": "2026-12-03T04:00:00Z",
                        "ends_at": "2026-12-03T06:00:00Z",
                        "status": "planned",
                        "source": "district",
                    },
                    deadline="2026-12-05",
                ),
                _step(
                    COURSE_STEP,
                    "course",
                    "submitted",
                    title="Функциональная грамотность: читательская",
                    provider="КРИПКиПРО",
                    hours=36,
                    deadline="2027-03-01",
                    evidence={
                        "filename": "удостоверение.pdf",
                        "content_type": "application/pdf",
                        "size": 1000,
                        "sha256": "ab",
                        "comment": "Удостоверение о повышении квалификации",
                        "submitted_at": "2026-11-20T05:00:00Z",
                    },
                ),
                _step(
                    MENTORING_STEP,
                    "mentoring",
                    "planned",
                    assignment_id=str(ASSIGNMENT),
                    planned_hours=6.0,
                    met_hours=1.5,
                    goal_id=None,
                ),
            ],
            "steps_total": 3,
            "steps_done": 0,
        }
        self.assignment = {
            "id": str(ASSIGNMENT),
            "kind": "tutor",
            "kind_title": "тьютор",
            "tutor_person_id": str(TUTOR),
            "tutor_name": TEACHERS[1]["full_name"],
            "topic": "Смысловое чтение",
            "starts_on": "2026-10-01",
            "ends_on": None,
            "teachers": [
                {"person_id": str(TEACHER), "full_name": TEACHERS[0]["full_name"], "hours": 1.5}
            ],
            "meetings": [
                {
                    "id": str(uuid4()),
                    "held_on": "2026-11-10",
                    "hours": 1.5,
                    "topic": "Приёмы работы с текстом",
                    "notes": "",
                    "present": [str(TEACHER)],
                    "recorded_by": "Андреева Анна Ивановна",
                    "recorded_at": "2026-11-10T09:00:00Z",
                }
            ],
            "total_hours": 1.5,
            "created_by": "Орлова Татьяна Николаевна",
            "created_at": "2026-10-01T03:00:00Z",
        }
        self.calls: list[tuple[str, str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.uploads: list[dict[str, Any]] = []

    def record(self, request: Request[Any, Any, Any], body: Any = None) -> dict[str, Any]:
        claims = _claims(request)
        self.claims.append(claims)
        self.calls.append((request.method, request.url.path.removeprefix("/growth"), body))
        return claims

    def posted(self, path: str) -> list[Any]:
        """Bodies of the changes sent to ``path``."""
        return [body for method, where, body in self.calls if where == path and method != "GET"]


STATE: dict[str, Growth] = {}


def _claims(request: Request[Any, Any, Any]) -> dict[str, Any]:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    return dict(jwt.decode(token, options={"verify_signature": False})) if token else {}


def _refuse(status: int, message: str, field: str | None = None) -> Response[Any]:
    body: dict[str, Any] = {"error": "refused", "message": message}
    if field:
        body["field"] = field
    return Response(body, status_code=status)


def _staff(claims: dict[str, Any]) -> bool:
    return claims.get("role") in ("district_admin", "methodist", "centre_coordinator")


def _g() -> Growth:
    return STATE["g"]


@get("/growth/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/reg/health")
async def registry_health() -> dict[str, str]:
    return {"status": "ok"}


@get("/growth/vocabulary")
async def vocabulary(request: Request[Any, Any, Any]) -> dict[str, Any]:
    _g().record(request)
    return VOCABULARY


@get("/growth/teachers")
async def teachers(request: Request[Any, Any, Any]) -> Any:
    claims = _g().record(request)
    if claims.get("role") == "school_representative":
        return [t for t in TEACHERS if t["organisation_id"] == claims.get("org")]
    if not _staff(claims):
        return _refuse(403, "Роль не даёт права на это действие")
    organisation = request.query_params.get("organisation_id")
    return [t for t in TEACHERS if not organisation or t["organisation_id"] == organisation]


@get("/growth/events")
async def events(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    _g().record(request)
    return [
        {
            "event_id": str(EVENT),
            "title": "Семинар «Смысловое чтение»",
            "form": "seminar",
            "form_title": "семинар",
            "level": "municipal",
            "organiser_name": "МБУ ИМЦ",
            "venue": "",
            "starts_at": "2026-12-03T04:00:00Z",
            "ends_at": "2026-12-03T06:00:00Z",
            "hours": 2,
            "audience_subjects": [],
            "status": "planned",
            "source": "district",
            "intermunicipal": False,
        }
    ]


@get("/growth/competencies")
async def competencies(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    _g().record(request)
    return _g().competencies


@post("/growth/competencies")
async def add_competency(request: Request[Any, Any, Any]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    if any(c["code"] == body["code"] for c in _g().competencies):
        return _refuse(
            409, f"Компетенция с кодом «{body['code']}» уже есть в каталоге", field="code"
        )
    row = {**_competency(uuid4(), body["code"], body["title"]), **body, "version": 1}
    _g().competencies.append(row)
    return Response(row, status_code=201)


@patch("/growth/competencies/{competency_id:uuid}")
async def edit_competency(request: Request[Any, Any, Any], competency_id: FromPath[UUID]) -> Any:
    body = await request.json()
    _g().record(request, body)
    row = next(c for c in _g().competencies if c["id"] == str(competency_id))
    if body.get("version") != row["version"]:
        return _refuse(
            409,
            "Запись изменена другим пользователем; обновите страницу и повторите действие",
            field="version",
        )
    row.update({k: v for k, v in body.items() if k != "version"}, version=row["version"] + 1)
    return row


@get("/growth/surveys")
async def surveys(request: Request[Any, Any, Any]) -> Any:
    claims = _g().record(request)
    if not _staff(claims):
        return _refuse(403, "Роль не даёт права на это действие")
    status = request.query_params.get("status")
    return [s for s in _g().surveys.values() if not status or s["status"] == status]


@post("/growth/surveys")
async def create_survey(request: Request[Any, Any, Any]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    if not re.match(r"^\d{4}/\d{4}$", body["school_year"]):
        return _refuse(
            422,
            "Учебный год указывается как два последовательных года через косую черту, "
            "например 2026/2027",
            field="school_year",
        )
    uid = uuid4()
    row = _survey(uid, "draft", body["title"], school_year=body["school_year"])
    _g().surveys[uid] = row
    return Response(row, status_code=201)


@get("/growth/surveys/mine")
async def mine(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    claims = _g().record(request)
    person = claims.get("person")
    out = []
    for survey in _g().surveys.values():
        response = _g().responses.get((UUID(survey["id"]), UUID(person))) if person else None
        if survey["status"] == "open" or (survey["status"] == "closed" and response):
            out.append(
                {
                    "survey": survey,
                    "can_answer": survey["status"] == "open",
                    "response": response,
                }
            )
    return out


def _survey_or_404(survey_id: FromPath[UUID]) -> dict[str, Any] | Response[Any]:
    found = _g().surveys.get(survey_id)
    return found if found else _refuse(404, "Анкета не найдена", field="survey_id")


@get("/growth/surveys/{survey_id:uuid}")
async def show_survey(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    claims = _g().record(request)
    found = _survey_or_404(survey_id)
    if isinstance(found, dict) and not _staff(claims) and found["status"] == "draft":
        return _refuse(404, "Анкета не найдена", field="survey_id")
    return found


@patch("/growth/surveys/{survey_id:uuid}")
async def edit_survey(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    body = await request.json()
    _g().record(request, body)
    row = _g().surveys[survey_id]
    for number, question in enumerate(body.get("questions") or []):
        if question["kind"] in ("single", "multiple"):
            keys = [o["key"] for o in question["options"]]
            if len(set(keys)) != len(keys):
                return _refuse(
                    422,
                    f"Вопрос {number + 1}: ключи вариантов ответа должны быть разными",
                    field=f"questions[{number}].options",
                )
        if question.get("competency") and question["kind"] != "scale":
            return _refuse(
                422,
                f"Вопрос {number + 1}: на компетенцию указывает низкая оценка по шкале",
                field=f"questions[{number}].competency",
            )
    if "questions" in body:
        row["questions"] = [
            {
                **_question(uuid4(), i + 1, q["kind"], q["text"]),
                "required": q["required"],
                "options": q["options"],
                "competency": q["competency"],
            }
            for i, q in enumerate(body["questions"])
        ]
    for key in ("title", "school_year", "description", "closes_on", "target"):
        if key in body:
            row[key] = body[key]
    row["version"] += 1
    return row


@post("/growth/surveys/{survey_id:uuid}/open", status_code=200)
async def open_survey(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    body = await request.json()
    _g().record(request, body)
    row = _g().surveys[survey_id]
    if row["target"]["subjects"] == ["астрономия"]:
        return _refuse(422, NOBODY_IN_TARGET, field="target")
    row.update(status="open", status_title="идёт опрос", version=row["version"] + 1)
    return row


@post("/growth/surveys/{survey_id:uuid}/close", status_code=200)
async def close_survey(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    body = await request.json()
    _g().record(request, body)
    row = _g().surveys[survey_id]
    row.update(status="closed", status_title="опрос завершён", version=row["version"] + 1)
    return row


@post("/growth/surveys/{survey_id:uuid}/copy")
async def copy_survey(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    source = _g().surveys[survey_id]
    uid = uuid4()
    row = _survey(
        uid,
        "draft",
        body.get("title") or source["title"],
        school_year=body.get("school_year", "2027/2028"),
        questions=source["questions"],
        repeat_of=str(survey_id),
    )
    _g().surveys[uid] = row
    return Response(row, status_code=201)


@get("/growth/surveys/{survey_id:uuid}/results")
async def results(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    _g().record(request)
    row = _g().surveys[survey_id]
    district = [_summary(q, 4) for q in row["questions"]]
    group = [{**s, "texts": []} for s in district]
    return {
        "survey_id": row["id"],
        "title": row["title"],
        "school_year": row["school_year"],
        "status": row["status"],
        "recipients": 20,
        "respondents": 15,
        "response_rate": 0.75,
        "district": district,
        "by_school": [
            {
                "key": str(SCHOOL),
                "title": "МБОУ «Яйская СОШ № 1»",
                "respondents": 9,
                "questions": group,
            }
        ],
        "by_subject": [
            {"key": "биология", "title": "биология", "respondents": 4, "questions": group}
        ],
    }


@get("/growth/surveys/{survey_id:uuid}/comparison")
async def comparison(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> dict[str, Any]:
    _g().record(request)
    row = _g().surveys[survey_id]
    return {
        "survey_id": row["id"],
        "school_year": "2026/2027",
        "previous_survey_id": str(LAST_YEAR),
        "previous_school_year": "2025/2026",
        "respondents": 15,
        "previous_respondents": 11,
        "questions": [
            {
                "question_id": str(Q_SINGLE),
                "previous_question_id": str(uuid4()),
                "position": 1,
                "kind": "single",
                "text": QUESTIONS[0]["text"],
                "previous_answered": 11,
                "current_answered": 15,
                "options": [
                    {
                        "key": "v1",
                        "text": "Уверенно",
                        "previous_share": 0.5,
                        "current_share": 0.625,
                        "change": 12.5,
                    },
                    {
                        "key": "v2",
                        "text": "Испытываю затруднения",
                        "previous_share": 0.5,
                        "current_share": 0.375,
                        "change": -12.5,
                    },
                ],
                "previous_mean": None,
                "current_mean": None,
            },
            {
                "question_id": str(Q_SCALE),
                "previous_question_id": str(uuid4()),
                "position": 3,
                "kind": "scale",
                "text": QUESTIONS[2]["text"],
                "previous_answered": 11,
                "current_answered": 15,
                "options": [],
                "previous_mean": 3.1,
                "current_mean": 3.67,
            },
        ],
    }


@get("/growth/surveys/{survey_id:uuid}/deficit-proposals")
async def proposals(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    _g().record(request)
    if _g().surveys[survey_id]["status"] != "closed":
        return _refuse(
            409, "Дефициты по анкете предлагаются после завершения опроса", field="status"
        )
    return [
        {
            "person_id": str(TEACHER),
            "full_name": TEACHERS[0]["full_name"],
            "organisation_id": str(SCHOOL),
            "competency_code": "functional_literacy",
            "competency_title": "Формирование функциональной грамотности",
            "subject": "биология",
            "question_id": str(Q_SINGLE),
            "answer": "Испытываю затруднения",
            "recorded": False,
            "deficit_id": None,
        },
        {
            "person_id": str(TUTOR),
            "full_name": TEACHERS[1]["full_name"],
            "organisation_id": str(SCHOOL),
            "competency_code": "exam_preparation",
            "competency_title": "Подготовка обучающихся к ГИА",
            "subject": "математика",
            "question_id": str(Q_SCALE),
            "answer": "2 из 5",
            "recorded": True,
            "deficit_id": str(CLOSED_DEFICIT),
        },
    ]


@post("/growth/surveys/{survey_id:uuid}/deficit-proposals", status_code=200)
async def confirm(
    request: Request[Any, Any, Any], survey_id: FromPath[UUID]
) -> list[dict[str, Any]]:
    body = await request.json()
    _g().record(request, body)
    return []


@get("/growth/surveys/{survey_id:uuid}/response")
async def my_response(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    claims = _g().record(request)
    found = _g().responses.get((survey_id, UUID(claims["person"])))
    return found or _refuse(404, "Ответов на эту анкету нет", field="survey_id")


@put("/growth/surveys/{survey_id:uuid}/response")
async def answer(request: Request[Any, Any, Any], survey_id: FromPath[UUID]) -> Any:
    body = await request.json()
    claims = _g().record(request, body)
    row = _g().surveys[survey_id]
    if row["status"] != "open":
        return _refuse(
            409,
            "Опрос не проводится: ответы принимаются только пока анкета открыта",
            field="status",
        )
    for question in row["questions"]:
        if question["required"] and question["id"] not in body["answers"]:
            return _refuse(
                422,
                f"Ответьте на обязательный вопрос {question['position']}: «{question['text']}»",
                field=f"answers.{question['id']}",
            )
    key = (survey_id, UUID(claims["person"]))
    previous = _g().responses.get(key)
    saved = {
        "survey_id": str(survey_id),
        "person_id": claims["person"],
        "answers": body["answers"],
        "submitted_at": "2026-11-23T09:00:00Z",
        "updated_at": "2026-11-23T09:00:00Z",
        "version": (previous["version"] + 1) if previous else 1,
    }
    _g().responses[key] = saved
    return saved


def _scoped(claims: dict[str, Any], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if claims.get("role") == "teacher":
        return [r for r in rows if r["person_id"] == claims.get("person")]
    if claims.get("role") == "school_representative":
        return [r for r in rows if r["organisation_id"] == claims.get("org")]
    return rows


@get("/growth/deficits")
async def deficits(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    claims = _g().record(request)
    params = request.query_params
    rows = _scoped(claims, list(_g().deficits.values()))
    return [
        r
        for r in rows
        if (not params.get("person_id") or r["person_id"] == params["person_id"])
        and (not params.get("status") or r["status"] == params["status"])
        and (not params.get("competency") or r["competency_code"] == params["competency"])
    ]


@post("/growth/deficits")
async def record_deficit(request: Request[Any, Any, Any]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    if date.fromisoformat(body["source_date"]) > date(2026, 11, 23):
        return _refuse(422, "Дата выявления дефицита не может быть в будущем", "source_date")
    uid = uuid4()
    row = _deficit(uid, TEACHERS[0], "open")
    _g().deficits[uid] = row
    return Response(row, status_code=201)


@get("/growth/deficits/{deficit_id:uuid}")
async def show_deficit(request: Request[Any, Any, Any], deficit_id: FromPath[UUID]) -> Any:
    claims = _g().record(request)
    row = _g().deficits.get(deficit_id)
    if row is None:
        return _refuse(404, "Дефицит не найден", field="deficit_id")
    if claims.get("role") == "teacher" and row["person_id"] != claims.get("person"):
        return _refuse(403, "Педагог видит только свои дефициты, маршрут и сведения о развитии")
    return row


@post("/growth/deficits/{deficit_id:uuid}/close", status_code=200)
async def close_deficit(request: Request[Any, Any, Any], deficit_id: FromPath[UUID]) -> Any:
    body = await request.json()
    _g().record(request, body)
    done = [s for s in _g().route["steps"] if s["status"] == "done"]
    if not done:
        return _refuse(422, CLOSING_REFUSAL, field="step_id")
    row = _g().deficits[deficit_id]
    row.update(status="closed", status_title="устранён", evidence=body["evidence"])
    return row


@get("/growth/deficits/{deficit_id:uuid}/suggestions")
async def suggestions(
    request: Request[Any, Any, Any], deficit_id: FromPath[UUID]
) -> dict[str, Any]:
    _g().record(request)
    return {
        "deficit_id": str(deficit_id),
        "competency_code": "functional_literacy",
        "competency_title": "Формирование функциональной грамотности",
        "subject": "биология",
        "events": [
            {
                "event_id": str(EVENT),
                "title": "Семинар «Смысловое чтение»",
                "form": "seminar",
                "form_title": "семинар",
                "starts_at": "2026-12-03T04:00:00Z",
                "ends_at": "2026-12-03T06:00:00Z",
                "organiser_name": "МБУ ИМЦ",
                "venue": "",
                "hours": 2,
                "source": "district",
                "matched": ["смысловое чтение"],
            },
            {
                "event_id": str(CENTRE_EVENT),
                "title": "Конференция «Функциональная грамотность»",
                "form": "conference",
                "form_title": "конференция",
                "starts_at": "2026-12-10T05:00:00Z",
                "ends_at": "2026-12-10T08:00:00Z",
                "organiser_name": "ММЦ г. Бугуруслана",
                "venue": "",
                "hours": 4,
                "source": "centre",
                "matched": ["функциональная грамотность"],
            },
        ],
        "sites": [
            {
                "site_id": str(SITE),
                "organisation_id": str(SCHOOL),
                "organisation_short_name": "МБОУ «Яйская СОШ № 1»",
                "kind": "osmp",
                "kind_title": "опорная (стажировочная) методическая площадка",
                "topic": "Формирование функциональной грамотности на уроках биологии",
                "term_end": "2028-10-14",
                "matched": ["функциональная грамотность"],
            }
        ],
    }


def _brief(route: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "person_id", "full_name", "organisation_id", "school_year")
    return {
        **{k: route[k] for k in keys},
        "steps_total": len(route["steps"]),
        "steps_done": sum(s["status"] == "done" for s in route["steps"]),
    }


@get("/growth/routes")
async def routes(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    claims = _g().record(request)
    person = request.query_params.get("person_id")
    rows = _scoped(claims, [_brief(_g().route)])
    if request.query_params.get("awaiting_review") == "true":
        rows = [r for r in rows if any(s["status"] == "submitted" for s in _g().route["steps"])]
    return [r for r in rows if not person or r["person_id"] == person]


@post("/growth/routes")
async def create_route(request: Request[Any, Any, Any]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    if body["school_year"] == _g().route["school_year"] and body["person_id"] == str(TEACHER):
        return _refuse(
            409, "У педагога уже есть маршрут на 2026/2027 учебный год", field="school_year"
        )
    return Response({**_g().route, "id": str(uuid4())}, status_code=201)


@get("/growth/routes/{route_id:uuid}")
async def show_route(request: Request[Any, Any, Any], route_id: FromPath[UUID]) -> Any:
    claims = _g().record(request)
    if route_id == STRANGER_ROUTE or route_id != ROUTE:
        return _refuse(404, "Индивидуальный образовательный маршрут не найден", "route_id")
    if claims.get("role") == "teacher" and claims.get("person") != str(TEACHER):
        return _refuse(403, "Педагог видит только свои дефициты, маршрут и сведения о развитии")
    if claims.get("role") == "school_representative" and claims.get("org") != str(SCHOOL):
        return _refuse(
            403,
            "Представитель образовательной организации видит сведения только о педагогах "
            "своей организации",
        )
    return _g().route


@post("/growth/routes/{route_id:uuid}/goals")
async def add_goal(request: Request[Any, Any, Any], route_id: FromPath[UUID]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    return Response(_g().route, status_code=201)


@post("/growth/routes/{route_id:uuid}/steps")
async def add_step(request: Request[Any, Any, Any], route_id: FromPath[UUID]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    if body["kind"] == "course" and len(body.get("title", "")) < 3:
        return _refuse(422, "Укажите название курсов", field="title")
    return Response(_g().route, status_code=201)


@patch("/growth/routes/{route_id:uuid}/steps/{step_id:uuid}")
async def change_step(
    request: Request[Any, Any, Any], route_id: FromPath[UUID], step_id: FromPath[UUID]
) -> Any:
    body = await request.json()
    _g().record(request, body)
    if body.get("goal_id") and body["goal_id"] != str(GOAL):
        return _refuse(422, "Цель не относится к этому маршруту", field="goal_id")
    return _g().route


@post("/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/evidence", status_code=200)
async def evidence(
    request: Request[Any, Any, Any], route_id: FromPath[UUID], step_id: FromPath[UUID]
) -> Any:
    form = await request.form()
    upload = form.get("file")
    content = await upload.read() if hasattr(upload, "read") else b""
    body = {
        "filename": getattr(upload, "filename", ""),
        "content": content,
        "comment": form.get("comment"),
        "version": form.get("version"),
    }
    _g().record(request, {k: v for k, v in body.items() if k != "content"})
    _g().uploads.append(body)
    if not content.startswith(b"%PDF-"):
        return _refuse(
            422, f"Файл «{body['filename']}» повреждён или не является PDF", field="file"
        )
    return _g().route


@get("/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/evidence")
async def evidence_file(
    request: Request[Any, Any, Any], route_id: FromPath[UUID], step_id: FromPath[UUID]
) -> Any:
    _g().record(request)
    return Response(
        b"%PDF-1.7 certificate",
        media_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="evidence.pdf"'},
    )


@post("/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/approve", status_code=200)
async def approve(
    request: Request[Any, Any, Any], route_id: FromPath[UUID], step_id: FromPath[UUID]
) -> Any:
    body = await request.json()
    _g().record(request, body)
    return _g().route


@post("/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/return", status_code=200)
async def return_evidence(
    request: Request[Any, Any, Any], route_id: FromPath[UUID], step_id: FromPath[UUID]
) -> Any:
    body = await request.json()
    _g().record(request, body)
    if len(body.get("reason", "").strip()) < 5:
        return _refuse(422, "Укажите причину возврата (не короче 5 символов)", field="reason")
    return _g().route


@get("/growth/tutor-assignments")
async def assignments(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    claims = _g().record(request)
    row = _g().assignment
    if claims.get("role") == "teacher":
        members = {t["person_id"] for t in row["teachers"]} | {row["tutor_person_id"]}
        return [row] if claims.get("person") in members else []
    return [row]


@post("/growth/tutor-assignments")
async def appoint(request: Request[Any, Any, Any]) -> Response[Any]:
    body = await request.json()
    _g().record(request, body)
    if body["tutor_person_id"] in body["teacher_ids"]:
        return _refuse(
            422, "Тьютор (наставник) не может сопровождать сам себя", field="teacher_ids"
        )
    return Response(_g().assignment, status_code=201)


@get("/growth/tutor-assignments/{assignment_id:uuid}")
async def show_assignment(request: Request[Any, Any, Any], assignment_id: FromPath[UUID]) -> Any:
    _g().record(request)
    return _g().assignment


@post("/growth/tutor-assignments/{assignment_id:uuid}/meetings")
async def meeting(request: Request[Any, Any, Any], assignment_id: FromPath[UUID]) -> Any:
    body = await request.json()
    claims = _g().record(request, body)
    if not _staff(claims) and claims.get("person") != str(TUTOR):
        return _refuse(403, "Встречи записывает ИМЦ или сам назначенный тьютор (наставник)")
    if body["held_on"] > "2026-11-23":
        return _refuse(422, "Нельзя отметить встречу, которая ещё не состоялась", "held_on")
    return Response(_g().assignment, status_code=201)


@get("/growth/people/{person_id:uuid}/transcript")
async def transcript(request: Request[Any, Any, Any], person_id: FromPath[UUID]) -> Any:
    claims = _g().record(request)
    if claims.get("role") == "teacher" and claims.get("person") != str(person_id):
        return _refuse(403, "Педагог видит только свои дефициты, маршрут и сведения о развитии")
    return {
        "person_id": str(person_id),
        "full_name": TEACHERS[0]["full_name"],
        "position": "учитель биологии",
        "organisation_id": str(SCHOOL),
        "organisation": "МБОУ «Яйская СОШ № 1»",
        "date_from": request.query_params.get("date_from"),
        "date_to": "2026-11-23",
        "period": "по состоянию на 23.11.2026",
        "events": [
            {
                "registration_id": str(uuid4()),
                "event_id": str(EVENT),
                "kind": "event",
                "title": "Семинар «Смысловое чтение»",
                "form_title": "семинар",
                "date": "2026-10-15",
                "hours": 2,
                "certificate": "С-2026-015",
            },
            {
                "registration_id": str(uuid4()),
                "event_id": str(uuid4()),
                "kind": "internship",
                "title": "Стажировка на базе ОСМП",
                "form_title": "стажировка",
                "date": "2026-10-20",
                "hours": 6,
                "certificate": "",
            },
        ],
        "courses": [
            {
                "step_id": str(uuid4()),
                "title": "Цифровые образовательные ресурсы",
                "provider": "КРИПКиПРО",
                "hours": 36,
                "completed_on": "2026-11-01",
            }
        ],
        "mentoring": [
            {
                "assignment_id": str(ASSIGNMENT),
                "kind": "tutor",
                "kind_title": "тьютор",
                "tutor_name": "Андреева Анна Ивановна",
                "topic": "Смысловое чтение",
                "hours": 1.5,
            }
        ],
        "closed_deficits": [
            {
                "deficit_id": str(CLOSED_DEFICIT),
                "competency_code": "exam_preparation",
                "competency": "Подготовка обучающихся к ГИА",
                "subject": "биология",
                "closed_on": "2026-11-15",
                "evidence": "Проведён открытый урок с разбором заданий ОГЭ",
            }
        ],
        "event_hours": 8,
        "course_hours": 36,
        "mentoring_hours": 1.5,
        "total_hours": 45.5,
    }


@post("/growth/people/{person_id:uuid}/transcript/print", status_code=200)
async def print_transcript(request: Request[Any, Any, Any], person_id: FromPath[UUID]) -> Any:
    _g().record(request, dict(request.query_params))
    return {
        "document_id": str(DOCUMENT),
        "number": "СПР-2026-0001",
        "title": "Справка о профессиональном развитии",
        "created": True,
        "pdf_path": f"/documents/{DOCUMENT}/file.pdf",
        "docx_path": f"/documents/{DOCUMENT}/file.docx",
    }


HANDLERS = [
    health,
    registry_health,
    vocabulary,
    teachers,
    events,
    competencies,
    add_competency,
    edit_competency,
    surveys,
    create_survey,
    mine,
    show_survey,
    edit_survey,
    open_survey,
    close_survey,
    copy_survey,
    results,
    comparison,
    proposals,
    confirm,
    my_response,
    answer,
    deficits,
    record_deficit,
    show_deficit,
    close_deficit,
    suggestions,
    routes,
    create_route,
    show_route,
    add_goal,
    add_step,
    change_step,
    evidence,
    evidence_file,
    approve,
    return_evidence,
    assignments,
    appoint,
    show_assignment,
    meeting,
    transcript,
    print_transcript,
]


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(Litestar(HANDLERS, logging_config=None))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def state() -> Growth:
    STATE["g"] = Growth()
    return STATE["g"]


def settings_of(fake: Any, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": "yaya",
        "district_name": "Яйский муниципальный округ",
        "mode": "district",
        "time_zone": ZONE,
        "auth_signing_key": PORTAL_SIGNING_KEY,
        "registry_url": fake.url("reg"),
        "growth_url": fake.url("growth"),
    }
    return PortalSettings(service="portal", **{**values, **extra})


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form"
    return found.group(1)


def field_error(html: str, field_id: str) -> str:
    """The message next to a field (its ``…-error`` paragraph)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    assert found, f"no error next to {field_id}"
    return found.group(1)


METHODIST = {"role": Role.METHODIST, "name": "Орлова Татьяна Николаевна"}
TEACHER_ACCOUNT = {
    "role": Role.TEACHER,
    "name": "Карпенко Юлия Сергеевна",
    "person_id": TEACHER,
    "organisation_id": SCHOOL,
}
TUTOR_ACCOUNT = {
    "role": Role.TEACHER,
    "name": "Андреева Анна Ивановна",
    "person_id": TUTOR,
    "organisation_id": SCHOOL,
}
SCHOOL_ACCOUNT = {
    "role": Role.SCHOOL_REPRESENTATIVE,
    "name": "Белова Марина Александровна",
    "organisation_id": SCHOOL,
}


async def _post(client: Any, page: str, action: str, data: dict[str, Any]) -> Any:
    """Open ``page``, then send a form to ``action`` with its CSRF token."""
    token = csrf((await client.get(page)).text)
    return await client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


# --- every page renders for its roles ----------------------------------------------------

STAFF_PAGES = [
    "/growth",
    "/growth/competencies",
    f"/growth/competencies/{LITERACY}",
    "/growth/surveys",
    f"/growth/surveys/{OPEN_SURVEY}",
    f"/growth/surveys/{DRAFT_SURVEY}",
    f"/growth/surveys/{CLOSED_SURVEY}",
    f"/growth/surveys/{CLOSED_SURVEY}/results",
    f"/growth/surveys/{CLOSED_SURVEY}/proposals",
    f"/growth/surveys/{OPEN_SURVEY}/proposals",
    "/growth/deficits",
    f"/growth/deficits/{DEFICIT}",
    f"/growth/deficits/{CLOSED_DEFICIT}",
    "/growth/teachers",
    f"/growth/teachers/{TEACHER}",
    f"/growth/teachers/{TEACHER}/transcript",
    f"/growth/routes/{ROUTE}",
    "/growth/tutors",
    f"/growth/tutors/{ASSIGNMENT}",
]
TEACHER_PAGES = [
    "/growth/surveys",
    f"/growth/surveys/{OPEN_SURVEY}",
    "/growth/route",
    f"/growth/routes/{ROUTE}",
    "/growth/deficits",
    f"/growth/deficits/{DEFICIT}",
    "/growth/transcript",
    "/growth/tutors",
    f"/growth/tutors/{ASSIGNMENT}",
]
SCHOOL_PAGES = [
    "/growth/teachers",
    f"/growth/teachers/{TEACHER}",
    f"/growth/teachers/{TEACHER}/transcript",
    f"/growth/routes/{ROUTE}",
    "/growth/deficits",
    f"/growth/deficits/{DEFICIT}",
]


@pytest.mark.parametrize(
    ("account", "pages"),
    [(METHODIST, STAFF_PAGES), (TEACHER_ACCOUNT, TEACHER_PAGES), (SCHOOL_ACCOUNT, SCHOOL_PAGES)],
    ids=["methodist", "teacher", "school"],
)
async def test_every_page_of_a_role_renders_in_russian(
    fake: Any, state: Growth, portal: Any, kit: Any, account: dict[str, Any], pages: list[str]
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **account) as client:
        for page in pages:
            response = await client.get(page)
            assert response.status_code == 200, (page, response.text[:2000])
            assert '<html lang="ru">' in response.text
            assert "Traceback" not in response.text
    # Every call carried the visitor's own token.
    assert {c["role"] for c in state.claims} == {account["role"].value}


# --- the menu, roles and CSRF -----------------------------------------------------------


async def test_staff_see_the_section_and_the_certificates_waiting(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        response = await client.get("/growth")
    html = response.text
    assert '<a href="/growth" aria-current="page">Профессиональное развитие</a>' in html
    pending = html[html.index('id="pending-list"') :]
    assert f'data-step-id="{COURSE_STEP}"' in pending
    assert "Карпенко Юлия Сергеевна" in text(pending)
    assert "отправлен 20.11.2026 12:00" in text(pending)  # 05:00 UTC at Yaya (UTC+7)
    assert "Ответили 5 из 12" in text(html)


async def test_a_teacher_cannot_reach_the_staff_pages(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        home = (await client.get("/growth/surveys")).text
        assert '<a href="/growth/surveys" aria-current="page">Мои анкеты</a>' in home
        assert '<a href="/growth/route">Мой маршрут</a>' in home
        assert 'href="/growth">' not in home
        for page in (
            "/growth/competencies",
            f"/growth/competencies/{LITERACY}",
            f"/growth/surveys/{CLOSED_SURVEY}/results",
            f"/growth/surveys/{CLOSED_SURVEY}/proposals",
            "/growth/teachers",
            f"/growth/teachers/{TEACHER}",
        ):
            response = await client.get(page)
            assert response.status_code == 403, page
            assert "Доступ закрыт" in response.text
            assert "Роль «педагог» не даёт доступа к этой странице" in response.text
        token = csrf(home)
        for action, data in (
            ("/growth/deficits", {"person_id": str(TEACHER)}),
            (f"/growth/deficits/{DEFICIT}/close", {"evidence": "сама решила"}),
            (f"/growth/routes/{ROUTE}/steps", {"kind": "course"}),
            (f"/growth/routes/{ROUTE}/steps/{COURSE_STEP}/approve", {}),
            (f"/growth/surveys/{DRAFT_SURVEY}/open", {}),
            ("/growth/tutors", {"kind": "tutor"}),
        ):
            response = await client.post(action, data={"csrf_token": token, **data})
            assert response.status_code == 403, action
        # The overview sends a teacher to their own route.
        overview = await client.get("/growth", follow_redirects=False)
        assert overview.headers["location"] == "/growth/route"
        # Someone else's record: the service's own reason.
        other = await client.get(f"/growth/teachers/{STRANGER}/transcript")
        assert other.status_code == 403
        assert "Педагог видит только свои дефициты, маршрут и сведения о развитии" in other.text
    assert not [c for c in state.calls if c[0] != "GET"]


async def test_the_council_has_no_growth_pages(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    account = {"role": Role.COUNCIL_MEMBER, "name": "Зуева Ирина Петровна"}
    async with portal(settings_of(fake), clock=kit.Clock(), **account) as client:
        assert "/growth" not in (await client.get("/")).text
        assert (await client.get("/growth")).status_code == 403
        assert (await client.get(f"/growth/routes/{ROUTE}")).status_code == 403
    assert state.calls == []


async def test_forms_without_the_csrf_token_are_refused(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        data = {
            "person_id": str(TEACHER),
            "competency_code": "functional_literacy",
            "source": "observation",
            "source_date": "2026-11-20",
        }
        missing = await client.post("/growth/deficits", data=data)
        wrong = await client.post("/growth/deficits", data={**data, "csrf_token": "чужой"})
        upload = await client.post(
            f"/growth/routes/{ROUTE}/steps/{COURSE_STEP}/evidence",
            files={"file": ("a.pdf", b"%PDF-1.7", "application/pdf")},
        )
    for response in (missing, wrong, upload):
        assert response.status_code == 403
        assert "Действие отклонено" in response.text
        assert "проверочный код формы отсутствует или устарел" in response.text
    assert state.calls == []


# --- competencies -----------------------------------------------------------------------


async def test_competencies_are_added_and_edited_with_errors_next_to_the_fields(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        page = "/growth/competencies"
        empty = await _post(client, page, page, {"title": "Наставничество", "keywords": "ШМП"})
        assert empty.status_code == 422
        assert field_error(empty.text, "code") == "Укажите код компетенции (латинскими буквами)."
        assert 'value="Наставничество"' in empty.text
        assert ">ШМП</textarea>" in empty.text
        taken = await _post(
            client, page, page, {"code": "functional_literacy", "title": "Грамотность"}
        )
        assert taken.status_code == 409
        assert field_error(taken.text, "code") == (
            "Компетенция с кодом «functional_literacy» уже есть в каталоге"
        )
        assert 'value="Грамотность"' in taken.text
        added = await _post(
            client,
            page,
            page,
            {
                "code": "mentoring",
                "title": "Наставничество",
                "keywords": "наставник, молодой педагог\nШМП",
                "active": "1",
            },
        )
        assert added.status_code == 303
        listed = await client.get(added.headers["location"])
        assert "Компетенция добавлена в каталог." in listed.text
        edit = f"/growth/competencies/{LITERACY}"
        saved = await _post(
            client, edit, edit, {"title": "Функциональная грамотность", "version": "1"}
        )
        assert saved.status_code == 303
        stale = await _post(client, edit, edit, {"title": "Ещё раз", "version": "1"})
        assert stale.status_code == 409
        assert "Запись успела измениться" in stale.text
        assert 'value="Ещё раз"' in stale.text
    added_body = state.posted("/competencies")[-1]
    assert added_body == {
        "code": "mentoring",
        "title": "Наставничество",
        "description": "",
        "keywords": ["наставник", "молодой педагог", "ШМП"],
        "active": True,
    }
    assert state.posted(f"/competencies/{LITERACY}")[0] == {
        "title": "Функциональная грамотность",
        "description": "",
        "keywords": [],
        "active": False,
        "version": 1,
    }


# --- surveys ----------------------------------------------------------------------------


async def test_a_draft_is_built_one_question_at_a_time(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        listing = await client.get("/growth/surveys")
        assert 'value="2026/2027"' in listing.text  # this school year offered
        bad = await _post(
            client,
            "/growth/surveys",
            "/growth/surveys",
            {"title": "Анкета 2027", "school_year": "2026-2027", "closes_on": "31.02.2027"},
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "closes_on").startswith("Неверная дата «31.02.2027»")
        assert 'value="Анкета 2027"' in bad.text
        refused = await _post(
            client,
            "/growth/surveys",
            "/growth/surveys",
            {"title": "Анкета 2027", "school_year": "2026-2027", "subjects": "химия"},
        )
        assert refused.status_code == 422
        assert field_error(refused.text, "school_year").startswith(
            "Учебный год указывается как два последовательных года"
        )
        assert 'value="химия"' in refused.text
        created = await _post(
            client,
            "/growth/surveys",
            "/growth/surveys",
            {
                "title": "Анкета для учителей естественных наук",
                "school_year": "2026/2027",
                "closes_on": "15.12.2026",
                "subjects": "биология, химия",
                "staff_groups": "teacher",
                "organisation_ids": str(SCHOOL),
            },
        )
        assert created.status_code == 303
        survey_page = created.headers["location"].split("?")[0]
        assert "Черновик анкеты создан" in (await client.get(created.headers["location"])).text

        draft = f"/growth/surveys/{DRAFT_SURVEY}"
        action = f"{draft}/questions"
        one_option = await _post(
            client,
            draft,
            action,
            {"kind": "single", "text": "Что мешает?", "option-1": "Нет времени", "version": "1"},
        )
        assert one_option.status_code == 422
        assert field_error(one_option.text, "question-options") == (
            "Укажите не менее двух вариантов ответа."
        )
        assert "Что мешает?</textarea>" in one_option.text
        assert 'value="Нет времени"' in one_option.text
        added = await _post(
            client,
            draft,
            action,
            {
                "kind": "single",
                "text": "Что мешает?",
                "required": "1",
                "option-1": "Нет времени",
                "option-2": "Не знаю, как формировать грамотность",
                "option-2-competency": "functional_literacy",
                "version": "1",
            },
        )
        assert added.status_code == 303
        second = await _post(
            client,
            draft,
            action,
            {
                "kind": "scale",
                "text": "Оцените подготовку к ОГЭ",
                "competency": "exam_preparation",
                "option-1": "не нужен шкале",
                "version": "2",
            },
        )
        assert second.status_code == 303
        page = (await client.get(draft)).text
    assert survey_page.startswith("/growth/surveys/")
    assert state.posted("/surveys")[-1] == {
        "title": "Анкета для учителей естественных наук",
        "school_year": "2026/2027",
        "description": "",
        "closes_on": "2026-12-15",
        "target": {
            "organisation_ids": [str(SCHOOL)],
            "subjects": ["биология", "химия"],
            "staff_groups": ["teacher"],
            "categories": [],
        },
    }
    first, scale = state.posted(f"/surveys/{DRAFT_SURVEY}")
    assert first == {
        "questions": [
            {
                "kind": "single",
                "text": "Что мешает?",
                "required": True,
                "options": [
                    {"key": "v1", "text": "Нет времени", "competency": None},
                    {
                        "key": "v2",
                        "text": "Не знаю, как формировать грамотность",
                        "competency": "functional_literacy",
                    },
                ],
                "competency": None,
            }
        ],
        "version": 1,
    }
    assert [q["kind"] for q in scale["questions"]] == ["single", "scale"]
    assert scale["questions"][0]["options"][1]["key"] == "v2"  # the first one kept
    assert scale["questions"][1] == {
        "kind": "scale",
        "text": "Оцените подготовку к ОГЭ",
        "required": False,
        "options": [],
        "competency": "exam_preparation",
    }
    assert "→ дефицит: Формирование функциональной грамотности" in text(page)
    assert "Оценка 1–2 указывает на дефицит: Подготовка обучающихся к ГИА" in text(page)


async def test_opening_closing_and_repeating_a_survey(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    state.surveys[DRAFT_SURVEY]["target"]["subjects"] = ["астрономия"]
    draft = f"/growth/surveys/{DRAFT_SURVEY}"
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        refused = await _post(client, draft, f"{draft}/open", {"version": "1"})
        assert refused.status_code == 422
        assert re.search(
            rf'<p class="form-error" role="alert" id="actions-error">{NOBODY_IN_TARGET}</p>',
            refused.text,
        )
        state.surveys[DRAFT_SURVEY]["target"]["subjects"] = []
        opened = await _post(client, draft, f"{draft}/open", {"version": "1"})
        assert opened.status_code == 303
        page = await client.get(opened.headers["location"])
        assert "Опрос открыт: педагоги целевой группы получат уведомление." in page.text
        assert 'id="close-survey">Завершить опрос</button>' in page.text
        closed = await _post(client, draft, f"{draft}/close", {"version": "2"})
        assert closed.status_code == 303
        page = await client.get(draft)
        assert 'id="proposals-link"' in page.text
        assert 'name="copy_school_year" type="text" value="2027/2028"' in page.text
        copied = await _post(
            client, draft, f"{draft}/copy", {"copy_school_year": "2027/2028", "copy_title": ""}
        )
        assert copied.status_code == 303
        assert (
            "Создан черновик анкеты на следующий учебный год"
            in (await client.get(copied.headers["location"])).text
        )
    assert state.posted(f"/surveys/{DRAFT_SURVEY}/open") == [{"version": 1}, {"version": 1}]
    assert state.posted(f"/surveys/{DRAFT_SURVEY}/close") == [{"version": 2}]
    assert state.posted(f"/surveys/{DRAFT_SURVEY}/copy") == [{"school_year": "2027/2028"}]


async def test_results_are_drawn_as_bars_beside_last_year(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        html = (await client.get(f"/growth/surveys/{CLOSED_SURVEY}/results")).text
    page = text(html)
    district = html[html.index('id="district"') : html.index('id="by-school"')]
    assert district.count("<svg") == 2 + 2 + 5  # two choices, two choices, five marks
    assert '<rect x="0" y="2" width="75.0" height="12"' in district
    assert "Средняя оценка: 3,7 из 5" in text(district)
    assert "Доля ответивших 75 %" in page
    assert "МБОУ «Яйская СОШ № 1» — ответили 9" in page
    assert "биология — ответили 4" in page
    comparison = html[html.index('id="comparison"') :]
    assert "2025/2026: ответили 11; 2026/2027: ответили 15." in text(comparison)
    assert "+12,5 п. п." in comparison and "−12,5 п. п." in comparison
    assert "62,5 %" in comparison
    assert "Средняя оценка: 2025/2026 — 3,1 ; 2026/2027 — 3,7 ." in text(comparison)


async def test_proposed_deficits_are_confirmed(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    page = f"/growth/surveys/{CLOSED_SURVEY}/proposals"
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        html = (await client.get(page)).text
        item = f"{TEACHER}|functional_literacy|биология"
        assert f'name="item" value="{item}" id="item-1" checked' in html
        assert f'href="/growth/deficits/{CLOSED_DEFICIT}"' in html  # recorded already
        nothing = await _post(client, page, page, {"note": "по итогам анкеты"})
        assert nothing.status_code == 422
        assert field_error(nothing.text, "item") == "Отметьте хотя бы один предложенный дефицит."
        assert "по итогам анкеты</textarea>" in nothing.text
        confirmed = await _post(client, page, page, {"item": item, "note": "по итогам анкеты"})
        assert confirmed.status_code == 303
        not_closed = await client.get(f"/growth/surveys/{OPEN_SURVEY}/proposals")
        assert "Дефициты по анкете предлагаются после завершения опроса" in not_closed.text
    assert state.posted(
        page.removeprefix("/growth").removesuffix("/proposals") + "/deficit-proposals"
    ) == [
        {
            "items": [
                {
                    "person_id": str(TEACHER),
                    "competency_code": "functional_literacy",
                    "subject": "биология",
                }
            ],
            "note": "по итогам анкеты",
        }
    ]


async def test_a_teacher_answers_and_changes_the_answers_while_open(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    page = f"/growth/surveys/{OPEN_SURVEY}"
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        mine = (await client.get("/growth/surveys")).text
        assert f'href="/growth/surveys/{OPEN_SURVEY}"' in mine[mine.index('id="waiting-surveys"') :]
        form = (await client.get(page)).text
        assert 'id="send-answers">Отправить ответы</button>' in form
        partial = await _post(
            client,
            page,
            page,
            {
                f"q-{Q_SINGLE}": "v2",
                f"q-{Q_MULTIPLE}": ["a", "b"],
                f"q-{Q_TEXT}": "Больше практики",
            },
        )
        assert partial.status_code == 422
        assert field_error(partial.text, f"q-{Q_SCALE}") == (
            "Ответьте на обязательный вопрос 3: «Оцените свою подготовку к ОГЭ»"
        )
        html = partial.text
        assert f'id="q-{Q_SINGLE}-v2" name="q-{Q_SINGLE}" value="v2" checked' in html
        assert f'id="q-{Q_MULTIPLE}-a" name="q-{Q_MULTIPLE}" value="a" checked' in html
        assert f'id="q-{Q_MULTIPLE}-b" name="q-{Q_MULTIPLE}" value="b" checked' in html
        assert "Больше практики</textarea>" in html
        done = await _post(
            client,
            page,
            page,
            {f"q-{Q_SINGLE}": "v2", f"q-{Q_MULTIPLE}": "a", f"q-{Q_SCALE}": "2"},
        )
        assert done.status_code == 303
        again = (await client.get(done.headers["location"])).text
        assert "Ваши ответы сохранены. Пока опрос идёт, их можно изменить." in again
        assert 'id="send-answers">Сохранить изменения</button>' in again
        assert f'id="q-{Q_SCALE}-2" name="q-{Q_SCALE}" value="2" checked' in again
        assert '<input type="hidden" name="version" value="1">' in again
        changed = await _post(
            client, page, page, {f"q-{Q_SINGLE}": "v1", f"q-{Q_SCALE}": "4", "version": "1"}
        )
        assert changed.status_code == 303
        # After the survey closes, the answers are shown, not editable.
        state.surveys[OPEN_SURVEY].update(status="closed", status_title="опрос завершён")
        closed = (await client.get(page)).text
        assert 'id="answer-form"' not in closed
        assert "Опрос не проводится: ответы больше не принимаются." in closed
        assert "4 из 5" in text(closed) and "Уверенно" in text(closed)
    answers = state.posted(f"/surveys/{OPEN_SURVEY}/response")
    assert answers[1] == {"answers": {str(Q_SINGLE): "v2", str(Q_MULTIPLE): ["a"], str(Q_SCALE): 2}}
    assert answers[2] == {"answers": {str(Q_SINGLE): "v1", str(Q_SCALE): 4}, "version": 1}


# --- deficits ---------------------------------------------------------------------------


async def test_deficits_are_filtered_and_recorded_with_source_and_date(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        listing = await client.get(
            f"/growth/deficits?person_id={TEACHER}&competency=functional_literacy&status=open"
        )
        assert f'data-deficit-id="{DEFICIT}"' in listing.text
        assert f'data-deficit-id="{CLOSED_DEFICIT}"' not in listing.text
        assert 'value="2026-11-23"' in listing.text  # today at Yaya, for a new one
        typed = {
            "person_id": str(TEACHER),
            "competency_code": "functional_literacy",
            "subject": "биология",
            "source": "observation",
            "source_date": "31.02.2026",
            "source_ref": "Посещение урока в 7 классе",
            "note": "Приёмы смыслового чтения не используются",
        }
        wrong = await _post(client, "/growth/deficits", "/growth/deficits", typed)
        assert wrong.status_code == 422
        assert field_error(wrong.text, "deficit-source-date") == (
            "Неверная дата «31.02.2026». Укажите дату в виде ДД.ММ.ГГГГ, например 17.03.2027."
        )
        assert 'value="Посещение урока в 7 классе"' in wrong.text
        assert "Приёмы смыслового чтения не используются</textarea>" in wrong.text
        assert f'<option value="{TEACHER}" selected>' in wrong.text
        assert '<option value="observation" selected>' in wrong.text
        future = await _post(
            client, "/growth/deficits", "/growth/deficits", {**typed, "source_date": "01.12.2026"}
        )
        assert future.status_code == 422
        assert field_error(future.text, "deficit-source-date") == (
            "Дата выявления дефицита не может быть в будущем"
        )
        recorded = await _post(
            client, "/growth/deficits", "/growth/deficits", {**typed, "source_date": "20.11.2026"}
        )
        assert recorded.status_code == 303
        assert "Дефицит записан." in (await client.get(recorded.headers["location"])).text
    listed = [c for c in state.calls if c[0] == "GET" and c[1] == "/deficits"]
    assert listed  # the filters reached the service
    assert state.posted("/deficits")[-1] == {
        "person_id": str(TEACHER),
        "competency_code": "functional_literacy",
        "subject": "биология",
        "source": "observation",
        "source_date": "2026-11-20",
        "source_ref": "Посещение урока в 7 классе",
        "note": "Приёмы смыслового чтения не используются",
    }
    assert len(state.posted("/deficits")) == 2  # the wrong date never left the portal


async def test_a_deficit_is_not_closed_without_a_completed_step(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    page = f"/growth/deficits/{DEFICIT}"
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        html = (await client.get(page)).text
        assert f'href="/growth/routes/{ROUTE}#step-{EVENT_STEP}"' in html  # the tied steps
        assert f'href="/calendar/{EVENT}"' in html
        evidence = "Провела открытый урок с приёмами смыслового чтения"
        refused = await _post(client, page, f"{page}/close", {"evidence": evidence, "version": "2"})
        assert refused.status_code == 422
        assert field_error(refused.text, "close-step") == CLOSING_REFUSAL
        assert f"{evidence}</textarea>" in refused.text
        state.route["steps"][0]["status"] = "done"
        closed = await _post(
            client,
            page,
            f"{page}/close",
            {"evidence": evidence, "step_id": str(EVENT_STEP), "version": "2"},
        )
        assert closed.status_code == 303
        after = (await client.get(closed.headers["location"])).text
        assert "Дефицит отмечен как устранённый." in after
        assert 'id="close-form"' not in after
    assert state.posted(f"/deficits/{DEFICIT}/close")[-1] == {
        "evidence": evidence,
        "step_id": str(EVENT_STEP),
        "version": 2,
    }


# --- routes -----------------------------------------------------------------------------


async def test_staff_build_a_route_and_review_course_certificates(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    page = f"/growth/routes/{ROUTE}"
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        teacher = await client.get(f"/growth/teachers/{TEACHER}")
        assert f'href="/growth/routes/{ROUTE}"' in teacher.text
        again = await _post(
            client,
            f"/growth/teachers/{TEACHER}",
            f"/growth/teachers/{TEACHER}/routes",
            {"school_year": "2026/2027"},
        )
        assert again.status_code == 409
        assert field_error(again.text, "route-school-year") == (
            "У педагога уже есть маршрут на 2026/2027 учебный год"
        )
        html = (await client.get(page)).text
        assert f'<option value="{EVENT}">03.12.2026 — Семинар «Смысловое чтение» (семинар)' in html
        assert (
            f'<option value="{DEFICIT}">Формирование функциональной грамотности (биология)' in html
        )
        goal = await _post(
            client,
            page,
            f"{page}/goals",
            {"title": "Подготовить открытый урок", "deficit_id": str(DEFICIT)},
        )
        assert goal.status_code == 303
        event = await _post(
            client,
            page,
            f"{page}/steps",
            {
                "kind": "event",
                "goal_id": str(GOAL),
                "event_id": str(EVENT),
                "deadline": "05.12.2026",
            },
        )
        assert event.status_code == 303
        course = await _post(
            client,
            page,
            f"{page}/steps",
            {"kind": "course", "title": "", "provider": "КРИПКиПРО", "hours": "36"},
        )
        assert course.status_code == 422
        assert field_error(course.text, "step-title") == "Укажите название курсов"
        assert 'value="КРИПКиПРО"' in course.text
        hours = await _post(
            client,
            page,
            f"{page}/steps",
            {"kind": "mentoring", "assignment_id": str(ASSIGNMENT), "planned_hours": "полтора"},
        )
        assert hours.status_code == 422
        assert field_error(hours.text, "step-planned-hours").startswith("«полтора» — не число")
        mentoring = await _post(
            client,
            page,
            f"{page}/steps",
            {"kind": "mentoring", "assignment_id": str(ASSIGNMENT), "planned_hours": "4,5"},
        )
        assert mentoring.status_code == 303
        short = await _post(
            client, page, f"{page}/steps/{COURSE_STEP}/return", {"reason": "нет", "version": "1"}
        )
        assert short.status_code == 422
        assert field_error(short.text, f"return-reason-input-{COURSE_STEP}") == (
            "Укажите причину возврата (не короче 5 символов)"
        )
        returned = await _post(
            client,
            page,
            f"{page}/steps/{COURSE_STEP}/return",
            {"reason": "Нет печати организации", "version": "1"},
        )
        assert returned.status_code == 303
        approved = await _post(
            client,
            page,
            f"{page}/steps/{COURSE_STEP}/approve",
            {"completed_on": "18.11.2026", "version": "1"},
        )
        assert approved.status_code == 303
        assert (
            "Подтверждение принято: шаг выполнен."
            in (await client.get(approved.headers["location"])).text
        )
        assert 'name="deadline" type="date" value="2026-12-05"' in html  # a step's own form
        moved = await _post(
            client,
            page,
            f"{page}/steps/{EVENT_STEP}/edit",
            {"deadline": "10.12.2026", "goal_id": "", "version": "1"},
        )
        assert moved.status_code == 303
        assert "Срок или цель шага изменены." in (await client.get(moved.headers["location"])).text
        download = await client.get(f"{page}/steps/{COURSE_STEP}/evidence")
        assert download.status_code == 200
        assert download.content == b"%PDF-1.7 certificate"
    steps = state.posted(f"/routes/{ROUTE}/steps")
    assert steps[0] == {
        "kind": "event",
        "goal_id": str(GOAL),
        "deadline": "2026-12-05",
        "event_id": str(EVENT),
    }
    assert steps[-1] == {
        "kind": "mentoring",
        "assignment_id": str(ASSIGNMENT),
        "planned_hours": 4.5,
    }
    assert state.posted(f"/routes/{ROUTE}/goals") == [
        {"title": "Подготовить открытый урок", "deficit_id": str(DEFICIT)}
    ]
    assert state.posted(f"/routes/{ROUTE}/steps/{COURSE_STEP}/return")[-1] == {
        "reason": "Нет печати организации",
        "version": 1,
    }
    assert state.posted(f"/routes/{ROUTE}/steps/{EVENT_STEP}") == [
        {"deadline": "2026-12-10", "goal_id": None, "version": 1}
    ]
    assert state.posted(f"/routes/{ROUTE}/steps/{COURSE_STEP}/approve") == [
        {"completed_on": "2026-11-18", "version": 1}
    ]


async def test_a_teacher_sees_the_route_and_sends_a_certificate(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        html = (await client.get("/growth/route")).text
        assert '<a href="/growth/route" aria-current="page">Мой маршрут</a>' in html
        assert "Освоить приёмы смыслового чтения на уроках биологии" in html
        assert 'id="add-step"' not in html and f'id="approve-{COURSE_STEP}"' not in html
        assert f'id="send-evidence-{COURSE_STEP}"' in html
        assert f'id="evidence-form-{EVENT_STEP}"' not in html  # attendance completes an event
        assert "1,5&nbsp;ч из 6&nbsp;ч запланированных" in html
        token = csrf(html)
        action = f"/growth/routes/{ROUTE}/steps/{COURSE_STEP}/evidence"
        nothing = await client.post(action, data={"csrf_token": token, "comment": "скан"})
        assert nothing.status_code == 422
        assert field_error(nothing.text, f"evidence-file-{COURSE_STEP}") == (
            "Выберите файл документа о прохождении курсов."
        )
        assert 'value="скан"' in nothing.text
        broken = await client.post(
            action,
            data={"csrf_token": token, "comment": "скан", "version": "1"},
            files={"file": ("удостоверение.pdf", b"not a pdf", "application/pdf")},
        )
        assert broken.status_code == 422
        assert field_error(broken.text, f"evidence-file-{COURSE_STEP}") == (
            "Файл «удостоверение.pdf» повреждён или не является PDF"
        )
        sent = await client.post(
            action,
            data={"csrf_token": token, "comment": "Удостоверение № 123", "version": "1"},
            files={"file": ("удостоверение.pdf", b"%PDF-1.7 scan", "application/pdf")},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        assert sent.headers["location"] == f"/growth/routes/{ROUTE}?notice=evidence-sent"
        shown = (await client.get(sent.headers["location"])).text
        assert "Документ отправлен методисту на проверку." in shown
    upload = state.uploads[-1]
    assert upload["filename"] == "удостоверение.pdf"
    assert upload["content"] == b"%PDF-1.7 scan"
    assert upload["comment"] == "Удостоверение № 123"
    assert upload["version"] == "1"


async def test_a_teacher_sees_own_deficits_with_suggestions(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        html = (await client.get("/growth/deficits")).text
    suggestions = html[html.index(f'id="suggestions-{DEFICIT}"') :]
    assert f'<a href="/calendar/{EVENT}">Семинар «Смысловое чтение»</a>' in suggestions
    assert f'<a href="/calendar/centre/{CENTRE_EVENT}">' in suggestions
    assert "межмуниципальное" in suggestions
    assert f'<a href="/sites/{SITE}">' in suggestions
    assert "03.12.2026 11:00–13:00" in text(suggestions)
    closed = html[html.index('id="closed-deficits"') :]
    assert "устранён 15.11.2026: Проведён открытый урок с разбором заданий ОГЭ" in text(closed)
    assert 'id="deficit-filters"' not in html and 'id="deficit-form"' not in html


# --- transcript, school, tutors, home ---------------------------------------------------


async def test_a_teacher_prints_the_record_and_downloads_it_through_the_portal(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        html = (await client.get("/growth/transcript")).text
        assert "45,5&nbsp;ч" in html
        assert "Семинар «Смысловое чтение»" in html and "С-2026-015" in html
        assert "Стажировка на базе ОСМП" in html[html.index('id="transcript-internships"') :]
        assert "Цифровые образовательные ресурсы, КРИПКиПРО — 36 ч, 01.11.2026" in text(html)
        assert "Тьютор: Андреева Анна Ивановна — Смысловое чтение, 1,5&nbsp;ч" in html
        assert 'id="print-transcript">Печать (PDF/DOCX)</button>' in html
        wrong = await _post(
            client,
            "/growth/transcript",
            f"/growth/teachers/{TEACHER}/transcript/print",
            {"date_from": "01.12.2026", "date_to": "01.09.2026"},
        )
        assert wrong.status_code == 422
        assert field_error(wrong.text, "date_from") == "Начало периода позже его окончания."
        printed = await _post(
            client,
            "/growth/transcript",
            f"/growth/teachers/{TEACHER}/transcript/print",
            {"date_from": "01.09.2026", "date_to": ""},
        )
        assert printed.status_code == 303
        location = printed.headers["location"]
        assert location == f"/growth/transcript?date_from=2026-09-01&document={DOCUMENT}"
        page = (await client.get(location)).text
    assert f'<a href="/documents/{DOCUMENT}/file.pdf" download data-format="pdf"' in page
    assert f'<a href="/documents/{DOCUMENT}/file.docx" download data-format="docx"' in page
    assert 'name="date_from" type="date" value="2026-09-01"' in page
    assert state.posted(f"/people/{TEACHER}/transcript/print") == [{"date_from": "2026-09-01"}]


async def test_a_school_reads_its_teachers_routes_and_records(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **SCHOOL_ACCOUNT) as client:
        listing = (await client.get("/growth/teachers")).text
        assert '<a href="/growth/teachers" aria-current="page">Развитие педагогов</a>' in listing
        assert f'data-person-id="{TEACHER}"' in listing
        assert f'data-person-id="{STRANGER}"' not in listing
        assert f'href="/growth/routes/{ROUTE}">2026/2027</a> (0 из 3)' in listing
        route = (await client.get(f"/growth/routes/{ROUTE}")).text
        for form in (
            "goal-form",
            "step-form",
            f"approve-form-{COURSE_STEP}",
            f"evidence-form-{COURSE_STEP}",
        ):
            assert f'id="{form}"' not in route
        assert "Функциональная грамотность: читательская" in route
        record = await client.get(f"/growth/teachers/{TEACHER}/transcript")
        assert record.status_code == 200 and "45,5&nbsp;ч" in record.text
        teacher = (await client.get(f"/growth/teachers/{TEACHER}")).text
        assert 'id="route-form"' not in teacher
        goal = await _post(
            client, f"/growth/routes/{ROUTE}", f"/growth/routes/{ROUTE}/goals", {"title": "x"}
        )
        assert goal.status_code == 403
        stranger = await client.get(f"/growth/teachers/{STRANGER}")
        assert stranger.status_code == 404
        assert (
            "Педагог не найден среди педагогов, сведения о которых вам доступны." in stranger.text
        )
    assert not [c for c in state.calls if c[0] != "GET"]


async def test_a_tutor_records_a_meeting_and_the_supported_teacher_only_reads(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    page = f"/growth/tutors/{ASSIGNMENT}"
    async with portal(settings_of(fake), clock=kit.Clock(), **TUTOR_ACCOUNT) as client:
        mine = (await client.get("/growth/tutors")).text
        assert f'href="/growth/tutors/{ASSIGNMENT}#meeting-form"' in mine
        assert "Я — тьютор (наставник)" in mine
        html = (await client.get(page)).text
        assert 'id="meeting-form"' in html
        assert f'name="present" value="{TEACHER}" checked' in html
        typed = {
            "held_on": "30.11.2026",
            "hours": "1,5",
            "topic": "Разбор урока",
            "present": str(TEACHER),
        }
        future = await _post(client, page, f"{page}/meetings", typed)
        assert future.status_code == 422
        assert field_error(future.text, "meeting-date") == (
            "Нельзя отметить встречу, которая ещё не состоялась"
        )
        assert 'value="Разбор урока"' in future.text and 'value="1,5"' in future.text
        nobody = await _post(client, page, f"{page}/meetings", {**typed, "present": ""})
        assert nobody.status_code == 422
        assert field_error(nobody.text, "meeting-present") == "Отметьте присутствовавших педагогов."
        recorded = await _post(client, page, f"{page}/meetings", {**typed, "held_on": "20.11.2026"})
        assert recorded.status_code == 303
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        mine = (await client.get("/growth/tutors")).text
        assert "Меня сопровождают" in mine and "Я — тьютор" not in mine
        html = (await client.get(page)).text
        assert 'id="meeting-form"' not in html
        assert "Приёмы работы с текстом" in html
    assert state.posted(f"/tutor-assignments/{ASSIGNMENT}/meetings")[-1] == {
        "held_on": "2026-11-20",
        "hours": 1.5,
        "topic": "Разбор урока",
        "present": [str(TEACHER)],
        "notes": "",
    }


async def test_staff_appoint_a_tutor_to_a_group(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        typed = {
            "kind": "mentor",
            "tutor_person_id": str(TUTOR),
            "teacher_ids": [str(TEACHER), str(TUTOR)],
            "topic": "Школа молодого педагога",
            "starts_on": "01.12.2026",
        }
        refused = await _post(client, "/growth/tutors", "/growth/tutors", typed)
        assert refused.status_code == 422
        assert field_error(refused.text, "assignment-teachers") == (
            "Тьютор (наставник) не может сопровождать сам себя"
        )
        assert f'<option value="{TEACHER}" selected>' in refused.text
        appointed = await _post(
            client,
            "/growth/tutors",
            "/growth/tutors",
            {**typed, "teacher_ids": [str(TEACHER), str(STRANGER)]},
        )
        assert appointed.status_code == 303
        assert appointed.headers["location"].startswith(f"/growth/tutors/{ASSIGNMENT}")
    assert state.posted("/tutor-assignments")[-1] == {
        "kind": "mentor",
        "tutor_person_id": str(TUTOR),
        "teacher_ids": [str(TEACHER), str(STRANGER)],
        "topic": "Школа молодого педагога",
        "starts_on": "2026-12-01",
        "ends_on": None,
    }


async def test_the_home_page_shows_what_awaits_in_professional_development(
    fake: Any, state: Growth, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        teacher = (await client.get("/")).text
    surveys = teacher[teacher.index('id="home-surveys"') :]
    assert f'href="/growth/surveys/{OPEN_SURVEY}"' in surveys
    assert "Ответить до 15.12.2026" in text(surveys)
    steps = teacher[teacher.index('id="home-steps"') :]
    assert f'href="/growth/route#step-{EVENT_STEP}"' in steps
    assert "срок 05.12.2026" in text(steps)
    assert f"step-{COURSE_STEP}" not in steps  # due 01.03.2027: not within a month
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        methodist = (await client.get("/")).text
    pending = methodist[methodist.index('id="home-pending-evidence"') :]
    assert f'href="/growth/routes/{ROUTE}#step-{COURSE_STEP}"' in pending
    # Without the growth service the home page has no such block.
    async with portal(
        settings_of(fake, growth_url=""), clock=kit.Clock(), **TEACHER_ACCOUNT
    ) as client:
        assert 'id="growth-block"' not in (await client.get("/")).text


async def test_a_growth_service_that_does_not_answer_leaves_a_russian_notice(
    fake: Any, state: Growth, portal: Any, kit: Any, unused_port: int
) -> None:
    dead = settings_of(fake, growth_url=f"http://127.0.0.1:{unused_port}")
    async with portal(dead, clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        home = await client.get("/")
        page = await client.get("/growth/route")
    assert home.status_code == 200
    assert "Сервис профессионального развития сейчас недоступен." in home.text
    assert page.status_code == 503
    assert "Сведения временно недоступны" in page.text
