"""What the resources service does with the messages it consumes.

Every instance: people and organisations (authors), sites whose term ended (a results
draft), resync requests. The centre: its districts' publications and withdrawals from
``imc.districts`` (the district is the one whose link brought the message). A federated
district: the centre's bank changes from ``imc.centre`` (over the centre's link only).
"""

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    BANK_ENTRY_CHANGED,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    RESOURCE_PUBLISHED,
    RESOURCE_WITHDRAWN,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    Envelope,
)
from imc_resources.domain.bank import BadPublication, district_of_link
from imc_resources.services import bank, readmodels
from imc_resources.services.resync import resend_state
from imc_resources.services.site_results import record_site_status
from imc_resources.settings import ResourcesSettings
from imc_shared.broker import CENTRE, DISTRICTS
from imc_shared.consumer import Consumers, Delivery, Handler, Rejected
from imc_shared.origin import OriginMismatch, verify_link
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

log = structlog.get_logger(__name__)


def subscribe(
    consumers: Consumers, *, outbox: Outbox, settings: ResourcesSettings, store: FileStore
) -> None:
    """Register the resources subscribers for this instance's kind."""

    async def on_organisation(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_organisation(session, envelope)

    async def on_person(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_person(session, envelope)

    async def on_site(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await record_site_status(session, envelope, max_text=settings.max_text_chars)

    consumers.subscribe(ORGANISATION_UPSERTED, on_organisation)
    consumers.subscribe(PERSON_UPSERTED, on_person)
    consumers.subscribe(SITE_STATUS_CHANGED, on_site)
    consumers.subscribe(
        RESYNC_REQUESTED,
        resync_handler(outbox, settings, store),
        exchange=CENTRE,
        name=f"centre.{RESYNC_REQUESTED.routing_key}",
    )
    if settings.is_centre:
        for message, handler in (
            (RESOURCE_PUBLISHED, publication_handler(outbox, settings, store)),
            (RESOURCE_WITHDRAWN, withdrawal_handler(outbox, settings)),
        ):
            consumers.subscribe(
                message, handler, exchange=DISTRICTS, name=f"districts.{message.routing_key}"
            )
    if settings.takes_centre_events:
        consumers.subscribe(
            BANK_ENTRY_CHANGED,
            bank_copy_handler(settings, store),
            exchange=CENTRE,
            name=f"centre.{BANK_ENTRY_CHANGED.routing_key}",
        )


def _verify_centre(settings: ResourcesSettings, delivery: Delivery) -> None:
    try:
        verify_link(delivery.headers, settings.centre_upstream)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error


def _origin(settings: ResourcesSettings, envelope: Envelope[Any], delivery: Delivery) -> str:
    """The district whose link brought the message; it must be the one the envelope names."""
    districts = settings.district_map()
    try:
        code = district_of_link(delivery.headers, {k: d.upstream for k, d in districts.items()})
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error
    if envelope.district != code:
        raise Rejected(
            f"origin mismatch: the message claims district {envelope.district!r}, "
            f"its link is {code!r}'s"
        )
    return code


def resync_handler(outbox: Outbox, settings: ResourcesSettings, store: FileStore) -> Handler:
    """Re-send on the centre's request: a district what it shared (a federated district
    takes the request only over the centre's link), the centre its whole bank."""

    async def on_resync_requested(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        if settings.takes_centre_events:
            _verify_centre(settings, delivery)
        sent = await resend_state(session, outbox, store, settings, envelope)
        log.info("resync answered", resources=sent)

    return on_resync_requested


def publication_handler(outbox: Outbox, settings: ResourcesSettings, store: FileStore) -> Handler:
    """At the centre: a district's resource into the bank (highest version wins)."""
    districts = settings.district_map()

    async def on_published(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        origin = _origin(settings, envelope, delivery)
        try:
            await bank.fold_publication(
                session,
                outbox,
                store,
                origin=origin,
                origin_name=districts[origin].name,
                payload=envelope.payload,
                cause=envelope,
            )
        except BadPublication as error:
            raise Rejected(f"bad publication: {error}") from error

    return on_published


def withdrawal_handler(outbox: Outbox, settings: ResourcesSettings) -> Handler:
    """At the centre: a district takes its resource out of the bank."""
    districts = settings.district_map()

    async def on_withdrawn(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        origin = _origin(settings, envelope, delivery)
        try:
            await bank.fold_withdrawal(
                session,
                outbox,
                origin=origin,
                origin_name=districts[origin].name,
                payload=envelope.payload,
                cause=envelope,
            )
        except BadPublication as error:
            raise Rejected(f"bad withdrawal: {error}") from error

    return on_withdrawn


def bank_copy_handler(settings: ResourcesSettings, store: FileStore) -> Handler:
    """In a federated district: keep the copy of the centre's bank (over its link only)."""

    async def on_bank_entry(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        _verify_centre(settings, delivery)
        try:
            await bank.keep_copy(session, store, envelope.payload, own_district=settings.district)
        except BadPublication as error:
            raise Rejected(f"bad bank entry: {error}") from error

    return on_bank_entry
