"""Scheduling HTTP controllers."""

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.exceptions import PermissionDeniedException

from imc_scheduling.api.schemas import (
    AttendanceIn,
    CancelIn,
    CentreEventOut,
    CentrePlanItemOut,
    CentrePlanOut,
    CentreRegistrationIn,
    CentreRegistrationOut,
    CheckInIn,
    EventIn,
    EventOut,
    EventPatch,
    FeedTokenOut,
    FormOut,
    HoursItem,
    HoursOut,
    InternshipIn,
    InternshipOut,
    LinkedEvent,
    OverdueRow,
    ParticipantIn,
    PlanApprovalIn,
    PlanFulfilmentIn,
    PlanIn,
    PlanItemIn,
    PlanItemOut,
    PlanOut,
    PlanRoadmapRow,
    PlanSectionIn,
    PlanSectionOut,
    QuarterProgress,
    RegistrationCancelOut,
    RegistrationIn,
    RegistrationOut,
    Roadmap,
    RoadmapItemIn,
    RoadmapItemOut,
    RoadmapProgress,
    SeriesIn,
    SeriesOut,
    StatementIn,
    StatementOut,
    state_title,
)
from imc_scheduling.db.models import (
    CentreEvent,
    CentrePlan,
    CentreRegistration,
    PlanItem,
    Registration,
)
from imc_scheduling.domain.access import (
    REGISTRANTS,
    canceller,
    registration_refusal,
    sees_registration,
)
from imc_scheduling.domain.centre import CENTRE_REGISTRATION_STATUS_TITLES
from imc_scheduling.domain.events import (
    AUDIENCE_CATEGORY_TITLES,
    EVENT_FORM_TITLES,
    EVENT_LEVEL_TITLES,
    EVENT_STATUS_TITLES,
    ORGANISER_KIND_TITLES,
    OUTCOME_TITLES,
    aware,
    checkin_code,
    feed_token,
    feed_token_valid,
    quarter_of,
    read_checkin_code,
)
from imc_scheduling.domain.plans import (
    PLAN_KIND_TITLES,
    PLAN_STATUS_TITLES,
    fulfilment,
    overdue,
    percent,
)
from imc_scheduling.services import (
    calendars,
    centre_events,
    centre_plans,
    centre_registrations,
    checkin_qr,
    events,
    internships,
    plans,
    registrations,
    roadmaps,
)
from imc_scheduling.settings import SchedulingSettings, signing_key
from imc_shared.auth import STAFF, Principal, Role, current, roles
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.outbox import Outbox

ICS = "text/calendar; charset=utf-8"


def _may_register(principal: Principal, person_id: UUID, organisation_id: UUID | None) -> None:
    """403 with the reason unless ``principal`` may register (or cancel) this person."""
    refusal = registration_refusal(principal, person_id, organisation_id)
    if refusal is not None:
        raise PermissionDeniedException(refusal)


def _today(settings: SchedulingSettings) -> date:
    return datetime.now(ZoneInfo(settings.time_zone)).date()


def _registration(
    row: Registration, settings: SchedulingSettings, position: int | None = None
) -> RegistrationOut:
    return RegistrationOut.of(
        row, code=checkin_code(signing_key(settings), row.id), waiting_position=position
    )


def _item_out(facts: roadmaps.ItemFacts) -> RoadmapItemOut:
    item, state, linked = facts
    return RoadmapItemOut(
        id=item.id,
        roadmap_id=item.roadmap_id,
        title=item.title,
        form=item.form,
        form_title=EVENT_FORM_TITLES.get(item.form, item.form),
        responsible_name=item.responsible_name,
        responsible_person_id=item.responsible_person_id,
        deadline=item.deadline,
        quarter=quarter_of(item.deadline),
        expected_result=item.expected_result,
        state=state,
        state_title=state_title(state),
        events=[
            LinkedEvent(id=e.id, title=e.title, starts_at=e.starts_at, status=e.status, attended=n)
            for e, n in linked
        ],
        plan_item_id=item.plan_item_id,
        overdue_notified_at=item.overdue_notified_at,
    )


class RoadmapController(Controller):
    """Road maps of the district's sites, their rows and plan versus fact."""

    path = "/roadmaps"
    tags = ["roadmaps"]

    @get("/", summary="List road maps")
    async def index(self, database: Database) -> list[Roadmap]:
        return [Roadmap.of(row) for row in await roadmaps.list_roadmaps(database=database)]

    @get("/overdue", summary="Overdue road-map rows of every site")
    async def overdue(self, database: Database, settings: SchedulingSettings) -> list[OverdueRow]:
        rows = await roadmaps.overdue_items(database=database, today=_today(settings))
        return [
            OverdueRow(
                roadmap_id=roadmap.id,
                site_id=roadmap.site_id,
                roadmap_title=roadmap.title,
                organisation_short_name=roadmap.organisation_short_name,
                item=_item_out(facts),
            )
            for roadmap, facts in rows
        ]

    @post("/{roadmap_id:uuid}/items", summary="Add a road-map row")
    async def create_item(
        self,
        database: Database,
        settings: SchedulingSettings,
        roadmap_id: UUID,
        data: RoadmapItemIn,
    ) -> RoadmapItemOut:
        item = await roadmaps.add_item(database=database, roadmap_id=roadmap_id, data=data)
        rows = await roadmaps.items_with_state(
            database=database, roadmap_id=roadmap_id, today=_today(settings)
        )
        return _item_out(next(r for r in rows if r[0].id == item.id))

    @get("/{roadmap_id:uuid}/items", summary="Road-map rows with their state")
    async def items(
        self, database: Database, settings: SchedulingSettings, roadmap_id: UUID
    ) -> list[RoadmapItemOut]:
        rows = await roadmaps.items_with_state(
            database=database, roadmap_id=roadmap_id, today=_today(settings)
        )
        return [_item_out(r) for r in rows]

    @get("/{roadmap_id:uuid}/progress", summary="Plan versus fact per quarter")
    async def progress(
        self, database: Database, settings: SchedulingSettings, roadmap_id: UUID
    ) -> RoadmapProgress:
        rows = await roadmaps.items_with_state(
            database=database, roadmap_id=roadmap_id, today=_today(settings)
        )
        per: dict[str, Counter[str]] = {}
        for item, state, _ in rows:
            per.setdefault(quarter_of(item.deadline), Counter())[state] += 1
        return RoadmapProgress(
            roadmap_id=roadmap_id,
            quarters=[
                QuarterProgress(
                    quarter=q,
                    planned=c["planned"],
                    done=c["done"],
                    cancelled=c["cancelled"],
                    overdue=c["overdue"],
                    total=sum(c.values()),
                )
                for q, c in sorted(per.items())
            ],
            overdue_items=[_item_out(r) for r in rows if r[1] == "overdue"],
        )


class EventController(Controller):
    """Events: plan, change, move, cancel; registration and attendance."""

    path = "/events"
    tags = ["events"]

    @get("/", summary="List events")
    async def index(
        self,
        database: Database,
        settings: SchedulingSettings,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        organiser_id: UUID | None = None,
        level: str | None = None,
        form: str | None = None,
        series_id: UUID | None = None,
        include_cancelled: bool = True,
    ) -> list[EventOut]:
        rows = await events.list_events(
            database=database,
            starts_from=aware(date_from, ZoneInfo(settings.time_zone)) if date_from else None,
            starts_to=aware(date_to, ZoneInfo(settings.time_zone)) if date_to else None,
            organiser_id=organiser_id,
            level=level,
            form=form,
            series_id=series_id,
            include_cancelled=include_cancelled,
        )
        return [EventOut.of(e, seats_taken=c[0], waiting=c[1]) for e, c in rows]

    @post("/", summary="Plan an event")
    async def create(
        self, database: Database, outbox: Outbox, settings: SchedulingSettings, data: EventIn
    ) -> EventOut:
        event = await events.create_event(
            database=database, outbox=outbox, settings=settings, data=data
        )
        return EventOut.of(event)

    @get("/{event_id:uuid}", summary="One event")
    async def show(self, database: Database, event_id: UUID) -> EventOut:
        event, counts = await events.get_event(database=database, event_id=event_id)
        return EventOut.of(event, seats_taken=counts[0], waiting=counts[1])

    @patch("/{event_id:uuid}", summary="Change or move an event")
    async def update(
        self,
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        event_id: UUID,
        data: EventPatch,
    ) -> EventOut:
        await events.update_event(
            database=database, outbox=outbox, settings=settings, event_id=event_id, patch=data
        )
        event, counts = await events.get_event(database=database, event_id=event_id)
        return EventOut.of(event, seats_taken=counts[0], waiting=counts[1])

    @post("/{event_id:uuid}/cancel", summary="Cancel an event", status_code=200)
    async def cancel(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        outbox: Outbox,
        event_id: UUID,
        data: CancelIn,
    ) -> EventOut:
        await events.cancel_event(
            database=database,
            outbox=outbox,
            event_id=event_id,
            reason=data.reason,
            cancelled_by_name=current(request).name,
        )
        event, counts = await events.get_event(database=database, event_id=event_id)
        return EventOut.of(event, seats_taken=counts[0], waiting=counts[1])

    @get("/{event_id:uuid}/registrations", summary="Registrations and the waiting list")
    async def registrations_index(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: SchedulingSettings,
        event_id: UUID,
    ) -> list[RegistrationOut]:
        """Everyone registered, for staff and the council; a teacher sees only their own
        registration, a school representative only their organisation's."""
        principal = current(request)
        rows = await registrations.list_registrations(database=database, event_id=event_id)
        return [
            _registration(r, settings, p)
            for r, p in rows
            if sees_registration(principal, r.person_id, r.organisation_id)
        ]

    @post(
        "/{event_id:uuid}/registrations",
        summary="Register a teacher (a teacher: only themselves; a school: its own people)",
        opt=roles(REGISTRANTS),
    )
    async def register(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        event_id: UUID,
        data: RegistrationIn,
    ) -> RegistrationOut:
        _may_register(current(request), data.person_id, data.organisation_id)
        row, position = await registrations.register(
            database=database,
            outbox=outbox,
            event_id=event_id,
            person_id=data.person_id,
            full_name=data.full_name,
            organisation_id=data.organisation_id,
            registered_by=data.registered_by,
        )
        return _registration(row, settings, position)

    @post(
        "/{event_id:uuid}/registrations/{registration_id:uuid}/cancel",
        summary="Cancel a registration (the waiting list moves up)",
        status_code=200,
        opt=roles(REGISTRANTS),
    )
    async def cancel_registration(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        event_id: UUID,
        registration_id: UUID,
    ) -> RegistrationCancelOut:
        async with database.sessions() as session:
            known = await session.get(Registration, registration_id)
        principal = current(request)
        if known is not None and known.event_id == event_id:
            _may_register(principal, known.person_id, known.organisation_id)
        by, by_name = canceller(principal)
        row, promoted = await registrations.cancel_registration(
            database=database,
            outbox=outbox,
            event_id=event_id,
            registration_id=registration_id,
            cancelled_by=by,
            cancelled_by_name=by_name,
        )
        return RegistrationCancelOut(
            registration=_registration(row, settings),
            promoted=[_registration(p, settings) for p in promoted],
        )

    @get(
        "/{event_id:uuid}/registrations/{registration_id:uuid}/qr.svg",
        summary="The participant's personal QR code for self check-in (own code only)",
    )
    async def qr_code(
        self,
        database: Database,
        settings: SchedulingSettings,
        event_id: UUID,
        registration_id: UUID,
        token: str = "",
    ) -> Response[bytes]:
        body = await checkin_qr.checkin_qr(
            database=database,
            secret=signing_key(settings),
            public_url=settings.public_url,
            event_id=event_id,
            registration_id=registration_id,
            token=token,
        )
        return Response(body, media_type=checkin_qr.SVG, headers={"Cache-Control": "private"})

    @post("/{event_id:uuid}/attendance", summary="Organiser marks attendance", status_code=200)
    async def attendance(
        self,
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        event_id: UUID,
        data: AttendanceIn,
    ) -> list[RegistrationOut]:
        rows = await registrations.mark_attendance(
            database=database,
            outbox=outbox,
            event_id=event_id,
            person_ids=data.person_ids,
            attended=data.attended,
        )
        return [_registration(r, settings) for r in rows]

    @post(
        "/{event_id:uuid}/check-in",
        summary="Check in with the personal code: the participant themselves or the organiser",
        status_code=200,
        opt=roles(STAFF, Role.TEACHER),
    )
    async def check_in(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        event_id: UUID,
        data: CheckInIn,
    ) -> RegistrationOut:
        principal = current(request)
        if principal.role is Role.TEACHER:
            # A teacher checks in only with the code of their own registration: a code
            # passed on to a colleague does not mark its owner present.
            registration_id = read_checkin_code(signing_key(settings), data.code)
            async with database.sessions() as session:
                known = (
                    await session.get(Registration, registration_id) if registration_id else None
                )
            if known is not None and known.person_id != principal.person_id:
                raise PermissionDeniedException(
                    "Отметиться о присутствии педагог может только по своей регистрации"
                )
        row = await registrations.self_check_in(
            database=database,
            outbox=outbox,
            secret=signing_key(settings),
            event_id=event_id,
            code=data.code,
        )
        return _registration(row, settings)


class SeriesController(Controller):
    """Recurring series planned once."""

    path = "/series"
    tags = ["events"]

    @post("/", summary="Plan a series (RRULE)")
    async def create(
        self, database: Database, outbox: Outbox, settings: SchedulingSettings, data: SeriesIn
    ) -> SeriesOut:
        series, rows = await events.create_series(
            database=database, outbox=outbox, settings=settings, data=data.event, rrule=data.rrule
        )
        return SeriesOut(id=series.id, rrule=series.rrule, events=[EventOut.of(e) for e in rows])


class PersonController(Controller):
    """A teacher's record of professional development and private calendar."""

    path = "/people"
    tags = ["people"]

    @get("/{person_id:uuid}/hours", summary="Hours credited")
    async def hours(self, database: Database, person_id: UUID) -> HoursOut:
        rows = await registrations.person_hours(database=database, person_id=person_id)
        return HoursOut(
            person_id=person_id,
            total_hours=sum(r.hours_credited for _, r in rows),
            events=[
                HoursItem(
                    event_id=e.id,
                    title=e.title,
                    form=e.form,
                    form_title=EVENT_FORM_TITLES.get(e.form, e.form),
                    starts_at=e.starts_at,
                    hours=r.hours_credited,
                )
                for e, r in rows
            ],
        )

    @get("/{person_id:uuid}/feed-token", summary="Private calendar address (for the person)")
    async def feed_token(
        self, request: Request[Principal, str, Any], settings: SchedulingSettings, person_id: UUID
    ) -> FeedTokenOut:
        principal = current(request)
        if not principal.is_staff and principal.person_id != person_id:
            # Only the person (or the IMC's staff) learns the address of their calendar.
            raise NotFound("Календарь не найден", field="person_id")
        token = feed_token(signing_key(settings), person_id)
        return FeedTokenOut(
            person_id=person_id,
            token=token,
            path=f"/public/calendar/people/{person_id}/events.ics?token={token}",
        )


class CalendarController(Controller):
    """iCalendar feeds (RFC 5545)."""

    path = "/calendar"
    tags = ["calendar"]

    @get("/district.ics", summary="Every event of the district")
    async def district(self, database: Database, settings: SchedulingSettings) -> Response[bytes]:
        body = calendars.render(
            await calendars.district_events(database),
            name=f"Мероприятия {settings.district_name or settings.district}",
            district=settings.district,
            time_zone=settings.time_zone,
        )
        return Response(body, media_type=ICS)

    @get("/sites/{site_id:uuid}/events.ics", summary="Events of a site")
    async def site(
        self, database: Database, settings: SchedulingSettings, site_id: UUID
    ) -> Response[bytes]:
        body = calendars.render(
            await calendars.site_events(database, site_id),
            name="Мероприятия площадки",
            district=settings.district,
            time_zone=settings.time_zone,
        )
        return Response(body, media_type=ICS)


class PublicCalendarController(Controller):
    """A person's own calendar feed: calendar apps subscribe to it and send no login, so
    it is open (``/public/``) and guarded by the person's private feed token instead."""

    path = "/public/calendar"
    tags = ["calendar", "public"]

    @get("/people/{person_id:uuid}/events.ics", summary="A person's events (private token)")
    async def person(
        self, database: Database, settings: SchedulingSettings, person_id: UUID, token: str = ""
    ) -> Response[bytes]:
        if not feed_token_valid(signing_key(settings), person_id, token):
            raise NotFound("Календарь не найден", field="token")
        body = calendars.render(
            await calendars.person_events(database, person_id),
            name="Мои мероприятия",
            district=settings.district,
            time_zone=settings.time_zone,
        )
        return Response(body, media_type=ICS)


class VocabularyController(Controller):
    """Codes with their Russian titles."""

    path = "/vocabulary"
    tags = ["vocabulary"]

    @get("/event-forms", summary="Event forms")
    async def forms(self) -> list[FormOut]:
        return [FormOut(code=c, title=t) for c, t in EVENT_FORM_TITLES.items()]

    @get("/event-levels", summary="Event levels")
    async def levels(self) -> list[FormOut]:
        return [FormOut(code=c, title=t) for c, t in EVENT_LEVEL_TITLES.items()]

    @get("/organiser-kinds", summary="Organiser kinds")
    async def organiser_kinds(self) -> list[FormOut]:
        return [FormOut(code=c, title=t) for c, t in ORGANISER_KIND_TITLES.items()]

    @get("/audience-categories", summary="Audience categories")
    async def audience_categories(self) -> list[FormOut]:
        return [FormOut(code=c, title=t) for c, t in AUDIENCE_CATEGORY_TITLES.items()]


def _plan_row(row: roadmaps.SiteRow) -> PlanRoadmapRow:
    roadmap, (item, state, _) = row
    return PlanRoadmapRow(
        id=item.id,
        roadmap_id=roadmap.id,
        site_id=roadmap.site_id,
        roadmap_title=roadmap.title,
        organisation_short_name=roadmap.organisation_short_name,
        title=item.title,
        deadline=item.deadline,
        state=state,
        state_title=state_title(state),
    )


def _plan_item_out(i: PlanItem, rows: list[roadmaps.SiteRow]) -> PlanItemOut:
    return PlanItemOut(
        id=i.id,
        position=i.position,
        title=i.title,
        form=i.form,
        form_title=EVENT_FORM_TITLES.get(i.form, ""),
        responsible_name=i.responsible_name,
        responsible_person_id=i.responsible_person_id,
        deadline=i.deadline,
        deadline_text=i.deadline_text,
        expected_result=i.expected_result,
        done_on=i.done_on,
        done_note=i.done_note,
        roadmap_rows=[_plan_row(r) for r in rows],
        linked_rows_done=sum(1 for _, (_, state, _) in rows if state == "done"),
        linked_rows_total=len(rows),
    )


def _plan_out(tree: plans.PlanTree) -> PlanOut:
    plan, sections, links = tree
    return PlanOut(
        id=plan.id,
        kind=plan.kind,
        kind_title=PLAN_KIND_TITLES.get(plan.kind, plan.kind),
        title=plan.title,
        school_year=plan.school_year,
        subject=plan.subject,
        status=plan.status,
        status_title=PLAN_STATUS_TITLES.get(plan.status, plan.status),
        approved_by=plan.approved_by,
        approval_document=plan.approval_document,
        approved_on=plan.approved_on,
        published_at=plan.published_at,
        sections=[
            PlanSectionOut(
                id=section.id,
                position=section.position,
                title=section.title,
                items=[_plan_item_out(i, links.get(i.id, [])) for i in items],
            )
            for section, items in sections
        ],
    )


async def _plan_view(
    database: Database, settings: SchedulingSettings, plan_id: UUID, *, public: bool = False
) -> PlanOut:
    tree = await plans.plan_tree(
        database=database, plan_id=plan_id, today=_today(settings), public=public
    )
    return _plan_out(tree)


class PlanController(Controller):
    """Annual plans of the IMC / ММЦ and subject plans (002 §6.1)."""

    path = "/plans"
    tags = ["plans"]

    @get("/", summary="List plans")
    async def index(self, database: Database, school_year: str | None = None) -> list[PlanOut]:
        rows = await plans.list_plans(database=database, school_year=school_year)
        return [_plan_out((p, [], {})) for p in rows]

    @post("/", summary="Start a draft plan")
    async def create(self, database: Database, outbox: Outbox, data: PlanIn) -> PlanOut:
        plan = await plans.create_plan(database=database, outbox=outbox, data=data)
        return _plan_out((plan, [], {}))

    @get("/{plan_id:uuid}", summary="A plan with sections and items")
    async def show(
        self, database: Database, settings: SchedulingSettings, plan_id: UUID
    ) -> PlanOut:
        return await _plan_view(database, settings, plan_id)

    @post("/{plan_id:uuid}/sections", summary="Add a section")
    async def create_section(
        self,
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        plan_id: UUID,
        data: PlanSectionIn,
    ) -> PlanOut:
        await plans.add_section(database=database, outbox=outbox, plan_id=plan_id, data=data)
        return await _plan_view(database, settings, plan_id)

    @post("/{plan_id:uuid}/sections/{section_id:uuid}/items", summary="Add an item")
    async def create_item(
        self,
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        plan_id: UUID,
        section_id: UUID,
        data: PlanItemIn,
    ) -> PlanOut:
        await plans.add_item(
            database=database, outbox=outbox, plan_id=plan_id, section_id=section_id, data=data
        )
        return await _plan_view(database, settings, plan_id)

    @post("/{plan_id:uuid}/approve", summary="Approve the plan", status_code=200)
    async def approve(
        self,
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        plan_id: UUID,
        data: PlanApprovalIn,
    ) -> PlanOut:
        await plans.approve(database=database, outbox=outbox, plan_id=plan_id, data=data)
        return await _plan_view(database, settings, plan_id)

    @post("/{plan_id:uuid}/publish", summary="Publish the approved plan", status_code=200)
    async def publish(
        self, database: Database, outbox: Outbox, settings: SchedulingSettings, plan_id: UUID
    ) -> PlanOut:
        await plans.publish(database=database, outbox=outbox, plan_id=plan_id)
        return await _plan_view(database, settings, plan_id)

    @post(
        "/{plan_id:uuid}/items/{item_id:uuid}/fulfil",
        summary="Mark a plan item fulfilled",
        status_code=200,
    )
    async def fulfil(
        self,
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        plan_id: UUID,
        item_id: UUID,
        data: PlanFulfilmentIn,
    ) -> PlanOut:
        await plans.fulfil_item(
            database=database,
            outbox=outbox,
            plan_id=plan_id,
            item_id=item_id,
            data=data,
            today=_today(settings),
        )
        return await _plan_view(database, settings, plan_id)

    @delete(
        "/{plan_id:uuid}/items/{item_id:uuid}/fulfil",
        summary="Withdraw a plan item's fulfilment",
        status_code=200,
    )
    async def unfulfil(
        self,
        database: Database,
        outbox: Outbox,
        settings: SchedulingSettings,
        plan_id: UUID,
        item_id: UUID,
    ) -> PlanOut:
        await plans.unfulfil_item(
            database=database,
            outbox=outbox,
            plan_id=plan_id,
            item_id=item_id,
            today=_today(settings),
        )
        return await _plan_view(database, settings, plan_id)


class PublicPlanController(Controller):
    """Published plans, read-only, for everyone (000 §3.6.2)."""

    path = "/public/plans"
    tags = ["public"]

    @get("/", summary="Published plans")
    async def index(self, database: Database, school_year: str | None = None) -> list[PlanOut]:
        rows = await plans.list_plans(database=database, public=True, school_year=school_year)
        return [_plan_out((p, [], {})) for p in rows]

    @get("/{plan_id:uuid}", summary="A published plan")
    async def show(
        self, database: Database, settings: SchedulingSettings, plan_id: UUID
    ) -> PlanOut:
        return await _plan_view(database, settings, plan_id, public=True)


def _statement_out(s: internships.Statement) -> StatementOut:
    p = s.participant
    return StatementOut(
        person_id=p.person_id,
        full_name=p.full_name,
        organisation_id=p.organisation_id,
        days_total=s.days_total,
        days_attended=s.days_attended,
        hours=s.hours,
        outcome=s.outcome,
        outcome_title=OUTCOME_TITLES.get(s.outcome, s.outcome),
        conclusion=p.conclusion,
        issued_at=p.statement_issued_at,
    )


async def _internship_out(database: Database, internship_id: UUID) -> InternshipOut:
    internship, days, rows = await internships.statements(
        database=database, internship_id=internship_id
    )
    return InternshipOut(
        id=internship.id,
        title=internship.title,
        site_id=internship.site_id,
        organiser_name=internship.organiser_name,
        min_attendance_percent=internship.min_attendance_percent,
        group_fixed_at=internship.group_fixed_at,
        days=[EventOut.of(d) for d in days],
        participants=[_statement_out(s) for s in rows],
    )


class InternshipController(Controller):
    """Internship programmes (001 §1.3): days, fixed group, final statements."""

    path = "/internships"
    tags = ["internships"]

    @post("/", summary="Start an internship programme")
    async def create(self, database: Database, data: InternshipIn) -> InternshipOut:
        internship = await internships.create(database=database, data=data)
        return await _internship_out(database, internship.id)

    @get("/{internship_id:uuid}", summary="Programme, group and statements")
    async def show(self, database: Database, internship_id: UUID) -> InternshipOut:
        return await _internship_out(database, internship_id)

    @post("/{internship_id:uuid}/participants", summary="Add a member to the group")
    async def create_participant(
        self, database: Database, internship_id: UUID, data: ParticipantIn
    ) -> InternshipOut:
        await internships.add_participant(database=database, internship_id=internship_id, data=data)
        return await _internship_out(database, internship_id)

    @post("/{internship_id:uuid}/fix-group", summary="Fix the group", status_code=200)
    async def fix_group(
        self, database: Database, outbox: Outbox, internship_id: UUID
    ) -> InternshipOut:
        await internships.fix_group(database=database, outbox=outbox, internship_id=internship_id)
        return await _internship_out(database, internship_id)

    @post(
        "/{internship_id:uuid}/participants/{person_id:uuid}/statement",
        summary="Issue a final statement",
        status_code=200,
    )
    async def issue_statement(
        self, database: Database, internship_id: UUID, person_id: UUID, data: StatementIn
    ) -> StatementOut:
        statement = await internships.issue_statement(
            database=database,
            internship_id=internship_id,
            person_id=person_id,
            conclusion=data.conclusion,
        )
        return _statement_out(statement)


def _centre_event_out(row: CentreEvent) -> CentreEventOut:
    return CentreEventOut(
        event_id=row.event_id,
        version=row.version,
        title=row.title,
        form=row.form,
        form_title=row.form_title or EVENT_FORM_TITLES.get(row.form, row.form),
        level=row.level,
        level_title=EVENT_LEVEL_TITLES.get(row.level, row.level),
        organiser_name=row.organiser_name,
        venue=row.venue,
        online_url=row.online_url,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        capacity=row.capacity,
        hours=row.hours,
        audience_subjects=list(row.audience_subjects),
        audience_categories=list(row.audience_categories),
        status=row.status,
        status_title=EVENT_STATUS_TITLES.get(row.status, row.status),
        registered=row.registered,
        waiting=row.waiting,
        centre=row.centre,
    )


class CentreEventController(Controller):
    """Inter-municipal events of the centre (ММЦ), as this district received them."""

    path = "/centre-events"
    tags = ["events"]

    @get("/", summary="Upcoming inter-municipal events of the centre")
    async def index(
        self, database: Database, include_cancelled: bool = False
    ) -> list[CentreEventOut]:
        rows = await centre_events.list_centre_events(
            database=database, now=datetime.now(UTC), include_cancelled=include_cancelled
        )
        return [_centre_event_out(r) for r in rows]

    @get("/{event_id:uuid}/registrations", summary="This district's registrations")
    async def registrations_index(
        self, request: Request[Any, Any, Any], database: Database, event_id: UUID
    ) -> list[CentreRegistrationOut]:
        """As for the district's own events: a teacher sees only their own request, a
        school representative only their organisation's."""
        principal = current(request)
        rows = await centre_registrations.list_registrations(database=database, event_id=event_id)
        return [
            _centre_registration_out(r)
            for r in rows
            if sees_registration(principal, r.person_id, r.organisation_id)
        ]

    @post(
        "/{event_id:uuid}/registrations",
        summary="Register a district teacher (a teacher: only themselves; a school: its own)",
        opt=roles(REGISTRANTS),
    )
    async def register(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        outbox: Outbox,
        event_id: UUID,
        data: CentreRegistrationIn,
    ) -> CentreRegistrationOut:
        _may_register(current(request), data.person_id, data.organisation_id)
        row = await centre_registrations.request_registration(
            database=database,
            outbox=outbox,
            event_id=event_id,
            person_id=data.person_id,
            full_name=data.full_name,
            position=data.position,
            organisation_id=data.organisation_id,
        )
        return _centre_registration_out(row)

    @delete(
        "/{event_id:uuid}/registrations/{registration_id:uuid}",
        summary="Withdraw a district teacher",
        status_code=200,
        opt=roles(REGISTRANTS),
    )
    async def withdraw(
        self,
        request: Request[Principal, str, Any],
        database: Database,
        outbox: Outbox,
        event_id: UUID,
        registration_id: UUID,
    ) -> CentreRegistrationOut:
        async with database.sessions() as session:
            known = await session.get(CentreRegistration, registration_id)
        if known is not None and known.event_id == event_id:
            _may_register(current(request), known.person_id, known.organisation_id)
        row = await centre_registrations.withdraw_registration(
            database=database, outbox=outbox, event_id=event_id, registration_id=registration_id
        )
        return _centre_registration_out(row)


def _centre_registration_out(row: CentreRegistration) -> CentreRegistrationOut:
    return CentreRegistrationOut(
        id=row.id,
        event_id=row.event_id,
        person_id=row.person_id,
        full_name=row.full_name,
        position=row.position,
        organisation_id=row.organisation_id,
        organisation_short_name=row.organisation_short_name,
        status=row.status,
        status_title=CENTRE_REGISTRATION_STATUS_TITLES.get(row.status, row.status),
        queue_number=row.queue_number,
        reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _centre_plan_out(row: CentrePlan, today: date) -> CentrePlanOut:
    items = [
        (UUID(str(i["item_id"])), str(i["title"]), _iso(i["deadline"]), _iso(i["done_on"]))
        for i in row.items
    ]
    total, done, late = fulfilment([(d, f) for _, _, d, f in items], today)
    return CentrePlanOut(
        plan_id=row.plan_id,
        version=row.version,
        kind=row.kind,
        kind_title=PLAN_KIND_TITLES.get(row.kind, row.kind),
        title=row.title,
        school_year=row.school_year,
        subject=row.subject,
        status=row.status,
        status_title=PLAN_STATUS_TITLES.get(row.status, row.status),
        items=[
            CentrePlanItemOut(
                item_id=item_id,
                title=title,
                deadline=deadline,
                done_on=done_on,
                overdue=overdue(deadline, done_on, today),
            )
            for item_id, title, deadline, done_on in items
        ],
        items_total=total,
        items_done=done,
        items_overdue=late,
        done_percent=percent(done, total),
        centre=row.centre,
    )


class CentrePlanController(Controller):
    """Plans of the centre (ММЦ) with their fulfilment, as this district received them."""

    path = "/centre-plans"
    tags = ["plans"]

    @get("/", summary="The centre's plans with items and fulfilment")
    async def index(
        self,
        database: Database,
        settings: SchedulingSettings,
        school_year: str | None = None,
        include_drafts: bool = False,
    ) -> list[CentrePlanOut]:
        rows = await centre_plans.list_centre_plans(
            database=database, school_year=school_year, include_drafts=include_drafts
        )
        return [_centre_plan_out(r, _today(settings)) for r in rows]


CONTROLLERS = [
    CentreEventController,
    CentrePlanController,
    InternshipController,
    PlanController,
    PublicPlanController,
    RoadmapController,
    EventController,
    SeriesController,
    PersonController,
    CalendarController,
    PublicCalendarController,
    VocabularyController,
]
