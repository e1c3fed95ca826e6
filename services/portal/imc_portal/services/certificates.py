"""Certificates of participation issued in bulk for an event's attendees.

Staff start a bulk job of the documents service (``POST /batches``, template
``certificate``) with one item per registration marked present in scheduling
(``GET /events/{id}/registrations``: confirmed and ``attended``); the job renders the
certificates one by one and packs them into a ZIP. The portal shows its progress
(``GET /batches/{id}``), retries the items that gave up (``POST /batches/{id}/retry``)
and passes the ZIP on (``GET /batches/{id}/archive.zip``).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from imc_portal.clients import BackendClient, BackendError, BackendRefusedError

TEMPLATE = "certificate"
NO_ATTENDEES = (
    "Никто из зарегистрированных не отмечен как присутствовавший: сертификаты выдавать некому. "
    "Сначала отметьте присутствие участников."
)


class EventFacts(msgspec.Struct, kw_only=True):
    """What a certificate needs of an event (``GET /events/{id}`` of scheduling)."""

    id: UUID
    title: str
    form_title: str = ""
    starts_at: datetime
    ends_at: datetime
    hours: int = 0
    status: str = ""


class Attendee(msgspec.Struct, kw_only=True):
    """A registration as scheduling lists it (the fields a certificate needs)."""

    id: UUID
    person_id: UUID
    full_name: str
    organisation_id: UUID | None = None
    status: str
    attended: bool = False


class OrganisationName(msgspec.Struct, kw_only=True):
    """An organisation of the registry (``GET /organisations/{id}``): its short name."""

    short_name: str


class BatchFailure(msgspec.Struct, kw_only=True):
    """An item of a bulk job that gave up, and why."""

    position: int
    source_key: str
    attempts: int
    error: str


class Batch(msgspec.Struct, kw_only=True):
    """A bulk job of the documents service and its progress."""

    id: UUID
    template: str
    status: str
    total: int
    done: int
    failed: int
    pending: int
    percent: int
    failures: list[BatchFailure] = msgspec.field(default_factory=list)
    archive: str | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """Whether the job has stopped (every item done or given up)."""
        return self.status in ("done", "failed")


STATUS_TITLES = {
    "pending": "ожидает начала",
    "running": "выполняется",
    "done": "завершено",
    "failed": "завершено с ошибками",
}


@dataclass(frozen=True)
class FailedRow:
    """A failed item as the page shows it: whose certificate and why."""

    position: int
    name: str
    attempts: int
    error: str


def attendees(rows: list[Attendee]) -> list[Attendee]:
    """Registrations whose participant was present (confirmed and marked attended)."""
    return [r for r in rows if r.attended and r.status == "confirmed"]


def certificate_data(
    event: EventFacts, person: Attendee, organisation: str, zone: ZoneInfo
) -> dict[str, Any]:
    """The data of one certificate as the documents service's ``certificate`` template
    takes it; dates are the event's local days."""
    starts: date = event.starts_at.astimezone(zone).date()
    ends: date = event.ends_at.astimezone(zone).date()
    data: dict[str, Any] = {
        "participant_name": person.full_name,
        "event_title": event.title,
        "event_date": starts.isoformat(),
        "event_end_date": ends.isoformat(),
        "issued_on": ends.isoformat(),
    }
    if organisation:
        data["participant_organisation"] = organisation
    if event.form_title:
        data["event_form"] = event.form_title
    if event.hours > 0:
        data["hours"] = event.hours
    return data


def source_key(registration_id: UUID) -> str:
    """One certificate per registration (the same key documents uses for attendance)."""
    return f"registration:{registration_id}"


def batch_key(event_id: UUID) -> str:
    """The job's key: starting it twice for one event returns the same job."""
    return f"event:{event_id}:certificates"


async def _organisation_names(registry: BackendClient, ids: set[UUID]) -> dict[UUID, str]:
    names: dict[UUID, str] = {}
    for organisation_id in ids:
        try:
            found = await registry.get_json(f"/organisations/{organisation_id}", OrganisationName)
        except BackendError:
            continue  # the certificate is valid without the organisation's name
        names[organisation_id] = found.short_name
    return names


async def start_batch(
    *,
    scheduling: BackendClient,
    registry: BackendClient,
    documents: BackendClient,
    event_id: UUID,
    zone: ZoneInfo,
) -> Batch:
    """Start (or find again) the bulk job of the event's certificates.

    :class:`BackendRefusedError` (status 409) when nobody was marked present; the
    documents service's own refusals pass through.
    """
    event = await scheduling.get_json(
        f"/events/{event_id}", EventFacts, missing="Мероприятие не найдено."
    )
    rows = attendees(await scheduling.get_json(f"/events/{event_id}/registrations", list[Attendee]))
    if not rows:
        raise BackendRefusedError(NO_ATTENDEES, status=409)
    names = await _organisation_names(
        registry, {r.organisation_id for r in rows if r.organisation_id}
    )
    items = [
        {
            "data": certificate_data(
                event, r, names.get(r.organisation_id, "") if r.organisation_id else "", zone
            ),
            "source_key": source_key(r.id),
        }
        for r in rows
    ]
    return await documents.send(
        "POST",
        "/batches",
        Batch,
        json={"template": TEMPLATE, "items": items, "key": batch_key(event_id)},
    )


async def batch(documents: BackendClient, batch_id: UUID) -> Batch:
    """The job's progress; :class:`BackendNotFoundError` for an unknown job."""
    return await documents.get_json(
        f"/batches/{batch_id}", Batch, missing="Задание на выдачу сертификатов не найдено."
    )


async def retry(documents: BackendClient, batch_id: UUID) -> Batch:
    """Try the failed items again."""
    return await documents.send("POST", f"/batches/{batch_id}/retry", Batch)


async def participant_names(scheduling: BackendClient, event_id: UUID | None) -> dict[str, str]:
    """Source key → participant's name for the event's registrations (empty if unknown)."""
    if event_id is None:
        return {}
    try:
        rows = await scheduling.get_json(f"/events/{event_id}/registrations", list[Attendee])
    except BackendError:
        return {}
    return {source_key(r.id): r.full_name for r in rows}


def failed_rows(job: Batch, names: dict[str, str]) -> list[FailedRow]:
    """The failed items, numbered from one as people count, with whose they are."""
    return [
        FailedRow(
            position=f.position + 1,
            name=names.get(f.source_key, ""),
            attempts=f.attempts,
            error=f.error,
        )
        for f in sorted(job.failures, key=lambda f: f.position)
    ]
