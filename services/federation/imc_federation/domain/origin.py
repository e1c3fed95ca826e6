"""Whose message is it? The broker's record of the link wins over the payload.

The centre's federation link writes the upstream it pulled a message from as the
first entry of the ``x-received-from`` header; a district cannot forge that entry.
A message is accepted only when that upstream is the one configured for the district
its envelope names.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


class OriginMismatch(ValueError):
    """The broker-recorded origin does not match the envelope's district."""


def _normalise(uri: str) -> str:
    parts = urlsplit(uri)
    host = parts.hostname or ""
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    return f"{parts.scheme}://{host}:{port}"


def recorded_upstream(headers: Mapping[str, Any]) -> str:
    """The upstream URI the centre's broker recorded for this message."""
    entries = headers.get("x-received-from")
    if not entries:
        raise OriginMismatch("no x-received-from header: the message did not come over a link")
    first = entries[0]
    uri = first.get("uri") if isinstance(first, Mapping) else None
    if not uri:
        raise OriginMismatch("x-received-from has no upstream uri")
    return str(uri.decode() if isinstance(uri, bytes) else uri)


def verify_origin(
    headers: Mapping[str, Any], claimed_district: str, upstreams: Mapping[str, str]
) -> None:
    """Raise :class:`OriginMismatch` unless the link the message came over is the
    claimed district's own."""
    expected = upstreams.get(claimed_district)
    if expected is None:
        raise OriginMismatch(f"district {claimed_district!r} is not federated here")
    actual = recorded_upstream(headers)
    if _normalise(actual) != _normalise(expected):
        raise OriginMismatch(f"message claims district {claimed_district!r} but came from {actual}")
