"""New key pairs for one instance: the portal's and the services'.

    uv run python deploy/compose/auth_keys.py                  # print the three lines
    uv run python deploy/compose/auth_keys.py --write .env     # put them into .env
    uv run python deploy/compose/auth_keys.py --write deploy/compose/centre.env

Every service of an instance checks a token on every request (``imc_shared.auth``):
the portal signs people's tokens with its key, the services sign their calls to each
other with theirs, and every service trusts both public keys. Compose reads

AUTH_PORTAL_SIGNING_KEY   the portal's private key (the portal's IMC_AUTH_SIGNING_KEY)
AUTH_SERVICE_SIGNING_KEY  the services' private key (every other service's
                          IMC_AUTH_SIGNING_KEY)
IMC_AUTH_PUBLIC_KEYS      both public keys, ``portal:<key>,service:<key>``

``--write FILE`` replaces these three lines of the env file in place (and appends the
ones it lacks); everything else in the file stays as it is. New keys end every signed-in
session: run ``docker compose up -d`` afterwards so that every service takes them.
Keep the private keys as secret as the passwords: whoever holds the portal's may act as
anyone. ``python -m imc_shared.auth keygen <portal|service>`` prints one pair alone.
"""

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from imc_shared.auth import (
    PORTAL_KEY_ID,
    SERVICE_KEY_ID,
    TokenSigner,
    TokenVerifier,
    generate_keypair,
    parse_public_keys,
)

PORTAL_SIGNING = "AUTH_PORTAL_SIGNING_KEY"
SERVICE_SIGNING = "AUTH_SERVICE_SIGNING_KEY"
PUBLIC_KEYS = "IMC_AUTH_PUBLIC_KEYS"
VARIABLES = (PORTAL_SIGNING, SERVICE_SIGNING, PUBLIC_KEYS)


class KeysError(ValueError):
    """The keys of an env file do not fit together."""


def new_keys() -> dict[str, str]:
    """The three values for a new instance (or new keys for one)."""
    portal_signing, portal_public = generate_keypair(PORTAL_KEY_ID)
    service_signing, service_public = generate_keypair(SERVICE_KEY_ID)
    return {
        PORTAL_SIGNING: portal_signing,
        SERVICE_SIGNING: service_signing,
        PUBLIC_KEYS: f"{portal_public},{service_public}",
    }


def check(values: dict[str, str]) -> None:
    """Both signing keys have their key id and their public keys are the trusted ones:
    a token each signs is accepted by every service."""
    missing = [name for name in VARIABLES if not values.get(name)]
    if missing:
        raise KeysError(f"not set: {', '.join(missing)}")
    try:
        public = parse_public_keys(values[PUBLIC_KEYS])
        verifier = TokenVerifier(public)
        for name, kid in ((PORTAL_SIGNING, PORTAL_KEY_ID), (SERVICE_SIGNING, SERVICE_KEY_ID)):
            signer = TokenSigner(values[name])
            if signer.kid != kid:
                raise KeysError(f"{name} has the key id {signer.kid!r}, not {kid!r}")
            verifier.verify(signer.service_token("check", "check"))
    except KeysError:
        raise
    except Exception as error:
        raise KeysError(f"{PUBLIC_KEYS} does not hold the public key of each: {error}") from error
    if set(public) != {PORTAL_KEY_ID, SERVICE_KEY_ID}:
        raise KeysError(f"{PUBLIC_KEYS} must name exactly the keys portal and service")


def write(path: Path, values: dict[str, str]) -> None:
    """Replace the variables' lines of the env file ``path`` (append the missing ones)."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    seen: set[str] = set()
    for number, line in enumerate(lines):
        match = re.match(r"^\s*([A-Z_][A-Z0-9_]*)\s*=", line)
        if match and match.group(1) in values:
            name = match.group(1)
            lines[number] = f"{name}={values[name]}"
            seen.add(name)
    lines += [f"{name}={values[name]}" for name in VARIABLES if name not in seen]
    scratch = path.with_name(path.name + ".tmp")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    if path.exists():
        os.chmod(scratch, path.stat().st_mode & 0o777)
    scratch.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, metavar="ENV_FILE", help="update this env file")
    args = parser.parse_args(argv)
    values = new_keys()
    check(values)
    if args.write is None:
        for name in VARIABLES:
            print(f"{name}={values[name]}")
        return 0
    write(args.write, values)
    print(f"{args.write}: new {', '.join(VARIABLES)}; now `docker compose up -d`", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
