"""Settings come from IMC_* variables, typed, with clear errors."""

import pytest

from imc_shared.settings import ServiceSettings, SettingsError, load_settings


class Example(ServiceSettings, frozen=True, kw_only=True):
    retries: int = 3


def test_values_are_converted_from_strings() -> None:
    settings = load_settings(
        Example,
        "registry",
        {
            "IMC_DISTRICT": "yaya",
            "IMC_HTTP_PORT": "8011",
            "IMC_RETRIES": "5",
            "IMC_LOG_JSON": "false",
            "OTHER": "ignored",
        },
    )
    assert settings.service == "registry"
    assert settings.http_port == 8011
    assert settings.retries == 5
    assert settings.log_json is False


def test_missing_and_bad_values_are_named() -> None:
    with pytest.raises(SettingsError, match="district"):
        load_settings(Example, "registry", {})
    with pytest.raises(SettingsError, match="http_port"):
        load_settings(Example, "registry", {"IMC_DISTRICT": "x", "IMC_HTTP_PORT": "eighty"})
