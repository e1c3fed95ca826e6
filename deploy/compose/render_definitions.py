"""Write the RabbitMQ definitions a compose node imports at boot, with your passwords.

    uv run python deploy/compose/render_definitions.py district   # reads ./.env
    uv run python deploy/compose/render_definitions.py centre     # reads deploy/compose/centre.env

A district's file (``rabbitmq/district.definitions.json``) holds the service user
``imc``, the link user ``centre-link`` the centre's federation logs in as (it may bind
only the upward allowlist) and, when ``IMC_CENTRE_UPSTREAM`` is set, the ``centre``
upstream its ``imc.centre`` is federated down from. The centre's
(``rabbitmq/centre.definitions.json``) holds its service user, one federation upstream
per district of ``IMC_DISTRICTS`` with that district's link password, one account
``district-<code>`` per district for its downward link and, optionally, the account
``region-link`` of a regional centre above. Both come from ``imc_local.definitions``,
the same code ``make run`` uses.

Values are read from the env file (``--env-file``), and a variable set in the
environment wins over the file, as with docker compose. Variables:

district  IMC_DISTRICT, RABBITMQ_SERVICE_PASSWORD, RABBITMQ_LINK_PASSWORD; optional
          IMC_CENTRE_UPSTREAM (amqp://<centre host>:<port>, no credentials) with
          RABBITMQ_CENTRE_PASSWORD (this district's password at the centre).
centre    IMC_DISTRICT, RABBITMQ_SERVICE_PASSWORD, IMC_DISTRICTS and, for every district
          code in it (upper case, "-" as "_"), RABBITMQ_LINK_PASSWORD_<CODE> (the
          RABBITMQ_LINK_PASSWORD of that district) and RABBITMQ_DISTRICT_PASSWORD_<CODE>
          (that district's RABBITMQ_CENTRE_PASSWORD); optional RABBITMQ_PARENT_PASSWORD
          (account ``region-link`` for a regional centre above) and, at a regional
          centre, RABBITMQ_CENTRES_BELOW (codes of IMC_DISTRICTS that are centres: their
          upstream pulls ``imc.districts`` with max-hops 2, as ``region-link``).

Passwords are stored as salted hashes, except the passwords in upstream URIs, which
RabbitMQ needs in clear: keep both files private.
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

from imc_contracts.names import CENTRE_EXCHANGE, DISTRICTS_EXCHANGE
from imc_local.definitions import (
    LinkAccount,
    Upstream,
    centre_definitions,
    district_account,
    district_definitions,
    parent_account,
    upstream_uri,
)
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
CENTRE_UPSTREAM = "centre"
"""Name of a district's upstream to its centre (``federation-upstream`` parameter)."""
REGION_USER = "region-link"
"""The account a regional centre's link logs in as at a centre below it."""


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
    return "RABBITMQ_LINK_PASSWORD_" + _suffix(district)


def district_password_variable(district: str) -> str:
    """Name of the variable holding the password of a district's account at the centre
    (the district's ``RABBITMQ_CENTRE_PASSWORD``)."""
    return "RABBITMQ_DISTRICT_PASSWORD_" + _suffix(district)


def render_district(env: Mapping[str, str]) -> dict[str, Any]:
    """Definitions of a district node."""
    district = _code(env, "IMC_DISTRICT")
    return district_definitions(
        district,
        service_user=SERVICE_USER,
        service_password=_password(env, "RABBITMQ_SERVICE_PASSWORD"),
        link_user=LINK_USER,
        link_password=_password(env, "RABBITMQ_LINK_PASSWORD"),
        centre=centre_upstream(env),
    )


def centre_upstream(env: Mapping[str, str]) -> Upstream | None:
    """The district's downward link, when ``IMC_CENTRE_UPSTREAM`` is set: its
    ``imc.centre`` pulls the centre's, logging in there as ``district-<code>``."""
    address = env.get("IMC_CENTRE_UPSTREAM", "").strip()
    if not address:
        return None
    district = _code(env, "IMC_DISTRICT")
    host, port = _address("IMC_CENTRE_UPSTREAM", address, "RABBITMQ_CENTRE_PASSWORD")
    account = district_account(district, _password(env, "RABBITMQ_CENTRE_PASSWORD"))
    uri = upstream_uri(host, port, account.user, account.password)
    return Upstream(CENTRE_UPSTREAM, uri, exchange=CENTRE_EXCHANGE)


def render_centre(env: Mapping[str, str]) -> dict[str, Any]:
    """Definitions of the centre node: an upstream and an account per district of
    ``IMC_DISTRICTS``, and the regional centre's account if it has a password."""
    centre = _code(env, "IMC_DISTRICT")
    upstreams = centre_upstreams(env)
    if not upstreams:
        raise ConfigError("IMC_DISTRICTS names no district")
    return centre_definitions(
        centre,
        service_user=SERVICE_USER,
        service_password=_password(env, "RABBITMQ_SERVICE_PASSWORD"),
        upstreams=upstreams,
        district_accounts=district_accounts(env),
        parent_account=region_account(env),
    )


def centre_upstreams(env: Mapping[str, str]) -> dict[str, Upstream]:
    """District code -> the centre's upstream to it, with the link credentials.

    A district's upstream pulls its ``imc.events`` as ``centre-link``; a centre below a
    regional centre (``RABBITMQ_CENTRES_BELOW``) is pulled from its ``imc.districts``
    as ``region-link``, two hops (its districts, then it)."""
    below = centres_below(env)
    upstreams: dict[str, Upstream] = {}
    for code, address in district_upstreams(env).items():
        variable = link_password_variable(code)
        host, port = _address(f"IMC_DISTRICTS: {code}", address, variable)
        password = _password(env, variable)
        if code in below:
            uri = upstream_uri(host, port, REGION_USER, password)
            upstreams[code] = Upstream(code, uri, exchange=DISTRICTS_EXCHANGE, max_hops=2)
        else:
            upstreams[code] = Upstream(code, upstream_uri(host, port, LINK_USER, password))
    return upstreams


def district_accounts(env: Mapping[str, str]) -> dict[str, LinkAccount]:
    """District code -> its account for the downward link (``district-<code>``).

    ``downstream`` stays empty (any cluster name): a compose district's cluster name is
    ``rabbit@rabbitmq-<code>``, chosen by the district's own stack, so the centre does
    not pin it."""
    below = centres_below(env)
    return {
        code: district_account(code, _password(env, district_password_variable(code)))
        for code in district_upstreams(env)
        if code not in below
    }


def region_account(env: Mapping[str, str]) -> LinkAccount | None:
    """The account of a regional centre above, if ``RABBITMQ_PARENT_PASSWORD`` is set."""
    if not env.get("RABBITMQ_PARENT_PASSWORD", ""):
        return None
    return parent_account(REGION_USER, _password(env, "RABBITMQ_PARENT_PASSWORD"))


def centres_below(env: Mapping[str, str]) -> frozenset[str]:
    """Codes of ``IMC_DISTRICTS`` that are centres (``RABBITMQ_CENTRES_BELOW``)."""
    codes = frozenset(env.get("RABBITMQ_CENTRES_BELOW", "").replace(",", " ").split())
    unknown = codes - set(district_upstreams(env))
    if unknown:
        raise ConfigError(f"RABBITMQ_CENTRES_BELOW: {sorted(unknown)} not in IMC_DISTRICTS")
    return codes


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


def _suffix(code: str) -> str:
    return code.upper().replace("-", "_")


def _address(label: str, upstream: str, password_variable: str) -> tuple[str, int]:
    """Host and port of an upstream written without credentials (``amqp://host:port``)."""
    parts = urlsplit(upstream)
    if parts.scheme != "amqp":
        raise ConfigError(f"{label}: upstream must be amqp://host:port")
    if parts.username or parts.password:
        raise ConfigError(
            f"{label}: the upstream carries no credentials "
            f"(the broker records it without them); set {password_variable} instead"
        )
    try:
        port = parts.port or 5672
    except ValueError:
        port = 0
    if parts.path not in ("", "/") or parts.query or not parts.hostname or not port:
        raise ConfigError(f"{label}: upstream must be amqp://host:port, not {upstream!r}")
    return parts.hostname, port


if __name__ == "__main__":
    sys.exit(main())
