"""The notifications' pure rules: who gets an email and what it says (in Russian)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
import pytest

from imc_contracts import (
    APPLICATION_RETURNED,
    DECISION_MADE,
    DOCUMENT_GENERATED,
    REPORT_DUE,
    SITE_EXPIRED,
    SITE_EXPIRING,
)
from imc_contracts.examples import example
from imc_notifications.domain import texts
from imc_notifications.domain.recipients import (
    cause_key,
    decision_addresses,
    site_addresses,
    unique_addresses,
)

PORTAL = "https://imc.example.ru"
SENDER = "МБУ «ИМЦ» Яйского округа"


# --- recipients ----------------------------------------------------------------------


def test_unique_addresses_drop_empty_invalid_and_repeated() -> None:
    assert unique_addresses(
        [" leader@school.ru ", None, "", "LEADER@school.ru", "no address", "imc@yaya.ru"]
    ) == ["leader@school.ru", "imc@yaya.ru"]


def test_decision_goes_to_the_applicant_else_the_school() -> None:
    assert decision_addresses("zav@school.ru", "school@school.ru") == ["zav@school.ru"]
    assert decision_addresses("", "school@school.ru") == ["school@school.ru"]
    assert decision_addresses("", None) == []


def test_site_warnings_reach_leader_co_leader_and_school_once_each() -> None:
    assert site_addresses("a@s.ru", "b@imc.ru", "school@s.ru") == [
        "a@s.ru",
        "b@imc.ru",
        "school@s.ru",
    ]
    assert site_addresses(None, "school@s.ru", "school@s.ru") == ["school@s.ru"]


def test_cause_key_is_stable_and_distinguishes_events() -> None:
    site = UUID("0192f5a0-0000-7000-8000-000000000004")
    first = cause_key("site.expiring", site, date(2028, 10, 14), 30)
    assert first == cause_key("site.expiring", site, date(2028, 10, 14), 30)
    assert first != cause_key("site.expiring", site, date(2028, 10, 14), 7)


# --- words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день"), (30, "30 дней")],
)
def test_days_phrase(n: int, expected: str) -> None:
    assert texts.days_phrase(n) == expected


def test_format_date() -> None:
    assert texts.format_date(date(2026, 10, 5)) == "«05» октября 2026 г."


# --- texts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "subject", "attachment"),
    [
        ("order_site_status", "Приказ № 45-од:", "Приказ № 45-од.pdf"),
        ("order_site_termination", "Приказ № 45-од:", "Приказ № 45-од.pdf"),
        ("refusal_letter", "Письмо:", "Письмо об отказе в присвоении статуса.pdf"),
        ("council_extract", "Выписка из протокола № 45-од", "Выписка из протокола № 45-од.pdf"),
    ],
)
def test_document_email(kind: str, subject: str, attachment: str) -> None:
    document = msgspec.structs.replace(example(DOCUMENT_GENERATED).payload, kind=kind)
    text = texts.document_generated(
        document, organisation="МБОУ «Яйская СОШ № 1»", portal_url=PORTAL, sender=SENDER
    )
    assert text.subject.startswith(subject)
    assert "МБОУ «Яйская СОШ № 1»" in text.body
    assert "PDF" in text.body
    assert text.body.startswith("Здравствуйте!")
    assert SENDER in text.body
    assert texts.attachment_name(document) == attachment


def test_returned_application_says_what_to_add() -> None:
    returned = example(APPLICATION_RETURNED).payload
    text = texts.application_returned(returned, portal_url=PORTAL, sender=SENDER)
    assert text.subject == (
        "Заявка возвращена на доработку: опорная (стажировочная) методическая площадка"
    )
    assert "Что нужно дополнить или исправить:" in text.body
    assert returned.comment in text.body
    assert texts.format_date(returned.returned_on) in text.body
    assert PORTAL in text.body


def test_decision_assigned_announces_the_order() -> None:
    decision = example(DECISION_MADE).payload
    text = texts.decision_made(decision, portal_url=PORTAL, sender=SENDER)
    assert "статус присвоен" in text.subject
    assert "протокол № 2 от 14.10.2026" in text.body
    assert "Принято решение присвоить статус." in text.body
    assert "с «15» октября 2026 г. по «14» октября 2028 г." in text.body
    assert "Приказ о присвоении статуса будет издан" in text.body


def test_decision_refused_states_the_reason() -> None:
    decision = msgspec.structs.replace(
        example(DECISION_MADE).payload, outcome="refused", reason="Не приложен план работы."
    )
    text = texts.decision_made(decision, portal_url=PORTAL, sender=SENDER)
    assert "отказано" in text.subject
    assert "Принято решение отказать в присвоении статуса." in text.body
    assert "Причина: Не приложен план работы." in text.body
    assert "Приказ" not in text.body


def test_site_expiring_with_and_without_extension() -> None:
    site = example(SITE_EXPIRING).payload
    osmp = texts.site_expiring(
        msgspec.structs.replace(site, days_left=7), portal_url=PORTAL, sender=SENDER
    )
    assert "(через 7 дней)" in osmp.subject
    assert f"заканчивается {texts.format_date(site.term_end)} (через 7 дней)" in osmp.body
    assert "не более чем на 12 месяцев" in osmp.body
    internship = texts.site_expiring(
        msgspec.structs.replace(site, site_kind="internship", days_left=30),
        portal_url=PORTAL,
        sender=SENDER,
    )
    assert "(через 30 дней)" in internship.body
    assert "Продление срока не предусмотрено" in internship.body


def test_report_due_soon_today_and_overdue() -> None:
    report = example(REPORT_DUE).payload
    soon = texts.report_due(report, portal_url=PORTAL, sender=SENDER)
    assert soon.subject == f"Срок сдачи отчёта «{report.title}»: «15» апреля 2027 г."
    assert "нужно представить до «15» апреля 2027 г. (осталось 7 дней)" in soon.body
    one = texts.report_due(
        msgspec.structs.replace(report, days_left=1), portal_url=PORTAL, sender=SENDER
    )
    assert "(остался 1 день)" in one.body
    today = texts.report_due(
        msgspec.structs.replace(report, days_left=0), portal_url=PORTAL, sender=SENDER
    )
    assert today.subject.startswith("Сегодня срок сдачи отчёта")
    late = texts.report_due(
        msgspec.structs.replace(report, days_left=-3), portal_url=PORTAL, sender=SENDER
    )
    assert late.subject == f"Просрочен отчёт «{report.title}»"
    assert "срок истёк «15» апреля 2027 г. (просрочка — 3 дня)" in late.body


def test_site_expired_notice() -> None:
    site = example(SITE_EXPIRED).payload
    text = texts.site_expired(site, portal_url=PORTAL, sender=SENDER)
    assert text.subject == "Срок статуса истёк: опорная (стажировочная) методическая площадка"
    assert f"закончился {texts.format_date(site.term_end)}" in text.body
    assert f"С {texts.format_date(site.expired_on)} статус площадки прекращён." in text.body
