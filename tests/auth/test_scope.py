"""Scope: managers see their subtree, consultants their organisations, admins all; else 404."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from survey import access
from survey.db import db
from survey.models import Team
from survey.models._columns import utcnow
from tests.auth.helpers import login
from tests.conftest import without_csrf
from tests.factories import gen_team, gen_user


@pytest.fixture
def teams(dbs, reference_org) -> dict[str, Team]:
    """The reference teams, a closed (archived) Lyon below France, and the rival's HQ."""
    france = reference_org.teams["France"]
    lyon = gen_team(dbs, reference_org.organisation, "Lyon (closed)", france)
    lyon.archived_at = utcnow()
    dbs.commit()
    return {**reference_org.teams, "Lyon (closed)": lyon, "HQ": reference_org.rival_team}


def names(things) -> list[str]:
    return [thing.name for thing in things]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", ["Acme Solar", "Zenith Wind"]),
        ("consultant", ["Acme Solar"]),
        ("idle consultant", []),
        ("france manager", ["Acme Solar"]),
    ],
)
def test_organisations_and_assessments_in_scope(dbs, reference_org, who, expected):
    user = reference_org.users[who]
    assert names(access.organisations_in_scope(dbs, user)) == expected
    assessments = access.assessments_in_scope(dbs, user)
    assert sorted(a.organisation.name for a in assessments) == expected


@pytest.mark.parametrize(
    ("who", "organisation", "expected"),
    [
        ("france manager", "organisation", ["France"]),
        ("global manager", "organisation", ["Global"]),
        ("france manager", "rival", []),
        ("consultant", "organisation", ["Global", "Product"]),
        ("consultant", "rival", []),
        ("idle consultant", "organisation", []),
        ("admin", "rival", ["HQ"]),
    ],
)
def test_scope_root_teams(dbs, reference_org, who, organisation, expected):
    organisation_id = getattr(reference_org, organisation).id
    assert (
        names(access.scope_root_teams(dbs, reference_org.users[who], organisation_id)) == expected
    )


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("france manager", {"France", "Paris"}),
        ("global manager", {"Global", "France", "Paris", "Spain"}),
        ("consultant", {"Global", "France", "Paris", "Spain", "Product"}),
        ("idle consultant", set()),
        ("admin", {"Global", "France", "Paris", "Spain", "Product", "HQ"}),
    ],
)
def test_team_in_scope(dbs, teams, reference_org, who, visible):
    user = reference_org.users[who]
    seen = {name for name, team in teams.items() if access.team_in_scope(dbs, user, team)}
    assert seen == visible
    ids = access.team_ids_in_scope(dbs, user, reference_org.organisation.id)
    assert ids == {teams[name].id for name in visible - {"HQ"}}


def test_a_manager_of_an_archived_team_sees_nothing(dbs, teams, reference_org):
    manager = gen_user(dbs, "ly@acme.example", "manager", team=teams["Lyon (closed)"])
    assert access.organisations_in_scope(dbs, manager) == []
    assert access.team_ids_in_scope(dbs, manager, reference_org.organisation.id) == set()


def test_an_unknown_role_sees_nothing_but_an_error(dbs, reference_org):
    user = gen_user(dbs, "x@example.com", "auditor")
    with pytest.raises(
        ValueError, match=r"^Unknown role 'auditor'; expected admin, consultant or manager\.$"
    ):
        access.organisations_in_scope(dbs, user)


def test_get_or_404_returns_what_is_in_scope(app, dbs, teams, reference_org):
    manager = reference_org.users["france manager"]
    with app.app_context():
        assert access.team_or_404(dbs, manager, teams["Paris"].id).name == "Paris"
        assessment = access.assessment_or_404(dbs, manager, reference_org.assessment.id)
        assert assessment.id == reference_org.assessment.id
        wave = access.wave_or_404(dbs, manager, assessment, reference_org.waves[-1].id)
        assert wave.id == reference_org.waves[-1].id


@pytest.mark.parametrize(
    ("who", "team"),
    [
        ("france manager", "Spain"),
        ("france manager", "Global"),
        ("france manager", "HQ"),
        ("consultant", "HQ"),
        ("admin", "Lyon (closed)"),
    ],
)
def test_get_team_or_404_refuses_teams_outside_the_scope(app, dbs, teams, reference_org, who, team):
    with app.app_context(), pytest.raises(NotFound):
        access.team_or_404(dbs, reference_org.users[who], teams[team].id)


@pytest.mark.parametrize("missing_id", [0, 987_654, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30])
def test_get_or_404_refuses_ids_that_do_not_exist(app, dbs, reference_org, missing_id):
    admin = reference_org.users["admin"]
    with app.app_context():
        for get in (access.team_or_404, access.assessment_or_404):
            with pytest.raises(NotFound):
                get(dbs, admin, missing_id)
        with pytest.raises(NotFound):
            access.wave_or_404(dbs, admin, reference_org.assessment, missing_id)


def test_get_assessment_and_wave_or_404_refuse_other_organisations(app, dbs, reference_org):
    consultant = reference_org.users["consultant"]
    admin = reference_org.users["admin"]
    with app.app_context():
        with pytest.raises(NotFound):
            access.assessment_or_404(dbs, consultant, reference_org.rival_assessment.id)
        with pytest.raises(NotFound):  # a wave of another assessment, even for an admin
            access.wave_or_404(dbs, admin, reference_org.assessment, reference_org.rival_wave.id)
        with pytest.raises(NotFound):  # an assessment passed in that is outside the scope
            access.wave_or_404(
                dbs, consultant, reference_org.rival_assessment, reference_org.rival_wave.id
            )


TEAM_PAGE = "/teams-for-tests/<int:team_id>"


@pytest.fixture
def team_page(app: Flask) -> Flask:
    """A page that shows one team through ``access.team_or_404``, added before the first request."""

    @login_required
    def show(team_id: int):
        team = access.team_or_404(db.session, current_user, team_id)
        return render_template_string("<h1>{{ team.name }}</h1>", team=team)

    app.add_url_rule(TEAM_PAGE, "team_for_tests", show)
    return app


def test_a_team_outside_the_scope_and_a_missing_one_get_the_same_404(
    team_page, client, teams, caplog
):
    login(client, "f@example.com")
    assert client.get(f"/teams-for-tests/{teams['Paris'].id}").status_code == 200

    foreign = client.get(f"/teams-for-tests/{teams['Spain'].id}")
    missing = client.get("/teams-for-tests/987654")
    huge = client.get(f"/teams-for-tests/{10**30}")

    assert foreign.status_code == missing.status_code == huge.status_code == 404
    # The header's logout form carries a CSRF token signed with the current second.
    bodies = [without_csrf(page.get_data(as_text=True)) for page in (foreign, missing, huge)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert "Spain" not in bodies[0]
    assert "Refused access: user" in caplog.text


def test_an_anonymous_visitor_of_a_team_page_is_sent_to_login(team_page, client, teams):
    response = client.get(f"/teams-for-tests/{teams['Paris'].id}")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
