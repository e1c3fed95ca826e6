"""The registry's HTTP API over its real database: shapes other services rely on."""

import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import msgspec
import pytest
from litestar.di import Provide
from litestar.testing import AsyncTestClient
from openpyxl import Workbook
from structlog.testing import capture_logs

from imc_contracts import ORDER_ISSUED
from imc_contracts.examples import example
from imc_registry.api.controllers import (
    OrganisationController,
    PersonController,
    PublicController,
    SiteController,
    SiteKindController,
    StructureController,
)
from imc_registry.api.schemas import PersonCard
from imc_registry.domain.people import PUBLIC_PERSON_FIELDS
from imc_registry.services import sites
from imc_registry.settings import RegistrySettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox

DISTRICT = "yaya"


Client = AsyncTestClient[Any]
SCHOOL = {
    "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
    "«Яйская средняя общеобразовательная школа № 1»",
    "short_name": "МБОУ «Яйская СОШ № 1»",
    "kind": "school",
    "email": "sosh1@yaya.example.ru",
}


@pytest.fixture
async def client(database: Database, outbox: Outbox) -> AsyncIterator[Client]:
    settings = RegistrySettings(
        service="registry",
        district=DISTRICT,
        database_url=database.url,
        **testing.auth_settings(),
    )
    app = create_http_app(
        [
            OrganisationController,
            PersonController,
            StructureController,
            SiteController,
            PublicController,
            SiteKindController,
        ],
        settings=settings,
        title="Реестр",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "outbox": Provide(lambda: outbox, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.headers.update(testing.bearer(DISTRICT, Role.DISTRICT_ADMIN))
        yield test_client


async def test_organisation_patch_archive_and_filters(client: Client) -> None:
    created = await client.post("/organisations", json=SCHOOL)
    assert created.status_code == 201, created.text
    school = created.json()
    assert school["kind_title"] == "общеобразовательная школа"
    patched = await client.patch(
        f"/organisations/{school['id']}",
        json={"website": "https://sosh1.example.ru", "low_results": True},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["email"] == SCHOOL["email"]  # fields left out stay
    listed = await client.get("/organisations", params={"low_results": "true", "q": "яйская"})
    assert [o["id"] for o in listed.json()] == [school["id"]]
    bad = await client.patch(f"/organisations/{school['id']}", json={"email": "нет почты"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "email"
    archived = await client.post(f"/organisations/{school['id']}/archive")
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    assert (await client.get("/organisations")).json() == []
    assert len((await client.get("/organisations", params={"archived": "true"})).json()) == 1


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:E1")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_import_over_http(client: Client) -> None:
    header = ["Полное наименование", "Краткое наименование", "Тип", "E-mail", "ШНОР"]
    good = [
        "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 1»",
        "Лицей № 1",
        "лицей",
        "l1@yaya.example.ru",
        "да",
    ]
    bad = ["Гимназия", "Гимназия № 2", "гимназия", "почта", ""]
    content = xlsx([["Список организаций"], header, good, bad])
    files = {"file": ("список.xlsx", content, "application/octet-stream")}
    dry = await client.post("/organisations/import", params={"dry_run": "true"}, files=files)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["bad_lines"] == [4]
    assert report["errors"][0]["line"] == 4
    assert report["errors"][0]["column"] == "Электронная почта"
    assert report["imported"] == 0
    assert report["message"].startswith("Найдены ошибки в строках: 4.")
    real = await client.post("/organisations/import", params={"dry_run": "false"}, files=files)
    assert real.status_code == 422
    assert real.json()["imported"] == 0
    clean = xlsx([["Список организаций"], header, good])
    done = await client.post(
        "/organisations/import",
        params={"dry_run": "false"},
        files={"file": ("список.xlsx", clean, "application/octet-stream")},
    )
    assert done.status_code == 200, done.text
    assert done.json()["imported"] == 1
    assert [o["short_name"] for o in (await client.get("/organisations")).json()] == ["Лицей № 1"]

    notes = await client.post(
        "/organisations/import", files={"file": ("заметки.pdf", b"%PDF-1.4 ...", "application/pdf")}
    )
    assert notes.status_code == 422
    assert notes.json()["field"] == "file"
    missing = await client.post("/organisations/import", files={"other": ("a.csv", b"x")})
    assert missing.status_code == 422


async def test_person_card_full_record_and_consent_withdrawal(client: Client) -> None:
    school = (await client.post("/organisations", json=SCHOOL)).json()
    created = await client.post(
        "/people",
        json={
            "full_name": "Иванова Ольга Петровна",
            "position": "учитель математики",
            "staff_group": "teacher",
            "organisation_id": school["id"],
            "qualification_category": "highest",
            "subjects": ["математика"],
            "email": "ivanova@yaya.example.ru",
            "phone": "+7 913 000-00-00",
            "consent_given": True,
            "consent_date": "2026-09-01",
            "consent_document": "согласие № 12 от 01.09.2026",
        },
    )
    assert created.status_code == 201, created.text
    person_id = created.json()["id"]
    card = (await client.get(f"/people/{person_id}/card")).json()
    assert set(card) == {
        "id",
        "full_name",
        "position",
        "staff_group",
        "organisation_id",
        "qualification_category",
        "subjects",
        "email",
    }
    assert [set(c) for c in (await client.get("/people")).json()] == [set(card)]
    with capture_logs() as logs:
        full = (await client.get(f"/people/{person_id}")).json()
    assert full["phone"] == "+7 913 000-00-00"
    assert full["consent"]["document"] == "согласие № 12 от 01.09.2026"
    assert any(e["event"] == "personal data read" and e["person_id"] == person_id for e in logs)
    withdrawn = await client.patch(f"/people/{person_id}", json={"consent_given": False})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["consent"]["given"] is False
    assert withdrawn.json()["organisation_id"] == school["id"]  # left out: unchanged
    moved = await client.patch(
        f"/people/{person_id}", json={"organisation_id": None, "staff_group": "imc_methodist"}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["organisation_id"] is None


async def test_council_members_as_cards(client: Client) -> None:
    ids = []
    for name in ("Кузнецова Марина Ивановна", "Орлова Татьяна Николаевна"):
        response = await client.post(
            "/people",
            json={
                "full_name": name,
                "position": "методист",
                "staff_group": "imc_methodist",
                "phone": "+7 900 000-00-00",
            },
        )
        ids.append(response.json()["id"])
    created = await client.post(
        "/structures",
        json={
            "kind": "methodical_council",
            "title": "Методический совет МБУ «ИМЦ»",
            "head_id": ids[0],
            "members": [{"person_id": ids[1], "role": "секретарь"}],
        },
    )
    assert created.status_code == 201, created.text
    council_id = created.json()["id"]
    listed = (await client.get("/structures", params={"kind": "methodical_council"})).json()
    assert isinstance(listed, list)
    [council] = listed
    assert council["kind_title"] == "методический совет"
    assert council["members_count"] == 2
    assert council["head"]["id"] == ids[0]
    for member in council["members"]:
        assert "phone" not in member["person"]
    assert [m["role"] for m in council["members"]] == ["председатель", "секретарь"]
    removed = await client.delete(f"/structures/{council_id}/members/{ids[1]}")
    assert removed.status_code == 200
    assert removed.json()["members_count"] == 1
    added = await client.post(f"/structures/{council_id}/members", json={"person_id": ids[1]})
    assert added.status_code == 201
    assert (await client.get(f"/structures/{council_id}")).json()["members_count"] == 2


async def test_sites_staff_and_public_catalogue(
    client: Client, database: Database, outbox: Outbox
) -> None:
    school = (await client.post("/organisations", json=SCHOOL)).json()
    order = msgspec.structs.replace(
        example(ORDER_ISSUED).payload, organisation_id=msgspec.convert(school["id"], Any)
    )
    order = msgspec.json.decode(msgspec.json.encode(order), type=type(order))
    direct = Database(database.url)  # the app's connections live in the client's own loop
    try:
        async with direct.transaction() as session:
            await sites.apply_order(
                session,
                outbox,
                DISTRICT,
                ORDER_ISSUED.new(order, district=DISTRICT, source="applications"),
            )
    finally:
        await direct.dispose()
    staff = (await client.get("/sites", params={"kind": "osmp"})).json()
    assert len(staff) == 1
    for field in (
        "id",
        "organisation_short_name",
        "kind",
        "kind_title",
        "status",
        "status_title",
        "topic",
        "term_start",
        "term_end",
        "leader",
        "co_leader",
        "order_number",
        "order_date",
    ):
        assert field in staff[0]
    detail = (await client.get(f"/sites/{order.site_id}")).json()
    assert [h["status"] for h in detail["history"]] == ["active"]
    assert detail["history"][0]["order_number"] == "45-од"
    history = (await client.get(f"/sites/{order.site_id}/history")).json()
    assert history == detail["history"]
    public = (await client.get("/public/sites")).json()
    assert public[0]["leader"] == order.leader.full_name
    assert public[0]["organisation_short_name"] == SCHOOL["short_name"]
    assert "email" not in str(public)
    assert public[0]["term_end"] == date(2028, 10, 14).isoformat()
    assert (await client.get("/sites", params={"status": "expired"})).json() == []


async def test_openapi_schema_and_card_fields(client: Client) -> None:
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200, schema.text
    assert "/organisations/import" in schema.json()["paths"]
    assert PersonCard.__struct_fields__ == PUBLIC_PERSON_FIELDS


async def test_site_kinds_catalogue(client: Client) -> None:
    kinds = (await client.get("/site-kinds")).json()
    assert len(kinds) == 8
    osmp = (await client.get("/site-kinds/osmp")).json()
    assert osmp["leader"]["co_leader_required"] is True
    assert osmp["termination"]["grounds"][0]["title"] == "завершение срока деятельности"
    assert (await client.get("/site-kinds/nothing")).status_code == 404


READER = "0192f5a0-0000-7000-8000-0000000000b7"
SECRETARY_NAME = "Кузнецова Марина Ивановна"


async def _person(client: Client) -> str:
    created = await client.post(
        "/people",
        json={
            "full_name": "Сидоров Пётр Ильич",
            "position": "методист",
            "staff_group": "imc_methodist",
            "phone": "+7 913 111-11-11",
            "consent_given": True,
            "consent_date": "2026-09-01",
            "consent_document": "согласие № 7",
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_no_token_is_refused_but_the_public_catalogue_is_open(client: Client) -> None:
    person_id = await _person(client)
    anonymous = {"Authorization": ""}
    for path in ("/organisations", f"/people/{person_id}/card", "/sites", "/site-kinds"):
        refused = await client.get(path, headers=anonymous)
        assert refused.status_code == 401, path
    forged = await client.get("/organisations", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    assert (await client.post("/organisations", json=SCHOOL, headers=anonymous)).status_code == 401
    assert (await client.get("/public/sites", headers=anonymous)).status_code == 200
    assert (await client.get("/health", headers=anonymous)).status_code == 200


async def test_a_token_of_another_district_is_refused(client: Client) -> None:
    person_id = await _person(client)
    other = testing.bearer("krapivino", Role.DISTRICT_ADMIN)
    for path in ("/organisations", f"/people/{person_id}", f"/people/{person_id}/card"):
        refused = await client.get(path, headers=other)
        assert refused.status_code == 403, path
        assert "другому району" in refused.json()["message"]
    assert (await client.post("/organisations", json=SCHOOL, headers=other)).status_code == 403
    assert (await client.get("/organisations")).json() == []  # nothing was added


async def test_readers_may_read_but_only_staff_change(client: Client) -> None:
    school = (await client.post("/organisations", json=SCHOOL)).json()
    for role in (Role.TEACHER, Role.SCHOOL_REPRESENTATIVE, Role.COUNCIL_MEMBER, Role.SERVICE):
        headers = testing.bearer(DISTRICT, role, organisation_id=None)
        listed = await client.get("/organisations", headers=headers)
        assert listed.status_code == 200, role
        assert [o["id"] for o in listed.json()] == [school["id"]]
    teacher = testing.bearer(DISTRICT, Role.TEACHER)
    refused = await client.post("/organisations", json=SCHOOL, headers=teacher)
    assert refused.status_code == 403
    assert "педагог" in refused.json()["message"]
    assert (
        await client.patch(f"/organisations/{school['id']}", json={"phone": "1"}, headers=teacher)
    ).status_code == 403
    representative = testing.bearer(
        DISTRICT, Role.SCHOOL_REPRESENTATIVE, organisation_id=msgspec.convert(school["id"], Any)
    )
    own_school = await client.post(f"/organisations/{school['id']}/archive", headers=representative)
    assert own_school.status_code == 403  # the registry is kept by the IMC, not the schools
    secretary = testing.bearer(DISTRICT, Role.COUNCIL_SECRETARY)
    council = {"kind": "methodical_council", "title": "Методический совет"}
    assert (await client.post("/structures", json=council, headers=secretary)).status_code == 403
    service = testing.bearer(DISTRICT, Role.SERVICE)
    assert (await client.post("/people", json={}, headers=service)).status_code == 403
    for role in (Role.METHODIST, Role.CENTRE_COORDINATOR):
        changed = await client.patch(
            f"/organisations/{school['id']}",
            json={"phone": "+7 384 412-34-56"},
            headers=testing.bearer(DISTRICT, role),
        )
        assert changed.status_code == 200, role
    assert (await client.get("/organisations")).json()[0]["archived"] is False


async def test_full_record_only_for_staff_and_the_secretary_and_logged_with_reader(
    client: Client,
) -> None:
    person_id = await _person(client)
    for role in (
        Role.TEACHER,
        Role.SCHOOL_REPRESENTATIVE,
        Role.COUNCIL_MEMBER,
        Role.SERVICE,
    ):
        headers = testing.bearer(DISTRICT, role)
        refused = await client.get(f"/people/{person_id}", headers=headers)
        assert refused.status_code == 403, role
        card = await client.get(f"/people/{person_id}/card", headers=headers)
        assert card.status_code == 200, role
        assert "phone" not in card.json()
    for role in (Role.DISTRICT_ADMIN, Role.METHODIST, Role.CENTRE_COORDINATOR):
        full = await client.get(f"/people/{person_id}", headers=testing.bearer(DISTRICT, role))
        assert full.status_code == 200, role
    secretary = testing.bearer(
        DISTRICT, Role.COUNCIL_SECRETARY, name=SECRETARY_NAME, subject=READER
    )
    with capture_logs() as logs:
        full = await client.get(f"/people/{person_id}", headers=secretary)
    assert full.status_code == 200, full.text
    assert full.json()["consent"]["document"] == "согласие № 7"
    [read] = [e for e in logs if e["event"] == "personal data read"]
    assert (read["person_id"], read["reader"], read["reader_name"], read["reader_role"]) == (
        person_id,
        READER,
        SECRETARY_NAME,
        "council_secretary",
    )
