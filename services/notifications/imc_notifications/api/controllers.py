"""Notifications HTTP controllers: the delivery log, digests, the in-app inbox, the
preferences and the unsubscribe link."""

from typing import Any
from uuid import UUID

from litestar import Controller, MediaType, Request, Response, get, post, put
from litestar.exceptions import PermissionDeniedException
from litestar.params import Parameter

from imc_notifications.api.schemas import (
    DeliveryEventOut,
    DigestResult,
    DigestRun,
    InboxItemOut,
    InboxOut,
    MarkedRead,
    MaxUserIn,
    NotificationDetail,
    NotificationEntry,
    PreferenceIn,
    PreferencesOut,
    TopicPreference,
)
from imc_notifications.db.models import InboxItem, Notification, Person
from imc_notifications.domain.preferences import CADENCES, CHANNELS, TOPICS
from imc_notifications.services import people
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import list_notifications
from imc_notifications.services.rendering import InvalidToken, Tokens, render
from imc_notifications.settings import NotificationsSettings
from imc_shared.auth import PEOPLE_ROLES, STAFF, Principal, Role, current, roles
from imc_shared.db import Database


def _entry(row: Notification) -> dict[str, Any]:
    return {f: getattr(row, f) for f in NotificationEntry.__struct_fields__}


class NotificationController(Controller):
    """The delivery log and the operator's digest run: the IMC's staff only."""

    path = "/notifications"
    tags = ["notifications"]

    @get("/", summary="Delivery log", opt=roles(STAFF))
    async def index(self, database: Database) -> list[NotificationEntry]:
        async with database.sessions() as session:
            rows = await list_notifications(session)
        return [NotificationEntry(**_entry(r)) for r in rows]

    @get(
        "/{notification_id:uuid}",
        summary="One notification and its delivery log",
        opt=roles(STAFF),
    )
    async def show(self, database: Database, notification_id: UUID) -> NotificationDetail:
        async with database.sessions() as session:
            row, events = await people.notification_log(session, notification_id)
        return NotificationDetail(
            **_entry(row),
            addressee_id=row.addressee_id,
            next_attempt_at=row.next_attempt_at,
            digest_id=row.digest_id,
            events=[DeliveryEventOut(at=e.at, status=e.status, detail=e.detail) for e in events],
        )

    @post("/{notification_id:uuid}/resend", summary="Send an uncertain or failed one again")
    async def resend(
        self, database: Database, delivery: DeliveryWorker, notification_id: UUID
    ) -> NotificationEntry:
        async with database.transaction() as session:
            row = await people.resend(session, notification_id)
        delivery.wake()
        return NotificationEntry(**_entry(row))

    @post("/digests", summary="Collect the due digests now (operator)", status_code=200)
    async def run_digests(self, delivery: DeliveryWorker, data: DigestRun) -> DigestResult:
        digests = await delivery.run_digests(data.now)
        delivery.wake()
        return DigestResult(digests=digests)


def _item(item: InboxItem) -> InboxItemOut:
    return InboxItemOut(
        id=item.id,
        topic=item.topic,
        topic_title=TOPICS.get(item.topic, ""),
        subject=item.subject,
        body=item.body,
        link=item.link,
        created_at=item.created_at,
        read_at=item.read_at,
    )


def _addressee(request: Request[Principal, str, Any], organisation: bool) -> UUID:
    """Whose inbox and preferences a request means: the caller's own, from the token (the
    person; with ``organisation``, a school representative's organisation)."""
    principal = current(request)
    if organisation:
        if principal.role is not Role.SCHOOL_REPRESENTATIVE:
            raise PermissionDeniedException(
                "Уведомления образовательной организации видит только её представитель"
            )
        if principal.organisation_id is None:
            raise PermissionDeniedException(
                "Учётная запись не связана с образовательной организацией: "
                "уведомлений организации нет"
            )
        return principal.organisation_id
    if principal.person_id is None:
        raise PermissionDeniedException(
            "Учётная запись не связана с человеком из реестра: личных уведомлений нет"
        )
    return principal.person_id


ORGANISATION = Parameter(
    default=False,
    description="A school representative: the organisation's inbox instead of their own",
)


class InboxController(Controller):
    """The caller's in-app inbox the portal shows: their own (the person in the token) or,
    for a school representative, the school's (``organisation=true``)."""

    path = "/inbox"
    tags = ["inbox"]

    @get("/", summary="The caller's inbox with the unread count", opt=roles(PEOPLE_ROLES))
    async def index(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        limit: int = Parameter(default=50, ge=1, le=500),
        organisation: bool = ORGANISATION,
    ) -> InboxOut:
        person_id = _addressee(request, organisation)
        async with database.sessions() as session:
            unread, items = await people.inbox(session, person_id, limit=limit)
        return InboxOut(person_id=person_id, unread=unread, items=[_item(i) for i in items])

    @post(
        "/{item_id:uuid}/read",
        summary="Mark one item of the caller's inbox read",
        status_code=200,
        opt=roles(PEOPLE_ROLES),
    )
    async def mark_read(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        item_id: UUID,
        organisation: bool = ORGANISATION,
    ) -> MarkedRead:
        person_id = _addressee(request, organisation)
        async with database.transaction() as session:
            await people.mark_read(session, item_id, person_id)
        async with database.sessions() as session:
            unread, _ = await people.inbox(session, person_id, limit=1)
        return MarkedRead(marked=1, unread=unread)

    @post(
        "/read",
        summary="Mark every item of the caller's inbox read",
        status_code=200,
        opt=roles(PEOPLE_ROLES),
    )
    async def mark_all_read(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        organisation: bool = ORGANISATION,
    ) -> MarkedRead:
        person_id = _addressee(request, organisation)
        async with database.transaction() as session:
            marked = await people.mark_all_read(session, person_id)
        return MarkedRead(marked=marked, unread=0)


class PreferenceController(Controller):
    """The caller's own choices per topic (channel and cadence) and MAX user id."""

    path = "/preferences"
    tags = ["preferences"]

    async def _show(self, database: Database, person_id: UUID) -> PreferencesOut:
        async with database.sessions() as session:
            choices = await people.preferences(session, person_id)
            person = await session.get(Person, person_id)
        return PreferencesOut(
            person_id=person_id,
            max_user_id=person.max_user_id if person else None,
            topics=[
                TopicPreference(topic=t, title=TOPICS[t], channel=c.channel, cadence=c.cadence)
                for t, c in choices.items()
            ],
            channels=CHANNELS,
            cadences=CADENCES,
        )

    @get("/", summary="The caller's preferences", opt=roles(PEOPLE_ROLES))
    async def show(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        organisation: bool = ORGANISATION,
    ) -> PreferencesOut:
        return await self._show(database, _addressee(request, organisation))

    @put(
        "/topics/{topic:str}",
        summary="Set a topic's channel and cadence for the caller",
        opt=roles(PEOPLE_ROLES),
    )
    async def update(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        topic: str,
        data: PreferenceIn,
        organisation: bool = ORGANISATION,
    ) -> PreferencesOut:
        person_id = _addressee(request, organisation)
        async with database.transaction() as session:
            await people.set_preference(session, person_id, topic, data.channel, data.cadence)
        return await self._show(database, person_id)

    @put("/max", summary="Set the caller's MAX user id", opt=roles(PEOPLE_ROLES))
    async def update_max(
        self, request: Request[Principal, str, Any], database: Database, data: MaxUserIn
    ) -> PreferencesOut:
        person_id = _addressee(request, organisation=False)
        async with database.transaction() as session:
            await people.set_max_user(session, person_id, data.max_user_id)
        return await self._show(database, person_id)


class UnsubscribeController(Controller):
    """The link in every email: mutes a topic without logging in (open: ``/public/``; the
    signed token in the link is the key)."""

    path = "/public/unsubscribe"
    tags = ["preferences"]

    @get("/", summary="Unsubscribe by a signed token", media_type=MediaType.HTML)
    async def show(
        self, database: Database, settings: NotificationsSettings, token: str = ""
    ) -> Response[str]:
        page = {"portal_url": settings.portal_url, "district_name": settings.district_name}
        try:
            request = Tokens(settings).read(token)
        except InvalidToken as error:
            html = render(
                "unsubscribe.html.j2",
                title="Не удалось отписаться",
                message=error.message,
                ok=False,
                **page,
            )
            return Response(html, status_code=400, media_type=MediaType.HTML)
        async with database.transaction() as session:
            await people.unsubscribe(session, request)
        html = render(
            "unsubscribe.html.j2",
            title="Вы отписались от уведомлений",
            message=(
                f"Уведомления по теме «{TOPICS[request.topic]}» больше не будут приходить "
                "на электронную почту и в мессенджер. Они по-прежнему видны в личном "
                "кабинете на портале."
            ),
            ok=True,
            **page,
        )
        return Response(html, status_code=200, media_type=MediaType.HTML)
