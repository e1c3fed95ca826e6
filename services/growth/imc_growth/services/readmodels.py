"""What growth keeps of other services' announcements: teachers and schools (registry),
events and attendance (scheduling), sites (registry), certificates (documents).

Every handler is safe to repeat and to receive out of order: the newest version (or the
newest announcement) wins, an older one changes nothing.
"""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    AttendanceRecorded,
    DocumentGenerated,
    Envelope,
    EventChanged,
    OrganisationUpserted,
    PersonUpserted,
    SiteStatusChanged,
)
from imc_growth.db.models import (
    Attendance,
    Certificate,
    KnownEvent,
    KnownSite,
    Organisation,
    Teacher,
)
from imc_growth.services import routes
from imc_shared.outbox import Outbox


async def record_organisation(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember an organisation's names; an older announcement changes nothing."""
    data: OrganisationUpserted = envelope.payload
    row = await session.get(Organisation, data.organisation_id)
    if row is not None and row.occurred_at >= envelope.occurred_at:
        return
    if row is None:
        row = Organisation(organisation_id=data.organisation_id)
        session.add(row)
    row.full_name = data.full_name
    row.short_name = data.short_name
    row.archived = data.archived
    row.occurred_at = envelope.occurred_at


async def record_person(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember a person (the fields the registry shares); older announcements lose."""
    data: PersonUpserted = envelope.payload
    row = await session.get(Teacher, data.person_id)
    if row is not None and row.occurred_at >= envelope.occurred_at:
        return
    if row is None:
        row = Teacher(person_id=data.person_id)
        session.add(row)
    row.full_name = data.full_name
    row.position = data.position
    row.staff_group = data.staff_group
    row.organisation_id = data.organisation_id
    row.qualification_category = data.qualification_category
    row.subjects = list(data.subjects)
    row.archived = data.archived
    row.occurred_at = envelope.occurred_at


async def record_event(session: AsyncSession, envelope: Envelope[Any], *, source: str) -> None:
    """Keep the newest version of an event (one statement: two versions arriving at once
    cannot both win)."""
    change: EventChanged = envelope.payload
    values: dict[str, Any] = {
        "event_id": change.event_id,
        "version": change.version,
        "title": change.title,
        "form": change.form,
        "form_title": change.form_title,
        "level": change.level,
        "organiser_name": change.organiser_name,
        "venue": change.venue,
        "online_url": change.online_url,
        "starts_at": change.starts_at,
        "ends_at": change.ends_at,
        "hours": change.hours,
        "audience_subjects": list(change.audience_subjects),
        "audience_categories": list(change.audience_categories),
        "status": change.status,
        "intermunicipal": change.intermunicipal or source == "centre",
        "source": source,
        "received_at": datetime.now(UTC),
    }
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    insert = dialect.insert(KnownEvent).values(**values)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[KnownEvent.event_id],
            set_={k: insert.excluded[k] for k in values if k != "event_id"},
            where=KnownEvent.version < insert.excluded.version,
        )
    )


async def record_site(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Keep a site's newest status (by its version, then by the announcement's time)."""
    data: SiteStatusChanged = envelope.payload
    row = await session.get(KnownSite, data.site_id)
    if row is not None and (data.version, envelope.occurred_at) <= (row.version, row.occurred_at):
        return
    if row is None:
        row = KnownSite(site_id=data.site_id)
        session.add(row)
    row.version = data.version
    row.organisation_id = data.organisation_id
    row.organisation_short_name = data.organisation_short_name
    row.kind = data.kind
    row.status = data.status
    row.topic = data.topic
    row.term_start = data.term_start
    row.term_end = data.term_end
    row.leader_name = data.leader.full_name
    row.occurred_at = envelope.occurred_at


async def record_attendance(
    session: AsyncSession, outbox: Outbox, envelope: Envelope[Any], *, zone: ZoneInfo
) -> None:
    """Keep the newest attendance mark; a presence completes the teacher's route steps
    for that event, an absence marked later undoes what that mark completed."""
    mark: AttendanceRecorded = envelope.payload
    row = await session.get(Attendance, mark.registration_id)
    if row is not None and row.version >= mark.version:
        return
    if row is None:
        row = Attendance(registration_id=mark.registration_id)
        session.add(row)
    row.version = mark.version
    row.event_id = mark.event_id
    row.event_title = mark.event_title
    row.form_title = mark.form_title
    row.starts_at = mark.starts_at
    row.ends_at = mark.ends_at
    row.hours = mark.hours
    row.person_id = mark.person_id
    row.full_name = mark.full_name
    row.organisation_id = mark.organisation_id
    row.attended = mark.attended
    row.updated_at = datetime.now(UTC)
    await session.flush()
    if mark.attended:
        changed = await routes.complete_by_attendance(session, row, zone=zone)
    else:
        changed = await routes.undo_attendance(session, row)
    if changed:
        await routes.after_route_change(session, outbox, cause=envelope)


async def record_certificate(session: AsyncSession, envelope: Envelope[Any]) -> None:
    """Remember a certificate of participation's number by its registration."""
    data: DocumentGenerated = envelope.payload
    if data.kind != "certificate":
        return
    row = await session.get(Certificate, data.subject_id)
    if row is None:
        row = Certificate(registration_id=data.subject_id)
        session.add(row)
    row.document_id = data.document_id
    row.number = data.number


async def attendances_of(session: AsyncSession, person_id: Any) -> list[Attendance]:
    """A teacher's attendance marks, oldest event first."""
    rows = await session.scalars(
        sa.select(Attendance)
        .where(Attendance.person_id == person_id)
        .order_by(Attendance.starts_at, Attendance.registration_id)
    )
    return list(rows.all())
