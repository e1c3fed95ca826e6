"""What the resources service does with the messages it consumes, through the real inbox,
on both databases: the centre's fold of its districts' publications (origin by the link,
highest version, withdrawal, repeats), a district's copy of the centre's bank, the
results draft of a site whose term ended, resync, and a resource travelling from one
district through the centre to another."""

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from imc_contracts import (
    BANK_ENTRY_CHANGED,
    RESOURCE_PUBLISHED,
    RESOURCE_WITHDRAWN,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    BankEntryChanged,
    Leader,
    ResourceFile,
    ResourcePublished,
    ResourceWithdrawn,
    ResyncRequested,
    SiteStatusChanged,
)
from imc_resources.db.models import BankEntry, BankFile, Resource
from imc_resources.services import catalogue
from imc_resources.settings import ResourcesSettings
from imc_shared import testing
from imc_shared.consumer import Rejected
from imc_shared.db import Database, migrate

pytestmark = pytest.mark.usefixtures("world")
PUBLISHED_Q = "resources.districts." + RESOURCE_PUBLISHED.routing_key
WITHDRAWN_Q = "resources.districts." + RESOURCE_WITHDRAWN.routing_key
BANK_Q = "resources.centre." + BANK_ENTRY_CHANGED.routing_key
RESYNC_Q = "resources.centre." + RESYNC_REQUESTED.routing_key
SITE = UUID("0192f5a0-0000-7000-8000-00000000c001")


def _file(name: str, content: bytes, media_type: str = "text/plain") -> ResourceFile:
    return ResourceFile(
        name=name,
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def publication(
    resource_id: UUID,
    version: int,
    *,
    title: str = "Технологическая карта урока математики",
    text: str = "Решение задач на движение",
    files: tuple[ResourceFile, ...] | None = None,
) -> ResourcePublished:
    return ResourcePublished(
        resource_id=resource_id,
        version=version,
        title=title,
        summary="Урок математики в 5 классе",
        kind="lesson_plan",
        subject="математика",
        level="основное общее образование",
        tags=("функциональная грамотность",),
        licence="CC BY 4.0",
        author_name="Карпенко Юлия Сергеевна",
        organisation_name="МБОУ «Яйская СОШ № 1»",
        reviewed_by="Лаптева Светлана Николаевна, методист",
        published_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        text=text,
        files=files if files is not None else (_file("karta.txt", text.encode()),),
    )


async def _found(database: Database, query: str, scope: str = "all") -> list[UUID]:
    result = await catalogue.search(database, query=query, scope=scope, filters=catalogue.Filters())
    return [i.resource_id for i in result.items]


async def test_the_centre_folds_publications_by_the_link(
    database: Database, settings: ResourcesSettings, h: Any
) -> None:
    centre = h.Bus(database, h.centre_settings(settings))
    rid = uuid4()

    async def publish(payload: Any, district: str = h.DISTRICT, headers: Any = h.YAYA_LINK) -> bool:
        return bool(
            await centre.send(
                RESOURCE_PUBLISHED, payload, district=district, queue=PUBLISHED_Q, headers=headers
            )
        )

    # The origin is the link's, never the message's.
    with pytest.raises(Rejected, match="origin mismatch.*did not come over a link"):
        await publish(publication(rid, 1), headers={})
    with pytest.raises(Rejected, match="no federated district"):
        await publish(
            publication(rid, 1), headers={"x-received-from": [{"uri": "amqp://10.9.9.9:5672"}]}
        )
    with pytest.raises(Rejected, match="claims district 'tisul'"):
        await publish(publication(rid, 1), district=h.OTHER)
    assert await h.sent(database, BANK_ENTRY_CHANGED) == []

    first = h.envelope(RESOURCE_PUBLISHED, publication(rid, 1))
    assert await centre.deliver(RESOURCE_PUBLISHED, first, queue=PUBLISHED_Q, headers=h.YAYA_LINK)
    assert not await centre.deliver(  # the same message again: the inbox knows it
        RESOURCE_PUBLISHED, first, queue=PUBLISHED_Q, headers=h.YAYA_LINK
    )
    assert await publish(publication(rid, 1))  # the same version re-sent: nothing changes
    [change] = await h.sent(database, BANK_ENTRY_CHANGED)
    assert (change.version, change.status, change.origin_district) == (1, "published", "yaya")
    assert change.origin_district_name == h.DISTRICT_NAME
    assert change.resource.files[0].content == "Решение задач на движение".encode()
    assert await _found(database, "уроки", "centre") == [rid]

    # The highest version wins, whatever the order of arrival.
    await publish(publication(rid, 3, title="Технологическая карта урока (редакция 3)"))
    await publish(publication(rid, 2, title="Технологическая карта урока (редакция 2)"))
    async with database.sessions() as session:
        entry = await session.get(BankEntry, rid)
        assert entry is not None and (entry.version, entry.title) == (
            3,
            "Технологическая карта урока (редакция 3)",
        )
    assert [c.version for c in await h.sent(database, BANK_ENTRY_CHANGED)] == [1, 3]

    # A resource belongs to the district that sent it first.
    with pytest.raises(Rejected, match="belongs to district 'yaya'"):
        await publish(publication(rid, 9), district=h.OTHER, headers=h.TISUL_LINK)
    # Files are checked again: intact, and of a type the bank takes.
    broken = _file("karta.txt", b"text")
    with pytest.raises(Rejected, match="sha256"):
        await publish(
            publication(rid, 4, files=(msgspec.structs.replace(broken, sha256="0" * 64),))
        )
    with pytest.raises(Rejected, match="исполняемые"):
        await publish(publication(rid, 4, files=(_file("karta.pdf", h.EXE, "application/pdf"),)))
    async with database.sessions() as session:
        assert (await session.get(BankEntry, rid)).version == 3  # type: ignore[union-attr]

    # Withdrawal: an older one changes nothing, a newer one propagates.
    async def withdraw(version: int, resource_id: UUID = rid) -> bool:
        return bool(
            await centre.send(
                RESOURCE_WITHDRAWN,
                ResourceWithdrawn(resource_id=resource_id, version=version, reason="Устарел"),
                queue=WITHDRAWN_Q,
                headers=h.YAYA_LINK,
            )
        )

    await withdraw(2)
    assert await _found(database, "урок", "centre") == [rid]
    await withdraw(4)
    await withdraw(4)
    changes = await h.sent(database, BANK_ENTRY_CHANGED)
    assert [(c.version, c.status) for c in changes] == [
        (1, "published"),
        (3, "published"),
        (4, "withdrawn"),
    ]
    assert changes[-1].resource is None and changes[-1].reason == "Устарел"
    assert await _found(database, "урок", "centre") == []
    async with database.sessions() as session:
        assert (await session.scalars(sa.select(BankFile))).all() == []
    await publish(publication(rid, 4))  # the same version as the withdrawal: it stays out
    assert await _found(database, "урок", "centre") == []
    await publish(publication(rid, 5, title="Технологическая карта урока (новая редакция)"))
    assert await _found(database, "урок", "centre") == [rid]

    # A withdrawal that arrives before its publication keeps the older one out.
    late = uuid4()
    await withdraw(2, late)
    await publish(publication(late, 1))
    assert late not in await _found(database, "урок", "centre")
    async with database.sessions() as session:
        tombstone = await session.get(BankEntry, late)
        assert tombstone is not None and (tombstone.status, tombstone.version) == ("withdrawn", 2)


async def test_a_district_keeps_a_copy_of_the_centres_bank(
    database: Database, settings: ResourcesSettings, bus: Any, client: Any, h: Any
) -> None:
    rid = uuid4()
    content = "Технологическая карта. Уроки решения задач".encode()
    change = BankEntryChanged(
        resource_id=rid,
        version=2,
        origin_district=h.OTHER,
        origin_district_name=h.OTHER_NAME,
        status="published",
        resource=publication(rid, 2, files=(_file("Карта урока.txt", content),)),
    )
    with pytest.raises(Rejected, match="origin mismatch"):
        await bus.send(BANK_ENTRY_CHANGED, change, district=h.CENTRE, queue=BANK_Q)
    with pytest.raises(Rejected, match="origin mismatch"):
        await bus.send(
            BANK_ENTRY_CHANGED, change, district=h.CENTRE, queue=BANK_Q, headers=h.YAYA_LINK
        )
    assert await bus.send(
        BANK_ENTRY_CHANGED, change, district=h.CENTRE, queue=BANK_Q, headers=h.CENTRE_LINK
    )

    teacher = h.as_teacher(h.VERA, h.SCHOOL_2)
    found = (
        await client.get("/search", params={"q": "урокам", "scope": "centre"}, auth=teacher)
    ).json()
    [hit] = found["items"]
    assert (hit["resource_id"], hit["source"], hit["origin_district_name"]) == (
        str(rid),
        "centre",
        h.OTHER_NAME,
    )
    entry = (await client.get(f"/bank/{rid}", auth=teacher)).json()
    assert entry["own"] is False and entry["licence_title"].startswith("CC BY 4.0 —")
    [item] = entry["files"]
    download = await client.get(f"/bank/{rid}/files/{item['id']}", auth=teacher)
    assert download.status_code == 200 and download.content == content

    older = msgspec.structs.replace(change, version=1, resource=publication(rid, 1, title="Старое"))
    await bus.send(
        BANK_ENTRY_CHANGED, older, district=h.CENTRE, queue=BANK_Q, headers=h.CENTRE_LINK
    )
    assert (await client.get(f"/bank/{rid}")).json()["version"] == 2
    gone = BankEntryChanged(
        resource_id=rid,
        version=3,
        origin_district=h.OTHER,
        origin_district_name=h.OTHER_NAME,
        status="withdrawn",
        reason="Материал заменён",
    )
    await bus.send(BANK_ENTRY_CHANGED, gone, district=h.CENTRE, queue=BANK_Q, headers=h.CENTRE_LINK)
    assert (
        await client.get("/search", params={"q": "урок", "scope": "centre"}, auth=teacher)
    ).json()["total"] == 0
    withdrawn = (await client.get(f"/bank/{rid}", auth=teacher)).json()
    assert (withdrawn["status"], withdrawn["files"], withdrawn["reason"]) == (
        "withdrawn",
        [],
        "Материал заменён",
    )
    assert (await client.get(f"/bank/{rid}/files/{item['id']}")).status_code == 404
    assert (await client.get("/bank", auth=teacher)).json() == []
    assert [
        e["status"] for e in (await client.get("/bank", params={"status": "withdrawn"})).json()
    ] == ["withdrawn"]

    # This district's own resource coming back from the centre is noted on it.
    created = await client.post(
        "/resources",
        json={
            "title": "Критериальное оценивание на уроках истории",
            "kind": "methodical",
            "licence": "cc_by_sa",
            "summary": "Памятка для учителей истории по критериальному оцениванию.",
            "author_person_id": str(h.BORIS),
        },
    )
    own_id = created.json()["id"]
    await client.post(f"/resources/{own_id}/files", **h.upload("Памятка.txt", "Памятка".encode()))
    await client.post(f"/resources/{own_id}/submit")
    await client.post(f"/resources/{own_id}/approve")
    await client.post(f"/resources/{own_id}/share")
    [sent_up] = await h.sent(database, RESOURCE_PUBLISHED)
    back = BankEntryChanged(
        resource_id=UUID(own_id),
        version=1,
        origin_district=h.DISTRICT,
        origin_district_name=h.DISTRICT_NAME,
        status="published",
        resource=sent_up,
    )
    await bus.send(BANK_ENTRY_CHANGED, back, district=h.CENTRE, queue=BANK_Q, headers=h.CENTRE_LINK)
    mine = (await client.get(f"/resources/{own_id}")).json()
    assert (mine["bank"]["confirmed_version"], mine["bank"]["centre_status"]) == (1, "published")
    assert (await client.get(f"/bank/{own_id}")).json()["own"] is True
    # Found once: as the district's own.
    everything = (await client.get("/search", params={"q": "оценивания"})).json()
    assert [(i["resource_id"], i["source"]) for i in everything["items"]] == [(own_id, "own")]


def site(
    *,
    status: str = "terminated",
    term_end: date = date(2027, 5, 31),
    leader: str = "Андреева Анна Петровна",
    version: int = 3,
    site_id: UUID = SITE,
) -> SiteStatusChanged:
    return SiteStatusChanged(
        site_id=site_id,
        organisation_id=UUID("0192f5a0-0000-7000-8000-00000000a001"),
        organisation_full_name="Муниципальное бюджетное общеобразовательное учреждение",
        organisation_short_name="МБОУ «Яйская СОШ № 1»",
        kind="osmp",
        status=status,  # type: ignore[arg-type]
        previous_status="active",
        topic="Формирование функциональной грамотности обучающихся",
        term_start=date(2025, 6, 1),
        term_end=term_end,
        leader=Leader(full_name=leader, position="заместитель директора по УВР"),
        co_leader=None,
        order_number="12",
        order_date=date(2025, 5, 20),
        decision_id=uuid4(),
        reason="завершение срока деятельности",
        version=version,
    )


async def test_a_sites_results_become_a_draft_once_per_term(
    database: Database, bus: Any, client: Any, h: Any
) -> None:
    await bus.send(SITE_STATUS_CHANGED, site(status="active", version=1))
    assert (await client.get("/resources")).json() == []
    ended = h.envelope(SITE_STATUS_CHANGED, site())
    assert await bus.deliver(SITE_STATUS_CHANGED, ended)
    assert not await bus.deliver(SITE_STATUS_CHANGED, ended)
    await bus.send(SITE_STATUS_CHANGED, site(status="expired", version=4))  # same term
    [draft] = (await client.get("/resources")).json()
    assert draft["title"] == (
        "Результаты деятельности площадки «Формирование функциональной грамотности обучающихся»"
    )
    assert (draft["kind"], draft["status"], draft["organisation_id"]) == (
        "site_results",
        "draft",
        str(h.SCHOOL_1),
    )
    school = h.as_school(h.SCHOOL_1)
    shown = (await client.get(f"/resources/{draft['id']}", auth=school)).json()
    assert shown["author_person_id"] == str(h.ANNA)  # the leader, found in the registry
    assert shown["site_id"] == "0192f5a0-0000-7000-8000-00000000c001"
    assert "с 01.06.2025 по 31.05.2027" in shown["summary"]
    assert "создан автоматически" in shown["comments"][0]["text"]
    assert shown["actions"] == ["comment", "edit", "submit"]
    assert [
        r["id"] for r in (await client.get("/resources", auth=h.as_teacher(h.ANNA))).json()
    ] == [draft["id"]]
    assert (
        await client.get(f"/resources/{draft['id']}", auth=h.as_school(h.SCHOOL_2))
    ).status_code == 403
    added = await client.post(
        f"/resources/{draft['id']}/files",
        auth=school,
        **h.upload("Отчёт.pdf", h.pdf("Итоги работы площадки")),
    )
    assert added.status_code == 201
    submitted = await client.post(f"/resources/{draft['id']}/submit", auth=school)
    assert submitted.json()["status"] == "submitted"

    # Extended, then expired at the end of the new term: a draft for that term.
    await bus.send(
        SITE_STATUS_CHANGED, site(status="extended", term_end=date(2028, 5, 31), version=5)
    )
    await bus.send(
        SITE_STATUS_CHANGED, site(status="expired", term_end=date(2028, 5, 31), version=6)
    )
    assert len((await client.get("/resources", params={"kind": "site_results"})).json()) == 2
    # A leader the registry does not know is named as the order names them.
    await bus.send(SITE_STATUS_CHANGED, site(site_id=uuid4(), leader="Неизвестная Ольга Павловна"))
    async with database.sessions() as session:
        rows = (await session.scalars(sa.select(Resource).order_by(Resource.created_at))).all()
    assert (rows[-1].author_person_id, rows[-1].author_name) == (None, "Неизвестная Ольга Павловна")


async def test_resync_resends_what_is_shared_at_its_version(
    database: Database, settings: ResourcesSettings, bus: Any, client: Any, h: Any
) -> None:
    ids = []
    for title in ("Технологическая карта урока математики", "Сборник задач по физике"):
        created = await client.post(
            "/resources",
            json={
                "title": title,
                "kind": "lesson_plan",
                "licence": "cc_by",
                "summary": "Материал для педагогов района: цели и порядок использования.",
                "author_person_id": str(h.ANNA),
            },
        )
        rid = created.json()["id"]
        await client.post(f"/resources/{rid}/files", **h.upload("a.txt", title.encode()))
        await client.post(f"/resources/{rid}/submit")
        await client.post(f"/resources/{rid}/approve")
        await client.post(f"/resources/{rid}/share")
        ids.append(rid)
    await client.post(f"/resources/{ids[1]}/unshare", json={"reason": "Нужна доработка"})
    # A new edition in progress is not what the centre has: resync sends the shared one.
    await client.post(f"/resources/{ids[0]}/reopen")
    await client.patch(f"/resources/{ids[0]}", json={"title": "Черновик новой редакции"})

    with pytest.raises(Rejected, match="origin mismatch"):
        await bus.send(RESYNC_REQUESTED, ResyncRequested(request_id=uuid4()), queue=RESYNC_Q)
    await bus.send(
        RESYNC_REQUESTED,
        ResyncRequested(request_id=uuid4(), districts=(h.OTHER,)),
        queue=RESYNC_Q,
        headers=h.CENTRE_LINK,
    )
    assert len(await h.sent(database, RESOURCE_PUBLISHED)) == 2
    await bus.send(
        RESYNC_REQUESTED,
        ResyncRequested(request_id=uuid4(), districts=(h.DISTRICT,)),
        queue=RESYNC_Q,
        headers=h.CENTRE_LINK,
    )
    published = await h.sent(database, RESOURCE_PUBLISHED)
    assert [(str(p.resource_id), p.version, p.title) for p in published[2:]] == [
        (ids[0], 1, "Технологическая карта урока математики")
    ]
    assert published[2].files == published[0].files
    withdrawn = await h.sent(database, RESOURCE_WITHDRAWN)
    assert [(str(w.resource_id), w.version) for w in withdrawn] == [(ids[1], 2), (ids[1], 2)]

    # The centre answers a resync by sending its whole bank down again.
    centre = h.Bus(database, h.centre_settings(settings))
    for item in published[:2]:
        await centre.send(RESOURCE_PUBLISHED, item, queue=PUBLISHED_Q, headers=h.YAYA_LINK)
    await centre.send(RESOURCE_WITHDRAWN, withdrawn[0], queue=WITHDRAWN_Q, headers=h.YAYA_LINK)
    before = len(await h.sent(database, BANK_ENTRY_CHANGED))
    await centre.send(
        RESYNC_REQUESTED, ResyncRequested(request_id=uuid4()), district=h.CENTRE, queue=RESYNC_Q
    )
    again = (await h.sent(database, BANK_ENTRY_CHANGED))[before:]
    assert sorted((str(c.resource_id), c.version, c.status) for c in again) == sorted(
        [(ids[0], 1, "published"), (ids[1], 2, "withdrawn")]
    )


async def test_subscriptions_follow_the_instance(
    database: Database, settings: ResourcesSettings, h: Any
) -> None:
    district = set(h.Bus(database, settings).handlers)
    assert BANK_Q in district and RESYNC_Q in district and PUBLISHED_Q not in district
    assert f"resources.{SITE_STATUS_CHANGED.routing_key}" in district
    alone = set(h.Bus(database, msgspec.structs.replace(settings, centre_upstream="")).handlers)
    assert BANK_Q not in alone and RESYNC_Q in alone
    centre = set(h.Bus(database, h.centre_settings(settings)).handlers)
    assert {PUBLISHED_Q, WITHDRAWN_Q, RESYNC_Q} <= centre and BANK_Q not in centre


async def test_a_resource_travels_from_one_district_through_the_centre_to_another(
    database: Database, settings: ResourcesSettings, client: Any, h: Any, tmp_path: Path
) -> None:
    """Reviewed in Yaya, published to the centre's bank, found and downloaded in Tisul;
    withdrawn in Yaya, gone in Tisul."""
    others: dict[str, tuple[Database, ResourcesSettings]] = {}
    for code in (h.CENTRE, h.OTHER):
        url = f"sqlite+aiosqlite:///{tmp_path}/{code}.db"
        await migrate(url, h.MIGRATIONS)
        base = h.centre_settings(settings) if code == h.CENTRE else settings
        others[code] = (
            Database(url),
            msgspec.structs.replace(
                base,
                district=code,
                district_name=h.OTHER_NAME if code == h.OTHER else h.CENTRE_NAME,
                database_url=url,
                storage_dir=str(tmp_path / code),
            ),
        )
    centre_db, centre_settings = others[h.CENTRE]
    tisul_db, tisul_settings = others[h.OTHER]
    centre, tisul = h.Bus(centre_db, centre_settings), h.Bus(tisul_db, tisul_settings)
    try:
        created = await client.post(
            "/resources",
            json={
                "title": "Технологическая карта урока «Решение текстовых задач на движение»",
                "kind": "lesson_plan",
                "licence": "cc_by",
                "summary": "Урок математики в 5 классе: задания на функциональную грамотность.",
                "subject": "математика",
                "level": "основное общее образование",
                "author_person_id": str(h.ANNA),
            },
            auth=h.as_teacher(h.ANNA),
        )
        rid = created.json()["id"]
        document = h.docx_file("Ход урока", "Критериальное оценивание самостоятельной работы")
        await client.post(
            f"/resources/{rid}/files",
            auth=h.as_teacher(h.ANNA),
            **h.upload("Карта урока.docx", document),
        )
        await client.post(f"/resources/{rid}/submit", auth=h.as_teacher(h.ANNA))
        await client.post(f"/resources/{rid}/approve")
        assert (await client.post(f"/resources/{rid}/share")).status_code == 200

        async def relay(
            district_db: Database, message: Any, to: Any, queue: str, link: Any
        ) -> None:
            for item in await h.envelopes(district_db, message):
                await to.deliver(message, item, queue=queue, headers=link)

        await relay(database, RESOURCE_PUBLISHED, centre, PUBLISHED_Q, h.YAYA_LINK)
        await relay(centre_db, BANK_ENTRY_CHANGED, tisul, BANK_Q, h.CENTRE_LINK)

        async with AsyncTestClient(h.make_app(tisul_db, tisul_settings)) as far:
            far.auth = testing.auth(h.OTHER, "teacher", name="Учитель Тисуль")
            found = (await far.get("/search", params={"q": "оцениванию уроков"})).json()
            [hit] = found["items"]
            assert (hit["resource_id"], hit["source"], hit["origin_district"]) == (
                rid,
                "centre",
                h.DISTRICT,
            )
            assert hit["author_name"] == "Андреева Анна Петровна"
            entry = (await far.get(f"/bank/{rid}")).json()
            download = await far.get(f"/bank/{rid}/files/{entry['files'][0]['id']}")
            assert download.content == document

            await client.post(f"/resources/{rid}/withdraw", json={"reason": "Найдена ошибка"})
            await relay(database, RESOURCE_WITHDRAWN, centre, WITHDRAWN_Q, h.YAYA_LINK)
            await relay(centre_db, BANK_ENTRY_CHANGED, tisul, BANK_Q, h.CENTRE_LINK)
            assert (await far.get("/search", params={"q": "урок"})).json()["total"] == 0
            assert (await far.get(f"/bank/{rid}")).json()["status"] == "withdrawn"
    finally:
        await centre_db.dispose()
        await tisul_db.dispose()
