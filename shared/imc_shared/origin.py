"""Which federation link did a message come over? The broker's record, not the payload.

A federation link writes the upstream it pulled a message from as the first entry of the
``x-received-from`` header on the receiving broker; a publisher cannot forge that entry
(the receiving broker writes it). Consumers of federated exchanges compare it with the
upstream configured for the instance the envelope names.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit


class OriginMismatch(ValueError):
    """The broker-recorded origin does not match what the message claims."""


def normalise(uri: str) -> str:
    """``scheme://host:port/vhost`` of an AMQP URI, credentials dropped.

    The vhost stays: two districts may live in two vhosts of one node, and the broker
    records the vhost in the uri (``amqp://host:port/district01``; nothing for ``/``).
    """
    parts = urlsplit(uri)
    host = parts.hostname or ""
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    vhost = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
    return f"{parts.scheme}://{host}:{port}/{quote(vhost or '/', safe='')}"


def recorded_upstream(headers: Mapping[str, Any]) -> str | None:
    """The upstream URI this broker recorded for a federated message, or ``None`` when
    the message was published on this broker directly (it did not cross a link)."""
    entries = headers.get("x-received-from")
    if not entries:
        return None
    first = entries[0]
    uri = first.get("uri") if isinstance(first, Mapping) else None
    if not uri:
        raise OriginMismatch("x-received-from has no upstream uri")
    return str(uri.decode() if isinstance(uri, bytes) else uri)


def verify_link(headers: Mapping[str, Any], expected_upstream: str) -> None:
    """Raise :class:`OriginMismatch` unless the message came over the link from
    ``expected_upstream``."""
    actual = recorded_upstream(headers)
    if actual is None:
        raise OriginMismatch("no x-received-from header: the message did not come over a link")
    if normalise(actual) != normalise(expected_upstream):
        raise OriginMismatch(f"came from {actual}, expected {normalise(expected_upstream)}")
