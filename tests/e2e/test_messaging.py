"""Delivery guarantees on real brokers: duplicates, poison messages, forged origins."""

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

import aio_pika
import httpx
import msgspec
import pytest

from imc_contracts import (
    DOCUMENT_GENERATED,
    ORDER_ISSUED,
    SITE_STATUS_CHANGED,
    DocumentGenerated,
    Envelope,
    GeneratedFile,
    Leader,
    OrderIssued,
    SiteStatusChanged,
    names,
    new_message_id,
)
from imc_local.flow import DistrictClient, wait_for
from imc_local.mailbox import Mailbox
from imc_local.stack import SERVICE_USER, Stack

pytestmark = pytest.mark.e2e


async def publish(
    stack: Stack,
    instance: str,
    envelope: Envelope[Any] | bytes,
    routing_key: str | None = None,
    message_id: str | None = None,
) -> None:
    node = next(i for i in stack.instances if i.code == instance).node
    assert node is not None
    connection = await aio_pika.connect(node.url(SERVICE_USER, stack.passwords["service"]))
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchange = await channel.get_exchange(names.EVENTS_EXCHANGE, ensure=False)
        body = envelope if isinstance(envelope, bytes) else msgspec.json.encode(envelope)
        key = routing_key or envelope.routing_key  # type: ignore[union-attr]
        mid = message_id or str(envelope.id)  # type: ignore[union-attr]
        await exchange.publish(
            aio_pika.Message(
                body,
                message_id=mid,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=key,
            mandatory=True,
        )


async def drain_dead_letters(
    stack: Stack, instance: str, queue: str, timeout: float = 60.0
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Wait for at least one message in ``<queue>.dlq`` and take them all."""
    node = next(i for i in stack.instances if i.code == instance).node
    assert node is not None
    connection = await aio_pika.connect(node.url(SERVICE_USER, stack.passwords["service"]))
    taken: list[aio_pika.abc.AbstractIncomingMessage] = []
    async with connection:
        channel = await connection.channel()
        dlq = await channel.get_queue(names.dead_letter_queue(queue), ensure=True)
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                if taken:
                    break
                await asyncio.sleep(0.5)
                continue
            await message.ack()
            taken.append(message)
    return taken


def ready_stats(url: str) -> dict[str, Any]:
    """The consumer counters of ``/ready``, which answers without a token."""
    return dict(httpx.get(url + "/ready").json()["consumers"])


def order_for(organisation: dict[str, Any], number: str) -> OrderIssued:
    today = date.today()
    return OrderIssued(
        order_id=new_message_id(),
        kind="assignment",
        number=number,
        order_date=today,
        issuer="Муниципальное бюджетное учреждение «Информационно-методический центр»",
        signatory=Leader(full_name="Голованова Татьяна Викторовна", position="директор"),
        site_id=new_message_id(),
        organisation_id=UUID(organisation["id"]),
        organisation_full_name=organisation["full_name"],
        organisation_short_name=organisation["short_name"],
        site_kind="osmp",
        topic="Наставничество как ресурс профессионального роста педагогов",
        term_start=today,
        term_end=today.replace(year=today.year + 1),
        leader=Leader(full_name="Ершова Ирина Павловна", position="директор"),
        co_leader=Leader(full_name="Лаптева Светлана Николаевна", position="методист"),
        decision_id=new_message_id(),
        council_protocol="протокол № 9 от 20.11.2026",
    )


async def test_same_message_twice_has_one_effect(stack: Stack, mailbox: Mailbox) -> None:
    services = stack.endpoints()["yaya"]["services"]
    client = DistrictClient(services, stack.auth("yaya"))
    organisation = client.ensure_organisation(
        {
            "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
            "«Основная общеобразовательная школа № 41 (дубли)»",
            "short_name": "МБОУ «ООШ № 41»",
            "kind": "school",
            "email": "oosh41@yaya.example.ru",
        }
    )
    before = ready_stats(services["registry"])["duplicates"]
    envelope = ORDER_ISSUED.new(
        order_for(organisation, "41-дубль"), district="yaya", source="applications"
    )
    await publish(stack, "yaya", envelope)
    await publish(stack, "yaya", envelope)
    wait_for(
        "the duplicate to be seen", lambda: ready_stats(services["registry"])["duplicates"] > before
    )
    # the same order under a new message id is recognised by its order id
    again = ORDER_ISSUED.new(envelope.payload, district="yaya", source="applications")
    await publish(stack, "yaya", again)
    wait_for("the email", lambda: mailbox.to("oosh41@yaya.example.ru"), timeout=60)
    await asyncio.sleep(3)
    sites = [
        s
        for s in httpx.get(services["registry"] + "/sites", auth=stack.staff_auth()).json()
        if s["organisation_id"] == organisation["id"]
    ]
    documents = [
        d
        for d in httpx.get(services["documents"] + "/documents", auth=stack.staff_auth()).json()
        if d["number"] == "41-дубль"
    ]
    assert len(sites) == 1
    assert len(documents) == 1
    assert len(mailbox.to("oosh41@yaya.example.ru")) == 1


async def test_failing_message_is_dead_lettered_and_does_not_block(
    stack: Stack, mailbox: Mailbox
) -> None:
    services = stack.endpoints()["yaya"]["services"]
    client = DistrictClient(services, stack.auth("yaya"))
    organisation = client.ensure_organisation(
        {
            "full_name": "Муниципальное бюджетное учреждение дополнительного образования "
            "«Дом детского творчества (очередь)»",
            "short_name": "МБУ ДО «ДДТ-очередь»",
            "kind": "additional",
            "email": "ddt-queue@yaya.example.ru",
        }
    )
    existing = httpx.get(services["documents"] + "/documents", auth=stack.staff_auth()).json()
    assert existing, "the flow test must have produced a document first"
    pdf = GeneratedFile(
        format="pdf", path=f"/documents/{existing[0]['id']}/file.pdf", size=1, sha256="0" * 64
    )

    def generated(organisation_id: UUID) -> Envelope[DocumentGenerated]:
        return DOCUMENT_GENERATED.new(
            DocumentGenerated(
                document_id=new_message_id(),
                kind="order_site_status",
                title="Проверка очереди",
                number="Q-1",
                organisation_id=organisation_id,
                subject_id=new_message_id(),
                files=(pdf,),
            ),
            district="yaya",
            source="documents",
        )

    poison = generated(new_message_id())  # nobody knows this organisation: always fails
    await publish(stack, "yaya", poison)
    good = generated(UUID(organisation["id"]))
    wait_for(
        "the organisation to reach notifications",
        lambda: ready_stats(services["notifications"])["handled"] > 0,
    )
    await publish(stack, "yaya", good)
    mails = wait_for(
        "the good message's email", lambda: mailbox.to("ddt-queue@yaya.example.ru"), timeout=60
    )
    assert len(mails) == 1
    queue = names.queue_name("notifications", DOCUMENT_GENERATED.routing_key)
    dead = await drain_dead_letters(stack, "yaya", queue)
    assert [m.message_id for m in dead] == [str(poison.id)]
    headers = dead[0].headers
    assert "failed 3 times" in str(headers["x-imc-error"])
    assert headers["x-imc-routing-key"] == DOCUMENT_GENERATED.routing_key

    # a message that does not even decode goes straight to the dead-letter queue
    await publish(
        stack, "yaya", b"{not json", routing_key=ORDER_ISSUED.routing_key, message_id="garbage-1"
    )
    registry_queue = names.queue_name("registry", ORDER_ISSUED.routing_key)
    dead = await drain_dead_letters(stack, "yaya", registry_queue)
    assert [m.message_id for m in dead] == ["garbage-1"]
    assert str(dead[0].headers["x-imc-error"]).startswith("invalid message")


async def test_centre_rejects_a_message_whose_origin_disagrees(stack: Stack) -> None:
    centre = stack.endpoints()["buguruslan"]["services"]
    today = date.today()
    forged_site = new_message_id()
    forged = SITE_STATUS_CHANGED.new(
        SiteStatusChanged(
            site_id=forged_site,
            organisation_id=new_message_id(),
            organisation_full_name="Подложная школа",
            organisation_short_name="Подлог",
            kind="osmp",
            status="active",
            previous_status=None,
            topic="Подлог",
            term_start=today,
            term_end=today,
            leader=Leader(full_name="А", position="Б"),
            co_leader=Leader(full_name="В", position="Г"),
            order_number="0",
            order_date=today,
            decision_id=new_message_id(),
        ),
        district="yaya",
        source="registry",
    )
    # published on Mariinsk's broker while claiming to be Yaya
    await publish(stack, "mariinsk", forged)
    queue = names.queue_name("federation", f"districts.{SITE_STATUS_CHANGED.routing_key}")
    dead = await drain_dead_letters(stack, "buguruslan", queue)
    assert [m.message_id for m in dead] == [str(forged.id)]
    assert "origin mismatch" in str(dead[0].headers["x-imc-error"])
    assert forged_site not in {
        s["site_id"]
        for s in httpx.get(centre["federation"] + "/sites", auth=stack.staff_auth()).json()
    }


def status_change(district_site: UUID, organisation: str) -> SiteStatusChanged:
    today = date.today()
    return SiteStatusChanged(
        site_id=district_site,
        organisation_id=new_message_id(),
        organisation_full_name=f"Муниципальное бюджетное общеобразовательное учреждение "
        f"«{organisation}»",
        organisation_short_name=organisation,
        kind="osmp",
        status="active",
        previous_status=None,
        topic="Сетевое взаимодействие сельских школ",
        term_start=today,
        term_end=today.replace(year=today.year + 1),
        leader=Leader(full_name="Орлова Анна Викторовна", position="директор"),
        co_leader=Leader(full_name="Рябова Елена Геннадьевна", position="методист"),
        order_number="77",
        order_date=today,
        decision_id=new_message_id(),
    )


async def test_district_works_while_the_centre_is_down_and_nothing_is_lost(
    stack: Stack,
) -> None:
    """The centre's broker stops cleanly; what districts publish meanwhile is buffered
    on their side (resource-cleanup-mode never) and arrives once the centre is back."""
    centre_node = stack.centre.node
    assert centre_node is not None
    federation = stack.endpoints()["buguruslan"]["services"]["federation"]
    centre_node.stop()
    sent = []
    for number in range(20):
        site = new_message_id()
        envelope = SITE_STATUS_CHANGED.new(
            status_change(site, f"СОШ № {100 + number}"), district="yaya", source="registry"
        )
        await publish(stack, "yaya", envelope)  # the district's broker confirms it
        sent.append(str(site))
    await asyncio.to_thread(centre_node.start_again)

    def arrived() -> bool:
        sites = httpx.get(federation + "/sites", timeout=10, auth=stack.staff_auth()).json()
        return set(sent) <= {s["site_id"] for s in sites}

    wait_for("every buffered message at the centre", arrived, timeout=120)
    sites = [
        s
        for s in httpx.get(federation + "/sites", auth=stack.staff_auth()).json()
        if s["site_id"] in sent
    ]
    assert len(sites) == len(sent)
    assert {s["district"] for s in sites} == {"yaya"}
