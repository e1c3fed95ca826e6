"""The bank of best resources across districts on the real stack (issue 12): a teacher of
Yaya writes up her lessons, the methodist returns the draft with a remark, approves the
second edition and passes it to the centre's bank; a methodist of Mariinsk finds it by an
inflected word and downloads the very file; when Yaya withdraws it, it leaves Mariinsk's
copy of the bank too."""

import hashlib
import io
from typing import Any

import httpx
import pytest
from docx import Document

from imc_local.flow import Registered, wait_for
from imc_local.stack import Stack
from imc_shared.auth import Role

pytestmark = pytest.mark.e2e

AUTHOR = "Тихонова Анна Викторовна"
"""Of МБОУ «Яйская СОШ № 2»; other tests use other people."""
TITLE = "Система уроков смыслового чтения в 5–6 классах"


def urls(stack: Stack, code: str) -> dict[str, str]:
    return {k: str(v) for k, v in stack.endpoints()[code]["services"].items()}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


def lessons_docx() -> bytes:
    document = Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(
        "Технологические карты уроков литературы: приёмы смыслового чтения, вопросы к "
        "тексту, задания на формирование читательской грамотности."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_resource_reviewed_in_yaya_is_found_in_mariinsk_and_withdrawn(
    stack: Stack, registered: dict[str, Registered]
) -> None:
    yaya, mariinsk = urls(stack, "yaya")["resources"], urls(stack, "mariinsk")["resources"]
    methodist = httpx.Client(auth=stack.auth("yaya", Role.METHODIST), timeout=60)
    elsewhere = httpx.Client(auth=stack.auth("mariinsk", Role.METHODIST), timeout=60)
    person_id = registered["yaya"].people[AUTHOR]

    def known() -> dict[str, Any] | None:
        people = ok(methodist.get(yaya + "/people", params={"q": "Тихонова"}))
        return next((p for p in people if p["person_id"] == person_id), None)

    author = wait_for("the bank to learn the registry's people", known)
    teacher = httpx.Client(
        auth=stack.auth(
            "yaya",
            Role.TEACHER,
            name=AUTHOR,
            person_id=person_id,
            organisation_id=author["organisation_id"],
        ),
        timeout=60,
    )

    draft = ok(
        teacher.post(
            yaya + "/resources",
            json={
                "title": TITLE,
                "kind": "lesson_plan",
                "licence": "cc_by",
                "summary": "Цикл уроков литературы с приёмами смыслового чтения и заданиями "
                "на читательскую грамотность.",
                "subject": "литература",
                "level": "основное общее образование",
                "tags": ["смысловое чтение", "читательская грамотность"],
            },
        ),
        201,
    )
    content = lessons_docx()
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    renamed_exe = teacher.post(
        f"{yaya}/resources/{draft['id']}/files",
        files={"file": ("karty.docx", b"MZ\x90\x00" + b"\x00" * 60, mime)},
    )
    assert renamed_exe.status_code == 422, renamed_exe.text
    uploaded = ok(
        teacher.post(
            f"{yaya}/resources/{draft['id']}/files",
            files={"file": ("karty-urokov.docx", content, mime)},
        ),
        201,
    )
    submitted = ok(
        teacher.post(
            f"{yaya}/resources/{draft['id']}/submit", json={"version": uploaded["version"]}
        )
    )
    returned = ok(
        methodist.post(
            f"{yaya}/resources/{draft['id']}/return",
            json={
                "version": submitted["version"],
                "comment": "Добавьте в аннотацию, для каких классов материал",
            },
        )
    )
    assert returned["status"] == "returned"
    edited = ok(
        teacher.patch(
            f"{yaya}/resources/{draft['id']}",
            json={
                "version": returned["version"],
                "summary": "Цикл уроков литературы для 5–6 классов с приёмами смыслового "
                "чтения и заданиями на читательскую грамотность.",
            },
        )
    )
    resubmitted = ok(
        teacher.post(f"{yaya}/resources/{draft['id']}/submit", json={"version": edited["version"]})
    )
    approved = ok(
        methodist.post(
            f"{yaya}/resources/{draft['id']}/approve", json={"version": resubmitted["version"]}
        )
    )
    assert approved["status"] == "approved" and approved["revision"] >= 2
    assert len(approved["comments"]) >= 1
    ok(
        methodist.post(
            f"{yaya}/resources/{draft['id']}/share", json={"version": approved["version"]}
        )
    )

    def found() -> dict[str, Any] | None:
        result = ok(elsewhere.get(mariinsk + "/search", params={"q": "урок", "scope": "centre"}))
        return next((h for h in result["items"] if h["resource_id"] == draft["id"]), None)

    hit = wait_for("Mariinsk to find the resource in the centre's bank", found)
    assert hit["author_name"] == AUTHOR
    entry = ok(elsewhere.get(f"{mariinsk}/bank/{draft['id']}"))
    file = entry["files"][0]
    download = elsewhere.get(f"{mariinsk}/bank/{draft['id']}/files/{file['id']}")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(content).hexdigest()
    by_text = ok(
        elsewhere.get(
            mariinsk + "/search", params={"q": "читательской грамотности", "scope": "all"}
        )
    )
    assert any(h["resource_id"] == draft["id"] for h in by_text["items"])

    current = ok(methodist.get(f"{yaya}/resources/{draft['id']}"))
    ok(
        methodist.post(
            f"{yaya}/resources/{draft['id']}/unshare",
            json={"version": current["version"], "reason": "Автор готовит новую редакцию"},
        )
    )
    wait_for("the withdrawal to reach Mariinsk", lambda: found() is None)
    for client in (methodist, elsewhere, teacher):
        client.close()
