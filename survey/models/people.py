"""People on a client's roster, and the users who log in (consultants, managers, admins)."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, LargeBinary, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from survey.db import Base
from survey.mail import PLAIN_ADDRESS
from survey.models._columns import utcnow
from survey.models.organisation import Organisation, Team

ROSTER_ROLES = ("rep", "manager")
USER_ROLES = ("admin", "consultant", "manager")
MAX_EMAIL = 254
MAX_BRAND_NAME = 120


def checked_email(text: str) -> tuple[str, str | None]:
    """An e-mail address as it is stored (trimmed, in lower case), or why it cannot be one.

    The one rule for addresses, shared by the roster import and ``flask create-user``: a plain
    ``name@domain.tld`` (``survey.mail.PLAIN_ADDRESS``) of at most ``MAX_EMAIL`` characters,
    without spaces, a second @, quotes or brackets, which a mail header parser would read as
    something else than the address.

    >>> checked_email(" Ann@Example.ORG ")
    ('ann@example.org', None)
    >>> checked_email("ann@localhost")
    ('', "'ann@localhost' is not an e-mail address such as name@example.com.")
    """
    text = text.strip()
    if not text:
        return "", _("The e-mail is missing.")
    email = text.lower()
    if len(email) > MAX_EMAIL or not PLAIN_ADDRESS.fullmatch(email):
        return "", _(
            "%(address)s is not an e-mail address such as name@example.com.", address=repr(text)
        )
    return email, None


def new_pseudonym() -> str:
    """A random key that pairs one person's responses across waves without naming them."""
    return secrets.token_hex(16)


class Person(Base):
    """Someone on a client's roster who can be invited to answer."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL))
    role: Mapped[str] = mapped_column(String(20), default="rep")
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True, default=new_pseudonym)
    # The language the person's invitation and questionnaire are in (survey.i18n.LANGUAGES);
    # None leaves it to their browser.
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship()


consultant_organisation = Table(
    "consultant_organisation",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


USER_STATUSES = ("invited", "active", "disabled")


class User(UserMixin, Base):
    """An account that logs in; a manager is scoped to one team and everything below it.

    Invited users have no password until they set one through their invitation link (or sign in
    through their organisation's single sign-on); disabled users cannot log in at all.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    # Part of the id kept in the session cookie; raised at logout, password change and disabling,
    # so copies of an old cookie stop working.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    # Who disabled the account: a consultant may re-enable only what a non-admin disabled.
    disabled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Two-factor authentication (RFC 6238): the shared secret, encrypted (survey/sealed.py);
    # set once the user confirmed a first code. The last accepted time step refuses a replay.
    totp_secret: Mapped[str | None] = mapped_column(String(500))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # The user's own language and time zone; None: their browser's language, and the zone of
    # the organisation they belong to (UTC for consultants).
    language: Mapped[str | None] = mapped_column(String(10))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # A consultant's or admin's consultancy on their slide decks: its name, and its logo as a
    # PNG re-encoded from their upload (survey/auth/branding_forms.py); None: not set.
    brand_name: Mapped[str | None] = mapped_column(String(MAX_BRAND_NAME))
    brand_logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    team: Mapped[Team | None] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(secondary=consultant_organisation)
    disabled_by: Mapped[User | None] = relationship(remote_side=[id])

    def get_id(self) -> str:
        """Flask-Login's session id: the user's id and session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to log in an inactive (disabled) user."""
        return self.disabled_at is None

    @property
    def status(self) -> str:
        """``invited`` (never logged in, no password yet), ``active`` or ``disabled``."""
        if self.disabled_at is not None:
            return "disabled"
        if self.password_hash is None and self.last_login_at is None:
            return "invited"
        return "active"

    @property
    def two_factor_on(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def reading_zone(self) -> str:
        """The zone this user reads times in: their own choice, else their team's, else UTC."""
        if self.time_zone:
            return self.time_zone
        return self.team.zone if self.team is not None else "UTC"
