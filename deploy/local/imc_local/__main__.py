"""``make run``: the demo federation on this machine, no Docker.

Two district instances and the inter-municipal centre, each with a private RabbitMQ
node; every service a process on SQLite; a local mail sink. Data stays under
``var/run``; Ctrl-C stops everything.
"""

import json
import os
import signal
import time
from pathlib import Path

from imc_local import demo, flow
from imc_local.mailbox import start_mailbox
from imc_local.stack import build_stack, start_brokers

BASE = Path("var/run")


def main() -> None:
    """Start, load demo data, print the URLs, wait for Ctrl-C, stop."""
    started = time.monotonic()
    base = BASE.resolve()
    base.mkdir(parents=True, exist_ok=True)
    data = demo.load()
    districts, centre = demo.district_specs(data), demo.centre_spec(data)
    print("Запуск брокеров RabbitMQ (по одному на округ и ММЦ)…", flush=True)
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
    )

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    restarts: dict[str, int] = {}
    try:
        print("Запуск сервисов…", flush=True)
        stack.start_services()
        print("Загрузка демонстрационных данных…", flush=True)
        flow.load_organisations(stack.endpoints(), data)
        endpoints = stack.endpoints()
        (base / "endpoints.json").write_text(
            json.dumps(endpoints, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        _print_urls(endpoints, time.monotonic() - started, controller.port)
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
    print(f"  Адреса записаны в {BASE / 'endpoints.json'}")
    print("\nСценарий «заявка → решение → приказ → письмо → ММЦ»: make flow")
    print("Остановить: Ctrl-C", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("IMC_LOG_JSON", "true")
    main()
