"""What scheduling does with the messages it consumes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    CENTRE_REGISTRATION_DECIDED,
    CENTRE_REGISTRATION_REQUESTED,
    EVENT_CHANGED,
    ORGANISATION_UPSERTED,
    PLAN_CHANGED,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    Envelope,
)
from imc_scheduling.services.centre_events import record_centre_event
from imc_scheduling.services.centre_plans import record_centre_plan
from imc_scheduling.services.centre_registrations import record_decision
from imc_scheduling.services.district_registrations import record_district_request
from imc_scheduling.services.organisations import record_organisation
from imc_scheduling.services.resync import resend_state
from imc_scheduling.services.roadmaps import open_roadmap
from imc_scheduling.settings import SchedulingSettings
from imc_shared.broker import CENTRE, DISTRICTS
from imc_shared.consumer import Consumers, Delivery, Handler, Rejected
from imc_shared.origin import OriginMismatch, verify_link
from imc_shared.outbox import Outbox


def subscribe(consumers: Consumers, *, outbox: Outbox, settings: SchedulingSettings) -> None:
    """Register the scheduling subscribers."""

    async def on_site_status_changed(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await open_roadmap(session, outbox, envelope)

    async def on_organisation_upserted(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await record_organisation(session, envelope)

    consumers.subscribe(SITE_STATUS_CHANGED, on_site_status_changed)
    consumers.subscribe(ORGANISATION_UPSERTED, on_organisation_upserted)
    consumers.subscribe(
        RESYNC_REQUESTED,
        resync_handler(outbox, settings),
        exchange=CENTRE,
        name=f"centre.{RESYNC_REQUESTED.routing_key}",
    )
    if settings.takes_centre_events:
        for message, handler in (
            (EVENT_CHANGED, centre_event_handler(settings)),
            (PLAN_CHANGED, centre_plan_handler(settings)),
            (CENTRE_REGISTRATION_DECIDED, decision_handler(settings, outbox)),
        ):
            consumers.subscribe(
                message, handler, exchange=CENTRE, name=f"centre.{message.routing_key}"
            )
    if settings.takes_district_registrations:
        consumers.subscribe(
            CENTRE_REGISTRATION_REQUESTED,
            district_request_handler(outbox, settings),
            exchange=DISTRICTS,
            name=f"districts.{CENTRE_REGISTRATION_REQUESTED.routing_key}",
        )


def resync_handler(outbox: Outbox, settings: SchedulingSettings) -> Handler:
    """Re-send the current state when the centre asks this district (or every one).

    A federated district takes the request only from its centre's link; a centre (or a
    district without one) takes what its own broker holds.
    """

    async def on_resync_requested(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        if settings.takes_centre_events:
            try:
                verify_link(delivery.headers, settings.centre_upstream)
            except OriginMismatch as error:
                raise Rejected(f"origin mismatch: {error}") from error
        await resend_state(session, outbox, envelope, district=settings.district)

    return on_resync_requested


def centre_event_handler(settings: SchedulingSettings) -> Handler:
    """Store the centre's inter-municipal event (highest version wins)."""

    async def on_centre_event(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        await record_centre_event(session, envelope, delivery, upstream=settings.centre_upstream)

    return on_centre_event


def centre_plan_handler(settings: SchedulingSettings) -> Handler:
    """Store the centre's plan (highest version wins)."""

    async def on_centre_plan(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        await record_centre_plan(session, envelope, delivery, upstream=settings.centre_upstream)

    return on_centre_plan


def decision_handler(settings: SchedulingSettings, outbox: Outbox) -> Handler:
    """Take the centre's answers on this district's registrations for its events."""

    async def on_decision(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        await record_decision(
            session,
            envelope,
            delivery,
            upstream=settings.centre_upstream,
            district=settings.district,
            outbox=outbox,
        )

    return on_decision


def district_request_handler(outbox: Outbox, settings: SchedulingSettings) -> Handler:
    """At the centre: record a district's registration for a centre's event and answer."""
    districts = settings.district_map()

    async def on_district_request(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        await record_district_request(session, outbox, envelope, delivery, districts=districts)

    return on_district_request
