"""Scope: managers see their subtree, consultants their organisations, admins all; else 404."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask, render_template_string
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from survey import scope
from survey.db import db
from survey.models import Assessment, Organisation, Team, User, Wave
from survey.models._columns import utcnow
from tests.auth.helpers import login, make_user
from tests.factories import rep_questionnaire

CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]+"')


@dataclass
class Clients:
    """Two organisations: Acme (Global > France > Paris, Global > Germany, Product) and Zenith."""

    acme: Organisation
    zenith: Organisation
    teams: dict[str, Team]
    acme_assessment: Assessment
    zenith_assessment: Assessment
    acme_wave: Wave
    zenith_wave: Wave
    users: dict[str, User]


def _assessment(organisation: Organisation) -> tuple[Assessment, Wave]:
    questionnaire = rep_questionnaire()
    assessment = Assessment(
        organisation=organisation,
        name=f"{organisation.name} mindset",
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    now = utcnow()
    wave = Wave(
        assessment=assessment,
        name="Wave 1",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=9),
    )
    return assessment, wave


@pytest.fixture
def world(dbs) -> Clients:
    acme, zenith = Organisation(name="Acme Solar"), Organisation(name="Zenith Wind")
    dbs.add_all([acme, zenith])
    dbs.flush()

    def team(name: str, organisation: Organisation, parent: Team | None = None) -> Team:
        node = Team(organisation_id=organisation.id, name=name, parent=parent)
        dbs.add(node)
        return node

    teams = {"Global": team("Global", acme)}
    teams["France"] = team("France", acme, teams["Global"])
    teams["Paris"] = team("Paris", acme, teams["France"])
    teams["Lyon (closed)"] = team("Lyon (closed)", acme, teams["France"])
    teams["Lyon (closed)"].archived_at = utcnow()
    teams["Germany"] = team("Germany", acme, teams["Global"])
    teams["Product"] = team("Product", acme)
    teams["Zenith HQ"] = team("Zenith HQ", zenith)
    acme_assessment, acme_wave = _assessment(acme)
    zenith_assessment, zenith_wave = _assessment(zenith)
    dbs.add_all([acme_assessment, zenith_assessment])
    dbs.commit()
    users = {
        "admin": make_user(dbs, "admin@survey.example", "admin"),
        "acme consultant": make_user(dbs, "c1@survey.example", "consultant", organisations=[acme]),
        "idle consultant": make_user(dbs, "c2@survey.example", "consultant"),
        "france manager": make_user(dbs, "fr@acme.example", "manager", team=teams["France"]),
        "global manager": make_user(dbs, "gl@acme.example", "manager", team=teams["Global"]),
    }
    return Clients(
        acme,
        zenith,
        teams,
        acme_assessment,
        zenith_assessment,
        acme_wave,
        zenith_wave,
        users,
    )


def names(things) -> list[str]:
    return [thing.name for thing in things]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ["Acme Solar", "Zenith Wind"]),
        ("acme consultant", ["Acme Solar"]),
        ("idle consultant", []),
        ("france manager", ["Acme Solar"]),
    ],
)
def test_organisations_and_assessments_in_scope(dbs, world, who, expected):
    user = world.users[who]
    assert names(scope.organisations_in_scope(dbs, user)) == expected
    assessments = scope.assessments_in_scope(dbs, user)
    assert sorted(a.organisation.name for a in assessments) == expected


@pytest.mark.parametrize(
    ("who", "organisation", "expected"),
    [
        ("france manager", "acme", ["France"]),
        ("global manager", "acme", ["Global"]),
        ("france manager", "zenith", []),
        ("acme consultant", "acme", ["Global", "Product"]),
        ("acme consultant", "zenith", []),
        ("idle consultant", "acme", []),
        ("admin", "zenith", ["Zenith HQ"]),
    ],
)
def test_scope_root_teams(dbs, world, who, organisation, expected):
    organisation_id = getattr(world, organisation).id
    assert names(scope.scope_root_teams(dbs, world.users[who], organisation_id)) == expected


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("france manager", {"France", "Paris"}),
        ("global manager", {"Global", "France", "Paris", "Germany"}),
        ("acme consultant", {"Global", "France", "Paris", "Germany", "Product"}),
        ("idle consultant", set()),
        ("admin", {"Global", "France", "Paris", "Germany", "Product", "Zenith HQ"}),
    ],
)
def test_team_in_scope(dbs, world, who, visible):
    user = world.users[who]
    seen = {name for name, team in world.teams.items() if scope.team_in_scope(dbs, user, team)}
    assert seen == visible
    ids = scope.team_ids_in_scope(dbs, user, world.acme.id)
    assert ids == {world.teams[name].id for name in visible - {"Zenith HQ"}}


def test_a_manager_of_an_archived_team_sees_nothing(dbs, world):
    manager = make_user(dbs, "ly@acme.example", "manager", team=world.teams["Lyon (closed)"])
    assert scope.organisations_in_scope(dbs, manager) == []
    assert scope.team_ids_in_scope(dbs, manager, world.acme.id) == set()


def test_an_unknown_role_sees_nothing_but_an_error(dbs, world):
    user = make_user(dbs, "x@survey.example", "auditor")
    with pytest.raises(
        ValueError, match=r"^Unknown role 'auditor'; expected admin, consultant or manager\.$"
    ):
        scope.organisations_in_scope(dbs, user)


def test_get_or_404_returns_what_is_in_scope(app, dbs, world):
    manager = world.users["france manager"]
    with app.app_context():
        assert scope.get_team_or_404(dbs, manager, world.teams["Paris"].id).name == "Paris"
        assessment = scope.get_assessment_or_404(dbs, manager, world.acme_assessment.id)
        assert assessment.id == world.acme_assessment.id
        wave = scope.get_wave_or_404(dbs, manager, assessment, world.acme_wave.id)
        assert wave.id == world.acme_wave.id


@pytest.mark.parametrize(
    ("who", "team"),
    [
        ("france manager", "Germany"),
        ("france manager", "Global"),
        ("france manager", "Zenith HQ"),
        ("acme consultant", "Zenith HQ"),
        ("admin", "Lyon (closed)"),
    ],
)
def test_get_team_or_404_refuses_teams_outside_the_scope(app, dbs, world, who, team):
    with app.app_context(), pytest.raises(NotFound):
        scope.get_team_or_404(dbs, world.users[who], world.teams[team].id)


@pytest.mark.parametrize("missing_id", [0, 987_654, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30])
def test_get_or_404_refuses_ids_that_do_not_exist(app, dbs, world, missing_id):
    admin = world.users["admin"]
    with app.app_context():
        for get in (scope.get_team_or_404, scope.get_assessment_or_404):
            with pytest.raises(NotFound):
                get(dbs, admin, missing_id)
        with pytest.raises(NotFound):
            scope.get_wave_or_404(dbs, admin, world.acme_assessment, missing_id)


def test_get_assessment_and_wave_or_404_refuse_other_organisations(app, dbs, world):
    consultant = world.users["acme consultant"]
    admin = world.users["admin"]
    with app.app_context():
        with pytest.raises(NotFound):
            scope.get_assessment_or_404(dbs, consultant, world.zenith_assessment.id)
        with pytest.raises(NotFound):  # a wave of another assessment, even for an admin
            scope.get_wave_or_404(dbs, admin, world.acme_assessment, world.zenith_wave.id)
        with pytest.raises(NotFound):  # an assessment passed in that is outside the scope
            scope.get_wave_or_404(dbs, consultant, world.zenith_assessment, world.zenith_wave.id)


TEAM_PAGE = "/teams-for-tests/<int:team_id>"


@pytest.fixture
def team_page(app: Flask) -> Flask:
    """A page that shows one team through ``get_team_or_404``, added before the first request."""

    @login_required
    def show(team_id: int):
        team = scope.get_team_or_404(db.session, current_user, team_id)
        return render_template_string("<h1>{{ team.name }}</h1>", team=team)

    app.add_url_rule(TEAM_PAGE, "team_for_tests", show)
    return app


def test_a_team_outside_the_scope_and_a_missing_one_get_the_same_404(
    team_page, client, world, caplog
):
    login(client, "fr@acme.example")
    assert client.get(f"/teams-for-tests/{world.teams['Paris'].id}").status_code == 200

    foreign = client.get(f"/teams-for-tests/{world.teams['Germany'].id}")
    missing = client.get("/teams-for-tests/987654")
    huge = client.get(f"/teams-for-tests/{10**30}")

    assert foreign.status_code == missing.status_code == huge.status_code == 404
    # The header's logout form carries a CSRF token signed with the current second.
    bodies = [CSRF_VALUE.sub("", page.get_data(as_text=True)) for page in (foreign, missing, huge)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert "Germany" not in bodies[0]
    assert "Refused access: user" in caplog.text


def test_an_anonymous_visitor_of_a_team_page_is_sent_to_login(team_page, client, world):
    response = client.get(f"/teams-for-tests/{world.teams['Paris'].id}")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
