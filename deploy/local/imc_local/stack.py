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

from imc_local.definitions import centre_definitions, district_definitions, upstream_uri
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
CENTRE_SERVICES = ("federation", "portal")
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
    """The inter-municipal centre."""

    code: str
    name: str
    short_name: str = ""


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


def start_brokers(
    base_dir: Path, districts: list[DistrictSpec], centre: CentreSpec, *, unique: str
) -> tuple[dict[str, RabbitNode], dict[str, str]]:
    """Start one RabbitMQ node per instance, the centre federating every district."""
    passwords = {"service": secrets.token_urlsafe(12), "link": secrets.token_urlsafe(12)}
    ports = {d.code: free_port() for d in districts}
    specs: list[tuple[str, dict[str, Any]]] = []
    for district in districts:
        definitions = district_definitions(
            district.code,
            service_user=SERVICE_USER,
            service_password=passwords["service"],
            link_user=LINK_USER,
            link_password=passwords["link"],
        )
        specs.append((f"imc-{district.code}-{unique}", definitions))
    upstreams = {
        d.code: upstream_uri("127.0.0.1", ports[d.code], LINK_USER, passwords["link"])
        for d in districts
    }
    specs.append(
        (
            f"imc-{centre.code}-{unique}",
            centre_definitions(
                centre.code,
                service_user=SERVICE_USER,
                service_password=passwords["service"],
                upstreams=upstreams,
            ),
        )
    )
    node_ports = [*(ports[d.code] for d in districts), free_port()]
    nodes: list[RabbitNode] = []
    try:
        for (name, definitions), port in zip(specs, node_ports, strict=True):
            nodes.append(
                start_rabbit_node(
                    name, base_dir / "rabbitmq", definitions, amqp_port=port, wait=False
                )
            )
        for node in nodes:
            wait_ready(node)
    except BaseException:
        for node in nodes:
            node.stop()
        raise
    codes = [*(d.code for d in districts), centre.code]
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
) -> Stack:
    """Describe every service process of the federation (not started yet)."""
    stack = Stack(
        base_dir=base_dir,
        districts=[],
        centre=Instance(centre.code, centre.name, "centre"),
        smtp=smtp,
        passwords=passwords,
    )
    for spec in districts:
        instance = Instance(spec.code, spec.name, "district", node=nodes[spec.code])
        instance.broker_url = instance.node.url(SERVICE_USER, passwords["service"])  # type: ignore[union-attr]
        ports = {service: free_port() for service in DISTRICT_SERVICES}
        urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
        extra = {
            "applications": {
                "IMC_REGISTRY_URL": urls["registry"],
                **({"IMC_ISSUERS": spec.issuers} if spec.issuers else {}),
            },
            "documents": {
                "IMC_AUTHORITY": spec.imc_name,
                "IMC_PLACE": spec.place,
                "IMC_SIGNATORY_NAME": spec.signatory_name,
                "IMC_SIGNATORY_POSITION": spec.signatory_position,
            },
            "notifications": {
                "IMC_SMTP_HOST": smtp[0],
                "IMC_SMTP_PORT": str(smtp[1]),
                "IMC_MAIL_FROM": f"imc@{spec.code}.example.ru",
                "IMC_MAIL_FROM_NAME": spec.imc_name,
                "IMC_DOCUMENTS_URL": urls["documents"],
                "IMC_PORTAL_URL": urls["portal"],
            },
            "portal": {"IMC_MODE": "district", "IMC_REGISTRY_URL": urls["registry"]},
        }
        for service in DISTRICT_SERVICES:
            instance.services[service] = _process(
                base_dir,
                instance,
                service,
                ports[service],
                database_url,
                {
                    **extra.get(service, {}),
                    "IMC_STORAGE_DIR": str(base_dir / "files" / spec.code / service),
                },
            )
        stack.districts.append(instance)
    centre_instance = stack.centre
    centre_instance.node = nodes[centre.code]
    centre_instance.broker_url = centre_instance.node.url(SERVICE_USER, passwords["service"])
    federated = {d.code: {"name": d.name, "upstream": nodes[d.code].host_url} for d in districts}
    federation_port, portal_port = free_port(), free_port()
    centre_instance.services["federation"] = _process(
        base_dir,
        centre_instance,
        "federation",
        federation_port,
        database_url,
        {"IMC_DISTRICTS": json.dumps(federated, ensure_ascii=False)},
    )
    centre_instance.services["portal"] = _process(
        base_dir,
        centre_instance,
        "portal",
        portal_port,
        database_url,
        {
            "IMC_MODE": "centre",
            "IMC_FEDERATION_URL": f"http://127.0.0.1:{federation_port}",
            "IMC_DISTRICT_NAME": centre.short_name or centre.name,
            "IMC_SITE_TITLE": centre.name,
        },
    )
    return stack


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
