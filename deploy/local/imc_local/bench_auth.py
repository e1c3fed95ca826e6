"""What checking a token costs a service: the same handler behind the token check and
open under ``/public/``, in one app, one process, called in turns.

``python -m imc_local.bench_auth [requests]`` prints requests per second of each, their
ratio, and how many tokens per second one core signs and verifies (the portal signs one
per backend call; every service verifies one per request).
"""

import asyncio
import sys
import time
from typing import Any

import httpx
from litestar import get

from imc_shared import testing
from imc_shared.auth import Role, TokenVerifier
from imc_shared.http import create_http_app
from imc_shared.settings import ServiceSettings

DISTRICT = "yaya"


@get("/sites")
async def guarded() -> list[dict[str, Any]]:
    return [{"id": n, "title": "Опорная методическая площадка"} for n in range(20)]


@get("/public/sites")
async def open_() -> list[dict[str, Any]]:
    return [{"id": n, "title": "Опорная методическая площадка"} for n in range(20)]


async def _rate(client: httpx.AsyncClient, path: str, requests: int, **kwargs: Any) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = await client.get(path, **kwargs)
        assert response.status_code == 200, response.text
    return requests / (time.perf_counter() - started)


async def measure(requests: int) -> dict[str, float]:
    keys = testing.auth_settings()
    settings = ServiceSettings(
        service="bench",
        district=DISTRICT,
        auth_public_keys=keys["auth_public_keys"],
        auth_signing_key=keys["auth_signing_key"],
    )
    app = create_http_app([guarded, open_], settings=settings, title="bench")
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    # one token for the whole run: this measures the service's check, not the portal's
    # signing (measured apart below)
    headers = testing.bearer(DISTRICT, Role.METHODIST)
    rates: dict[str, list[float]] = {"open": [], "token": []}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await _rate(client, "/public/sites", 50)  # warm up both paths
        await _rate(client, "/sites", 50, headers=headers)
        for _ in range(3):  # in turns, so drift of the machine hits both alike
            rates["open"].append(await _rate(client, "/public/sites", requests))
            rates["token"].append(await _rate(client, "/sites", requests, headers=headers))
    verifier = TokenVerifier(testing.public_keys())
    started = time.perf_counter()
    tokens = [testing.token(DISTRICT, Role.METHODIST) for _ in range(requests)]
    signed = requests / (time.perf_counter() - started)
    started = time.perf_counter()
    for token in tokens:
        verifier.verify(token)
    verified = requests / (time.perf_counter() - started)
    return {
        "open_rps": max(rates["open"]),
        "token_rps": max(rates["token"]),
        "sign_per_s": signed,
        "verify_per_s": verified,
    }


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    result = asyncio.run(measure(requests))
    ratio = result["open_rps"] / result["token_rps"]
    print(f"Проверка токена, {requests} запросов к одному приложению (ASGI, без сети):")
    print(f"  открытый путь /public:   {result['open_rps']:8.0f} запросов/с (база)")
    print(f"  с токеном (EdDSA):       {result['token_rps']:8.0f} запросов/с")
    print(f"  отношение времени:       {ratio:8.2f}×")
    print(f"  подпись токена:          {result['sign_per_s']:8.0f} в секунду")
    print(f"  проверка токена:         {result['verify_per_s']:8.0f} в секунду")


if __name__ == "__main__":
    main()
