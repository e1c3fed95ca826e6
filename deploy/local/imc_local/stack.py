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
from urllib.parse import urlsplit

import httpx

from imc_contracts.names import CENTRE_EXCHANGE
from imc_local.definitions import (
    Upstream,
    centre_definitions,
    district_account,
    district_definitions,
    upstream_uri,
)
from imc_local.keys import LAUNCHER_ACTOR, StackKeys, staff_role
from imc_local.ports import free_port
from imc_local.processes import ServiceProcess
from imc_local.rabbit import RabbitNode, start_rabbit_node, wait_ready
from imc_shared.auth import Role

DISTRICT_SERVICES = (
    "registry",
    "applications",
    "scheduling",
    "documents",
    "notifications",
    "growth",
    "analytics",
    "resources",
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
    time_zone: str = "Asia/Novokuznetsk"
    """Where the district is: its dates of orders, deadlines and the times people see."""


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
    time_zone: str = "Asia/Yekaterinburg"


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
    keys: StackKeys = field(default_factory=StackKeys.generate)
    """The portal's and the services' key pairs every service of the stack trusts."""

    @property
    def instances(self) -> list[Instance]:
        """Districts, then the centre."""
        return [*self.districts, self.centre]

    def service(self, instance: str, service: str) -> ServiceProcess:
        """A service process by instance code and service name."""
        return next(i for i in self.instances if i.code == instance).services[service]

    def instance(self, code: str) -> Instance:
        """An instance by its code."""
        return next(i for i in self.instances if i.code == code)

    def auth(self, district: str, role: Role | None = None, **claims: Any) -> httpx.Auth:
        """httpx auth for a person of ``district`` with ``role`` (by default whoever runs
        the instance: its IMC administrator, the centre's coordinator), signed with the
        stack's portal key, a fresh token per request. ``claims``: ``name`` (the launcher's
        actor by default), ``subject``, ``organisation_id``, ``person_id``."""
        chosen = role or staff_role(self.instance(district).kind)
        return self.keys.auth(district, chosen, **claims)

    def staff_auth(self, name: str = LAUNCHER_ACTOR) -> httpx.Auth:
        """httpx auth that signs, per request, for the instance whose service the URL
        names, as whoever runs that instance (see :meth:`auth`)."""
        return _InstanceStaffAuth(self, name)

    def instance_of(self, url: str | httpx.URL) -> Instance:
        """The instance one of whose services listens at ``url``."""
        parts = urlsplit(str(url))
        for instance in self.instances:
            for process in instance.services.values():
                if process.port == parts.port and parts.hostname in ("127.0.0.1", "localhost"):
                    return instance
        raise LookupError(f"no service of the stack listens at {url}")

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


class _InstanceStaffAuth(httpx.Auth):
    """Signs each request for the instance its URL belongs to."""

    def __init__(self, stack: Stack, name: str) -> None:
        self.stack = stack
        self.name = name

    def auth_flow(self, request: httpx.Request) -> Any:
        instance = self.stack.instance_of(request.url)
        token = self.stack.keys.token(instance.code, staff_role(instance.kind), name=self.name)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request


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
    keys: StackKeys | None = None,
) -> Stack:
    """Describe every service process of the federation (not started yet).

    ``link_urls`` are the district addresses the centre's links dial, when not the
    nodes' own (see ``start_brokers``); ``extra_env`` adds settings per service name;
    ``keys`` are the key pairs every service trusts (new ones unless given)."""
    stack = Stack(
        base_dir=base_dir,
        districts=[],
        centre=Instance(centre.code, centre.name, "centre"),
        smtp=smtp,
        passwords=passwords,
        keys=keys or StackKeys.generate(),
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
            keys=stack.keys,
            database_url=database_url,
            smtp=smtp,
            extra={
                "registry": {
                    "IMC_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
                    "IMC_CENTRE_UPSTREAM": centre_upstream,
                },
                "scheduling": {"IMC_CENTRE_UPSTREAM": centre_upstream},
                "growth": {"IMC_CENTRE_UPSTREAM": centre_upstream},
                "resources": {"IMC_CENTRE_UPSTREAM": centre_upstream},
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
        keys=stack.keys,
        database_url=database_url,
        smtp=smtp,
        extra={
            "scheduling": {"IMC_INSTANCE_KIND": "centre", "IMC_DISTRICTS": districts_json},
            "growth": {"IMC_INSTANCE_KIND": "centre"},
            "analytics": {"IMC_INSTANCE_KIND": "centre", "IMC_DISTRICTS": districts_json},
            "resources": {"IMC_INSTANCE_KIND": "centre", "IMC_DISTRICTS": districts_json},
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
    keys: StackKeys,
    database_url: DatabaseUrl,
    smtp: tuple[str, int],
    extra: dict[str, dict[str, str]],
    services: tuple[str, ...] = DISTRICT_SERVICES,
) -> str:
    """Describe the service processes of one instance; returns the URL of the last
    service (the centre's aggregator).

    Every service trusts both public keys and signs its own calls with the service key;
    the portal signs people's tokens with the portal key and knows every service of its
    instance (the aggregator's URL is added at the centre)."""
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
        "growth": {
            "IMC_DOCUMENTS_URL": urls["documents"],
            "IMC_SIGNATORY_NAME": spec.signatory_name,
            "IMC_SIGNATORY_POSITION": spec.signatory_position,
        },
        "analytics": {
            "IMC_DOCUMENTS_URL": urls["documents"],
            "IMC_SCHEDULING_URL": urls["scheduling"],
            "IMC_GROWTH_URL": urls["growth"],
            "IMC_SIGNATORY_NAME": spec.signatory_name,
            "IMC_SIGNATORY_POSITION": spec.signatory_position,
            "IMC_ORGANISER_NAME": spec.imc_name or spec.name,
        },
        "portal": {
            "IMC_MODE": "district",
            **{
                f"IMC_{service.upper()}_URL": urls[service]
                for service in services
                if service != "portal"
            },
            **keys.portal_env(),
        },
    }
    for service in services:
        instance.services[service] = _process(
            base_dir,
            instance,
            service,
            ports[service],
            database_url,
            {
                **keys.service_env(),
                "IMC_TIME_ZONE": spec.time_zone,
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
