"""Accounts of the portal: passwords (argon2id), creation, upsert, login with throttling."""

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.ext.asyncio import AsyncSession

from imc_portal.db.models import Account, LoginFailure, LoginSession
from imc_shared.auth import PEOPLE_ROLES, ROLE_TITLES, Role
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound

Clock = Callable[[], datetime]

PASSWORD_MIN_LENGTH = 10
LOGIN_MAX_LENGTH = 100
NAME_MAX_LENGTH = 200


def utc_now() -> datetime:
    """The current moment in UTC (the default clock)."""
    return datetime.now(UTC)


def login_key(login: str) -> str:
    """The form a login is compared in: no surrounding spaces, case folded."""
    return login.strip().casefold()


def make_hasher() -> PasswordHasher:
    """The portal's password hasher: argon2id with the library's recommended parameters."""
    return PasswordHasher()


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not-a-password-of-anybody")


def check_password(password: str) -> None:
    """Refuse a password too weak to protect an account (Russian message)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInput(
            f"Пароль слишком короткий: нужно не менее {PASSWORD_MIN_LENGTH} символов.",
            field="password",
        )
    if password.strip() != password or not password.strip():
        raise InvalidInput(
            "Пароль не должен начинаться или заканчиваться пробелом.", field="password"
        )


def parse_role(value: str) -> Role:
    """A role of a person (``service`` is not one), or a Russian refusal."""
    try:
        role: Role | None = Role(value.strip())
    except ValueError:
        role = None
    if role is None or role not in PEOPLE_ROLES:
        choices = ", ".join(sorted(r.value for r in PEOPLE_ROLES))
        raise InvalidInput(f"Неизвестная роль «{value}»; допустимые роли: {choices}.", field="role")
    return role


@dataclass(frozen=True)
class AccountData:
    """What an account is made of, checked."""

    login: str
    full_name: str
    role: Role
    organisation_id: UUID | None = None
    person_id: UUID | None = None

    @classmethod
    def checked(
        cls,
        *,
        login: str,
        full_name: str,
        role: str,
        organisation_id: UUID | None = None,
        person_id: UUID | None = None,
    ) -> "AccountData":
        login = login.strip()
        if not login:
            raise InvalidInput("Укажите логин.", field="login")
        if len(login) > LOGIN_MAX_LENGTH or any(ch.isspace() for ch in login):
            raise InvalidInput(
                f"Логин — одно слово без пробелов, не длиннее {LOGIN_MAX_LENGTH} символов.",
                field="login",
            )
        full_name = " ".join(full_name.split())
        if not full_name or len(full_name) > NAME_MAX_LENGTH:
            raise InvalidInput("Укажите фамилию, имя и отчество.", field="name")
        parsed = parse_role(role)
        if parsed is Role.SCHOOL_REPRESENTATIVE and organisation_id is None:
            raise InvalidInput(
                f"Для роли «{ROLE_TITLES[parsed]}» укажите образовательную организацию.",
                field="organisation_id",
            )
        return cls(
            login=login,
            full_name=full_name,
            role=parsed,
            organisation_id=organisation_id,
            person_id=person_id,
        )


async def _by_login(session: AsyncSession, login: str) -> Account | None:
    result = await session.execute(sa.select(Account).where(Account.login_key == login_key(login)))
    return result.scalar_one_or_none()


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    """argon2id hash of ``password`` (off the event loop: it takes tens of milliseconds)."""
    return await asyncio.to_thread(hasher.hash, password)


async def create_account(
    database: Database,
    data: AccountData,
    password: str,
    *,
    district: str,
    hasher: PasswordHasher,
) -> Account:
    """A new account; a login taken (in any case) is a conflict."""
    check_password(password)
    password_hash = await hash_password(hasher, password)
    async with database.transaction() as session:
        if await _by_login(session, data.login) is not None:
            raise Conflict(f"Логин «{data.login}» уже занят.", field="login")
        account = Account(
            login=data.login,
            login_key=login_key(data.login),
            full_name=data.full_name,
            role=data.role.value,
            district=district,
            organisation_id=data.organisation_id,
            person_id=data.person_id,
            password_hash=password_hash,
            active=True,
        )
        session.add(account)
    return account


async def upsert_account(
    database: Database,
    data: AccountData,
    password: str,
    *,
    district: str,
    hasher: PasswordHasher,
) -> tuple[Account, bool]:
    """Create the account or bring the existing one (same login, any case) up to ``data``
    and ``password``; an upserted account is active. Returns it and whether it is new."""
    check_password(password)
    async with database.transaction() as session:
        account = await _by_login(session, data.login)
        if account is not None:
            try:
                same: bool = hasher.verify(account.password_hash, password)
            except (VerificationError, InvalidHashError):
                same = False
            if not same or hasher.check_needs_rehash(account.password_hash):
                account.password_hash = await hash_password(hasher, password)
            account.login = data.login
            account.full_name = data.full_name
            account.role = data.role.value
            account.district = district
            account.organisation_id = data.organisation_id
            account.person_id = data.person_id
            account.active = True
            return account, False
    return await create_account(database, data, password, district=district, hasher=hasher), True


async def disable_account(database: Database, login: str) -> Account:
    """Switch the account off and end its sessions at once."""
    async with database.transaction() as session:
        account = await _by_login(session, login)
        if account is None:
            raise NotFound(f"Учётной записи с логином «{login.strip()}» нет.", field="login")
        account.active = False
        await session.execute(sa.delete(LoginSession).where(LoginSession.account_id == account.id))
    return account


class LoginRefused(Exception):
    """A login attempt that did not succeed; ``message`` (Russian) goes next to ``field``."""

    def __init__(self, message: str, *, field: str | None, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status_code = status_code


WRONG_CREDENTIALS = "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock."
DISABLED = "Учётная запись отключена. Обратитесь к администратору ИМЦ."


def minutes_word(count: int) -> str:
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return "минуту"
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return "минуты"
    return "минут"


class Authenticator:
    """Checks logins and passwords; after too many failures for a login or an address
    refuses further attempts for a while (spending the same hash time either way)."""

    def __init__(
        self,
        database: Database,
        *,
        district: str,
        hasher: PasswordHasher,
        clock: Clock = utc_now,
        max_failures: int = 5,
        lock_minutes: int = 15,
    ) -> None:
        self.database = database
        self.district = district
        self.hasher = hasher
        self.clock = clock
        self.max_failures = max_failures
        self.lock = timedelta(minutes=lock_minutes)

    async def authenticate(self, login: str, password: str, address: str) -> Account:
        """The account ``login`` and ``password`` open, or :class:`LoginRefused`."""
        if not login.strip():
            raise LoginRefused("Введите логин.", field="login")
        if not password:
            raise LoginRefused("Введите пароль.", field="password")
        key = login_key(login)[:LOGIN_MAX_LENGTH]
        address = address[:64]
        now = self.clock()
        locked_until = await self.locked_until(key, address, now)
        async with self.database.sessions() as session:
            account = await _by_login(session, key)
        if locked_until is not None:
            await self._verify(_dummy_hash(self.hasher), password)
            minutes = max(1, -(-int((locked_until - now).total_seconds()) // 60))
            raise LoginRefused(
                "Слишком много неудачных попыток входа. Вход временно заблокирован: "
                f"повторите попытку через {minutes} {minutes_word(minutes)}.",
                field="login",
                status_code=429,
            )
        usable = account is not None and account.district == self.district
        stored = account.password_hash if account is not None and usable else None
        matches = await self._verify(stored or _dummy_hash(self.hasher), password)
        if account is None or not usable or not matches:
            await self._record_failure(key, address, now)
            raise LoginRefused(WRONG_CREDENTIALS, field="password")
        if not account.active:
            raise LoginRefused(DISABLED, field="login", status_code=403)
        async with self.database.transaction() as session:
            await session.execute(sa.delete(LoginFailure).where(LoginFailure.login_key == key))
            if self.hasher.check_needs_rehash(account.password_hash):
                fresh = await hash_password(self.hasher, password)
                await session.execute(
                    sa.update(Account)
                    .where(Account.id == account.id)
                    .values(password_hash=fresh, updated_at=now)
                )
                account.password_hash = fresh
        return account

    async def locked_until(self, key: str, address: str, now: datetime) -> datetime | None:
        """When attempts for ``key`` or from ``address`` may resume, if they are locked."""
        since = now - 2 * self.lock
        async with self.database.sessions() as session:
            rows = await session.execute(
                sa.select(LoginFailure.login_key, LoginFailure.address, LoginFailure.at)
                .where(
                    sa.or_(LoginFailure.login_key == key, LoginFailure.address == address),
                    LoginFailure.at > since,
                )
                .order_by(LoginFailure.at)
            )
            failures = rows.all()
        until: datetime | None = None
        for series in (
            [f.at for f in failures if f.login_key == key],
            [f.at for f in failures if f.address == address],
        ):
            n = self.max_failures
            for i in range(n - 1, len(series)):
                if series[i] - series[i - n + 1] <= self.lock:
                    end = series[i] + self.lock
                    if end > now and (until is None or end > until):
                        until = end
        return until

    async def _verify(self, stored: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self.hasher.verify(stored, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(check)

    async def _record_failure(self, key: str, address: str, now: datetime) -> None:
        async with self.database.transaction() as session:
            session.add(LoginFailure(login_key=key, address=address, at=now))
            # Old failures matter no more; keep the table small.
            await session.execute(
                sa.delete(LoginFailure).where(LoginFailure.at < now - 2 * self.lock)
            )
