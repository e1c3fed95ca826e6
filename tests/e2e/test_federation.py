"""The centre sees every district, and a district keeps working while its link is cut.

Real RabbitMQ nodes (one per instance), the centre's links to the districts through
proxies the test cuts, every service as a process on PostgreSQL.
"""

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import aio_pika
import httpx
import msgspec
import pytest

from imc_contracts import EVENT_CHANGED, HEARTBEAT, EventChanged, Heartbeat, encode, names
from imc_contracts.examples import example
from imc_local.definitions import Upstream, upstream_uri
from imc_local.flow import wait_for
from imc_local.links import add_link, list_links, remove_link
from imc_local.postgres import PostgresCluster
from imc_local.proxy import TcpProxy
from imc_local.stack import LINK_USER, SERVICE_USER, Stack

pytestmark = pytest.mark.e2e

CHANGES_WHILE_CUT = 120
"""Events planned in the cut-off district; with edits and cancellations, more than
two hundred changes cross when the link returns."""


def get(stack: Stack, url: str, **params: Any) -> Any:
    """GET as whoever runs the instance the URL belongs to."""
    response = httpx.get(url, params=params, timeout=30, auth=stack.staff_auth())
    response.raise_for_status()
    return response.json()


def send(stack: Stack, method: str, url: str, body: dict[str, Any]) -> Any:
    response = httpx.request(method, url, json=body, timeout=30, auth=stack.staff_auth())
    assert response.status_code < 300, response.text
    return response.json()


def urls(stack: Stack, instance: str) -> dict[str, str]:
    return {
        name: process.url
        for name, process in next(i for i in stack.instances if i.code == instance).services.items()
    }


def link(stack: Stack, district: str) -> dict[str, Any]:
    rows = get(stack, urls(stack, stack.centre.code)["federation"] + "/links")
    return next(row for row in rows if row["district"] == district)


def wait_link(stack: Stack, district: str, state: str, timeout: float = 90) -> dict[str, Any]:
    return wait_for(
        f"link {district} {state}",
        lambda: (row := link(stack, district))["state"] == state and row,
        timeout=timeout,
    )


def district_events(stack: Stack, district: str) -> dict[str, tuple[str, str]]:
    rows = get(stack, urls(stack, district)["scheduling"] + "/events/")
    return {row["id"]: (row["title"], row["status"]) for row in rows}


def centre_events(stack: Stack, district: str) -> dict[str, tuple[str, str]]:
    rows = get(stack, urls(stack, stack.centre.code)["federation"] + "/events", district=district)
    ids = [row["event_id"] for row in rows]
    assert len(ids) == len(set(ids)), "the centre holds an event twice"
    return {row["event_id"]: (row["title"], row["status"]) for row in rows}


def converged(stack: Stack, district: str) -> Callable[[], bool]:
    return lambda: centre_events(stack, district) == district_events(stack, district)


def plan_events(stack: Stack, district: str, count: int, *, tag: str) -> list[dict[str, Any]]:
    scheduling = urls(stack, district)["scheduling"]
    start = datetime(2027, 2, 1, 9, 0, tzinfo=UTC) + timedelta(days=hash(tag) % 200)
    planned = []
    for number in range(count):
        begins = start + timedelta(hours=3 * number)
        planned.append(
            send(
                stack,
                "POST",
                scheduling + "/events/",
                {
                    "title": f"Семинар «Функциональная грамотность» № {number + 1} ({tag})",
                    "form": "seminar",
                    "level": "municipal",
                    "organiser_kind": "imc",
                    "organiser_name": "МБУ ИМЦ",
                    "starts_at": begins.isoformat(),
                    "ends_at": (begins + timedelta(hours=2)).isoformat(),
                    "venue": f"кабинет {number % 7 + 1}, {tag}",
                    "hours": 2,
                    "audience_subjects": ["математика"],
                },
            )
        )
    return planned


def test_a_district_works_while_its_link_is_cut_and_the_centre_catches_up_exactly(
    stack: Stack, links: dict[str, TcpProxy]
) -> None:
    wait_link(stack, "yaya", "up")
    wait_for("the centre to hold yaya's events", converged(stack, "yaya"))

    links["yaya"].cut()
    scheduling = urls(stack, "yaya")["scheduling"]
    planned = plan_events(stack, "yaya", CHANGES_WHILE_CUT, tag="разрыв связи")
    for event in planned[::2]:
        send(
            stack,
            "PATCH",
            f"{scheduling}/events/{event['id']}",
            {"title": event["title"] + ", изм."},
        )
    for event in planned[::5]:
        send(stack, "POST", f"{scheduling}/events/{event['id']}/cancel", {"reason": "перенос"})
    plan = send(
        stack,
        "POST",
        scheduling + "/plans/",
        {
            "kind": "imc",
            "title": "План работы ИМЦ на 2026/2027 учебный год",
            "school_year": "2026/2027",
        },
    )

    down = wait_link(stack, "yaya", "down", timeout=60)
    assert down["state_title"]
    alerted = wait_for("an alert on the cut link", lambda: link(stack, "yaya")["alert"], 60)
    assert alerted
    assert link(stack, "mariinsk")["state"] == "up"  # the other district is not affected
    assert len(district_events(stack, "yaya")) >= CHANGES_WHILE_CUT  # yaya kept working

    links["yaya"].restore()
    wait_for("the centre to converge on yaya", converged(stack, "yaya"), timeout=120)
    back = wait_link(stack, "yaya", "up")
    assert back["alert"] is False
    plans = get(stack, urls(stack, stack.centre.code)["federation"] + "/plans", district="yaya")
    assert plan["id"] in {row["plan_id"] for row in plans}


def test_a_centre_rebuilt_from_empty_resyncs_to_the_same_state(
    stack: Stack, postgres: PostgresCluster
) -> None:
    centre = stack.centre.code
    federation = stack.service(centre, "federation")
    for district in ("yaya", "mariinsk"):
        wait_for(f"{district} converged", converged(stack, district), timeout=120)
    sites_before = get(stack, federation.url + "/sites")
    events_before = {d: centre_events(stack, d) for d in ("yaya", "mariinsk")}

    federation.stop()
    database = f"{centre}_federation"
    postgres.drop_database(database)
    postgres.create_database(database)
    federation.start()
    federation.wait_ready(120)

    for district in ("yaya", "mariinsk"):
        wait_for(f"{district} resynced", converged(stack, district), timeout=120)
    assert {d: centre_events(stack, d) for d in ("yaya", "mariinsk")} == events_before

    def key(row: dict[str, Any]) -> tuple[str, str, str]:
        return (row["site_id"], row["status"], row["term_end"])

    expected = sorted(map(key, sites_before))
    wait_for(
        "sites resynced",
        lambda: sorted(map(key, get(stack, federation.url + "/sites"))) == expected,
    )


def centre_event_in(stack: Stack, district: str, event_id: str) -> Callable[[], Any]:
    def probe() -> Any:
        rows = get(stack, urls(stack, district)["scheduling"] + "/centre-events/")
        return next((row for row in rows if row["event_id"] == event_id), None)

    return probe


def test_inter_municipal_events_go_down_to_every_district(stack: Stack) -> None:
    centre = urls(stack, stack.centre.code)
    begins = datetime(2027, 3, 15, 5, 0, tzinfo=UTC)
    event = send(
        stack,
        "POST",
        centre["scheduling"] + "/events/",
        {
            "title": "Межмуниципальная конференция «Наставничество в образовании»",
            "form": "conference",
            "level": "intermunicipal",
            "organiser_kind": "imc",
            "organiser_name": "ММЦ",
            "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=4)).isoformat(),
            "venue": "г. Бугуруслан, ул. Ленина, 1",
            "hours": 4,
        },
    )
    for district in ("yaya", "mariinsk"):
        down = wait_for(
            f"the centre's event in {district}", centre_event_in(stack, district, event["id"])
        )
        assert down["title"] == event["title"]
    calendar = wait_for(
        "the centre's own event in its calendar",
        lambda: [
            row
            for row in get(stack, centre["federation"] + "/events", district=stack.centre.code)
            if row["event_id"] == event["id"]
        ],
    )
    assert calendar[0]["intermunicipal"] is True

    # a teacher of yaya registers for it: the name goes up to the centre only, the
    # centre's answer comes back down, and mariinsk learns nothing about it
    yaya = urls(stack, "yaya")["scheduling"]
    asked = send(
        stack,
        "POST",
        f"{yaya}/centre-events/{event['id']}/registrations",
        {"person_id": str(uuid4()), "full_name": "Карпенко Юлия Сергеевна"},
    )
    assert asked["status"] == "requested"
    answered = wait_for(
        "the centre's answer in yaya",
        lambda: next(
            (
                row
                for row in get(stack, f"{yaya}/centre-events/{event['id']}/registrations")
                if row["id"] == asked["id"] and row["status"] == "confirmed"
            ),
            None,
        ),
    )
    assert answered["status_title"]
    listed = get(stack, f"{centre['scheduling']}/events/{event['id']}/registrations")
    names_at_centre = json.dumps(listed, ensure_ascii=False)
    assert "Карпенко Юлия Сергеевна" in names_at_centre
    mariinsk = urls(stack, "mariinsk")["scheduling"]
    assert get(stack, f"{mariinsk}/centre-events/{event['id']}/registrations") == []


async def _publish(url: str, exchange: str, envelope: Any) -> None:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        target = await channel.get_exchange(exchange)
        await target.publish(
            aio_pika.Message(
                encode(envelope),
                message_id=str(envelope.id),
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                content_type="application/json",
            ),
            routing_key=envelope.routing_key,
        )
    finally:
        await connection.close()


async def _dead_letters(url: str, routing_key: str) -> list[dict[str, Any]]:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(
            names.dead_letter_queue(f"federation.districts.{routing_key}"), ensure=True
        )
        found = []
        while (message := await queue.get(no_ack=False, fail=False)) is not None:
            found.append({"body": json.loads(message.body), "headers": dict(message.headers)})
            await message.nack(requeue=True)
            if len(found) > 50:
                break
        return found
    finally:
        await connection.close()


def test_forged_origin_is_dead_lettered_with_its_reason_and_counted(stack: Stack) -> None:
    centre_node = stack.centre.node
    mariinsk_node = next(i for i in stack.districts if i.code == "mariinsk").node
    assert centre_node is not None and mariinsk_node is not None
    password = stack.passwords["service"]
    rejected_before = wait_link(stack, "yaya", "up")["rejected"]
    payload: EventChanged = example(EVENT_CHANGED).payload
    forged = EVENT_CHANGED.new(
        msgspec.structs.replace(payload, event_id=uuid4(), title="Подложное мероприятие"),
        district="yaya",
        source="scheduling",
    )
    # published on the centre's broker directly: no link recorded it
    asyncio.run(_publish(centre_node.url(SERVICE_USER, password), names.DISTRICTS_EXCHANGE, forged))
    # published in mariinsk, claiming to be yaya: the link from mariinsk recorded it
    disguised = HEARTBEAT.new(
        Heartbeat(sequence=1, interval_seconds=1), district="yaya", source="x"
    )
    asyncio.run(
        _publish(mariinsk_node.url(SERVICE_USER, password), names.EVENTS_EXCHANGE, disguised)
    )

    wait_for(
        "both forgeries counted",
        lambda: link(stack, "yaya")["rejected"] >= rejected_before + 2,
    )
    assert str(forged.payload.event_id) not in centre_events(stack, "yaya")
    letters = asyncio.run(
        _dead_letters(centre_node.url(SERVICE_USER, password), EVENT_CHANGED.routing_key)
    )
    mine = [letter for letter in letters if letter["body"]["id"] == str(forged.id)]
    assert mine and "origin" in mine[0]["headers"]["x-imc-error"]


def test_a_removed_link_keeps_the_centres_data_and_a_new_one_catches_up(
    stack: Stack, links: dict[str, TcpProxy]
) -> None:
    centre_node = stack.centre.node
    assert centre_node is not None
    ctl = lambda *args: centre_node.ctl(*args)  # noqa: E731
    wait_for("mariinsk converged", converged(stack, "mariinsk"), timeout=120)
    held = centre_events(stack, "mariinsk")

    remove_link(ctl, "mariinsk")
    assert "mariinsk" not in {row["name"] for row in list_links(ctl)}
    planned = plan_events(stack, "mariinsk", 10, tag="без связи")
    assert centre_events(stack, "mariinsk") == held  # history kept, nothing new

    uri = upstream_uri("127.0.0.1", links["mariinsk"].port, LINK_USER, stack.passwords["link"])
    add_link(ctl, Upstream("mariinsk", uri))
    wait_for("mariinsk caught up", converged(stack, "mariinsk"), timeout=120)
    assert {e["id"] for e in planned} <= set(centre_events(stack, "mariinsk"))
    assert wait_for(
        "the link listed as running",
        lambda: (
            {row["name"]: row["status"] for row in list_links(ctl)}.get("mariinsk") == "running"
        ),
    )


def district_registration(
    stack: Stack, district: str, event_id: str, registration_id: str, status: str
) -> Callable[[], Any]:
    def probe() -> Any:
        rows = get(
            stack, f"{urls(stack, district)['scheduling']}/centre-events/{event_id}/registrations"
        )
        return next(
            (row for row in rows if row["id"] == registration_id and row["status"] == status),
            None,
        )

    return probe


def test_one_seat_of_the_centre_crosses_districts_with_its_waiting_list(stack: Stack) -> None:
    centre = urls(stack, stack.centre.code)
    begins = datetime(2027, 4, 6, 6, 0, tzinfo=UTC)
    event = send(
        stack,
        "POST",
        centre["scheduling"] + "/events/",
        {
            "title": "Межмуниципальный мастер-класс «Задачи с параметром» (одно место)",
            "form": "master_class",
            "level": "intermunicipal",
            "organiser_kind": "imc",
            "organiser_name": "ММЦ",
            "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=2)).isoformat(),
            "venue": "г. Бугуруслан, МБОУ «Лицей № 1», кабинет 21",
            "capacity": 1,
            "hours": 2,
        },
    )
    for district in ("yaya", "mariinsk"):
        wait_for(f"the event in {district}", centre_event_in(stack, district, event["id"]))

    def register(district: str, name: str) -> dict[str, Any]:
        scheduling = urls(stack, district)["scheduling"]
        return send(
            stack,
            "POST",
            f"{scheduling}/centre-events/{event['id']}/registrations",
            {"person_id": str(uuid4()), "full_name": name},
        )

    first = register("yaya", "Белова Марина Александровна")
    wait_for(
        "yaya's teacher takes the seat",
        district_registration(stack, "yaya", event["id"], first["id"], "confirmed"),
    )
    second = register("mariinsk", "Орлова Наталья Петровна")
    waiting = wait_for(
        "mariinsk's teacher on the waiting list",
        district_registration(stack, "mariinsk", event["id"], second["id"], "waiting"),
    )
    assert waiting["queue_number"] == 1

    yaya = urls(stack, "yaya")["scheduling"]
    response = httpx.delete(
        f"{yaya}/centre-events/{event['id']}/registrations/{first['id']}",
        timeout=30,
        auth=stack.auth("yaya"),
    )
    assert response.status_code == 200, response.text
    wait_for(
        "mariinsk's teacher moves up to the seat",
        district_registration(stack, "mariinsk", event["id"], second["id"], "confirmed"),
    )
    wait_for(
        "yaya's withdrawal confirmed",
        district_registration(stack, "yaya", event["id"], first["id"], "cancelled"),
    )
    seats = wait_for(
        "the centre's event counts",
        lambda: [
            row
            for row in get(stack, centre["federation"] + "/events", district=stack.centre.code)
            if row["event_id"] == event["id"] and row["registered"] == 1
        ],
    )
    assert seats[0]["capacity"] == 1
