"""The applications HTTP API: multipart intake, error shapes, the actor in the audit."""

import json
from datetime import date
from typing import Any

from litestar.testing import AsyncTestClient

from imc_contracts.site_kinds import rules_of

Client = AsyncTestClient[Any]
SCHOOL = "0192f5a0-0000-7000-8000-0000000000a1"
PDF = b"%PDF-1.7 test document"
ACTOR_NAME = "Орлова Татьяна Николаевна"
ACTOR_ID = "0192f5a0-0000-7000-8000-0000000000f1"


def package(*kinds: str) -> dict[str, tuple[str, bytes, str]]:
    return {kind: (f"{kind}.pdf", PDF, "application/pdf") for kind in kinds}


async def test_multipart_submission_with_checklist_and_an_incomplete_package(
    client: Client,
) -> None:
    answers = {item.code: {"met": True} for item in rules_of("osmp").eligibility}
    incomplete = await client.post(
        "/applications",
        data={
            "organisation_id": SCHOOL,
            "topic": "Формирование функциональной грамотности",
            "eligibility": json.dumps(answers),
        },
        files=package("statement"),
    )
    assert incomplete.status_code == 422, incomplete.text
    body = incomplete.json()
    assert body["field"] == "documents"
    assert "информационная справка" in body["message"]
    assert len(body["missing"]) == 2

    draft = await client.post(
        "/applications",
        data={
            "organisation_id": SCHOOL,
            "topic": "Формирование функциональной грамотности",
            "submit": "false",
        },
        files=package("statement", "information_note", "work_plan"),
    )
    assert draft.status_code == 201, draft.text
    assert draft.json()["status"] == "draft"
    assert draft.json()["allowed_actions"] == ["edit", "submit", "withdraw"]
    application = draft.json()

    not_answered = await client.post(
        f"/applications/{application['id']}/submit", json={"version": application["version"]}
    )
    assert not_answered.status_code == 422
    assert "ответ на условие" in not_answered.json()["message"]

    edited = await client.patch(
        f"/applications/{application['id']}",
        files={
            "version": (None, str(application["version"])),
            "eligibility": (None, json.dumps(answers)),
        },
    )
    assert edited.status_code == 200, edited.text
    submitted = await client.post(
        f"/applications/{application['id']}/submit",
        json={"version": edited.json()["version"]},
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["status"] == "submitted"

    illegal = await client.post("/orders", json={"item_id": application["id"]})
    assert illegal.status_code == 404
    stale = await client.post(
        f"/applications/{application['id']}/withdraw", json={"version": application["version"]}
    )
    assert stale.status_code == 409
    assert stale.json()["field"] == "version"
    wrong_state = await client.post(
        f"/applications/{application['id']}/conclusion",
        json={"conclusion": "Заключение написано заранее и подробно.", "recommendation": "assign"},
    )
    assert wrong_state.status_code == 409
    assert wrong_state.json()["state"] == "submitted"
    assert wrong_state.json()["allowed_actions"] == ["return", "start_review", "withdraw"]
    assert "«подана»" in wrong_state.json()["message"]

    trail = await client.get("/audit", params={"application_id": application["id"]})
    assert [r["action"] for r in trail.json()] == ["create", "edit", "submit"]
    assert {r["actor_name"] for r in trail.json()} == {"Орлова Татьяна Николаевна"}
    by_person = await client.get("/audit", params={"actor_id": ACTOR_ID})
    assert len(by_person.json()) == 3
    assert (await client.get("/audit")).status_code == 422


async def test_comment_visibility(client: Client, world: Any) -> None:
    application = await world.apply()
    for text, visibility in (
        ("Приложите справку за два года", "applicant"),
        ("Проверить результаты ВПР", "staff"),
        ("Обсудить на совете", "council"),
    ):
        response = await client.post(
            f"/applications/{application.id}/comments",
            json={"text": text, "visibility": visibility},
        )
        assert response.status_code == 201, response.text

    async def visible(audience: str) -> list[str]:
        response = await client.get(
            f"/applications/{application.id}/comments", params={"audience": audience}
        )
        return [c["text"] for c in response.json()]

    assert await visible("applicant") == ["Приложите справку за два года"]
    assert len(await visible("staff")) == 3
    assert await visible("council") == ["Приложите справку за два года", "Обсудить на совете"]


async def test_daily_checks_over_http_on_a_given_day(client: Client) -> None:
    response = await client.post(
        "/lifecycle/daily-checks", json={"today": date(2030, 1, 1).isoformat()}
    )
    assert response.status_code == 201
    assert response.json() == {"today": "2030-01-01", "warned": 0, "expired": 0, "reminded": 0}
