"""One access layer (``survey.access``): consultant-only blueprints refuse everyone else on every
route, every refusal is audited with the organisation it concerns, and blueprints stay apart.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from survey import access
from survey.models import AuditEvent
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.factories import ReferenceOrg

CONSULTANT_ONLY = ("campaigns", "clients", "quality", "reports", "rights", "users", "words")
SHARED_BY_EVERYONE = ("api", "auth", "dashboard", "main", "plans", "rep", "sso")
SURVEY = Path(__file__).resolve().parents[2] / "survey"
APP_ASSEMBLY = ("__init__.py", "cli.py", "wsgi.py")  # they put the blueprints together
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def consultant_routes(app: Flask, org: ReferenceOrg) -> list[tuple[str, str, str]]:
    """(blueprint, method, path) of every route of the consultant-only blueprints."""
    values = {
        "organisation_id": org.organisation.id,
        "assessment_id": org.assessment.id,
        "wave_id": org.waves[-1].id,
        "team_id": org.teams["France"].id,
        "batch_id": 1,
        "job_id": 1,
        "person_id": 1,
        "user_id": org.users["global manager"].id,
        "name": "scores",
        "key": "rep-mindset",
        "version": 1,
    }
    found = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if blueprint not in CONSULTANT_ONLY:
            continue
        path = PARAMETER.sub(lambda match: str(values[match.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((blueprint, method, path))
    return found


def refusals(dbs) -> list[AuditEvent]:
    dbs.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == "access.refused")
    return list(dbs.scalars(query.order_by(AuditEvent.id)))


def test_every_route_of_a_consultant_only_blueprint_refuses_a_manager(app, dbs, reference_org):
    org = reference_org
    routes = consultant_routes(app, org)
    assert {blueprint for blueprint, _method, _path in routes} == set(CONSULTANT_ONLY)
    client = app.test_client()
    login(client, org.users["global manager"].email)
    token = csrf_from(client.get("/").get_data(as_text=True))  # the logout button's
    for _blueprint, method, path in routes:
        response = client.open(path, method=method, data={"csrf_token": token, "name": "x"})
        assert response.status_code == 404, (method, path)
    events = refusals(dbs)
    assert len(events) == len(routes)
    assert {event.user_email for event in events} == {org.users["global manager"].email}
    for (_blueprint, _method, path), event in zip(routes, events, strict=True):
        assert event.target == f"consultant page {path}"
        naming = rf"/(clients|users/invite/roster|users/\d+/organisations)/{org.organisation.id}"
        named = re.match(naming + "(/|$)", path) is not None
        assert event.organisation_id == (org.organisation.id if named else None), path


def test_every_page_of_a_consultant_only_blueprint_sends_a_visitor_to_login(app, reference_org):
    client = app.test_client()
    routes = consultant_routes(app, reference_org)
    pages = [path for _blueprint, method, path in routes if method == "GET"]
    assert pages
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path


def test_only_the_consultant_only_blueprints_carry_the_guard(app):
    guarded = {
        blueprint
        for blueprint, hooks in app.before_request_funcs.items()
        if any(hook.__name__ == "consultants_only_guard" for hook in hooks)
    }
    assert guarded == set(CONSULTANT_ONLY)
    assert set(app.blueprints) == set(CONSULTANT_ONLY) | set(SHARED_BY_EVERYONE)
    assert access.CONSULTING_ROLES == ("admin", "consultant")


def test_a_manager_still_reaches_their_dashboard_and_the_api(app, reference_org):
    org = reference_org
    client = app.test_client()
    login(client, org.users["global manager"].email)
    team = org.teams["France"].id
    assert client.get(f"/dashboard/{org.assessment.id}/{team}").status_code == 200
    assert client.get(f"/api/v1/assessments/{org.assessment.id}/teams/{team}").status_code == 200


@pytest.mark.parametrize(
    ("who", "path", "kind", "concerns"),
    [
        # another client's consultant: the organisation asked for
        ("rival consultant", "/clients/{org}", "organisation {org}", "org"),
        (
            "rival consultant",
            "/clients/{org}/assessments/{assessment}/report",
            "organisation {org}",
            "org",
        ),
        # the organisation's consultant, naming another client's team: the one in the URL
        ("consultant", "/clients/{org}/teams/{rival_team}/edit", "team {rival_team}", "org"),
        # a manager's dashboard of another client's assessment: that client
        (
            "global manager",
            "/dashboard/{rival_assessment}/{rival_team}",
            "assessment {rival_assessment}",
            "rival",
        ),
        # an organisation that does not exist: none
        ("consultant", "/clients/999999", "organisation 999999", None),
    ],
)
def test_a_refusal_is_audited_with_the_organisation_it_concerns(
    app, dbs, reference_org, who, path, kind, concerns
):
    org = reference_org
    ids = {
        "org": org.organisation.id,
        "assessment": org.assessment.id,
        "rival_team": org.rival_team.id,
        "rival_assessment": org.rival_assessment.id,
    }
    user = org.users[who]
    client = app.test_client()
    login(client, user.email)
    assert client.get(path.format(**ids)).status_code == 404
    (event,) = refusals(dbs)
    assert (event.user_email, event.target) == (user.email, kind.format(**ids))
    expected = {"org": org.organisation.id, "rival": org.rival.id, None: None}[concerns]
    assert event.organisation_id == expected


def test_one_function_answers_for_each_object(app, dbs, reference_org):
    org = reference_org
    consultant = org.users["consultant"]
    with app.test_request_context():
        found = access.organisation_or_404(dbs, consultant, org.organisation.id)
        assessment = access.assessment_or_404(dbs, consultant, org.assessment.id, found)
        assert access.wave_or_404(dbs, consultant, assessment, org.waves[0].id) == org.waves[0]
        assert access.default_wave(assessment) == org.waves[-1]  # the latest that has opened
        assert access.chosen_wave(dbs, consultant, assessment, None) == org.waves[-1]
        assert access.chosen_team(dbs, consultant, assessment, "") is None
        france = str(org.teams["France"].id)
        assert access.chosen_team(dbs, consultant, assessment, france) == org.teams["France"]
        for refused in (
            lambda: access.organisation_or_404(dbs, consultant, org.rival.id),
            lambda: access.assessment_or_404(
                dbs, org.users["admin"], org.rival_assessment.id, found
            ),
            lambda: access.team_or_404(dbs, consultant, org.rival_team.id),
            lambda: access.chosen_wave(dbs, consultant, assessment, "abc"),
            lambda: access.selection_or_404(
                dbs, consultant, org.assessment.id, org.rival_team.id, None
            ),
        ):
            with pytest.raises(NotFound):
                refused()


def test_audit_scope_is_everything_for_an_admin_and_the_clients_for_a_consultant(
    dbs, reference_org
):
    users = reference_org.users
    assert access.audit_scope(dbs, users["admin"]) is None
    assert access.audit_scope(dbs, users["consultant"]) == {reference_org.organisation.id}
    assert access.audit_scope(dbs, users["idle consultant"]) == set()


def blueprint_packages() -> set[str]:
    return {
        path.parent.name
        for path in SURVEY.glob("*/__init__.py")
        if "Blueprint(" in path.read_text(encoding="utf-8")
    }


def imported_modules(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def test_blueprints_import_nothing_of_each_other_and_shared_code_no_blueprint():
    blueprints = blueprint_packages()
    assert set(CONSULTANT_ONLY) | {"dashboard", "api"} <= blueprints
    shared = [
        *(SURVEY / "aggregates").glob("*.py"),
        *(SURVEY / "releases").glob("*.py"),
        *(SURVEY / "accounts").glob("*.py"),
        *(path for path in SURVEY.glob("*.py") if path.name not in APP_ASSEMBLY),
    ]
    crossings = []
    for path in sorted(SURVEY.rglob("*.py")):
        parts = path.relative_to(SURVEY).parts
        own = parts[0] if len(parts) > 1 and parts[0] in blueprints else None
        if own is None and path not in shared:
            continue
        for module in imported_modules(path):
            names = module.split(".")
            if names[0] == "survey" and len(names) > 1 and names[1] in blueprints - {own}:
                crossings.append(f"{path.relative_to(SURVEY)} imports {module}")
    assert crossings == []
