"""A state-machine test of the whole lifecycle against a model written from the
regulations (000 §3.2–3.8, 001 §3.2–3.4), not from the service's own tables.

Random sequences of actions — legal and illegal — run through the real use cases on a
migrated SQLite database. After every step: the service accepted exactly what the model
allows, the states agree, no site is in a state the regulations forbid, and the audit
trail holds one record per transition of an application or a site.
"""

import asyncio
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from imc_applications.db.models import Application, AuditRecord, Site
from imc_applications.services import applications, council, orders, sites
from imc_applications.services.applications import Draft, Upload
from imc_applications.services.audit import Actor
from imc_applications.services.council import ItemInput
from imc_applications.settings import ApplicationsSettings
from imc_contracts.site_kinds import rules_of
from imc_shared import testing
from imc_shared.db import Database
from imc_shared.errors import DomainError
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

DISTRICT = "yaya"
SCHOOL = UUID("0192f5a0-0000-7000-8000-0000000000a1")
PDF = b"%PDF-1.7 test"
KINDS = ("osmp", "internship")

# The model: what the regulations allow, written out independently of the service.
APPLICATION_MODEL = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"return": "returned", "review": "under_review", "withdraw": "withdrawn"},
    "returned": {"submit": "submitted", "withdraw": "withdrawn"},
    "under_review": {"return": "returned", "conclude": "reviewed"},
    "reviewed": {"approve": "approved", "refuse": "refused", "withdraw": "withdrawn"},
    "approved": {"order": "ordered"},
}
MAX_MONTHS = {"osmp": (24, 12), "internship": (24, 0)}  # (term, extension) 000 §3.3/3.7, 001 §3.2


def make_machine(template: Path, workdir: Path, registry_factory: Any) -> type:
    class Lifecycle(RuleBasedStateMachine):
        applications = Bundle("applications")
        sites = Bundle("sites")

        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.workdir = workdir / f"run{id(self)}"
            self.workdir.mkdir()
            shutil.copy(template, self.workdir / "db.sqlite")
            self.database = Database(f"sqlite+aiosqlite:///{self.workdir / 'db.sqlite'}")
            self.registry, self.people = registry_factory()
            self.outbox = Outbox(district=DISTRICT, source="applications")
            self.store = FileStore(self.workdir / "files")
            self.issuers = ApplicationsSettings(
                service="applications", district=DISTRICT, **testing.auth_settings()
            ).issuer_table()
            self.actor = Actor(name="Секретарь совета")
            self.today = date(2026, 9, 1)
            self.app_state: dict[UUID, str] = {}
            self.app_kind: dict[UUID, str] = {}
            self.site_state: dict[UUID, str] = {}
            self.site_kind: dict[UUID, str] = {}
            self.site_end: dict[UUID, date] = {}
            self.site_extended: dict[UUID, bool] = {}
            self.transitions = 0
            self.approved_items: dict[UUID, UUID] = {}

        def teardown(self) -> None:
            self.run(self.database.dispose())
            self.loop.close()
            shutil.rmtree(self.workdir, ignore_errors=True)

        def run(self, coroutine: Any) -> Any:
            return self.loop.run_until_complete(coroutine)

        def attempt(self, allowed: bool, coroutine: Any) -> Any:
            """Run a use case; it must succeed exactly when the model allows it."""
            refusal = None
            try:
                result = self.run(coroutine)
            except DomainError as error:
                refusal, result = error.message, None
            if refusal is not None:
                assert not allowed, f"refused a legal action: {refusal}"
            else:
                assert allowed, "accepted an action the regulations forbid"
            return result

        def live_site_of(self, kind: str) -> bool:
            return any(
                state in ("active", "extended") and self.site_kind[s] == kind
                for s, state in self.site_state.items()
            )

        def open_application_of(self, kind: str) -> bool:
            return any(
                state in ("draft", "submitted", "returned", "under_review", "reviewed")
                and self.app_kind[a] == kind
                for a, state in self.app_state.items()
            )

        # --- applications ---------------------------------------------------------
        @rule(target=applications, kind=st.sampled_from(KINDS), submit=st.booleans())
        def apply(self, kind: str, submit: bool) -> Any:
            allowed = not self.live_site_of(kind) and not self.open_application_of(kind)
            answers = {i.code: {"met": True} for i in rules_of(kind).eligibility}
            uploads = {
                k: Upload(f"{k}.pdf", PDF) for k in ("statement", "information_note", "work_plan")
            }
            created = self.attempt(
                allowed,
                applications.create_application(
                    database=self.database,
                    outbox=self.outbox,
                    registry=self.registry,
                    store=self.store,
                    district=DISTRICT,
                    actor=self.actor,
                    organisation_id=SCHOOL,
                    site_kind=kind,
                    draft=Draft(
                        topic="Функциональная грамотность школьников",
                        eligibility=answers,
                        uploads=uploads,
                    ),
                    submit=submit,
                    max_bytes=1 << 20,
                ),
            )
            if created is None:
                return multiple()
            self.app_state[created.id] = "submitted" if submit else "draft"
            self.app_kind[created.id] = kind
            self.transitions += 2 if submit else 1  # created, then submitted
            return created.id

        def step(self, application_id: UUID, action: str, coroutine: Any) -> None:
            state = self.app_state.get(application_id)
            allowed = state is not None and action in APPLICATION_MODEL.get(state, {})
            if state is None:
                coroutine.close()
                return
            if self.attempt(allowed, coroutine) is not None:
                self.app_state[application_id] = APPLICATION_MODEL[state][action]
                self.transitions += 1

        @rule(application=applications)
        def submit(self, application: UUID) -> None:
            self.step(
                application,
                "submit",
                applications.submit_application(
                    database=self.database,
                    outbox=self.outbox,
                    district=DISTRICT,
                    actor=self.actor,
                    application_id=application,
                    version=None,
                ),
            )

        @rule(application=applications)
        def send_back(self, application: UUID) -> None:
            self.step(
                application,
                "return",
                applications.return_application(
                    database=self.database,
                    outbox=self.outbox,
                    district=DISTRICT,
                    actor=self.actor,
                    application_id=application,
                    version=None,
                    comment="Дополните информационную справку",
                    today=self.today,
                ),
            )

        @rule(application=applications)
        def review(self, application: UUID) -> None:
            self.step(
                application,
                "review",
                applications.start_review(
                    database=self.database,
                    registry=self.registry,
                    district=DISTRICT,
                    actor=self.actor,
                    application_id=application,
                    version=None,
                    reviewer_id=self.people["methodist"],
                ),
            )

        @rule(application=applications)
        def conclude(self, application: UUID) -> None:
            self.step(
                application,
                "conclude",
                applications.conclude_review(
                    database=self.database,
                    district=DISTRICT,
                    actor=self.actor,
                    application_id=application,
                    version=None,
                    conclusion="Заключение: опыт соответствует условиям Положения.",
                    recommendation="assign",
                    confirmed={},
                ),
            )

        @rule(application=applications)
        def withdraw(self, application: UUID) -> None:
            self.step(
                application,
                "withdraw",
                applications.withdraw_application(
                    database=self.database,
                    district=DISTRICT,
                    actor=self.actor,
                    application_id=application,
                    version=None,
                    reason="по решению школы",
                ),
            )

        def meeting(self) -> Any:
            meeting = self.run(
                council.create_meeting(
                    database=self.database,
                    outbox=self.outbox,
                    registry=self.registry,
                    district=DISTRICT,
                    actor=self.actor,
                    held_on=self.today,
                    place="пгт Яя",
                    protocol_number=None,
                )
            )
            present = self.registry.council[:4]
            return self.run(
                council.record_attendance(
                    database=self.database,
                    registry=self.registry,
                    district=DISTRICT,
                    actor=self.actor,
                    meeting_id=meeting.id,
                    version=None,
                    present=present,
                    chair_id=present[0],
                    secretary_id=present[1],
                )
            )

        def decide(self, meeting: Any, item_input: ItemInput, votes_for: int) -> Any:
            """Put one question, vote, close; ``None`` if the question was refused."""
            try:
                meeting = self.run(
                    council.add_item(
                        database=self.database,
                        registry=self.registry,
                        district=DISTRICT,
                        actor=self.actor,
                        meeting_id=meeting.id,
                        data=item_input,
                    )
                )
            except DomainError:
                return None
            item = meeting.items[-1]
            self.run(
                council.vote(
                    database=self.database,
                    district=DISTRICT,
                    actor=self.actor,
                    meeting_id=meeting.id,
                    item_id=item.id,
                    tally=council.rules.Tally(votes_for, 4 - votes_for, 0),
                    reason="Нет оснований",
                )
            )
            self.run(
                council.close_meeting(
                    database=self.database,
                    outbox=self.outbox,
                    district=DISTRICT,
                    actor=self.actor,
                    meeting_id=meeting.id,
                    version=None,
                )
            )
            return item

        @rule(application=applications, approve=st.booleans(), months=st.integers(6, 30))
        def council_decides(self, application: UUID, approve: bool, months: int) -> None:
            state = self.app_state.get(application)
            if state is None:
                return
            kind = self.app_kind[application]
            term_ok = (12 if kind == "osmp" else 1) <= months <= MAX_MONTHS[kind][0]
            allowed = state == "reviewed" and term_ok
            item = self.decide(
                self.meeting(),
                ItemInput(
                    type="application",
                    speaker="Петрова А. С.",
                    application_id=application,
                    term_months=months,
                    leader_id=self.people["leader"],
                    co_leader_id=self.people["methodist"],
                ),
                4 if approve else 1,
            )
            assert (item is not None) == allowed
            if item is not None:
                self.app_state[application] = "approved" if approve else "refused"
                self.transitions += 2  # scheduled, then decided
                if approve:
                    self.approved_items[application] = item.id

        @rule(target=applications, kind=st.sampled_from(KINDS))
        def apply_and_review(self, kind: str) -> Any:
            """The common path in one step, so deep states are reached often."""
            created = self.apply(kind, True)
            if not isinstance(created, UUID):
                return created
            self.review(created)
            self.conclude(created)
            return created

        @precondition(lambda self: any(s == "approved" for s in self.app_state.values()))
        @rule(target=sites)
        def issue_order(self) -> Any:
            application, item_id = next(
                (a, self.approved_items[a]) for a, s in self.app_state.items() if s == "approved"
            )
            order = self.attempt(
                True,
                orders.issue_order(
                    database=self.database,
                    outbox=self.outbox,
                    district=DISTRICT,
                    actor=self.actor,
                    issuers=self.issuers,
                    item_id=item_id,
                    order_date=self.today,
                ),
            )
            self.app_state[application] = "ordered"
            site = self.run(
                sites.get_site(database=self.database, district=DISTRICT, site_id=order.site_id)
            )
            self.site_state[site.id] = "active"
            self.site_kind[site.id] = self.app_kind[application]
            self.site_end[site.id] = site.term_end
            self.site_extended[site.id] = False
            self.transitions += 2  # application ordered, site activated
            return site.id

        # --- sites ----------------------------------------------------------------
        @rule(site=sites, months=st.integers(1, 15))
        def extend(self, site: UUID, months: int) -> None:
            state = self.site_state.get(site)
            if state is None:
                return
            kind = self.site_kind[site]
            allowed = (
                state == "active"
                and MAX_MONTHS[kind][1] >= months
                and not self.site_extended[site]
                and self.today <= self.site_end[site]
            )
            item = self.decide(
                self.meeting(),
                ItemInput(type="extension", speaker="Петрова А. С.", site_id=site, months=months),
                4,
            )
            assert (item is not None) == allowed
            if item is not None:
                self.attempt(
                    True,
                    orders.issue_order(
                        database=self.database,
                        outbox=self.outbox,
                        district=DISTRICT,
                        actor=self.actor,
                        issuers=self.issuers,
                        item_id=item.id,
                        order_date=self.today,
                    ),
                )
                self.site_state[site] = "extended"
                self.site_extended[site] = True
                current = self.run(
                    sites.get_site(database=self.database, district=DISTRICT, site_id=site)
                )
                self.site_end[site] = current.term_end
                self.transitions += 1

        @rule(site=sites)
        def terminate(self, site: UUID) -> None:
            state = self.site_state.get(site)
            if state is None:
                return
            ground = "topic_irrelevant" if self.site_kind[site] == "osmp" else "obstacles"
            allowed = state in ("active", "extended") and self.today <= self.site_end[site]
            item = self.decide(
                self.meeting(),
                ItemInput(
                    type="termination", speaker="Петрова А. С.", site_id=site, grounds=(ground,)
                ),
                4,
            )
            assert (item is not None) == allowed
            if item is not None:
                self.attempt(
                    True,
                    orders.issue_order(
                        database=self.database,
                        outbox=self.outbox,
                        district=DISTRICT,
                        actor=self.actor,
                        issuers=self.issuers,
                        item_id=item.id,
                        order_date=self.today,
                    ),
                )
                self.site_state[site] = "terminated"
                self.transitions += 1

        @rule(days=st.integers(1, 400))
        def time_passes(self, days: int) -> None:
            self.today += timedelta(days=days)
            self.run(
                sites.run_daily_checks(
                    database=self.database,
                    outbox=self.outbox,
                    district=DISTRICT,
                    today=self.today,
                    warning_days=(7, 30),
                    reminder_days=(3, 14),
                )
            )
            for site, state in self.site_state.items():
                if state in ("active", "extended") and self.site_end[site] < self.today:
                    self.site_state[site] = "expired"
                    self.transitions += 1

        # --- invariants -----------------------------------------------------------
        @invariant()
        def states_agree_and_no_forbidden_state(self) -> None:
            async def read() -> tuple[list[Application], list[Site], int]:
                async with self.database.sessions() as session:
                    apps = list((await session.scalars(sa.select(Application))).all())
                    rows = list((await session.scalars(sa.select(Site))).all())
                    audited = await session.scalar(
                        sa.select(sa.func.count(AuditRecord.id)).where(
                            AuditRecord.entity.in_(("application", "site"))
                        )
                    )
                    return apps, rows, audited or 0

            apps, rows, audited = self.run(read())
            assert {a.id: a.status for a in apps} == self.app_state
            assert {s.id: s.status for s in rows} == self.site_state
            for site in rows:
                term, extension = MAX_MONTHS[site.kind]
                limit = site.term_start + timedelta(days=31 * (term + extension))
                assert site.term_end < limit, "a term longer than the regulation allows"
                assert site.extensions_used <= (1 if extension else 0)
                if site.status == "extended":
                    assert site.extensions_used == 1
                owner = next(a for a in apps if a.id == site.application_id)
                assert owner.status == "ordered" and owner.decision is not None
            live = [(s.kind) for s in rows if s.status in ("active", "extended")]
            assert len(live) == len(set(live)), "two live statuses of one kind at one school"
            assert audited == self.transitions

    return Lifecycle


def test_lifecycle_never_reaches_a_forbidden_state(
    migrated_template: Path, tmp_path: Path, registry_factory: Any
) -> None:
    machine = make_machine(migrated_template, tmp_path, registry_factory)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=60,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
