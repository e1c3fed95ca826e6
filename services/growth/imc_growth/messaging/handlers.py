"""What growth does with the messages it consumes."""

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    ATTENDANCE_RECORDED,
    DOCUMENT_GENERATED,
    EVENT_CHANGED,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    Envelope,
)
from imc_growth.services import readmodels
from imc_growth.services.resync import resend_state
from imc_growth.settings import GrowthSettings
from imc_shared.broker import CENTRE
from imc_shared.consumer import Consumers, Delivery, Handler, Rejected
from imc_shared.origin import OriginMismatch, verify_link
from imc_shared.outbox import Outbox


def subscribe(consumers: Consumers, *, outbox: Outbox, settings: GrowthSettings) -> None:
    """Register the growth subscribers."""
    zone = ZoneInfo(settings.time_zone)

    async def on_organisation(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_organisation(session, envelope)

    async def on_person(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_person(session, envelope)

    async def on_event(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_event(session, envelope, source="district")

    async def on_site(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_site(session, envelope)

    async def on_attendance(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_attendance(session, outbox, envelope, zone=zone)

    async def on_document(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_certificate(session, envelope)

    consumers.subscribe(ORGANISATION_UPSERTED, on_organisation)
    consumers.subscribe(PERSON_UPSERTED, on_person)
    consumers.subscribe(EVENT_CHANGED, on_event)
    consumers.subscribe(SITE_STATUS_CHANGED, on_site)
    consumers.subscribe(ATTENDANCE_RECORDED, on_attendance)
    consumers.subscribe(DOCUMENT_GENERATED, on_document)
    if settings.instance_kind == "district":
        consumers.subscribe(
            RESYNC_REQUESTED,
            resync_handler(outbox, settings),
            exchange=CENTRE,
            name=f"centre.{RESYNC_REQUESTED.routing_key}",
        )
    if settings.takes_centre_events:
        consumers.subscribe(
            EVENT_CHANGED,
            centre_event_handler(settings),
            exchange=CENTRE,
            name=f"centre.{EVENT_CHANGED.routing_key}",
        )


def _verify_centre(settings: GrowthSettings, delivery: Delivery) -> None:
    try:
        verify_link(delivery.headers, settings.centre_upstream)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error


def resync_handler(outbox: Outbox, settings: GrowthSettings) -> Handler:
    """Re-send the deficit summary when the centre asks this district (or every one).

    A federated district takes the request only from its centre's link; a district
    without one takes what its own broker holds.
    """

    async def on_resync_requested(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        if settings.takes_centre_events:
            _verify_centre(settings, delivery)
        await resend_state(session, outbox, envelope, district=settings.district)

    return on_resync_requested


def centre_event_handler(settings: GrowthSettings) -> Handler:
    """Keep the centre's inter-municipal events (only over the centre's link)."""

    async def on_centre_event(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        _verify_centre(settings, delivery)
        await readmodels.record_event(session, envelope, source="centre")

    return on_centre_event
