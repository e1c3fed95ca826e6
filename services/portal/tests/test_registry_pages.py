"""Registry pages (organisations, people, structures, a site's page, documents) against
fake registry, scheduling and documents services served over real HTTP.

The fakes answer as the services do and record what the portal asked (path, query,
the role of the token), so the tests see that the search is passed through and that the
role decides what is shown.
"""

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import jwt
import pytest
from litestar import Litestar, Request, Response, get
from litestar.params import FromPath

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

SCHOOL = "0194c1a2-7e00-7000-8000-0000000000a1"
GARDEN = "0194c1a2-7e00-7000-8000-0000000000a2"
SITE = "0194c1a2-7e00-7000-8000-000000000001"
ORDER = "0194c1a2-7e00-7000-8000-0000000000c1"
DECISION = "0194c1a2-7e00-7000-8000-0000000000d1"
ROADMAP = "0194c1a2-7e00-7000-8000-0000000000e1"
ORDER_DOC = "0194c1a2-7e00-7000-8000-0000000000f1"
CERT_DOC = "0194c1a2-7e00-7000-8000-0000000000f2"
OTHER_DOC = "0194c1a2-7e00-7000-8000-0000000000f3"
TEACHER = "0194c1a2-7e00-7000-8000-0000000000b2"
MISSING = "0194c1a2-7e00-7000-8000-00000000dead"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 600

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "id": SCHOOL,
        "district": "yaya",
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская средняя общеобразовательная школа № 1»",
        "short_name": "МБОУ «Яйская СОШ № 1»",
        "kind": "school",
        "kind_title": "общеобразовательная школа",
        "email": "sosh1@yaya.example.ru",
        "address": "пгт Яя, ул. Школьная, д. 5",
        "director_name": "Морозова Наталья Ивановна",
        "phone": "",
        "website": "javascript:alert(1)",
        "low_results": False,
        "unfavourable_conditions": True,
        "resilient": True,
        "archived": False,
    },
    {
        "id": GARDEN,
        "district": "yaya",
        "full_name": "Муниципальное бюджетное дошкольное образовательное учреждение "
        "«Детский сад № 3 «Солнышко»»",
        "short_name": "МБДОУ «Детский сад № 3 «Солнышко»»",
        "kind": "doo",
        "kind_title": "дошкольная образовательная организация",
        "email": "ds3@yaya.example.ru",
        "address": "",
        "director_name": "Полякова Елена Юрьевна",
        "phone": "",
        "website": "",
        "low_results": False,
        "unfavourable_conditions": False,
        "resilient": False,
        "archived": False,
    },
]

PEOPLE: list[dict[str, Any]] = [
    {
        "id": "0194c1a2-7e00-7000-8000-0000000000b1",
        "full_name": "Белова Марина Александровна",
        "position": "заместитель директора по УВР",
        "staff_group": "administration",
        "organisation_id": SCHOOL,
        "qualification_category": "highest",
        "subjects": [],
        "email": "belova@yaya.example.ru",
    },
    {
        "id": TEACHER,
        "full_name": "Карпенко Юлия Сергеевна",
        "position": "учитель математики",
        "staff_group": "teacher",
        "organisation_id": SCHOOL,
        "qualification_category": "highest",
        "subjects": ["математика"],
        "email": "karpenko@yaya.example.ru",
    },
]

FULL_RECORD: dict[str, Any] = {
    **PEOPLE[1],
    "staff_group_title": "педагогический работник",
    "qualification_category_title": "высшая квалификационная категория",
    "phone": "+7 900 000-00-01",
    "consent": {"given": True, "date": "2026-09-01", "document": "заявление № 17"},
    "created_at": "2026-09-01T08:00:00Z",
    "updated_at": "2026-09-01T08:00:00Z",
}

STRUCTURES: list[dict[str, Any]] = [
    {
        "id": "0194c1a2-7e00-7000-8000-0000000005a1",
        "kind": "shmo",
        "kind_title": "школьное методическое объединение",
        "title": "ШМО учителей математики",
        "organisation_id": SCHOOL,
        "subject": "математика",
        "active": True,
        "head": PEOPLE[0],
        "members": [{"person": PEOPLE[1], "role": "секретарь"}],
        "members_count": 1,
    }
]

SITE_ROW: dict[str, Any] = {
    "id": SITE,
    "organisation_id": SCHOOL,
    "organisation_short_name": "МБОУ «Яйская СОШ № 1»",
    "organisation_full_name": ORGANISATIONS[0]["full_name"],
    "kind": "osmp",
    "kind_title": "опорная (стажировочная) методическая площадка",
    "status": "active",
    "status_title": "действует",
    "topic": "Формирование функциональной грамотности обучающихся",
    "term_start": "2026-10-15",
    "term_end": "2028-10-14",
    "leader": {"full_name": "Белова Марина Александровна", "position": "заместитель директора"},
    "co_leader": {"full_name": "Лаптева Светлана Николаевна", "position": "методист ИМЦ"},
    "order_number": "45-од",
    "order_date": "2026-10-15",
    "decision_id": DECISION,
    "last_decision_id": DECISION,
}
SITE_DETAIL: dict[str, Any] = {
    **SITE_ROW,
    "history": [
        {
            "status": "active",
            "status_title": "действует",
            "previous_status": None,
            "reason": "решение методического совета",
            "order_id": ORDER,
            "order_kind": "order_site_status",
            "order_number": "45-од",
            "order_date": "2026-10-15",
            "decision_id": DECISION,
            "occurred_at": "2026-10-15T09:00:00Z",
        }
    ],
}


def _item(number: int, title: str, deadline: str, state: str, title_ru: str) -> dict[str, Any]:
    return {
        "id": f"0194c1a2-7e00-7000-8000-00000000071{number}",
        "roadmap_id": ROADMAP,
        "title": title,
        "form": "seminar",
        "form_title": "семинар",
        "responsible_name": "Белова Марина Александровна",
        "responsible_person_id": None,
        "deadline": deadline,
        "quarter": "2026-Q4",
        "expected_result": "",
        "state": state,
        "state_title": title_ru,
        "events": [],
    }


ROADMAP_ITEMS = [
    _item(
        2, "Открытые уроки по функциональной грамотности", "2026-12-20", "planned", "запланировано"
    ),
    _item(1, "Установочный семинар для педагогов", "2026-11-01", "overdue", "просрочено"),
    _item(3, "Круглый стол «Итоги полугодия»", "2026-10-30", "done", "выполнено"),
]


def _document(doc_id: str, kind: str, title: str, number: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": doc_id,
        "kind": kind,
        "title": title,
        "number": number,
        "dated": "2026-10-15",
        "organisation_id": SCHOOL,
        "subject_id": "0194c1a2-7e00-7000-8000-000000000999",
        "pdf_sha256": "0" * 64,
        "docx_sha256": "1" * 64,
        "created_at": "2026-10-15T09:00:00Z",
        "person_name": "",
        "revoked_at": None,
        **extra,
    }


DOCUMENTS = [
    _document(
        ORDER_DOC,
        "order_site_status",
        "Приказ о присвоении статуса опорной (стажировочной) методической площадки",
        "45-од",
        subject_id=ORDER,
    ),
    _document(
        CERT_DOC,
        "certificate",
        "Сертификат участника семинара",
        "С-12",
        person_name="Карпенко Юлия Сергеевна",
        person_id=TEACHER,
    ),
    _document(OTHER_DOC, "council_protocol", "Протокол заседания методического совета", "3"),
]


class Recorder:
    """What the fake services were asked, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], str | None]] = []

    def note(self, request: Request[Any, Any, Any]) -> str | None:
        role = _role(request)
        self.calls.append((request.url.path, dict(request.query_params), role))
        return role

    def queries(self, path: str) -> list[dict[str, Any]]:
        return [query for called, query, _ in self.calls if called == path]


RECORDER = Recorder()


def _role(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return None
    claims = jwt.decode(header[7:], options={"verify_signature": False})
    return str(claims["role"])


def _not_found(message: str) -> Response[Any]:
    return Response({"error": "not_found", "message": message}, status_code=404)


@get("/registry/organisations")
async def organisations(request: Request[Any, Any, Any]) -> Any:
    RECORDER.note(request)
    q = request.query_params.get("q", "").casefold().replace("ё", "е")
    return [
        o
        for o in ORGANISATIONS
        if q in o["short_name"].casefold().replace("ё", "е")
        and request.query_params.get("kind", o["kind"]) == o["kind"]
    ]


@get("/registry/organisations/{organisation_id:str}")
async def organisation(request: Request[Any, Any, Any], organisation_id: FromPath[str]) -> Any:
    RECORDER.note(request)
    found = [o for o in ORGANISATIONS if o["id"] == organisation_id]
    return found[0] if found else _not_found("Организация не найдена в реестре округа")


@get("/registry/people")
async def people(request: Request[Any, Any, Any]) -> Any:
    RECORDER.note(request)
    org = request.query_params.get("organisation_id")
    return [p for p in PEOPLE if not org or p["organisation_id"] == org]


@get("/registry/people/{person_id:str}")
async def person(request: Request[Any, Any, Any], person_id: FromPath[str]) -> Any:
    role = RECORDER.note(request)
    if role not in {"district_admin", "methodist", "centre_coordinator", "council_secretary"}:
        return Response({"error": "forbidden", "message": "Доступ запрещён"}, status_code=403)
    return FULL_RECORD if person_id == TEACHER else _not_found("Человек не найден")


@get("/registry/structures")
async def structures(request: Request[Any, Any, Any]) -> Any:
    RECORDER.note(request)
    return STRUCTURES


@get("/registry/sites")
async def sites(request: Request[Any, Any, Any]) -> Any:
    RECORDER.note(request)
    org = request.query_params.get("organisation_id")
    return [SITE_ROW] if org in (None, SCHOOL) else []


@get("/registry/sites/{site_id:str}")
async def site(request: Request[Any, Any, Any], site_id: FromPath[str]) -> Any:
    RECORDER.note(request)
    return SITE_DETAIL if site_id == SITE else _not_found("Площадка не найдена")


@get("/registry/public/centre-sites")
async def centre_sites() -> Any:
    return []


@get("/scheduling/roadmaps")
async def roadmaps(request: Request[Any, Any, Any]) -> Any:
    RECORDER.note(request)
    return [
        {
            "id": ROADMAP,
            "site_id": SITE,
            "organisation_id": SCHOOL,
            "organisation_short_name": "МБОУ «Яйская СОШ № 1»",
            "title": "Дорожная карта ОСМП МБОУ «Яйская СОШ № 1»",
            "topic": SITE_ROW["topic"],
            "period_start": "2026-10-15",
            "period_end": "2028-10-14",
            "status": "open",
            "opened_at": "2026-10-15T09:00:00Z",
        }
    ]


@get("/scheduling/roadmaps/{roadmap_id:str}/items")
async def roadmap_items(request: Request[Any, Any, Any], roadmap_id: FromPath[str]) -> Any:
    RECORDER.note(request)
    return ROADMAP_ITEMS if roadmap_id == ROADMAP else _not_found("Дорожная карта не найдена")


def _visible(role: str | None) -> list[dict[str, Any]]:
    """As the documents service: a teacher gets their own certificates only."""
    if role == "teacher":
        return [d for d in DOCUMENTS if d["kind"] == "certificate"]
    return DOCUMENTS


@get("/documents/documents")
async def documents(request: Request[Any, Any, Any]) -> Any:
    return _visible(RECORDER.note(request))


@get("/documents/documents/{document_id:str}")
async def document(request: Request[Any, Any, Any], document_id: FromPath[str]) -> Any:
    role = RECORDER.note(request)
    found = [d for d in DOCUMENTS if d["id"] == document_id]
    if not found:
        return _not_found("Документ не найден")
    if found[0] not in _visible(role):
        message = "Педагог может получить только выданные ему сертификаты"
        return Response({"error": "forbidden", "message": message}, status_code=403)
    return found[0]


@get("/documents/documents/{document_id:str}/{filename:str}")
async def document_file(
    request: Request[Any, Any, Any], document_id: FromPath[str], filename: FromPath[str]
) -> Any:
    RECORDER.note(request)
    if document_id != ORDER_DOC:
        return _not_found("Документ не найден")
    media = "application/pdf" if filename == "file.pdf" else "application/octet-stream"
    return Response(
        PDF,
        media_type=media,
        headers={
            "content-disposition": 'attachment; filename="prikaz.pdf"; '
            "filename*=UTF-8''prikaz-45-%D0%BE%D0%B4.pdf",
            "x-checksum-sha256": "0" * 64,
        },
    )


@get("/{prefix:str}/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


HANDLERS = [
    organisations,
    organisation,
    people,
    person,
    structures,
    sites,
    site,
    centre_sites,
    roadmaps,
    roadmap_items,
    documents,
    document,
    document_file,
    health,
]


@pytest.fixture(scope="module")
def services(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(Litestar(HANDLERS, logging_config=None))
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_recorder() -> None:
    RECORDER.calls.clear()


def settings_of(services: Any, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": "yaya",
        "district_name": "Яйский муниципальный округ",
        "mode": "district",
        "registry_url": services.url("registry"),
        "scheduling_url": services.url("scheduling"),
        "documents_url": services.url("documents"),
        "auth_signing_key": testing.keys()[PORTAL_KEY_ID][0],
    }
    return PortalSettings(service="portal", **{**values, **extra})


def ids(html: str, attribute: str) -> list[str]:
    return re.findall(rf'<tr {attribute}="([^"]+)"', html)


# --- organisations ---------------------------------------------------------------


async def test_search_passes_the_query_and_filters_to_the_registry(
    services: Any, portal: Any
) -> None:
    async with portal(settings_of(services)) as client:
        page = await client.get(
            "/organisations",
            params={
                "q": "  ЯЙСКАЯ сош  ",
                "kind": "school",
                "flag": ["resilient", "unfavourable_conditions", "nonsense"],
            },
        )
    assert page.status_code == 200, page.text
    assert RECORDER.queries("/registry/organisations") == [
        {
            "q": "ЯЙСКАЯ сош",
            "kind": "school",
            "resilient": "true",
            "unfavourable_conditions": "true",
        }
    ]
    html = page.text
    assert ids(html, "data-organisation-id") == [SCHOOL]
    assert f'<a href="/organisations/{SCHOOL}">МБОУ «Яйская СОШ № 1»</a>' in html
    assert 'value="ЯЙСКАЯ сош"' in html  # what the visitor typed stays in the field
    assert re.search(r'value="resilient" checked', html)
    assert "Найдено: 1 организация." in html
    assert "резильентная школа" in html
    # The navigation has the registry and the documents, the registry is the current one.
    assert '<a href="/organisations" aria-current="page">Реестр</a>' in html
    assert '<a href="/documents">Документы</a>' in html


async def test_search_without_results_and_unknown_kind(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        page = await client.get("/organisations", params={"q": "Кайла", "kind": "zoo"})
    assert RECORDER.queries("/registry/organisations") == [{"q": "Кайла"}]
    assert "Ничего не найдено." in page.text
    assert ids(page.text, "data-organisation-id") == []


async def test_organisation_card_for_a_teacher_has_no_contacts(services: Any, portal: Any) -> None:
    async with portal(settings_of(services), role=Role.TEACHER) as client:
        page = await client.get(f"/organisations/{SCHOOL}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>МБОУ «Яйская СОШ № 1»</h1>" in html
    assert "Карпенко Юлия Сергеевна" in html and "учитель математики" in html
    assert "karpenko@yaya.example.ru" not in html and "belova@" not in html
    assert f'href="/people/{TEACHER}"' not in html  # a teacher cannot open /people
    assert "Личные контакты педагогов видят только сотрудники ИМЦ." in html
    # The organisation's own address and e-mail are not personal data.
    assert "sosh1@yaya.example.ru" in html
    assert "javascript:" not in html
    # Its site, with the history of its status.
    assert f'<a href="/sites/{SITE}">опорная (стажировочная) методическая площадка</a>' in html
    assert "решение методического совета" in html
    assert "№ 45-од от 15.10.2026" in html
    assert "ШМО учителей математики" in html
    assert RECORDER.queries("/registry/people") == [{"organisation_id": SCHOOL}]
    assert RECORDER.queries("/registry/sites") == [{"organisation_id": SCHOOL}]


async def test_organisation_card_for_a_methodist_has_emails(services: Any, portal: Any) -> None:
    async with portal(settings_of(services), role=Role.METHODIST) as client:
        page = await client.get(f"/organisations/{SCHOOL}")
    html = page.text
    assert 'href="mailto:karpenko@yaya.example.ru"' in html
    assert f'href="/people/{TEACHER}"' in html


async def test_unknown_organisation_is_a_russian_not_found_page(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        page = await client.get(f"/organisations/{MISSING}")
    assert page.status_code == 404
    assert "Сведения не найдены" in page.text
    assert "Организация не найдена в реестре округа." in page.text


# --- people and structures -------------------------------------------------------


async def test_a_teacher_cannot_see_people(services: Any, portal: Any) -> None:
    async with portal(settings_of(services), role=Role.TEACHER) as client:
        listing = await client.get("/people")
        card = await client.get(f"/people/{TEACHER}")
        registry_page = await client.get("/organisations")
    for page in (listing, card):
        assert page.status_code == 403
        assert "Доступ закрыт" in page.text
        assert "Роль «педагог» не даёт доступа к этой странице" in page.text
    assert [path for path, _, _ in RECORDER.calls if path.startswith("/registry/people")] == []
    assert 'href="/people"' not in registry_page.text


async def test_people_search_passes_the_query(services: Any, portal: Any) -> None:
    async with portal(settings_of(services), role=Role.COUNCIL_SECRETARY) as client:
        page = await client.get("/people", params={"q": "карпёнко", "staff_group": "teacher"})
    assert page.status_code == 200, page.text
    assert {"q": "карпёнко", "staff_group": "teacher"} in RECORDER.queries("/registry/people")
    assert f'<a href="/people/{TEACHER}">Карпенко Юлия Сергеевна</a>' in page.text
    assert f'<a href="/organisations/{SCHOOL}">МБОУ «Яйская СОШ № 1»</a>' in page.text


async def test_person_card_shows_the_full_record_the_registry_gives(
    services: Any, portal: Any
) -> None:
    async with portal(settings_of(services), role=Role.COUNCIL_SECRETARY) as client:
        page = await client.get(f"/people/{TEACHER}")
        missing = await client.get(f"/people/{MISSING}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<h1>Карпенко Юлия Сергеевна</h1>" in html
    assert "+7 900 000-00-01" in html
    assert "дано" in html and "01.09.2026" in html and "заявление № 17" in html
    assert "ШМО учителей математики" in html and "секретарь" in html
    # The registry read the full record with the secretary's token (it logs the read).
    assert (f"/registry/people/{TEACHER}", {}, "council_secretary") in RECORDER.calls
    assert missing.status_code == 404
    assert "Человек не найден в реестре округа." in missing.text


async def test_structures_with_head_and_members(services: Any, portal: Any) -> None:
    representative = {"role": Role.SCHOOL_REPRESENTATIVE, "organisation_id": UUID(SCHOOL)}
    async with portal(settings_of(services), **representative) as client:
        page = await client.get("/structures", params={"kind": "shmo"})
    assert page.status_code == 200, page.text
    assert RECORDER.queries("/registry/structures") == [{"kind": "shmo"}]
    html = page.text
    assert "ШМО учителей математики" in html
    assert "Белова Марина Александровна" in html
    assert "Карпенко Юлия Сергеевна — секретарь" in html
    assert "karpenko@" not in html


# --- a site's page ---------------------------------------------------------------


async def test_site_page_with_road_map_history_and_documents(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        page = await client.get(f"/sites/{SITE}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "Опорная (стажировочная) методическая площадка</h1>" in html
    assert "действует" in html and "с 15.10.2026 по 14.10.2028" in html
    assert "Лаптева Светлана Николаевна" in html
    # Road-map rows by deadline, with their states and the progress.
    rows = re.findall(r'<tr data-item-id="[^"]+" data-state="(\w+)"', html)
    assert rows == ["done", "overdue", "planned"]
    assert "Установочный семинар для педагогов" in html
    assert "01.11.2026" in html
    assert "Выполнено 1 из 3 мероприятий (33 %)" in html
    assert "просрочено: 1" in html
    # The documents about the site: its order, not the council's protocol.
    assert ids(html, "data-document-id") == [ORDER_DOC]
    assert f'href="/documents/{ORDER_DOC}/file.pdf"' in html
    assert f'href="/documents/{ORDER_DOC}/file.docx"' in html
    assert "решение методического совета" in html


async def test_site_page_survives_a_road_map_failure(services: Any, portal: Any) -> None:
    settings = settings_of(services, scheduling_url=services.url("nowhere"))
    async with portal(settings) as client:
        page = await client.get(f"/sites/{SITE}")
    assert page.status_code == 200
    assert "Сервис мероприятий отклонил запрос портала" in page.text
    assert f'href="/documents/{ORDER_DOC}/file.pdf"' in page.text


async def test_unknown_site_is_a_russian_not_found_page(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        page = await client.get(f"/sites/{MISSING}")
    assert page.status_code == 404
    assert "Площадка не найдена в реестре округа." in page.text


async def test_sites_list_links_each_row_to_its_page(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        page = await client.get("/sites")
    assert page.status_code == 200, page.text
    assert re.findall(r'<tr data-site-id="([^"]+)"', page.text) == [SITE]
    assert f'<a href="/sites/{SITE}" class="site-link">' in page.text


# --- documents -------------------------------------------------------------------


async def test_documents_list_and_filter(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        every = await client.get("/documents")
        orders = await client.get("/documents", params={"kind": "order_site_status"})
        found = await client.get("/documents", params={"q": "карпенко"})
    assert every.status_code == 200, every.text
    assert set(ids(every.text, "data-document-id")) == {ORDER_DOC, CERT_DOC, OTHER_DOC}
    assert '<a href="/documents" aria-current="page">Документы</a>' in every.text
    assert ids(orders.text, "data-document-id") == [ORDER_DOC]
    assert ids(found.text, "data-document-id") == [CERT_DOC]


async def test_a_teacher_sees_only_what_the_service_gives(services: Any, portal: Any) -> None:
    async with portal(settings_of(services), role=Role.TEACHER) as client:
        page = await client.get("/documents")
        refused = await client.get(f"/documents/{ORDER_DOC}/file.pdf")
    assert ids(page.text, "data-document-id") == [CERT_DOC]
    assert ("/documents/documents", {}, "teacher") in RECORDER.calls
    assert refused.status_code == 403
    assert "Доступ закрыт" in refused.text
    assert "Педагог может получить только выданные ему сертификаты" in refused.text
    assert not any(path.endswith("/file.pdf") for path, _, _ in RECORDER.calls)


async def test_download_streams_the_file_with_its_headers(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        answer = await client.get(f"/documents/{ORDER_DOC}/file.pdf")
    assert answer.status_code == 200
    assert answer.content == PDF
    assert answer.headers["content-type"] == "application/pdf"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="prikaz.pdf"')
    assert "filename*=UTF-8''prikaz-45-%D0%BE%D0%B4.pdf" in disposition
    assert (f"/documents/documents/{ORDER_DOC}/file.pdf", {}, "methodist") in RECORDER.calls


async def test_download_of_a_missing_document_or_a_bad_name(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        missing = await client.get(f"/documents/{MISSING}/file.pdf")
        vanished = await client.get(f"/documents/{CERT_DOC}/file.docx")
        bad_name = await client.get(f"/documents/{ORDER_DOC}/file.exe")
    for page in (missing, vanished, bad_name):
        assert page.status_code == 404
        assert "Документ не найден" in page.text
        assert "Сведения не найдены" in page.text
    assert not any(path.endswith("file.exe") for path, _, _ in RECORDER.calls)


async def test_download_without_a_session_goes_to_the_login(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        client.cookies.clear()
        answer = await client.get(f"/documents/{ORDER_DOC}/file.pdf", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")
    assert RECORDER.calls == []
