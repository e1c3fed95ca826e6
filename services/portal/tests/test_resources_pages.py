"""The resources area's pages («Банк методических материалов») against a fake resources
service served over real HTTP, answering as the real one does (its shapes, its Russian
refusals with the field they name, its ``actions`` by the token's role)."""

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import jwt
import pytest
from litestar import Litestar, Request, Response, delete, get, patch, post
from litestar.params import FromPath

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
ZONE = "Asia/Novosibirsk"  # UTC+7, as at Yaya


def _id(n: int) -> UUID:
    return UUID(f"0194c1a2-7e00-7000-8000-{n:012x}")


SCHOOL = _id(0xA1)
TEACHER, OTHER = _id(0xB1), _id(0xB2)
DRAFT, SUBMITTED, PUBLISHED, REFERRED = _id(0x201), _id(0x202), _id(0x203), _id(0x204)
FILE = _id(0x301)
CENTRE_ENTRY = _id(0x401)
STAFF_ROLES = ("district_admin", "methodist", "centre_coordinator")
FILE_REFUSAL = (
    "Файл «вирус.exe»: исполняемые файлы и сценарии не принимаются; допустимы PDF, DOCX, "
    "PPTX, XLSX, ODT, TXT и MP4 (видеозаписи)"
)
SHARE_REFUSAL = "Банк ММЦ не принимает материал без файлов"

VOCABULARY: dict[str, Any] = {
    "kinds": [
        {"code": "lesson_plan", "title": "план (технологическая карта) урока"},
        {"code": "programme", "title": "программа"},
    ],
    "statuses": [
        {"code": "draft", "title": "черновик"},
        {"code": "submitted", "title": "на экспертизе"},
        {"code": "returned", "title": "возвращён на доработку"},
        {"code": "approved", "title": "одобрен и опубликован"},
        {"code": "withdrawn", "title": "снят с публикации"},
    ],
    "licences": [
        {"code": "cc_by", "title": "CC BY 4.0 — свободное использование с указанием автора"},
        {"code": "all_rights_reserved", "title": "все права защищены"},
    ],
    "levels": ["основное общее образование", "среднее общее образование"],
    "bank_statuses": [],
    "comment_actions": [],
    "file_types": [
        {"code": "pdf", "title": "PDF", "media_type": "application/pdf", "extensions": [".pdf"]},
        {"code": "txt", "title": "TXT", "media_type": "text/plain", "extensions": [".txt"]},
    ],
    "video_kinds": ["recording"],
    "limits": {
        "max_file_bytes": 20 * 1024 * 1024,
        "max_video_bytes": 300 * 1024 * 1024,
        "max_resource_bytes": 400 * 1024 * 1024,
        "max_share_bytes": 100 * 1024 * 1024,
    },
    "instance_kind": "district",
    "federated": True,
}
STATUS_TITLES = {s["code"]: s["title"] for s in VOCABULARY["statuses"]}


def _resource(uid: UUID, status: str, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uid),
        "status": status,
        "status_title": STATUS_TITLES[status],
        "title": title,
        "summary": "Урок с заданиями на смысловое чтение.",
        "kind": "lesson_plan",
        "kind_title": "план (технологическая карта) урока",
        "subject": "Биология",
        "level": "основное общее образование",
        "tags": ["функциональная грамотность"],
        "licence": "cc_by",
        "licence_title": "CC BY 4.0 — свободное использование с указанием автора",
        "author_person_id": str(TEACHER),
        "author_name": "Карпенко Юлия Сергеевна",
        "organisation_id": str(SCHOOL),
        "organisation_name": "МБОУ «Яйская СОШ № 1»",
        "revision": 1,
        "files": [],
        "total_size": 0,
        "council_review": False,
        "reviewed_by": "",
        "submitted_at": None,
        "published_at": None,
        "withdrawn_at": None,
        "withdraw_reason": "",
        "site_id": None,
        "bank": {
            "status": "",
            "status_title": "не передан в банк ММЦ",
            "version": 0,
            "revision": 0,
            "shared_at": None,
            "outdated": False,
            "confirmed_version": 0,
            "centre_status": "",
        },
        "created_by": "Карпенко Юлия Сергеевна",
        "created_at": "2026-11-20T03:00:00Z",
        "updated_at": "2026-11-21T03:00:00Z",
        "version": 3,
        "comments": [],
        **extra,
    }


def _file(uid: UUID, name: str) -> dict[str, Any]:
    return {
        "id": str(uid),
        "name": name,
        "media_type": "application/pdf",
        "type": "pdf",
        "size": 12800,
        "sha256": "0" * 64,
        "searchable": True,
    }


def _comment(action: str, title: str, text: str, at: str) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "revision": 1,
        "action": action,
        "action_title": title,
        "text": text,
        "author_name": "Орлова Татьяна Николаевна",
        "author_role": "methodist",
        "author_role_title": "методист",
        "created_at": at,
    }


def _actions(claims: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """What the real service's domain/access.actions answers (simplified)."""
    role, status = claims.get("role"), row["status"]
    staff = role in STAFF_ROLES
    own = role == "teacher" and claims.get("person") == row["author_person_id"]
    school = role == "school_representative" and claims.get("org") == row["organisation_id"]
    secretary = role == "council_secretary" and row["council_review"]
    editor = staff or own or school
    found: list[str] = []
    if staff or own or school or secretary:
        found.append("comment")
    if editor and status in ("draft", "returned"):
        found += ["edit", "submit"]
    if staff and status == "submitted":
        found.append("refer")
    if (staff or secretary) and status == "submitted":
        found += ["return", "approve"]
    if staff and status == "approved":
        found += ["withdraw", "share"]
    if editor and status in ("approved", "withdrawn"):
        found.append("reopen")
    return found


def _hit(row: dict[str, Any], source: str = "own") -> dict[str, Any]:
    return {
        "source": source,
        "resource_id": row["id"],
        "title": row["title"],
        "summary": row["summary"],
        "kind": row["kind"],
        "kind_title": row["kind_title"],
        "subject": row["subject"],
        "level": row["level"],
        "tags": row["tags"],
        "licence": row["licence"],
        "licence_title": row["licence_title"],
        "author_name": row["author_name"],
        "organisation_name": row["organisation_name"],
        "origin_district": "yaya" if source == "own" else "ishim",
        "origin_district_name": "Яйский округ" if source == "own" else "Ишимский округ",
        "published_at": "2026-11-22T03:00:00Z",
        "files": len(row["files"]),
        "score": 3,
    }


CENTRE_BANK_ENTRY = {
    "resource_id": str(CENTRE_ENTRY),
    "version": 2,
    "status": "published",
    "status_title": "опубликован",
    "origin_district": "ishim",
    "origin_district_name": "Ишимский округ",
    "title": "Программа кружка «Юный эколог»",
    "summary": "Программа дополнительного образования.",
    "kind": "programme",
    "kind_title": "программа",
    "subject": "Биология",
    "level": "основное общее образование",
    "tags": [],
    "licence": "cc_by",
    "licence_title": "CC BY 4.0",
    "author_name": "Сидорова Анна Петровна",
    "organisation_name": "МБОУ «Ишимская СОШ»",
    "reviewed_by": "Методический совет ИМЦ Ишимского округа",
    "published_at": "2026-11-10T03:00:00Z",
    "reason": "",
    "files": [
        {"id": str(FILE), "name": "программа.pdf", "media_type": "application/pdf", "size": 2048}
    ],
    "own": False,
    "changed_at": "2026-11-10T03:00:00Z",
}


class Bank:
    """The fake resources service's state and what it was asked."""

    def __init__(self) -> None:
        self.rows = {
            DRAFT: _resource(DRAFT, "draft", "Технологическая карта урока «Клетка»"),
            SUBMITTED: _resource(
                SUBMITTED,
                "submitted",
                "Урок биологии «Фотосинтез»",
                submitted_at="2026-11-21T05:00:00Z",
                files=[_file(FILE, "фотосинтез.pdf")],
                comments=[
                    _comment("submitted", "направлен на экспертизу", "", "2026-11-21T05:00:00Z")
                ],
            ),
            PUBLISHED: _resource(
                PUBLISHED,
                "approved",
                "Система уроков по экологии",
                published_at="2026-11-22T03:00:00Z",
                files=[_file(FILE, "экология.pdf")],
            ),
            REFERRED: _resource(
                REFERRED,
                "submitted",
                "Программа внеурочной деятельности «Финансовая грамотность»",
                council_review=True,
                author_person_id=str(OTHER),
                organisation_id=str(_id(0xA2)),
            ),
        }
        self.claims: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str, Any]] = []

    def record(self, request: Request[Any, Any, Any], body: Any = None) -> dict[str, Any]:
        claims = _claims(request)
        self.claims.append(claims)
        self.calls.append((request.method, request.url.path.removeprefix("/res"), body))
        return claims

    def posted(self, path: str) -> list[Any]:
        return [body for method, where, body in self.calls if where == path and method != "GET"]

    def show(self, claims: dict[str, Any], uid: UUID) -> Response[Any]:
        row = self.rows.get(uid)
        if row is None:
            return _refuse(404, "Материал не найден")
        actions = _actions(claims, row)
        if row["status"] != "approved" and "comment" not in actions:
            return _refuse(
                403, "Материал ещё не опубликован: он доступен автору, его организации и ИМЦ"
            )
        return Response({**row, "actions": actions})


STATE: dict[str, Bank] = {}


def _claims(request: Request[Any, Any, Any]) -> dict[str, Any]:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    return dict(jwt.decode(token, options={"verify_signature": False})) if token else {}


def _refuse(status: int, message: str, field: str | None = None) -> Response[Any]:
    body: dict[str, Any] = {"error": "refused", "message": message}
    if field:
        body["field"] = field
    return Response(body, status_code=status)


def _b() -> Bank:
    return STATE["b"]


@get("/res/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/reg/health")
async def registry_health() -> dict[str, str]:
    return {"status": "ok"}


@get("/res/vocabulary")
async def vocabulary(request: Request[Any, Any, Any]) -> dict[str, Any]:
    _b().record(request)
    return VOCABULARY


@get("/res/subjects")
async def subjects(request: Request[Any, Any, Any]) -> list[str]:
    _b().record(request)
    return ["Биология"]


@get("/res/search")
async def search(request: Request[Any, Any, Any]) -> dict[str, Any]:
    _b().record(request)
    q = request.query_params.get("q", "")
    scope = request.query_params.get("scope", "all")
    published = [r for r in _b().rows.values() if r["status"] == "approved"]
    items = [_hit(r) for r in published] if scope in ("own", "all") else []
    if scope in ("centre", "all"):
        items.append(_hit({**CENTRE_BANK_ENTRY, "id": str(CENTRE_ENTRY), "files": [1]}, "centre"))
    if q:
        # «уроков» finds «уроки»: the stem «урок» (a stand-in for the real morphology)
        stem = q.casefold()[:4]
        items = [i for i in items if stem in (i["title"] + i["summary"]).casefold()]
    return {
        "query": q,
        "stems": [q[:4]] if q else [],
        "scope": scope,
        "total": len(items),
        "items": items,
    }


@get("/res/bank")
async def bank(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    _b().record(request)
    return [] if request.query_params.get("status") == "withdrawn" else [CENTRE_BANK_ENTRY]


@get("/res/bank/{resource_id:uuid}")
async def bank_entry(request: Request[Any, Any, Any], resource_id: FromPath[UUID]) -> Any:
    _b().record(request)
    if resource_id != CENTRE_ENTRY:
        return _refuse(404, "Материала нет в банке ММЦ")
    return CENTRE_BANK_ENTRY


@get("/res/bank/{resource_id:uuid}/files/{file_id:uuid}")
async def bank_file(
    request: Request[Any, Any, Any], resource_id: FromPath[UUID], file_id: FromPath[UUID]
) -> Response[bytes]:
    _b().record(request)
    return Response(
        b"%PDF-1.7 bank",
        media_type="application/pdf",
        headers={"content-disposition": "attachment; filename*=UTF-8''programma.pdf"},
    )


@get("/res/people")
async def people(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    claims = _b().record(request)
    everyone = [
        {
            "person_id": str(TEACHER),
            "full_name": "Карпенко Юлия Сергеевна",
            "position": "учитель биологии",
            "organisation_id": str(SCHOOL),
            "organisation": "МБОУ «Яйская СОШ № 1»",
            "subjects": ["биология"],
        }
    ]
    if claims.get("role") == "teacher":
        return []
    return everyone


@get("/res/organisations")
async def organisations(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    _b().record(request)
    return [
        {"organisation_id": str(SCHOOL), "full_name": "", "short_name": "МБОУ «Яйская СОШ № 1»"}
    ]


@get("/res/resources")
async def index(request: Request[Any, Any, Any]) -> Any:
    claims = _b().record(request)
    status = request.query_params.get("status")
    rows = [r for r in _b().rows.values() if "comment" in _actions(claims, r)]
    if status:
        rows = [r for r in rows if r["status"] == status]
    keys = ("id", "status", "status_title", "title", "kind", "kind_title", "subject", "level")
    return [
        {
            **{k: r[k] for k in keys},
            "author_name": r["author_name"],
            "organisation_id": r["organisation_id"],
            "organisation_name": r["organisation_name"],
            "revision": r["revision"],
            "council_review": r["council_review"],
            "bank_status": r["bank"]["status"],
            "submitted_at": r["submitted_at"],
            "published_at": r["published_at"],
            "updated_at": r["updated_at"],
            "version": r["version"],
        }
        for r in rows
    ]


@post("/res/resources")
async def create(request: Request[Any, Any, Any]) -> Response[Any]:
    body = await request.json()
    claims = _b().record(request, body)
    if any(r["title"] == body["title"] for r in _b().rows.values()):
        return _refuse(409, "Материал с таким названием уже есть в банке округа", "title")
    uid = uuid4()
    row = _resource(uid, "draft", body["title"], kind=body["kind"], tags=body["tags"])
    _b().rows[uid] = row
    return Response({**row, "actions": _actions(claims, row)}, status_code=201)


@get("/res/resources/{resource_id:uuid}")
async def show(request: Request[Any, Any, Any], resource_id: FromPath[UUID]) -> Any:
    claims = _b().record(request)
    return _b().show(claims, resource_id)


@patch("/res/resources/{resource_id:uuid}")
async def update(request: Request[Any, Any, Any], resource_id: FromPath[UUID]) -> Any:
    body = await request.json()
    claims = _b().record(request, body)
    row = _b().rows[resource_id]
    if body.get("version") != row["version"]:
        return _refuse(409, "Материал изменён другим пользователем", "version")
    row.update({k: v for k, v in body.items() if k in ("title", "summary", "subject")})
    return _b().show(claims, resource_id)


@get("/res/resources/{resource_id:uuid}/revisions")
async def revisions(request: Request[Any, Any, Any], resource_id: FromPath[UUID]) -> Any:
    _b().record(request)
    return [
        {"number": 2, "title": "Вторая", "files": [], "note": "исправлено", "created_by": "Х"},
        {"number": 1, "title": "Первая", "files": [], "note": "", "created_by": "Х"},
    ]


@post("/res/resources/{resource_id:uuid}/files")
async def add_file(request: Request[Any, Any, Any], resource_id: FromPath[UUID]) -> Any:
    form = await request.form()
    upload = form.get("file")
    name = upload.filename if upload is not None and hasattr(upload, "filename") else ""
    claims = _b().record(request, {"name": name, "version": form.get("version")})
    if name.endswith(".exe"):
        return _refuse(422, FILE_REFUSAL, "file")
    row = _b().rows[resource_id]
    row["files"].append(_file(uuid4(), name))
    return Response(_b().show(claims, resource_id).content, status_code=201)


@delete("/res/resources/{resource_id:uuid}/files/{file_id:uuid}", status_code=200)
async def remove_file(
    request: Request[Any, Any, Any], resource_id: FromPath[UUID], file_id: FromPath[UUID]
) -> Any:
    claims = _b().record(request, dict(request.query_params))
    return _b().show(claims, resource_id).content


@get("/res/resources/{resource_id:uuid}/files/{file_id:uuid}")
async def resource_file(
    request: Request[Any, Any, Any], resource_id: FromPath[UUID], file_id: FromPath[UUID]
) -> Response[bytes]:
    _b().record(request)
    return Response(
        b"%PDF-1.7 own",
        media_type="application/pdf",
        headers={"content-disposition": "attachment; filename*=UTF-8''file.pdf"},
    )


@post("/res/resources/{resource_id:uuid}/comments")
async def comment(request: Request[Any, Any, Any], resource_id: FromPath[UUID]) -> Any:
    body = await request.json()
    claims = _b().record(request, body)
    row = _b().rows[resource_id]
    row["comments"].append(_comment("comment", "замечание", body["text"], "2026-11-23T03:00:00Z"))
    return Response(_b().show(claims, resource_id).content, status_code=201)


def _step(name: str, status: str | None) -> Any:
    @post(f"/res/resources/{{resource_id:uuid}}/{name}", status_code=200, name=f"step-{name}")
    async def step(request: Request[Any, Any, Any], resource_id: FromPath[UUID]) -> Any:
        body = await request.json() if await request.body() else None
        claims = _b().record(request, body)
        row = _b().rows[resource_id]
        if body and body.get("version") not in (None, row["version"]):
            return _refuse(409, "Материал изменён другим пользователем", "version")
        if name == "share" and not row["files"]:
            return _refuse(409, SHARE_REFUSAL)
        secretary = name == "approve" and claims.get("role") == "council_secretary"
        if secretary and not (body or {}).get("protocol_number"):
            return _refuse(
                422, "Укажите номер протокола заседания методического совета", "protocol_number"
            )
        if status:
            row["status"], row["status_title"] = status, STATUS_TITLES[status]
        if name == "share":
            row["bank"]["status"] = "shared"
        return _b().show(claims, resource_id).content

    return step


STEPS = [
    _step("submit", "submitted"),
    _step("refer", None),
    _step("return", "returned"),
    _step("approve", "approved"),
    _step("withdraw", "withdrawn"),
    _step("share", None),
    _step("unshare", None),
    _step("reopen", "draft"),
]

HANDLERS = [
    health,
    registry_health,
    vocabulary,
    subjects,
    search,
    bank,
    bank_entry,
    bank_file,
    people,
    organisations,
    index,
    create,
    show,
    update,
    revisions,
    add_file,
    remove_file,
    resource_file,
    comment,
    *STEPS,
]


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(Litestar(HANDLERS, logging_config=None))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def state() -> Bank:
    STATE["b"] = Bank()
    return STATE["b"]


def settings_of(fake: Any, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": "yaya",
        "district_name": "Яйский муниципальный округ",
        "mode": "district",
        "time_zone": ZONE,
        "auth_signing_key": PORTAL_SIGNING_KEY,
        "registry_url": fake.url("reg"),
        "resources_url": fake.url("res"),
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


def value_of(html: str, field_id: str) -> str:
    found = re.search(rf'id="{re.escape(field_id)}" name="[^"]+" type="text" value="([^"]*)"', html)
    assert found, f"no field {field_id}"
    return found.group(1)


METHODIST = {"role": Role.METHODIST, "name": "Орлова Татьяна Николаевна"}
TEACHER_ACCOUNT = {
    "role": Role.TEACHER,
    "name": "Карпенко Юлия Сергеевна",
    "person_id": TEACHER,
    "organisation_id": SCHOOL,
}
SCHOOL_ACCOUNT = {
    "role": Role.SCHOOL_REPRESENTATIVE,
    "name": "Белова Марина Александровна",
    "organisation_id": SCHOOL,
}
SECRETARY = {"role": Role.COUNCIL_SECRETARY, "name": "Зуева Ирина Петровна"}
MEMBER = {"role": Role.COUNCIL_MEMBER, "name": "Громов Олег Ильич"}


async def _post(client: Any, page: str, action: str, data: dict[str, Any]) -> Any:
    """Open ``page``, then send a form to ``action`` with its CSRF token."""
    token = csrf((await client.get(page)).text)
    return await client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


# --- every page renders for its roles ----------------------------------------------------

COMMON_PAGES = [
    "/resources",
    "/resources?q=уроков&scope=all",
    "/resources?scope=own&kind=lesson_plan&level=основное+общее+образование&subject=Биология",
    "/resources/bank",
    f"/resources/bank/{CENTRE_ENTRY}",
    f"/resources/{PUBLISHED}",
]
STAFF_PAGES = [
    *COMMON_PAGES,
    "/resources/mine",
    "/resources/mine?status=draft",
    "/resources/new",
    f"/resources/{DRAFT}",
    f"/resources/{SUBMITTED}",
    f"/resources/{DRAFT}/edit",
]
TEACHER_PAGES = [
    *COMMON_PAGES,
    "/resources/mine",
    "/resources/new",
    f"/resources/{DRAFT}",
    f"/resources/{DRAFT}/edit",
]
SCHOOL_PAGES = [*COMMON_PAGES, "/resources/mine", "/resources/new", f"/resources/{SUBMITTED}"]
SECRETARY_PAGES = [*COMMON_PAGES, "/resources/mine", f"/resources/{REFERRED}"]
MEMBER_PAGES = COMMON_PAGES


@pytest.mark.parametrize(
    ("account", "pages"),
    [
        (METHODIST, STAFF_PAGES),
        (TEACHER_ACCOUNT, TEACHER_PAGES),
        (SCHOOL_ACCOUNT, SCHOOL_PAGES),
        (SECRETARY, SECRETARY_PAGES),
        (MEMBER, MEMBER_PAGES),
    ],
    ids=["methodist", "teacher", "school", "secretary", "member"],
)
async def test_every_page_of_a_role_renders_in_russian(
    fake: Any, state: Bank, portal: Any, kit: Any, account: dict[str, Any], pages: list[str]
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **account) as client:
        for page in pages:
            response = await client.get(page)
            assert response.status_code == 200, (page, response.text[:2000])
            assert '<html lang="ru">' in response.text
            assert "Traceback" not in response.text
            assert (
                '<a href="/resources" aria-current="page">Банк методических материалов</a>'
                in response.text
            ), page
    assert {c["role"] for c in state.claims} == {account["role"].value}


async def test_search_shows_both_banks_and_keeps_the_query(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        html = (await client.get("/resources?q=Система&scope=all&subject=Биология")).text
    assert 'id="search-q" name="q" type="search" value="Система"' in html
    results = html[html.index('id="search-results"') :]
    assert f'href="/resources/{PUBLISHED}"' in results
    assert "Найдено 1 материал" in text(html)
    asked = next(c for c in state.calls if c[1] == "/search")
    assert asked[0] == "GET"
    search_claims = state.claims[0]
    assert search_claims["role"] == "teacher"


async def test_the_bank_page_lists_the_district_and_the_centre(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        html = (await client.get("/resources/bank")).text
        entry = (await client.get(f"/resources/bank/{CENTRE_ENTRY}")).text
        download = await client.get(f"/resources/bank/{CENTRE_ENTRY}/files/{FILE}")
    own = html[html.index('id="own-bank"') : html.index('id="centre-bank"')]
    assert f'data-resource-id="{PUBLISHED}"' in own
    centre = html[html.index('id="centre-bank"') :]
    assert "Программа кружка «Юный эколог»" in centre
    assert "Ишимский округ" in centre
    assert 'id="bank-filters"' not in html  # withdrawn entries are the staff's
    assert f'href="/resources/bank/{CENTRE_ENTRY}/files/{FILE}"' in entry
    assert "10.11.2026" in text(entry)
    assert 'id="bank-withdraw"' not in entry  # only at the centre, only staff
    assert download.status_code == 200
    assert download.content == b"%PDF-1.7 bank"
    assert download.headers["content-type"] == "application/pdf"


# --- roles and CSRF ---------------------------------------------------------------------


async def test_a_teacher_cannot_reach_the_staff_actions(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        page = (await client.get(f"/resources/{PUBLISHED}")).text
        assert 'id="share-resource"' not in page
        assert 'id="withdraw-resource"' not in page
        token = csrf(page)
        for action, data in (
            (f"/resources/{SUBMITTED}/approve", {}),
            (f"/resources/{SUBMITTED}/return", {"comment": "плохо"}),
            (f"/resources/{SUBMITTED}/refer", {}),
            (f"/resources/{PUBLISHED}/withdraw", {"reason": "устарел"}),
            (f"/resources/{PUBLISHED}/share", {}),
            (f"/resources/{PUBLISHED}/unshare", {"reason": "устарел"}),
            (f"/resources/bank/{CENTRE_ENTRY}/withdraw", {"reason": "устарел"}),
        ):
            response = await client.post(action, data={"csrf_token": token, **data})
            assert response.status_code == 403, action
            assert "Роль «педагог» не даёт доступа к этой странице" in response.text
        # Someone else's draft: the service's own reason.
        other = await client.get(f"/resources/{REFERRED}")
        assert other.status_code == 403
        assert "Материал ещё не опубликован" in other.text
    assert not [c for c in state.calls if c[0] != "GET"]


async def test_the_council_member_neither_writes_nor_sees_drafts(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **MEMBER) as client:
        home = (await client.get("/resources")).text
        assert 'href="/resources/new"' not in home
        assert 'href="/resources/mine"' not in home
        assert (await client.get("/resources/new")).status_code == 403
        assert (await client.get("/resources/mine")).status_code == 403


async def test_forms_without_the_csrf_token_are_refused(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        missing = await client.post("/resources/new", data={"title": "Урок", "kind": "other"})
        wrong = await client.post(f"/resources/{SUBMITTED}/approve", data={"csrf_token": "чужой"})
        upload = await client.post(
            f"/resources/{DRAFT}/files", files={"file": ("a.pdf", b"%PDF-1.7", "application/pdf")}
        )
    for response in (missing, wrong, upload):
        assert response.status_code == 403
        assert "Действие отклонено" in response.text
        assert "проверочный код формы отсутствует или устарел" in response.text
    assert state.calls == []


# --- authors ----------------------------------------------------------------------------


async def test_a_teacher_creates_a_draft_with_errors_next_to_the_fields(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        form = (await client.get("/resources/new")).text
        assert 'id="resource-author"' not in form  # a teacher is the author themself
        token = csrf(form)
        data = {
            "csrf_token": token,
            "title": "Урок",
            "kind": "",
            "licence": "cc_by",
            "subject": "Биология",
            "tags": "ФГОС, чтение",
        }
        bad = await client.post("/resources/new", data=data)
        assert bad.status_code == 422
        assert field_error(bad.text, "resource-title").startswith("Название слишком короткое")
        assert field_error(bad.text, "resource-kind") == "Выберите вид материала."
        assert value_of(bad.text, "resource-title") == "Урок"
        assert value_of(bad.text, "resource-subject") == "Биология"
        assert "ФГОС, чтение</textarea>" in bad.text
        assert '<option value="cc_by" selected>' in bad.text
        # The service refuses a title it already has: its message, next to the title.
        taken = await client.post(
            "/resources/new",
            data={**data, "title": "Система уроков по экологии", "kind": "lesson_plan"},
        )
        assert taken.status_code == 409
        assert (
            field_error(taken.text, "resource-title")
            == "Материал с таким названием уже есть в банке округа"
        )
        assert value_of(taken.text, "resource-title") == "Система уроков по экологии"
        good = await client.post(
            "/resources/new",
            data={**data, "title": "Смысловое чтение на уроках биологии", "kind": "lesson_plan"},
            follow_redirects=False,
        )
        assert good.status_code == 303
        target = good.headers["location"]
        assert target.endswith("?notice=created")
        page = (await client.get(target)).text
        assert "Черновик материала создан" in page
        assert 'id="upload-file"' in page
        assert 'id="submit-resource"' in page
    created = state.posted("/resources")[-1]
    assert created["tags"] == ["ФГОС", "чтение"]
    assert "author_person_id" not in created


async def test_a_bad_file_is_refused_next_to_the_file_field(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        token = csrf((await client.get(f"/resources/{DRAFT}")).text)
        bad = await client.post(
            f"/resources/{DRAFT}/files",
            data={"csrf_token": token, "version": "3"},
            files={"file": ("вирус.exe", b"MZ\x90\x00", "application/octet-stream")},
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "resource-file") == FILE_REFUSAL
        assert 'aria-invalid="true"' in bad.text
        none = await client.post(f"/resources/{DRAFT}/files", data={"csrf_token": token})
        assert none.status_code == 422
        assert field_error(none.text, "resource-file") == "Выберите файл."
        good = await client.post(
            f"/resources/{DRAFT}/files",
            data={"csrf_token": token, "version": "3"},
            files={"file": ("клетка.pdf", b"%PDF-1.7", "application/pdf")},
            follow_redirects=False,
        )
        assert good.status_code == 303
        page = (await client.get(good.headers["location"])).text
        assert "Файл приложен к материалу." in page
        assert "клетка.pdf" in page
        submitted = await _post(
            client, f"/resources/{DRAFT}", f"/resources/{DRAFT}/submit", {"version": "3"}
        )
        assert submitted.status_code == 303
        assert submitted.headers["location"].endswith("notice=submitted")
    uploads = state.posted(f"/resources/{DRAFT}/files")
    assert uploads[-1] == {"name": "клетка.pdf", "version": "3"}
    assert state.posted(f"/resources/{DRAFT}/submit") == [{"version": 3, "comment": ""}]


async def test_mine_lists_only_what_the_service_gives(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        html = (await client.get("/resources/mine")).text
    assert "Мои материалы" in html
    assert f'data-resource-id="{DRAFT}"' in html
    assert f'data-resource-id="{REFERRED}"' not in html


async def test_a_school_names_an_author_of_its_organisation(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **SCHOOL_ACCOUNT) as client:
        form = (await client.get("/resources/new")).text
        assert "Карпенко Юлия Сергеевна (МБОУ «Яйская СОШ № 1»)" in form
        token = csrf(form)
        data = {
            "csrf_token": token,
            "title": "Программа «Шахматы в школе»",
            "kind": "programme",
            "licence": "cc_by",
        }
        bad = await client.post("/resources/new", data=data)
        assert bad.status_code == 422
        assert "Выберите автора" in field_error(bad.text, "resource-author")
        good = await client.post("/resources/new", data={**data, "author_person_id": str(TEACHER)})
        assert good.status_code == 200  # followed the redirect
    assert state.posted("/resources")[-1]["author_person_id"] == str(TEACHER)


# --- staff review -----------------------------------------------------------------------


async def test_staff_review_return_approve_refer_share_and_withdraw(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        page = (await client.get(f"/resources/{SUBMITTED}")).text
        for button in ("approve-resource", "return-resource", "refer-resource", "add-comment"):
            assert f'id="{button}"' in page, button
        assert 'id="share-resource"' not in page
        journal = page[page.index('id="journal"') :]
        assert "направлен на экспертизу" in journal
        assert "21.11.2026 12:00" in text(journal)  # 05:00 UTC at Yaya (UTC+7)
        assert f'href="/resources/{SUBMITTED}/files/{FILE}"' in page
        download = await client.get(f"/resources/{SUBMITTED}/files/{FILE}")
        assert download.content == b"%PDF-1.7 own"
        # Return without remarks: said next to the field, nothing sent.
        empty = await _post(
            client, f"/resources/{SUBMITTED}", f"/resources/{SUBMITTED}/return", {"version": "3"}
        )
        assert empty.status_code == 422
        assert field_error(empty.text, "return-comment").startswith("Напишите замечания")
        returned = await _post(
            client,
            f"/resources/{SUBMITTED}",
            f"/resources/{SUBMITTED}/return",
            {"version": "3", "comment": "Добавьте критерии оценивания"},
        )
        assert returned.headers["location"].endswith("notice=returned")
        # A stale version: the service's 409 becomes the «refresh» advice.
        state.rows[SUBMITTED]["status"] = "submitted"
        stale = await _post(
            client, f"/resources/{SUBMITTED}", f"/resources/{SUBMITTED}/approve", {"version": "1"}
        )
        assert stale.status_code == 409
        assert "Запись успела измениться" in stale.text
        approved = await _post(
            client, f"/resources/{SUBMITTED}", f"/resources/{SUBMITTED}/approve", {"version": "3"}
        )
        assert approved.headers["location"].endswith("notice=approved")
        published = (await client.get(f"/resources/{SUBMITTED}")).text
        assert "Передать в банк ММЦ" in published
        assert 'id="share-resource"' in published
        assert 'id="withdraw-resource"' in published
        shared = await _post(
            client, f"/resources/{SUBMITTED}", f"/resources/{SUBMITTED}/share", {"version": "3"}
        )
        assert shared.headers["location"].endswith("notice=shared")
        # Without a reason, withdrawal is refused next to its field.
        no_reason = await _post(
            client, f"/resources/{SUBMITTED}", f"/resources/{SUBMITTED}/withdraw", {}
        )
        assert no_reason.status_code == 422
        assert field_error(no_reason.text, "withdraw-reason").startswith("Укажите причину")
    assert state.posted(f"/resources/{SUBMITTED}/return") == [
        {"version": 3, "comment": "Добавьте критерии оценивания"}
    ]


async def test_a_backend_refusal_is_shown_in_russian(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    state.rows[PUBLISHED]["files"] = []
    async with portal(settings_of(fake), clock=kit.Clock(), **METHODIST) as client:
        refused = await _post(
            client, f"/resources/{PUBLISHED}", f"/resources/{PUBLISHED}/share", {"version": "3"}
        )
    assert refused.status_code == 409
    assert SHARE_REFUSAL in refused.text
    assert 'id="share-error"' in refused.text


async def test_the_council_secretary_approves_with_a_protocol_number(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=kit.Clock(), **SECRETARY) as client:
        mine = (await client.get("/resources/mine")).text
        assert "Материалы на рассмотрении совета" in mine
        assert f'data-resource-id="{REFERRED}"' in mine
        page = (await client.get(f"/resources/{REFERRED}")).text
        assert 'id="approve-protocol-number"' in page
        assert 'id="refer-resource"' not in page
        bad = await _post(
            client,
            f"/resources/{REFERRED}",
            f"/resources/{REFERRED}/approve",
            {"version": "3", "protocol_date": "31.02.2026"},
        )
        assert bad.status_code == 422
        assert "номер протокола" in field_error(bad.text, "approve-protocol-number")
        assert field_error(bad.text, "approve-protocol-date").startswith("Неверная дата")
        good = await _post(
            client,
            f"/resources/{REFERRED}",
            f"/resources/{REFERRED}/approve",
            {"version": "3", "protocol_number": "4", "protocol_date": "20.11.2026"},
        )
        assert good.headers["location"].endswith("notice=approved")
    assert state.posted(f"/resources/{REFERRED}/approve") == [
        {"version": 3, "comment": "", "protocol_number": "4", "protocol_date": "2026-11-20"}
    ]


async def test_the_centre_withdraws_from_its_bank(
    fake: Any, state: Bank, portal: Any, kit: Any
) -> None:
    settings = settings_of(fake, mode="centre", district="centre", federation_url=fake.url("reg"))
    async with portal(settings, clock=kit.Clock()) as client:
        entry = (await client.get(f"/resources/bank/{CENTRE_ENTRY}")).text
        assert 'id="bank-withdraw"' in entry
        bank_page = (await client.get("/resources/bank")).text
        assert 'id="own-bank"' not in bank_page
        empty = await _post(
            client,
            f"/resources/bank/{CENTRE_ENTRY}",
            f"/resources/bank/{CENTRE_ENTRY}/withdraw",
            {},
        )
        assert empty.status_code == 422
        assert "Укажите причину" in field_error(empty.text, "bank-withdraw-reason")


async def test_a_resources_service_that_does_not_answer_leaves_a_russian_notice(
    state: Bank, portal: Any, kit: Any, unused_port: int, fake: Any
) -> None:
    settings = settings_of(fake, resources_url=f"http://127.0.0.1:{unused_port}")
    async with portal(settings, clock=kit.Clock(), **TEACHER_ACCOUNT) as client:
        response = await client.get("/resources")
    assert response.status_code == 503
    assert "Банк методических материалов сейчас недоступен." in response.text
