"""Typed settings read from the environment.

Every field of a settings Struct maps to ``IMC_<FIELD>`` (upper case). Values are
converted by msgspec, so ``IMC_HTTP_PORT=8001`` becomes an ``int``; a bad value is an
error at start, naming the variable.
"""

import os
from collections.abc import Mapping
from typing import TypeVar

import msgspec

PREFIX = "IMC_"


class ServiceSettings(msgspec.Struct, kw_only=True, frozen=True):
    """Settings every service has; services extend this Struct with their own."""

    service: str
    """Service name, e.g. ``registry``; set by the service itself."""
    district: str
    """Code of this instance: a district (``yaya``) or the centre (``buguruslan``)."""
    district_name: str = ""
    """Human name of the instance, e.g. «Яйский муниципальный округ»."""
    database_url: str = "sqlite+aiosqlite:///var/data/service.db"
    """SQLAlchemy async URL of the service's own database."""
    broker_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    """AMQP URL of the instance's RabbitMQ."""
    http_host: str = "127.0.0.1"
    """Address the HTTP server listens on."""
    http_port: int = 8000
    """Port the HTTP server listens on."""
    log_level: str = "INFO"
    """Minimum log level."""
    log_json: bool | None = None
    """JSON logs; by default JSON unless stderr is a terminal."""
    auth_public_keys: str = ""
    """Whose tokens this service trusts: ``portal:<key>,service:<key>`` (see
    :mod:`imc_shared.auth`); required by every HTTP app."""
    auth_signing_key: str = ""
    """``service:<key>``: the key this service signs its own calls to its neighbours with."""
    relay_batch_size: int = 200
    """Outbox rows published per confirmed batch."""
    relay_idle_seconds: float = 1.0
    """How often the outbox relay polls when nobody wakes it."""


S = TypeVar("S", bound=ServiceSettings)


class SettingsError(ValueError):
    """The environment does not hold valid settings."""


def load_settings(cls: type[S], service: str, env: Mapping[str, str] | None = None) -> S:
    """Read ``cls`` from ``env`` (default: ``os.environ``) for ``service``."""
    source = os.environ if env is None else env
    values: dict[str, object] = {"service": service}
    for field in msgspec.structs.fields(cls):
        key = PREFIX + field.name.upper()
        if key in source:
            values[field.name] = source[key]
    try:
        return msgspec.convert(values, cls, strict=False)
    except msgspec.ValidationError as error:
        raise SettingsError(f"{service}: invalid settings ({PREFIX}*): {error}") from error
