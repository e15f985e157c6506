"""The hostile organisation: the reference organisation's shape, every free text an attack.

Entered through the app's own forms: names carry script tags, attribute breakers,
``javascript:`` URLs, ``</script>`` (for the JSON-in-script blocks of the charts) and
spreadsheet formulas; the roster's e-mails too. Team names cannot hold ``/`` (it separates a
team path), so the ``</script>`` payloads travel in the organisation's, the assessment's and the
waves' names and in the ladder words. Like Acme Solar it has a top team with a child and a
grandchild (from the roster) and a product team.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Assessment, Organisation, Person, Team, User, Wave
from survey.models._columns import utcnow
from tests.auth.helpers import login
from tests.campaigns.helpers import links_in, path_of
from tests.factories.base import (
    gen_invitation,
    gen_response,
    gen_user,
    gen_wave,
    rep_questionnaire,
)
from tests.security.checks import ATTRIBUTE, CLOSE_SCRIPT, SCRIPT, SCRIPT_URL
from tests.security.pages import Fetched, fetch, form_on, read_page, submit
from tests.survey.journey import item_fields, pages_of

HOSTILE_ORGANISATION = f"{CLOSE_SCRIPT}{ATTRIBUTE} Acme"
HOSTILE_TOP = f"{ATTRIBUTE} Global"
HOSTILE_CHILD = "<svg onload=alert(1)> France"
HOSTILE_PRODUCT = "=1+2 Product"
HOSTILE_ROSTER_TEAM = "@SUM(1+1) <b onmouseover=alert(1)>Paris"
HOSTILE_ASSESSMENT = f"{CLOSE_SCRIPT}{ATTRIBUTE} {SCRIPT_URL}"
HOSTILE_WAVE_BEFORE = f"+1 {ATTRIBUTE} {SCRIPT}"
HOSTILE_WAVE_NOW = f"-1+2 {CLOSE_SCRIPT}"
HOSTILE_LADDER_WORDS = f"=1+2 {CLOSE_SCRIPT} {ATTRIBUTE}"
HOSTILE_EMAILS = (
    f"{SCRIPT}@evil.example",
    '"><img/src=x/onerror=alert(1)>@evil.example',
    "=1+2@evil.example",
)
HOSTILE_TEAM_NAMES = (HOSTILE_TOP, HOSTILE_CHILD, HOSTILE_PRODUCT, HOSTILE_ROSTER_TEAM)
HOSTILE_NAMES = (
    HOSTILE_ORGANISATION,
    *HOSTILE_TEAM_NAMES,
    HOSTILE_ASSESSMENT,
    HOSTILE_WAVE_BEFORE,
    HOSTILE_WAVE_NOW,
)
ANSWERS_PER_TEAM = 4
MIN_GROUP_SIZE = 3


@dataclass
class Hostile:
    """The hostile organisation, its users' logged-in clients, and the rep pages seen."""

    app: Flask
    organisation: Organisation
    assessment: Assessment
    waves: dict[str, Wave]
    teams: dict[str, Team]
    users: dict[str, User]
    clients: dict[str, FlaskClient]
    team_token: str
    people: dict[str, Person]
    rep_pages: list[Fetched]

    @property
    def base(self) -> str:
        return f"/clients/{self.organisation.id}"

    @property
    def wave_url(self) -> str:
        wave = self.waves["now"]
        return f"{self.base}/assessments/{self.assessment.id}/waves/{wave.id}"


# The roster import refuses addresses a mail header would misread, so the file carries plain
# stand-ins; the hostile addresses are then written straight into the database, as data from an
# older version or another tool could hold them, to check that every page still escapes them.
STAND_INS = ("one@acme.example", "two@acme.example", "three@acme.example")


def roster_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["team path", "e-mail", "role"])
    writer.writerow([f"{HOSTILE_TOP}/{HOSTILE_ROSTER_TEAM}", STAND_INS[0], "rep"])
    writer.writerow([f"{HOSTILE_TOP}/{HOSTILE_CHILD}", STAND_INS[1], "rep"])
    writer.writerow([HOSTILE_PRODUCT, STAND_INS[2], "manager"])
    return out.getvalue().encode()


def make_addresses_hostile(dbs: Session) -> None:
    for plain, hostile in zip(STAND_INS, HOSTILE_EMAILS, strict=True):
        dbs.scalar(select(Person).where(Person.email == plain)).email = hostile
    dbs.commit()


def _ok(response, *statuses: int):
    assert response.status_code in statuses, (
        response.status_code,
        response.get_data(as_text=True)[-1500:],
    )
    return response


def _local(when) -> str:
    return when.strftime("%Y-%m-%dT%H:%M")


def gen_hostile_org(app: Flask, dbs: Session) -> Hostile:
    """Enter the hostile texts through the consultant's forms, add answers, answer as a rep."""
    users = {
        "admin": gen_user(dbs, "admin@example.com", "admin"),
        "consultant": gen_user(dbs, "c@example.com", "consultant"),
    }
    consultant = app.test_client()
    _ok(login(consultant, "c@example.com"), 302)
    _ok(submit(consultant, form_on(consultant, "/clients/new"), name=HOSTILE_ORGANISATION), 302)
    organisation = dbs.scalar(select(Organisation).where(Organisation.name == HOSTILE_ORGANISATION))
    base = f"/clients/{organisation.id}"

    def add_team(name: str, parent: Team | None, department: str = "sales") -> Team:
        form = form_on(consultant, f"{base}/teams/new")
        parent_id = str(parent.id) if parent else ""
        _ok(submit(consultant, form, name=name, parent=parent_id, department=department), 302)
        return dbs.scalar(select(Team).where(Team.name == name))

    top = add_team(HOSTILE_TOP, None)
    child = add_team("France", top)
    edit = form_on(consultant, f"{base}/teams/{child.id}/edit")
    _ok(submit(consultant, edit, name=HOSTILE_CHILD), 302)  # a rename
    add_team(HOSTILE_PRODUCT, None, "product")
    upload = form_on(consultant, f"{base}/roster")
    sent = consultant.post(
        f"{base}/roster",
        data={**upload.fields, "roster": (io.BytesIO(roster_csv()), f"{SCRIPT}.csv")},
        content_type="multipart/form-data",
    )
    _ok(sent, 302)
    _ok(submit(consultant, form_on(consultant, f"{base}/roster/preview", "/confirm")), 302)
    make_addresses_hostile(dbs)
    teams = {name: dbs.scalar(select(Team).where(Team.name == name)) for name in HOSTILE_TEAM_NAMES}

    assessment_form = form_on(consultant, f"{base}/assessments/new")
    values = {
        "name": HOSTILE_ASSESSMENT,
        "min_group_size": str(MIN_GROUP_SIZE),
        "mode": "confidential",
        "rep_questionnaire": "rep-mindset:1",  # the version its answers are written for
    }
    _ok(submit(consultant, assessment_form, **values), 302)
    assessment = dbs.scalar(select(Assessment).where(Assessment.name == HOSTILE_ASSESSMENT))
    assessment_url = f"{base}/assessments/{assessment.id}"
    gen_wave(dbs, assessment, -timedelta(days=60), timedelta(days=30), HOSTILE_WAVE_BEFORE)
    now = utcnow()
    times = {
        "opens_at": _local(now + timedelta(hours=2)),
        "closes_at": _local(now + timedelta(days=14)),
    }
    wave_form = form_on(consultant, f"{assessment_url}/waves/new")
    _ok(submit(consultant, wave_form, name=HOSTILE_WAVE_NOW, **times), 302)
    dbs.expire_all()
    waves = {
        "before": dbs.scalar(select(Wave).where(Wave.name == HOSTILE_WAVE_BEFORE)),
        "now": dbs.scalar(select(Wave).where(Wave.name == HOSTILE_WAVE_NOW)),
    }
    wave_url = f"{assessment_url}/waves/{waves['now'].id}"
    _ok(submit(consultant, form_on(consultant, f"{wave_url}/open", "/open")), 302)

    for number, wave in enumerate(waves.values()):
        for team in teams.values():
            for _ in range(ANSWERS_PER_TEAM):
                gen_response(dbs, wave, team, 3 + 2 * number, words=HOSTILE_LADDER_WORDS)
    # An interim release of the open wave, so that its figures, charts and exports exist.
    _ok(submit(consultant, form_on(consultant, f"{wave_url}/release", "/release")), 302)
    users["manager"] = gen_user(dbs, "m@example.com", "manager", team=top)

    link_form = form_on(consultant, f"{wave_url}/invitations", "/team-links")
    made = _ok(submit(consultant, link_form, **{"link-team": str(top.id)}), 201)
    (link,) = links_in(made.get_data(as_text=True))
    invite_form = form_on(consultant, f"{wave_url}/invitations", "/invitations")
    everyone = {"invite-team": "0", "invite-delivery": "email"}
    _ok(submit(consultant, invite_form, **everyone), 303)
    clients = {"consultant": consultant}
    for role in ("admin", "manager"):
        clients[role] = app.test_client()
        _ok(login(clients[role], users[role].email), 302)
    token = path_of(link).removeprefix("/r/")
    people = {person.email: person for person in dbs.scalars(select(Person))}
    rep_pages = answer_with_hostile_words(app, token)
    return Hostile(
        app, organisation, assessment, waves, teams, users, clients, token, people, rep_pages
    )


def answer_with_hostile_words(app: Flask, token: str) -> list[Fetched]:
    """Answer through a team link with hostile ladder words; every rep page seen on the way."""
    rep = app.test_client()
    seen = [fetch(rep, f"/r/{token}")]
    pages = pages_of(rep_questionnaire())
    for page in pages:
        url = f"/r/{token}/{page.number}"
        shown = fetch(rep, url)
        seen.append(shown)
        form = next(f for f in read_page(url, shown.body)[1] if f.method == "POST")
        if page.kind == "ladder":  # two steps: the second quotes the hostile first one
            words = {"ladder-words": HOSTILE_LADDER_WORDS, "ladder-kind": "customers"}
            _ok(submit(rep, form, action="deeper", **words), 302)
            second = fetch(rep, f"{url}?step=2")
            seen.append(second)
            form = next(f for f in read_page(url, second.body)[1] if f.method == "POST")
            words = {"ladder-words": SCRIPT_URL, "ladder-kind": "society"}
            _ok(submit(rep, form, action="stop", **words), 302)
            seen.append(fetch(rep, url))  # the saved words, shown again
            continue
        data = item_fields(page) if page.kind == "items" else {}
        last = page.number == len(pages)
        _ok(submit(rep, form, action="submit" if last else "next", **data), 302)
    seen.append(fetch(rep, "/thanks"))
    return seen


def gen_hostile_invitation(dbs: Session, hostile: Hostile) -> str:
    """A new single-use link to the hostile organisation's open wave, for its top team."""
    return gen_invitation(dbs, hostile.waves["now"], hostile.teams[HOSTILE_TOP])
