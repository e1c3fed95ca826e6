"""Quorum and votes of the methodical council.

The regulations (000 §3.1, 001 §3.4, 003 §3.2.1) give the council its decisions but not
its procedure; the usual rule of collegial bodies applies: a meeting is competent when
more than half of its members are present, and a question is decided by a majority of
the members present.
"""

from dataclasses import dataclass

from imc_shared.errors import Conflict, InvalidInput


@dataclass(frozen=True)
class Tally:
    """The votes on one question."""

    votes_for: int
    votes_against: int
    abstained: int

    @property
    def total(self) -> int:
        """Everyone who voted."""
        return self.votes_for + self.votes_against + self.abstained


def has_quorum(present: int, members_total: int) -> bool:
    """More than half of the council is present."""
    return members_total > 0 and present * 2 > members_total


def check_quorum(present: int, members_total: int) -> None:
    """Refuse to vote without a quorum."""
    if not has_quorum(present, members_total):
        raise Conflict(
            f"Нет кворума: присутствуют {present} из {members_total} членов методического "
            "совета, требуется более половины",
            field="present",
        )


def check_tally(tally: Tally, present: int) -> Tally:
    """Votes are not negative and not more than the members present."""
    if min(tally.votes_for, tally.votes_against, tally.abstained) < 0:
        raise InvalidInput("Число голосов не может быть отрицательным", field="votes_for")
    if tally.total > present:
        raise InvalidInput(
            f"Голосов ({tally.total}) больше, чем присутствующих членов совета ({present})",
            field="votes_for",
        )
    if tally.total == 0:
        raise InvalidInput("Укажите результаты голосования", field="votes_for")
    return tally


def adopted(tally: Tally, present: int) -> bool:
    """The decision is taken by a majority of the members present."""
    return tally.votes_for * 2 > present
