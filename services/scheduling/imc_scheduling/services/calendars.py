"""iCalendar (RFC 5545) feeds of the district, a site and a person."""

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

import icalendar
import sqlalchemy as sa

from imc_scheduling.db.models import Event, Registration
from imc_scheduling.domain.events import EVENT_FORM_TITLES, EVENT_LEVEL_TITLES
from imc_shared.db import Database


def render(events: Sequence[Event], *, name: str, district: str, time_zone: str) -> bytes:
    """A VCALENDAR of ``events``; cancelled ones stay with STATUS:CANCELLED."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//IMC//Мероприятия методической сети//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", time_zone)
    stamp = datetime.now(UTC)
    for event in events:
        item = icalendar.Event()
        item.add("uid", f"{event.id}@{district}.imc")
        item.add("dtstamp", stamp)
        item.add("dtstart", event.starts_at.astimezone(UTC))
        item.add("dtend", event.ends_at.astimezone(UTC))
        item.add("summary", event.title)
        form = EVENT_FORM_TITLES.get(event.form, event.form)
        level = EVENT_LEVEL_TITLES.get(event.level, event.level)
        lines = [f"Форма: {form}", f"Уровень: {level}"]
        if event.organiser_name:
            lines.append(f"Организатор: {event.organiser_name}")
        if event.responsible_name:
            lines.append(f"Ответственный: {event.responsible_name}")
        if event.description:
            lines.append(event.description)
        item.add("description", "\n".join(lines))
        if event.venue:
            item.add("location", event.venue)
        if event.online_url:
            item.add("url", event.online_url)
        item.add("categories", [form])
        item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
        item.add("last-modified", event.updated_at.astimezone(UTC))
        item.add("sequence", 1 if event.status == "cancelled" else 0)
        calendar.add_component(item)
    return calendar.to_ical()


async def district_events(database: Database) -> list[Event]:
    """Every event of the district."""
    async with database.sessions() as session:
        return list((await session.scalars(sa.select(Event).order_by(Event.starts_at))).all())


async def site_events(database: Database, site_id: UUID) -> list[Event]:
    """Events a site organises."""
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(Event)
            .where(Event.organiser_kind == "site", Event.organiser_id == site_id)
            .order_by(Event.starts_at)
        )
        return list(rows.all())


async def person_events(database: Database, person_id: UUID) -> list[Event]:
    """Events a person takes part in (confirmed or waiting) or is responsible for."""
    async with database.sessions() as session:
        registered = sa.select(Registration.event_id).where(
            Registration.person_id == person_id, Registration.status != "cancelled"
        )
        rows = await session.scalars(
            sa.select(Event)
            .where(sa.or_(Event.id.in_(registered), Event.responsible_person_id == person_id))
            .order_by(Event.starts_at)
        )
        return list(rows.all())
