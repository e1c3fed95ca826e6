"""The state of a district's federation link, from its heartbeats.

A district publishes a heartbeat every ``interval_seconds``; the centre notes when it
received the last one. Silence longer than ``missed`` intervals means the link (or the
district) is down; down longer than the alert threshold needs a person's attention.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, Protocol

LinkState = Literal["never", "up", "down"]

LINK_STATE_TITLES: Final[dict[str, str]] = {
    "never": "связь не устанавливалась",
    "up": "связь есть",
    "down": "связи нет",
}


@dataclass(frozen=True)
class HeartbeatSeen:
    """The last heartbeat the centre received from a district."""

    occurred_at: datetime
    """When the district sent it (its clock)."""
    received_at: datetime
    """When the centre received it (the centre's clock)."""
    interval_seconds: int
    sequence: int = 0
    outbox_backlog: int = 0


@dataclass(frozen=True)
class LinkStatus:
    """A link's state as of one moment."""

    state: LinkState
    state_title: str
    lag_seconds: float | None
    """Up: how late the last heartbeat arrived. Down: the age of the oldest message not
    yet replicated (the last heartbeat's age). Never: unknown."""
    down_since: datetime | None
    """When the silence became longer than ``missed`` intervals."""
    down_for_seconds: float | None
    alert: bool
    last_heartbeat_at: datetime | None
    last_message_at: datetime | None
    outbox_backlog: int | None


def link_status(
    heartbeat: HeartbeatSeen | None,
    *,
    last_message_at: datetime | None,
    now: datetime,
    missed: int,
    alert_after_seconds: float,
) -> LinkStatus:
    """The link's state at ``now``, given its last heartbeat and last message."""
    if heartbeat is None:
        return LinkStatus(
            state="never",
            state_title=LINK_STATE_TITLES["never"],
            lag_seconds=None,
            down_since=None,
            down_for_seconds=None,
            alert=False,
            last_heartbeat_at=None,
            last_message_at=last_message_at,
            outbox_backlog=None,
        )
    down_since = heartbeat.received_at + timedelta(
        seconds=max(missed, 1) * max(heartbeat.interval_seconds, 1)
    )
    up = now < down_since
    state: LinkState = "up" if up else "down"
    reference = heartbeat.received_at if up else now
    down_for = None if up else (now - down_since).total_seconds()
    return LinkStatus(
        state=state,
        state_title=LINK_STATE_TITLES[state],
        lag_seconds=max((reference - heartbeat.occurred_at).total_seconds(), 0.0),
        down_since=None if up else down_since,
        down_for_seconds=down_for,
        alert=down_for is not None and down_for > alert_after_seconds,
        last_heartbeat_at=heartbeat.received_at,
        last_message_at=last_message_at,
        outbox_backlog=heartbeat.outbox_backlog,
    )


class Watched(Protocol):
    """What the alert logic reads of a link's status."""

    @property
    def state(self) -> str:
        """``never``, ``up`` or ``down``."""
        ...

    @property
    def alert(self) -> bool:
        """Down longer than the alert threshold."""
        ...


@dataclass(frozen=True)
class AlertChanges:
    """Links that entered or left the alert state since the last look."""

    entered: tuple[str, ...]
    recovered: tuple[str, ...]


def alert_changes(alerting: Iterable[str], statuses: Mapping[str, Watched]) -> AlertChanges:
    """Compare the districts that were alerting with the links' statuses now."""
    before = set(alerting)
    now_alerting = {code for code, status in statuses.items() if status.alert}
    recovered = {
        code for code in before - now_alerting if code in statuses and statuses[code].state == "up"
    }
    return AlertChanges(
        entered=tuple(sorted(now_alerting - before)), recovered=tuple(sorted(recovered))
    )
