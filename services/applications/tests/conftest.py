"""Fixtures of the applications service tests: a migrated database (SQLite and
PostgreSQL), a file store, and an in-memory registry standing in for the HTTP one (the
end-to-end tier talks to the real registry)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_applications.api.controllers import (
    ApplicationController,
    AuditController,
    LifecycleController,
    MeetingController,
    OrderController,
    ReportController,
    SiteController,
)
from imc_applications.app import MIGRATIONS
from imc_applications.services import applications, council, orders
from imc_applications.services.applications import Draft, Upload
from imc_applications.services.audit import Actor
from imc_applications.services.council import ItemInput
from imc_applications.services.registry_client import (
    OrganisationCard,
    PersonCard,
    RegistryClient,
)
from imc_applications.settings import ApplicationsSettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database, migrate
from imc_shared.errors import InvalidInput
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

SCHOOL_ID = UUID("0192f5a0-0000-7000-8000-0000000000a1")
DISTRICT = "yaya"
ADMIN_NAME = "Орлова Татьяна Николаевна"
ADMIN_ID = "0192f5a0-0000-7000-8000-0000000000f1"
PDF = b"%PDF-1.7 test document"


@dataclass
class FakeRegistry(RegistryClient):
    """The registry's answers, kept in memory (a :class:`RegistryClient` to the handlers)."""

    organisations: dict[UUID, OrganisationCard] = field(default_factory=dict)
    people: dict[UUID, PersonCard] = field(default_factory=dict)
    council: list[UUID] = field(default_factory=list)

    async def organisation(self, organisation_id: UUID) -> OrganisationCard:
        if organisation_id not in self.organisations:
            raise InvalidInput("Организация не найдена в реестре округа", field="organisation_id")
        return self.organisations[organisation_id]

    async def person(self, person_id: UUID, *, field: str) -> PersonCard:
        if person_id not in self.people:
            raise InvalidInput("Работник не найден в реестре", field=field)
        return self.people[person_id]

    async def council_members(self) -> list[PersonCard]:
        return [self.people[p] for p in self.council]

    def add_person(self, name: str, group: str, category: str = "first", org: Any = None) -> UUID:
        card = PersonCard(
            id=uuid4(),
            full_name=name,
            position="методист" if group == "imc_methodist" else "заместитель директора",
            staff_group=group,
            organisation_id=org,
            qualification_category=category,
        )
        self.people[card.id] = card
        return card.id


@dataclass
class World:
    """Everything a use case needs, plus the people of the district."""

    database: Database
    outbox: Outbox
    registry: FakeRegistry
    store: FileStore
    settings: ApplicationsSettings
    actor: Actor
    leader: UUID
    teacher: UUID
    methodist: UUID

    async def apply(self, *, submit: bool = True, kind: str = "osmp", **draft: Any) -> Any:
        rules_answers = draft.pop("eligibility", None)
        if rules_answers is None:
            from imc_contracts.site_kinds import rules_of

            rules_answers = {i.code: {"met": True} for i in rules_of(kind).eligibility}
        uploads = draft.pop(
            "uploads",
            {k: Upload(f"{k}.pdf", PDF) for k in ("statement", "information_note", "work_plan")},
        )
        return await applications.create_application(
            database=self.database,
            outbox=self.outbox,
            registry=self.registry,  # type: ignore[arg-type]
            store=self.store,
            district=DISTRICT,
            actor=self.actor,
            organisation_id=SCHOOL_ID,
            site_kind=kind,
            draft=Draft(
                topic=draft.pop("topic", "Формирование функциональной грамотности обучающихся"),
                eligibility=rules_answers,
                uploads=uploads,
            ),
            submit=submit,
            max_bytes=1024 * 1024,
        )

    async def review(self, application: Any) -> Any:
        application = await applications.start_review(
            database=self.database,
            registry=self.registry,  # type: ignore[arg-type]
            district=DISTRICT,
            actor=self.actor,
            application_id=application.id,
            version=application.version,
            reviewer_id=self.methodist,
        )
        return await applications.conclude_review(
            database=self.database,
            district=DISTRICT,
            actor=self.actor,
            application_id=application.id,
            version=application.version,
            conclusion="Опыт школы соответствует требованиям п. 1.3–1.4 Положения об ОСМП.",
            recommendation="assign",
            confirmed={},
        )

    async def meeting(self, held_on: date, present: int = 4) -> Any:
        meeting = await council.create_meeting(
            database=self.database,
            outbox=self.outbox,
            registry=self.registry,  # type: ignore[arg-type]
            district=DISTRICT,
            actor=self.actor,
            held_on=held_on,
            place="пгт Яя",
            protocol_number=None,
        )
        members = self.registry.council[:present]
        return await council.record_attendance(
            database=self.database,
            registry=self.registry,  # type: ignore[arg-type]
            district=DISTRICT,
            actor=self.actor,
            meeting_id=meeting.id,
            version=meeting.version,
            present=members,
            chair_id=members[0],
            secretary_id=members[1],
        )

    async def put(self, meeting: Any, **item: Any) -> Any:
        item.setdefault("speaker", "Петрова Анна Сергеевна, методист")
        return await council.add_item(
            database=self.database,
            registry=self.registry,  # type: ignore[arg-type]
            district=DISTRICT,
            actor=self.actor,
            meeting_id=meeting.id,
            data=ItemInput(**item),
        )

    async def vote(self, meeting: Any, item: Any, votes_for: int, reason: str = "") -> Any:
        present = len(meeting.present)
        return await council.vote(
            database=self.database,
            district=DISTRICT,
            actor=self.actor,
            meeting_id=meeting.id,
            item_id=item.id,
            tally=council.rules.Tally(votes_for, present - votes_for, 0),
            reason=reason,
        )

    async def close(self, meeting: Any) -> Any:
        return await council.close_meeting(
            database=self.database,
            outbox=self.outbox,
            district=DISTRICT,
            actor=self.actor,
            meeting_id=meeting.id,
            version=None,
        )

    async def order(self, item_id: UUID, on: date) -> Any:
        return await orders.issue_order(
            database=self.database,
            outbox=self.outbox,
            district=DISTRICT,
            actor=self.actor,
            issuers=self.settings.issuer_table(),
            item_id=item_id,
            order_date=on,
        )


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> World:
    await migrate(database_url, MIGRATIONS)
    registry = FakeRegistry()
    registry.organisations[SCHOOL_ID] = OrganisationCard(
        id=SCHOOL_ID,
        full_name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская средняя общеобразовательная школа № 1»",
        short_name="МБОУ «Яйская СОШ № 1»",
        email="sosh1@yaya.example.ru",
    )
    leader = registry.add_person("Иванова Ольга Петровна", "administration", org=SCHOOL_ID)
    teacher = registry.add_person("Сидоров Пётр Ильич", "teacher", "first", org=SCHOOL_ID)
    methodist = registry.add_person("Петрова Анна Сергеевна", "imc_methodist")
    registry.council = [methodist] + [
        registry.add_person(f"Член Совета {n}", "imc_methodist") for n in range(6)
    ]
    database = Database(database_url)
    settings = ApplicationsSettings(
        service="applications",
        district=DISTRICT,
        storage_dir=str(tmp_path / "files"),
        **testing.auth_settings(),
    )
    yield World(
        database=database,
        outbox=Outbox(district=DISTRICT, source="applications"),
        registry=registry,
        store=FileStore(tmp_path / "files"),
        settings=settings,
        actor=Actor(name="Орлова Татьяна Николаевна", id=uuid4()),
        leader=leader,
        teacher=teacher,
        methodist=methodist,
    )
    await database.dispose()


@pytest.fixture(scope="session")
async def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database with the service's migrations applied, to copy per example."""
    path = tmp_path_factory.mktemp("template") / "applications.db"
    await migrate(f"sqlite+aiosqlite:///{path}", MIGRATIONS)
    return path


@pytest.fixture
def registry_factory() -> Any:
    """Builds a registry with one school, its people and a council of seven."""

    def build() -> tuple[FakeRegistry, dict[str, UUID]]:
        registry = FakeRegistry()
        registry.organisations[SCHOOL_ID] = OrganisationCard(
            id=SCHOOL_ID,
            full_name="Муниципальное бюджетное общеобразовательное учреждение "
            "«Яйская средняя общеобразовательная школа № 1»",
            short_name="МБОУ «Яйская СОШ № 1»",
            email="sosh1@yaya.example.ru",
        )
        people = {
            "leader": registry.add_person(
                "Иванова Ольга Петровна", "administration", org=SCHOOL_ID
            ),
            "methodist": registry.add_person("Петрова Анна Сергеевна", "imc_methodist"),
        }
        registry.council = [people["methodist"]] + [
            registry.add_person(f"Член Совета {n}", "imc_methodist") for n in range(6)
        ]
        return registry, people

    return build


@pytest.fixture
async def client(world: World) -> AsyncIterator[AsyncTestClient[Any]]:
    """The service's HTTP app over the world; it sends the district administrator's
    token unless a request sends another."""
    # The test client runs the app in its own event loop: the app gets its own pool.
    database = Database(world.database.url)
    app = create_http_app(
        [
            ApplicationController,
            MeetingController,
            OrderController,
            SiteController,
            ReportController,
            AuditController,
            LifecycleController,
        ],
        settings=world.settings,
        title="Заявки",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "outbox": Provide(lambda: world.outbox, sync_to_thread=False),
            "settings": Provide(lambda: world.settings, sync_to_thread=False),
            "registry": Provide(lambda: world.registry, sync_to_thread=False),
            "store": Provide(lambda: world.store, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.headers.update(
            testing.bearer(DISTRICT, Role.DISTRICT_ADMIN, name=ADMIN_NAME, subject=ADMIN_ID)
        )
        yield test_client
    await database.dispose()
