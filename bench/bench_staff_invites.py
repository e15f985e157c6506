"""Benchmark of inviting a client's 300 managers at once from the roster (issue 14).

Run from the repository root (a few seconds)::

    .venv/bin/python bench/bench_staff_invites.py

Builds a fresh SQLite file in a temporary folder: one organisation with a team tree (Global ->
10 countries -> 30 territories each = 300 leaf teams) and 300 roster people with the role
"manager", one per territory; a second organisation with one territory and one manager; and a
consultant assigned to both. A real SMTP server (aiosmtpd, as the ``smtp_server`` test fixture)
listens on 127.0.0.1 in a thread of this process and keeps what it accepts.

With the Flask test client, the consultant logs in, opens each roster page (``GET
/users/invite/roster/<id>``, 50 managers a page) and posts "invite all" (``person=""``): first
for the one manager, then for the 300. For each request: the wall time around the client call,
the process's CPU time (which includes the SMTP server's thread), SQL statements (a
``before_cursor_execute`` listener on the app's engine), and for the invitations the mails the
server received, the accounts without a password and the invitation links created. Last, the
roster page after the invitations and the Users list of the organisation (``GET
/users/?organisation=<id>``, paginated); the roster is asked twice, as the first request
after the 300 invitations also pays the garbage collection of what they left. Exits non-zero
only when a request fails or the counts are not what was asked, never on a missed time target.
"""

from __future__ import annotations

import re
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from werkzeug.test import TestResponse  # noqa: E402

import survey.users.routes as user_routes  # noqa: E402
from bench._measure import Meter  # noqa: E402
from survey import create_app  # noqa: E402
from survey.accounts.passwords import hash_password  # noqa: E402
from survey.db import db  # noqa: E402
from survey.models import Organisation, Person, Team, User  # noqa: E402
from survey.models.account import AccountLink  # noqa: E402

COUNTRIES = 10
TERRITORIES = 30  # per country: 300 leaf teams, one manager each
CONSULTANT = "consultant@consultancy.example"
PASSWORD = "bench-password-not-for-production"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Mailbox:
    """An aiosmtpd handler that keeps the number of mails it accepted."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received += len(envelope.rcpt_tos)
        return "250 Message accepted"


def start_smtp() -> tuple[Controller, Mailbox, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, mailbox, port


def build(app: Flask) -> tuple[int, int]:
    """The two organisations, their rosters and the consultant; their ids (300, 1 manager)."""
    with app.app_context():
        db.create_all()
        session = db.session
        big = Organisation(name="Client with 300 managers")
        small = Organisation(name="Client with 1 manager")
        session.add_all([big, small])
        session.flush()
        top = Team(organisation_id=big.id, name="Global")
        session.add(top)
        session.flush()
        for c in range(COUNTRIES):
            country = Team(organisation_id=big.id, parent_id=top.id, name=f"Country {c + 1}")
            session.add(country)
            session.flush()
            for t in range(TERRITORIES):
                territory = Team(
                    organisation_id=big.id, parent_id=country.id, name=f"Territory {c + 1}.{t + 1}"
                )
                session.add(territory)
                session.flush()
                email = f"manager-{c + 1}-{t + 1}@client.example"
                session.add(
                    Person(organisation_id=big.id, team=territory, email=email, role="manager")
                )
        only = Team(organisation_id=small.id, name="Only territory")
        session.add(only)
        session.flush()
        session.add(
            Person(organisation_id=small.id, team=only, email="only@small.example", role="manager")
        )
        consultant = User(
            email=CONSULTANT, role="consultant", password_hash=hash_password(PASSWORD)
        )
        consultant.organisations.extend([big, small])
        session.add(consultant)
        session.commit()
        return big.id, small.id


class MailTimer:
    """Wraps the view's ``send_invitations`` to time the mailing part of a request."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.send = user_routes.send_invitations
        user_routes.send_invitations = self

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.send(*args, **kwargs)
        finally:
            self.wall += time.perf_counter() - start


def csrf(response: TestResponse) -> str:
    match = CSRF_FIELD.search(response.get_data(as_text=True))
    if match is None:
        raise SystemExit(f"no CSRF token in the page ({response.status_code})")
    return match.group(1)


def counts(app: Flask) -> SimpleNamespace:
    with app.app_context():
        session = db.session
        return SimpleNamespace(
            invited=session.scalar(
                select(func.count()).select_from(User).where(User.password_hash.is_(None))
            ),
            links=session.scalar(
                select(func.count()).select_from(AccountLink).where(AccountLink.purpose == "invite")
            ),
        )


def invite_all(
    app: Flask,
    client: FlaskClient,
    meter: Meter,
    mailbox: Mailbox,
    mail_timer: MailTimer,
    organisation_id: int,
) -> tuple[dict, list[str]]:
    """Open the roster, post "invite all"; the figures and any problem."""
    url = f"/users/invite/roster/{organisation_id}"
    page, roster = meter.measure(lambda: client.get(url))
    problems = [] if page.status_code == 200 else [f"GET {url}: {page.status_code}"]
    before, mails, mailing = counts(app), mailbox.received, mail_timer.wall
    posted, figures = meter.measure(
        lambda: client.post(url, data={"csrf_token": csrf(page), "person": ""})
    )
    after = counts(app)
    figures |= {
        "roster": roster,
        "mails": mailbox.received - mails,
        "mailing": mail_timer.wall - mailing,
        "accounts": after.invited - before.invited,
        "links": after.links - before.links,
    }
    if posted.status_code != 302:
        problems.append(f"POST {url}: {posted.status_code}")
    return figures, problems


def ms(figures: dict) -> str:
    return f"{figures['wall'] * 1000:,.0f} ms (CPU {figures['cpu'] * 1000:,.0f} ms)"


def main() -> int:
    controller, mailbox, port = start_smtp()
    problems: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app(
                {
                    "TESTING": True,
                    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
                    "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                    "PUBLIC_URL": "http://localhost",
                    "MAIL_IN_BACKGROUND": False,
                    "JOBS_IN_BACKGROUND": False,
                    "SMTP_HOST": "127.0.0.1",
                    "SMTP_PORT": port,
                    "RATELIMIT_ENABLED": False,
                }
            )
            big, small = build(app)
            meter, mail_timer = Meter(app), MailTimer()
            client = app.test_client()
            login = client.post(
                "/login",
                data={
                    "email": CONSULTANT,
                    "password": PASSWORD,
                    "csrf_token": csrf(client.get("/login")),
                },
            )
            if login.status_code != 302:
                raise SystemExit(f"login failed: {login.status_code}")
            runs = []
            for organisation_id, wanted in ((small, 1), (big, COUNTRIES * TERRITORIES)):
                figures, found = invite_all(
                    app, client, meter, mailbox, mail_timer, organisation_id
                )
                problems += found
                for what in ("mails", "accounts", "links"):
                    if figures[what] != wanted:
                        problems.append(f"{wanted} invited: {figures[what]} {what}")
                runs.append((wanted, figures))
            after, after_figures = meter.measure(lambda: client.get(f"/users/invite/roster/{big}"))
            again, again_figures = meter.measure(lambda: client.get(f"/users/invite/roster/{big}"))
            users, users_figures = meter.measure(lambda: client.get(f"/users/?organisation={big}"))
            for name, response in (("roster after", after), ("again", again), ("users", users)):
                if response.status_code != 200:
                    problems.append(f"{name}: {response.status_code}")
            if "Invitations sent: 300; failed: 0." not in after.get_data(as_text=True):
                problems.append("the roster page does not say 300 invitations were sent")
    finally:
        controller.stop()

    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, SQLite file, one process, test client,")
    print("aiosmtpd on 127.0.0.1 in a thread of the same process (its CPU counts)\n")
    for wanted, figures in runs:
        print(f"invite all, {wanted} manager{'s' if wanted != 1 else ''}:")
        print(f"  roster page GET        {ms(figures['roster'])}, {figures['roster']['sql']} SQL")
        print(f"  invite-all POST        {ms(figures)}, {figures['sql']} SQL")
        print(
            f"  of which mailing       {figures['mailing'] * 1000:,.0f} ms"
            " (composing + one SMTP connection)"
        )
        print(
            f"  created                {figures['accounts']} accounts, {figures['links']} links,"
            f" {figures['mails']} mails received"
        )
        print(
            f"  per manager            {figures['wall'] * 1000 / wanted:,.1f} ms, "
            f"{figures['sql'] / wanted:,.1f} SQL"
        )
    print(
        f"roster page after (300 with accounts, page 1 of 6, with the flashes): "
        f"{ms(after_figures)}, {after_figures['sql']} SQL"
    )
    print(f"roster page again (page 1 of 6): {ms(again_figures)}, {again_figures['sql']} SQL")
    print(
        f"users list ?organisation (301 users, page 1): "
        f"{ms(users_figures)}, {users_figures['sql']} SQL"
    )
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
