"""Which of two reports of one entity wins: the same answer whatever the arrival order.

Every shared entity carries a version that grows by one per change in its district. The
centre keeps the highest version; an equal or lower one changes nothing, so duplicates
and resyncs are harmless. Publishers that predate versions send 0: between two such
reports the later ``occurred_at`` wins, and the message id (UUIDv7, time-ordered) breaks
a tie, so even then every order of arrival ends in the same row.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class Stamp:
    """What orders the reports of one entity."""

    version: int
    occurred_at: datetime
    message_id: UUID


def supersedes(incoming: Stamp, current: Stamp | None) -> bool:
    """Whether ``incoming`` replaces ``current`` (``None``: nothing known yet)."""
    if current is None:
        return True
    if incoming.version != current.version:
        return incoming.version > current.version
    if incoming.version != 0:
        return False
    return (incoming.occurred_at, incoming.message_id) > (
        current.occurred_at,
        current.message_id,
    )
