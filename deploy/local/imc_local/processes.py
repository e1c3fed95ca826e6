"""Service processes: start one with its environment, wait until ready, stop or kill it."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class ServiceStartError(RuntimeError):
    """A service did not become ready; the message holds its log tail."""


class ServiceCommandError(RuntimeError):
    """A service's command-line tool failed; the message holds its output."""


@dataclass
class ServiceProcess:
    """One service of one instance, run as ``python -m <module>``."""

    instance: str
    service: str
    module: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """``<instance>/<service>``."""
        return f"{self.instance}/{self.service}"

    @property
    def url(self) -> str:
        """Base URL of its HTTP API."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the process; its output goes to ``log_path``."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def run_command(self, module: str, *args: str, timeout: float = 120.0) -> str:
        """Run ``python -m <module> <args>`` once with this service's environment (a CLI
        of the service, e.g. loading accounts); its output, or an error with it."""
        result = subprocess.run(
            [sys.executable, "-m", module, *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise ServiceCommandError(
                f"{self.name}: python -m {module} {' '.join(args)} exited with "
                f"{result.returncode}:\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    def is_running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Poll ``/ready`` until it answers 200; fail early if the process dies.

        ``/ready`` is one of the paths every service answers without a token."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.is_running():
                raise ServiceStartError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                response = httpx.get(f"{self.url}/ready", timeout=2.0)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as error:
                last = str(error)
            time.sleep(0.3)
        raise ServiceStartError(
            f"{self.name} not ready in {timeout:.0f} s ({last}):\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if not self.is_running():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the service's log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
