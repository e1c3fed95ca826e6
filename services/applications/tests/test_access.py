"""Who may do what over HTTP: tokens, roles, a school's own organisation, and the actor
the audit trail takes from the token (never from a header a client sets itself)."""

import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from imc_applications.services import sites
from imc_applications.services.registry_client import OrganisationCard, RegistryClient
from imc_contracts.site_kinds import rules_of
from imc_shared import testing
from imc_shared.auth import Role, TokenVerifier, service_auth

Client = AsyncTestClient[Any]
World = Any  # the fixture of conftest.py
DISTRICT = "yaya"
SCHOOL = UUID("0192f5a0-0000-7000-8000-0000000000a1")
OTHER_SCHOOL = UUID("0192f5a0-0000-7000-8000-0000000000a2")
PDF = b"%PDF-1.7 test document"
REPRESENTATIVE = "Иванова Ольга Петровна"
REPRESENTATIVE_ID = "0192f5a0-0000-7000-8000-0000000000c3"
FOREIGN = "Представитель образовательной организации может работать только"


def token(role: Role, **claims: Any) -> dict[str, str]:
    return testing.bearer(DISTRICT, role, **claims)


def representative(organisation: UUID = SCHOOL, **claims: Any) -> dict[str, str]:
    claims.setdefault("name", REPRESENTATIVE)
    claims.setdefault("subject", REPRESENTATIVE_ID)
    return token(Role.SCHOOL_REPRESENTATIVE, organisation_id=organisation, **claims)


def application_form(organisation: UUID, submit: bool = True) -> dict[str, Any]:
    answers = {item.code: {"met": True} for item in rules_of("osmp").eligibility}
    return {
        "data": {
            "organisation_id": str(organisation),
            "topic": "Формирование функциональной грамотности",
            "eligibility": msgspec.json.encode(answers).decode(),
            "submit": "true" if submit else "false",
        },
        "files": {
            kind: (f"{kind}.pdf", PDF, "application/pdf")
            for kind in ("statement", "information_note", "work_plan")
        },
    }


async def trail(client: Client, application_id: Any) -> list[dict[str, Any]]:
    response = await client.get("/audit", params={"application_id": str(application_id)})
    assert response.status_code == 200, response.text
    return list(response.json())


@pytest.fixture
def other_school(world: World) -> UUID:
    world.registry.organisations[OTHER_SCHOOL] = OrganisationCard(
        id=OTHER_SCHOOL,
        full_name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская основная общеобразовательная школа № 2»",
        short_name="МБОУ «Яйская ООШ № 2»",
        email="oosh2@yaya.example.ru",
    )
    return OTHER_SCHOOL


async def test_no_token_or_a_bad_one_is_401(client: Client) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer garbage"}):
        assert (await client.get("/applications", headers=headers)).status_code == 401
        refused = await client.post(
            "/applications", headers=headers, **application_form(SCHOOL, submit=False)
        )
        assert refused.status_code == 401
        assert refused.json()["error"] == "unauthenticated"
    assert (await client.get("/applications")).json() == []  # nothing was created
    assert (await client.get("/health", headers={"Authorization": ""})).status_code == 200


async def test_a_token_of_another_district_is_403(client: Client, world: World) -> None:
    application = await world.apply()
    stranger = testing.bearer("mariinsk", Role.DISTRICT_ADMIN)
    for path in ("/applications", f"/applications/{application.id}", "/audit"):
        refused = await client.get(path, headers=stranger)
        assert refused.status_code == 403, path
        assert "другому району" in refused.json()["message"]
    withdrawn = await client.post(
        f"/applications/{application.id}/withdraw",
        json={"version": application.version, "reason": "Передумали"},
        headers=stranger,
    )
    assert withdrawn.status_code == 403
    shown = await client.get(f"/applications/{application.id}")
    assert shown.json()["status"] == "submitted"


async def test_a_teacher_reads_only_and_only_their_school(
    client: Client, world: World, other_school: UUID
) -> None:
    application = await world.apply()
    teacher = token(Role.TEACHER, organisation_id=SCHOOL)
    refused = await client.post(
        "/applications", headers=teacher, **application_form(SCHOOL, submit=False)
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == "Роль «педагог» не даёт права на это действие"
    for path, body in (
        (f"/applications/{application.id}/comments", {"text": "Вопрос", "visibility": "applicant"}),
        (f"/applications/{application.id}/withdraw", {"version": application.version}),
        ("/meetings", {"held_on": "2026-10-14", "place": "пгт Яя"}),
    ):
        assert (await client.post(path, json=body, headers=teacher)).status_code == 403, path
    for path in (
        "/audit",
        "/meetings",
        "/reports/late",
        f"/applications/{application.id}/comments",
    ):
        assert (await client.get(path, headers=teacher)).status_code == 403, path
    own = await client.get("/applications", headers=teacher)
    assert [a["id"] for a in own.json()] == [str(application.id)]
    elsewhere = token(Role.TEACHER, organisation_id=other_school)
    assert (await client.get("/applications", headers=elsewhere)).json() == []
    foreign = await client.get(f"/applications/{application.id}", headers=elsewhere)
    assert foreign.status_code == 403
    for path in ("/sites", "/orders"):
        assert (await client.get(path, headers=elsewhere)).status_code == 200, path


async def test_a_school_representative_applies_for_their_own_school_only(
    client: Client, world: World, other_school: UUID
) -> None:
    created = await client.post(
        "/applications", headers=representative(), **application_form(SCHOOL, submit=False)
    )
    assert created.status_code == 201, created.text
    draft = created.json()
    submitted = await client.post(
        f"/applications/{draft['id']}/submit",
        json={"version": draft["version"]},
        headers=representative(),
    )
    assert submitted.status_code == 201, submitted.text

    foreign = await client.post(
        "/applications", headers=representative(), **application_form(other_school)
    )
    assert foreign.status_code == 403
    assert foreign.json()["message"].startswith(FOREIGN)
    assert foreign.json()["error"] == "forbidden"

    # The representative of the other school reaches nothing of this application.
    stranger = representative(other_school)
    application_id = draft["id"]
    for method, path, kwargs in (
        ("GET", f"/applications/{application_id}", {}),
        ("GET", f"/applications/{application_id}/comments", {}),
        ("PATCH", f"/applications/{application_id}", {"files": {"topic": (None, "Чужая тема")}}),
        ("POST", f"/applications/{application_id}/submit", {"json": {}}),
        ("POST", f"/applications/{application_id}/withdraw", {"json": {"reason": "Чужая"}}),
        (
            "POST",
            f"/applications/{application_id}/comments",
            {"json": {"text": "Чужой комментарий", "visibility": "applicant"}},
        ),
    ):
        response = await client.request(method, path, headers=stranger, **kwargs)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["message"].startswith(FOREIGN)
    assert (await client.get("/applications", headers=stranger)).json() == []
    mine = await client.get("/applications", headers=representative())
    assert [a["id"] for a in mine.json()] == [application_id]
    everything = await client.get("/applications")
    assert [a["status"] for a in everything.json()] == ["submitted"]
    assert [r["action"] for r in await trail(client, application_id)] == ["create", "submit"]

    unbound = token(Role.SCHOOL_REPRESENTATIVE)
    nobody = await client.get("/applications", headers=unbound)
    assert nobody.status_code == 403
    assert "не указана образовательная организация" in nobody.json()["message"]


async def test_review_orders_and_audit_are_for_staff(client: Client, world: World) -> None:
    application = await world.apply()
    for role in (Role.SCHOOL_REPRESENTATIVE, Role.COUNCIL_SECRETARY, Role.SERVICE):
        headers = token(role, organisation_id=SCHOOL)
        for path, body in (
            (
                f"/applications/{application.id}/return",
                {"version": application.version, "comment": "Нет справки"},
            ),
            (
                f"/applications/{application.id}/review",
                {"version": application.version, "reviewer_id": str(world.methodist)},
            ),
            ("/orders", {"item_id": str(uuid4())}),
            ("/lifecycle/daily-checks", {}),
        ):
            response = await client.post(path, json=body, headers=headers)
            assert response.status_code == 403, (role, path)
        audit = await client.get(
            "/audit", params={"application_id": str(application.id)}, headers=headers
        )
        assert audit.status_code == 403, role
    methodist = token(Role.METHODIST, name="Петрова Анна Сергеевна", subject=str(world.methodist))
    reviewed = await client.post(
        f"/applications/{application.id}/review",
        json={"version": application.version, "reviewer_id": str(world.methodist)},
        headers=methodist,
    )
    assert reviewed.status_code == 201, reviewed.text
    [*_, last] = await trail(client, application.id)
    assert (last["action"], last["actor_name"], last["actor_id"]) == (
        "start_review",
        "Петрова Анна Сергеевна",
        str(world.methodist),
    )


async def test_the_council_secretary_keeps_the_meetings(client: Client, world: World) -> None:
    member = token(Role.COUNCIL_MEMBER)
    plan = {"held_on": "2026-10-14", "place": "пгт Яя, ул. Школьная, 1"}
    assert (await client.post("/meetings", json=plan, headers=member)).status_code == 403
    assert (await client.get("/meetings", headers=member)).status_code == 200
    secretary = token(Role.COUNCIL_SECRETARY, name="Кузнецова Марина Ивановна")
    planned = await client.post("/meetings", json=plan, headers=secretary)
    assert planned.status_code == 201, planned.text
    meeting = planned.json()
    present = [str(p) for p in world.registry.council[:4]]
    attendance = await client.post(
        f"/meetings/{meeting['id']}/attendance",
        json={
            "version": meeting["version"],
            "present": present,
            "chair_id": present[0],
            "secretary_id": present[1],
        },
        headers=secretary,
    )
    assert attendance.status_code == 201, attendance.text
    closed = await client.post(f"/meetings/{meeting['id']}/close", json={}, headers=member)
    assert closed.status_code == 403
    assert (
        await client.get("/meetings", headers=token(Role.SCHOOL_REPRESENTATIVE))
    ).status_code == 403


async def test_comments_stay_within_the_audience_of_the_role(client: Client, world: World) -> None:
    application = await world.apply()
    path = f"/applications/{application.id}/comments"
    for text, visibility in (("Для заявителя", "applicant"), ("Для ИМЦ", "staff")):
        assert (
            await client.post(path, json={"text": text, "visibility": visibility})
        ).status_code == 201
    member = token(Role.COUNCIL_MEMBER, name="Член Совета 1")
    assert (
        await client.post(
            path, json={"text": "Для совета", "visibility": "council"}, headers=member
        )
    ).status_code == 201
    assert (
        await client.post(path, json={"text": "Тайное", "visibility": "staff"}, headers=member)
    ).status_code == 403
    assert (await client.get(path, params={"audience": "staff"}, headers=member)).status_code == 403
    council = await client.get(path, params={"audience": "council"}, headers=member)
    assert [c["text"] for c in council.json()] == ["Для заявителя", "Для совета"]
    assert council.json()[1]["author"] == "Член Совета 1"

    school = representative()
    assert (
        await client.get(path, params={"audience": "council"}, headers=school)
    ).status_code == 403
    assert (
        await client.post(
            path, json={"text": "Для совета", "visibility": "council"}, headers=school
        )
    ).status_code == 403
    answered = await client.post(
        path, json={"text": "Справку приложим", "visibility": "applicant"}, headers=school
    )
    assert answered.status_code == 201, answered.text
    seen = await client.get(path, headers=school)
    assert [c["text"] for c in seen.json()] == ["Для заявителя", "Справку приложим"]
    assert seen.json()[1]["author"] == REPRESENTATIVE
    everything = await client.get(path, params={"audience": "staff"})
    assert len(everything.json()) == 4


async def test_reports_are_handed_in_by_their_own_school(
    client: Client, world: World, other_school: UUID
) -> None:
    application = await world.review(await world.apply())
    meeting = await world.meeting(date(2026, 10, 14))
    meeting = await world.put(
        meeting,
        type="application",
        application_id=application.id,
        term_months=24,
        leader_id=world.leader,
        co_leader_id=world.methodist,
    )
    meeting = await world.vote(meeting, meeting.items[0], 4)
    meeting = await world.close(meeting)
    order = await world.order(meeting.items[0].id, date(2026, 10, 15))
    site = await sites.get_site(database=world.database, district=DISTRICT, site_id=order.site_id)
    report = site.reports[0]
    path = f"/sites/{site.id}/reports/{report.id}"
    upload = {"file": ("отчёт.pdf", PDF, "application/pdf")}
    teacher = token(Role.TEACHER, organisation_id=SCHOOL)
    assert (await client.post(path, files=upload, headers=teacher)).status_code == 403
    foreign = await client.post(path, files=upload, headers=representative(other_school))
    assert foreign.status_code == 403
    assert foreign.json()["message"].startswith(FOREIGN)
    handed = await client.post(path, files=upload, headers=representative())
    assert handed.status_code == 201, handed.text
    assert handed.json()["status"] == "submitted"
    audit = await client.get("/audit", params={"site_id": str(site.id)})
    [entry] = [r for r in audit.json() if r["action"] == "submit_report"]
    assert (entry["actor_name"], entry["actor_id"]) == (REPRESENTATIVE, REPRESENTATIVE_ID)


async def test_the_audit_actor_is_the_token_not_a_header(client: Client, world: World) -> None:
    forged = {
        "X-IMC-Actor": quote("Подставной Пользователь"),
        "X-IMC-Actor-Id": str(uuid4()),
    }
    created = await client.post(
        "/applications",
        headers={**representative(), **forged},
        **application_form(SCHOOL, submit=False),
    )
    assert created.status_code == 201, created.text
    application = created.json()
    nameless = token(
        Role.SCHOOL_REPRESENTATIVE, organisation_id=SCHOOL, name="", subject="portal-account-7"
    )
    withdrawn = await client.post(
        f"/applications/{application['id']}/withdraw",
        json={"version": application["version"], "reason": "Школа передумала"},
        headers={**nameless, **forged},
    )
    assert withdrawn.status_code == 201, withdrawn.text
    entries = await trail(client, application["id"])
    assert [(e["action"], e["actor_name"], e["actor_id"]) for e in entries] == [
        ("create", REPRESENTATIVE, REPRESENTATIVE_ID),
        ("withdraw", "представитель образовательной организации", None),
    ]
    by_forged = await client.get("/audit", params={"actor_id": forged["X-IMC-Actor-Id"]})
    assert by_forged.json() == []


@pytest.fixture
def registry_stub() -> Iterator[tuple[str, list[str]]]:
    """A registry answering one organisation and recording the Authorization headers."""
    seen: list[str] = []
    body = msgspec.json.encode(
        {
            "id": str(SCHOOL),
            "full_name": "МБОУ «Яйская СОШ № 1»",
            "short_name": "Яйская СОШ № 1",
            "email": "sosh1@yaya.example.ru",
        }
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


async def test_the_registry_client_signs_its_calls_as_the_service(
    registry_stub: tuple[str, list[str]],
) -> None:
    url, seen = registry_stub
    signing_key = testing.auth_settings()["auth_signing_key"]
    client = RegistryClient(url, auth=service_auth(signing_key, "applications", DISTRICT))
    card = await client.organisation(SCHOOL)
    await client.organisation(SCHOOL)
    assert card.short_name == "Яйская СОШ № 1"
    assert len(seen) == 2 and all(header.startswith("Bearer ") for header in seen)
    scheme, _, raw = seen[0].partition(" ")
    assert scheme == "Bearer"
    principal = TokenVerifier(testing.public_keys()).verify(raw)
    assert (principal.role, principal.district, principal.subject) == (
        Role.SERVICE,
        DISTRICT,
        "applications",
    )
    unsigned = RegistryClient(url)
    await unsigned.organisation(SCHOOL)
    assert seen[-1] == ""
