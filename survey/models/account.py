"""What staff accounts keep besides the user row: single-use links, recovery codes and each
organisation's single sign-on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow
from survey.models.organisation import Organisation
from survey.models.people import User

LINK_PURPOSES = ("invite", "reset")


class AccountLink(Base):
    """A single-use link that lets a user set their password: an invitation or a reset.

    Only the SHA-256 hash of its random token is stored (``survey.tokens``); a link is spent
    when used, and dead once expired or replaced by a newer link of the same purpose.
    """

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """One of the codes a user with two-factor authentication keeps for a lost phone; hashed,
    single-use."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class SingleSignOn(Base):
    """An organisation's OpenID Connect provider: its managers may sign in through it.

    ``slug`` names the organisation's sign-in address (``/sso/<slug>``); the client secret is
    kept encrypted (survey/sealed.py).
    """

    __tablename__ = "single_sign_on"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret: Mapped[str] = mapped_column(String(1000))
    # The e-mail domains (space-separated, lower case) whose addresses may sign in: a provider
    # that vouches for other addresses (a public one) cannot sign anyone else in.
    email_domains: Mapped[str] = mapped_column(String(500), default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
