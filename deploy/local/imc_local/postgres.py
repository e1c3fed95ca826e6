"""Private PostgreSQL 15 clusters on a free loopback port, under a given folder.

As root, ``initdb`` and the server run as the ``postgres`` user, which then owns the
cluster folder; the folders above it get ``o+x`` so that user can reach it.
"""

import os
import pwd
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from imc_local.ports import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"


class PostgresError(RuntimeError):
    """A PostgreSQL command failed; the message carries its output."""


@dataclass
class PostgresCluster:
    """A private PostgreSQL cluster: data in ``data_dir``, TCP on 127.0.0.1:``port``."""

    data_dir: Path
    port: int
    socket_dir: Path

    @property
    def log_file(self) -> Path:
        """Server log written by ``pg_ctl``."""
        return self.data_dir.parent / "server.log"

    def url(self, database: str) -> str:
        """SQLAlchemy URL (asyncpg driver) of ``database`` for the ``postgres`` superuser."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        """Create database ``name`` (owned by ``postgres``)."""
        _run([str(PG_BIN / "createdb"), *self._client_args(), name], as_server_user=False)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` (nobody may be connected to it)."""
        _run([str(PG_BIN / "dropdb"), *self._client_args(), name], as_server_user=False)

    def stop(self) -> None:
        """Stop the server with a fast shutdown; does nothing if it is not running."""
        if self.is_running():
            self._pg_ctl("stop", "-m", "fast", "-w")

    def kill(self) -> None:
        """SIGKILL the postmaster and all its children, as in a crash."""
        pid = self._postmaster_pid()
        if pid is None:
            return
        victims = [pid, *_children(pid)]
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 30
        # Wait until they are reaped too: a zombie postmaster still "owns" postmaster.pid.
        while any(_exists(victim) for victim in victims) and time.monotonic() < deadline:
            time.sleep(0.05)

    def start_again(self) -> None:
        """Start the stopped or killed server again with the same data and port.

        ``pg_ctl -w`` has been seen to give up on a loaded machine although the log says
        the server is ready; the server's own answer (``pg_isready``) is the last word.
        """
        try:
            self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log_file))
        except PostgresError:
            if not self.wait_ready(timeout=30):
                raise

    def wait_ready(self, timeout: float) -> bool:
        """Whether the server accepts connections within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = subprocess.run(
                [str(PG_BIN / "pg_isready"), *self._client_args()],
                capture_output=True,
                check=False,
                timeout=10,
            )
            if probe.returncode == 0:
                return True
            time.sleep(0.2)
        return False

    def is_running(self) -> bool:
        """Whether the postmaster recorded in ``postmaster.pid`` is alive."""
        pid = self._postmaster_pid()
        return pid is not None and _alive(pid)

    def _pg_ctl(self, *args: str) -> None:
        _run([str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), *args], as_server_user=True)

    def _client_args(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]

    def _postmaster_pid(self) -> int | None:
        try:
            first_line = (self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
        except OSError:
            return None
        return int(first_line) if first_line.strip().isdigit() else None


def start_postgres(
    base_dir: Path, *, port: int | None = None, durable: bool = True
) -> PostgresCluster:
    """Create a cluster in ``base_dir / "postgres"`` and start it; return once it accepts
    connections.

    Authentication is ``trust`` for the ``postgres`` superuser; the server listens only
    on 127.0.0.1. ``durable=False`` turns off fsync and friends (for tests).
    """
    cluster_dir = base_dir / "postgres"
    data_dir = cluster_dir / "data"
    socket_dir = cluster_dir / "socket"
    socket_dir.mkdir(parents=True, exist_ok=True)
    if _as_root():
        _let_server_user_in(cluster_dir)
    _initdb(data_dir, durable=durable)
    cluster = PostgresCluster(data_dir, port or free_port(), socket_dir)
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(cluster.port),
        "unix_socket_directories": f"'{socket_dir}'",
        "max_connections": "200",
    }
    if not durable:
        settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
    with (data_dir / "postgresql.conf").open("a") as conf:
        conf.write("\n# imc_local\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    cluster.start_again()
    return cluster


def _initdb(data_dir: Path, *, durable: bool) -> None:
    """Run ``initdb``, falling back to the C locale when C.UTF-8 is missing."""
    base = [str(PG_BIN / "initdb"), "-D", str(data_dir), "-U", "postgres"]
    base += ["--auth=trust", "-E", "UTF8"]
    if not durable:
        base.append("--no-sync")
    try:
        _run([*base, "--locale=C.UTF-8"], as_server_user=True)
    except PostgresError:
        _run(["rm", "-rf", str(data_dir)], as_server_user=False)
        _run([*base, "--locale=C"], as_server_user=True)


def _run(command: list[str], *, as_server_user: bool) -> str:
    """Run ``command`` (as the ``postgres`` user when root and asked) and return stdout."""
    if as_server_user and _as_root():
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    result = subprocess.run(
        command, cwd="/", capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise PostgresError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def _as_root() -> bool:
    return os.geteuid() == 0


def _let_server_user_in(cluster_dir: Path) -> None:
    """Give ``cluster_dir`` to the server user and let it traverse the folders above."""
    server = pwd.getpwnam(SERVER_USER)
    for path in [cluster_dir, *cluster_dir.iterdir()]:
        os.chown(path, server.pw_uid, server.pw_gid)
    for parent in cluster_dir.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


def _exists(pid: int) -> bool:
    """Whether ``pid`` is still in the process table, zombie or not."""
    return Path(f"/proc/{pid}").exists()


def _alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
