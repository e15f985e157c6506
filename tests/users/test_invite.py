"""Inviting a user by e-mail: who may invite whom where, the account and its link, the mail."""

from __future__ import annotations

from survey.models import SingleSignOn
from survey.tokens import token_hash
from tests.factories import gen_organisation, gen_team
from tests.users.conftest import PUBLIC_URL
from tests.users.helpers import (
    count_users,
    events,
    links_of,
    post,
    text,
    token_in,
    user_by_email,
)

NEW = "new.manager@acme.example"


def invite(client, **fields):
    return post(client, "/users/invite", **fields)


def test_a_consultant_invites_a_manager_who_receives_a_working_link(
    app, dbs, reference_org, consultant_client, mailing
):
    france = reference_org.teams["France"]
    page = consultant_client.get("/users/invite")
    assert page.status_code == 200
    assert "Acme Solar: Global/France" in text(page)
    assert "Zenith" not in text(page)
    response = invite(
        consultant_client, email=" New.Manager@Acme.example ", role="manager", team=str(france.id)
    )
    user = user_by_email(dbs, NEW)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/users/{user.id}"
    assert (user.role, user.team_id, user.password_hash, user.status) == (
        "manager",
        france.id,
        None,
        "invited",
    )
    (message,) = mailing.messages
    assert message["To"] == NEW
    body = message.get_content()
    assert f"{PUBLIC_URL}/welcome/" in body and "/sso/" not in body
    token = token_in(message)
    (link,) = links_of(dbs, user)
    assert (link.purpose, link.token_hash, link.used_at) == ("invite", token_hash(token), None)
    assert 6.9 < (link.expires_at - link.created_at).total_seconds() / 86400 <= 7
    assert app.test_client().get(f"/welcome/{token}").status_code == 200
    (event,) = events(dbs, "user.invited")
    assert (event.organisation_id, event.target) == (
        reference_org.organisation.id,
        f"user {user.id}",
    )
    assert event.details["role"] == "manager" and event.details["team"] == france.id
    assert "sent to" in text(consultant_client.get(f"/users/{user.id}"))


def test_the_invitation_gives_the_single_sign_on_address_when_enabled(
    dbs, reference_org, consultant_client, mailing
):
    dbs.add(
        SingleSignOn(
            organisation_id=reference_org.organisation.id,
            slug="acme",
            issuer="https://id.acme.example",
            client_id="x",
            client_secret="y",
        )
    )
    dbs.commit()
    invite(consultant_client, email=NEW, role="manager", team=str(reference_org.teams["Paris"].id))
    (message,) = mailing.messages
    assert f"{PUBLIC_URL}/sso/acme" in message.get_content()


def test_a_consultant_cannot_invite_into_another_organisations_team(
    dbs, reference_org, consultant_client, mailing
):
    before = count_users(dbs)
    response = invite(
        consultant_client, email=NEW, role="manager", team=str(reference_org.rival_team.id)
    )
    assert response.status_code == 422
    assert count_users(dbs) == before and mailing.messages == []
    assert events(dbs, "user.invited") == []


def test_a_consultant_cannot_invite_an_admin_or_a_consultant(
    dbs, reference_org, consultant_client, mailing
):
    before = count_users(dbs)
    team = str(reference_org.teams["France"].id)
    for role in ("admin", "consultant", "owner"):
        fields = {
            "email": NEW,
            "role": role,
            "team": team,
            "organisations": str(reference_org.organisation.id),
        }
        assert invite(consultant_client, **fields).status_code == 422, role
    assert count_users(dbs) == before and mailing.messages == []


def test_an_admin_invites_a_consultant_for_organisations_and_an_admin(
    dbs, reference_org, admin_client, mailing
):
    acme, rival = reference_org.organisation, reference_org.rival
    sent = invite(
        admin_client,
        email="cons@example.com",
        role="consultant",
        organisations=[str(acme.id), str(rival.id)],
        team="",
    )
    assert sent.status_code == 302
    consultant = user_by_email(dbs, "cons@example.com")
    assert {o.id for o in consultant.organisations} == {acme.id, rival.id}
    assert consultant.team_id is None
    assert invite(admin_client, email="boss@example.com", role="admin").status_code == 302
    assert user_by_email(dbs, "boss@example.com").role == "admin"
    assert len(mailing.messages) == 2
    missing = invite(admin_client, email="c2@example.com", role="consultant")
    assert missing.status_code == 422 and "Choose at least one organisation." in text(missing)


def test_a_manager_needs_a_team(dbs, consultant_client, mailing):
    response = invite(consultant_client, email=NEW, role="manager", team="")
    assert response.status_code == 422
    assert "Choose the manager&#39;s team." in text(response)
    assert user_by_email(dbs, NEW) is None


def test_an_existing_or_invalid_email_is_refused(dbs, reference_org, consultant_client, mailing):
    team = str(reference_org.teams["France"].id)
    before = count_users(dbs)
    taken = invite(consultant_client, email="F@example.com", role="manager", team=team)
    assert taken.status_code == 422
    assert "An account with this e-mail already exists." in text(taken)
    for bad in ("", "nobody", "a@localhost", "a b@example.com", "x" * 250 + "@example.com"):
        assert invite(consultant_client, email=bad, role="manager", team=team).status_code == 422
    assert count_users(dbs) == before and mailing.messages == []
    assert user_by_email(dbs, "f@example.com").role == "manager"


def test_a_failed_mail_is_shown_and_the_invitation_can_be_sent_again(
    dbs, reference_org, consultant_client, mailing
):
    email = "someone@refused.example"
    response = invite(
        consultant_client, email=email, role="manager", team=str(reference_org.teams["Spain"].id)
    )
    user = user_by_email(dbs, email)
    assert user is not None and user.status == "invited"
    page = text(consultant_client.get(response.headers["Location"]))
    assert "could not be sent" in page and "Resend the invitation" in page


def test_every_post_needs_the_csrf_token(dbs, reference_org, consultant_client, mailing):
    before = count_users(dbs)
    response = consultant_client.post(
        "/users/invite",
        data={"email": NEW, "role": "manager", "team": str(reference_org.teams["France"].id)},
    )
    assert response.status_code == 400
    assert count_users(dbs) == before and mailing.messages == []


def test_an_admin_offers_every_organisations_active_teams(dbs, reference_org, admin_client):
    other = gen_organisation(dbs, "Other Co")
    gen_team(dbs, other, "Top")
    page = text(admin_client.get("/users/invite"))
    assert "Other Co: Top" in page and "Zenith Wind: HQ" in page
