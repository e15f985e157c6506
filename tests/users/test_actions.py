"""A user's page and its actions: resend, disable, re-enable, role, scope, unassign; each
checked on the server, audited, and refused to those who may not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AccountLink, AuditEvent
from survey.models._columns import utcnow
from survey.tokens import token_hash
from survey.users import managing
from tests.auth.helpers import login
from tests.factories import gen_user
from tests.users.helpers import events, links_of, post, text, token_in, user_by_email


def invited_manager(consultant_client, reference_org, mailing, email="inv@example.com"):
    team = str(reference_org.teams["Spain"].id)
    response = post(consultant_client, "/users/invite", email=email, role="manager", team=team)
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_page_shows_the_details_and_the_actions(reference_org, consultant_client):
    manager = reference_org.users["france manager"]
    page = text(consultant_client.get(f"/users/{manager.id}"))
    assert "Acme Solar: Global/France" in page and "Disable…" in page
    assert "Change the role" not in page  # admins only
    colleague = text(consultant_client.get(f"/users/{reference_org.users['consultant'].id}"))
    assert "Disable…" not in colleague and "Actions" not in colleague


@pytest.mark.parametrize("who", ["rival consultant", "admin"])
def test_a_consultant_gets_404_for_users_out_of_reach(dbs, reference_org, consultant_client, who):
    user = reference_org.users[who]
    if who == "rival consultant":
        user = gen_user(dbs, "z@example.com", "manager", team=reference_org.rival_team)
    for path in (f"/users/{user.id}", f"/users/{user.id}/disable", f"/users/{user.id}/scope"):
        assert consultant_client.get(path).status_code == 404, path
    for action in ("disable", "enable", "resend", "scope", "role"):
        assert post(consultant_client, f"/users/{user.id}/{action}").status_code == 404, action
    assert user_by_email(dbs, user.email).disabled_at is None
    refused = events(dbs, "access.refused")
    assert refused and all(event.target == f"user {user.id}" for event in refused)


def test_a_consultant_cannot_act_on_another_consultant(dbs, reference_org, consultant_client):
    colleague = gen_user(
        dbs, "c2@example.com", "consultant", organisations=[reference_org.organisation]
    )
    assert consultant_client.get(f"/users/{colleague.id}").status_code == 200
    assert post(consultant_client, f"/users/{colleague.id}/disable").status_code == 404
    assert user_by_email(dbs, "c2@example.com").disabled_at is None


def test_disabling_ends_the_users_sessions_and_links(app, dbs, reference_org, consultant_client):
    manager = reference_org.users["france manager"]
    theirs = app.test_client()
    assert login(theirs, manager.email).status_code == 302
    dashboard = f"/dashboard/{reference_org.assessment.id}/{reference_org.teams['France'].id}"
    assert theirs.get(dashboard).status_code == 200
    dbs.add(
        AccountLink(
            user_id=manager.id,
            purpose="reset",
            token_hash=token_hash("t" * 40),
            expires_at=utcnow().replace(year=2099),
        )
    )
    dbs.commit()
    confirm = consultant_client.get(f"/users/{manager.id}/disable")
    assert confirm.status_code == 200 and "Disable this account" in text(confirm)
    assert post(consultant_client, f"/users/{manager.id}/disable").status_code == 302
    user = user_by_email(dbs, manager.email)
    assert user.status == "disabled"
    after = theirs.get(dashboard)
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
    assert login(app.test_client(), manager.email).status_code != 302
    (link,) = links_of(dbs, user)
    assert link.expires_at <= utcnow()
    (event,) = events(dbs, "user.disabled")
    assert (event.target, event.organisation_id) == (
        f"user {user.id}",
        reference_org.organisation.id,
    )
    assert post(consultant_client, f"/users/{manager.id}/enable").status_code == 302
    assert user_by_email(dbs, manager.email).status == "active"
    assert len(events(dbs, "user.enabled")) == 1
    assert login(app.test_client(), manager.email).status_code == 302


def test_nobody_disables_themselves_or_the_last_admin(dbs, reference_org, admin_client):
    admin = reference_org.users["admin"]
    response = post(admin_client, f"/users/{admin.id}/disable")
    assert response.status_code == 409 and "your own account" in text(response)
    demote = post(
        admin_client,
        f"/users/{admin.id}/role",
        role="manager",
        team=str(reference_org.teams["France"].id),
    )
    assert demote.status_code == 409
    assert user_by_email(dbs, admin.email).role == "admin"
    assert user_by_email(dbs, admin.email).disabled_at is None
    assert events(dbs, "user.disabled") == events(dbs, "user.role_changed") == []


def test_the_last_active_admin_stays_one(app, dbs, reference_org):
    admin = reference_org.users["admin"]
    assert managing.last_active_admin(dbs, admin)
    other = gen_user(dbs, "admin2@example.com", "admin")
    assert not managing.last_active_admin(dbs, admin)
    client = app.test_client()
    login(client, other.email)
    assert post(client, f"/users/{admin.id}/disable").status_code == 302  # two admins: fine
    assert managing.last_active_admin(dbs, user_by_email(dbs, other.email))
    assert "Disable…" not in text(client.get(f"/users/{other.id}"))


def test_an_admin_changes_a_role_with_its_scope(dbs, reference_org, admin_client):
    idle = reference_org.users["idle consultant"]
    france = reference_org.teams["France"]
    response = post(admin_client, f"/users/{idle.id}/role", role="manager", team=str(france.id))
    assert response.status_code == 302
    user = user_by_email(dbs, idle.email)
    assert (user.role, user.team_id, user.organisations) == ("manager", france.id, [])
    (event,) = events(dbs, "user.role_changed")
    assert (event.details["before"], event.details["after"]) == ("consultant", "manager")
    assert post(admin_client, f"/users/{idle.id}/role", role="admin").status_code == 302
    assert user_by_email(dbs, idle.email).team_id is None


def test_a_consultant_cannot_change_a_role(dbs, reference_org, consultant_client):
    manager = reference_org.users["france manager"]
    assert consultant_client.get(f"/users/{manager.id}/role").status_code == 404
    assert post(consultant_client, f"/users/{manager.id}/role", role="admin").status_code == 404
    assert user_by_email(dbs, manager.email).role == "manager"


def test_a_consultant_moves_a_manager_within_their_organisations(
    dbs, reference_org, consultant_client
):
    manager = reference_org.users["paris manager"]
    spain, rival = reference_org.teams["Spain"], reference_org.rival_team
    refused = post(consultant_client, f"/users/{manager.id}/scope", team=str(rival.id))
    assert refused.status_code == 422
    assert post(consultant_client, f"/users/{manager.id}/scope", team="").status_code == 422
    assert user_by_email(dbs, manager.email).team_id == reference_org.teams["Paris"].id
    moved = post(consultant_client, f"/users/{manager.id}/scope", team=str(spain.id))
    assert moved.status_code == 302
    assert user_by_email(dbs, manager.email).team_id == spain.id
    (event,) = events(dbs, "user.scope_changed")
    assert event.details["after"]["team"] == spain.id


def test_an_admin_removes_a_consultant_from_an_organisation(dbs, reference_org, admin_client):
    consultant = reference_org.users["consultant"]
    acme = reference_org.organisation
    path = f"/users/{consultant.id}/organisations/{acme.id}/remove"
    assert f'href="{path}"' in text(admin_client.get(f"/users/{consultant.id}"))
    assert "Remove from Acme Solar" in text(admin_client.get(path))
    assert post(admin_client, path).status_code == 302
    assert user_by_email(dbs, consultant.email).organisations == []
    (event,) = events(dbs, "user.unassigned")
    assert (event.organisation_id, event.target) == (acme.id, f"user {consultant.id}")
    assert post(admin_client, path).status_code == 409


def test_a_consultant_cannot_remove_a_consultant(dbs, reference_org, consultant_client):
    consultant = reference_org.users["consultant"]
    path = f"/users/{consultant.id}/organisations/{reference_org.organisation.id}/remove"
    assert post(consultant_client, path).status_code == 404
    assert len(user_by_email(dbs, consultant.email).organisations) == 1


def test_resending_an_invitation_kills_the_old_link(
    app, dbs, reference_org, consultant_client, mailing
):
    location = invited_manager(consultant_client, reference_org, mailing)
    first = token_in(mailing.messages[0])
    assert post(consultant_client, f"{location}/resend").status_code == 302
    second = token_in(mailing.messages[1])
    assert first != second
    visitor = app.test_client()
    assert visitor.get(f"/welcome/{second}").status_code == 200
    assert visitor.get(f"/welcome/{first}").status_code != 200
    user = user_by_email(dbs, "inv@example.com")
    assert len(events(dbs, "user.reinvited")) == 1
    assert [link.token_hash for link in links_of(dbs, user)][-1] == token_hash(second)


def test_only_an_invited_user_gets_an_invitation_again(dbs, reference_org, consultant_client):
    manager = reference_org.users["france manager"]
    assert post(consultant_client, f"/users/{manager.id}/resend").status_code == 409
    assert links_of(dbs, manager) == []


def test_every_post_without_the_csrf_token_is_refused(dbs, reference_org, admin_client):
    manager = reference_org.users["france manager"]
    acme = reference_org.organisation.id
    consultant = reference_org.users["consultant"].id
    before = dbs.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    for path, data in [
        (f"/users/{manager.id}/disable", {}),
        (f"/users/{manager.id}/enable", {}),
        (f"/users/{manager.id}/resend", {}),
        (f"/users/{manager.id}/role", {"role": "admin"}),
        (f"/users/{manager.id}/scope", {"team": str(reference_org.teams["Spain"].id)}),
        (f"/users/{consultant}/organisations/{acme}/remove", {}),
        ("/users/invite", {"email": "x@example.com", "role": "admin"}),
        (f"/users/invite/roster/{acme}", {"person": ""}),
    ]:
        assert admin_client.post(path, data=data).status_code == 400, path
    user = user_by_email(dbs, manager.email)
    assert (user.role, user.status, user.team_id) == (
        "manager",
        "active",
        reference_org.teams["France"].id,
    )
    assert dbs.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == before
    assert user_by_email(dbs, "x@example.com") is None
