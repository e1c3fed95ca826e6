"""Pure rules: which version wins, plan fulfilment, link states, participation counts."""

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from imc_federation.domain.links import HeartbeatSeen, LinkStatus, alert_changes, link_status
from imc_federation.domain.participation import Registration, tally
from imc_federation.domain.plans import Item, fulfilment
from imc_federation.domain.versions import Stamp, supersedes

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _stamp(version: int, minutes: int = 0, n: int = 1) -> Stamp:
    return Stamp(
        version=version, occurred_at=T0 + timedelta(minutes=minutes), message_id=UUID(int=n)
    )


def test_highest_version_wins_and_equal_is_a_no_op() -> None:
    assert supersedes(_stamp(1), None)
    assert supersedes(_stamp(3), _stamp(2, minutes=10))  # later clock does not matter
    assert not supersedes(_stamp(2, minutes=10), _stamp(3))
    assert not supersedes(_stamp(3, n=2), _stamp(3, n=1))  # a resync repeats a version


def test_version_zero_falls_back_to_the_time_it_occurred() -> None:
    assert supersedes(_stamp(0, minutes=5), _stamp(0, minutes=1))
    assert not supersedes(_stamp(0, minutes=1), _stamp(0, minutes=5))
    assert not supersedes(_stamp(0, minutes=1), _stamp(0, minutes=1))  # the same message
    assert not supersedes(_stamp(0, minutes=99), _stamp(1))


def test_any_order_of_stamps_keeps_the_same_winner() -> None:
    stamps = [_stamp(0, 3, 1), _stamp(0, 3, 2), _stamp(0, 1, 3), _stamp(2, 0, 4), _stamp(1, 9, 5)]
    winners = set()
    for order in itertools.permutations(stamps):
        current: Stamp | None = None
        for stamp in order:
            if supersedes(stamp, current):
                current = stamp
        winners.add(current)
    assert winners == {_stamp(2, 0, 4)}


def test_fulfilment_counts_done_overdue_and_percent() -> None:
    today = date(2026, 11, 23)
    items = [
        Item(deadline=date(2026, 10, 1), done_on=date(2026, 9, 30)),  # done
        Item(deadline=date(2026, 10, 1), done_on=None),  # overdue
        Item(deadline=date(2026, 11, 23), done_on=None),  # due today: not overdue yet
        Item(deadline=None, done_on=None),  # no deadline: never overdue
        Item(deadline=date(2026, 11, 1), done_on=date(2026, 11, 20)),  # late but done
        Item(deadline=date(2026, 11, 22), done_on=None),  # overdue
    ]
    result = fulfilment(items, today=today)
    assert (result.total, result.done, result.overdue, result.percent) == (6, 2, 2, 33.3)
    assert fulfilment([], today=today).percent == 0.0


def test_link_states_with_a_fixed_clock() -> None:
    beat = HeartbeatSeen(occurred_at=T0, received_at=T0 + timedelta(seconds=4), interval_seconds=15)

    def at(seconds: int) -> LinkStatus:
        return link_status(
            beat,
            last_message_at=T0 + timedelta(seconds=20),
            now=T0 + timedelta(seconds=seconds),
            missed=3,
            alert_after_seconds=300,
        )

    never = link_status(None, last_message_at=None, now=T0, missed=3, alert_after_seconds=300)
    assert (never.state, never.state_title, never.lag_seconds, never.alert) == (
        "never",
        "связь не устанавливалась",
        None,
        False,
    )
    up = at(48)  # 44 s after receipt < 3 × 15 s
    assert (up.state, up.state_title, up.lag_seconds, up.alert) == ("up", "связь есть", 4.0, False)
    assert up.last_message_at == T0 + timedelta(seconds=20)
    down = at(49)  # 45 s of silence: down since receipt + 45 s
    assert (down.state, down.state_title, down.lag_seconds, down.alert) == (
        "down",
        "связи нет",
        49.0,
        False,
    )
    assert down.down_since == T0 + timedelta(seconds=49)
    assert at(49 + 300).alert is False
    late = at(49 + 301)
    assert late.down_for_seconds == 301.0
    assert (late.state, late.alert, late.lag_seconds) == ("down", True, 350.0)


def test_alert_is_raised_once_and_cleared_when_the_link_is_up() -> None:
    @dataclass(frozen=True)
    class Watched:
        state: str
        alert: bool

    def status(state: str, alert: bool) -> Watched:
        return Watched(state=state, alert=alert)

    first = alert_changes(set(), {"yaya": status("down", True), "tisul": status("up", False)})
    assert (first.entered, first.recovered) == (("yaya",), ())
    again = alert_changes({"yaya"}, {"yaya": status("down", True)})
    assert (again.entered, again.recovered) == ((), ())
    back = alert_changes({"yaya"}, {"yaya": status("up", False)})
    assert (back.entered, back.recovered) == ((), ("yaya",))


def test_participation_is_counted_by_school_subject_and_district_never_ranked() -> None:
    rows = [
        Registration(
            district="yaya",
            organisation_short_name="МБОУ «Яйская СОШ № 2»",
            subjects=("математика", "физика"),
            status="confirmed",
            attended=True,
            hours=4,
        ),
        Registration(
            district="yaya",
            organisation_short_name="МБОУ «Яйская СОШ № 1»",
            subjects=("математика",),
            status="confirmed",
            attended=False,
            hours=0,
        ),
        Registration(
            district="yaya",
            organisation_short_name="МБОУ «Яйская СОШ № 1»",
            subjects=(),
            status="cancelled",
            attended=False,
            hours=0,
        ),
        Registration(
            district="mariinsk",
            organisation_short_name="МБОУ «СОШ № 5»",
            subjects=("физика",),
            status="confirmed",
            attended=True,
            hours=2,
        ),
    ]
    names = {"yaya": "Яйский", "mariinsk": "Мариинский"}
    by_school = [
        (t.district, t.name, t.registrations, t.attended, t.hours)
        for t in tally(rows, by="school", district_names=names)
    ]
    assert by_school == [
        ("mariinsk", "МБОУ «СОШ № 5»", 1, 1, 2),
        ("yaya", "МБОУ «Яйская СОШ № 1»", 1, 0, 0),
        ("yaya", "МБОУ «Яйская СОШ № 2»", 1, 1, 4),
    ]
    by_subject = [
        (t.district, t.name, t.registrations, t.attended, t.hours)
        for t in tally(rows, by="subject", district_names=names)
    ]
    assert by_subject == [
        ("mariinsk", "физика", 1, 1, 2),
        ("yaya", "математика", 2, 1, 4),
        ("yaya", "предмет не указан", 0, 0, 0),
        ("yaya", "физика", 1, 1, 4),
    ]
    by_district = [
        (t.name, t.registrations, t.attended, t.hours)
        for t in tally(rows, by="district", district_names=names)
    ]
    assert by_district == [("Мариинский", 1, 1, 2), ("Яйский", 2, 1, 4)]
