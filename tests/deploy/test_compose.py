"""The docker compose deployment: compose files, Dockerfiles, RabbitMQ definitions and
the PostgreSQL init script.

No Docker engine runs in CI, so no image is built here. What is checked instead: the
compose files pass ``docker-compose config`` (and ``docker compose config`` where the v2
plugin exists) with the example env files; every service has a healthcheck; the
environment compose gives each service is a valid settings Struct of that service; the
database URLs match the roles the init script creates; every Dockerfile installs with
``uv sync --frozen --no-dev --package imc-<name>`` from the copied lock and runs as a
non-root user; the committed definitions hold the exchanges, no guest user, one
federation upstream per district with the loss-safe settings, the allowlist on every
link account, the downward link of a district, and hashes of the example passwords.
``link_district.py`` is run with ``--dry-run``, with a stand-in for compose, and against
a real node (never Docker). The init script runs on a real PostgreSQL, the definitions
and RabbitMQ config boot a real RabbitMQ node.
"""

import base64
import functools
import hashlib
import importlib
import importlib.util
import inspect
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import msgspec
import pytest
import yaml

from imc_contracts import federation
from imc_contracts.names import (
    CENTRE_EXCHANGE,
    DEAD_LETTER_EXCHANGE,
    DISTRICTS_EXCHANGE,
    EVENTS_EXCHANGE,
    UNROUTABLE_EXCHANGE,
    UNROUTABLE_QUEUE,
)
from imc_contracts.site_kinds import SITE_KINDS
from imc_local.ports import free_ports
from imc_local.postgres import PG_BIN, start_postgres
from imc_local.rabbit import RABBITMQ_BIN, RabbitNode, start_rabbit_node, wait_ready
from imc_local.stack import LINK_USER, SERVICE_USER
from imc_shared.auth import Principal, Role, TokenSigner, TokenVerifier
from imc_shared.settings import ServiceSettings, load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = ROOT / "deploy" / "compose"
RABBITMQ_DIR = COMPOSE_DIR / "rabbitmq"
DISTRICT_SERVICES = (
    "registry",
    "applications",
    "scheduling",
    "documents",
    "notifications",
    "growth",
    "analytics",
    "resources",
    "portal",
)
# The centre is also the lead town's own IMC: a district's services plus the aggregator.
CENTRE_SERVICES = (*DISTRICT_SERVICES, "federation")
ALL_SERVICES = CENTRE_SERVICES
SERVICES = {"district": DISTRICT_SERVICES, "centre": CENTRE_SERVICES}
WITHOUT_DATABASE: frozenset[str] = frozenset()
"""Services that keep no data of their own: none (the portal keeps its accounts)."""
STORAGE_DIR = "/var/lib/imc/files"
STACKS = {
    "district": (ROOT / "docker-compose.yml", COMPOSE_DIR / "district.env.example"),
    "centre": (COMPOSE_DIR / "centre.yml", COMPOSE_DIR / "centre.env.example"),
}
DEFINITIONS_IN_CONTAINER = "/etc/rabbitmq/definitions.json"
NO_VALIDATOR = (
    "no compose validator: neither `docker-compose` (Debian package docker-compose) nor "
    "the `docker compose` plugin is installed. .ci/run installs docker-compose; here: "
    "apt-get install docker-compose"
)
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
SERVICE_URLS = {f"IMC_{name.upper()}_URL": name for name in ALL_SERVICES if name != "portal"}
"""The variables that tell one service (above all the portal) where another listens."""
RABBITMQ_MAX_MESSAGE_BYTES = 128 * 1024 * 1024
"""RabbitMQ 3.x's default ``max_message_size`` (the compose images are 3.12/3.13; 4.x
lowered it to 16 MiB)."""


# --- helpers ---------------------------------------------------------------------------


def _script_module(name: str) -> ModuleType:
    """A script of deploy/compose, imported by path."""
    spec = importlib.util.spec_from_file_location(f"imc_compose_{name}", COMPOSE_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _script_module("render_definitions")
link = _script_module("link_district")
keys = _script_module("auth_keys")


@functools.cache
def validators() -> tuple[tuple[str, ...], ...]:
    """The compose CLIs on this machine: v1 ``docker-compose``, v2 ``docker compose``."""
    found: list[tuple[str, ...]] = []
    v1 = shutil.which("docker-compose")
    if v1:
        found.append((v1,))
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=60, check=False
        )
        if probe.returncode == 0:
            found.append((docker, "compose"))
    return tuple(found)


def _clean_env() -> dict[str, str]:
    """No IMC_* or password of the test runner's environment may leak into compose."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}


def compose(
    validator: tuple[str, ...],
    stack: str,
    *args: str,
    env_file: Path | None = None,
    profiles: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    compose_file, example = STACKS[stack]
    command = [*validator, "--env-file", str(env_file or example), "-f", str(compose_file)]
    for profile in profiles:
        command += ["--profile", profile]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=_clean_env(),
        check=False,
    )


@functools.cache
def resolved(stack: str) -> dict[str, Any]:
    """The stack as compose resolves it with the example env file (every profile on)."""
    if not validators():
        pytest.fail(NO_VALIDATOR)
    result = compose(validators()[0], stack, "config", profiles=("trial",))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert isinstance(config, dict)
    return config


@functools.cache
def raw(stack: str) -> dict[str, Any]:
    """The compose file as written (anchors and merge keys resolved, no interpolation)."""
    config = yaml.safe_load(STACKS[stack][0].read_text(encoding="utf-8"))
    assert isinstance(config, dict)
    return config


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A resolved service's environment as the strings the container gets."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    return {key: text(value) for key, value in env.items()}


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host path or volume name, short (v1) or long (v2) syntax."""
    found: dict[str, str] = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            found[str(volume["target"])] = str(volume["source"])
        else:
            source, target = str(volume).split(":")[:2]
            found[target] = source
    return found


def example(stack: str) -> dict[str, str]:
    return render.read_env_file(STACKS[stack][1])


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"imc_{service}.settings")
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, ServiceSettings)
        and value is not ServiceSettings
        and value.__module__ == module.__name__
    ]
    assert len(classes) == 1, f"imc_{service}.settings: {classes}"
    return classes[0]


def built_service(name: str) -> str:
    """Which IMC service a compose service runs: the folder of its Dockerfile."""
    return Path(name).parent.name


def password_matches(password_hash: str, password: str) -> bool:
    """Whether a ``rabbit_password_hashing_sha256`` hash is that of ``password``."""
    raw_hash = base64.b64decode(password_hash)
    salt, digest = raw_hash[:4], raw_hash[4:]
    return hashlib.sha256(salt + password.encode("utf-8")).digest() == digest


def definitions(kind: str) -> dict[str, Any]:
    data = json.loads((RABBITMQ_DIR / f"{kind}.definitions.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def upstream_without_credentials(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 5672}"


def dockerfile(service: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    current = ""
    path = ROOT / "services" / service / "Dockerfile"
    for raw_line in path.read_text(encoding="utf-8").splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, args = current.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        current = ""
    assert not current, f"{path} ends inside a continued line"
    return instructions


def copy_sources(service: str) -> list[str]:
    sources: list[str] = []
    for keyword, args in dockerfile(service):
        if keyword == "COPY":
            words = [word for word in shlex.split(args) if not word.startswith("--")]
            sources += words[:-1]
    return sources


def uv_sync_words(service: str) -> list[str]:
    commands = [
        args for keyword, args in dockerfile(service) if keyword == "RUN" and "uv sync" in args
    ]
    assert len(commands) == 1, f"{service}: one RUN with uv sync, found {commands}"
    words = shlex.split(commands[0])
    start = next(i for i in range(len(words) - 1) if words[i : i + 2] == ["uv", "sync"])
    end = next((i for i in range(start, len(words)) if words[i] in ("&&", ";", "||")), len(words))
    return words[start:end]


def workspace_members() -> list[str]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    members: list[str] = []
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        members += sorted(
            str(path.parent.relative_to(ROOT)) for path in ROOT.glob(f"{pattern}/pyproject.toml")
        )
    return members


# --- compose: validation ---------------------------------------------------------------


def test_a_compose_validator_is_installed() -> None:
    if not validators():
        pytest.fail(NO_VALIDATOR)


@pytest.mark.parametrize(
    ("stack", "profiles"),
    [
        ("district", ()),
        ("district", ("trial",)),
        ("centre", ()),
        ("centre", ("trial",)),
    ],
)
def test_compose_file_is_valid(stack: str, profiles: tuple[str, ...]) -> None:
    if not validators():
        pytest.fail(NO_VALIDATOR)
    for validator in validators():
        result = compose(validator, stack, "config", "-q", profiles=profiles)
        assert result.returncode == 0, f"{' '.join(validator)}: {result.stderr}"


@pytest.mark.parametrize("stack", STACKS)
def test_compose_refuses_to_start_without_settings(stack: str, tmp_path: Path) -> None:
    if not validators():
        pytest.fail(NO_VALIDATOR)
    empty = tmp_path / "empty.env"
    empty.write_text("# nothing set\n")
    for validator in validators():
        result = compose(validator, stack, "config", "-q", env_file=empty)
        assert result.returncode != 0
        assert "set " in result.stderr, result.stderr


@pytest.mark.parametrize("stack", STACKS)
def test_every_variable_compose_reads_is_in_the_example(stack: str) -> None:
    used = set(VARIABLE.findall(STACKS[stack][0].read_text(encoding="utf-8")))
    missing = used - set(example(stack))
    assert not missing, f"{STACKS[stack][1].name} does not document {sorted(missing)}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_example_variable_is_explained(stack: str) -> None:
    """Each variable sits in a paragraph that has a comment above it."""
    lines = STACKS[stack][1].read_text(encoding="utf-8").splitlines()
    commented = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            commented = False
        elif stripped.startswith("#"):
            commented = True
        else:
            assert commented, f"{STACKS[stack][1].name}: no comment explains {stripped!r}"
    env = example(stack)
    assert {key for key in env if key.startswith("IMC_")} <= {
        f"IMC_{field.name.upper()}"
        for service in ALL_SERVICES
        for field in msgspec.structs.fields(settings_class(service))
    }, "an IMC_* variable of the example is no service's setting"


# --- compose: services -----------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_every_service_has_a_healthcheck(stack: str) -> None:
    for name, service in raw(stack)["services"].items():
        check = service.get("healthcheck")
        assert check, f"{stack}: {name} has no healthcheck"
        assert not check.get("disable"), f"{stack}: {name} disables its healthcheck"
        test = check.get("test")
        assert test and test not in (["NONE"], "NONE"), f"{stack}: {name}: empty healthcheck"


@pytest.mark.parametrize("stack", STACKS)
def test_services_are_built_from_their_dockerfiles(stack: str) -> None:
    expected = SERVICES[stack]
    built = {}
    for name, service in resolved(stack)["services"].items():
        if "build" not in service:
            assert "image" in service, f"{name} has neither build nor image"
            continue
        build = service["build"]
        assert Path(build["context"]).resolve() == ROOT, f"{name}: context is not the root"
        dockerfile_path = ROOT / build["dockerfile"]
        assert dockerfile_path.is_file(), f"{name}: {dockerfile_path} does not exist"
        built[name] = built_service(build["dockerfile"])
    assert built == {name: name for name in expected}


@pytest.mark.parametrize("stack", STACKS)
def test_services_wait_for_healthy_infrastructure(stack: str) -> None:
    for name, service in resolved(stack)["services"].items():
        env = environment(service)
        depends = service.get("depends_on") or {}
        needs = [
            dependency
            for variable, dependency in (
                ("IMC_BROKER_URL", "rabbitmq"),
                ("IMC_DATABASE_URL", "postgres"),
                *SERVICE_URLS.items(),
            )
            if variable in env
        ]
        for dependency in needs:
            assert depends.get(dependency, {}).get("condition") == "service_healthy", (
                f"{stack}: {name} does not wait for a healthy {dependency}"
            )
        for variable, dependency in SERVICE_URLS.items():
            if variable in env:
                assert env[variable] == f"http://{dependency}:8000", f"{stack}: {name}"


@pytest.mark.parametrize("stack", STACKS)
def test_compose_environment_is_valid_settings(stack: str) -> None:
    """What compose hands each service loads as that service's settings Struct."""
    for name, service in resolved(stack)["services"].items():
        if "build" not in service:
            continue
        imc_service = built_service(service["build"]["dockerfile"])
        cls = settings_class(imc_service)
        env = environment(service)
        fields = {f"IMC_{field.name.upper()}" for field in msgspec.structs.fields(cls)}
        unknown = {key for key in env if key.startswith("IMC_")} - fields
        assert not unknown, f"{stack}: {name} gets variables it has no setting for: {unknown}"
        settings = load_settings(cls, imc_service, env)
        assert settings.district == example(stack)["IMC_DISTRICT"]
        loaded: Any = settings  # the fields of this service's own Struct
        assert settings.http_host == "0.0.0.0"
        if imc_service == "federation":
            assert set(settings.district_map()) == set(  # type: ignore[attr-defined]
                json.loads(example(stack)["IMC_DISTRICTS"])
            )
            assert settings.link_down_alert_seconds == int(  # type: ignore[attr-defined]
                example(stack)["IMC_LINK_DOWN_ALERT_SECONDS"]
            )
        if imc_service == "scheduling":
            # The centre's scheduling publishes inter-municipal events; a district's takes
            # them only over the link from the upstream its definitions pull from.
            assert settings.instance_kind == stack  # type: ignore[attr-defined]
            assert settings.centre_upstream == example(stack).get(  # type: ignore[attr-defined]
                "IMC_CENTRE_UPSTREAM", ""
            )
            # The centre takes a district's registration only over that district's link.
            assert set(loaded.district_map()) == set(
                json.loads(example(stack).get("IMC_DISTRICTS", "{}"))
            )
        if imc_service == "registry":
            # A district keeps the centre's inter-municipal sites from the same upstream
            # as scheduling's events; the centre itself is the source, not a taker.
            assert loaded.centre_upstream == example(stack).get("IMC_CENTRE_UPSTREAM", "")
            assert loaded.takes_centre_sites is (stack == "district")
            assert loaded.heartbeat_seconds == (30 if stack == "district" else 0)
        if imc_service == "documents":
            for variable in ("IMC_AUTHORITY", "IMC_PLACE", "IMC_SIGNATORY_NAME"):
                field = variable.removeprefix("IMC_").lower()
                assert getattr(loaded, field) == example(stack)[variable], variable
            assert loaded.storage_dir == STORAGE_DIR
        if imc_service == "notifications":
            assert loaded.mail_from == example(stack)["IMC_MAIL_FROM"]
            assert loaded.portal_url == example(stack)["IMC_PORTAL_URL"]
            assert loaded.signatory == example(stack)["IMC_SIGNATORY_NAME"]
            assert loaded.documents_url == "http://documents:8000"
        if imc_service == "applications":
            assert loaded.storage_dir == STORAGE_DIR
            assert loaded.registry_url == "http://registry:8000"
            assert loaded.issuer_table()
        if imc_service == "growth":
            # As scheduling: a district suggests the centre's inter-municipal events, taken
            # only over the link from its upstream; the centre is their source.
            assert loaded.instance_kind == stack
            assert loaded.centre_upstream == example(stack).get("IMC_CENTRE_UPSTREAM", "")
            assert loaded.time_zone == example(stack)["IMC_TIME_ZONE"]
            # The transcript is rendered by the documents service and signed as the
            # instance's orders and letters are.
            assert loaded.documents_url == "http://documents:8000"
            assert loaded.signatory_name == example(stack)["IMC_SIGNATORY_NAME"]
            assert loaded.signatory_position == example(stack)["IMC_SIGNATORY_POSITION"]
            assert loaded.storage_dir == STORAGE_DIR
            assert loaded.max_upload_bytes == int(example(stack)["IMC_MAX_UPLOAD_BYTES"])
        if imc_service == "analytics":
            # The centre's file names the district of each school (IMC_DISTRICTS, as the
            # aggregator reads it); a district knows only itself.
            assert loaded.instance_kind == stack
            assert set(loaded.district_map()) == set(
                json.loads(example(stack).get("IMC_DISTRICTS", "{}"))
            )
            assert loaded.time_zone == example(stack)["IMC_TIME_ZONE"]
            # A problem becomes a seminar in scheduling, deficits in growth; the note is
            # rendered by documents and signed as the instance's orders and letters are.
            assert loaded.documents_url == "http://documents:8000"
            assert loaded.scheduling_url == "http://scheduling:8000"
            assert loaded.growth_url == "http://growth:8000"
            assert loaded.signatory_name == example(stack)["IMC_SIGNATORY_NAME"]
            assert loaded.signatory_position == example(stack)["IMC_SIGNATORY_POSITION"]
            assert loaded.organiser_name == example(stack)["IMC_AUTHORITY"]
            # The env file's upload limit is applications' and growth's (10 MiB): a
            # results file keeps analytics' own limit.
            assert "IMC_MAX_UPLOAD_BYTES" not in env
        if imc_service == "resources":
            # As scheduling: a district keeps the centre's bank, taken only over the link
            # from its upstream; the centre takes a district's publication only over
            # that district's link.
            assert loaded.instance_kind == stack
            assert loaded.centre_upstream == example(stack).get("IMC_CENTRE_UPSTREAM", "")
            assert loaded.takes_centre_events is (stack == "district")
            assert set(loaded.district_map()) == set(
                json.loads(example(stack).get("IMC_DISTRICTS", "{}"))
            )
            assert loaded.storage_dir == STORAGE_DIR
            # A shared resource carries its files, base64-encoded, inside one message:
            # it must fit under the brokers' max_message_size with room to spare.
            assert loaded.max_share_bytes == int(example(stack)["IMC_MAX_SHARE_BYTES"])
            encoded = 4 * -(-loaded.max_share_bytes // 3)
            assert encoded + 4 * 1024 * 1024 < RABBITMQ_MAX_MESSAGE_BYTES
    portal = environment(resolved(stack)["services"]["portal"])
    assert portal["IMC_MODE"] == stack


@pytest.mark.parametrize("stack", STACKS)
def test_every_service_has_a_build_a_healthcheck_and_a_database(stack: str) -> None:
    """Each instance service of the stack is there, built, checked, with its own database."""
    services = resolved(stack)["services"]
    for name in SERVICES[stack]:
        service = services.get(name)
        assert service is not None, f"{stack}: no {name}"
        assert "build" in service, f"{stack}: {name} is not built from this checkout"
        assert raw(stack)["services"][name].get("healthcheck"), f"{stack}: {name}: no check"
        url = environment(service).get("IMC_DATABASE_URL")
        if name in WITHOUT_DATABASE:
            assert url is None, f"{stack}: {name} needs no database"
        else:
            assert url and urlsplit(url).path == f"/{name}", f"{stack}: {name}: own database"


@pytest.mark.parametrize("stack", STACKS)
def test_stored_files_live_on_volumes(stack: str) -> None:
    """Uploaded applications, generated documents, teachers' uploaded evidence and the
    files of methodical resources survive re-creating a container; no two services share
    a folder."""
    config = resolved(stack)
    named = set(config.get("volumes") or {})
    sources: dict[str, str] = {}
    for name, service in config["services"].items():
        folder = environment(service).get("IMC_STORAGE_DIR")
        if folder is None:
            continue
        source = mounts(service).get(folder)
        assert source is not None and source in named, (
            f"{stack}: {name} keeps {folder} off a named volume"
        )
        assert source not in sources, f"{stack}: {name} shares {source} with {sources[source]}"
        sources[source] = name
    assert set(sources.values()) == {"applications", "documents", "growth", "resources"}


@pytest.mark.parametrize("stack", STACKS)
def test_the_issuers_cover_the_statuses_the_council_decides(stack: str) -> None:
    """A district's council confers the municipal statuses, the centre's the
    inter-municipal ones (seeds/002 §8.4-8.5): every order needs its issuer."""
    services = resolved(stack)["services"]
    cls = settings_class("applications")
    settings: Any = load_settings(cls, "applications", environment(services["applications"]))
    issuers = settings.issuer_table()
    level = "municipal" if stack == "district" else "intermunicipal"
    needed = {rules.order_issuer for rules in SITE_KINDS.values() if rules.level == level}
    assert needed, level
    missing = needed - set(issuers)
    assert not missing, f"{stack}: IMC_ISSUERS names no {sorted(missing)}"
    for code, issuer in issuers.items():
        assert issuer.name and issuer.signatory_name and issuer.signatory_position, code
        assert "{seq}" in issuer.number_format, code


# --- compose: access --------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_every_service_trusts_both_keys_and_the_portal_signs_with_its_own(stack: str) -> None:
    """Each service gets the public keys and the services' signing key, the portal the
    portal's; a token either signs is accepted by every service of the stack, and the
    services' key cannot sign a person's token."""
    env_file = example(stack)
    keys.check(env_file)
    for name, service in resolved(stack)["services"].items():
        if "build" not in service:
            continue
        env = environment(service)
        assert env["IMC_AUTH_PUBLIC_KEYS"] == env_file["IMC_AUTH_PUBLIC_KEYS"], f"{stack}: {name}"
        signing = "AUTH_PORTAL_SIGNING_KEY" if name == "portal" else "AUTH_SERVICE_SIGNING_KEY"
        assert env["IMC_AUTH_SIGNING_KEY"] == env_file[signing], f"{stack}: {name}"
        settings = load_settings(
            settings_class(built_service(service["build"]["dockerfile"])), name, env
        )
        verifier = TokenVerifier(settings.auth_public_keys)
        signer = TokenSigner(settings.auth_signing_key)
        principal = Principal(
            subject="0192f5a0-0000-7000-8000-0000000000f1",
            role=Role.METHODIST if name == "portal" else Role.SERVICE,
            district=settings.district,
            name="Лаптева Светлана Николаевна",
        )
        assert verifier.verify(signer.issue(principal)) == principal
        if name != "portal":
            with pytest.raises(ValueError, match="service"):
                signer.issue(msgspec.structs.replace(principal, role=Role.METHODIST))


def test_each_instance_has_keys_of_its_own() -> None:
    district, centre = example("district"), example("centre")
    for variable in keys.VARIABLES:
        assert district[variable] != centre[variable], variable


@pytest.mark.parametrize("stack", STACKS)
def test_the_portal_reaches_every_service_of_its_instance(stack: str) -> None:
    portal = environment(resolved(stack)["services"]["portal"])
    given = {variable: portal[variable] for variable in SERVICE_URLS if variable in portal}
    assert given == {
        f"IMC_{name.upper()}_URL": f"http://{name}:8000"
        for name in SERVICES[stack]
        if name != "portal"
    }


def test_auth_keys_writes_new_pairs_into_an_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "district.env"
    shutil.copy(STACKS["district"][1], env_file)
    env_file.chmod(0o640)
    before = render.read_env_file(env_file)
    assert keys.main(["--write", str(env_file)]) == 0
    after = render.read_env_file(env_file)
    keys.check(after)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == set(keys.VARIABLES)
    assert (env_file.stat().st_mode & 0o777) == 0o640
    assert len(env_file.read_text(encoding="utf-8").splitlines()) == len(
        STACKS["district"][1].read_text(encoding="utf-8").splitlines()
    )
    for validator in validators():
        result = compose(validator, "district", "config", "-q", env_file=env_file)
        assert result.returncode == 0, result.stderr
    # a file without the lines gets them appended
    bare = tmp_path / "bare.env"
    bare.write_text("IMC_DISTRICT=yaya\n", encoding="utf-8")
    keys.main(["--write", str(bare)])
    keys.check(render.read_env_file(bare))
    assert render.read_env_file(bare)["IMC_DISTRICT"] == "yaya"


def test_auth_keys_refuses_keys_that_do_not_fit_together() -> None:
    good = keys.new_keys()
    other = keys.new_keys()
    keys.check(good)
    for broken, message in (
        ({**good, "IMC_AUTH_PUBLIC_KEYS": other["IMC_AUTH_PUBLIC_KEYS"]}, "public key"),
        ({**good, "AUTH_PORTAL_SIGNING_KEY": good["AUTH_SERVICE_SIGNING_KEY"]}, "key id"),
        ({**good, "AUTH_SERVICE_SIGNING_KEY": ""}, "not set"),
        (
            {**good, "IMC_AUTH_PUBLIC_KEYS": good["IMC_AUTH_PUBLIC_KEYS"].split(",")[0]},
            "public key",
        ),
    ):
        with pytest.raises(keys.KeysError, match=message):
            keys.check(broken)


def test_centre_example_is_the_lead_town_of_the_demo() -> None:
    """The centre's example letterhead and issuers are those of the demo's lead town."""
    demo = json.loads(
        (ROOT / "deploy" / "local" / "imc_local" / "demo_data.json").read_text(encoding="utf-8")
    )["centre"]
    env = example("centre")
    assert env["IMC_DISTRICT"] == demo["code"]
    assert env["IMC_AUTHORITY"] == demo["imc_name"]
    assert env["IMC_PLACE"] == demo["place"]
    assert env["IMC_SIGNATORY_NAME"] == demo["signatory"]["name"]
    assert env["IMC_SIGNATORY_POSITION"] == demo["signatory"]["position"]
    issuers = json.loads(env["IMC_ISSUERS"])
    assert issuers == {
        code: {key: value for key, value in issuer.items() if key != "invented"}
        for code, issuer in demo["issuers"].items()
    }


@pytest.mark.parametrize("stack", STACKS)
def test_databases_match_the_postgres_init(stack: str) -> None:
    services = resolved(stack)["services"]
    postgres = services["postgres"]
    postgres_env = environment(postgres)
    init = [
        source
        for target, source in mounts(postgres).items()
        if target.startswith("/docker-entrypoint-initdb.d/")
    ]
    assert init == [str(COMPOSE_DIR / "postgres" / "init-databases.sh")]
    with_database = set()
    for name, service in services.items():
        url = environment(service).get("IMC_DATABASE_URL")
        if url is None:
            continue
        parts = urlsplit(url)
        assert parts.scheme == "postgresql+asyncpg"
        assert (parts.hostname, parts.port) == ("postgres", 5432)
        database = parts.path.lstrip("/")
        assert parts.username == database == name, f"{name}: own role and database"
        assert parts.password == postgres_env[f"{name.upper()}_DB_PASSWORD"]
        with_database.add(name)
    assert set(postgres_env["IMC_DATABASES"].split()) == with_database


@pytest.mark.parametrize("stack", STACKS)
def test_broker_credentials_match_the_definitions(stack: str) -> None:
    users = {user["name"]: user for user in definitions(stack)["users"]}
    for name, service in resolved(stack)["services"].items():
        url = environment(service).get("IMC_BROKER_URL")
        if url is None:
            continue
        parts = urlsplit(url)
        assert (parts.hostname, parts.port) == ("rabbitmq", 5672), name
        assert parts.username == SERVICE_USER
        assert parts.password is not None
        assert password_matches(users[SERVICE_USER]["password_hash"], parts.password), (
            f"{name}: the committed {stack}.definitions.json was rendered with another "
            "RABBITMQ_SERVICE_PASSWORD than the example's"
        )


@pytest.mark.parametrize("stack", STACKS)
def test_rabbitmq_loads_its_definitions_and_plugins(stack: str) -> None:
    rabbitmq = resolved(stack)["services"]["rabbitmq"]
    assert str(rabbitmq["image"]).startswith(
        ("rabbitmq:3.13-management", "rabbitmq:3.12-management")
    )
    mounted = mounts(rabbitmq)
    assert mounted[DEFINITIONS_IN_CONTAINER] == str(RABBITMQ_DIR / f"{stack}.definitions.json")
    conf = next(
        source
        for target, source in mounted.items()
        if target.startswith("/etc/rabbitmq/conf.d/") and target.endswith(".conf")
    )
    assert f"load_definitions = {DEFINITIONS_IN_CONTAINER}" in Path(conf).read_text()
    plugins = Path(mounted["/etc/rabbitmq/enabled_plugins"]).read_text()
    for plugin in ("rabbitmq_management", "rabbitmq_federation", "rabbitmq_federation_management"):
        assert re.search(rf"\b{plugin}\b", plugins), plugin
    assert "/var/lib/rabbitmq" in mounted, "RabbitMQ data must live on a volume"
    assert rabbitmq["hostname"] == f"rabbitmq-{example(stack)['IMC_DISTRICT']}"


@pytest.mark.parametrize("stack", STACKS)
def test_bind_mounted_files_exist(stack: str) -> None:
    for name, service in resolved(stack)["services"].items():
        for source in mounts(service).values():
            if source.startswith("/"):
                assert Path(source).is_file(), f"{stack}: {name} mounts missing {source}"


# --- Dockerfiles -----------------------------------------------------------------------


@pytest.mark.parametrize("service", ALL_SERVICES)
def test_dockerfile_installs_like_ci(service: str) -> None:
    instructions = dockerfile(service)
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    words = uv_sync_words(service)
    assert "--frozen" in words, "the image must install exactly the lock (uv sync --frozen)"
    assert "--no-dev" in words
    package = words[words.index("--package") + 1] if "--package" in words else None
    assert package == f"imc-{service}"
    for path in (ROOT / ".ci" / "run", ROOT / "Makefile"):
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        for line in (line for line in text.splitlines() if "uv sync" in line):
            for flag in ("--frozen", "--locked"):
                if flag in line:
                    assert flag in words, f"{path.name} runs uv sync {flag}; the image too"


def test_dockerfiles_pin_one_uv() -> None:
    pins = set()
    for service in ALL_SERVICES:
        found = [
            re.search(r"pip install[^&;]*\buv==([0-9][0-9.]*)", args)
            for keyword, args in dockerfile(service)
            if keyword == "RUN"
        ]
        versions = [match.group(1) for match in found if match]
        assert len(versions) == 1, f"{service}: install uv from PyPI with pip, pinned"
        pins.add(versions[0])
    assert len(pins) == 1, f"Dockerfiles install different uv versions: {pins}"
    ci = ROOT / ".ci" / "run"
    pinned = re.findall(r"\buv==([0-9][0-9.]*)", ci.read_text()) if ci.is_file() else []
    assert set(pinned) <= pins, f".ci/run installs uv {pinned}, the images {pins}"


@pytest.mark.parametrize("service", ALL_SERVICES)
def test_dockerfile_copies_the_workspace_uv_needs(service: str) -> None:
    sources = [source.rstrip("/") for source in copy_sources(service)]
    for source in sources:
        assert (ROOT / source).exists(), f"{service}: COPY {source}: no such file"
    assert "uv.lock" in sources
    assert "pyproject.toml" in sources
    for member in workspace_members():
        assert member in sources or f"{member}/pyproject.toml" in sources, (
            f"{service}: uv resolves the whole workspace; copy {member}/pyproject.toml"
        )
    for needed in ("contracts", "shared", f"services/{service}"):
        assert needed in sources, f"{service}: copy {needed}/"


@pytest.mark.parametrize("service", ALL_SERVICES)
def test_dockerfile_runs_the_service_as_non_root(service: str) -> None:
    instructions = dockerfile(service)
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users, f"{service}: no USER: the service would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"{service}: runs as {users[-1]}"
    health = [args for keyword, args in instructions if keyword == "HEALTHCHECK"]
    assert len(health) == 1
    check = json.loads(health[0].split(" CMD ", 1)[1])  # exec form: no shell needed
    assert check[:2] == ["python", "-c"]
    assert "urllib" in check[2]
    assert "/health" in check[2]
    cmd = [args for keyword, args in instructions if keyword == "CMD"]
    assert cmd and json.loads(cmd[-1]) == ["python", "-m", f"imc_{service}"]
    env = " ".join(args for keyword, args in instructions if keyword == "ENV")
    assert "/app/.venv/bin" in env, f"{service}: PATH must lead to the venv"


def test_healthchecks_pass_on_200_and_fail_otherwise() -> None:
    """The python one-liners of the Dockerfiles and of compose, run against a server."""
    codes = {
        json.loads(args.split(" CMD ", 1)[1])[2]
        for service in ALL_SERVICES
        for keyword, args in dockerfile(service)
        if keyword == "HEALTHCHECK"
    }
    for stack in STACKS:
        for service in raw(stack)["services"].values():
            test = service["healthcheck"]["test"]
            if test[:2] == ["CMD", "python"]:
                codes.add(test[3])
    status = {"/health": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status.get(self.path, 404))
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {**_clean_env(), "IMC_HTTP_PORT": str(server.server_address[1])}
        for code in codes:
            for answer, healthy in ((200, True), (503, False)):
                status["/health"] = answer
                result = subprocess.run(
                    [sys.executable, "-c", code],
                    env=env,
                    capture_output=True,
                    timeout=30,
                    check=False,
                )
                assert (result.returncode == 0) is healthy, (code, answer)
    finally:
        server.shutdown()
        server.server_close()


def test_documents_image_has_libreoffice() -> None:
    runs = [args for keyword, args in dockerfile("documents") if keyword == "RUN"]
    install = next(run for run in runs if "apt-get install" in run)
    for needed in (
        "--no-install-recommends",
        "libreoffice-writer-nogui",
        "fonts-liberation2",
        "rm -rf /var/lib/apt/lists",
    ):
        assert needed in install, needed
    for service in ALL_SERVICES:
        if service != "documents":
            assert not any("libreoffice" in args for _, args in dockerfile(service)), service


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    patterns = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "var"} <= patterns
    assert not {"uv.lock", "pyproject.toml", "contracts", "shared", "services"} & patterns


# --- RabbitMQ definitions --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["district", "centre"])
def test_definitions_have_the_exchanges_and_no_guest(kind: str) -> None:
    data = definitions(kind)
    exchanges = {exchange["name"]: exchange for exchange in data["exchanges"]}
    for name in (EVENTS_EXCHANGE, DEAD_LETTER_EXCHANGE, UNROUTABLE_EXCHANGE, CENTRE_EXCHANGE):
        assert name in exchanges, name
        assert exchanges[name]["durable"]
    assert exchanges[EVENTS_EXCHANGE]["arguments"] == {"alternate-exchange": UNROUTABLE_EXCHANGE}
    assert UNROUTABLE_QUEUE in {queue["name"] for queue in data["queues"]}
    users = {user["name"]: user for user in data["users"]}
    assert "guest" not in users
    for user in users.values():
        assert "password" not in user
        assert user["hashing_algorithm"] == "rabbit_password_hashing_sha256"
    assert SERVICE_USER in users
    if kind == "centre":
        assert DISTRICTS_EXCHANGE in exchanges
        districts = json.loads(example("centre")["IMC_DISTRICTS"])
        assert set(users) == {SERVICE_USER} | {f"district-{code}" for code in districts}
    else:
        assert set(users) == {SERVICE_USER, LINK_USER}
    for user in set(users) - {SERVICE_USER}:
        link_permission = next(p for p in data["permissions"] if p["user"] == user)
        assert ".*" not in (link_permission["configure"], link_permission["write"]), user
        assert not users[user]["tags"], f"{user} has no management rights"


@pytest.mark.parametrize(
    ("kind", "exchange", "keys"),
    [
        ("district", EVENTS_EXCHANGE, federation.UPWARD_KEYS),
        ("centre", CENTRE_EXCHANGE, federation.DOWNWARD_KEYS),
    ],
)
def test_link_accounts_bind_only_the_allowlist(
    kind: str, exchange: str, keys: frozenset[str]
) -> None:
    """The broker refuses a link any binding outside the allowlist (topic permissions)."""
    data = definitions(kind)
    accounts = {user["name"] for user in data["users"]} - {SERVICE_USER}
    assert accounts
    topics = {topic["user"]: topic for topic in data["topic_permissions"]}
    assert set(topics) == accounts
    for user, topic in topics.items():
        assert topic["exchange"] == exchange, user
        assert topic["write"] == "^$", f"{user} publishes nothing"
        for key in keys:
            assert re.fullmatch(topic["read"], key), (user, key)
        for key in ("#", "*", "notifications.message.requested.v1", "registry.person.changed.v1"):
            assert not re.fullmatch(topic["read"], key), (user, key)
        read = next(p["read"] for p in data["permissions"] if p["user"] == user)
        assert re.fullmatch(read, exchange), user
        assert not re.fullmatch(read, EVENTS_EXCHANGE if kind == "centre" else CENTRE_EXCHANGE)


def test_district_federates_the_centre_down() -> None:
    """The committed district pulls the centre's imc.centre as district-<code>, from the
    address its scheduling accepts the centre's events from."""
    data = definitions("district")
    env = example("district")
    district = resolved("district")["services"]
    upstreams = [p for p in data["parameters"] if p["component"] == "federation-upstream"]
    assert [p["name"] for p in upstreams] == [render.CENTRE_UPSTREAM]
    upstream = upstreams[0]["value"]
    assert upstream["exchange"] == CENTRE_EXCHANGE
    assert upstream["ack-mode"] == "on-confirm"
    assert upstream["resource-cleanup-mode"] == "never"
    assert upstream["max-hops"] == 1
    assert urlsplit(upstream["uri"]).username == f"district-{env['IMC_DISTRICT']}"
    assert upstream_without_credentials(upstream["uri"]) == env["IMC_CENTRE_UPSTREAM"]
    for service in ("scheduling", "registry", "growth", "resources"):
        assert environment(district[service])["IMC_CENTRE_UPSTREAM"] == env["IMC_CENTRE_UPSTREAM"]
    (policy,) = data["policies"]
    assert policy["definition"] == {"federation-upstream": render.CENTRE_UPSTREAM}
    assert re.fullmatch(policy["pattern"], CENTRE_EXCHANGE)
    assert not re.fullmatch(policy["pattern"], EVENTS_EXCHANGE)
    assert environment(district["registry"])["IMC_HEARTBEAT_SECONDS"] == "30"


def test_centre_relays_its_own_messages() -> None:
    """The centre's upward messages join imc.districts, its downward ones imc.centre."""
    bindings = {
        (b["source"], b["destination"], b["routing_key"])
        for b in definitions("centre")["bindings"]
        if b["destination_type"] == "exchange"
    }
    for key in federation.UPWARD_KEYS:
        assert (EVENTS_EXCHANGE, DISTRICTS_EXCHANGE, key) in bindings, key
    downward = {(s, d, k) for s, d, k in bindings if d == CENTRE_EXCHANGE}
    assert downward
    assert {k for _, _, k in downward} <= federation.DOWNWARD_KEYS


def test_centre_federates_every_district_without_loss() -> None:
    data = definitions("centre")
    upstreams = {
        p["name"]: p["value"] for p in data["parameters"] if p["component"] == "federation-upstream"
    }
    districts = json.loads(example("centre")["IMC_DISTRICTS"])
    assert set(upstreams) == set(districts)
    for code, upstream in upstreams.items():
        assert upstream["exchange"] == EVENTS_EXCHANGE
        assert upstream["ack-mode"] == "on-confirm"
        assert upstream["resource-cleanup-mode"] == "never"
        assert upstream["max-hops"] == 1
        assert "expires" not in upstream
        assert "message-ttl" not in upstream
        assert upstream_without_credentials(upstream["uri"]) == upstream_without_credentials(
            districts[code]["upstream"]
        ), code
        assert urlsplit(upstream["uri"]).username == LINK_USER
    policy = next(p for p in data["policies"] if "federation-upstream-set" in p["definition"])
    assert re.fullmatch(policy["pattern"], DISTRICTS_EXCHANGE)
    assert policy["apply-to"] == "exchanges"


def test_committed_definitions_use_the_example_passwords() -> None:
    """So that a trial runs from the examples as they are."""
    district_env, centre_env = example("district"), example("centre")
    users = {user["name"]: user for user in definitions("district")["users"]}
    assert password_matches(
        users[SERVICE_USER]["password_hash"], district_env["RABBITMQ_SERVICE_PASSWORD"]
    )
    assert password_matches(
        users[LINK_USER]["password_hash"], district_env["RABBITMQ_LINK_PASSWORD"]
    )
    users = {user["name"]: user for user in definitions("centre")["users"]}
    assert password_matches(
        users[SERVICE_USER]["password_hash"], centre_env["RABBITMQ_SERVICE_PASSWORD"]
    )
    for parameter in definitions("centre")["parameters"]:
        password = urlsplit(parameter["value"]["uri"]).password
        assert password == centre_env[render.link_password_variable(parameter["name"])]
        assert password == district_env["RABBITMQ_LINK_PASSWORD"]
    for code in json.loads(centre_env["IMC_DISTRICTS"]):
        password = centre_env[render.district_password_variable(code)]
        assert password == district_env["RABBITMQ_CENTRE_PASSWORD"]
        assert password_matches(users[f"district-{code}"]["password_hash"], password)
    (downward,) = definitions("district")["parameters"]
    assert urlsplit(downward["value"]["uri"]).password == district_env["RABBITMQ_CENTRE_PASSWORD"]


# --- render_definitions.py -------------------------------------------------------------


def test_render_writes_definitions_from_an_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "district.env"
    env_file.write_text(
        "# comment\n\nIMC_DISTRICT=yaya\nexport RABBITMQ_SERVICE_PASSWORD='s3cret-one'\n"
        'RABBITMQ_LINK_PASSWORD="link.two"\n',
        encoding="utf-8",
    )
    output = tmp_path / "out" / "district.definitions.json"
    assert render.main(["district", "--env-file", str(env_file), "--output", str(output)]) == 0
    assert output.stat().st_mode & 0o777 == 0o644
    users = {user["name"]: user for user in json.loads(output.read_text())["users"]}
    assert password_matches(users[SERVICE_USER]["password_hash"], "s3cret-one")
    assert password_matches(users[LINK_USER]["password_hash"], "link.two")


def test_render_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("IMC_DISTRICT=yaya\nRABBITMQ_SERVICE_PASSWORD=from-file\n")
    env = render.load_env(env_file, {"RABBITMQ_SERVICE_PASSWORD": "from-environment"})
    assert env == {"IMC_DISTRICT": "yaya", "RABBITMQ_SERVICE_PASSWORD": "from-environment"}


def test_render_centre_builds_upstreams_from_imc_districts() -> None:
    env = {
        "IMC_DISTRICT": "buguruslan",
        "RABBITMQ_SERVICE_PASSWORD": "svc",
        "IMC_DISTRICTS": json.dumps(
            {
                "yaya": {"name": "Яйский муниципальный округ", "upstream": "amqp://10.0.0.5"},
                "new-town": {"name": "Новый", "upstream": "amqp://broker.example.ru:5673/"},
            },
            ensure_ascii=False,
        ),
        "RABBITMQ_LINK_PASSWORD_YAYA": "l1",
        "RABBITMQ_LINK_PASSWORD_NEW_TOWN": "l2",
        "RABBITMQ_DISTRICT_PASSWORD_YAYA": "d1",
        "RABBITMQ_DISTRICT_PASSWORD_NEW_TOWN": "d2",
    }
    upstreams = {p["name"]: p["value"]["uri"] for p in render.render_centre(env)["parameters"]}
    assert upstreams == {
        "yaya": f"amqp://{LINK_USER}:l1@10.0.0.5:5672",
        "new-town": f"amqp://{LINK_USER}:l2@broker.example.ru:5673",
    }


def test_render_district_adds_the_downward_link_only_when_asked() -> None:
    env = {
        "IMC_DISTRICT": "new-town",
        "RABBITMQ_SERVICE_PASSWORD": "svc",
        "RABBITMQ_LINK_PASSWORD": "up",
    }
    alone = render.render_district(env)
    assert alone["parameters"] == []
    assert alone["policies"] == []
    federated = render.render_district(
        env | {"IMC_CENTRE_UPSTREAM": "amqp://10.0.0.1", "RABBITMQ_CENTRE_PASSWORD": "down"}
    )
    (upstream,) = federated["parameters"]
    assert upstream["name"] == "centre"
    assert upstream["value"]["uri"] == "amqp://district-new-town:down@10.0.0.1:5672"
    assert upstream["value"]["exchange"] == CENTRE_EXCHANGE
    (policy,) = federated["policies"]
    assert policy["definition"] == {"federation-upstream": "centre"}
    assert {user["name"] for user in federated["users"]} == {SERVICE_USER, LINK_USER}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"RABBITMQ_CENTRE_PASSWORD": ""}, "RABBITMQ_CENTRE_PASSWORD is not set"),
        ({"IMC_CENTRE_UPSTREAM": "amqp://district-yaya:pw@h:5672"}, "no credentials"),
        ({"IMC_CENTRE_UPSTREAM": "amqps://h:5671"}, "amqp://host:port"),
        ({"IMC_CENTRE_UPSTREAM": "amqp://h:5672/vhost"}, "amqp://host:port"),
    ],
)
def test_render_district_rejects_a_bad_centre_upstream(
    change: dict[str, str], message: str
) -> None:
    env = {
        "IMC_DISTRICT": "yaya",
        "RABBITMQ_SERVICE_PASSWORD": "svc",
        "RABBITMQ_LINK_PASSWORD": "up",
        "IMC_CENTRE_UPSTREAM": "amqp://h:5672",
        "RABBITMQ_CENTRE_PASSWORD": "down",
    } | change
    with pytest.raises(render.ConfigError, match=re.escape(message)):
        render.render_district(env)


def test_render_centre_adds_an_account_per_district() -> None:
    env = {
        "IMC_DISTRICT": "buguruslan",
        "RABBITMQ_SERVICE_PASSWORD": "svc",
        "IMC_DISTRICTS": json.dumps(
            {
                "yaya": {"name": "Я", "upstream": "amqp://10.0.0.5"},
                "new-town": {"name": "Н", "upstream": "amqp://10.0.0.6"},
            }
        ),
        "RABBITMQ_LINK_PASSWORD_YAYA": "l1",
        "RABBITMQ_LINK_PASSWORD_NEW_TOWN": "l2",
        "RABBITMQ_DISTRICT_PASSWORD_YAYA": "d1",
        "RABBITMQ_DISTRICT_PASSWORD_NEW_TOWN": "d2",
    }
    data = render.render_centre(env)
    users = {user["name"]: user for user in data["users"]}
    assert set(users) == {SERVICE_USER, "district-yaya", "district-new-town"}
    assert password_matches(users["district-yaya"]["password_hash"], "d1")
    assert password_matches(users["district-new-town"]["password_hash"], "d2")
    # Any cluster name: the districts' compose nodes name themselves (rabbit@rabbitmq-<code>).
    permission = next(p for p in data["permissions"] if p["user"] == "district-new-town")
    assert re.fullmatch(
        permission["configure"],
        f"federation: {CENTRE_EXCHANGE} -> rabbit@rabbitmq-new-town:{CENTRE_EXCHANGE}",
    )
    assert not re.fullmatch(permission["configure"], CENTRE_EXCHANGE)
    with pytest.raises(render.ConfigError, match="RABBITMQ_DISTRICT_PASSWORD_NEW_TOWN is not set"):
        render.render_centre(env | {"RABBITMQ_DISTRICT_PASSWORD_NEW_TOWN": ""})


def test_render_centre_under_a_regional_centre() -> None:
    """A centre lets a region in as region-link; the region pulls the centre's
    imc.districts over two hops and gives it no district account."""
    centre = render.render_centre(
        {
            "IMC_DISTRICT": "buguruslan",
            "RABBITMQ_SERVICE_PASSWORD": "svc",
            "IMC_DISTRICTS": '{"yaya": {"name": "Я", "upstream": "amqp://10.0.0.5"}}',
            "RABBITMQ_LINK_PASSWORD_YAYA": "l1",
            "RABBITMQ_DISTRICT_PASSWORD_YAYA": "d1",
            "RABBITMQ_PARENT_PASSWORD": "r1",
        }
    )
    users = {user["name"]: user for user in centre["users"]}
    assert password_matches(users[render.REGION_USER]["password_hash"], "r1")
    topic = next(t for t in centre["topic_permissions"] if t["user"] == render.REGION_USER)
    assert topic["exchange"] == DISTRICTS_EXCHANGE
    assert all(re.fullmatch(topic["read"], key) for key in federation.UPWARD_KEYS)
    assert not re.fullmatch(topic["read"], "#")

    region = render.render_centre(
        {
            "IMC_DISTRICT": "orenburg",
            "RABBITMQ_SERVICE_PASSWORD": "svc",
            "IMC_DISTRICTS": json.dumps(
                {
                    "buguruslan": {"name": "ММЦ", "upstream": "amqp://10.0.1.1:5672"},
                    "yaya": {"name": "Я", "upstream": "amqp://10.0.0.5"},
                }
            ),
            "RABBITMQ_CENTRES_BELOW": "buguruslan",
            "RABBITMQ_LINK_PASSWORD_BUGURUSLAN": "r1",
            "RABBITMQ_LINK_PASSWORD_YAYA": "l1",
            "RABBITMQ_DISTRICT_PASSWORD_YAYA": "d1",
        }
    )
    upstreams = {p["name"]: p["value"] for p in region["parameters"]}
    assert upstreams["buguruslan"]["uri"] == "amqp://region-link:r1@10.0.1.1:5672"
    assert upstreams["buguruslan"]["exchange"] == DISTRICTS_EXCHANGE
    assert upstreams["buguruslan"]["max-hops"] == 2
    assert upstreams["yaya"]["exchange"] == EVENTS_EXCHANGE
    assert upstreams["yaya"]["max-hops"] == 1
    assert {user["name"] for user in region["users"]} == {SERVICE_USER, "district-yaya"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"RABBITMQ_LINK_PASSWORD_YAYA": ""}, "RABBITMQ_LINK_PASSWORD_YAYA is not set"),
        ({"RABBITMQ_DISTRICT_PASSWORD_YAYA": ""}, "RABBITMQ_DISTRICT_PASSWORD_YAYA is not set"),
        ({"RABBITMQ_PARENT_PASSWORD": "a b"}, "RABBITMQ_PARENT_PASSWORD: use only"),
        ({"RABBITMQ_CENTRES_BELOW": "tisul"}, "not in IMC_DISTRICTS"),
        ({"RABBITMQ_SERVICE_PASSWORD": "p@ss/word"}, "letters, digits"),
        (
            {"IMC_DISTRICTS": '{"yaya": {"name": "Я", "upstream": "amqp://u:p@h:5672"}}'},
            "no credentials",
        ),
        (
            {"IMC_DISTRICTS": '{"yaya": {"name": "Я", "upstream": "amqps://h:5671"}}'},
            "amqp://host:port",
        ),
        ({"IMC_DISTRICTS": '{"Yaya": {"name": "Я", "upstream": "amqp://h"}}'}, "bad district"),
        ({"IMC_DISTRICTS": "{}"}, "names no district"),
        ({"IMC_DISTRICTS": "not json"}, "not JSON"),
        ({"IMC_DISTRICT": ""}, "IMC_DISTRICT is not set"),
    ],
)
def test_render_rejects_bad_settings(change: dict[str, str], message: str) -> None:
    env = {
        "IMC_DISTRICT": "buguruslan",
        "RABBITMQ_SERVICE_PASSWORD": "svc",
        "IMC_DISTRICTS": '{"yaya": {"name": "Я", "upstream": "amqp://h:5672"}}',
        "RABBITMQ_LINK_PASSWORD_YAYA": "link",
        "RABBITMQ_DISTRICT_PASSWORD_YAYA": "down",
    } | change
    with pytest.raises(render.ConfigError, match=re.escape(message)):
        render.render_centre(env)


# --- link_district.py -------------------------------------------------------------------

NEW_LINK_PASSWORD, NEW_DISTRICT_PASSWORD = "tisul-up-4f1e", "tisul-down-9c2a"


def centre_env_file(tmp_path: Path, *, add: str = "", drop: str = "") -> Path:
    """The example centre.env with district ``add`` put in (and its two passwords) or
    district ``drop`` taken out, as the operator edits it before link_district.py."""
    env = example("centre")
    districts = json.loads(env["IMC_DISTRICTS"])
    lines = []
    if add:
        districts[add] = {
            "name": "Тисульский муниципальный округ",
            "upstream": "amqp://127.0.0.1:1",
        }
        lines += [
            f"{render.link_password_variable(add)}={NEW_LINK_PASSWORD}",
            f"{render.district_password_variable(add)}={NEW_DISTRICT_PASSWORD}",
        ]
    if drop:
        del districts[drop]
    for line in STACKS["centre"][1].read_text(encoding="utf-8").splitlines():
        if line.startswith("IMC_DISTRICTS="):
            line = f"IMC_DISTRICTS='{json.dumps(districts, ensure_ascii=False)}'"
        elif drop and line.split("=")[0] in (
            render.link_password_variable(drop),
            render.district_password_variable(drop),
        ):
            continue
        lines.append(line)
    path = tmp_path / "centre.env"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dry_run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = link.main([*args, "--dry-run"])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def rabbitmqctl_calls(lines: list[str], prefix: list[str]) -> list[list[str]]:
    """The rabbitmqctl arguments of the printed commands, in order."""
    calls = []
    for line in lines:
        if not line.startswith("$ "):
            continue
        words = shlex.split(line[2:])
        assert words[: len(prefix)] == prefix, line
        rest = words[len(prefix) :]
        if rest[:4] == ["exec", "-T", "rabbitmq", "rabbitmqctl"]:
            calls.append(rest[4:])
        else:
            assert rest == ["up", "-d", *link.RECREATED], line
            calls.append(["<up>"])
    return calls


def test_link_district_recreates_every_service_that_reads_the_districts() -> None:
    """A district added or removed must be known to every centre service that reads
    IMC_DISTRICTS (the aggregator, scheduling of registrations, analytics naming the
    district of a school, resources taking a district's publication), and nothing else
    is recreated but the portal in front of the aggregator."""
    services = raw("centre")["services"]
    readers = {
        name for name, s in services.items() if "IMC_DISTRICTS" in (s.get("environment") or {})
    }
    assert readers == {"federation", "scheduling", "analytics", "resources"}
    missing = readers - set(link.RECREATED)
    assert not missing, f"link_district.py does not recreate {sorted(missing)}"
    assert set(link.RECREATED) == readers | {"portal"}
    assert all(name in services for name in link.RECREATED)


def test_link_district_add_dry_run_prints_the_procedure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = centre_env_file(tmp_path, add="tisul")
    output = tmp_path / "centre.definitions.json"
    code, lines, err = dry_run(
        [
            "add",
            "tisul",
            "--env-file",
            str(env_file),
            "--output",
            str(output),
            "--compose",
            "docker-compose",
        ],
        capsys,
    )
    assert code == 0, err
    assert not output.exists(), "a dry run writes nothing"
    text = "\n".join(lines)
    assert NEW_LINK_PASSWORD not in text
    assert NEW_DISTRICT_PASSWORD not in text
    assert lines[0] == f"# would write {output}"
    prefix = ["docker-compose", "-f", str(COMPOSE_DIR / "centre.yml"), "--env-file", str(env_file)]
    calls = rabbitmqctl_calls(lines, prefix)
    # The aggregator knows the district before the link brings its first message.
    assert [call[0] for call in calls] == [
        "<up>",
        "list_users",
        "add_user",
        "set_permissions",
        "set_topic_permissions",
        "set_parameter",
        "set_policy",
    ]
    assert calls[2] == ["add_user", "district-tisul", link.HIDDEN]
    assert calls[3][:4] == ["set_permissions", "-p", "/", "district-tisul"]
    assert calls[4][:5] == ["set_topic_permissions", "-p", "/", "district-tisul", CENTRE_EXCHANGE]
    assert re.fullmatch(calls[4][6], "scheduling.event.changed.v1")
    assert calls[5][:5] == ["set_parameter", "-p", "/", "federation-upstream", "tisul"]
    value = json.loads(calls[5][5])
    assert value["uri"] == f"amqp://{LINK_USER}:{link.HIDDEN}@127.0.0.1:1"
    assert value["exchange"] == EVENTS_EXCHANGE
    assert value["ack-mode"] == "on-confirm"
    assert calls[6][-3:-1] == ["imc-federate-districts", "^imc\\.districts$"]
    assert lines[-1] == "dry run: district tisul added"


def test_link_district_remove_dry_run_prints_the_procedure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = centre_env_file(tmp_path, drop="mariinsk")
    code, lines, err = dry_run(["remove", "mariinsk", "--env-file", str(env_file)], capsys)
    assert code == 0, err
    prefix = [
        "docker",
        "compose",
        "-f",
        str(COMPOSE_DIR / "centre.yml"),
        "--env-file",
        str(env_file),
    ]
    assert rabbitmqctl_calls(lines, prefix) == [
        ["clear_parameter", "-p", "/", "federation-upstream", "mariinsk"],
        ["delete_user", "district-mariinsk"],
        ["<up>"],
    ]
    assert f"# would write {link.DEFAULT_OUTPUT}" in lines
    assert lines[-1] == "dry run: district mariinsk removed (the centre keeps its history)"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["add", "tisul"], {}, "tisul is not in IMC_DISTRICTS"),
        (["remove", "yaya"], {}, "yaya is still in IMC_DISTRICTS"),
        (["add", "tisul"], {"add": "tisul"}, "RABBITMQ_DISTRICT_PASSWORD_TISUL is not set"),
    ],
)
def test_link_district_refuses_what_the_settings_do_not_say(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    env_file = centre_env_file(tmp_path, **env)
    # A district put into IMC_DISTRICTS without its account password.
    lines = env_file.read_text().splitlines()
    env_file.write_text(
        "\n".join(line for line in lines if not line.startswith("RABBITMQ_DISTRICT_PASSWORD_TISUL"))
    )
    code, printed, err = dry_run([*args, "--env-file", str(env_file)], capsys)
    assert code == 2
    assert message in err
    assert not [line for line in printed if line.startswith(("$ ", "#"))], "nothing ran"


FAKE_COMPOSE = """
import json, sys
args = sys.argv[1:]
with open(sys.argv[0] + ".log", "a") as log:
    log.write(json.dumps(args) + "\\n")
if args[-2:] == ["list_users", "-q"]:
    print("imc\\t[administrator]")
if "set_parameter" in args:
    print("refused: " + " ".join(args), file=sys.stderr)
    sys.exit(1)
"""


def test_link_district_runs_compose_and_writes_the_definitions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a stand-in for compose: the file is rendered, the commands run in order, and
    a failing command stops the procedure without showing a password."""
    fake = tmp_path / "fake_compose.py"
    fake.write_text(FAKE_COMPOSE)
    env_file = centre_env_file(tmp_path, add="tisul")
    output = tmp_path / "rabbitmq" / "centre.definitions.json"
    code = link.main(
        [
            "add",
            "tisul",
            "--env-file",
            str(env_file),
            "--output",
            str(output),
            "--compose",
            f"{sys.executable} {fake}",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "refused: " in err and "federation-upstream tisul" in err
    assert NEW_LINK_PASSWORD not in err
    assert link.HIDDEN in err
    log = [json.loads(line) for line in Path(f"{fake}.log").read_text().splitlines()]
    assert all(
        args[:4] == ["-f", str(COMPOSE_DIR / "centre.yml"), "--env-file", str(env_file)]
        for args in log
    )
    assert [args[4:] for args in log][:2] == [
        ["up", "-d", *link.RECREATED],
        ["exec", "-T", "rabbitmq", "rabbitmqctl", "list_users", "-q"],
    ]
    assert log[2][8:] == ["add_user", "district-tisul", NEW_DISTRICT_PASSWORD]
    assert [args[8] for args in log[3:]] == [
        "set_permissions",
        "set_topic_permissions",
        "set_parameter",
    ], "nothing runs after a failed command"
    written = json.loads(output.read_text())
    upstreams = {p["name"]: p["value"] for p in written["parameters"]}
    assert set(upstreams) == {*json.loads(example("centre")["IMC_DISTRICTS"]), "tisul"}
    assert urlsplit(upstreams["tisul"]["uri"]).password == NEW_LINK_PASSWORD
    users = {user["name"]: user for user in written["users"]}
    assert password_matches(users["district-tisul"]["password_hash"], NEW_DISTRICT_PASSWORD)


# --- real PostgreSQL and RabbitMQ ------------------------------------------------------


def test_postgres_init_creates_a_private_database_per_service(tmp_path: Path) -> None:
    if not PG_BIN.exists():
        pytest.fail("PostgreSQL 15 is not installed: run deploy/local/install-system-deps.sh")
    cluster = start_postgres(tmp_path, durable=False)
    try:
        passwords = {"registry": "pw-one", "applications": 'it\'s "quoted"'}
        env = {
            **_clean_env(),
            "PGHOST": "127.0.0.1",
            "PGPORT": str(cluster.port),
            "POSTGRES_USER": "postgres",
            "POSTGRES_DB": "postgres",
            "IMC_DATABASES": " ".join(passwords),
            **{f"{name.upper()}_DB_PASSWORD": value for name, value in passwords.items()},
        }
        script = COMPOSE_DIR / "postgres" / "init-databases.sh"
        result = subprocess.run(
            ["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr

        def query(sql: str) -> str:
            return subprocess.run(
                [
                    str(PG_BIN / "psql"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(cluster.port),
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-Atc",
                    sql,
                ],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.strip()

        assert query(
            "SELECT datname, pg_get_userbyid(datdba) FROM pg_database "
            "WHERE datname IN ('registry', 'applications') ORDER BY 1"
        ) == ("applications|applications\nregistry|registry")
        assert query(
            "SELECT rolname, rolpassword IS NOT NULL, rolsuper FROM pg_authid "
            "WHERE rolname IN ('registry', 'applications') ORDER BY 1"
        ) == ("applications|t|f\nregistry|t|f")
        assert query("SELECT has_database_privilege('applications', 'registry', 'CONNECT')") == "f"
        assert query("SELECT has_database_privilege('registry', 'registry', 'CONNECT')") == "t"

        missing = subprocess.run(
            ["bash", str(script)],
            env={**env, "IMC_DATABASES": "scheduling"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert missing.returncode != 0
        assert "SCHEDULING_DB_PASSWORD is not set" in missing.stderr
    finally:
        cluster.stop()


@pytest.fixture
def compose_nodes(tmp_path: Path) -> Iterator[dict[str, RabbitNode]]:
    """A district and a centre node booted with the committed definitions, the compose
    RabbitMQ config (its definitions path aside) and the compose plugin list."""
    if not RABBITMQ_BIN.exists():
        pytest.fail("RabbitMQ is not installed: run deploy/local/install-system-deps.sh")
    conf = (RABBITMQ_DIR / "rabbitmq.conf").read_text()
    conf = "\n".join(line for line in conf.splitlines() if not line.startswith("load_definitions"))
    plugins = re.findall(r"\w+", (RABBITMQ_DIR / "enabled_plugins").read_text())
    nodes: dict[str, RabbitNode] = {}
    try:
        for kind in ("district", "centre"):
            name = f"imc-compose-{kind}-{os.getpid()}"
            management, prometheus = free_ports(2)
            conf_d = tmp_path / name / "conf.d"
            conf_d.mkdir(parents=True)
            (conf_d / "20-imc.conf").write_text(
                f"{conf}\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {management}\n"
                f"prometheus.tcp.ip = 127.0.0.1\nprometheus.tcp.port = {prometheus}\n"
            )
            nodes[kind] = start_rabbit_node(
                name, tmp_path, definitions(kind), plugins=plugins, wait=False
            )
        for node in nodes.values():
            wait_ready(node)
        yield nodes
    finally:
        for node in nodes.values():
            node.stop()


@pytest.mark.timeout(240)
async def test_committed_definitions_boot_a_real_node(
    compose_nodes: dict[str, RabbitNode],
) -> None:
    district, centre = compose_nodes["district"], compose_nodes["centre"]
    district_env, centre_env = example("district"), example("centre")
    for node in (district, centre):
        active = node.ctl("eval", "rabbit_plugins:active().")
        for plugin in (
            "rabbitmq_federation",
            "rabbitmq_federation_management",
            "rabbitmq_management",
        ):
            assert plugin in active
        assert "guest" not in node.ctl("list_users", "--quiet")
        with pytest.raises(aio_pika.exceptions.ProbableAuthenticationError):
            await aio_pika.connect(f"amqp://guest:guest@127.0.0.1:{node.amqp_port}/")
    assert "federation-upstream" in centre.ctl("list_parameters")
    assert f"federation-upstream\t{render.CENTRE_UPSTREAM}\t" in district.ctl("list_parameters")

    logins = [
        (district, SERVICE_USER, district_env["RABBITMQ_SERVICE_PASSWORD"], EVENTS_EXCHANGE),
        (district, LINK_USER, district_env["RABBITMQ_LINK_PASSWORD"], EVENTS_EXCHANGE),
        (centre, SERVICE_USER, centre_env["RABBITMQ_SERVICE_PASSWORD"], EVENTS_EXCHANGE),
        (centre, "district-yaya", district_env["RABBITMQ_CENTRE_PASSWORD"], CENTRE_EXCHANGE),
    ]
    for node, user, password, exchange in logins:
        connection = await aio_pika.connect(node.url(user, password))
        try:
            channel = await connection.channel()
            await channel.get_exchange(exchange, ensure=True)
        finally:
            await connection.close()
    connection = await aio_pika.connect(
        centre.url(SERVICE_USER, centre_env["RABBITMQ_SERVICE_PASSWORD"])
    )
    try:
        channel = await connection.channel()
        await channel.get_exchange(DISTRICTS_EXCHANGE, ensure=True)
    finally:
        await connection.close()


@pytest.mark.timeout(240)
async def test_link_district_adds_and_removes_a_district_live(
    compose_nodes: dict[str, RabbitNode], tmp_path: Path
) -> None:
    """link_district.py's rabbitmqctl commands, run on a real centre node booted from the
    committed definitions (compose's own commands are only recorded)."""
    centre = compose_nodes["centre"]
    prefix = ["docker", "compose"]
    recorded: list[list[str]] = []

    def runner(argv: list[str]) -> str:
        rest = list(argv[len(prefix) :])
        if rest[:4] == ["exec", "-T", "rabbitmq", "rabbitmqctl"]:
            return centre.ctl(*rest[4:])
        recorded.append(rest)
        return ""

    def commands() -> Any:
        return link.Commands(prefix, runner=runner, out=lambda _line: None)

    added = link.render.load_env(centre_env_file(tmp_path, add="tisul"), {})
    output = tmp_path / "centre.definitions.json"
    for _ in range(2):  # again: the account exists, its password is set again
        link.add_district(added, "tisul", commands(), output=output)
    assert recorded == [["up", "-d", *link.RECREATED]] * 2
    assert "federation-upstream\ttisul\t" in centre.ctl("list_parameters")
    assert "imc-federate-districts" in centre.ctl("list_policies")
    topics = centre.ctl("list_user_topic_permissions", "district-tisul")
    assert CENTRE_EXCHANGE in topics
    assert "scheduling\\.event\\.changed\\.v1" in topics
    connection = await aio_pika.connect(centre.url("district-tisul", NEW_DISTRICT_PASSWORD))
    try:
        channel = await connection.channel()
        await channel.get_exchange(CENTRE_EXCHANGE, ensure=True)
    finally:
        await connection.close()

    removed = link.render.load_env(centre_env_file(tmp_path, drop="yaya"), {})
    link.remove_district(removed, "yaya", commands(), output=output)
    parameters = centre.ctl("list_parameters")
    assert "federation-upstream\tyaya\t" not in parameters
    assert "federation-upstream\tmariinsk\t" in parameters
    assert "district-yaya" not in centre.ctl("list_users")
    with pytest.raises(aio_pika.exceptions.ProbableAuthenticationError):
        await aio_pika.connect(
            centre.url("district-yaya", example("district")["RABBITMQ_CENTRE_PASSWORD"])
        )
    written = json.loads(output.read_text())
    assert "yaya" not in {p["name"] for p in written["parameters"]}
    assert "district-yaya" not in {user["name"] for user in written["users"]}
