"""Applications pages (list, wizard, one application) against a fake applications service
and registry served over real HTTP. The fake keeps its applications in memory and answers
as the real services do: multipart forms, its refusals with a Russian message and the
field, optimistic locking by ``version``, a school's account limited to its organisation
(read from the token the portal signs)."""

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import msgspec
import pytest
from litestar import Litestar, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery

from imc_contracts.site_kinds import SITE_KINDS
from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Principal, Role, TokenVerifier

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
SCHOOL = UUID("0194c1a2-7e00-7000-8000-0000000000a1")
OTHER_SCHOOL = UUID("0194c1a2-7e00-7000-8000-0000000000a2")
METHODIST = UUID("0194c1a2-7e00-7000-8000-0000000000c1")
PDF = b"%PDF-1.7 a small document"
DOCUMENT_KINDS = ("statement", "information_note", "work_plan")
STATUS_TITLES = {
    "draft": "черновик",
    "submitted": "подана",
    "under_review": "на экспертизе",
    "reviewed": "экспертиза завершена",
    "returned": "возвращена на доработку",
    "withdrawn": "отозвана заявителем",
}
ALLOWED = {
    "draft": ["edit", "submit", "withdraw"],
    "submitted": ["return", "start_review", "withdraw"],
    "returned": ["edit", "submit", "withdraw"],
    "under_review": ["return", "conclude_review"],
    "reviewed": ["schedule", "withdraw"],
    "withdrawn": [],
}
ORGANISATIONS = {
    SCHOOL: "МБОУ «Яйская СОШ № 1»",
    OTHER_SCHOOL: "МБОУ «Яйская СОШ № 2»",
}


class World:
    """The fake services' state: applications, comments, audit, and what they were sent."""

    def __init__(self) -> None:
        self.applications: dict[UUID, dict[str, Any]] = {}
        self.comments: dict[UUID, list[dict[str, Any]]] = {}
        self.files: dict[tuple[str, str], bytes] = {}
        self.sent: list[tuple[str, str, Any]] = []
        self.verifier = TokenVerifier(testing.public_keys())

    def principal(self, request: Request[Any, Any, Any]) -> Principal:
        header = request.headers.get("authorization", "")
        return self.verifier.verify(header.removeprefix("Bearer "))

    def add(self, organisation: UUID, status: str = "draft", **fields: Any) -> dict[str, Any]:
        rules = SITE_KINDS[fields.pop("site_kind", "osmp")]
        application = {
            "id": str(uuid4()),
            "version": 1,
            "organisation_id": str(organisation),
            "organisation_short_name": ORGANISATIONS[organisation],
            "applicant_email": "sosh1@yaya.example.ru",
            "site_kind": rules.code,
            "site_kind_title": rules.title,
            "topic": "Функциональная грамотность на уроках естественно-научного цикла",
            "status": status,
            "status_title": STATUS_TITLES[status],
            "allowed_actions": ALLOWED[status],
            "checklist": [
                {
                    "code": item.code,
                    "text": item.text,
                    "citation": item.citation,
                    "applicant_met": None,
                    "applicant_note": "",
                    "reviewer_confirmed": None,
                }
                for item in rules.eligibility
            ],
            "reviewer_name": None,
            "review_conclusion": None,
            "review_recommendation": None,
            "created_at": "2026-11-20T05:00:00Z",
            "submitted_at": None,
            "documents": [],
            "decision": None,
            "site_id": None,
            **fields,
        }
        self.applications[UUID(application["id"])] = application
        self.comments[UUID(application["id"])] = []
        return application

    def move(self, application: dict[str, Any], status: str) -> None:
        application["status"] = status
        application["status_title"] = STATUS_TITLES[status]
        application["allowed_actions"] = ALLOWED[status]
        application["version"] += 1


WORLD = World()


def refuse(status: int, message: str, field: str | None = None) -> Response[Any]:
    body: dict[str, Any] = {"error": "refused", "message": message}
    if field:
        body["field"] = field
    return Response(body, status_code=status)


def scope(principal: Principal) -> UUID | None:
    if principal.role in (Role.SCHOOL_REPRESENTATIVE, Role.TEACHER):
        return principal.organisation_id
    return None


def find(request: Request[Any, Any, Any], application_id: UUID) -> dict[str, Any] | Response[Any]:
    application = WORLD.applications.get(application_id)
    if application is None:
        return refuse(404, "Заявка не найдена", "application_id")
    own = scope(WORLD.principal(request))
    if own is not None and str(own) != application["organisation_id"]:
        return refuse(
            403,
            "Представитель образовательной организации может работать только с заявками "
            "и площадками своей организации",
        )
    return application


def stale(application: dict[str, Any], version: Any) -> Response[Any] | None:
    if version not in (None, "") and int(version) != application["version"]:
        return refuse(
            409,
            f"Заявка изменена другим пользователем (версия {application['version']}, "
            f"у вас {version}); обновите страницу и повторите действие",
            "version",
        )
    return None


def not_multipart(request: Request[Any, Any, Any]) -> Response[Any] | None:
    if request.content_type[0] != "multipart/form-data":
        return refuse(400, "Invalid multipart/form-data")
    return None


async def store_documents(form: Any, application: dict[str, Any]) -> Response[Any] | None:
    for kind in DOCUMENT_KINDS:
        upload = form.get(kind)
        if not isinstance(upload, UploadFile):
            continue
        content = await upload.read()
        if not content.startswith(b"%PDF-"):
            return refuse(
                422, f"Файл «{upload.filename}»: допустимы форматы PDF, DOCX, DOC, ODT", kind
            )
        application["documents"] = [d for d in application["documents"] if d["kind"] != kind]
        WORLD.files[(application["id"], kind)] = content
        application["documents"].append(
            {
                "kind": kind,
                "filename": upload.filename,
                "content_type": "application/pdf",
                "size": len(content),
                "sha256": "0" * 64,
            }
        )
    return None


@get("/reg/health")
async def registry_health() -> dict[str, str]:
    return {"status": "ok"}


@get("/reg/site-kinds")
async def site_kinds() -> list[dict[str, Any]]:
    return [
        {
            "code": rules.code,
            "title": rules.title,
            "regulation": rules.regulation,
            "level": rules.level,
            "level_title": "муниципальный",
            "decided_by": rules.decided_by,
            "term": {
                "min_months": rules.min_term_months,
                "max_months": rules.max_term_months,
                "citation": rules.term_citation,
            },
            "leader": {
                "rule": rules.leader_rule,
                "rule_title": "",
                "citation": rules.leader_citation,
                "co_leader_required": rules.co_leader_required,
            },
            "eligibility": [
                {"code": i.code, "text": i.text, "citation": i.citation} for i in rules.eligibility
            ],
            "notes": rules.notes,
        }
        for rules in SITE_KINDS.values()
    ]


@get("/reg/organisations")
async def organisations() -> list[dict[str, Any]]:
    return [{"id": str(k), "short_name": v, "full_name": v} for k, v in ORGANISATIONS.items()]


@get("/reg/organisations/{organisation_id:uuid}")
async def organisation(organisation_id: FromPath[UUID]) -> dict[str, Any]:
    name = ORGANISATIONS[organisation_id]
    return {"id": str(organisation_id), "short_name": name, "full_name": name}


@get("/reg/people")
async def people(staff_group: FromQuery[str | None] = None) -> list[dict[str, Any]]:
    return [
        {
            "id": str(METHODIST),
            "full_name": "Лаптева Светлана Николаевна",
            "position": "методист",
            "staff_group": "imc_methodist",
        }
    ]


@get("/apps/applications")
async def list_applications(
    request: Request[Any, Any, Any], status: FromQuery[str | None] = None
) -> list[dict[str, Any]]:
    own = scope(WORLD.principal(request))
    return [
        a
        for a in WORLD.applications.values()
        if (own is None or a["organisation_id"] == str(own))
        and (not status or a["status"] == status)
    ]


@post("/apps/applications")
async def create_application(request: Request[Any, Any, Any]) -> Response[Any]:
    wrong = not_multipart(request)
    if wrong:
        return wrong
    form = await request.form()
    WORLD.sent.append(("POST", "/applications", dict(form)))
    principal = WORLD.principal(request)
    organisation_id = UUID(str(form["organisation_id"]))
    own = scope(principal)
    if own is not None and own != organisation_id:
        return refuse(403, "Чужая организация")
    if principal.role not in (*Role.__members__.values(),):
        return refuse(403, "Нет доступа")
    if principal.role in (Role.TEACHER, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY):
        return refuse(403, "Роль не даёт подать заявку")
    topic = " ".join(str(form.get("topic", "")).split())
    if len(topic) < 10:
        return refuse(422, "Укажите тему площадки (не короче 10 символов)", "topic")
    kind = str(form.get("site_kind", ""))
    for other in WORLD.applications.values():
        if (
            other["organisation_id"] == str(organisation_id)
            and other["site_kind"] == kind
            and other["status"] in ("draft", "submitted", "returned", "under_review")
        ):
            return refuse(
                409,
                "У организации уже есть незавершённая заявка на этот статус",
                "organisation_id",
            )
    application = WORLD.add(organisation_id, site_kind=kind, topic=topic)
    return Response(application, status_code=201)


@get("/apps/applications/{application_id:uuid}")
async def show_application(
    request: Request[Any, Any, Any], application_id: FromPath[UUID]
) -> Response[Any]:
    found = find(request, application_id)
    return found if isinstance(found, Response) else Response(found)


@get("/apps/applications/{application_id:uuid}/documents/{kind:str}")
async def download_document(
    request: Request[Any, Any, Any], application_id: FromPath[UUID], kind: FromPath[str]
) -> Response[Any]:
    if WORLD.principal(request).role in (Role.TEACHER, Role.SERVICE):
        return refuse(403, "Роль не допущена к документам заявки")
    found = find(request, application_id)
    if isinstance(found, Response):
        return found
    stored = next((d for d in found["documents"] if d["kind"] == kind), None)
    if stored is None:
        return refuse(404, "В заявке нет документа", "document_kind")
    return Response(
        WORLD.files[(found["id"], kind)],
        media_type=stored["content_type"],
        headers={
            "content-disposition": f'attachment; filename="{kind}.pdf"; '
            f"filename*=UTF-8''{quote(stored['filename'], safe='')}"
        },
    )


@patch("/apps/applications/{application_id:uuid}")
async def edit_application(
    request: Request[Any, Any, Any], application_id: FromPath[UUID]
) -> Response[Any]:
    found = find(request, application_id)
    if isinstance(found, Response):
        return found
    wrong = not_multipart(request)
    if wrong:
        return wrong
    form = await request.form()
    WORLD.sent.append(("PATCH", str(application_id), dict(form)))
    refused = stale(found, form.get("version"))
    if refused:
        return refused
    if "topic" in form:
        topic = " ".join(str(form["topic"]).split())
        if len(topic) < 10:
            return refuse(422, "Укажите тему площадки (не короче 10 символов)", "topic")
        found["topic"] = topic
    if form.get("eligibility"):
        answers = json.loads(str(form["eligibility"]))
        for item in found["checklist"]:
            if item["code"] in answers:
                item["applicant_met"] = answers[item["code"]]["met"]
                item["applicant_note"] = answers[item["code"]]["note"]
    refused = await store_documents(form, found)
    if refused:
        return refused
    found["version"] += 1
    return Response(found)


@post("/apps/applications/{application_id:uuid}/submit")
async def submit_application(
    request: Request[Any, Any, Any], application_id: FromPath[UUID]
) -> Response[Any]:
    found = find(request, application_id)
    if isinstance(found, Response):
        return found
    data = msgspec.json.decode(await request.body())
    refused = stale(found, data.get("version"))
    if refused:
        return refused
    present = {d["kind"] for d in found["documents"]}
    missing = [k for k in DOCUMENT_KINDS if k not in present]
    missing += [i["text"] for i in found["checklist"] if i["applicant_met"] is None]
    if missing:
        return refuse(
            422,
            "Пакет документов неполон (п. 3.2 Положения): не хватает — " + "; ".join(missing),
            "documents",
        )
    WORLD.move(found, "submitted")
    found["submitted_at"] = "2026-11-23T06:00:00Z"
    return Response(found, status_code=201)


@post("/apps/applications/{application_id:uuid}/{action:str}")
async def application_action(
    request: Request[Any, Any, Any], application_id: FromPath[UUID], action: FromPath[str]
) -> Response[Any]:
    return await act(request, application_id, action)


async def act(request: Request[Any, Any, Any], application_id: UUID, action: str) -> Response[Any]:
    found = find(request, application_id)
    if isinstance(found, Response):
        return found
    data = msgspec.json.decode(await request.body())
    WORLD.sent.append((action, str(application_id), data))
    principal = WORLD.principal(request)
    if action == "comments":
        text = str(data.get("text", "")).strip()
        if not text:
            return refuse(422, "Комментарий пуст", "text")
        if principal.role == Role.SCHOOL_REPRESENTATIVE and data["visibility"] != "applicant":
            return refuse(403, "Роль не может оставлять такие комментарии")
        comment = {
            "id": str(uuid4()),
            "visibility": data["visibility"],
            "author": principal.name,
            "text": text,
            "created_at": datetime.now(UTC).isoformat(),
        }
        WORLD.comments[application_id].append(comment)
        return Response(comment, status_code=201)
    if action != "withdraw" and principal.role not in (Role.METHODIST, Role.DISTRICT_ADMIN):
        return refuse(403, "Действие доступно сотрудникам ИМЦ")
    refused = stale(found, data.get("version"))
    if refused:
        return refused
    if action == "review":
        WORLD.move(found, "under_review")
        found["reviewer_name"] = "Лаптева Светлана Николаевна"
    elif action == "conclusion":
        if len(str(data.get("conclusion", "")).strip()) < 20:
            return refuse(
                422, "Напишите экспертное заключение (не короче 20 символов)", "conclusion"
            )
        WORLD.move(found, "reviewed")
        found["review_conclusion"] = data["conclusion"]
        found["review_recommendation"] = data["recommendation"]
        for item in found["checklist"]:
            item["reviewer_confirmed"] = data["eligibility_confirmed"].get(item["code"])
    elif action == "return":
        WORLD.move(found, "returned")
    elif action == "withdraw":
        WORLD.move(found, "withdrawn")
    return Response(found, status_code=201)


@post("/apps/applications/{application_id:uuid}/comments")
async def add_comment(
    request: Request[Any, Any, Any], application_id: FromPath[UUID]
) -> Response[Any]:
    return await act(request, application_id, "comments")


@get("/apps/applications/{application_id:uuid}/comments")
async def list_comments(
    request: Request[Any, Any, Any],
    application_id: FromPath[UUID],
    audience: FromQuery[str] = "applicant",
) -> Response[Any]:
    found = find(request, application_id)
    if isinstance(found, Response):
        return found
    readable = {"applicant": ("applicant",), "staff": ("applicant", "staff", "council")}
    return Response(
        [c for c in WORLD.comments[application_id] if c["visibility"] in readable[audience]]
    )


@get("/apps/audit")
async def audit(request: Request[Any, Any, Any], application_id: FromQuery[UUID]) -> Response[Any]:
    if WORLD.principal(request).role not in (Role.METHODIST, Role.DISTRICT_ADMIN):
        return refuse(403, "Журнал доступен сотрудникам ИМЦ")
    return Response(
        [
            {
                "at": "2026-11-20T05:00:00",
                "actor_name": "Белова Марина Александровна",
                "action": "create",
                "before": {},
                "after": {"status": "draft"},
                "reason": "",
            }
        ]
    )


HANDLERS = [
    registry_health,
    site_kinds,
    organisations,
    organisation,
    people,
    list_applications,
    create_application,
    show_application,
    download_document,
    edit_application,
    submit_application,
    application_action,
    add_comment,
    list_comments,
    audit,
]


@pytest.fixture(scope="module")
def services(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(Litestar(HANDLERS, logging_config=None))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def world() -> World:
    WORLD.applications.clear()
    WORLD.comments.clear()
    WORLD.files.clear()
    WORLD.sent.clear()
    return WORLD


@pytest.fixture
def settings(services: Any) -> PortalSettings:
    return PortalSettings(
        service="portal",
        district="yaya",
        district_name="Яйский муниципальный округ",
        registry_url=services.url("reg"),
        applications_url=services.url("apps"),
        auth_signing_key=PORTAL_SIGNING_KEY,
    )


def school_rep() -> dict[str, Any]:
    return {
        "role": Role.SCHOOL_REPRESENTATIVE,
        "organisation_id": SCHOOL,
        "name": "Белова Марина Александровна",
    }


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token on the page"
    return found.group(1)


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html)
    assert found, f"no error next to {field_id}"
    return found.group(1)


async def test_the_wizard_saves_each_step_and_submits(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    async with portal(settings, **school_rep()) as client:
        start = await client.get("/applications/new")
        assert start.status_code == 200
        html = start.text
        # every kind with what its regulation requires, from the registry's catalogue
        assert "Опорная (стажировочная) методическая площадка" in html
        assert "на срок от одного до двух лет (п. 3.3 Положения об ОСМП)" in html
        assert SITE_KINDS["osmp"].eligibility[0].text in html
        assert 'id="organisation"' not in html  # a school's account applies for its own
        token = csrf(html)

        chosen = await client.post(
            "/applications/new", data={"csrf_token": token, "kind": "osmp"}, follow_redirects=False
        )
        assert chosen.status_code == 303
        assert chosen.headers["location"] == (
            f"/applications/new/topic?kind=osmp&organisation={SCHOOL}"
        )
        step2 = await client.get(chosen.headers["location"])
        assert "МБОУ «Яйская СОШ № 1»" in step2.text
        assert "обязателен — методист ИМЦ" in step2.text

        # the service refuses a short topic: its message next to the field, the text kept
        short = await client.post(
            "/applications/new/topic",
            data={
                "csrf_token": token,
                "kind": "osmp",
                "organisation": str(SCHOOL),
                "topic": "Кратко",
                "applicant_email": "belova@yaya.example.ru",
            },
        )
        assert short.status_code == 422
        assert field_error(short.text, "topic") == "Укажите тему площадки (не короче 10 символов)"
        assert ">Кратко</textarea>" in short.text
        assert 'value="belova@yaya.example.ru"' in short.text
        assert 'aria-describedby="topic-error"' in short.text
        assert not world.applications

        topic = "Формирование функциональной грамотности обучающихся"
        created = await client.post(
            "/applications/new/topic",
            data={
                "csrf_token": token,
                "kind": "osmp",
                "organisation": str(SCHOOL),
                "topic": topic,
                "applicant_email": "",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303
        (application_id,) = world.applications
        assert created.headers["location"] == (
            f"/applications/{application_id}/documents?notice=created"
        )
        assert world.sent[0][2]["submit"] == "false"  # a draft, not submitted at once

        # a wrong file: the service's message next to that document's field
        wrong = await client.post(
            f"/applications/{application_id}/documents",
            data={"csrf_token": token, "version": "1"},
            files={
                "statement": ("z.pdf", PDF, "application/pdf"),
                "work_plan": ("plan.txt", b"just text", "text/plain"),
            },
        )
        assert wrong.status_code == 422
        assert "plan.txt" in field_error(wrong.text, "work_plan")
        uploaded = await client.post(
            f"/applications/{application_id}/documents",
            data={"csrf_token": token, "version": "1"},
            files={kind: (f"{kind}.pdf", PDF, "application/pdf") for kind in DOCUMENT_KINDS},
            follow_redirects=False,
        )
        assert uploaded.status_code == 303
        assert uploaded.headers["location"].startswith(f"/applications/{application_id}/conditions")
        documents = await client.get(f"/applications/{application_id}/documents")
        assert "Загружен: <strong>work_plan.pdf</strong>" in documents.text

        conditions = await client.get(f"/applications/{application_id}/conditions")
        codes = re.findall(r'data-condition="([^"]+)"', conditions.text)
        assert codes == [item.code for item in SITE_KINDS["osmp"].eligibility]
        version = re.search(r'name="version" value="(\d+)"', conditions.text)
        assert version
        answers = {f"met_{code}": "yes" for code in codes} | {
            f"note_{codes[0]}": "подтверждается справкой"
        }
        answered = await client.post(
            f"/applications/{application_id}/conditions",
            data={"csrf_token": token, "version": version.group(1), **answers},
            follow_redirects=False,
        )
        assert answered.status_code == 303
        sent = json.loads(world.sent[-1][2]["eligibility"])
        assert sent[codes[0]] == {"met": True, "note": "подтверждается справкой"}

        check = await client.get(f"/applications/{application_id}/check")
        assert 'id="complete"' in check.text
        assert "Подать заявку" in check.text
        version = re.search(r'name="version" value="(\d+)"', check.text)
        assert version
        submitted = await client.post(
            f"/applications/{application_id}/submit",
            data={"csrf_token": token, "version": version.group(1)},
            follow_redirects=False,
        )
        assert submitted.status_code == 303
        page = await client.get(submitted.headers["location"])
        assert 'id="application-status">подана<' in page.text
        assert "Заявка подана." in page.text


async def test_the_checklist_says_what_is_missing_and_the_refusal_is_shown(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    draft = world.add(SCHOOL)
    draft["documents"] = [
        {"kind": "statement", "filename": "z.pdf", "content_type": "", "size": 10, "sha256": ""}
    ]
    draft["checklist"][0]["applicant_met"] = True
    async with portal(settings, **school_rep()) as client:
        check = await client.get(f"/applications/{draft['id']}/check")
        missing = check.text[check.text.index('id="missing"') :]
        assert "документ: Информационная справка о результатах работы" in missing
        assert "документ: План работы площадки" in missing
        assert "Заявление с указанием темы" not in missing
        for item in SITE_KINDS["osmp"].eligibility[1:]:
            assert f"ответ на условие: {item.text}" in missing
        assert SITE_KINDS["osmp"].eligibility[0].text not in missing

        refused = await client.post(
            f"/applications/{draft['id']}/submit",
            data={"csrf_token": csrf(check.text), "version": "1"},
        )
        assert refused.status_code == 422
        assert '<p class="form-error" role="alert" id="form-error">Пакет документов неполон' in (
            refused.text
        )
        assert draft["status"] == "draft"


async def test_a_stale_version_is_explained(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    draft = world.add(SCHOOL)
    async with portal(settings, **school_rep()) as client:
        page = await client.get(f"/applications/{draft['id']}/topic")
        draft["version"] = 5  # someone else saved meanwhile
        answer = await client.post(
            f"/applications/{draft['id']}/topic",
            data={"csrf_token": csrf(page.text), "version": "1", "topic": "Новая тема площадки"},
        )
    assert answer.status_code == 409
    assert "Заявку уже изменили, обновите страницу" in answer.text
    assert ">Новая тема площадки</textarea>" in answer.text


async def test_forms_without_the_csrf_token_are_refused(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    draft = world.add(SCHOOL)
    async with portal(settings, **school_rep()) as client:
        missing = await client.post("/applications/new", data={"kind": "osmp"})
        wrong = await client.post(
            f"/applications/{draft['id']}/submit", data={"csrf_token": "x" * 43, "version": "1"}
        )
    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert "проверочный код формы" in wrong.text
    assert draft["status"] == "draft"
    assert not world.sent


async def test_a_teacher_gets_no_wizard(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    world.add(SCHOOL, status="submitted")
    async with portal(settings, role=Role.TEACHER, organisation_id=SCHOOL) as client:
        home = await client.get("/")
        wizard = await client.get("/applications/new")
        sent = await client.post(
            "/applications/new", data={"csrf_token": csrf(home.text), "kind": "osmp"}
        )
        listing = await client.get("/applications")
    assert 'href="/applications"' not in home.text  # no «Заявки» in the menu
    assert wizard.status_code == 403
    assert "Доступ закрыт" in wizard.text
    assert sent.status_code == 403
    assert listing.status_code == 200
    assert "Новая заявка" not in listing.text


async def test_a_school_sees_only_its_own_applications(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    own = world.add(SCHOOL, status="submitted")
    foreign = world.add(OTHER_SCHOOL, status="submitted", topic="Чужая тема чужой школы")
    async with portal(settings, **school_rep()) as client:
        listing = await client.get("/applications")
        other = await client.get(f"/applications/{foreign['id']}")
        mine = await client.get(f"/applications/{own['id']}")
    assert re.findall(r'data-application-id="([^"]+)"', listing.text) == [own["id"]]
    assert "Чужая тема" not in listing.text
    assert '<a href="/applications" aria-current="page">Заявки</a>' in listing.text
    assert "Создана <time" in listing.text and "20.11.2026" in listing.text
    assert other.status_code == 403
    assert "только с заявками" in other.text
    assert mine.status_code == 200
    # no staff action for the applicant; withdrawing is theirs
    assert 'id="staff-actions"' not in mine.text
    assert "Отозвать заявку" in mine.text


async def test_the_list_filters_by_status_and_resumes_drafts(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    draft = world.add(SCHOOL)
    submitted = world.add(OTHER_SCHOOL, status="submitted")
    async with portal(settings, role=Role.METHODIST) as client:
        every = await client.get("/applications")
        only = await client.get("/applications", params={"status": "submitted"})
    assert set(re.findall(r'data-application-id="([^"]+)"', every.text)) == {
        draft["id"],
        submitted["id"],
    }
    assert f'href="/applications/{draft["id"]}/topic" class="resume"' in every.text
    assert re.findall(r'data-application-id="([^"]+)"', only.text) == [submitted["id"]]
    assert '<option value="submitted" selected>подана</option>' in only.text


async def test_staff_choose_the_organisation_they_act_for(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    async with portal(settings, role=Role.METHODIST) as client:
        page = await client.get("/applications/new")
        assert "МБОУ «Яйская СОШ № 2»" in page.text
        refused = await client.post(
            "/applications/new", data={"csrf_token": csrf(page.text), "kind": "osmp"}
        )
        chosen = await client.post(
            "/applications/new",
            data={
                "csrf_token": csrf(page.text),
                "kind": "innovation_school",
                "organisation": str(OTHER_SCHOOL),
            },
            follow_redirects=False,
        )
    assert refused.status_code == 422
    assert "Выберите организацию" in field_error(refused.text, "organisation")
    assert 'id="kind-osmp" name="kind" value="osmp" checked' in refused.text
    assert chosen.headers["location"] == (
        f"/applications/new/topic?kind=innovation_school&organisation={OTHER_SCHOOL}"
    )


async def test_the_methodist_reviews_and_the_version_shown_is_sent(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    application = world.add(SCHOOL, status="submitted")
    application["checklist"][0]["applicant_met"] = True
    path = f"/applications/{application['id']}"
    async with portal(
        settings, role=Role.METHODIST, person_id=METHODIST, name="Лаптева Светлана Николаевна"
    ) as client:
        page = await client.get(path)
        assert 'id="staff-actions"' in page.text
        assert "заявка создана" in page.text  # the history from the audit trail
        assert f'<option value="{METHODIST}" selected>' in page.text
        token = csrf(page.text)
        started = await client.post(
            f"{path}/review",
            data={"csrf_token": token, "version": "1", "reviewer_id": str(METHODIST)},
            follow_redirects=False,
        )
        assert started.status_code == 303
        assert world.sent[-1] == (
            "review",
            application["id"],
            {"version": 1, "reviewer_id": str(METHODIST)},
        )
        page = await client.get(path)
        assert 'id="conclusion-form"' in page.text
        codes = [item["code"] for item in application["checklist"]]
        confirmations = {f"confirm_{codes[0]}": "yes", f"confirm_{codes[1]}": "no"}
        short = await client.post(
            f"{path}/conclusion",
            data={
                "csrf_token": token,
                "version": "2",
                "conclusion": "Коротко",
                "recommendation": "assign",
                **confirmations,
            },
        )
        assert short.status_code == 422
        assert "не короче 20 символов" in field_error(short.text, "conclusion")
        assert ">Коротко</textarea>" in short.text
        assert 'id="recommendation-assign" name="recommendation" value="assign" checked' in (
            short.text
        )
        stale_answer = await client.post(
            f"{path}/conclusion",
            data={
                "csrf_token": token,
                "version": "1",
                "conclusion": "Опыт подтверждён, пакет документов полон.",
                "recommendation": "assign",
            },
        )
        assert stale_answer.status_code == 409
        assert "Заявку уже изменили, обновите страницу" in stale_answer.text
        done = await client.post(
            f"{path}/conclusion",
            data={
                "csrf_token": token,
                "version": "2",
                "conclusion": "Опыт подтверждён, пакет документов полон.",
                "recommendation": "assign",
                **confirmations,
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert world.sent[-1][2]["eligibility_confirmed"] == {codes[0]: True, codes[1]: False}
        page = await client.get(done.headers["location"])
    assert "Экспертное заключение записано." in page.text
    assert "экспертиза завершена" in page.text
    assert "подтверждено" in page.text and "не подтверждено" in page.text


async def test_comments_for_the_applicant_audience(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    application = world.add(SCHOOL, status="submitted")
    path = f"/applications/{application['id']}"
    async with portal(settings, **school_rep()) as client:
        page = await client.get(path)
        assert '<input type="hidden" name="visibility" value="applicant">' in page.text
        empty = await client.post(
            f"{path}/comments",
            data={"csrf_token": csrf(page.text), "text": " ", "visibility": "applicant"},
        )
        assert empty.status_code == 422
        assert field_error(empty.text, "comment-text") == "Комментарий пуст"
        # a forged wider audience is narrowed to what the role may write
        sent = await client.post(
            f"{path}/comments",
            data={
                "csrf_token": csrf(page.text),
                "text": "Справку дополним к пятнице.",
                "visibility": "staff",
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303
        page = await client.get(sent.headers["location"])
    assert world.sent[-1][2] == {"text": "Справку дополним к пятнице.", "visibility": "applicant"}
    assert "Справку дополним к пятнице." in page.text
    assert "Комментарий добавлен." in page.text


def with_statement(application: dict[str, Any], filename: str, content: bytes) -> None:
    """Give an application of the fake its stored statement (as an upload would)."""
    application["documents"].append(
        {
            "kind": "statement",
            "filename": filename,
            "content_type": "application/pdf",
            "size": len(content),
            "sha256": "0" * 64,
        }
    )
    WORLD.files[(application["id"], "statement")] = content


async def test_the_documents_of_an_application_are_downloaded_through_the_portal(
    portal: Any, settings: PortalSettings, world: World
) -> None:
    content = PDF + b" " + bytes(range(256)) * 40
    own = world.add(SCHOOL, status="submitted")
    with_statement(own, "Заявление СОШ №1.pdf", content)
    foreign = world.add(OTHER_SCHOOL, status="submitted")
    with_statement(foreign, "Чужое заявление.pdf", PDF)
    path = f"/applications/{own['id']}/documents/statement"

    async with portal(settings, **school_rep()) as client:
        page = await client.get(f"/applications/{own['id']}")
        got = await client.get(path)
        other = await client.get(f"/applications/{foreign['id']}/documents/statement")
        absent = await client.get(f"/applications/{own['id']}/documents/work_plan")
        nowhere = await client.get(f"/applications/{uuid4()}/documents/statement")
    assert f'<a href="{path}" download>Заявление СОШ №1.pdf</a>' in page.text
    assert 'download>Заявление СОШ №1.pdf</a> <span class="muted">(10 КБ)</span>' in page.text
    assert "пока нельзя" not in page.text
    assert 'href="/applications/' + own["id"] + '/documents/work_plan"' not in page.text
    assert got.status_code == 200, got.text
    assert got.content == content
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == (
        'attachment; filename="statement.pdf"; '
        f"filename*=UTF-8''{quote('Заявление СОШ №1.pdf', safe='')}"
    )
    assert other.status_code == 403
    assert "только с заявками" in other.text
    assert PDF not in other.content
    assert absent.status_code == 404
    assert "Документ заявки не найден" in absent.text
    assert nowhere.status_code == 404
    assert "Заявка не найдена" in nowhere.text

    async with portal(settings, role=Role.COUNCIL_MEMBER) as client:
        member = await client.get(path)
    assert member.status_code == 200
    assert member.content == content

    async with portal(settings, role=Role.TEACHER, organisation_id=SCHOOL) as client:
        page = await client.get(f"/applications/{own['id']}")
        teacher = await client.get(path)
    assert page.status_code == 200
    assert "Заявление СОШ №1.pdf" in page.text
    assert f'href="{path}"' not in page.text  # no link the teacher could not follow
    assert teacher.status_code == 403
    assert "Доступ закрыт" in teacher.text
