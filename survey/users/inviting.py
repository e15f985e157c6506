"""Inviting users: the account without a password, its invitation link, and the e-mail.

An invitation link is valid 7 days (``survey.accounts.links``); the e-mail also gives the
single sign-on address of a manager's organisation when it has one enabled. The account and
its audit event are committed together before any mail is sent, so a failed mail leaves an
invited user whose invitation can be sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.accounts.links import issue_link, link_url
from survey.accounts.mailing import send_messages
from survey.audit import record
from survey.i18n import SOURCE_LANGUAGE, supported
from survey.models import Organisation, Person, SingleSignOn, Team, User
from survey.models.organisation import team_paths
from survey.models.people import checked_email
from survey.users.directory import visible_accounts


def N_(text: str) -> str:
    """Mark ``text`` for the catalogue; it is translated with ``gettext`` where it is shown."""
    return text


SUBJECT = N_("Your invitation to Mindset Survey")
TAKEN = N_("An account with this e-mail already exists.")
# For an address refused for anything but its form, unless the account is one the inviter
# sees: it does not tell whether someone else (an admin, another client's user) has one.
NOT_HERE = N_(
    "This address cannot be invited here. If the person should have access, ask an administrator."
)
ACCOUNT_NOW = N_("This address has an account now.")
# The line naming the role, one whole sentence per role for the translators.
INVITED_AS = {
    "manager": N_("You are invited to Mindset Survey as a manager."),
    "consultant": N_("You are invited to Mindset Survey as a consultant."),
    "admin": N_("You are invited to Mindset Survey as a admin."),
}


class EmailTaken(Exception):
    """The e-mail already belongs to an account."""


def email_taken(session: Session, email: str) -> bool:
    return session.scalar(select(func.count()).where(User.email == email)) > 0


def _add_user(
    session: Session, email: str, role: str, team_id: int | None, organisation_ids: list[int]
) -> tuple[User, str]:
    """Add the invited user, its link and the audit event to ``session``; no commit."""
    user = User(email=email, role=role, team_id=team_id, password_hash=None)
    if organisation_ids:
        query = select(Organisation).where(Organisation.id.in_(organisation_ids))
        user.organisations.extend(session.scalars(query))
    session.add(user)
    session.flush()
    token = issue_link(session, user, "invite")
    team = session.get(Team, team_id) if team_id is not None else None
    record(
        session,
        "user.invited",
        organisation_id=team.organisation_id if team is not None else None,
        target=f"user {user.id}",
        role=role,
        team=team_id,
        organisations=organisation_ids,
    )
    return user, token


def invite(
    session: Session, email: str, role: str, team_id: int | None, organisation_ids: list[int]
) -> tuple[User, str]:
    """Create the invited user with an invitation link, audited; commits.

    Raises ``EmailTaken`` (nothing written) when the e-mail already has an account.
    """
    if email_taken(session, email):
        raise EmailTaken(email)
    user, token = _add_user(session, email, role, team_id, organisation_ids)
    try:
        session.commit()
    except IntegrityError as error:  # the same e-mail invited at the same moment
        session.rollback()
        raise EmailTaken(email) from error
    return user, token


def reinvite(session: Session, user: User) -> str:
    """A new invitation link for ``user`` (the older ones die), audited; commits."""
    token = issue_link(session, user, "invite")
    record(
        session,
        "user.reinvited",
        organisation_id=_organisation_of(session, user),
        target=f"user {user.id}",
    )
    session.commit()
    return token


def _organisation_of(session: Session, user: User) -> int | None:
    team = session.get(Team, user.team_id) if user.team_id is not None else None
    return team.organisation_id if team is not None else None


def sso_address(session: Session, config: Mapping, user: User) -> str | None:
    """The single sign-on address of a manager's organisation, when it has one enabled."""
    organisation_id = _organisation_of(session, user) if user.role == "manager" else None
    if organisation_id is None:
        return None
    slug = session.scalar(
        select(SingleSignOn.slug).where(
            SingleSignOn.organisation_id == organisation_id, SingleSignOn.enabled.is_(True)
        )
    )
    return f"{config['PUBLIC_URL'].rstrip('/')}/sso/{slug}" if slug else None


def invitation_message(
    config: Mapping, user: User, token: str, sso: str | None
) -> tuple[str, str, str]:
    """The invitation e-mail, as ``(recipient, subject, body)``, in the addressee's language
    (their ``language``, else the source language: whoever invites them may read another)."""
    link = link_url(config["PUBLIC_URL"], token, "invite")
    with force_locale(supported(user.language) or SOURCE_LANGUAGE):
        lines = [
            _("Hello,"),
            "",
            _(INVITED_AS[user.role])
            if user.role in INVITED_AS
            else _("You are invited to Mindset Survey as a %(role)s.", role=user.role),
            _("Choose your password through this link, valid for 7 days:"),
            "",
            link,
        ]
        if sso:
            lines += [
                "",
                _("Your organisation also lets you sign in with its own account here:"),
                sso,
            ]
        lines += ["", _("If you did not expect this invitation, ignore this e-mail.")]
        subject = _(SUBJECT)
    return user.email, subject, "\n".join(lines) + "\n"


def send_invitations(
    session: Session, config: Mapping, invited: list[tuple[User, str]]
) -> dict[str, str | None]:
    """Mail each ``(user, token)``'s invitation over one connection; ``{e-mail: reason}``,
    the reason ``None`` for a mail the server accepted."""
    messages = [
        invitation_message(config, user, token, sso_address(session, config, user))
        for user, token in invited
    ]
    return send_messages(config, messages) if messages else {}


@dataclass(frozen=True)
class RosterManager:
    """A manager on a roster: their team's path, whether their e-mail has an account, and
    that account's id when the viewer may see it."""

    person: Person
    team_path: str
    has_account: bool
    account_id: int | None


def roster_managers(
    session: Session, viewer: User, organisation: Organisation
) -> list[RosterManager]:
    """The roster's managers in active teams of ``organisation``, by e-mail."""
    teams = list(session.scalars(select(Team).where(Team.organisation_id == organisation.id)))
    paths = team_paths(teams)
    active = [team.id for team in teams if team.archived_at is None]
    people = list(
        session.scalars(
            select(Person)
            .where(
                Person.organisation_id == organisation.id,
                Person.role == "manager",
                Person.team_id.in_(active),
            )
            .order_by(Person.email, Person.id)
        )
    )
    emails = {person.email.lower() for person in people}
    taken = set(session.scalars(select(User.email).where(User.email.in_(emails))))
    visible = visible_accounts(session, viewer, emails)
    return [
        RosterManager(
            person,
            paths[person.team_id],
            person.email.lower() in taken,
            visible.get(person.email.lower()),
        )
        for person in people
    ]


def invite_roster_managers(
    session: Session, managers: list[RosterManager]
) -> tuple[list[tuple[User, str]], dict[str, str]]:
    """Create an invited manager for each roster manager without an account, each committed
    on its own (account, link and audit event).

    Returns the invited ``(user, token)`` pairs and ``{e-mail: reason}`` of those refused: an
    address that is no e-mail address, or one that got an account meanwhile (or twice on the
    roster), which the others do not undo.
    """
    invited, refused = [], {}
    for manager in managers:
        if manager.has_account:
            continue
        email, problem = checked_email(manager.person.email)
        if problem:
            refused[manager.person.email] = problem
            continue
        try:
            pair = _add_user(session, email, "manager", manager.person.team_id, [])
            if pair[0].language is None:  # the roster's language, for the invitation too
                pair[0].language = supported(manager.person.language)
            session.commit()
        except IntegrityError:
            session.rollback()
            refused[manager.person.email] = _(ACCOUNT_NOW)
        else:
            invited.append(pair)
    return invited, refused
