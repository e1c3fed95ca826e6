"""Portal tables: accounts, server-side sessions and failed logins (for throttling)."""

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id
from imc_shared.db import UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the portal."""


class Account(Base):
    """A person who logs in to the portal of one instance (a district or the centre)."""

    __tablename__ = "accounts"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    login: Mapped[str] = mapped_column(sa.String(100))
    """The login as it was given (shown back to people)."""
    login_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    """The login folded to lower case: logins are unique whatever the case."""
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(32))
    district: Mapped[str] = mapped_column(sa.String(64))
    organisation_id: Mapped[UUID | None] = mapped_column(nullable=True)
    person_id: Mapped[UUID | None] = mapped_column(nullable=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    """argon2id, in the PHC string form ``$argon2id$v=19$m=…``."""
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class LoginSession(Base):
    """A server-side session: the browser holds a random id, the table only its hash."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    """SHA-256 (hex) of the id in the cookie."""
    account_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    """The token every form of this session carries (``csrf_token``)."""


class LoginFailure(Base):
    """One failed login; recent ones lock further attempts for the login or the address."""

    __tablename__ = "login_failures"
    __table_args__ = (
        sa.Index("ix_login_failures_login_key_at", "login_key", "at"),
        sa.Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    login_key: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
