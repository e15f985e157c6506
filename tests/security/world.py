"""An organisation whose every free text is hostile, entered through the app's own forms.

Names carry script tags, attribute breakers, ``javascript:`` URLs, ``</script>`` (for the
JSON-in-script blocks of the charts) and spreadsheet formulas; the roster's e-mails too. Team
names cannot hold ``/`` (it separates a team path), so the ``</script>`` payloads travel in the
organisation's, the assessment's and the waves' names and in the ladder words.
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

from survey.invitations import invite_unnamed
from survey.models import Assessment, Organisation, Person, Team, User, Wave
from survey.models._columns import utcnow
from tests.auth.helpers import login, make_user
from tests.campaigns.helpers import links_in, path_of
from tests.factories import rep_questionnaire
from tests.reports.helpers import add_response
from tests.security.checks import ATTRIBUTE, CLOSE_SCRIPT, SCRIPT, SCRIPT_URL
from tests.security.pages import Fetched, Form, fetch, form_on, read_page, submit
from tests.survey.journey import item_fields, pages_of

ORGANISATION = f"{CLOSE_SCRIPT}{ATTRIBUTE} Acme"
TOP = f"{ATTRIBUTE} Global"
CHILD = "<svg onload=alert(1)> France"
PRODUCT = "=1+2 Product"
ROSTER_TEAM = "@SUM(1+1) <b onmouseover=alert(1)>Paris"
ASSESSMENT = f"{CLOSE_SCRIPT}{ATTRIBUTE} {SCRIPT_URL}"
WAVE_BEFORE = f"+1 {ATTRIBUTE} {SCRIPT}"
WAVE_NOW = f"-1+2 {CLOSE_SCRIPT}"
LADDER_WORDS = f"=1+2 {CLOSE_SCRIPT} {ATTRIBUTE}"
EMAILS = (
    f"{SCRIPT}@evil.example",
    '"><img/src=x/onerror=alert(1)>@evil.example',
    "=1+2@evil.example",
)
TEAM_NAMES = (TOP, CHILD, PRODUCT, ROSTER_TEAM)
NAMES = (ORGANISATION, *TEAM_NAMES, ASSESSMENT, WAVE_BEFORE, WAVE_NOW)
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
    writer.writerow([f"{TOP}/{ROSTER_TEAM}", STAND_INS[0], "rep"])
    writer.writerow([f"{TOP}/{CHILD}", STAND_INS[1], "rep"])
    writer.writerow([PRODUCT, STAND_INS[2], "manager"])
    return out.getvalue().encode()


def make_addresses_hostile(dbs: Session) -> None:
    for plain, hostile in zip(STAND_INS, EMAILS, strict=True):
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


def build(app: Flask, dbs: Session) -> Hostile:
    """Enter the hostile texts through the consultant's forms, add answers, answer as a rep."""
    users = {
        "admin": make_user(dbs, "admin@example.com", "admin"),
        "consultant": make_user(dbs, "c@example.com", "consultant"),
    }
    consultant = app.test_client()
    _ok(login(consultant, "c@example.com"), 302)
    _ok(submit(consultant, form_on(consultant, "/clients/new"), name=ORGANISATION), 302)
    organisation = dbs.scalar(select(Organisation).where(Organisation.name == ORGANISATION))
    base = f"/clients/{organisation.id}"

    def add_team(name: str, parent: Team | None, department: str = "sales") -> Team:
        form = form_on(consultant, f"{base}/teams/new")
        parent_id = str(parent.id) if parent else ""
        _ok(submit(consultant, form, name=name, parent=parent_id, department=department), 302)
        return dbs.scalar(select(Team).where(Team.name == name))

    top = add_team(TOP, None)
    child = add_team("France", top)
    edit = form_on(consultant, f"{base}/teams/{child.id}/edit")
    _ok(submit(consultant, edit, name=CHILD), 302)  # a rename
    add_team(PRODUCT, None, "product")
    upload = form_on(consultant, f"{base}/roster")
    sent = consultant.post(
        f"{base}/roster",
        data={**upload.fields, "roster": (io.BytesIO(roster_csv()), f"{SCRIPT}.csv")},
        content_type="multipart/form-data",
    )
    _ok(sent, 302)
    _ok(submit(consultant, form_on(consultant, f"{base}/roster/preview", "/confirm")), 302)
    make_addresses_hostile(dbs)
    teams = {name: dbs.scalar(select(Team).where(Team.name == name)) for name in TEAM_NAMES}

    assessment_form = form_on(consultant, f"{base}/assessments/new")
    values = {"name": ASSESSMENT, "min_group_size": str(MIN_GROUP_SIZE), "mode": "confidential"}
    _ok(submit(consultant, assessment_form, **values), 302)
    assessment = dbs.scalar(select(Assessment).where(Assessment.name == ASSESSMENT))
    assessment_url = f"{base}/assessments/{assessment.id}"
    now = utcnow()
    dbs.add(
        Wave(
            assessment=assessment,
            name=WAVE_BEFORE,
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=30),
        )
    )
    dbs.commit()
    times = {
        "opens_at": _local(now + timedelta(hours=2)),
        "closes_at": _local(now + timedelta(days=14)),
    }
    wave_form = form_on(consultant, f"{assessment_url}/waves/new")
    _ok(submit(consultant, wave_form, name=WAVE_NOW, **times), 302)
    dbs.expire_all()
    waves = {
        "before": dbs.scalar(select(Wave).where(Wave.name == WAVE_BEFORE)),
        "now": dbs.scalar(select(Wave).where(Wave.name == WAVE_NOW)),
    }
    wave_url = f"{assessment_url}/waves/{waves['now'].id}"
    _ok(submit(consultant, form_on(consultant, f"{wave_url}/open", "/open")), 302)

    for number, wave in enumerate(waves.values()):
        for team in teams.values():
            for _ in range(ANSWERS_PER_TEAM):
                add_response(dbs, wave, team, keyed_value=3 + 2 * number, words=LADDER_WORDS)
    dbs.commit()
    # An interim release of the open wave, so that its figures, charts and exports exist.
    _ok(submit(consultant, form_on(consultant, f"{wave_url}/release", "/release")), 302)
    users["manager"] = make_user(dbs, "m@example.com", "manager", team=top)

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
        if page.kind == "items":
            data = item_fields(page)
        elif page.kind == "ladder":
            data = {
                "ladder-1-target": "customers",
                "ladder-1-words": LADDER_WORDS,
                "ladder-2-target": "society",
                "ladder-2-words": SCRIPT_URL,
            }
        else:
            data = {}
        last = page.number == len(pages)
        _ok(submit(rep, form, action="submit" if last else "next", **data), 302)
        if page.kind == "ladder":
            seen.append(fetch(rep, url))  # the saved words, shown again
    seen.append(fetch(rep, "/thanks"))
    return seen


def seeds(world: Hostile, role: str, reports: bool = True) -> list[str]:
    """Where a crawl as ``role`` starts: the menus, and what only a form or a script reaches.

    ``reports=False`` leaves out the reports (each draws its charts, slowly, for no form).
    """
    teams = [team.id for name, team in world.teams.items() if role != "manager" or name != PRODUCT]
    waves = [wave.id for wave in world.waves.values()]
    assessment = f"{world.base}/assessments/{world.assessment.id}"
    api = f"/api/v1/assessments/{world.assessment.id}/teams"
    urls = ["/dashboard/", "/api/v1/assessments"]
    urls += [f"{api}/{team}?wave={wave}" for team in teams for wave in waves]
    if role == "manager":
        return urls
    urls += ["/clients/", "/audit/", f"{world.wave_url}/rates.json", f"{world.wave_url}/rates"]
    urls += [f"{world.wave_url}/mailings/1.json"]
    if reports:
        urls += [f"{assessment}/report?team={t}&wave={w}" for t in teams for w in waves]
    return urls


def fresh_token(world: Hostile, session: Session) -> str:
    """A new single-use link to the open wave, for the top team."""
    (link,) = invite_unnamed(
        session, world.waves["now"], world.teams[TOP].id, 1, "rep", utcnow(), 30
    )
    session.commit()
    return link.token


def rep_forms(client, token: str) -> list[Form]:
    """The form of every page of the rep's questionnaire, walked with valid answers to the end."""
    forms = []
    for page in pages_of(rep_questionnaire()):
        url = f"/r/{token}/{page.number}"
        (form,) = read_page(url, client.get(url).get_data(as_text=True))[1]
        forms.append(form)
        data = item_fields(page) if page.kind == "items" else {}
        if page.kind == "ladder":
            data = {"ladder-1-target": "customers"}
        if form.fields["action"] == "next":
            assert submit(client, form, **data).status_code == 302
    return forms


def forms_only(url: str) -> bool:
    """Whether a crawl for forms follows ``url``: no downloads, no reports."""
    return ".csv" not in url and "/report" not in url
