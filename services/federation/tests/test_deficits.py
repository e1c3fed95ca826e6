"""The centre's anonymous view of professional deficits, on SQLite and PostgreSQL: each
district's summary is kept at its highest version whatever the arrival order, only the
district's own link may speak for it, the figures add up as they should, and only the
centre's staff read them (JSON and XLSX)."""

import io
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from imc_contracts import DEFICITS_SUMMARISED, Envelope
from imc_contracts.messages import DeficitCount, DeficitsSummarised
from imc_federation.api.controllers import CentreController
from imc_federation.db.models import CentreDeficitCount, CentreDeficitSummary, Rejection
from imc_federation.domain.deficits import NO_SUBJECT, closure_rate
from imc_federation.services.deficits import deficits
from imc_federation.settings import FederationSettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox

Client = AsyncTestClient[Any]
Deliver = Any
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASSESSMENT = "Оценивание образовательных результатов обучающихся"
READING = "Формирование читательской грамотности"
DIGITAL = "Использование цифровых образовательных ресурсов"


def line(
    code: str, title: str, subject: str, open_: int, closed: int, teachers: int
) -> DeficitCount:
    return DeficitCount(
        competency_code=code,
        competency_title=title,
        subject=subject,
        open=open_,
        closed=closed,
        teachers=teachers,
    )


def summary(
    version: int, rows: tuple[DeficitCount, ...], *, routes: int = 12, day: int = 0
) -> DeficitsSummarised:
    return DeficitsSummarised(
        version=version,
        as_of=T0 + timedelta(days=day),
        teachers_with_routes=routes,
        rows=rows,
    )


def sent(payload: DeficitsSummarised, *, district: str = "yaya", minutes: int = 0) -> Envelope[Any]:
    return DEFICITS_SUMMARISED.new(
        payload, district=district, source="growth", occurred_at=T0 + timedelta(minutes=minutes)
    )


VERSIONS = {
    1: summary(1, (line("assessment", ASSESSMENT, "математика", 5, 0, 5),), routes=3, day=1),
    2: summary(
        2,
        (
            line("assessment", ASSESSMENT, "математика", 4, 1, 5),
            line("reading", READING, "русский язык", 2, 0, 2),
        ),
        routes=5,
        day=2,
    ),
    3: summary(3, (line("assessment", ASSESSMENT, "математика", 2, 3, 5),), routes=6, day=3),
}
"""Three summaries of one district; the last has fewer lines than the one before."""


async def _state(database: Database, district: str = "yaya") -> tuple[Any, list[Any]]:
    async with database.sessions() as session:
        kept = await session.get(CentreDeficitSummary, district)
        head = (kept.version, kept.teachers_with_routes) if kept else None
        counts = (
            await session.scalars(
                sa.select(CentreDeficitCount)
                .where(CentreDeficitCount.district == district)
                .order_by(CentreDeficitCount.position)
            )
        ).all()
        lines = [(c.position, c.competency_code, c.subject, c.open, c.closed) for c in counts]
    return head, lines


async def _forget(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(sa.delete(CentreDeficitCount))
        await session.execute(sa.delete(CentreDeficitSummary))


async def test_the_highest_version_wins_whatever_the_order_and_repeats(
    database: Database, deliver: Deliver
) -> None:
    for order in itertools.permutations([1, 2, 3]):
        await _forget(database)
        # The clock runs against the versions: it must not decide once versions exist.
        messages = {v: sent(VERSIONS[v], minutes=10 - v) for v in VERSIONS}
        for version in (*order, *order):  # every message twice
            assert await deliver(messages[version]) is None, order
        assert await _state(database) == (
            (3, 6),
            [(1, "assessment", "математика", 2, 3)],
        ), order
    # An older summary arriving late, or the same version again with other figures
    # (a resync), changes nothing.
    assert await deliver(sent(VERSIONS[2], minutes=30)) is None
    other = summary(3, (line("digital", DIGITAL, "", 9, 9, 9),), routes=99)
    assert await deliver(sent(other, minutes=40)) is None
    assert await _state(database) == ((3, 6), [(1, "assessment", "математика", 2, 3)])
    # A newer one with no lines at all empties the district's lines.
    assert await deliver(sent(summary(4, (), routes=6))) is None
    assert await _state(database) == ((4, 6), [])


async def test_a_summary_speaks_only_for_the_district_whose_link_carried_it(
    database: Database, deliver: Deliver
) -> None:
    assert await deliver(sent(VERSIONS[1])) is None
    forged = sent(VERSIONS[3])  # claims Yaya
    reason = await deliver(forged, via="amqp://10.0.0.6:5672")  # came over Mariinsk's link
    assert reason is not None and reason.startswith("origin mismatch")
    unlinked = sent(VERSIONS[2], minutes=1)
    assert "did not come over a link" in (await deliver(unlinked, via=None) or "")
    assert await _state(database) == ((1, 3), [(1, "assessment", "математика", 5, 0)])
    # Mariinsk's own summary, even with a higher version, leaves Yaya's alone.
    assert await deliver(sent(summary(9, (), routes=1), district="mariinsk")) is None
    assert await _state(database) == ((1, 3), [(1, "assessment", "математика", 5, 0)])
    assert await _state(database, "mariinsk") == ((9, 1), [])
    async with database.sessions() as session:
        refused = (
            await session.execute(
                sa.select(Rejection.claimed_district, Rejection.recorded_upstream).order_by(
                    Rejection.rejected_at
                )
            )
        ).all()
    assert [tuple(r) for r in refused] == [("yaya", "amqp://10.0.0.6:5672"), ("yaya", None)]


KNOWN = {
    "yaya": summary(
        7,
        (
            line("assessment", ASSESSMENT, "математика", 5, 2, 6),
            line("reading", READING, "русский язык", 1, 1, 2),
            line("digital", DIGITAL, "", 1, 3, 4),
        ),
        routes=12,
    ),
    "mariinsk": summary(
        2,
        (
            line("assessment", ASSESSMENT, "математика", 3, 1, 3),
            line("digital", DIGITAL, "", 0, 0, 0),
        ),
        routes=7,
        day=1,
    ),
}


@pytest.fixture
async def known(deliver: Deliver) -> None:
    """Yaya's and Mariinsk's summaries, as above."""
    for district, payload in KNOWN.items():
        assert await deliver(sent(payload, district=district)) is None


async def test_figures_by_district_subject_and_in_total(
    database: Database, settings: FederationSettings, known: None
) -> None:
    view = await deficits(database=database, settings=settings)
    mariinsk, yaya = view.districts
    assert (yaya.code, yaya.name, yaya.reported, yaya.version) == (
        "yaya",
        "Яйский муниципальный округ",
        True,
        7,
    )
    assert (yaya.as_of, mariinsk.as_of) == (T0, T0 + timedelta(days=1))
    assert (yaya.open, yaya.closed, yaya.closure_rate, yaya.teachers_with_routes) == (
        7,
        6,
        0.4615,
        12,
    )
    # By subject, the lines with no subject last.
    assert [
        (x.subject_title, x.competency_title, x.open, x.closed, x.teachers) for x in yaya.lines
    ] == [
        ("математика", ASSESSMENT, 5, 2, 6),
        ("русский язык", READING, 1, 1, 2),
        (NO_SUBJECT, DIGITAL, 1, 3, 4),
    ]
    assert [x.closure_rate for x in yaya.lines] == [0.2857, 0.5, 0.75]
    assert (mariinsk.open, mariinsk.closed, mariinsk.closure_rate) == (3, 1, 0.25)
    assert mariinsk.lines[1].closure_rate is None  # nothing to close

    subjects = {s.subject: s for s in view.subjects}
    assert [s.subject_title for s in view.subjects] == ["математика", "русский язык", NO_SUBJECT]
    maths = subjects["математика"]
    assert (maths.open, maths.closed, maths.closure_rate) == (8, 3, 0.2727)
    assert [(x.competency_code, x.open, x.closed, x.teachers) for x in maths.lines] == [
        ("assessment", 8, 3, 9)  # teachers add up across districts
    ]
    assert [(x.open, x.closed, x.teachers) for x in subjects[""].lines] == [(1, 3, 4)]

    totals = view.totals
    assert (totals.districts, totals.districts_reported, totals.teachers_with_routes) == (2, 2, 19)
    assert (totals.open, totals.closed, totals.closure_rate) == (10, 7, 0.4118)

    one = await deficits(database=database, settings=settings, district="mariinsk")
    assert [d.code for d in one.districts] == ["mariinsk"]
    assert [s.subject for s in one.subjects] == ["математика", ""]
    assert (one.totals.open, one.totals.closed, one.totals.teachers_with_routes) == (3, 1, 7)
    with pytest.raises(NotFound, match="«tisul» не входит в федерацию"):
        await deficits(database=database, settings=settings, district="tisul")


async def test_districts_without_a_summary_are_shown_empty(
    database: Database, settings: FederationSettings, deliver: Deliver
) -> None:
    assert await deliver(sent(KNOWN["yaya"])) is None
    view = await deficits(database=database, settings=settings)
    silent = view.districts[0]
    assert (silent.code, silent.reported, silent.as_of, silent.lines) == (
        "mariinsk",
        False,
        None,
        [],
    )
    assert (silent.open, silent.closure_rate, silent.teachers_with_routes) == (0, None, 0)
    assert (view.totals.districts, view.totals.districts_reported) == (2, 1)
    empty = await deficits(database=database, settings=settings, district="buguruslan")
    assert (empty.districts[0].name, empty.subjects, empty.totals.closure_rate) == (
        "Межмуниципальный методический центр",
        [],
        None,
    )


def test_closure_rate() -> None:
    assert closure_rate(0, 0) is None
    assert closure_rate(3, 0) == 0.0
    assert closure_rate(0, 4) == 1.0
    assert closure_rate(2, 1) == 0.3333


@pytest.fixture
async def client(database: Database, settings: FederationSettings) -> AsyncIterator[Client]:
    own = Database(database.url)  # the app's connections live in the client's own loop
    outbox = Outbox(district=settings.district, source="federation")
    app = create_http_app(
        [CentreController],
        settings=settings,
        title="Свод",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(lambda: outbox, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.auth = testing.auth(settings.district, Role.CENTRE_COORDINATOR)
        yield test_client
    await own.dispose()


async def test_the_endpoint_answers_the_centre_staff(client: Client, known: None) -> None:
    response = await client.get("/deficits")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"districts", "subjects", "totals"}
    yaya = body["districts"][1]
    assert {k: yaya[k] for k in ("code", "as_of", "teachers_with_routes", "closure_rate")} == {
        "code": "yaya",
        "as_of": "2026-11-20T09:00:00Z",
        "teachers_with_routes": 12,
        "closure_rate": 0.4615,
    }
    assert yaya["lines"][0] == {
        "competency_code": "assessment",
        "competency_title": ASSESSMENT,
        "subject": "математика",
        "subject_title": "математика",
        "open": 5,
        "closed": 2,
        "closure_rate": 0.2857,
        "teachers": 6,
    }
    assert body["totals"] == {
        "districts": 2,
        "districts_reported": 2,
        "teachers_with_routes": 19,
        "open": 10,
        "closed": 7,
        "closure_rate": 0.4118,
    }
    one = (await client.get("/deficits", params={"district": "yaya"})).json()
    assert [d["code"] for d in one["districts"]] == ["yaya"]
    missing = await client.get("/deficits", params={"district": "tisul"})
    assert missing.status_code == 404 and "«tisul»" in missing.json()["message"]


async def test_only_staff_read_the_deficits(
    client: Client, settings: FederationSettings, known: None
) -> None:
    centre = settings.district
    for role in (Role.CENTRE_COORDINATOR, Role.DISTRICT_ADMIN, Role.METHODIST):
        for path in ("/deficits", "/export/deficits.xlsx"):
            allowed = await client.get(path, auth=testing.auth(centre, role))
            assert allowed.status_code == 200, (role, path)
    refused_roles = (
        Role.TEACHER,
        Role.SCHOOL_REPRESENTATIVE,
        Role.COUNCIL_MEMBER,
        Role.COUNCIL_SECRETARY,
        Role.SERVICE,
    )
    for role in refused_roles:
        for path in ("/deficits", "/export/deficits.xlsx"):
            refused = await client.get(path, auth=testing.auth(centre, role))
            assert refused.status_code == 403, (role, path)
            assert "не даёт права" in refused.json()["message"]
        # the other tables stay open to every role of the centre
        assert (
            await client.get("/export/sites.xlsx", auth=testing.auth(centre, role))
        ).status_code == 200
    foreign = await client.get("/deficits", auth=testing.auth("yaya", Role.CENTRE_COORDINATOR))
    assert foreign.status_code == 403
    assert (await client.get("/deficits", auth=None)).status_code == 401
    assert (await client.get("/export/deficits.xlsx", auth=None)).status_code == 401


async def test_xlsx_export_has_russian_headers_and_the_lines(client: Client, known: None) -> None:
    response = await client.get("/export/deficits.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    disposition = response.headers["content-disposition"]
    assert unquote(disposition.split("''", 1)[1]) == "Профессиональные дефициты.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Округ",
        "Сведения на",
        "Предмет",
        "Компетенция",
        "Открытых дефицитов",
        "Закрытых дефицитов",
        "Доля закрытых, %",
        "Педагогов с дефицитом",
        "Педагогов с ИОМ в округе",
    )
    mariinsk, yaya = "Мариинский муниципальный округ", "Яйский муниципальный округ"
    # as_of in the centre's zone (Novokuznetsk, UTC+7)
    assert rows[1:] == [
        (mariinsk, datetime(2026, 11, 21, 16, 0), "математика", ASSESSMENT, 3, 1, 25.0, 3, 7),
        (mariinsk, datetime(2026, 11, 21, 16, 0), NO_SUBJECT, DIGITAL, 0, 0, None, 0, 7),
        (yaya, datetime(2026, 11, 20, 16, 0), "математика", ASSESSMENT, 5, 2, 28.6, 6, 12),
        (yaya, datetime(2026, 11, 20, 16, 0), "русский язык", READING, 1, 1, 50.0, 2, 12),
        (yaya, datetime(2026, 11, 20, 16, 0), NO_SUBJECT, DIGITAL, 1, 3, 75.0, 4, 12),
    ]
    assert sheet.title == "Профессиональные дефициты"
    one = await client.get("/export/deficits.xlsx", params={"district": "yaya"})
    assert unquote(one.headers["content-disposition"].split("''", 1)[1]) == (
        "Профессиональные дефициты — Яйский муниципальный округ.xlsx"
    )
    part = load_workbook(io.BytesIO(one.content)).active
    assert part is not None
    assert len(list(part.iter_rows(values_only=True))) == 4
