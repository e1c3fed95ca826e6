"""What crosses a federation link, field by field.

A district shares with its centre only what the centre's work needs (seeds/002: the
centre keeps the lists of sites, the calendar across districts, plan fulfilment and
participation). Every message type bound for the centre is listed here with the exact
payload fields it may carry; a contract test fails when a payload grows a field that is
not listed, and the district's broker lets the centre's link bind only these routing
keys. Personal data of teachers crosses only where a feature across districts needs it,
and each such field says why.
"""

from dataclasses import dataclass, field
from typing import Any

from imc_contracts.envelope import MessageType
from imc_contracts.messages import (
    BANK_ENTRY_CHANGED,
    CENTRE_REGISTRATION_DECIDED,
    CENTRE_REGISTRATION_REQUESTED,
    DEFICITS_SUMMARISED,
    EVENT_CHANGED,
    HEARTBEAT,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    RESOURCE_PUBLISHED,
    RESOURCE_WITHDRAWN,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
)


@dataclass(frozen=True)
class Crossing:
    """One message type allowed over a link, and the payload fields it may carry."""

    message: MessageType[Any]
    fields: frozenset[str]
    """Dotted paths of the payload fields, e.g. ``leader.full_name``."""
    personal: dict[str, str] = field(default_factory=dict)
    """Fields holding a person's data, each with the reason it crosses."""

    @property
    def routing_key(self) -> str:
        """The routing key the link binds."""
        return self.message.routing_key


_PARTICIPANT = (
    "Участник межмуниципального мероприятия: центр ведёт список участников, отмечает "
    "присутствие и выдаёт сертификаты (002, разделы 4 и 6); передаётся только при "
    "записи на мероприятие центра."
)

_LEADERS = (
    "Руководитель и соруководитель площадки названы в приказе о присвоении статуса; "
    "межмуниципальный центр ведёт перечень площадок округов с их руководителями "
    "(002, раздел 8)."
)

_RESOURCE_FIELDS = (
    "resource_id",
    "version",
    "title",
    "summary",
    "kind",
    "subject",
    "level",
    "tags",
    "licence",
    "author_name",
    "organisation_name",
    "reviewed_by",
    "published_at",
    "text",
    "files",
    "files.name",
    "files.media_type",
    "files.size",
    "files.sha256",
    "files.content",
)

_AUTHOR = (
    "Автор методического материала указывается при его распространении (авторство, "
    "ст. 1265 ГК РФ); материал передаётся в банк центра только после экспертизы и с "
    "согласия автора, выраженного при публикации."
)

UPWARD: tuple[Crossing, ...] = (
    Crossing(
        SITE_STATUS_CHANGED,
        frozenset(
            {
                "site_id",
                "organisation_id",
                "organisation_full_name",
                "organisation_short_name",
                "kind",
                "status",
                "previous_status",
                "topic",
                "term_start",
                "term_end",
                "leader",
                "leader.full_name",
                "leader.position",
                "co_leader",
                "co_leader.full_name",
                "co_leader.position",
                "order_number",
                "order_date",
                "decision_id",
                "reason",
                "version",
            }
        ),
        personal={
            "leader.full_name": _LEADERS,
            "leader.position": _LEADERS,
            "co_leader.full_name": _LEADERS,
            "co_leader.position": _LEADERS,
        },
    ),
    Crossing(
        EVENT_CHANGED,
        frozenset(
            {
                "event_id",
                "version",
                "title",
                "form",
                "form_title",
                "level",
                "organiser_kind",
                "organiser_id",
                "organiser_name",
                "venue",
                "online_url",
                "starts_at",
                "ends_at",
                "capacity",
                "hours",
                "audience_subjects",
                "audience_categories",
                "status",
                "registered",
                "waiting",
                "attended",
                "intermunicipal",
            }
        ),
    ),
    Crossing(
        PARTICIPATION_CHANGED,
        frozenset(
            {
                "registration_id",
                "version",
                "event_id",
                "organisation_id",
                "organisation_short_name",
                "subjects",
                "status",
                "attended",
                "hours_credited",
            }
        ),
    ),
    Crossing(
        PLAN_CHANGED,
        frozenset(
            {
                "plan_id",
                "version",
                "kind",
                "title",
                "school_year",
                "subject",
                "status",
                "items",
                "items.item_id",
                "items.title",
                "items.deadline",
                "items.done_on",
            }
        ),
    ),
    Crossing(HEARTBEAT, frozenset({"sequence", "interval_seconds", "outbox_backlog"})),
    Crossing(
        RESOURCE_PUBLISHED,
        frozenset(_RESOURCE_FIELDS),
        personal={"author_name": _AUTHOR, "reviewed_by": _AUTHOR},
    ),
    Crossing(RESOURCE_WITHDRAWN, frozenset({"resource_id", "version", "reason"})),
    Crossing(
        DEFICITS_SUMMARISED,
        frozenset(
            {
                "version",
                "as_of",
                "teachers_with_routes",
                "rows",
                "rows.competency_code",
                "rows.competency_title",
                "rows.subject",
                "rows.open",
                "rows.closed",
                "rows.teachers",
            }
        ),
    ),
    Crossing(
        CENTRE_REGISTRATION_REQUESTED,
        frozenset(
            {
                "registration_id",
                "version",
                "event_id",
                "person_id",
                "full_name",
                "position",
                "organisation_id",
                "organisation_short_name",
                "status",
            }
        ),
        personal={
            "person_id": _PARTICIPANT,
            "full_name": _PARTICIPANT,
            "position": _PARTICIPANT,
        },
    ),
)
"""District → centre: what the centre's aggregator may bind on ``imc.districts``."""

DOWNWARD: tuple[Crossing, ...] = (
    *(c for c in UPWARD if c.message in (EVENT_CHANGED, PLAN_CHANGED, SITE_STATUS_CHANGED)),
    Crossing(RESYNC_REQUESTED, frozenset({"request_id", "districts", "reason"})),
    Crossing(
        BANK_ENTRY_CHANGED,
        frozenset(
            {
                "resource_id",
                "version",
                "origin_district",
                "origin_district_name",
                "status",
                "reason",
                "resource",
                *(f"resource.{name}" for name in _RESOURCE_FIELDS),
            }
        ),
        personal={"resource.author_name": _AUTHOR, "resource.reviewed_by": _AUTHOR},
    ),
    Crossing(
        CENTRE_REGISTRATION_DECIDED,
        frozenset(
            {
                "registration_id",
                "version",
                "event_id",
                "district",
                "status",
                "queue_number",
                "reason",
            }
        ),
    ),
)
"""Centre → districts over ``imc.centre``: the centre's inter-municipal events, its plan,
its decisions on inter-municipal sites (002 §8.4–8.5), its bank of best resources (002
§2.5, §4.3), and requests to resync."""

UPWARD_KEYS: frozenset[str] = frozenset(c.routing_key for c in UPWARD)
DOWNWARD_KEYS: frozenset[str] = frozenset(c.routing_key for c in DOWNWARD)


def upward(routing_key: str) -> Crossing | None:
    """The upward crossing of ``routing_key``, if it may cross at all."""
    return next((c for c in UPWARD if c.routing_key == routing_key), None)
