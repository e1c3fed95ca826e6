"""Terms of a status, its extension and its termination, by the kind's regulation."""

from calendar import monthrange
from datetime import date, timedelta

from imc_contracts.site_kinds import SiteKindRules
from imc_contracts.vocabulary import TERMINATION_GROUNDS
from imc_shared.errors import Conflict, InvalidInput


def add_months(start: date, months: int) -> date:
    """``start`` moved by ``months`` calendar months (the 31st becomes the month's last day)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def term_end(start: date, months: int) -> date:
    """The last day of a term of ``months`` starting on ``start``."""
    return add_months(start, months) - timedelta(days=1)


def months_phrase(months: int) -> str:
    """«два года», «1 год 6 месяцев» — how a term reads in a decision."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(
            {1: "один год", 2: "два года", 3: "три года", 4: "четыре года"}.get(
                years, f"{years} лет"
            )
        )
    if rest:
        word = "месяц" if rest == 1 else "месяца" if rest in (2, 3, 4) else "месяцев"
        parts.append(f"{rest} {word}")
    return " ".join(parts)


def check_term(rules: SiteKindRules, months: int | None) -> int:
    """The term of an assignment, within the kind's limits."""
    if months is None or not rules.min_term_months <= months <= rules.max_term_months:
        low, high = rules.min_term_months, rules.max_term_months
        raise InvalidInput(
            f"Срок статуса «{rules.title}» — от {low} до {high} мес.: {rules.term_citation}",
            field="term_months",
            details={"min_term_months": low, "max_term_months": high},
        )
    return months


def check_term_start(start: date, decided_on: date) -> date:
    """A term cannot start before the council decides."""
    if start < decided_on:
        raise InvalidInput(
            "Срок статуса не может начинаться раньше заседания методического совета",
            field="term_start",
        )
    return start


def check_extension(rules: SiteKindRules, months: int | None, extensions_used: int) -> int:
    """An extension as the kind's regulation allows it (000 §3.7: at most a year, once)."""
    if rules.extension_max_months == 0:
        raise Conflict(
            f"Продление срока для вида «{rules.title}» не предусмотрено: "
            f"{rules.extension_citation}; организация может подать новую заявку",
            field="site_id",
        )
    if extensions_used:
        raise Conflict(
            f"Срок деятельности площадки уже продлевался; повторное продление не допускается "
            f"({rules.extension_citation})",
            field="site_id",
        )
    if months is None or not 1 <= months <= rules.extension_max_months:
        raise InvalidInput(
            f"Срок может быть продлён {rules.extension_citation}",
            field="months",
            details={"max_months": rules.extension_max_months},
        )
    return months


def check_grounds(rules: SiteKindRules, grounds: list[str], text: str) -> tuple[list[str], str]:
    """Termination grounds from the kind's list; «other» needs its reasons written out."""
    if not grounds:
        raise InvalidInput("Укажите основания прекращения деятельности", field="grounds")
    unknown = [code for code in grounds if code not in rules.termination_grounds]
    if unknown:
        allowed = "; ".join(TERMINATION_GROUNDS[code] for code in rules.termination_grounds)
        raise InvalidInput(
            f"Основание не предусмотрено ({rules.termination_citation}); допустимы: {allowed}",
            field="grounds",
            details={"allowed": list(rules.termination_grounds)},
        )
    cleaned = " ".join(text.split())
    if "other" in grounds and len(cleaned) < 10:
        raise InvalidInput(
            "Для основания «иные обоснованные причины» изложите причины", field="grounds_text"
        )
    return list(dict.fromkeys(grounds)), cleaned
