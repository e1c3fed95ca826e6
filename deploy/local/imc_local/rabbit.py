"""Private RabbitMQ nodes: own ports, own data, own Erlang cookie, under a given folder.

The node never reads the system's ``/etc/rabbitmq`` files and never touches the
system node on 5672; it only shares the machine's ``epmd``.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from imc_local.ports import free_ports

RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
BOOT_TIMEOUT = 90.0
DEFAULT_PLUGINS: tuple[str, ...] = ("rabbitmq_federation",)


class RabbitBootError(RuntimeError):
    """A RabbitMQ node did not come up; the message ends with the tail of its logs."""


@dataclass
class RabbitNode:
    """A private RabbitMQ node living in ``base_dir / name``."""

    name: str
    amqp_port: int
    dist_port: int
    base_dir: Path
    process: subprocess.Popen[bytes]

    @property
    def node_dir(self) -> Path:
        """Folder holding this node's config, data and logs."""
        return self.base_dir / self.name

    @property
    def nodename(self) -> str:
        """Erlang node name, as given to ``rabbitmqctl -n``."""
        return f"{self.name}@localhost"

    @property
    def host_url(self) -> str:
        """AMQP address of the node without credentials."""
        return f"amqp://127.0.0.1:{self.amqp_port}"

    @property
    def server_log(self) -> Path:
        """File receiving the server's stdout and stderr."""
        return self.node_dir / "server.out"

    def url(self, user: str, password: str) -> str:
        """AMQP URL of the default vhost ``/`` for ``user``."""
        credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
        return f"amqp://{credentials}@127.0.0.1:{self.amqp_port}/"

    def env(self) -> dict[str, str]:
        """Environment for ``rabbitmq-server`` and the CLI tools aimed at this node."""
        return _environment(self.name, self.amqp_port, self.dist_port, self.node_dir)

    def ctl(self, *args: str, timeout: float = 60.0, check: bool = True) -> str:
        """Run ``rabbitmqctl -n NODE ARGS...`` against this node and return its stdout."""
        result = subprocess.run(
            [str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.nodename, *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"rabbitmqctl {' '.join(args)} on {self.nodename} failed "
                f"({result.returncode}): {result.stdout}{result.stderr}"
            )
        return result.stdout

    def is_running(self) -> bool:
        """Whether the server process is still alive."""
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the node gracefully; terminate, then kill it if it does not go."""
        if self.is_running():
            try:
                self.ctl("stop", timeout=30, check=False)
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGTERM)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._signal_group(signal.SIGKILL)
                    self.process.wait(timeout=10)
        self.kill()  # leftovers such as erl_child_setup

    def kill(self) -> None:
        """SIGKILL the whole process group of the node, as in a crash.

        Returns once every process of the group is gone, so its ports are free again.
        """
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _group_pids(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def start_again(self, *, wait: bool = True) -> None:
        """Start the stopped or killed node again with the same ports and data."""
        if self.is_running():
            raise RuntimeError(f"{self.nodename} is still running")
        self.process = _spawn(self.node_dir, self.env())
        if wait:
            wait_ready(self)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server output and of the node's main log."""
        parts = []
        for path in (self.server_log, self.node_dir / "log" / f"{self.nodename}.log"):
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path} ---\n" + "\n".join(tail))
        return "\n".join(parts) or "(no log written)"

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)


def start_rabbit_node(
    name: str,
    base_dir: Path,
    definitions: dict[str, Any],
    *,
    amqp_port: int | None = None,
    plugins: Sequence[str] = DEFAULT_PLUGINS,
    wait: bool = True,
) -> RabbitNode:
    """Write the files of node ``name`` under ``base_dir / name`` and start it.

    ``name`` must be unique on the machine (e.g. ``f"imc-yaya-{os.getpid()}"``): it is
    the Erlang node name registered in the shared epmd. With ``wait`` the call returns
    once the node has fully booted (about 20 s), else call ``wait_ready`` later.
    """
    ports = [port for port in free_ports(3) if port != amqp_port]
    amqp_port = amqp_port or ports.pop()
    node = _launch(name, base_dir, definitions, amqp_port, ports[0], plugins)
    if wait:
        try:
            wait_ready(node)
        except BaseException:
            node.stop()
            raise
    return node


def start_rabbit_nodes(specs: list[tuple[str, dict[str, Any]]], base_dir: Path) -> list[RabbitNode]:
    """Start one node per ``(name, definitions)`` in parallel and wait for all of them."""
    ports = free_ports(2 * len(specs))
    nodes: list[RabbitNode] = []
    try:
        for index, (name, definitions) in enumerate(specs):
            amqp, dist = ports[2 * index], ports[2 * index + 1]
            nodes.append(_launch(name, base_dir, definitions, amqp, dist, DEFAULT_PLUGINS))
        for node in nodes:
            wait_ready(node)
    except BaseException:
        for node in nodes:
            node.stop()
        raise
    return nodes


def wait_ready(node: RabbitNode, timeout: float = BOOT_TIMEOUT) -> None:
    """Block until ``node`` accepts AMQP connections and has finished booting.

    Raises ``RabbitBootError`` with the tail of the node's logs if the server exits or
    does not come up within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        if not node.is_running():
            raise RabbitBootError(
                f"{node.nodename} exited with {node.process.returncode} while booting\n"
                + node.log_tail()
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RabbitBootError(
                f"{node.nodename} did not boot in {timeout} s\n" + node.log_tail()
            )
        # The AMQP listener opens late in the boot; await_startup then confirms the
        # node (not some other listener on the port) has finished booting.
        if _port_open(node.amqp_port) and _booted(node, remaining):
            return
        time.sleep(0.25)


def _booted(node: RabbitNode, timeout: float) -> bool:
    """Whether ``rabbitmqctl await_startup`` succeeds within ``timeout`` seconds."""
    try:
        node.ctl("await_startup", "--timeout", str(max(int(timeout), 1)), timeout=timeout + 10)
    except (RuntimeError, subprocess.TimeoutExpired):
        return False
    return True


def _launch(
    name: str,
    base_dir: Path,
    definitions: dict[str, Any],
    amqp_port: int,
    dist_port: int,
    plugins: Sequence[str],
) -> RabbitNode:
    """Write the node's folder and files, then start its server."""
    node_dir = base_dir / name
    for sub in ("home", "mnesia", "log", "conf.d"):
        (node_dir / sub).mkdir(parents=True, exist_ok=True)
    definitions_file = node_dir / "definitions.json"
    definitions_file.write_text(json.dumps(definitions, indent=2))
    (node_dir / "rabbitmq.conf").write_text(
        "\n".join(
            [
                f"listeners.tcp.default = 127.0.0.1:{amqp_port}",
                "loopback_users = none",
                f"load_definitions = {definitions_file}",
                "log.file.level = warning",
                "log.console = false",
                f"cluster_name = {name}",
                "",
            ]
        )
    )
    (node_dir / "enabled_plugins").write_text(f"[{','.join(plugins)}].\n")
    (node_dir / "rabbitmq-env.conf").write_text("# private node: /etc/rabbitmq is not read\n")
    process = _spawn(node_dir, _environment(name, amqp_port, dist_port, node_dir))
    return RabbitNode(name, amqp_port, dist_port, base_dir, process)


def _environment(name: str, amqp_port: int, dist_port: int, node_dir: Path) -> dict[str, str]:
    """Environment pointing every RabbitMQ setting into ``node_dir``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RABBITMQ_")}
    env.update(
        {
            # The Erlang cookie lives in $HOME: a private HOME gives a private cookie.
            "HOME": str(node_dir / "home"),
            "RABBITMQ_CONF_ENV_FILE": str(node_dir / "rabbitmq-env.conf"),
            "RABBITMQ_NODENAME": f"{name}@localhost",
            "RABBITMQ_NODE_PORT": str(amqp_port),
            "RABBITMQ_DIST_PORT": str(dist_port),
            "RABBITMQ_MNESIA_BASE": str(node_dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(node_dir / "log"),
            # 3.10 accepts the path with or without ".conf"; the full name is clearer.
            "RABBITMQ_CONFIG_FILE": str(node_dir / "rabbitmq.conf"),
            "RABBITMQ_CONFIG_FILES": str(node_dir / "conf.d" / "*.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(node_dir / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(node_dir / "enabled_plugins"),
            "RABBITMQ_MOTD_FILE": str(node_dir / "motd"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }
    )
    return env


def _spawn(node_dir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start ``rabbitmq-server`` in its own session, output appended to ``server.out``."""
    with (node_dir / "server.out").open("ab") as log:
        return subprocess.Popen(
            [str(RABBITMQ_BIN / "rabbitmq-server")],
            env=env,
            cwd=node_dir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _group_pids(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group ``pgid``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state not in ("Z", "X"):
            pids.append(int(entry.name))
    return pids


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
