"""Write the RabbitMQ definitions a compose node imports at boot, with your passwords.

    uv run python deploy/compose/render_definitions.py district   # reads ./.env
    uv run python deploy/compose/render_definitions.py centre     # reads deploy/compose/centre.env

A district's file (``rabbitmq/district.definitions.json``) holds the service user
``imc`` and the link user ``centre-link`` the centre's federation logs in as; the
centre's (``rabbitmq/centre.definitions.json``) holds its service user and one
federation upstream per district of ``IMC_DISTRICTS``, with that district's link
password. Both come from ``imc_local.definitions``, the same code ``make run`` uses.

Values are read from the env file (``--env-file``), and a variable set in the
environment wins over the file, as with docker compose. Variables:

district  IMC_DISTRICT, RABBITMQ_SERVICE_PASSWORD, RABBITMQ_LINK_PASSWORD
centre    IMC_DISTRICT, RABBITMQ_SERVICE_PASSWORD, IMC_DISTRICTS and, for every district
          code in it, RABBITMQ_LINK_PASSWORD_<CODE> (upper case, "-" as "_"): the
          RABBITMQ_LINK_PASSWORD of that district.

Passwords are stored as salted hashes, except the link passwords in the centre's
upstream URIs, which RabbitMQ needs in clear: keep the centre's file private.
"""

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from imc_local.definitions import centre_definitions, district_definitions, upstream_uri
from imc_local.stack import LINK_USER, SERVICE_USER

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
KINDS = ("district", "centre")
DEFAULT_ENV_FILES = {"district": ROOT / ".env", "centre": HERE / "centre.env"}
DEFAULT_OUTPUTS = {kind: HERE / "rabbitmq" / f"{kind}.definitions.json" for kind in KINDS}
CODE = re.compile(r"^[a-z][a-z0-9-]*$")
# Passwords go into URLs (IMC_BROKER_URL, IMC_DATABASE_URL, upstream URIs) unquoted.
URL_SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")
DEMO_PREFIX = "demo-"


class ConfigError(ValueError):
    """The env file or the environment lacks a value, or holds a bad one."""


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines of a compose ``.env`` file; ``#`` comments, optional quotes."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise ConfigError(f"{path}:{number}: not a KEY=VALUE line")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def load_env(env_file: Path | None, environ: Mapping[str, str]) -> dict[str, str]:
    """The env file's values (if there is one), overridden by ``environ``."""
    values = read_env_file(env_file) if env_file is not None and env_file.exists() else {}
    return {**values, **environ}


def link_password_variable(district: str) -> str:
    """Name of the variable holding a district's link password at the centre."""
    return "RABBITMQ_LINK_PASSWORD_" + district.upper().replace("-", "_")


def render_district(env: Mapping[str, str]) -> dict[str, Any]:
    """Definitions of a district node."""
    district = _code(env, "IMC_DISTRICT")
    return district_definitions(
        district,
        service_user=SERVICE_USER,
        service_password=_password(env, "RABBITMQ_SERVICE_PASSWORD"),
        link_user=LINK_USER,
        link_password=_password(env, "RABBITMQ_LINK_PASSWORD"),
    )


def render_centre(env: Mapping[str, str]) -> dict[str, Any]:
    """Definitions of the centre node: an upstream per district of ``IMC_DISTRICTS``."""
    centre = _code(env, "IMC_DISTRICT")
    upstreams = {
        code: _link_uri(code, upstream, _password(env, link_password_variable(code)))
        for code, upstream in district_upstreams(env).items()
    }
    if not upstreams:
        raise ConfigError("IMC_DISTRICTS names no district")
    return centre_definitions(
        centre,
        service_user=SERVICE_USER,
        service_password=_password(env, "RABBITMQ_SERVICE_PASSWORD"),
        upstreams=upstreams,
    )


def district_upstreams(env: Mapping[str, str]) -> dict[str, str]:
    """District code -> upstream URI without credentials, from ``IMC_DISTRICTS``."""
    raw = _required(env, "IMC_DISTRICTS")
    try:
        districts = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"IMC_DISTRICTS is not JSON: {error}") from error
    if not isinstance(districts, dict):
        raise ConfigError('IMC_DISTRICTS must be a JSON object {"<code>": {...}}')
    upstreams: dict[str, str] = {}
    for code, district in districts.items():
        if not CODE.match(code):
            raise ConfigError(f"IMC_DISTRICTS: bad district code {code!r}")
        if not isinstance(district, dict) or not isinstance(district.get("upstream"), str):
            raise ConfigError(f'IMC_DISTRICTS: {code} needs "name" and "upstream"')
        upstreams[code] = district["upstream"]
    return upstreams


def render(kind: str, env: Mapping[str, str]) -> dict[str, Any]:
    """Definitions of a ``district`` or ``centre`` node."""
    return render_district(env) if kind == "district" else render_centre(env)


def write_definitions(definitions: Mapping[str, Any], output: Path) -> None:
    """Write ``definitions`` as JSON, replacing ``output`` in one step."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_text(
        json.dumps(definitions, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    # The broker in the container runs as another user (uid 999) and must read it.
    partial.chmod(0o644)
    os.replace(partial, output)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("kind", choices=KINDS, help="which node's definitions to write")
    parser.add_argument(
        "--env-file",
        type=Path,
        help="file with the variables (default: .env for a district, "
        "deploy/compose/centre.env for the centre)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write (default: deploy/compose/rabbitmq/<kind>."
        "definitions.json, the file compose mounts)",
    )
    args = parser.parse_args(argv)
    env_file = args.env_file or DEFAULT_ENV_FILES[args.kind]
    if args.env_file is not None and not env_file.exists():
        parser.error(f"{env_file} does not exist")
    output = args.output or DEFAULT_OUTPUTS[args.kind]
    env = load_env(env_file, os.environ)
    try:
        definitions = render(args.kind, env)
    except ConfigError as error:
        print(f"render_definitions: {error}", file=sys.stderr)
        return 2
    write_definitions(definitions, output)
    demo = sorted(
        key for key, value in env.items() if "PASSWORD" in key and value.startswith(DEMO_PREFIX)
    )
    if demo:
        print(
            f"warning: demo passwords in {', '.join(demo)}: replace them before real use",
            file=sys.stderr,
        )
    print(
        f"wrote {output} ({args.kind} {env['IMC_DISTRICT']}, "
        f"{len(definitions['users'])} users, {len(definitions['parameters'])} upstreams)"
    )
    return 0


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if not value:
        raise ConfigError(f"{name} is not set (env file or environment)")
    return value


def _code(env: Mapping[str, str], name: str) -> str:
    value = _required(env, name)
    if not CODE.match(value):
        raise ConfigError(f"{name}={value!r}: use lowercase latin letters, digits and '-'")
    return value


def _password(env: Mapping[str, str], name: str) -> str:
    value = _required(env, name)
    if not URL_SAFE.match(value):
        raise ConfigError(
            f"{name}: use only letters, digits and - _ . ~ "
            "(it goes into URLs unquoted), e.g. `openssl rand -hex 24`"
        )
    return value


def _link_uri(code: str, upstream: str, password: str) -> str:
    """The upstream URI with the link user's credentials, as the centre's node uses it."""
    parts = urlsplit(upstream)
    if parts.scheme != "amqp":
        raise ConfigError(f"IMC_DISTRICTS: {code}: upstream must be amqp://host:port")
    if parts.username or parts.password:
        raise ConfigError(
            f"IMC_DISTRICTS: {code}: the upstream carries no credentials "
            f"(the broker records it without them); set "
            f"{link_password_variable(code)} instead"
        )
    try:
        port = parts.port or 5672
    except ValueError:
        port = 0
    if parts.path not in ("", "/") or parts.query or not parts.hostname or not port:
        raise ConfigError(
            f"IMC_DISTRICTS: {code}: upstream must be amqp://host:port, not {upstream!r}"
        )
    return upstream_uri(parts.hostname, port, LINK_USER, password)


if __name__ == "__main__":
    sys.exit(main())
