"""Add or remove a district on a running centre: one settings entry, one command.

    uv run python deploy/compose/link_district.py add <code>
    uv run python deploy/compose/link_district.py remove <code>

First edit ``deploy/compose/centre.env``: to add, put the district into
``IMC_DISTRICTS`` with its ``RABBITMQ_LINK_PASSWORD_<CODE>`` and
``RABBITMQ_DISTRICT_PASSWORD_<CODE>``; to remove, take all three out. Then:

add     1. re-renders ``rabbitmq/centre.definitions.json`` (a reboot keeps the link);
        2. ``docker compose ... up -d federation scheduling analytics resources portal``:
           the aggregator, the centre's scheduling (which takes a district's
           registrations only over its link), analytics and the resource bank are
           recreated with the new ``IMC_DISTRICTS`` and know the district before its
           first message;
        3. creates the district's account ``district-<code>`` live (its downward link);
        4. adds the upstream live (``imc_local.links.add_link``): the link starts at once.
remove  1. clears the upstream live (``imc_local.links.remove_link``; the centre keeps the
           district's history) and deletes the account ``district-<code>``;
        2. re-renders the definitions file;
        3. ``docker compose ... up -d federation scheduling analytics resources portal``
           with the new ``IMC_DISTRICTS``.

The broker is never restarted: ``rabbitmqctl`` runs in its container
(``docker compose ... exec -T rabbitmq rabbitmqctl``). ``--compose`` says how to run
compose (``docker compose`` or ``docker-compose``); ``--dry-run`` prints the commands
(passwords hidden) and changes nothing.
"""

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script or imported by path (tests)
    sys.path.insert(0, str(HERE))

import render_definitions as render  # noqa: E402

from imc_local.definitions import (  # noqa: E402
    LinkAccount,
    district_account,
    link_account_definitions,
)
from imc_local.links import add_link, remove_link  # noqa: E402

COMPOSE_FILE = HERE / "centre.yml"
DEFAULT_ENV_FILE = render.DEFAULT_ENV_FILES["centre"]
DEFAULT_OUTPUT = render.DEFAULT_OUTPUTS["centre"]
RECREATED = ("federation", "scheduling", "analytics", "resources", "portal")
"""Services recreated so that they load the new ``IMC_DISTRICTS`` (and the portal, which
waits for the aggregator)."""
HIDDEN = "********"

Runner = Callable[[Sequence[str]], str]
"""Runs one command (argv) and returns its stdout."""


class LinkError(RuntimeError):
    """A command failed, or the settings do not allow the change."""


@dataclass
class Commands:
    """Runs the compose and ``rabbitmqctl`` commands of one change, or prints them."""

    compose: Sequence[str]
    """The compose command with its ``-f`` and ``--env-file`` options."""
    dry_run: bool = False
    secrets: set[str] = field(default_factory=set)
    """Values never printed (passwords in arguments and upstream URIs)."""
    out: Callable[[str], None] = print
    runner: Runner | None = None
    """Runs a command instead of a subprocess (tests aim ``rabbitmqctl`` at a node)."""

    def run(self, argv: Sequence[str]) -> str:
        """Run ``argv`` (print it in a dry run) and return its stdout."""
        shown = self.hide(shlex.join(argv))
        if self.dry_run:
            self.out(f"$ {shown}")
            return ""
        if self.runner is not None:
            return self.runner(argv)
        result = subprocess.run(list(argv), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise LinkError(f"{shown}: {self.hide(result.stderr or result.stdout).strip()}")
        return result.stdout

    def up(self) -> None:
        """Recreate the services that read ``IMC_DISTRICTS``."""
        self.run([*self.compose, "up", "-d", *RECREATED])

    def ctl(self, *args: str) -> str:
        """``rabbitmqctl ARGS...`` in the centre's broker container."""
        return self.run([*self.compose, "exec", "-T", "rabbitmq", "rabbitmqctl", *args])

    def hide(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, HIDDEN)
        return text


def compose_command(compose: str, env_file: Path) -> list[str]:
    """``docker compose -f deploy/compose/centre.yml --env-file ENV`` (or docker-compose)."""
    return [*shlex.split(compose), "-f", str(COMPOSE_FILE), "--env-file", str(env_file)]


def add_district(
    env: Mapping[str, str], code: str, commands: Commands, *, output: Path = DEFAULT_OUTPUT
) -> None:
    """Link district ``code`` of ``IMC_DISTRICTS``: definitions file, aggregator, live."""
    definitions = render.render_centre(env)  # checks every setting before any change
    upstream = render.centre_upstreams(env).get(code)
    if upstream is None:
        raise LinkError(f"{code} is not in IMC_DISTRICTS: add it there first (with its passwords)")
    account = render.district_accounts(env).get(code)
    commands.secrets.add(env[render.link_password_variable(code)])
    if account is not None:
        commands.secrets.add(account.password)
    _write(definitions, output, commands)
    commands.up()
    if account is not None:
        apply_account(commands.ctl, account)
    add_link(commands.ctl, upstream)


def remove_district(
    env: Mapping[str, str], code: str, commands: Commands, *, output: Path = DEFAULT_OUTPUT
) -> None:
    """Unlink district ``code``, already taken out of ``IMC_DISTRICTS``."""
    if not render.CODE.match(code):
        raise LinkError(f"bad district code {code!r}")
    if code in render.district_upstreams(env):
        raise LinkError(
            f"{code} is still in IMC_DISTRICTS: take it out (and its passwords) first, "
            "or the next boot would link it again"
        )
    definitions = render.render_centre(env)
    remove_link(commands.ctl, code)
    user = account_user(code)
    if commands.dry_run or user in _users(commands.ctl("list_users", "-q")):
        commands.ctl("delete_user", user)
    _write(definitions, output, commands)
    commands.up()


def apply_account(ctl: Callable[..., str], account: LinkAccount) -> None:
    """Create or update ``account`` on the running node, exactly as the definitions file
    has it (user, permissions, topic permissions)."""
    definitions = link_account_definitions(account)
    if account.user in _users(ctl("list_users", "-q")):
        ctl("change_password", account.user, account.password)
    else:
        ctl("add_user", account.user, account.password)
    for permission in definitions["permissions"]:
        ctl(
            "set_permissions",
            "-p",
            permission["vhost"],
            permission["user"],
            permission["configure"],
            permission["write"],
            permission["read"],
        )
    for topic in definitions["topic_permissions"]:
        ctl(
            "set_topic_permissions",
            "-p",
            topic["vhost"],
            topic["user"],
            topic["exchange"],
            topic["write"],
            topic["read"],
        )


def account_user(code: str) -> str:
    """The user of district ``code``'s downward link at the centre."""
    return district_account(code, "").user


def _users(output: str) -> set[str]:
    """User names in ``rabbitmqctl list_users -q`` output (name, tab, tags)."""
    return {line.split("\t")[0].strip() for line in output.splitlines() if line.strip()}


def _write(definitions: Mapping[str, object], output: Path, commands: Commands) -> None:
    if commands.dry_run:
        commands.out(f"# would write {output}")
    else:
        render.write_definitions(definitions, output)
        commands.out(f"wrote {output}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("action", choices=("add", "remove"))
    parser.add_argument("code", help="the district's code (its IMC_DISTRICT)")
    parser.add_argument(
        "--env-file", type=Path, default=DEFAULT_ENV_FILE, help="the centre's env file"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="the definitions file compose mounts"
    )
    parser.add_argument(
        "--compose",
        default="docker compose",
        help='how to run compose: "docker compose" (default) or "docker-compose"',
    )
    parser.add_argument("--dry-run", action="store_true", help="print the commands, change nothing")
    args = parser.parse_args(argv)
    if not args.env_file.exists():
        parser.error(f"{args.env_file} does not exist")
    env = render.load_env(args.env_file, os.environ)
    commands = Commands(compose_command(args.compose, args.env_file), dry_run=args.dry_run)
    try:
        if args.action == "add":
            add_district(env, args.code, commands, output=args.output)
        else:
            remove_district(env, args.code, commands, output=args.output)
    except (render.ConfigError, LinkError) as error:
        print(f"link_district: {error}", file=sys.stderr)
        return 2
    done = "added" if args.action == "add" else "removed (the centre keeps its history)"
    print(f"{'dry run: ' if args.dry_run else ''}district {args.code} {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
