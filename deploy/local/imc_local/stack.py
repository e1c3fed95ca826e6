"""A whole federation on one machine: RabbitMQ nodes, service processes, a mail sink.

Used by ``make run`` (SQLite) and by the end-to-end tests (PostgreSQL). Each instance
(district or centre) gets its own private RabbitMQ node; the centre's node federates
``imc.events`` of every district into its ``imc.districts``.
"""

import json
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imc_contracts.names import CENTRE_EXCHANGE
from imc_local.definitions import (
    Upstream,
    centre_definitions,
    district_account,
    district_definitions,
    upstream_uri,
)
from imc_local.ports import free_port
from imc_local.processes import ServiceProcess
from imc_local.rabbit import RabbitNode, start_rabbit_node, wait_ready

DISTRICT_SERVICES = (
    "registry",
    "applications",
    "scheduling",
    "documents",
    "notifications",
    "portal",
)
CENTRE_SERVICES = (*DISTRICT_SERVICES, "federation")
HEARTBEAT_SECONDS = 5
"""How often a district tells its centre it is alive (the demo uses a short beat)."""
SERVICE_USER = "imc"
LINK_USER = "centre-link"

DatabaseUrl = Callable[[str, str], str]
"""(instance code, service) -> SQLAlchemy async URL."""


@dataclass(frozen=True)
class DistrictSpec:
    """A district IMC: its code, names and letterhead."""

    code: str
    name: str
    imc_name: str
    place: str
    signatory_name: str
    signatory_position: str
    issuers: str = ""
    """JSON of the bodies that issue orders (``IMC_ISSUERS`` of applications)."""


@dataclass(frozen=True)
class CentreSpec:
    """The inter-municipal centre: the IMC of the lead town, which also runs the
    town's own registry, applications, documents and notifications (002 §1.4, §8)."""

    code: str
    name: str
    short_name: str = ""
    imc_name: str = ""
    place: str = ""
    signatory_name: str = ""
    signatory_position: str = ""
    issuers: str = ""


@dataclass
class Instance:
    """One instance: its broker node and its service processes."""

    code: str
    name: str
    kind: str
    node: RabbitNode | None = None
    broker_url: str = ""
    services: dict[str, ServiceProcess] = field(default_factory=dict)


@dataclass
class Stack:
    """A running federation."""

    base_dir: Path
    districts: list[Instance]
    centre: Instance
    smtp: tuple[str, int]
    passwords: dict[str, str]

    @property
    def instances(self) -> list[Instance]:
        """Districts, then the centre."""
        return [*self.districts, self.centre]

    def service(self, instance: str, service: str) -> ServiceProcess:
        """A service process by instance code and service name."""
        return next(i for i in self.instances if i.code == instance).services[service]

    def endpoints(self) -> dict[str, Any]:
        """URLs of every service and broker, as written to ``endpoints.json``."""
        return {
            instance.code: {
                "name": instance.name,
                "kind": instance.kind,
                "broker": instance.node.host_url if instance.node else None,
                "services": {name: p.url for name, p in instance.services.items()},
            }
            for instance in self.instances
        }

    def start_services(self, timeout: float = 180.0) -> None:
        """Start every service process and wait until all are ready."""
        processes = [p for i in self.instances for p in i.services.values()]
        for process in processes:
            process.start()
        with ThreadPoolExecutor(max_workers=len(processes)) as pool:
            for future in [pool.submit(p.wait_ready, timeout) for p in processes]:
                future.result()

    def stop(self) -> None:
        """Stop every service, then every broker node (each group in parallel)."""
        processes = [p for i in self.instances for p in i.services.values()]
        nodes = [i.node for i in self.instances if i.node is not None]
        with ThreadPoolExecutor(max_workers=max(len(processes), 1)) as pool:
            list(pool.map(lambda process: process.stop(), processes))
        with ThreadPoolExecutor(max_workers=max(len(nodes), 1)) as pool:
            list(pool.map(lambda node: node.stop(), nodes))


def node_name(code: str, unique: str) -> str:
    """Erlang node (and cluster) name of an instance's private RabbitMQ node."""
    return f"imc-{code}-{unique}"


def start_brokers(
    base_dir: Path,
    districts: list[DistrictSpec],
    centre: CentreSpec,
    *,
    unique: str,
    link_port: Callable[[str, int], int] | None = None,
) -> tuple[dict[str, RabbitNode], dict[str, str]]:
    """Start one RabbitMQ node per instance: the centre federates every district's
    ``imc.events`` up, every district federates the centre's ``imc.centre`` down.

    ``link_port(code, port)`` gives the port the centre's link to a district dials
    instead of the district node's own (a proxy the tests can cut)."""
    passwords = {
        "service": secrets.token_urlsafe(12),
        "link": secrets.token_urlsafe(12),
        **{f"district-{d.code}": secrets.token_urlsafe(12) for d in districts},
    }
    ports = {d.code: free_port() for d in districts}
    ports[centre.code] = free_port()
    specs: list[tuple[str, dict[str, Any]]] = []
    for district in districts:
        account = f"district-{district.code}"
        definitions = district_definitions(
            district.code,
            service_user=SERVICE_USER,
            service_password=passwords["service"],
            link_user=LINK_USER,
            link_password=passwords["link"],
            centre=Upstream(
                "centre",
                upstream_uri("127.0.0.1", ports[centre.code], account, passwords[account]),
                exchange=CENTRE_EXCHANGE,
            ),
        )
        specs.append((node_name(district.code, unique), definitions))
    dial = {
        d.code: link_port(d.code, ports[d.code]) if link_port else ports[d.code] for d in districts
    }
    upstreams = {
        d.code: upstream_uri("127.0.0.1", dial[d.code], LINK_USER, passwords["link"])
        for d in districts
    }
    accounts = {
        d.code: district_account(
            d.code, passwords[f"district-{d.code}"], downstream=node_name(d.code, unique)
        )
        for d in districts
    }
    specs.append(
        (
            node_name(centre.code, unique),
            centre_definitions(
                centre.code,
                service_user=SERVICE_USER,
                service_password=passwords["service"],
                upstreams=upstreams,
                district_accounts=accounts,
            ),
        )
    )
    codes = [*(d.code for d in districts), centre.code]
    nodes: list[RabbitNode] = []
    try:
        for (name, definitions), code in zip(specs, codes, strict=True):
            nodes.append(
                start_rabbit_node(
                    name, base_dir / "rabbitmq", definitions, amqp_port=ports[code], wait=False
                )
            )
        for node in nodes:
            wait_ready(node)
    except BaseException:
        for node in nodes:
            node.stop()
        raise
    return dict(zip(codes, nodes, strict=True)), passwords


def build_stack(
    *,
    base_dir: Path,
    districts: list[DistrictSpec],
    centre: CentreSpec,
    nodes: dict[str, RabbitNode],
    passwords: dict[str, str],
    database_url: DatabaseUrl,
    smtp: tuple[str, int],
    link_urls: dict[str, str] | None = None,
    extra_env: dict[str, dict[str, str]] | None = None,
) -> Stack:
    """Describe every service process of the federation (not started yet).

    ``link_urls`` are the district addresses the centre's links dial, when not the
    nodes' own (see ``start_brokers``); ``extra_env`` adds settings per service name."""
    stack = Stack(
        base_dir=base_dir,
        districts=[],
        centre=Instance(centre.code, centre.name, "centre"),
        smtp=smtp,
        passwords=passwords,
    )
    links = link_urls or {}
    federated = {
        d.code: {"name": d.name, "upstream": links.get(d.code, nodes[d.code].host_url)}
        for d in districts
    }
    centre_upstream = nodes[centre.code].host_url
    for spec in districts:
        instance = Instance(spec.code, spec.name, "district", node=nodes[spec.code])
        _instance_services(
            instance,
            spec,
            base_dir=base_dir,
            passwords=passwords,
            database_url=database_url,
            smtp=smtp,
            extra={
                "registry": {
                    "IMC_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
                    "IMC_CENTRE_UPSTREAM": centre_upstream,
                },
                "scheduling": {"IMC_CENTRE_UPSTREAM": centre_upstream},
            },
        )
        stack.districts.append(instance)
    centre_instance = stack.centre
    centre_instance.node = nodes[centre.code]
    districts_json = json.dumps(federated, ensure_ascii=False)
    federation_url = _instance_services(
        centre_instance,
        centre,
        base_dir=base_dir,
        passwords=passwords,
        database_url=database_url,
        smtp=smtp,
        extra={
            "scheduling": {"IMC_INSTANCE_KIND": "centre", "IMC_DISTRICTS": districts_json},
            "federation": {"IMC_DISTRICTS": districts_json},
        },
        services=CENTRE_SERVICES,
    )
    centre_instance.services["portal"].env.update(
        {
            "IMC_MODE": "centre",
            "IMC_FEDERATION_URL": federation_url,
            "IMC_DISTRICT_NAME": centre.short_name or centre.name,
            "IMC_SITE_TITLE": centre.name,
        }
    )
    for instance in stack.instances:
        for service, process in instance.services.items():
            process.env.update((extra_env or {}).get(service, {}))
    return stack


def _instance_services(
    instance: Instance,
    spec: DistrictSpec | CentreSpec,
    *,
    base_dir: Path,
    passwords: dict[str, str],
    database_url: DatabaseUrl,
    smtp: tuple[str, int],
    extra: dict[str, dict[str, str]],
    services: tuple[str, ...] = DISTRICT_SERVICES,
) -> str:
    """Describe the service processes of one instance; returns the URL of the last
    service (the centre's aggregator)."""
    assert instance.node is not None
    instance.broker_url = instance.node.url(SERVICE_USER, passwords["service"])
    ports = {service: free_port() for service in services}
    urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
    common = {
        "applications": {
            "IMC_REGISTRY_URL": urls["registry"],
            **({"IMC_ISSUERS": spec.issuers} if spec.issuers else {}),
        },
        "documents": {
            "IMC_AUTHORITY": spec.imc_name or spec.name,
            "IMC_PLACE": spec.place,
            "IMC_SIGNATORY_NAME": spec.signatory_name,
            "IMC_SIGNATORY_POSITION": spec.signatory_position,
        },
        "notifications": {
            "IMC_SMTP_HOST": smtp[0],
            "IMC_SMTP_PORT": str(smtp[1]),
            "IMC_MAIL_FROM": f"imc@{spec.code}.example.ru",
            "IMC_MAIL_FROM_NAME": spec.imc_name or spec.name,
            "IMC_DOCUMENTS_URL": urls["documents"],
            "IMC_PORTAL_URL": urls["portal"],
        },
        "portal": {"IMC_MODE": "district", "IMC_REGISTRY_URL": urls["registry"]},
    }
    for service in services:
        instance.services[service] = _process(
            base_dir,
            instance,
            service,
            ports[service],
            database_url,
            {
                **common.get(service, {}),
                **extra.get(service, {}),
                "IMC_STORAGE_DIR": str(base_dir / "files" / spec.code / service),
            },
        )
    return urls[services[-1]]


def _process(
    base_dir: Path,
    instance: Instance,
    service: str,
    port: int,
    database_url: DatabaseUrl,
    extra: dict[str, str],
) -> ServiceProcess:
    env = {
        "IMC_DISTRICT": instance.code,
        "IMC_DISTRICT_NAME": instance.name,
        "IMC_HTTP_PORT": str(port),
        "IMC_BROKER_URL": instance.broker_url,
        "IMC_DATABASE_URL": database_url(instance.code, service),
        "IMC_LOG_JSON": os.environ.get("IMC_LOG_JSON", "true"),
        **extra,
    }
    return ServiceProcess(
        instance=instance.code,
        service=service,
        module=f"imc_{service}",
        port=port,
        env=env,
        log_path=base_dir / "logs" / f"{instance.code}-{service}.log",
    )
