"""RabbitMQ definitions (the ``rabbitmqctl export_definitions`` format) for IMC nodes.

A district node carries the integration-event exchanges and a link account the centre's
federation uses; the centre node has the same plus ``imc.districts``, federated from
every district's ``imc.events``, and ``imc.centre``, which the districts federate down.
Link accounts may bind only the routing keys of the federation allowlist
(``imc_contracts.federation``): the broker itself keeps everything else at home.
"""

import base64
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from imc_contracts import federation
from imc_contracts.names import (
    CENTRE_EXCHANGE,
    DEAD_LETTER_EXCHANGE,
    DISTRICTS_EXCHANGE,
    EVENTS_EXCHANGE,
    UNROUTABLE_EXCHANGE,
    UNROUTABLE_QUEUE,
    UNROUTABLE_QUEUE_ARGUMENTS,
)

VHOST = "/"
HASHING_ALGORITHM = "rabbit_password_hashing_sha256"
FEDERATION_POLICY = "imc-federate-districts"
CENTRE_POLICY = "imc-federate-centre"

Definitions = dict[str, Any]


def password_hash(password: str, salt: bytes | None = None) -> str:
    """Hash ``password`` the way RabbitMQ's ``rabbit_password_hashing_sha256`` does.

    The result is base64(salt + sha256(salt + password)) with a 4-byte random salt.
    """
    salt = os.urandom(4) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def upstream_uri(host: str, port: int, user: str, password: str) -> str:
    """AMQP URI a federation link uses to reach an upstream (default vhost ``/``)."""
    return f"amqp://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}"


@dataclass(frozen=True)
class Upstream:
    """Where one of this node's federated exchanges pulls from."""

    name: str
    """Name of the ``federation-upstream`` parameter: the district's code, or ``centre``."""
    uri: str
    """AMQP URI with the link account's credentials (see :func:`upstream_uri`)."""
    exchange: str = EVENTS_EXCHANGE
    """The exchange on the upstream node the link pulls from."""
    max_hops: int = 1
    """1 for a district; 2 when the upstream is itself a centre relaying its districts."""


@dataclass(frozen=True)
class LinkAccount:
    """An account on this node that a downstream node's federation link logs in as.

    It may configure, write and read only federation resources (its link's queue and
    exchange), read only ``exchange``, and bind there only ``routing_keys``: the
    allowlist of what may cross (``imc_contracts.federation``), enforced by this node.
    """

    user: str
    password: str
    exchange: str
    routing_keys: frozenset[str]
    downstream: str = ""
    """Cluster name of the downstream node; set, the account touches only that node's
    link resources (``federation: <exchange> -> <downstream>...``)."""


def link_account_definitions(account: LinkAccount) -> Definitions:
    """The user, permissions and topic permissions of ``account``."""
    own = (
        f"federation: {_regex(account.exchange)} -> {re.escape(account.downstream)}([: ].*)?"
        if account.downstream
        else "federation.*"
    )
    keys = "|".join(_regex(key) for key in sorted(account.routing_keys))
    return {
        "users": [_user(account.user, account.password, tags=[])],
        "permissions": [
            _permissions(
                account.user,
                configure=f"^{own}$",
                write=f"^{own}$",
                read=f"^({_regex(account.exchange)}|{own})$",
            )
        ],
        "topic_permissions": [
            {
                "user": account.user,
                "vhost": VHOST,
                "exchange": account.exchange,
                "write": "^$",
                "read": f"^({keys})$",
            }
        ],
    }


def district_definitions(
    district: str,
    *,
    service_user: str,
    service_password: str,
    link_user: str,
    link_password: str,
    centre: Upstream | None = None,
) -> Definitions:
    """Definitions of a district node.

    ``service_user`` has full rights; ``link_user`` is the centre's account: its link
    may read ``imc.events`` and bind there only the upward allowlist. With ``centre``,
    the district's ``imc.centre`` is federated from the centre's (inter-municipal
    events, plans and decisions, resync requests).
    """
    definitions = _instance_definitions(service_user, service_password)
    _merge(
        definitions,
        link_account_definitions(
            LinkAccount(link_user, link_password, EVENTS_EXCHANGE, federation.UPWARD_KEYS)
        ),
    )
    if centre is not None:
        definitions["parameters"].append(_upstream_parameter(centre))
        definitions["policies"].append(
            federation_policy(CENTRE_POLICY, CENTRE_EXCHANGE, {"federation-upstream": centre.name})
        )
    return definitions


def centre_definitions(
    centre: str,
    *,
    service_user: str,
    service_password: str,
    upstreams: Mapping[str, str | Upstream],
    district_accounts: Mapping[str, LinkAccount] | None = None,
    parent_account: LinkAccount | None = None,
) -> Definitions:
    """Definitions of the centre node.

    ``upstreams`` maps a district code to that district's node (a URI with the link
    credentials, or an :class:`Upstream`); a policy federates ``imc.districts`` from all
    of them. The centre's own upward messages are bound from its ``imc.events`` into
    ``imc.districts`` too, so its aggregator and a regional centre above see them the
    same way; its downward messages (events, plans, answers, resync requests) are bound
    into ``imc.centre``, which every district (account in ``district_accounts``)
    federates down. Services publish only on their own ``imc.events``, whose alternate
    exchange keeps what nobody is bound for yet (a centre with no district linked).
    ``parent_account`` lets a regional centre federate this centre's ``imc.districts``
    (two hops).
    """
    definitions = _instance_definitions(service_user, service_password)
    definitions["exchanges"].append(_exchange(DISTRICTS_EXCHANGE, "topic"))
    for key in sorted(federation.UPWARD_KEYS):
        definitions["bindings"].append(_exchange_binding(EVENTS_EXCHANGE, DISTRICTS_EXCHANGE, key))
    for key in sorted(federation.DOWNWARD_KEYS):
        definitions["bindings"].append(_exchange_binding(EVENTS_EXCHANGE, CENTRE_EXCHANGE, key))
    for district, upstream in sorted(upstreams.items()):
        if isinstance(upstream, str):
            upstream = Upstream(district, upstream)
        definitions["parameters"].append(_upstream_parameter(upstream))
    definitions["policies"].append(
        federation_policy(FEDERATION_POLICY, DISTRICTS_EXCHANGE, {"federation-upstream-set": "all"})
    )
    for account in [
        *(district_accounts or {}).values(),
        *([parent_account] if parent_account else []),
    ]:
        _merge(definitions, link_account_definitions(account))
    return definitions


def district_account(code: str, password: str, *, downstream: str = "") -> LinkAccount:
    """The account district ``code`` logs in as at its centre, to federate ``imc.centre``
    down (only the downward allowlist)."""
    return LinkAccount(
        f"district-{code}", password, CENTRE_EXCHANGE, federation.DOWNWARD_KEYS, downstream
    )


def parent_account(user: str, password: str, *, downstream: str = "") -> LinkAccount:
    """The account a regional centre logs in as, to federate this centre's districts."""
    return LinkAccount(user, password, DISTRICTS_EXCHANGE, federation.UPWARD_KEYS, downstream)


def upstream_value(upstream: Upstream) -> dict[str, Any]:
    """The ``federation-upstream`` parameter value: acknowledged on confirm, no expiry or
    TTL on the upstream's buffer queue (nothing is dropped while the link is down), and
    the buffer kept when the link or its policy is removed (see DESIGN, facts checked)."""
    return {
        "uri": upstream.uri,
        "exchange": upstream.exchange,
        "ack-mode": "on-confirm",
        "max-hops": upstream.max_hops,
        "trust-user-id": False,
        "resource-cleanup-mode": "never",
        "reconnect-delay": 2,
    }


def _upstream_parameter(upstream: Upstream) -> dict[str, Any]:
    return {
        "vhost": VHOST,
        "component": "federation-upstream",
        "name": upstream.name,
        "value": upstream_value(upstream),
    }


def federation_policy(name: str, exchange: str, definition: dict[str, str]) -> dict[str, Any]:
    return {
        "vhost": VHOST,
        "name": name,
        "pattern": f"^{_regex(exchange)}$",
        "apply-to": "exchanges",
        "definition": definition,
        "priority": 10,
    }


def _exchange_binding(source: str, destination: str, key: str) -> dict[str, Any]:
    return {
        "source": source,
        "vhost": VHOST,
        "destination": destination,
        "destination_type": "exchange",
        "routing_key": key,
        "arguments": {},
    }


def _merge(definitions: Definitions, extra: Definitions) -> None:
    for section, items in extra.items():
        definitions[section].extend(items)


def _instance_definitions(user: str, password: str) -> Definitions:
    """What every IMC node has: the service user and the event exchanges."""
    return {
        "rabbit_version": "3.10.8",
        "rabbitmq_version": "3.10.8",
        "users": [_user(user, password, tags=["administrator"])],
        "vhosts": [{"name": VHOST}],
        "permissions": [_permissions(user, configure=".*", write=".*", read=".*")],
        "topic_permissions": [],
        "parameters": [],
        "policies": [],
        "exchanges": [
            _exchange(EVENTS_EXCHANGE, "topic", {"alternate-exchange": UNROUTABLE_EXCHANGE}),
            _exchange(UNROUTABLE_EXCHANGE, "fanout"),
            _exchange(DEAD_LETTER_EXCHANGE, "direct"),
            _exchange(CENTRE_EXCHANGE, "topic"),
        ],
        "queues": [
            {
                "name": UNROUTABLE_QUEUE,
                "vhost": VHOST,
                "durable": True,
                "auto_delete": False,
                "arguments": dict(UNROUTABLE_QUEUE_ARGUMENTS),
            }
        ],
        "bindings": [
            {
                "source": UNROUTABLE_EXCHANGE,
                "vhost": VHOST,
                "destination": UNROUTABLE_QUEUE,
                "destination_type": "queue",
                "routing_key": "",
                "arguments": {},
            }
        ],
    }


def _user(name: str, password: str, *, tags: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "password_hash": password_hash(password),
        "hashing_algorithm": HASHING_ALGORITHM,
        "tags": tags,
        "limits": {},
    }


def _permissions(user: str, *, configure: str, write: str, read: str) -> dict[str, str]:
    return {"user": user, "vhost": VHOST, "configure": configure, "write": write, "read": read}


def _exchange(name: str, kind: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "vhost": VHOST,
        "type": kind,
        "durable": True,
        "auto_delete": False,
        "internal": False,
        "arguments": arguments or {},
    }


def _regex(name: str) -> str:
    """Escape the dots of an exchange name for a permission or policy regex."""
    return name.replace(".", "\\.")
