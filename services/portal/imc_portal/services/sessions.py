"""Server-side sessions: the browser keeps a random id, the database its SHA-256 hash."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import sqlalchemy as sa

from imc_portal.db.models import Account, LoginSession
from imc_shared.auth import Principal, Role
from imc_shared.db import Database

TOKEN_BYTES = 32


def new_token() -> str:
    """A random, unguessable token (session id or CSRF token)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps of a session id."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(a: str | None, b: str | None) -> bool:
    """Whether two tokens are equal, compared in constant time; empty never matches."""
    if not a or not b:
        return False
    return secrets.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class Visitor:
    """The logged-in person of a request: their account and their session."""

    account_id: UUID
    login: str
    full_name: str
    role: Role
    district: str
    organisation_id: UUID | None
    person_id: UUID | None
    csrf_token: str
    session_hash: str

    @property
    def principal(self) -> Principal:
        """Who the backends are told is asking."""
        return Principal(
            subject=str(self.account_id),
            role=self.role,
            district=self.district,
            name=self.full_name,
            organisation_id=self.organisation_id,
            person_id=self.person_id,
        )

    @classmethod
    def of(cls, account: Account, session: LoginSession) -> "Visitor":
        return cls(
            account_id=account.id,
            login=account.login,
            full_name=account.full_name,
            role=Role(account.role),
            district=account.district,
            organisation_id=account.organisation_id,
            person_id=account.person_id,
            csrf_token=session.csrf_token,
            session_hash=session.id_hash,
        )


class SessionStore:
    """Opens, finds, refreshes and ends sessions with an idle and an absolute limit."""

    def __init__(self, database: Database, *, idle: timedelta, absolute: timedelta) -> None:
        self.database = database
        self.idle = idle
        self.absolute = absolute

    async def start(self, account: Account, now: datetime) -> tuple[str, Visitor]:
        """A new session for ``account``: the id for the cookie and the visitor."""
        token = new_token()
        row = LoginSession(
            id_hash=hash_token(token),
            account_id=account.id,
            created_at=now,
            last_seen_at=now,
            csrf_token=new_token(),
        )
        async with self.database.transaction() as session:
            session.add(row)
        return token, Visitor.of(account, row)

    async def resume(self, token: str, now: datetime) -> tuple[Visitor | None, bool]:
        """The visitor of the session ``token`` names, refreshed; ``(None, True)`` when it
        existed but has expired (it is deleted), ``(None, False)`` when there is none."""
        id_hash = hash_token(token)
        async with self.database.transaction() as session:
            found = await session.execute(
                sa.select(LoginSession, Account)
                .join(Account, Account.id == LoginSession.account_id)
                .where(LoginSession.id_hash == id_hash)
            )
            pair = found.first()
            if pair is None:
                return None, False
            row, account = pair
            expired = now - row.last_seen_at > self.idle or now - row.created_at > self.absolute
            if expired or not account.active:
                await session.delete(row)
                return None, True
            row.last_seen_at = now
            return Visitor.of(account, row), False

    async def end(self, token: str) -> None:
        """End the session ``token`` names (nothing happens if there is none)."""
        async with self.database.transaction() as session:
            await session.execute(
                sa.delete(LoginSession).where(LoginSession.id_hash == hash_token(token))
            )

    async def purge(self, now: datetime) -> int:
        """Delete sessions past either limit; how many."""
        async with self.database.transaction() as session:
            result = await session.execute(
                sa.delete(LoginSession).where(
                    sa.or_(
                        LoginSession.last_seen_at < now - self.idle,
                        LoginSession.created_at < now - self.absolute,
                    )
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)
