"""The analytics area's pages («Анализ результатов ГИА») against a fake analytics service
(and a fake growth service for «Записать дефицит») served over real HTTP, answering as the
real ones do (their shapes, their Russian refusals with the field they name)."""

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import jwt
import pytest
from litestar import Litestar, Request, Response, get, patch, post
from litestar.params import FromPath

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
ZONE = "Asia/Novosibirsk"


def _id(n: int) -> UUID:
    return UUID(f"0194c1a2-7e00-7000-8000-{n:012x}")


SCHOOL, LOW_SCHOOL = _id(0xA1), _id(0xA2)
TEACHER = _id(0xB1)
ANALYSIS, PROBLEM = _id(0x501), _id(0x502)
DOCUMENT, EVENT = _id(0x601), _id(0x602)
STAFF_ROLES = ("district_admin", "methodist", "centre_coordinator")
YEARS = [2024, 2025, 2026]
STALE_MESSAGE = "Анализ изменён другим пользователем"


def _figures(means: list[float | None]) -> list[dict[str, Any]]:
    return [
        {"year": y, "mean": m, "participants": 120, "schools": 6, "change": None}
        for y, m in zip(YEARS, means, strict=True)
    ]


def _line(
    kind: str, code: str, title: str, means: list[float | None], **extra: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "code": code,
        "title": title,
        "element_code": "",
        "element_name": "",
        "max_score": 1,
        "years": _figures(means),
        "trend": None if means[0] is None or means[-1] is None else means[-1] - means[0],
        "falling": False,
        "below_threshold": means[-1] is not None and means[-1] < 50,
        "schools": [],
        **extra,
    }


ANALYSIS_BODY: dict[str, Any] = {
    "exam": "oge",
    "exam_title": "ОГЭ",
    "subject": "Математика",
    "years": YEARS,
    "district": "yaya",
    "threshold": 50.0,
    "margin": 15.0,
    "min_years": 2,
    "total": _line("total", "total", "Экзамен в целом", [61.2, 58.4, 55.0]),
    "tasks": [
        _line("task", "1", "Задание 1", [80.0, 82.5, 79.1], element_name="Числа и вычисления"),
        _line("task", "2", "Задание 2", [52.0, 47.3, 41.8], falling=True),
    ],
    "elements": [_line("element", "3.1", "3.1 Уравнения", [55.5, 51.0, 44.4])],
    "problems": [
        {
            "kind": "task",
            "code": "2",
            "title": "Задание 2",
            "reasons": ["below_threshold", "falling"],
            "latest_year": 2026,
            "latest_mean": 41.8,
            "years": _figures([52.0, 47.3, 41.8]),
        }
    ],
    "low_schools": [
        {
            "school_id": str(LOW_SCHOOL),
            "name": "МБОУ «Ишимская ООШ»",
            "district": "yaya",
            "organisation_id": str(LOW_SCHOOL),
            "reasons": ["below_mean"],
            "years": [],
        }
    ],
    "districts": [],
}

VOCABULARY = {
    "exams": [{"code": "oge", "title": "ОГЭ"}, {"code": "ege", "title": "ЕГЭ"}],
    "analysis_statuses": [],
    "problem_kinds": [],
    "reasons": [
        {"code": "below_threshold", "title": "средний процент выполнения ниже порогового"},
        {"code": "falling", "title": "результат снижается три года подряд"},
        {"code": "below_mean", "title": "результат ниже среднего по округу"},
    ],
    "action_kinds": [],
    "headers": [
        {
            "field": "school_name",
            "title": "Образовательная организация",
            "accepted": ["ОО"],
            "required": True,
        },
        {"field": "task", "title": "Номер задания", "accepted": ["Задание"], "required": True},
    ],
    "threshold": 50.0,
    "margin": 15.0,
    "min_years": 2,
    "analysis_years": 3,
    "instance_kind": "district",
    "districts": [],
    "today": "2026-11-23",
}


def _school_years(own: list[float], mean: list[float]) -> list[dict[str, Any]]:
    return [
        {
            "year": y,
            "percent": o,
            "district_mean": m,
            "diff": o - m,
            "change": None,
            "participants": 20,
            "district_schools": 6,
        }
        for y, o, m in zip(YEARS, own, mean, strict=True)
    ]


SCHOOL_VIEW = {
    "school_id": str(SCHOOL),
    "name": "МБОУ «Яйская СОШ № 1»",
    "district": "yaya",
    "exam": "oge",
    "exam_title": "ОГЭ",
    "subject": "Математика",
    "years": YEARS,
    "total": {
        "kind": "total",
        "code": "total",
        "title": "Экзамен в целом",
        "years": _school_years([64.0, 60.5, 57.5], [61.2, 58.4, 55.0]),
    },
    "tasks": [
        {
            "kind": "task",
            "code": "2",
            "title": "Задание 2",
            "years": _school_years([50.0, 45.0, 40.0], [52.0, 47.3, 41.8]),
        }
    ],
    "elements": [],
    "charts": [],
    "hidden_means": False,
}


def _saved(**extra: Any) -> dict[str, Any]:
    return {
        "id": str(ANALYSIS),
        "exam": "oge",
        "exam_title": "ОГЭ",
        "subject": "Математика",
        "years": YEARS,
        "district": "yaya",
        "district_name": "Яйский округ",
        "title": "Анализ ОГЭ по математике 2024–2026",
        "status": "draft",
        "status_title": "черновик",
        "conclusions": "Снижение по заданию 2.",
        "recommendations": "",
        "figures": {**ANALYSIS_BODY, "low_schools": []},
        "problems": [
            {
                "id": str(PROBLEM),
                "position": 1,
                "kind": "task",
                "kind_title": "задание",
                "code": "2",
                "title": "Задание 2",
                "element_code": "",
                "element_name": "",
                "reasons": ["below_threshold"],
                "reason_titles": ["средний процент выполнения ниже порогового"],
                "latest_year": 2026,
                "latest_mean": 41.8,
                "years": _figures([52.0, 47.3, 41.8]),
                "found": True,
                "causes": "",
                "recommendations": "",
                "updated_by": "",
                "updated_at": "2026-11-22T03:00:00Z",
                "version": 1,
                "actions": [],
            }
        ],
        "computed_at": "2026-11-22T03:00:00Z",
        "created_by": "Орлова Татьяна Николаевна",
        "created_at": "2026-11-22T03:00:00Z",
        "updated_by": "Орлова Татьяна Николаевна",
        "updated_at": "2026-11-22T03:00:00Z",
        "approved_by": "",
        "approved_at": None,
        "document": None,
        "version": 4,
        **extra,
    }


class Analytics:
    """The fake services' state and what they were asked."""

    def __init__(self) -> None:
        self.analysis = _saved()
        self.claims: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str, Any]] = []

    def record(self, request: Request[Any, Any, Any], body: Any = None) -> dict[str, Any]:
        claims = _claims(request)
        self.claims.append(claims)
        self.calls.append((request.method, request.url.path, body))
        return claims

    def posted(self, path: str) -> list[Any]:
        return [b for m, where, b in self.calls if where == "/ana" + path and m != "GET"]


STATE: dict[str, Analytics] = {}


def _claims(request: Request[Any, Any, Any]) -> dict[str, Any]:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    return dict(jwt.decode(token, options={"verify_signature": False})) if token else {}


def _refuse(status: int, message: str, field: str | None = None) -> Response[Any]:
    body: dict[str, Any] = {"error": "refused", "message": message}
    if field:
        body["field"] = field
    return Response(body, status_code=status)


def _a() -> Analytics:
    return STATE["a"]


def _staff_only(claims: dict[str, Any]) -> Response[Any] | None:
    if claims.get("role") not in STAFF_ROLES:
        return _refuse(403, "Результаты ГИА по образовательным организациям недоступны этой роли")
    return None


@get("/ana/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/reg/health")
async def registry_health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ana/vocabulary")
async def vocabulary(request: Request[Any, Any, Any]) -> dict[str, Any]:
    _a().record(request)
    return VOCABULARY


@get("/ana/results/available")
async def available(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    claims = _a().record(request)
    return [
        {
            "exam": "oge",
            "exam_title": "ОГЭ",
            "subject": "Математика",
            "years": YEARS,
            "schools": 6 if claims.get("role") in STAFF_ROLES else 1,
        }
    ]


@get("/ana/results/imports")
async def imports(request: Request[Any, Any, Any]) -> Any:
    claims = _a().record(request)
    return _staff_only(claims) or []


def _report(dry_run: bool, bad: bool, imported: int = 0) -> dict[str, Any]:
    errors = (
        [
            {
                "line": 4,
                "field": "percent",
                "column": "Процент выполнения",
                "message": "Процент «112» больше 100",
            },
            {
                "line": 7,
                "field": "school_name",
                "column": "Образовательная организация",
                "message": "Школа «СОШ № 99» не найдена в реестре",
            },
        ]
        if bad
        else []
    )
    return {
        "dry_run": dry_run,
        "clean": not bad,
        "message": "Найдены ошибки в строках: 4, 7. Ничего не загружено — исправьте файл"
        if bad
        else "Ошибок нет: можно загрузить строк — 12",
        "file_format": "csv",
        "encoding": "utf-8",
        "delimiter": ";",
        "sheet": None,
        "header_line": 1,
        "columns": [],
        "total_rows": 12,
        "valid_rows": 10 if bad else 12,
        "imported": imported,
        "import_id": None,
        "bad_lines": [4, 7] if bad else [],
        "errors": errors,
        "groups": []
        if bad
        else [
            {
                "school_id": str(SCHOOL),
                "school": "МБОУ «Яйская СОШ № 1»",
                "district": "yaya",
                "exam": "oge",
                "exam_title": "ОГЭ",
                "subject": "Математика",
                "year": 2026,
                "tasks": 12,
                "replaces": True,
            }
        ],
    }


@post("/ana/results/import", status_code=200)
async def import_file(request: Request[Any, Any, Any]) -> Any:
    form = await request.form()
    upload = form.get("file")
    content = await upload.read() if upload is not None and hasattr(upload, "read") else b""
    dry_run = request.query_params.get("dry_run", "true") == "true"
    _a().record(request, {"name": getattr(upload, "filename", ""), "dry_run": dry_run})
    if content.startswith(b"\x00"):
        return _refuse(422, "Файл не читается как таблица CSV или XLSX", "file")
    bad = b"bad" in content
    if not dry_run and bad:
        return Response(_report(False, True), status_code=422)
    return _report(dry_run, bad, imported=0 if dry_run else 12)


@get("/ana/analysis")
async def analysis(request: Request[Any, Any, Any]) -> Any:
    claims = _a().record(request)
    refused = _staff_only(claims)
    if refused:
        return refused
    if request.query_params.get("subject") == "Астрономия":
        return _refuse(404, "Результатов ОГЭ по предмету «Астрономия» нет", "subject")
    return ANALYSIS_BODY


@get("/ana/schools/{school_id:uuid}/results")
async def school_results(request: Request[Any, Any, Any], school_id: FromPath[UUID]) -> Any:
    claims = _a().record(request)
    if claims.get("role") == "school_representative" and claims.get("org") != str(school_id):
        return _refuse(
            403,
            "Представитель образовательной организации видит результаты только своей организации",
        )
    return {**SCHOOL_VIEW, "school_id": str(school_id)}


@get("/ana/analyses")
async def analyses(request: Request[Any, Any, Any]) -> Any:
    claims = _a().record(request)
    refused = _staff_only(claims)
    if refused:
        return refused
    a = _a().analysis
    keys = (
        "id",
        "exam",
        "exam_title",
        "subject",
        "years",
        "district",
        "title",
        "status",
        "status_title",
        "updated_at",
        "version",
    )
    return [{**{k: a[k] for k in keys}, "problems": len(a["problems"])}]


@post("/ana/analyses")
async def create_analysis(request: Request[Any, Any, Any]) -> Any:
    body = await request.json()
    _a().record(request, body)
    return Response(_a().analysis, status_code=201)


@get("/ana/analyses/{analysis_id:uuid}")
async def show_analysis(request: Request[Any, Any, Any], analysis_id: FromPath[UUID]) -> Any:
    claims = _a().record(request)
    refused = _staff_only(claims)
    if refused:
        return refused
    if analysis_id != ANALYSIS:
        return _refuse(404, "Анализ не найден")
    return _a().analysis


@patch("/ana/analyses/{analysis_id:uuid}")
async def edit_analysis(request: Request[Any, Any, Any], analysis_id: FromPath[UUID]) -> Any:
    body = await request.json()
    _a().record(request, body)
    a = _a().analysis
    if body.get("version") != a["version"]:
        return _refuse(409, STALE_MESSAGE, "version")
    a.update({k: v for k, v in body.items() if k != "version"})
    a["version"] += 1
    return a


def _status_step(name: str, status: str) -> Any:
    @post(f"/ana/analyses/{{analysis_id:uuid}}/{name}", status_code=200, name=f"a-{name}")
    async def step(request: Request[Any, Any, Any], analysis_id: FromPath[UUID]) -> Any:
        body = await request.json()
        claims = _a().record(request, body)
        if name in ("approve", "reopen") and claims.get("role") not in (
            "district_admin",
            "centre_coordinator",
        ):
            return _refuse(403, "Утверждает анализ руководитель ИМЦ")
        a = _a().analysis
        if status:
            a["status"] = status
            a["status_title"] = "утверждён" if status == "approved" else "черновик"
        return a

    return step


@post("/ana/analyses/{analysis_id:uuid}/export", status_code=200)
async def export(request: Request[Any, Any, Any], analysis_id: FromPath[UUID]) -> Any:
    _a().record(request)
    _a().analysis["document"] = {
        "document_id": str(DOCUMENT),
        "number": "АН-1",
        "pdf_path": f"/documents/{DOCUMENT}/file.pdf",
        "docx_path": f"/documents/{DOCUMENT}/file.docx",
        "analysis_version": 4,
        "exported_at": "2026-11-23T03:00:00Z",
    }
    return {
        "document_id": str(DOCUMENT),
        "number": "АН-1",
        "title": "Информационная справка",
        "created": True,
        "pdf_path": f"/documents/{DOCUMENT}/file.pdf",
        "docx_path": f"/documents/{DOCUMENT}/file.docx",
        "analysis_version": 4,
    }


@patch("/ana/analyses/{analysis_id:uuid}/problems/{problem_id:uuid}")
async def edit_problem(
    request: Request[Any, Any, Any], analysis_id: FromPath[UUID], problem_id: FromPath[UUID]
) -> Any:
    body = await request.json()
    _a().record(request, body)
    return _a().analysis


def _action(kind: str, created: bool) -> dict[str, Any]:
    return {
        "id": str(_id(0x700)),
        "kind": kind,
        "kind_title": "мероприятие (семинар) в плане ИМЦ" if kind == "event" else "дефицит",
        "state": "done",
        "remote_id": str(EVENT),
        "person_id": None,
        "title": "Семинар «Задание 2»",
        "starts_at": "2027-02-10T08:00:00Z",
        "created_by": "Орлова Татьяна Николаевна",
        "created_at": "2026-11-23T03:00:00Z",
        "created": created,
    }


@post("/ana/analyses/{analysis_id:uuid}/problems/{problem_id:uuid}/event")
async def plan_event(
    request: Request[Any, Any, Any], analysis_id: FromPath[UUID], problem_id: FromPath[UUID]
) -> Any:
    body = await request.json()
    _a().record(request, body)
    if body["starts_at"] < "2026-11-23":
        return _refuse(422, "Семинар нельзя запланировать на прошедшую дату", "starts_at")
    return Response(_action("event", True), status_code=201)


@post("/ana/analyses/{analysis_id:uuid}/problems/{problem_id:uuid}/deficits")
async def record_deficit(
    request: Request[Any, Any, Any], analysis_id: FromPath[UUID], problem_id: FromPath[UUID]
) -> Any:
    body = await request.json()
    _a().record(request, body)
    return Response(_action("deficit", False), status_code=200)


@get("/gro/teachers")
async def teachers(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    return [
        {
            "person_id": str(TEACHER),
            "full_name": "Андреева Анна Ивановна",
            "organisation_id": str(SCHOOL),
            "organisation": "МБОУ «Яйская СОШ № 1»",
        }
    ]


@get("/gro/competencies")
async def competencies(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    return [
        {"id": str(_id(0x800)), "code": "exam_preparation", "title": "Подготовка обучающихся к ГИА"}
    ]


HANDLERS = [
    health,
    registry_health,
    vocabulary,
    available,
    imports,
    import_file,
    analysis,
    school_results,
    analyses,
    create_analysis,
    show_analysis,
    edit_analysis,
    _status_step("approve", "approved"),
    _status_step("reopen", "draft"),
    _status_step("recount", ""),
    export,
    edit_problem,
    plan_event,
    record_deficit,
    teachers,
    competencies,
]


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(Litestar(HANDLERS, logging_config=None))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def state() -> Analytics:
    STATE["a"] = Analytics()
    return STATE["a"]


def settings_of(fake: Any, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": "yaya",
        "district_name": "Яйский муниципальный округ",
        "mode": "district",
        "time_zone": ZONE,
        "auth_signing_key": PORTAL_SIGNING_KEY,
        "registry_url": fake.url("reg"),
        "analytics_url": fake.url("ana"),
        "growth_url": fake.url("gro"),
    }
    return PortalSettings(service="portal", **{**values, **extra})


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form"
    return found.group(1)


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    assert found, f"no error next to {field_id}"
    return found.group(1)


METHODIST = {"role": Role.METHODIST, "name": "Орлова Татьяна Николаевна"}
HEAD = {"role": Role.DISTRICT_ADMIN, "name": "Петрова Галина Семёновна"}
TEACHER_ACCOUNT = {"role": Role.TEACHER, "name": "Карпенко Юлия Сергеевна", "person_id": TEACHER}
SCHOOL_ACCOUNT = {
    "role": Role.SCHOOL_REPRESENTATIVE,
    "name": "Белова Марина Александровна",
    "organisation_id": SCHOOL,
}
QUERY = "exam=oge&subject=Математика"


async def _post(client: Any, page: str, action: str, data: dict[str, Any]) -> Any:
    token = csrf((await client.get(page)).text)
    return await client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


STAFF_PAGES = [
    "/analytics",
    f"/analytics/analysis?{QUERY}",
    f"/analytics/analysis?{QUERY}&years=2024,2025,2026",
    "/analytics/analyses",
    f"/analytics/analyses/{ANALYSIS}",
    "/analytics/import",
    f"/analytics/schools/{LOW_SCHOOL}?{QUERY}",
]


async def test_staff_see_every_page_in_russian(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        for page in STAFF_PAGES:
            response = await client.get(page)
            assert response.status_code == 200, (page, response.text[:2000])
            assert '<html lang="ru">' in response.text
            assert (
                '<a href="/analytics" aria-current="page">Анализ результатов ГИА</a>'
                in response.text
            ), page


async def test_the_analysis_draws_bars_highlights_problems_and_lists_schools(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        html = (await client.get(f"/analytics/analysis?{QUERY}")).text
    tasks = html[html.index('id="tasks-table"') : html.index('id="analysis-elements"')]
    assert '<tr data-line="task:2" class="row-alert" data-problem="1">' in tasks
    assert '<tr data-line="task:1">' in tasks
    assert "47,3 %" in tasks and "41,8 %" in tasks  # Russian number format
    assert "−10,2 п. п." in tasks  # 41,8 − 52,0
    assert tasks.count("<svg") == 2
    assert 'width="41.8"' in tasks  # the 2026 bar of task 2
    assert "средний процент выполнения ниже порогового" in text(html)
    low = html[html.index('id="low-schools"') :]
    assert "МБОУ «Ишимская ООШ»" in low
    assert "результат ниже среднего по округу" in low
    assert "не рейтинг" in low
    assert 'id="save-analysis-button"' in html


async def test_a_bad_query_is_said_next_to_the_field_and_kept(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        bad = await client.get("/analytics/analysis?exam=oge&subject=Математика&years=2024,20x5")
        assert bad.status_code == 422
        assert field_error(bad.text, "query-years").startswith("Год «20x5» указан неверно")
        assert 'id="query-years" name="years" type="text" value="2024,20x5"' in bad.text
        missing = await client.get("/analytics/analysis?exam=oge&subject=Астрономия")
        assert missing.status_code == 404
        assert (
            field_error(missing.text, "query-subject")
            == "Результатов ОГЭ по предмету «Астрономия» нет"
        )
    assert not [c for c in state.calls if c[1] == "/ana/analysis" and "20x5" in str(c)]


async def test_a_school_sees_only_itself_beside_the_district_mean(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **SCHOOL_ACCOUNT) as client:
        home = (await client.get("/")).text
        assert '<a href="/analytics/school">Результаты ГИА</a>' in home
        start = await client.get("/analytics", follow_redirects=False)
        assert start.headers["location"] == "/analytics/school"
        html = (await client.get("/analytics/school")).text
        assert "МБОУ «Яйская СОШ № 1»: результаты ГИА" in html
        assert "64 % / 61,2 %" in text(html)
        assert "+2,8 п. п." in text(html)
        assert "Ишимская" not in html  # no other school anywhere
        for page in (
            f"/analytics/analysis?{QUERY}",
            "/analytics/analyses",
            f"/analytics/analyses/{ANALYSIS}",
            "/analytics/import",
            f"/analytics/schools/{LOW_SCHOOL}?{QUERY}",
        ):
            response = await client.get(page)
            assert response.status_code == 403, page
    asked = [c[1] for c in state.calls if "/schools/" in c[1]]
    assert asked == [f"/ana/schools/{SCHOOL}/results"]


async def test_a_teacher_cannot_reach_the_staff_pages(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        home = (await client.get("/")).text
        assert 'href="/analytics' not in home
        for page in ("/analytics", f"/analytics/analysis?{QUERY}", "/analytics/import"):
            response = await client.get(page)
            assert response.status_code == 403, page
            assert "Роль «педагог» не даёт доступа к этой странице" in response.text
        token = csrf(home)
        for action in (
            "/analytics/analyses",
            f"/analytics/analyses/{ANALYSIS}/edit",
            f"/analytics/analyses/{ANALYSIS}/problems/{PROBLEM}/event",
            "/analytics/import",
        ):
            response = await client.post(action, data={"csrf_token": token})
            assert response.status_code == 403, action
    assert state.calls == []


async def test_forms_without_the_csrf_token_are_refused(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        missing = await client.post(
            "/analytics/analyses", data={"exam": "oge", "subject": "Математика"}
        )
        upload = await client.post(
            "/analytics/import", files={"file": ("r.csv", b"a;b", "text/csv")}
        )
    for response in (missing, upload):
        assert response.status_code == 403
        assert "проверочный код формы отсутствует или устарел" in response.text
    assert state.calls == []


async def test_the_import_check_lists_bad_rows_then_loads_a_clean_file(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        form = (await client.get("/analytics/import")).text
        assert "Образовательная организация" in form  # the headers the service names
        token = csrf(form)
        bad = await client.post(
            "/analytics/import",
            data={"csrf_token": token},
            files={"file": ("результаты.csv", b"bad rows", "text/csv")},
        )
        assert bad.status_code == 200
        rows = bad.text[bad.text.index('id="import-errors"') :]
        assert '<tr data-line="4">' in rows and '<tr data-line="7">' in rows
        assert "Процент выполнения" in rows
        assert "Процент «112» больше 100" in rows
        assert "Школа «СОШ № 99» не найдена в реестре" in rows
        assert 'id="run-import"' not in bad.text
        unreadable = await client.post(
            "/analytics/import",
            data={"csrf_token": token},
            files={"file": ("r.csv", b"\x00\x01", "text/csv")},
        )
        assert unreadable.status_code == 422
        assert field_error_import(unreadable.text) == "Файл не читается как таблица CSV или XLSX"
        wrong = await client.post(
            "/analytics/import",
            data={"csrf_token": token},
            files={"file": ("r.doc", b"x", "application/msword")},
        )
        assert wrong.status_code == 422
        assert "загрузите таблицу в формате CSV или XLSX" in wrong.text
        good = await client.post(
            "/analytics/import",
            data={"csrf_token": token},
            files={"file": ("результаты.csv", b"good rows", "text/csv")},
        )
        assert 'id="run-import"' in good.text
        assert "заменит загруженные ранее" in good.text
        key = re.search(r'action="/analytics/import/([^"]+)"', good.text)
        assert key
        done = await client.post(f"/analytics/import/{key.group(1)}", data={"csrf_token": token})
        assert done.status_code == 200
        assert "Загружено строк: 12." in done.text
        again = await client.post(f"/analytics/import/{key.group(1)}", data={"csrf_token": token})
        assert again.status_code == 410
    runs = state.posted("/results/import")
    assert [r["dry_run"] for r in runs] == [True, True, True, False]


def field_error_import(html: str) -> str:
    found = re.search(
        r'<p class="field-error" id="results-file-error" role="alert">([^<]*)</p>', html
    )
    assert found
    return found.group(1)


async def test_a_saved_analysis_is_edited_with_locking_exported_and_acted_on(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    page = f"/analytics/analyses/{ANALYSIS}"
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        html = (await client.get(page)).text
        for button in (
            "export-docx",
            "save-texts",
            "recount-analysis",
            f"plan-event-{PROBLEM}",
            f"record-deficit-{PROBLEM}",
            "add-problem",
        ):
            assert f'id="{button}"' in html, button
        assert 'id="approve-analysis"' not in html  # a methodist does not approve
        assert "Андреева Анна Ивановна (МБОУ «Яйская СОШ № 1»)" in html
        # Optimistic locking: an old version is refused with the «refresh» advice.
        stale = await _post(
            client, page, f"{page}/edit", {"version": "3", "conclusions": "Новые выводы"}
        )
        assert stale.status_code == 409
        assert "Запись успела измениться" in stale.text
        assert "Новые выводы</textarea>" in stale.text  # what was typed is kept
        saved = await _post(
            client, page, f"{page}/edit", {"version": "4", "conclusions": "Новые выводы"}
        )
        assert saved.headers["location"].endswith("notice=saved")
        # «Провести семинар»: a wrong date next to its field; the service's refusal too.
        no_date = await _post(client, page, f"{page}/problems/{PROBLEM}/event", {})
        assert no_date.status_code == 422
        assert field_error(no_date.text, f"e-{PROBLEM}-date") == "Укажите дату семинара."
        past = await _post(
            client, page, f"{page}/problems/{PROBLEM}/event", {"starts_on": "01.11.2026"}
        )
        assert past.status_code == 422
        assert (
            field_error(past.text, f"e-{PROBLEM}-date")
            == "Семинар нельзя запланировать на прошедшую дату"
        )
        planned = await _post(
            client,
            page,
            f"{page}/problems/{PROBLEM}/event",
            {"starts_on": "10.02.2027", "starts_time": "15:00", "venue": "ИМЦ, ауд. 2"},
        )
        assert planned.headers["location"].endswith("notice=event-planned")
        deficit = await _post(
            client,
            page,
            f"{page}/problems/{PROBLEM}/deficit",
            {"person_id": str(TEACHER), "competency_code": "exam_preparation"},
        )
        assert deficit.headers["location"].endswith("notice=deficit-exists")
        exported = await _post(client, page, f"{page}/export", {})
        after = (await client.get(exported.headers["location"])).text
        assert f'href="/documents/{DOCUMENT}/file.docx"' in after
        assert "Справка № АН-1 от 23.11.2026" in text(after)
    assert state.posted(f"/analyses/{ANALYSIS}/problems/{PROBLEM}/event")[-1] == {
        "venue": "ИМЦ, ауд. 2",
        "online_url": "",
        "title": "",
        "hours": 2,
        "audience_low_results": False,
        "starts_at": "2027-02-10T15:00:00",
    }


async def test_the_head_approves_a_saved_analysis(
    fake: Any, state: Analytics, portal: Any, kit: Any
) -> None:
    page = f"/analytics/analyses/{ANALYSIS}"
    async with portal(settings_of(fake), clock=kit.Clock(), **HEAD) as client:
        html = (await client.get(page)).text
        assert 'id="approve-analysis"' in html
        approved = await _post(client, page, f"{page}/approve", {"version": "4"})
        assert approved.headers["location"].endswith("notice=approved")
        after = (await client.get(approved.headers["location"])).text
        assert 'id="reopen-analysis"' in after
        assert "Анализ утверждён." in after
    assert state.posted(f"/analyses/{ANALYSIS}/approve") == [{"version": 4}]


async def test_saving_an_analysis_and_growth_away(
    fake: Any, state: Analytics, portal: Any, kit: Any, unused_port: int
) -> None:
    settings = settings_of(fake, growth_url=f"http://127.0.0.1:{unused_port}")
    async with portal(settings, clock=kit.Clock(), **METHODIST) as client:
        created = await _post(
            client,
            f"/analytics/analysis?{QUERY}",
            "/analytics/analyses",
            {"exam": "oge", "subject": "Математика", "years": "2024,2025,2026", "title": ""},
        )
        assert created.headers["location"] == f"/analytics/analyses/{ANALYSIS}?notice=created"
        html = (await client.get(created.headers["location"])).text
        assert "Сервис профессионального развития сейчас недоступен" in html
    assert state.posted("/analyses") == [
        {"exam": "oge", "subject": "Математика", "title": "", "years": [2024, 2025, 2026]}
    ]
