"""Pure rules of preferences: digest release times, the rate limit, tokens, MAX text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from imc_notifications.domain.preferences import address_key, rate_limited_until, release_at
from imc_notifications.services.channels import MAX_TEXT_LIMIT, Outgoing, max_text
from imc_notifications.services.rendering import InvalidToken, Tokens, signature
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


def test_daily_digest_goes_out_at_the_next_release_hour() -> None:
    assert release_at("daily", MONDAY_9, hour=7) == datetime(2026, 11, 24, 7, tzinfo=UTC)
    early = MONDAY_9.replace(hour=6)
    assert release_at("daily", early, hour=7) == datetime(2026, 11, 23, 7, tzinfo=UTC)


def test_weekly_digest_goes_out_on_the_next_monday() -> None:
    assert release_at("weekly", MONDAY_9, hour=7) == datetime(2026, 11, 30, 7, tzinfo=UTC)
    sunday = datetime(2026, 11, 29, 20, tzinfo=UTC)
    assert release_at("weekly", sunday, hour=7) == datetime(2026, 11, 30, 7, tzinfo=UTC)
    monday_early = datetime(2026, 11, 23, 6, tzinfo=UTC)
    assert release_at("weekly", monday_early, hour=7) == datetime(2026, 11, 23, 7, tzinfo=UTC)


def test_rate_limit_allows_n_per_hour_then_waits_for_the_oldest() -> None:
    now = MONDAY_9
    sent = [now - timedelta(minutes=m) for m in (50, 20, 5)]
    assert rate_limited_until(sent[1:], limit=3, now=now) is None
    assert rate_limited_until(sent, limit=3, now=now) == now + timedelta(minutes=10)
    assert rate_limited_until(sent, limit=2, now=now) == now + timedelta(minutes=40)
    older = [now - timedelta(minutes=90)] * 10
    assert rate_limited_until(older, limit=1, now=now) is None


def test_address_key_ignores_case_and_spaces() -> None:
    assert address_key(" Zav@School.ru ") == address_key("zav@school.ru")


def settings(**changes: object) -> NotificationsSettings:
    base: dict[str, object] = {
        "service": "notifications",
        "district": "yaya",
        **testing.auth_settings(),
    }
    return NotificationsSettings(**{**base, **changes})  # type: ignore[arg-type]


def test_token_round_trip_and_tampering() -> None:
    tokens = Tokens(settings(unsubscribe_secret="a"))
    person = UUID("0192f5a0-0000-7000-8000-000000000007")
    read = tokens.read(tokens.make(person, "documents"))
    assert (read.addressee_id, read.topic) == (person, "documents")
    with pytest.raises(InvalidToken, match="недействительна"):
        Tokens(settings(unsubscribe_secret="b")).read(tokens.make(person, "documents"))
    with pytest.raises(InvalidToken):
        tokens.read("garbage")
    link = Tokens(settings(unsubscribe_url="https://u.example/unsub")).link(person, "documents")
    assert link.startswith("https://u.example/unsub?token=")


def test_signature_has_the_signatory_and_the_district() -> None:
    chosen = settings(signatory="Директор Н. П. Орлова", district_name="Яйский МО")
    assert signature(chosen) == "Директор Н. П. Орлова\nЯйский МО"
    assert signature(settings(mail_from_name="МБУ «ИМЦ»")) == "МБУ «ИМЦ»"


def test_max_text_is_short_and_ends_with_the_portal_link() -> None:
    message = Outgoing(
        id=UUID(int=1),
        addressee_id=None,
        email="a@b.ru",
        topic="deadlines",
        subject="Тема",
        body="Здравствуйте!\n\n" + "очень длинно " * 1000 + "\n\nС уважением,\nИМЦ",
    )
    text = max_text(message, "https://imc.example.ru")
    assert len(text) <= MAX_TEXT_LIMIT
    assert text.startswith("Тема\n\nочень длинно")
    assert text.endswith("Подробности — на портале: https://imc.example.ru")
    assert "С уважением" not in text
