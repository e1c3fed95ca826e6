"""RabbitMQ definitions (the ``rabbitmqctl export_definitions`` format) for IMC nodes.

A district node carries the integration-event exchanges and a link user the centre's
federation uses; the centre node has the same plus ``imc.districts``, federated from
every district's ``imc.events``.
"""

import base64
import hashlib
import os
from typing import Any
from urllib.parse import quote

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


def district_definitions(
    district: str,
    *,
    service_user: str,
    service_password: str,
    link_user: str,
    link_password: str,
) -> Definitions:
    """Definitions of a district node.

    ``service_user`` has full rights; ``link_user`` may only do what the centre's
    federation link needs: declare and consume its ``federation:`` queue and bind it,
    through a ``federation:`` exchange, to ``imc.events``.
    """
    definitions = _instance_definitions(service_user, service_password)
    definitions["users"].append(_user(link_user, link_password, tags=[]))
    definitions["permissions"].append(
        _permissions(
            link_user,
            configure="^federation.*",
            write="^federation.*",
            read=f"^({_regex(EVENTS_EXCHANGE)}|federation.*)$",
        )
    )
    return definitions


def centre_definitions(
    centre: str,
    *,
    service_user: str,
    service_password: str,
    upstreams: dict[str, str],
) -> Definitions:
    """Definitions of the centre node.

    ``upstreams`` maps a district code to the AMQP URI (with the district's link
    credentials) of that district's node; each becomes a ``federation-upstream``
    parameter, and a policy federates ``imc.districts`` from all of them.
    """
    definitions = _instance_definitions(service_user, service_password)
    definitions["exchanges"].append(_exchange(DISTRICTS_EXCHANGE, "topic"))
    for district, uri in sorted(upstreams.items()):
        definitions["parameters"].append(
            {
                "vhost": VHOST,
                "component": "federation-upstream",
                "name": district,
                "value": {
                    "uri": uri,
                    "exchange": EVENTS_EXCHANGE,
                    "ack-mode": "on-confirm",
                    "max-hops": 1,
                    "trust-user-id": False,
                    "resource-cleanup-mode": "never",
                    "reconnect-delay": 2,
                },
            }
        )
    definitions["policies"].append(
        {
            "vhost": VHOST,
            "name": FEDERATION_POLICY,
            "pattern": f"^{_regex(DISTRICTS_EXCHANGE)}$",
            "apply-to": "exchanges",
            "definition": {"federation-upstream-set": "all"},
            "priority": 10,
        }
    )
    return definitions


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
