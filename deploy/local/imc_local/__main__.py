"""``make run``: the demo federation on this machine, no Docker.

Two district instances and the inter-municipal centre, each with a private RabbitMQ
node; every service a process on SQLite; a local mail sink. Data stays under
``var/run``, the key pairs every service trusts in ``var/run/keys.json`` (kept across
restarts, so are the portal's sessions); the demo accounts are loaded into each portal
once the demo data is registered. Ctrl-C stops everything.
"""

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from imc_local import demo, flow
from imc_local.accounts import load_accounts
from imc_local.keys import StackKeys
from imc_local.mailbox import start_mailbox
from imc_local.stack import build_stack, start_brokers
from imc_shared.auth import ROLE_TITLES, Role

BASE = Path("var/run")


def main() -> None:
    """Start, load demo data, print the URLs, wait for Ctrl-C, stop."""
    started = time.monotonic()
    base = BASE.resolve()
    base.mkdir(parents=True, exist_ok=True)
    data = demo.load()
    districts, centre = demo.district_specs(data), demo.centre_spec(data)
    print("Запуск брокеров RabbitMQ (по одному на округ и ММЦ)…", flush=True)
    keys = StackKeys.load_or_create(base / "keys.json")
    nodes, passwords = start_brokers(base, districts, centre, unique="run")
    controller, _ = start_mailbox(base / "mail")
    stack = build_stack(
        base_dir=base,
        districts=districts,
        centre=centre,
        nodes=nodes,
        passwords=passwords,
        database_url=lambda code, service: f"sqlite+aiosqlite:///{base}/data/{code}/{service}.db",
        smtp=("127.0.0.1", controller.port),
        keys=keys,
    )

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    restarts: dict[str, int] = {}
    try:
        print("Запуск сервисов…", flush=True)
        stack.start_services()
        print("Загрузка демонстрационных данных…", flush=True)
        registered = flow.load_organisations(stack.endpoints(), data, stack.auth)
        loaded = load_accounts(stack, data, registered)
        endpoints = stack.endpoints()
        (base / "endpoints.json").write_text(
            json.dumps(endpoints, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        _print_urls(endpoints, time.monotonic() - started, controller.port)
        _print_accounts(endpoints, data, loaded)
        _print_footer()
        while True:
            time.sleep(1)
            for instance in stack.instances:
                for process in instance.services.values():
                    if process.is_running() or restarts.get(process.name, 0) >= 3:
                        continue
                    restarts[process.name] = restarts.get(process.name, 0) + 1
                    print(
                        f"Сервис {process.name} остановился, перезапускаю; "
                        f"журнал: {process.log_path}",
                        flush=True,
                    )
                    process.start()
    except KeyboardInterrupt:
        print("\nОстановка…", flush=True)
    finally:
        # Ctrl-C reaches this process twice (the terminal and `uv run`); finish stopping.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        controller.stop()


def _print_accounts(
    endpoints: dict[str, dict[str, Any]], data: dict[str, Any], loaded: dict[str, bool]
) -> None:
    print(f"\nВход на порталы (пароль у всех учётных записей: {demo.password(data)}):")
    for instance in demo.instances(data):
        code = instance["code"]
        portal = endpoints[code]["services"]["portal"]
        state = "" if loaded.get(code) else " — НЕ ЗАГРУЖЕНЫ, см. сообщение выше"
        print(f"\n  {endpoints[code]['name']}: {portal}{state}")
        for account in instance["accounts"]:
            title = ROLE_TITLES[Role(account["role"])]
            who = account.get("name") or account["person"]
            print(f"    {account['login']:<26} {title} ({who})")
    print("", flush=True)


def _print_urls(endpoints: dict[str, dict[str, object]], seconds: float, smtp: int) -> None:
    print(f"\nСистема запущена за {seconds:.0f} с. Адреса:")
    for code, instance in endpoints.items():
        services = instance["services"]
        assert isinstance(services, dict)
        print(f"\n  {instance['name']} ({code}):")
        print(f"    портал: {services['portal']}")
        for name, url in services.items():
            if name != "portal":
                print(f"    {name}: {url}  (API: {url}/schema)")
    print(f"\n  Почта (SMTP 127.0.0.1:{smtp}) сохраняется в var/run/mail/")
    print(f"  Адреса записаны в {BASE / 'endpoints.json'}", flush=True)


def _print_footer() -> None:
    print("Сценарий «заявка → решение → приказ → письмо → ММЦ»: make flow")
    print("Остановить: Ctrl-C", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("IMC_LOG_JSON", "true")
    main()
