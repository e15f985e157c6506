"""Command-line tools: ``flask --app survey init-db | seed-demo | create-user | invite``,
``disable-user``, ``enable-user``, ``reset-password``, ``reset-two-factor``,
``purge-identities``, ``backup``, ``restore``, ``release-due``, ``jobs-scheduler`` and
``build-assets``."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from survey.accounts.links import close_links
from survey.accounts.links import link_url as account_link_url
from survey.accounts.passwords import hash_password, password_problem
from survey.accounts.resets import reset_link, reset_message, send_reset
from survey.accounts.sessions import end_sessions
from survey.accounts.two_factor import turn_off
from survey.audit import record
from survey.db import db
from survey.invitations import (
    MAX_TEAM_LINK_CAPACITY,
    Link,
    invite_people,
    invite_unnamed,
    link_url,
    team_link,
)
from survey.models import Assessment, Organisation, Person, Team, User, Wave
from survey.models._columns import utcnow
from survey.models.organisation import subtree_ids, team_paths, teams_of
from survey.models.people import USER_ROLES, checked_email


def init_app(app: Flask) -> None:
    for command in (init_db, db_revision, seed_demo, create_user, invite):
        app.cli.add_command(command)
    for command in (disable_user, enable_user, reset_password, reset_two_factor):
        app.cli.add_command(command)
    app.cli.add_command(purge_identities)
    app.cli.add_command(backup_database)
    app.cli.add_command(restore_database)
    app.cli.add_command(release_due)
    app.cli.add_command(jobs_scheduler)
    app.cli.add_command(build_assets)


@click.command("build-assets")
@with_appcontext
def build_assets() -> None:
    """Write the chart bundle (vega, vega-lite, vega-embed) into the static files, and compile
    the message catalogues.

    The app only reads them: run this once per install, after upgrading vl-convert and after
    changing a translation.
    """
    from survey.catalogues import compile_catalogues
    from survey.static_assets import build_vega_bundle

    static_folder = current_app.static_folder
    if static_folder is None:
        raise click.ClickException("The app has no static folder.")
    path, changed = build_vega_bundle(static_folder)
    size = path.stat().st_size // 1024
    click.echo(f"{'Wrote' if changed else 'Up to date:'} {path} ({size} KB).")
    compiled = compile_catalogues()
    click.echo(f"Compiled {len(compiled)} message catalogue(s).")


@click.command("release-due")
@with_appcontext
def release_due() -> None:
    """Release every closed wave that has no final release yet (safe to run from cron)."""
    # Imported here: the release code reaches the dashboard blueprint, which create_app loads
    # after the commands.
    from survey.releases.store import latest_releases

    released = 0
    for assessment in db.session.scalars(select(Assessment).order_by(Assessment.id)):
        released += sum(info.final for info in latest_releases(db.session, assessment).values())
    click.echo(f"{released} closed waves are released.")


@click.command("jobs-scheduler")
@click.option("--once", is_flag=True, help="Look once and stop (for cron).")
@with_appcontext
def jobs_scheduler(once: bool) -> None:
    """Every SCHEDULER_SECONDS: mail invitations of waves that open and reminders on their
    days, release waves that close, and send again the jobs whose worker died. Safe to run on
    several machines at once: each job is asked for once."""
    from survey.campaigns.scheduler import tick

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    while True:
        done = tick(app, utcnow())
        if done.asked or done.sent_again or done.files_deleted:
            click.echo(
                f"{utcnow():%Y-%m-%d %H:%M:%S} asked for {len(done.asked)} jobs, sent "
                f"{len(done.sent_again)} again, deleted {done.files_deleted} old files."
            )
        if once:
            return
        time.sleep(app.config["SCHEDULER_SECONDS"])


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Bring the database to the newest schema through the migrations (data is kept)."""
    # imported here: Alembic, needed by this command only (README, *Workers*)
    from survey.migrate import upgrade

    upgrade(db.engine)
    click.echo("Database ready.")


@click.command("db-revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str) -> None:
    """Write a new migration for what the models changed since the database's revision."""
    # imported here: Alembic, needed by this command only (README, *Workers*)
    from survey.migrate import revision

    revision(db.engine, message)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo organisation unless it is there; print its logins and open links.

    Refused under ``SURVEY_ENV=production``: the demo's logins have printed, well-known passwords.
    """
    if current_app.config.get("PRODUCTION"):
        raise click.ClickException(
            "seed-demo is refused with SURVEY_ENV=production: the demo organisation comes with "
            "logins whose passwords are printed. Nothing was changed."
        )
    from survey.demo import seed_demo as build
    from survey.instruments import all_questionnaires
    from survey.migrate import upgrade

    upgrade(db.engine)
    demo = build(db.session, all_questionnaires(), utcnow())
    click.echo(
        ("Created" if demo.created else "Found") + f" the demo organisation "
        f"{demo.organisation.name!r}."
    )
    click.echo("\nDemo logins:")
    for login in demo.logins:
        click.echo(f"  {login.email:<40} {login.password:<18} {login.role:<11} {login.scope}")
    click.echo(f"\nOpen survey links for {demo.open_wave.name}:")
    public_url = current_app.config["PUBLIC_URL"]
    paths = team_paths(list(db.session.scalars(teams_of(demo.organisation.id))))
    for link in demo.links:
        who = "reusable team link" if link.kind == "team" else f"single-use, {link.role}"
        click.echo(f"  {link_url(public_url, link.token)}  ({paths[link.team_id]}; {who})")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--organisation", help="For a consultant: the organisation they work for.")
@click.option("--team", "team_path", help="For a manager: their team's path, e.g. Global/France.")
@click.option("--password", help="Visible to other users of this machine: prefer the others.")
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the password from the first line of this file.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    email: str,
    role: str,
    organisation: str | None,
    team_path: str | None,
    password: str | None,
    password_file: Path | None,
    password_stdin: bool,
) -> None:
    """Create a login for an admin, a consultant or a manager.

    The e-mail is trimmed and kept in lower case, as login looks it up, and checked with the
    roster's rule for addresses. The password (asked for when no option gives it) follows the
    app's rule: at least 12 characters, not a common one.
    """
    session = db.session
    email, problem = checked_email(email)
    if problem:
        raise click.UsageError(problem)
    password = _password(password, password_file, password_stdin)
    problem = password_problem(password, email=email)
    if problem:
        raise click.UsageError(problem)
    if session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.UsageError(f"A user with the e-mail {email} exists already.")
    user = User(email=email, role=role, password_hash=hash_password(password))
    if role in ("consultant", "manager"):
        org = _organisation(organisation)
        if role == "consultant":
            user.organisations.append(org)
        else:
            if not team_path:
                raise click.UsageError("A manager needs --team, the path of the team they lead.")
            user.team = _team(org, team_path)
    session.add(user)
    session.commit()
    click.echo(f"Created {role} {user.email}.")


def _password(given: str | None, path: Path | None, from_stdin: bool) -> str:
    """The password of ``--password``, ``--password-file``, ``--password-stdin`` (the first
    line, without its line ending), or asked for twice when none is given."""
    if sum((given is not None, path is not None, from_stdin)) > 1:
        raise click.UsageError(
            "Give the password one way only: --password, --password-file or --password-stdin."
        )
    if given is not None:
        return given
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise click.UsageError(f"Cannot read the password file {path}: {error}") from None
        return lines[0] if lines else ""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _user(email: str) -> User:
    """The user with this e-mail (trimmed, in any case), or a UsageError."""
    wanted = email.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == wanted))
    if user is None:
        raise click.UsageError(f"There is no user with the e-mail {wanted!r}.")
    return user


@click.command("disable-user")
@with_appcontext
@click.option("--email", required=True)
def disable_user(email: str) -> None:
    """Stop a user logging in: their sessions end and their open links stop working."""
    user = _user(email)
    if user.disabled_at is not None:
        click.echo(f"{user.email} is disabled already.")
        return
    if user.role == "admin" and _active_admins() <= 1:
        raise click.UsageError(
            f"{user.email} is the last active admin; make someone else admin first."
        )
    user.disabled_at = utcnow()
    end_sessions(db.session, user)
    close_links(db.session, user.id)
    record(db.session, "user.disabled", target=f"user {user.id}")
    db.session.commit()
    click.echo(f"Disabled {user.email}.")


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).where(User.role == "admin", User.disabled_at.is_(None))
    )


@click.command("enable-user")
@with_appcontext
@click.option("--email", required=True)
def enable_user(email: str) -> None:
    """Let a disabled user log in again, with the password they had."""
    user = _user(email)
    if user.disabled_at is None:
        click.echo(f"{user.email} is not disabled.")
        return
    user.disabled_at = None
    record(db.session, "user.enabled", target=f"user {user.id}")
    db.session.commit()
    click.echo(f"Enabled {user.email}.")


@click.command("reset-password")
@with_appcontext
@click.option("--email", required=True)
@click.option("--mail", "by_mail", is_flag=True, help="Mail the link to the user, not print it.")
def reset_password(email: str, by_mail: bool) -> None:
    """Make a password-reset link (valid one hour, once) and print it, or mail it with --mail.

    Earlier reset links of the user stop working; the current password keeps working until
    the link is used.
    """
    user = _user(email)
    if not user.is_active:
        raise click.UsageError(f"{user.email} is disabled: run enable-user first.")
    token = reset_link(db.session, user)
    public_url = current_app.config["PUBLIC_URL"]
    if not by_mail:
        click.echo(account_link_url(public_url, token, "reset"))
        return
    try:
        reason = send_reset(
            current_app.config, reset_message(public_url, user.email, token, user.language)
        )
    except ValueError as error:
        reason = str(error)
    if reason:
        raise click.ClickException(f"The mail was not sent: {reason}.")
    click.echo(f"sent a reset link to {user.email}")


@click.command("reset-two-factor")
@with_appcontext
@click.option("--email", required=True)
def reset_two_factor(email: str) -> None:
    """Turn off a user's two-factor authentication (a lost phone and no recovery code left):
    their recovery codes stop working and their sessions end; they log in with their password
    and may turn it on again."""
    user = _user(email)
    if not user.two_factor_on:
        click.echo(f"{user.email} has two-factor authentication off already.")
        return
    turn_off(db.session, user)
    end_sessions(db.session, user)
    record(db.session, "user.two_factor_reset", target=f"user {user.id}")
    db.session.commit()
    click.echo(f"Turned two-factor authentication off for {user.email}.")


@click.command("invite")
@with_appcontext
@click.option("--wave", "wave_id", type=int, required=True, help="The wave's id.")
@click.option("--team", "team_path", help="Team path; its whole subtree with --roster.")
@click.option("--roster", is_flag=True, help="One personal link per person on the roster.")
@click.option("--count", type=click.IntRange(1, 10_000), help="Unnamed single-use links.")
@click.option("--team-link", "make_team_link", is_flag=True, help="One reusable team link.")
@click.option("--role", type=click.Choice(("rep", "manager")), default="rep", show_default=True)
@click.option(
    "--capacity",
    type=click.IntRange(1, MAX_TEAM_LINK_CAPACITY),
    default=None,
    help="With --team-link: how many answers it takes in all (default: the people of that role "
    "on the roster in the team and below it, at least 1).",
)
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=None,
    help="Days the links stay valid (at least until the wave closes).",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the links to this CSV file instead of printing them.",
)
def invite(
    wave_id: int,
    team_path: str | None,
    roster: bool,
    count: int | None,
    make_team_link: bool,
    role: str,
    capacity: int | None,
    days: int | None,
    csv_path: Path | None,
) -> None:
    """Make personal invitations or a team link for a wave and print the links."""
    if sum((roster, count is not None, make_team_link)) != 1:
        raise click.UsageError("Choose exactly one of --roster, --count N or --team-link.")
    if capacity is not None and not make_team_link:
        raise click.UsageError("--capacity goes with --team-link.")
    session = db.session
    wave = session.get(Wave, wave_id)
    if wave is None:
        raise click.UsageError(f"There is no wave with id {wave_id}.")
    now = utcnow()
    if wave.closes_at <= now:
        raise click.UsageError(f"{wave.name} closed on {wave.closes_at:%Y-%m-%d}.")
    organisation = wave.assessment.organisation
    team = _team(organisation, team_path) if team_path else None
    days = days or current_app.config["INVITATION_DAYS"]
    if roster:
        people = _roster(organisation, team)
        if not people:
            raise click.UsageError("Nobody is on the roster there.")
        links = invite_people(session, wave, people, now, days)
    else:
        if team is None:
            raise click.UsageError("--count and --team-link need --team.")
        links = (
            invite_unnamed(session, wave, team.id, count, role, now, days)
            if count
            else [team_link(session, wave, team.id, role, now, days, capacity=capacity)]
        )
    session.commit()
    _write_links(links, organisation, csv_path)
    if make_team_link:
        click.echo(f"The team link takes at most {links[0].capacity} answer(s).", err=True)


def _write_links(links: list[Link], organisation: Organisation, csv_path: Path | None) -> None:
    from survey.spreadsheet import safe_cell

    public_url = current_app.config["PUBLIC_URL"]
    if csv_path is None:
        for link in links:
            click.echo(link_url(public_url, link.token))
        return
    paths = team_paths(list(db.session.scalars(teams_of(organisation.id))))
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["email", "team", "role", "kind", "link"])
        for link in links:
            writer.writerow(
                [
                    safe_cell(link.email or ""),
                    safe_cell(paths.get(link.team_id, "")),
                    link.role,
                    link.kind,
                    link_url(public_url, link.token),
                ]
            )
    click.echo(f"Wrote {len(links)} link(s) to {csv_path}.")


def _organisation(name: str | None) -> Organisation:
    if not name:
        raise click.UsageError("Name the organisation with --organisation.")
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        raise click.UsageError(f"There is no organisation called {name!r}.")
    return organisation


def _team(organisation: Organisation, path: str) -> Team:
    paths = team_paths(list(db.session.scalars(teams_of(organisation.id))))
    wanted = "/".join(part.strip() for part in path.strip("/").split("/"))
    for team_id, team_path in paths.items():
        if team_path == wanted:
            return db.session.get(Team, team_id)
    raise click.UsageError(f"{organisation.name} has no team {path!r}.")


def _roster(organisation: Organisation, team: Team | None) -> list[Person]:
    people = db.session.scalars(
        select(Person).where(Person.organisation_id == organisation.id).order_by(Person.email)
    ).all()
    if team is None:
        return list(people)
    inside = subtree_ids(list(db.session.scalars(teams_of(organisation.id))), team.id)
    return [person for person in people if person.team_id in inside]


@click.command("purge-identities")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List who would be purged; change nothing.")
@click.option("--organisation", "organisation_name", help="Only this organisation (its name).")
def purge_identities(dry_run: bool, organisation_name: str | None) -> None:
    """Delete the identities past each organisation's retention period; answers stay."""
    from survey import retention

    organisations = (
        [_organisation(organisation_name)]
        if organisation_name
        else list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    )
    for purge in retention.purge_identities(db.session, organisations, utcnow(), dry_run=dry_run):
        for line in retention.describe(purge, dry_run=dry_run):
            click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was changed.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_database(path: Path) -> None:
    """Copy the SQLite database to the new file PATH, consistently, while the app runs."""
    # imported here: Alembic, needed by this command only (README, *Workers*)
    from survey import backup

    try:
        source = backup.sqlite_file(current_app.config["DATABASE_URL"])
        backup.back_up(source, path)
        revision_id = backup.check_our_database(path)
    except backup.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(
        f"Backed up {source} to {path} ({path.stat().st_size:,} bytes, revision {revision_id})."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current database (a copy of it is kept).")
def restore_database(path: Path, yes: bool) -> None:
    """Replace the SQLite database by the backup at PATH; keeps a copy of the one replaced."""
    # imported here: Alembic, needed by this command only (README, *Workers*)
    from survey import backup

    try:
        target = backup.sqlite_file(current_app.config["DATABASE_URL"])
        revision_id = backup.check_our_database(path)
        if target.exists() and not yes:
            raise backup.BackupRefused(
                f"This replaces the database {target} by {path}; nothing was changed. "
                "Run again with --yes to go ahead (a copy of the current database is kept)."
            )
        db.engine.dispose()  # no pooled connection of this process keeps the old pages
        kept = backup.restore(path, target, utcnow())
    except backup.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    if kept is not None:
        click.echo(f"Kept the replaced database as {kept}.")
    click.echo(f"Restored {target} from {path} (revision {revision_id}).")
