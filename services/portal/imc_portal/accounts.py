"""``python -m imc_portal.accounts``: manage the portal's accounts from the command line.

- ``create --login L --role R --name N [--organisation-id ID] [--person-id ID]
  [--password-file F]``: a new account; the password comes from the file, else from
  standard input (asked twice on a terminal).
- ``load FILE.json``: create or update (by login) every account of a JSON list of
  ``{"login", "password", "role", "name", "organisation_id"?, "person_id"?}``.
- ``disable --login L``: switch an account off and end its sessions.

The database (``IMC_DATABASE_URL``) is migrated first; accounts belong to the instance
``IMC_DISTRICT``.
"""

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from argon2 import PasswordHasher

from imc_portal.app import MIGRATIONS
from imc_portal.services.accounts import (
    AccountData,
    check_password,
    create_account,
    disable_account,
    make_hasher,
    upsert_account,
)
from imc_shared.auth import ROLE_TITLES, Role
from imc_shared.db import Database, migrate
from imc_shared.errors import DomainError, InvalidInput
from imc_shared.settings import ServiceSettings, SettingsError, load_settings


def _uuid(value: str | None, field: str) -> UUID | None:
    if value is None or value == "":
        return None
    try:
        return UUID(str(value))
    except ValueError as error:
        raise InvalidInput(f"«{value}» — не идентификатор (UUID).", field=field) from error


def read_password(password_file: str | None, stdin: TextIO) -> str:
    """The password from a file (its first line) or from standard input."""
    if password_file:
        text = Path(password_file).read_text(encoding="utf-8")
        return text.splitlines()[0] if text else ""
    if stdin.isatty():
        first = getpass.getpass("Пароль: ")
        if first != getpass.getpass("Пароль ещё раз: "):
            raise InvalidInput("Пароли не совпадают.", field="password")
        return first
    line = stdin.readline()
    return line.rstrip("\r\n")


def entry_data(entry: Any, number: int) -> tuple[AccountData, str]:
    """One entry of a load file, checked."""
    if not isinstance(entry, dict):
        raise InvalidInput(f"Запись № {number}: ожидался объект JSON.")
    missing = [k for k in ("login", "password", "role", "name") if not entry.get(k)]
    if missing:
        raise InvalidInput(f"Запись № {number}: не заполнены поля {', '.join(missing)}.")
    try:
        data = AccountData.checked(
            login=str(entry["login"]),
            full_name=str(entry["name"]),
            role=str(entry["role"]),
            organisation_id=_uuid(entry.get("organisation_id"), "organisation_id"),
            person_id=_uuid(entry.get("person_id"), "person_id"),
        )
        check_password(str(entry["password"]))
    except InvalidInput as error:
        raise InvalidInput(f"Запись № {number} ({entry.get('login')}): {error.message}") from error
    return data, str(entry["password"])


def read_entries(path: str) -> list[tuple[AccountData, str]]:
    """The accounts of a load file, every one checked before any is written."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InvalidInput(f"Не удалось прочитать файл {path}: {error}") from error
    if not isinstance(entries, list):
        raise InvalidInput("Файл должен содержать список учётных записей (JSON-массив).")
    return [entry_data(entry, n) for n, entry in enumerate(entries, start=1)]


async def run(
    args: argparse.Namespace,
    settings: ServiceSettings,
    *,
    hasher: PasswordHasher,
    password: str = "",
    checked: Sequence[tuple[AccountData, str]] = (),
    out: TextIO,
) -> None:
    """Carry out one command against the migrated database (inputs already read)."""
    await migrate(settings.database_url, MIGRATIONS)
    database = Database(settings.database_url)
    try:
        if args.command == "create":
            data = AccountData.checked(
                login=args.login,
                full_name=args.name,
                role=args.role,
                organisation_id=_uuid(args.organisation_id, "organisation_id"),
                person_id=_uuid(args.person_id, "person_id"),
            )
            account = await create_account(
                database, data, password, district=settings.district, hasher=hasher
            )
            print(
                f"Создана учётная запись «{account.login}» ({ROLE_TITLES[Role(account.role)]}, "
                f"{account.full_name}), id {account.id}.",
                file=out,
            )
        elif args.command == "load":
            created = updated = 0
            for data, password in checked:
                _, new = await upsert_account(
                    database, data, password, district=settings.district, hasher=hasher
                )
                created, updated = created + new, updated + (not new)
            print(f"Учётные записи загружены: создано {created}, обновлено {updated}.", file=out)
        elif args.command == "disable":
            account = await disable_account(database, args.login)
            print(f"Учётная запись «{account.login}» отключена, её сеансы завершены.", file=out)
    finally:
        await database.dispose()


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m imc_portal.accounts", description="Учётные записи портала."
    )
    commands = main.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="создать учётную запись")
    create.add_argument("--login", required=True)
    create.add_argument(
        "--role", required=True, help=", ".join(r.value for r in Role if r is not Role.SERVICE)
    )
    create.add_argument("--name", required=True, help="фамилия, имя, отчество")
    create.add_argument("--organisation-id")
    create.add_argument("--person-id")
    create.add_argument("--password-file", help="файл с паролем (иначе — стандартный ввод)")
    load = commands.add_parser("load", help="загрузить учётные записи из JSON")
    load.add_argument("file")
    disable = commands.add_parser("disable", help="отключить учётную запись")
    disable.add_argument("--login", required=True)
    return main


def main(
    argv: Sequence[str] | None = None,
    *,
    env: dict[str, str] | None = None,
    hasher: PasswordHasher | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command line; 0 on success, 1 when refused, 2 on a usage error."""
    args = parser().parse_args(argv)
    err = err or sys.stderr
    try:
        settings = load_settings(ServiceSettings, "portal", env)
    except SettingsError as error:
        print(f"Ошибка настроек: {error}", file=err)
        return 2
    try:
        password = (
            read_password(args.password_file, stdin or sys.stdin)
            if args.command == "create"
            else ""
        )
        checked = read_entries(args.file) if args.command == "load" else []
        asyncio.run(
            run(
                args,
                settings,
                hasher=hasher or make_hasher(),
                password=password,
                checked=checked,
                out=out or sys.stdout,
            )
        )
    except DomainError as error:
        print(f"Ошибка: {error.message}", file=err)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
