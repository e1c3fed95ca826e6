"""The federation under test: three RabbitMQ nodes, PostgreSQL and an SMTP server,
all started by the tests, and every service as a real process."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from imc_local import demo
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
