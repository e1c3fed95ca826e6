"""The envelope every message travels in, and the catalogue of message types."""

import builtins
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec
import uuid6

P = TypeVar("P", bound=msgspec.Struct)


class Envelope(msgspec.Struct, Generic[P], frozen=True, kw_only=True):
    """One message on the wire: identity, origin, causality and a typed payload."""

    id: UUID
    """UUIDv7, unique per message; consumers deduplicate on it."""
    type: str
    """``<service>.<entity>.<event>``, e.g. ``registry.site.status_changed``."""
    version: int
    """Contract version; a breaking change is a new version."""
    occurred_at: datetime
    """When the change happened, UTC."""
    district: str
    """Code of the instance (district or centre) where the change happened."""
    source: str
    """Service that published the message."""
    correlation_id: UUID
    """Shared by every message caused by one user action."""
    causation_id: UUID | None = None
    """Id of the message that caused this one, if any."""
    payload: P

    @property
    def routing_key(self) -> str:
        """Routing key: ``<type>.v<version>``."""
        return f"{self.type}.v{self.version}"


@dataclass(frozen=True)
class MessageType(Generic[P]):
    """A message type: its name, version and payload Struct."""

    type: str
    version: int
    payload: builtins.type[P]
    summary: str

    @property
    def routing_key(self) -> str:
        """Routing key: ``<type>.v<version>``."""
        return f"{self.type}.v{self.version}"

    def envelope_type(self) -> Any:
        """The concrete ``Envelope[Payload]`` type for decoding."""
        return Envelope[self.payload]  # type: ignore[name-defined]

    def decode(self, data: bytes) -> Envelope[P]:
        """Decode and validate a JSON message of this type."""
        envelope: Envelope[P] = msgspec.json.decode(data, type=self.envelope_type())
        if envelope.type != self.type or envelope.version != self.version:
            raise msgspec.ValidationError(
                f"expected {self.routing_key}, got {envelope.routing_key}"
            )
        return envelope

    def new(
        self,
        payload: P,
        *,
        district: str,
        source: str,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope[P]:
        """Wrap ``payload`` in a fresh envelope with a UUIDv7 id."""
        message_id = new_message_id()
        return Envelope(
            id=message_id,
            type=self.type,
            version=self.version,
            occurred_at=occurred_at or datetime.now(UTC),
            district=district,
            source=source,
            correlation_id=correlation_id or message_id,
            causation_id=causation_id,
            payload=payload,
        )


def new_message_id() -> UUID:
    """A new UUIDv7 (time-ordered) as a standard ``uuid.UUID``."""
    return UUID(str(uuid6.uuid7()))


def encode(envelope: Envelope[Any]) -> bytes:
    """Encode an envelope as JSON bytes."""
    return msgspec.json.encode(envelope)
