"""The resources HTTP API over a real database (both kinds): uploads and their checks,
the review with comments and revisions, Russian search with inflected forms and filters,
publishing to the centre's bank, and every refusal on the way."""

from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from imc_contracts import BANK_ENTRY_CHANGED, RESOURCE_PUBLISHED, RESOURCE_WITHDRAWN
from imc_shared import testing
from imc_shared.db import Database

pytestmark = pytest.mark.usefixtures("world")
SUMMARY = "Технологическая карта урока с заданиями на формирование функциональной грамотности."


def _body(h: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Технологическая карта урока «Решение текстовых задач на движение»",
        "kind": "lesson_plan",
        "licence": "cc_by",
        "summary": SUMMARY,
        "subject": "математика",
        "level": "основное общее образование",
        "tags": ["функциональная грамотность", "5 класс"],
        "author_person_id": str(h.ANNA),
    }
    return body | overrides


async def _draft(client: Any, h: Any, auth: Any = None, **overrides: Any) -> dict[str, Any]:
    extra = {"auth": auth} if auth is not None else {}
    created = await client.post("/resources", json=_body(h, **overrides), **extra)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def _publish(
    client: Any, h: Any, *, text: str = "", name: str = "материал.txt", **fields: Any
) -> dict[str, Any]:
    """A resource made, reviewed and approved by staff, with one text file."""
    fields.setdefault("summary", "Материал для педагогов района: цели и порядок использования.")
    draft = await _draft(client, h, **fields)
    content = (text or fields.get("title", "Материал")).encode()
    added = await client.post(f"/resources/{draft['id']}/files", **h.upload(name, content))
    assert added.status_code == 201, added.text
    assert (await client.post(f"/resources/{draft['id']}/submit")).status_code == 200
    approved = await client.post(f"/resources/{draft['id']}/approve")
    assert approved.status_code == 200, approved.text
    return dict(approved.json())


async def test_uploads_are_checked_by_size_and_by_their_bytes(client: Any, h: Any) -> None:
    teacher = h.as_teacher(h.ANNA)
    draft = await _draft(client, h, auth=teacher)
    url = f"/resources/{draft['id']}/files"

    async def put(name: str, content: bytes, **data: Any) -> Any:
        return await client.post(url, auth=teacher, **h.upload(name, content, **data))

    exe = await put("Конспект урока.pdf", h.EXE)  # an executable renamed to .pdf
    assert exe.status_code == 422 and exe.json()["field"] == "file"
    assert "исполняемые" in exe.json()["message"]
    assert (await put("setup.exe", h.EXE)).status_code == 422
    archive = await put("Материалы.zip", h.package({"a.txt": b"1"}))
    assert archive.status_code == 422 and "архивы" in archive.json()["message"]
    big = await put("Большой.txt", b"a" * (h.SMALL + 1))
    assert big.status_code == 422 and "больше допустимых 64 КБ" in big.json()["message"]
    mismatch = await put("Конспект.pdf", h.docx_file("Урок"))
    assert mismatch.status_code == 422 and "это файл DOCX" in mismatch.json()["message"]
    video = await put("Урок.mp4", h.mp4_file())
    assert video.status_code == 422 and "видеозапись" in video.json()["message"]
    assert (await client.get(f"/resources/{draft['id']}")).json()["revision"] == 1

    added = await put("Конспект урока.pdf", h.pdf("Конспект урока\nКритериальное оценивание"))
    assert added.status_code == 201, added.text
    resource = added.json()
    assert resource["revision"] == 2
    [pdf] = resource["files"]
    assert (pdf["name"], pdf["type"], pdf["media_type"], pdf["searchable"]) == (
        "Конспект урока.pdf",
        "pdf",
        "application/pdf",
        True,
    )
    stale = await put("Слайды.pptx", h.pptx_file(), version=resource["version"] - 1)
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    for name, content in (
        ("Слайды.pptx", h.pptx_file()),
        ("Таблица.xlsx", h.xlsx_file()),
        ("Текст.odt", h.odt_file()),
        ("Заметки", "Заметки учителя".encode()),
    ):
        assert (await put(name, content)).status_code == 201, name
    twice = await put("Копия.txt", "Заметки учителя".encode())
    assert twice.status_code == 422 and "уже приложен" in twice.json()["message"]
    shown = (await client.get(f"/resources/{draft['id']}", auth=teacher)).json()
    assert [f["type"] for f in shown["files"]] == ["pdf", "pptx", "xlsx", "odt", "txt"]
    assert shown["files"][-1]["name"] == "Заметки.txt"
    assert shown["revision"] == 6

    # A recording takes a video (with its own cap); the kind then cannot drop it.
    changed = await client.patch(
        f"/resources/{draft['id']}", json={"kind": "recording"}, auth=teacher
    )
    assert changed.status_code == 200 and changed.json()["kind_title"].startswith("запись")
    too_long = await put("Урок.mp4", h.mp4_file(h.SMALL // 2 + 1))
    assert too_long.status_code == 422 and "видеозаписи 32 КБ" in too_long.json()["message"]
    assert (await put("Урок.mp4", h.mp4_file(20 * 1024))).status_code == 201
    back = await client.patch(
        f"/resources/{draft['id']}", json={"kind": "lesson_plan"}, auth=teacher
    )
    assert back.status_code == 422 and back.json()["field"] == "kind"
    assert (await put("Ещё.txt", b"a" * (h.SMALL - 100))).status_code == 201
    over = await put("И ещё.txt", b"b" * (h.SMALL - 100))
    assert over.status_code == 422 and "превысят 128 КБ" in over.json()["message"]

    download = await client.get(f"/resources/{draft['id']}/files/{pdf['id']}", auth=teacher)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert download.headers["x-checksum-sha256"] == pdf["sha256"]
    assert "filename*=UTF-8''" in download.headers["content-disposition"]
    removed = await client.delete(f"/resources/{draft['id']}/files/{pdf['id']}", auth=teacher)
    assert removed.status_code == 200, removed.text
    assert pdf["id"] not in {f["id"] for f in removed.json()["files"]}
    # The removed file stays with the revisions that had it (for who sees the draft).
    revisions = (await client.get(f"/resources/{draft['id']}/revisions", auth=teacher)).json()
    assert revisions[0]["note"] == "удалён файл «Конспект урока.pdf»"
    assert any(pdf["id"] in {f["id"] for f in r["files"]} for r in revisions[1:])
    old = await client.get(f"/resources/{draft['id']}/files/{pdf['id']}", auth=teacher)
    assert old.status_code == 200


async def test_review_with_comments_revisions_and_the_council(client: Any, h: Any) -> None:
    teacher = h.as_teacher(h.ANNA)
    body = _body(h, summary="Кратко")
    body.pop("author_person_id")
    created = await client.post("/resources", json=body, auth=teacher)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["author_name"], draft["organisation_id"], draft["organisation_name"]) == (
        "Андреева Анна Петровна",
        str(h.SCHOOL_1),
        "МБОУ «Яйская СОШ № 1»",
    )
    assert draft["status"] == "draft" and draft["actions"] == ["comment", "edit", "submit"]
    url = f"/resources/{draft['id']}"
    no_file = await client.post(f"{url}/submit", auth=teacher)
    assert no_file.status_code == 422 and no_file.json()["field"] == "summary"
    await client.patch(url, json={"summary": SUMMARY}, auth=teacher)
    no_file = await client.post(f"{url}/submit", auth=teacher)
    assert no_file.status_code == 422 and no_file.json()["field"] == "files"
    await client.post(
        f"{url}/files", auth=teacher, **h.upload("Карта урока.docx", h.docx_file("Ход урока"))
    )
    submitted = await client.post(
        f"{url}/submit", json={"comment": "Прошу провести экспертизу"}, auth=teacher
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["actions"] == ["comment"]
    locked = await client.patch(url, json={"title": "Новое название урока"}, auth=teacher)
    assert locked.status_code == 409 and "на экспертизе" in locked.json()["message"]

    assert (await client.post(f"{url}/return", json={"comment": ""})).status_code == 422
    returned = await client.post(
        f"{url}/return", json={"comment": "Добавьте критерии оценивания к заданиям"}
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    seen = (await client.get(url, auth=teacher)).json()
    assert [(c["action"], c["author_role"]) for c in seen["comments"]] == [
        ("created", "teacher"),
        ("submitted", "teacher"),
        ("returned", "methodist"),
    ]
    assert seen["comments"][-1]["text"] == "Добавьте критерии оценивания к заданиям"
    assert seen["comments"][-1]["author_name"] == "Лаптева Светлана Николаевна"
    revision = seen["revision"]
    edited = await client.patch(
        url,
        json={"summary": SUMMARY + " Добавлены критерии оценивания.", "version": seen["version"]},
        auth=teacher,
    )
    assert edited.status_code == 200 and edited.json()["revision"] == revision + 1
    stale = await client.patch(
        url, json={"title": "Другое название урока", "version": seen["version"]}, auth=teacher
    )
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    same = await client.patch(url, json={"subject": "математика"}, auth=teacher)
    assert same.json()["revision"] == revision + 1  # nothing changed: no new revision
    reply = await client.post(
        f"{url}/comments", json={"text": "Критерии добавлены в аннотацию"}, auth=teacher
    )
    assert reply.status_code == 201
    assert (await client.post(f"{url}/submit", auth=teacher)).json()["status"] == "submitted"

    secretary = h.as_role("council_secretary", name="Секретарь Петрова")
    assert (await client.get(url, auth=secretary)).status_code == 403
    assert (await client.post(f"{url}/approve", auth=secretary)).status_code == 403
    assert (await client.post(f"{url}/refer", auth=secretary)).status_code == 403
    referred = await client.post(f"{url}/refer", json={"comment": "На заседание совета"})
    assert referred.status_code == 200 and referred.json()["council_review"] is True
    listed = (await client.get("/resources", auth=secretary)).json()
    assert [r["id"] for r in listed] == [draft["id"]]
    no_protocol = await client.post(f"{url}/approve", auth=secretary)
    assert no_protocol.status_code == 422 and no_protocol.json()["field"] == "protocol_number"
    approved = await client.post(
        f"{url}/approve",
        json={"protocol_number": "3", "protocol_date": "2027-03-12", "comment": "Рекомендовать"},
        auth=secretary,
    )
    assert approved.status_code == 200, approved.text
    published = approved.json()
    assert published["status"] == "approved"
    assert published["status_title"] == "одобрен и опубликован"
    assert published["reviewed_by"] == "методический совет, протокол № 3 от 12.03.2027"
    assert published["published_at"] is not None
    assert (await client.post(f"{url}/approve")).status_code == 409

    # Published: every role reads it, the review's comments stay with who worked on it.
    reader = await client.get(url, auth=h.as_teacher(h.BORIS))
    assert reader.status_code == 200 and reader.json()["comments"] == []
    assert reader.json()["actions"] == []
    member = await client.get(url, auth=h.as_role("council_member"))
    assert member.status_code == 200
    file_id = published["files"][0]["id"]
    assert (
        await client.get(f"{url}/files/{file_id}", auth=h.as_role("council_member"))
    ).status_code == 200
    revisions = (await client.get(f"{url}/revisions", auth=teacher)).json()
    assert [r["number"] for r in revisions] == list(range(published["revision"], 0, -1))
    assert revisions[-1]["note"] == "создан черновик"
    assert (await client.get(f"{url}/revisions", auth=h.as_teacher(h.BORIS))).status_code == 403
    actions = [c["action"] for c in (await client.get(url)).json()["comments"]]
    assert actions == [
        "created",
        "submitted",
        "returned",
        "comment",
        "submitted",
        "referred",
        "approved",
    ]
    found = await client.get("/search", params={"q": "урок"})
    assert found.status_code == 200, found.text
    assert [i["resource_id"] for i in found.json()["items"]] == [draft["id"]], found.text

    # A new edition: a draft again, off the bank until approved again.
    reopened = await client.post(f"{url}/reopen", auth=teacher)
    assert reopened.status_code == 200 and reopened.json()["status"] == "draft"
    assert (await client.get(url, auth=h.as_teacher(h.BORIS))).status_code == 403
    assert (await client.get("/search", params={"q": "урок"})).json()["total"] == 0


async def test_access_refusals(client: Any, h: Any) -> None:
    teacher = h.as_teacher(h.ANNA)
    other = await client.post(
        "/resources", json=_body(h, author_person_id=str(h.BORIS)), auth=teacher
    )
    assert other.status_code == 403 and "от своего имени" in other.json()["message"]
    foreign = await client.post(
        "/resources", json=_body(h, author_person_id=str(h.ANNA)), auth=h.as_school(h.SCHOOL_2)
    )
    assert foreign.status_code == 403
    no_author = await client.post(
        "/resources", json=_body(h, author_person_id=None), auth=h.as_school(h.SCHOOL_2)
    )
    assert no_author.status_code == 422 and no_author.json()["field"] == "author_person_id"
    school_own = await client.post(
        "/resources", json=_body(h, author_person_id=str(h.VERA)), auth=h.as_school(h.SCHOOL_2)
    )
    assert school_own.status_code == 201
    assert school_own.json()["organisation_id"] == str(h.SCHOOL_2)
    for role in ("council_member", "council_secretary"):
        refused = await client.post("/resources", json=_body(h), auth=h.as_role(role))
        assert refused.status_code == 403
    bad = await client.post("/resources", json=_body(h, licence="gpl", level="вуз"))
    assert bad.status_code == 422 and bad.json()["field"] == "level"
    external = await client.post(
        "/resources", json=_body(h, author_person_id=None, author_name="Иванов И. И.")
    )
    assert external.status_code == 201 and external.json()["author_person_id"] is None

    draft = await _draft(client, h, auth=teacher)
    url = f"/resources/{draft['id']}"
    await client.post(f"{url}/files", auth=teacher, **h.upload("План.txt", "План урока".encode()))
    file_id = (await client.get(url)).json()["files"][0]["id"]
    for auth in (h.as_teacher(h.BORIS), h.as_school(h.SCHOOL_2), h.as_role("council_member")):
        assert (await client.get(url, auth=auth)).status_code == 403
        assert (await client.get(f"{url}/files/{file_id}", auth=auth)).status_code == 403
        changed = await client.patch(url, json={"title": "Чужое название"}, auth=auth)
        assert changed.status_code == 403
    school = h.as_school(h.SCHOOL_1)
    assert (await client.get(url, auth=school)).status_code == 200
    assert (await client.patch(url, json={"tags": ["фгос"]}, auth=school)).status_code == 200
    assert (await client.get("/resources", auth=h.as_role("council_member"))).status_code == 403
    mine = (await client.get("/resources", auth=h.as_teacher(h.BORIS))).json()
    assert mine == []
    assert {r["id"] for r in (await client.get("/resources", auth=school)).json()} == {draft["id"]}

    await client.post(f"{url}/submit", auth=teacher)
    assert (await client.post(f"{url}/approve", auth=teacher)).status_code == 403
    assert (
        await client.post(f"{url}/return", json={"comment": "Замечание"}, auth=school)
    ).status_code == 403
    await client.post(f"{url}/approve")
    for action, body in (("share", None), ("withdraw", {"reason": "Устарел"})):
        refused = await client.post(f"{url}/{action}", json=body, auth=teacher)
        assert refused.status_code == 403
    assert (await client.get("/search", auth=h.as_role("service"))).status_code == 200
    elsewhere = await client.get("/search", headers=testing.bearer("tisul", "methodist"), auth=None)
    assert elsewhere.status_code == 403


async def test_search_in_russian_with_inflected_forms_and_filters(client: Any, h: Any) -> None:
    a = await _publish(
        client,
        h,
        title="Технологическая карта урока математики",
        text="Решение задач на движение. Самостоятельная работа.",
        tags=["функциональная грамотность"],
    )
    b = await _publish(
        client,
        h,
        title="Критериальное оценивание на уроках истории",
        text="Памятка для учителя",
        kind="methodical",
        subject="История",
        level="среднее общее образование",
        tags=["оценивание"],
    )
    c = await _publish(
        client,
        h,
        title="Сборник задач по физике",
        summary="Задачи для подготовки к основному государственному экзамену.",
        text="Материал для занятий: уроки решения расчётных задач",
        kind="other",
        subject="физика",
        tags=[],
    )
    d = await _publish(
        client,
        h,
        title="Программа внеурочной деятельности «Юный исследователь»",
        text="Система оценивания результатов обучающихся",
        kind="programme",
        tags=[],
    )
    unpublished = await _draft(client, h, title="Урок, который ещё не опубликован")

    async def ids(**params: Any) -> list[str]:
        found = await client.get("/search", params=params, auth=h.as_teacher(h.VERA, h.SCHOOL_2))
        assert found.status_code == 200, found.text
        return [i["resource_id"] for i in found.json()["items"]]

    # Title matches rank above matches in the annotation and the text.
    # (a tie: the newer first)
    for form in ("урок", "уроков", "уроки", "Уроком"):
        assert await ids(q=form) == [b["id"], a["id"], c["id"]], form
    assert unpublished["id"] not in await ids(q="урок")
    for form in ("оценивание", "оценивания", "ОЦЕНИВАНИЮ"):
        assert await ids(q=form) == [b["id"], d["id"]], form
    for form in ("задача", "задачи", "задач"):
        assert await ids(q=form) == [c["id"], a["id"]], form
    assert await ids(q="урок математики") == [a["id"]]
    assert await ids(q="урок биологии") == []
    assert await ids(q="урок", subject="Математика") == [a["id"]]
    assert await ids(q="урок", kind="methodical") == [b["id"]]
    assert await ids(level="среднее общее образование") == [b["id"]]
    assert await ids(tag="Функциональная  грамотность") == [a["id"]]
    assert await ids(kind="programme") == [d["id"]]
    assert len(await ids()) == 4
    assert await ids(q="урок", scope="centre") == []
    assert len(await ids(q="урок", scope="own")) == 3
    result = (await client.get("/search", params={"q": "уроков", "limit": 1})).json()
    assert result["total"] == 3 and len(result["items"]) == 1
    assert result["stems"] == ["урок"]
    hit = result["items"][0]
    assert hit["source"] == "own" and hit["licence_title"].startswith("CC BY 4.0")
    assert hit["score"] == 100
    bad = await client.get("/search", params={"scope": "everything"})
    assert bad.status_code == 422 and bad.json()["field"] == "scope"
    assert (await client.get("/subjects")).json() == ["История", "математика", "физика"]


async def test_publishing_to_the_centres_bank(
    client: Any, h: Any, database: Database, settings: Any
) -> None:
    resource = await _publish(
        client, h, title="Технологическая карта урока математики", text="Ход урока: задачи"
    )
    url = f"/resources/{resource['id']}"
    assert "share" in resource["actions"]
    shared = await client.post(f"{url}/share")
    assert shared.status_code == 200, shared.text
    assert shared.json()["bank"]["status"] == "shared" and shared.json()["bank"]["version"] == 1
    [published] = await h.sent(database, RESOURCE_PUBLISHED)
    assert published.version == 1 and published.title == resource["title"]
    assert published.licence == "CC BY 4.0" and published.kind == "lesson_plan"
    assert published.author_name == "Андреева Анна Петровна"
    assert published.organisation_name == "МБОУ «Яйская СОШ № 1»"
    assert published.reviewed_by == "Лаптева Светлана Николаевна, методист"
    assert published.text == "Ход урока: задачи"
    [carried] = published.files
    assert carried.content == "Ход урока: задачи".encode() and carried.name == "материал.txt"
    again = await client.post(f"{url}/share")
    assert again.status_code == 200 and len(await h.sent(database, RESOURCE_PUBLISHED)) == 1

    unshared = await client.post(f"{url}/unshare", json={"reason": "Материал устарел"})
    assert unshared.json()["bank"]["status"] == "withdrawn"
    assert (await client.post(f"{url}/unshare", json={"reason": "Ещё раз"})).status_code == 409
    assert (await client.get(url)).json()["status"] == "approved"  # still in the district
    assert (await client.post(f"{url}/share")).json()["bank"]["version"] == 3

    # A new edition: the centre keeps the old one until it is shared again.
    await client.post(f"{url}/reopen")
    await client.patch(url, json={"title": "Технологическая карта урока (новая редакция)"})
    await client.post(f"{url}/submit")
    edition = (await client.post(f"{url}/approve")).json()
    assert edition["bank"]["outdated"] is True
    assert (await client.post(f"{url}/share")).json()["bank"]["version"] == 4
    withdrawn = await client.post(f"{url}/withdraw", json={"reason": "Нарушены авторские права"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert [p.version for p in await h.sent(database, RESOURCE_PUBLISHED)] == [1, 3, 4]
    assert [(w.version, w.reason) for w in await h.sent(database, RESOURCE_WITHDRAWN)] == [
        (2, "Материал устарел"),
        (5, "Нарушены авторские права"),
    ]
    assert (await client.get("/search", params={"q": "урок"})).json()["total"] == 0
    assert (await client.post(f"{url}/share")).status_code == 409

    # Too large to carry, or a district not linked to a centre: refused, nothing sent.
    big = await _publish(client, h, title="Большой сборник задач", text="задачи " * 5000)
    small = msgspec.structs.replace(settings, max_share_bytes=1024)
    alone = msgspec.structs.replace(settings, centre_upstream="")
    for variant, status, word in (
        (small, 422, "передаётся не больше 1 КБ"),
        (alone, 409, "не подключён"),
    ):
        own = Database(database.url)
        async with AsyncTestClient(h.make_app(own, variant)) as other:
            other.auth = h.as_role("methodist")
            refused = await other.post(f"/resources/{big['id']}/share")
            assert refused.status_code == status and word in refused.json()["message"], refused.text
            if variant is alone:
                assert (await other.get("/vocabulary")).json()["federated"] is False
        await own.dispose()
    assert len(await h.sent(database, RESOURCE_PUBLISHED)) == 3


async def test_the_centres_own_resources_go_straight_into_its_bank(
    centre_client: Any, h: Any, database: Database
) -> None:
    resource = await _publish(
        centre_client,
        h,
        title="Методические рекомендации по подготовке к ГИА",
        text="Рекомендации учителям",
        kind="methodical",
        author_person_id=None,
        author_name="Кузнецова Ирина Викторовна",
    )
    shared = await centre_client.post(f"/resources/{resource['id']}/share")
    assert shared.status_code == 200, shared.text
    assert shared.json()["bank"]["confirmed_version"] == 1
    [change] = await h.sent(database, BANK_ENTRY_CHANGED)
    assert (change.origin_district, change.origin_district_name, change.status) == (
        h.CENTRE,
        h.CENTRE_NAME,
        "published",
    )
    assert change.resource.files[0].content == "Рекомендации учителям".encode()
    entry = (await centre_client.get(f"/bank/{resource['id']}")).json()
    assert entry["own"] is True and entry["status"] == "published"
    # Found once in «all» (own and bank), once in each scope.
    for scope in ("own", "centre", "all"):
        found = (
            await centre_client.get("/search", params={"q": "рекомендация", "scope": scope})
        ).json()
        assert [(i["resource_id"], i["source"]) for i in found["items"]] == [
            (resource["id"], "centre" if scope == "centre" else "own")
        ], scope
    teacher = testing.auth(h.CENTRE, "teacher")
    assert (
        await centre_client.post(
            f"/bank/{resource['id']}/withdraw", json={"reason": "Не годится"}, auth=teacher
        )
    ).status_code == 403
    moderated = await centre_client.post(
        f"/bank/{resource['id']}/withdraw", json={"reason": "Заменён новыми рекомендациями"}
    )
    assert moderated.status_code == 200 and moderated.json()["status"] == "withdrawn"
    changes = await h.sent(database, BANK_ENTRY_CHANGED)
    assert [(c.status, c.version) for c in changes] == [("published", 1), ("withdrawn", 1)]
    own = (await centre_client.get(f"/resources/{resource['id']}")).json()
    assert own["bank"]["status"] == "withdrawn" and own["bank"]["centre_status"] == "withdrawn"
    assert (await centre_client.post(f"/resources/{resource['id']}/share")).json()["bank"][
        "version"
    ] == 2
    assert (await centre_client.get("/bank")).json()[0]["status"] == "published"
