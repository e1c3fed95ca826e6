"""The centre's inter-municipal sites at a federated district, on both databases: the
versioned read model, the link check, the subscription and the HTTP lists."""

import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import (
    ORDER_ISSUED,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    Envelope,
    Leader,
    SiteStatusChanged,
)
from imc_registry.api.controllers import CentreSiteController, PublicController, SiteController
from imc_registry.db.models import CentreSite, Site
from imc_registry.messaging.handlers import centre_site_handler, subscribe
from imc_registry.settings import RegistrySettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.broker import Publisher, make_broker
from imc_shared.consumer import Consumers, Delivery, Rejected
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

DISTRICT = "yaya"
CENTRE_URI = "amqp://10.0.0.1:5672"
SETTINGS = RegistrySettings(
    service="registry", district=DISTRICT, centre_upstream=CENTRE_URI, **testing.auth_settings()
)
T0 = datetime(2026, 11, 1, 3, tzinfo=UTC)


def _link(uri: str = CENTRE_URI) -> Delivery:
    headers = {"x-received-from": [{"uri": uri, "exchange": "imc.centre", "redelivered": False}]}
    return Delivery(queue="q", routing_key="rk", headers=headers, delivery_count=0)


def _change(
    site_id: UUID, version: int, status: str, *, minutes: int = 0, **changes: Any
) -> Envelope[SiteStatusChanged]:
    values: dict[str, Any] = {
        "site_id": site_id,
        "organisation_id": UUID(int=site_id.int ^ 1),
        "organisation_full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Гимназия № 1» города — центра ММЦ",
        "organisation_short_name": "МБОУ «Гимназия № 1»",
        "kind": "intermunicipal_support",
        "status": status,
        "previous_status": None,
        "topic": f"Сетевое взаимодействие округов, редакция {version}.{minutes}",
        "term_start": date(2026, 9, 1),
        "term_end": date(2028, 8, 31),
        "leader": Leader(full_name="Орлова Анна Петровна", position="заместитель директора"),
        "co_leader": None,
        "order_number": f"{10 + version}-ммц",
        "order_date": date(2026, 8, 25),
        "decision_id": uuid4(),
        "version": version,
    }
    values.update(changes)
    return SITE_STATUS_CHANGED.new(
        SiteStatusChanged(**values),
        district="centre",
        source="registry",
        occurred_at=T0 + timedelta(minutes=minutes),
    )


async def _rows(database: Database) -> list[tuple[UUID, int, str, str]]:
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(CentreSite).order_by(CentreSite.site_id))
        return [(r.site_id, r.version, r.status, r.topic) for r in rows.all()]


async def _feed(
    database: Database, *messages: Envelope[Any], delivery: Delivery | None = None
) -> None:
    handler = centre_site_handler(SETTINGS)
    for message in messages:
        async with database.transaction() as session:
            await handler(session, message, delivery or _link())


async def test_centre_sites_converge_whatever_the_order_and_repeats(database: Database) -> None:
    x, y, z = sorted([uuid4(), uuid4(), uuid4()])
    messages = [
        _change(x, 1, "active", minutes=1),
        _change(x, 2, "extended", minutes=2),
        _change(x, 3, "terminated", minutes=3),
        _change(y, 1, "active", minutes=1),
        _change(y, 2, "extended", minutes=2),
        _change(y, 0, "active", minutes=9),  # a publisher before versions: loses to any version
        _change(z, 0, "active", minutes=1),
        _change(z, 0, "extended", minutes=5),  # both unversioned: the later change wins
    ]
    messages += [messages[1], messages[4], messages[6]]  # a resync, a redelivery
    expected = [
        (x, 3, "terminated", "Сетевое взаимодействие округов, редакция 3.3"),
        (y, 2, "extended", "Сетевое взаимодействие округов, редакция 2.2"),
        (z, 0, "extended", "Сетевое взаимодействие округов, редакция 0.5"),
    ]
    shuffler = random.Random(7)
    orders = [list(range(len(messages))), list(reversed(range(len(messages))))] + [
        shuffler.sample(range(len(messages)), len(messages)) for _ in range(6)
    ]
    for order in orders:
        async with database.transaction() as session:
            await session.execute(sa.delete(CentreSite))
        # Credentials and an explicit default vhost in the recorded uri are the same link.
        await _feed(
            database,
            *(messages[i] for i in order),
            delivery=_link("amqp://user:secret@10.0.0.1/"),
        )
        assert await _rows(database) == expected, order

    async with database.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Site)) == 0
        assert await session.scalar(sa.select(sa.func.count()).select_from(outbox_table)) == 0


async def test_a_message_not_over_the_centres_link_is_rejected(database: Database) -> None:
    site = uuid4()
    await _feed(database, _change(site, 1, "active"))
    before = await _rows(database)
    for delivery in (
        _link("amqp://10.0.0.66:5672"),
        _link("amqp://10.0.0.1:5672/district01"),
        Delivery(queue="q", routing_key="rk", headers={}, delivery_count=0),
    ):
        with pytest.raises(Rejected, match="origin mismatch"):
            await _feed(database, _change(site, 7, "terminated"), delivery=delivery)
    assert await _rows(database) == before


async def test_the_centres_municipal_sites_are_not_kept(database: Database) -> None:
    await _feed(database, _change(uuid4(), 1, "active", kind="osmp"))
    assert await _rows(database) == []


def test_the_subscription_exists_only_with_a_centre_upstream() -> None:
    def queues(settings: RegistrySettings) -> list[str]:
        broker = make_broker(settings.broker_url)
        unused = Database("sqlite+aiosqlite:///:memory:")  # registering subscribers never connects
        consumers = Consumers(
            broker=broker, database=unused, publisher=Publisher(broker), service="registry"
        )
        subscribe(consumers, outbox=Outbox(district=DISTRICT, source="registry"), settings=settings)
        return consumers.queues

    plain = queues(
        RegistrySettings(service="registry", district=DISTRICT, **testing.auth_settings())
    )
    federated = queues(SETTINGS)
    assert any(ORDER_ISSUED.routing_key in q for q in plain)
    assert any(RESYNC_REQUESTED.routing_key in q for q in plain)
    assert not any(SITE_STATUS_CHANGED.routing_key in q for q in plain)
    assert [q for q in federated if SITE_STATUS_CHANGED.routing_key in q] == [
        f"registry.centre.{SITE_STATUS_CHANGED.routing_key}"
    ]
    blank = queues(
        RegistrySettings(
            service="registry", district=DISTRICT, centre_upstream=" ", **testing.auth_settings()
        )
    )
    assert not any(SITE_STATUS_CHANGED.routing_key in q for q in blank)


@pytest.fixture
async def client(database: Database) -> AsyncIterator[AsyncTestClient[Any]]:
    own = Database(database.url)  # the test client runs the app on its own loop
    app = create_http_app(
        [SiteController, PublicController, CentreSiteController],
        settings=SETTINGS,
        title="Реестр",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(
                lambda: Outbox(district=DISTRICT, source="registry"), sync_to_thread=False
            ),
            "settings": Provide(lambda: SETTINGS, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.headers.update(testing.bearer(DISTRICT, Role.DISTRICT_ADMIN))
        yield test_client
    await own.dispose()


async def test_centre_sites_over_http(database: Database, client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/public/centre-sites")).json() == []
    working, ended = uuid4(), uuid4()
    await _feed(
        database,
        _change(
            working,
            2,
            "extended",
            kind="intermunicipal_resource",
            co_leader=Leader(full_name="Зайцев Олег Ильич", position="методист ММЦ"),
        ),
        _change(ended, 3, "expired"),
    )
    current = (await client.get("/centre-sites")).json()
    assert [s["site_id"] for s in current] == [str(working)]
    site = current[0]
    assert (site["kind_title"], site["status_title"]) == (
        "межмуниципальный ресурсный центр",
        "продлена",
    )
    assert (site["term_start"], site["term_end"]) == ("2026-09-01", "2028-08-31")
    assert site["leader"] == {
        "full_name": "Орлова Анна Петровна",
        "position": "заместитель директора",
    }
    assert site["co_leader"]["full_name"] == "Зайцев Олег Ильич"
    assert (site["order_number"], site["order_date"]) == ("12-ммц", "2026-08-25")
    assert (site["centre"], site["version"]) == ("centre", 2)

    every = (await client.get("/centre-sites", params={"all": "true"})).json()
    assert {s["site_id"]: s["status_title"] for s in every} == {
        str(working): "продлена",
        str(ended): "срок истёк",
    }
    public = (await client.get("/public/centre-sites")).json()
    assert [s["site_id"] for s in public] == [str(working)]
    assert public[0]["kind_title"] == "межмуниципальный ресурсный центр"
    assert "version" not in public[0] and "reason" not in public[0]
    # The district's own lists stay its own.
    assert (await client.get("/sites")).json() == []
    assert (await client.get("/public/sites")).json() == []
