"""Helpers the benchmarks share: percentiles, machine facts, ``var/bench/latest.json``,
and RabbitMQ definitions of one node carrying many district vhosts."""

import copy
import json
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from imc_local.definitions import Definitions, district_definitions

REPO_ROOT = Path(__file__).resolve().parents[3]
LATEST = REPO_ROOT / "var" / "bench" / "latest.json"
# Sections of the definitions format whose items belong to one vhost.
_PER_VHOST = (
    "permissions",
    "topic_permissions",
    "parameters",
    "policies",
    "exchanges",
    "queues",
    "bindings",
)


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and max of ``seconds``, in milliseconds (nearest rank)."""
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(seconds)

    def rank(share: float) -> float:
        index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
        return round(ordered[index] * 1000, 1)

    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def machine_info() -> dict[str, Any]:
    """CPU count and model, memory, Python version: what the figures depend on."""
    model = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        memory_gb = round(int(first[1]) / 1024 / 1024, 1)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": memory_gb,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def merge_latest(key: str, result: dict[str, Any], path: Path = LATEST) -> Path:
    """Store ``result`` under ``key`` in ``path``, keeping the other benchmarks' keys.

    Written to a temporary file and renamed, so a reader never sees half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        current = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        current = {}
    if not isinstance(current, dict):
        current = {}
    current[key] = result
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")
    scratch.replace(path)
    return path


def vhost_upstream_uri(host: str, port: int, user: str, password: str, vhost: str) -> str:
    """AMQP URI of ``vhost`` on ``host:port`` with credentials, as a federation upstream."""
    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
    return f"amqp://{credentials}@{host}:{port}/{quote(vhost, safe='')}"


def vhost_url(port: int, user: str, password: str, vhost: str) -> str:
    """AMQP URL of ``vhost`` on the loopback node at ``port``."""
    return vhost_upstream_uri("127.0.0.1", port, user, password, vhost)


def many_districts_definitions(
    vhosts: Sequence[str],
    *,
    service_user: str,
    service_password: str,
    link_user: str,
    link_password: str,
) -> Definitions:
    """Definitions of one node carrying one district per vhost.

    Each vhost gets exactly what a district node has on ``/`` (``imc.events`` with its
    alternate exchange, the unroutable queue, the link user's narrow permissions); the
    users exist once, the default vhost stays as it is.
    """
    single = district_definitions(
        "many",
        service_user=service_user,
        service_password=service_password,
        link_user=link_user,
        link_password=link_password,
    )
    definitions = copy.deepcopy(single)
    definitions["vhosts"] = [*single["vhosts"], *({"name": vhost} for vhost in vhosts)]
    for vhost in vhosts:
        for section in _PER_VHOST:
            for item in single[section]:
                definitions[section].append({**copy.deepcopy(item), "vhost": vhost})
    return definitions
