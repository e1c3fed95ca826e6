"""The federation under test: three RabbitMQ nodes, PostgreSQL and an SMTP server,
all started by the tests, and every service as a real process. Every service trusts
the stack's key pairs; the tests sign their calls with its portal key (``stack.auth``,
or the ``api`` client, which signs for whichever instance a URL belongs to)."""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from imc_local import demo, flow
from imc_local.accounts import load_accounts
from imc_local.mailbox import Mailbox, start_mailbox
from imc_local.postgres import PostgresCluster, start_postgres
from imc_local.proxy import TcpProxy
from imc_local.stack import Stack, build_stack, start_brokers

LINK_DOWN_ALERT_SECONDS = 8
HEARTBEAT_SECONDS = 2


@pytest.fixture(scope="session")
def demo_data() -> dict:
    return demo.load()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    cluster = start_postgres(tmp_path_factory.mktemp("pg"), durable=False)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    controller, box = start_mailbox()
    box.port = controller.port  # type: ignore[attr-defined]
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def links() -> Iterator[dict[str, TcpProxy]]:
    """The centre's federation link to each district goes through a proxy the tests
    can cut; filled in when the brokers start."""
    proxies: dict[str, TcpProxy] = {}
    yield proxies
    for proxy in proxies.values():
        proxy.stop()


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    postgres: PostgresCluster,
    mailbox: Mailbox,
    demo_data: dict,
    links: dict[str, TcpProxy],
) -> Iterator[Stack]:
    base: Path = tmp_path_factory.mktemp("federation")
    districts, centre = demo.district_specs(demo_data), demo.centre_spec(demo_data)
    for instance in [*(d.code for d in districts), centre.code]:
        for service in (
            "registry",
            "applications",
            "scheduling",
            "documents",
            "notifications",
            "growth",
            "analytics",
            "resources",
            "federation",
            "portal",
        ):
            postgres.create_database(f"{instance}_{service}")

    def through_proxy(code: str, port: int) -> int:
        links[code] = TcpProxy(("127.0.0.1", port)).start()
        return links[code].port

    nodes, passwords = start_brokers(
        base, districts, centre, unique=f"t{os.getpid()}", link_port=through_proxy
    )
    running = build_stack(
        base_dir=base,
        districts=districts,
        centre=centre,
        nodes=nodes,
        passwords=passwords,
        database_url=lambda code, service: postgres.url(f"{code}_{service}"),
        smtp=("127.0.0.1", mailbox.port),  # type: ignore[attr-defined]
        link_urls={code: f"amqp://127.0.0.1:{proxy.port}" for code, proxy in links.items()},
        extra_env={
            "registry": {"IMC_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS)},
            "federation": {"IMC_LINK_DOWN_ALERT_SECONDS": str(LINK_DOWN_ALERT_SECONDS)},
        },
    )
    try:
        running.start_services()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def api(stack: Stack) -> Iterator[httpx.Client]:
    """An HTTP client signing each call as whoever runs the instance it reaches."""
    with httpx.Client(auth=stack.staff_auth(), timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def registered(stack: Stack, demo_data: dict) -> dict[str, flow.Registered]:
    """What `make run` loads: organisations, people, councils, calendars and plans."""
    return flow.load_organisations(stack.endpoints(), demo_data, stack.auth)


@pytest.fixture(scope="session")
def assigned(stack: Stack, demo_data: dict, registered: dict[str, flow.Registered]) -> list[dict]:
    """`make flow` once: each district's school and the centre's lyceum get their status."""
    return flow.run(stack.endpoints(), demo_data, stack.auth, log=lambda _: None)


@pytest.fixture(scope="session")
def portal_accounts(
    stack: Stack, demo_data: dict, registered: dict[str, flow.Registered]
) -> dict[str, bool]:
    """The demo accounts of every portal, loaded as `make run` loads them."""
    loaded = load_accounts(stack, demo_data, registered)
    assert all(loaded.values()), loaded
    return loaded


PortalLogin = Callable[[str, str], httpx.Client]


@pytest.fixture(scope="session")
def portal_login(
    stack: Stack, demo_data: dict, portal_accounts: dict[str, bool]
) -> Iterator[PortalLogin]:
    """Log in to an instance's portal through its form, as a person would: the client
    keeps the session cookie; closed at the end of the session."""
    clients: list[httpx.Client] = []

    def login(code: str, account: str) -> httpx.Client:
        base = stack.endpoints()[code]["services"]["portal"]
        client = httpx.Client(base_url=base, timeout=30)
        clients.append(client)
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token, form.text
        answer = client.post(
            "/login",
            data={
                "csrf_token": token.group(1),
                "login": account,
                "password": demo.password(demo_data),
                "next": "/",
            },
        )
        assert answer.status_code == 303, answer.text
        return client

    yield login
    for client in clients:
        client.close()
