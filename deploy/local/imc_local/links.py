"""Add, remove and list the federation links of a centre's RabbitMQ node, live.

A link is a ``federation-upstream`` parameter named after the district: the centre's
``imc.districts`` pulls that district's ``imc.events`` through it. Adding one takes
effect at once (the policy federates from every upstream); removing one stops the link,
keeps what the centre already holds, and deletes the buffer queue the link left on the
district's node, so the district does not keep filling it.

    uv run python -m imc_local.links add yaya --uri amqp://centre-link:PASS@host:5672 \\
        --ctl "docker compose -f deploy/compose/centre.yml exec -T rabbitmq rabbitmqctl"
    uv run python -m imc_local.links remove yaya --ctl "..."
    uv run python -m imc_local.links list --ctl "..."

``--ctl`` is how to run ``rabbitmqctl`` against the centre's node (default:
``rabbitmqctl``). The centre's aggregator learns a new district from its
``IMC_DISTRICTS`` setting (restart it after editing the setting); the deploy README
gives the whole procedure.
"""

import argparse
import asyncio
import json
import shlex
import subprocess
import sys
from collections.abc import Callable, Sequence

import aio_pika

from imc_contracts.names import DISTRICTS_EXCHANGE, EVENTS_EXCHANGE
from imc_local.definitions import (
    FEDERATION_POLICY,
    VHOST,
    Upstream,
    federation_policy,
    upstream_value,
)

Ctl = Callable[..., str]
"""Runs ``rabbitmqctl ARGS...`` against the centre's node and returns its stdout."""


def add_link(ctl: Ctl, upstream: Upstream) -> None:
    """Create or replace the upstream ``upstream.name`` and make sure the policy that
    federates ``imc.districts`` from every upstream exists."""
    ctl(
        "set_parameter",
        "-p",
        VHOST,
        "federation-upstream",
        upstream.name,
        json.dumps(upstream_value(upstream)),
    )
    policy = federation_policy(
        FEDERATION_POLICY, DISTRICTS_EXCHANGE, {"federation-upstream-set": "all"}
    )
    ctl(
        "set_policy",
        "-p",
        VHOST,
        "--apply-to",
        policy["apply-to"],
        "--priority",
        str(policy["priority"]),
        policy["name"],
        policy["pattern"],
        json.dumps(policy["definition"]),
    )


def remove_link(ctl: Ctl, name: str) -> None:
    """Delete the upstream ``name``: its link stops; the centre's data stays."""
    ctl("clear_parameter", "-p", VHOST, "federation-upstream", name)


def list_links(ctl: Ctl) -> list[dict[str, str]]:
    """Each upstream with its link's status (``running``, ``starting``, ``error``...)."""
    names = [
        line.split("\t")[1]
        for line in ctl("list_parameters", "-p", VHOST, "-q").splitlines()
        if line.startswith("federation-upstream\t")
    ]
    statuses = _statuses(ctl("eval", "rabbit_federation_status:status()."))
    return [{"name": name, "status": statuses.get(name, "not running")} for name in names]


async def drop_buffer(uri: str, centre_cluster: str) -> bool:
    """Delete the buffer queue and exchanges a removed link left on the district's node
    (``uri`` is the link's own URI with its credentials). Returns whether it found any."""
    prefix = f"federation: {EVENTS_EXCHANGE} -> {centre_cluster}:{DISTRICTS_EXCHANGE}"
    connection = await aio_pika.connect(uri)
    found = False
    try:
        for name in (prefix, f"{prefix} A", f"{prefix} B"):
            channel = await connection.channel()
            try:
                if name == prefix:
                    await channel.queue_delete(name)
                else:
                    await channel.exchange_delete(name)
                found = True
            except aio_pika.exceptions.ChannelClosed:
                pass  # not there (a channel error closes the channel, hence one each)
    finally:
        await connection.close()
    return found


def _statuses(output: str) -> dict[str, str]:
    """Upstream name -> status, from ``rabbit_federation_status:status()`` output."""
    statuses: dict[str, str] = {}
    for block in output.split("[{exchange,")[1:]:
        name = _field(block, "upstream")
        status = _field(block, "status")
        if name:
            statuses[name] = status or "unknown"
    return statuses


def _field(block: str, key: str) -> str:
    marker = "{" + key + ","
    if marker not in block:
        return ""
    value = block.split(marker, 1)[1].split("}", 1)[0].strip()
    return value.removeprefix('<<"').removesuffix('">>')


def command_ctl(command: str) -> Ctl:
    """A :data:`Ctl` running ``command`` (split like a shell would) plus the arguments."""
    base = shlex.split(command)

    def ctl(*args: str) -> str:
        result = subprocess.run(
            [*base, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(base + list(args[:3]))}: {result.stderr or result.stdout}"
            )
        return result.stdout

    return ctl


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ctl", default="rabbitmqctl", help="how to run rabbitmqctl")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add or replace a district's link")
    add.add_argument("district", help="the district's code (IMC_DISTRICT)")
    add.add_argument("--uri", required=True, help="amqp://centre-link:PASSWORD@host:port")
    add.add_argument("--exchange", default=EVENTS_EXCHANGE, help="upstream exchange")
    add.add_argument("--max-hops", type=int, default=1, help="2 for a centre below")
    remove = commands.add_parser("remove", help="stop a district's link, keep its data")
    remove.add_argument("district")
    remove.add_argument(
        "--drop-buffer",
        metavar="CENTRE_CLUSTER",
        help="also delete the link's buffer on the district (give the centre node's "
        "cluster name; needs --uri)",
    )
    remove.add_argument("--uri", help="the removed link's URI, for --drop-buffer")
    commands.add_parser("list", help="links and their status")
    args = parser.parse_args(argv)
    ctl = command_ctl(args.ctl)
    if args.command == "add":
        add_link(ctl, Upstream(args.district, args.uri, args.exchange, args.max_hops))
        print(f"link {args.district}: added")
    elif args.command == "remove":
        remove_link(ctl, args.district)
        print(f"link {args.district}: removed (the centre keeps its data)")
        if args.drop_buffer:
            if not args.uri:
                parser.error("--drop-buffer needs --uri")
            found = asyncio.run(drop_buffer(args.uri, args.drop_buffer))
            print("buffer on the district: " + ("deleted" if found else "none found"))
    else:
        for link in list_links(ctl):
            print(f"{link['name']}\t{link['status']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
