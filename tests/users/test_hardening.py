"""What the Users pages keep to those entitled: re-enabling what an admin disabled, whether an
address has an account, who works for an organisation out of scope, colleagues' logins; and
the limit on invitations."""

from __future__ import annotations

import pytest

from survey.models._columns import utcnow
from survey.users import routes
from survey.users.inviting import NOT_HERE, TAKEN
from tests.auth.helpers import login
from tests.factories import gen_organisation, gen_person, gen_user
from tests.users.helpers import count_users, events, post, text, user_by_email

# Re-enabling


def test_a_consultant_cannot_re_enable_what_an_admin_disabled(
    dbs, reference_org, admin_client, consultant_client
):
    manager = reference_org.users["global manager"]
    assert post(admin_client, f"/users/{manager.id}/disable").status_code == 302
    assert user_by_email(dbs, manager.email).disabled_by_id == reference_org.users["admin"].id
    page = text(consultant_client.get(f"/users/{manager.id}"))
    assert "Re-enable" not in page and "only an admin may re-enable it" in page
    assert "admin@example.com" not in page  # the consultant does not see the admin
    refused = post(consultant_client, f"/users/{manager.id}/enable")
    assert refused.status_code == 409 and "only an admin may re-enable it" in text(refused)
    assert user_by_email(dbs, manager.email).status == "disabled"
    assert events(dbs, "user.enabled") == []
    assert "by admin@example.com" in text(admin_client.get(f"/users/{manager.id}"))
    assert post(admin_client, f"/users/{manager.id}/enable").status_code == 302
    user = user_by_email(dbs, manager.email)
    assert (user.status, user.disabled_by_id) == ("active", None)


def test_an_account_disabled_by_nobody_recorded_is_re_enabled_by_an_admin_only(
    dbs, reference_org, admin_client, consultant_client
):
    manager = reference_org.users["paris manager"]
    manager.disabled_at = utcnow()  # as ``flask disable-user`` does
    dbs.commit()
    assert post(consultant_client, f"/users/{manager.id}/enable").status_code == 409
    assert user_by_email(dbs, manager.email).status == "disabled"
    assert post(admin_client, f"/users/{manager.id}/enable").status_code == 302
    assert user_by_email(dbs, manager.email).status == "active"


def test_a_consultant_re_enables_what_a_consultant_disabled(app, dbs, reference_org):
    manager = reference_org.users["france manager"]
    colleague = gen_user(
        dbs, "c2@example.com", "consultant", organisations=[reference_org.organisation]
    )
    first, second = app.test_client(), app.test_client()
    login(first, reference_org.users["consultant"].email)
    login(second, colleague.email)
    assert post(first, f"/users/{manager.id}/disable").status_code == 302
    page = text(second.get(f"/users/{manager.id}"))
    assert "by c@example.com" in page and "Re-enable" in page
    assert post(second, f"/users/{manager.id}/enable").status_code == 302
    assert user_by_email(dbs, manager.email).disabled_by_id is None


# Whether an address has an account


def invite(client, reference_org, email: str):
    team = str(reference_org.teams["France"].id)
    return post(client, "/users/invite", email=email, role="manager", team=team)


def test_inviting_an_address_of_an_account_out_of_sight_gets_a_neutral_answer(
    dbs, reference_org, consultant_client, mailing
):
    rival_manager = gen_user(dbs, "z@zenith.example", "manager", team=reference_org.rival_team)
    before = count_users(dbs)
    for email in (reference_org.users["admin"].email, rival_manager.email, "rival@example.com"):
        response = invite(consultant_client, reference_org, email)
        page = text(response)
        assert response.status_code == 422, email
        assert NOT_HERE in page and "already exists" not in page, email
        assert "/users/" + str(reference_org.users["admin"].id) + '"' not in page
    assert count_users(dbs) == before and mailing.messages == []


def test_inviting_an_address_of_an_account_in_sight_links_to_it(
    dbs, reference_org, consultant_client, mailing
):
    manager = reference_org.users["france manager"]
    response = invite(consultant_client, reference_org, "F@Example.com")
    page = text(response)
    assert response.status_code == 422
    assert TAKEN in page and f'href="/users/{manager.id}"' in page and NOT_HERE not in page


def test_the_roster_page_tells_only_of_accounts_in_sight(dbs, reference_org, consultant_client):
    for email in ("admin@example.com", "f@example.com"):
        gen_person(dbs, reference_org.teams["Spain"], email).role = "manager"
    dbs.commit()
    page = text(consultant_client.get(f"/users/invite/roster/{reference_org.organisation.id}"))
    france = reference_org.users["france manager"]
    assert f'<a href="/users/{france.id}">has an account</a>' in page
    assert page.count("has an account") == 1 and "cannot be invited here" in page


def test_invitations_are_limited_per_inviting_user(
    app, dbs, reference_org, consultant_client, admin_client, mailing
):
    app.config["INVITATIONS_PER_USER"] = "2 per hour"
    admin_email = reference_org.users["admin"].email
    assert invite(consultant_client, reference_org, admin_email).status_code == 422
    assert invite(consultant_client, reference_org, "one@example.com").status_code == 302
    refused = invite(consultant_client, reference_org, "two@example.com")
    assert refused.status_code == 429 and "too many invitations" in text(refused)
    assert user_by_email(dbs, "two@example.com") is None
    one = user_by_email(dbs, "one@example.com")
    assert post(consultant_client, f"/users/{one.id}/resend").status_code == 429
    path = f"/users/invite/roster/{reference_org.organisation.id}"
    assert post(consultant_client, path, person="").status_code == 429
    assert len(mailing.messages) == 1
    assert invite(admin_client, reference_org, "two@example.com").status_code == 302


# Who works for an organisation out of scope


def test_filtering_by_an_organisation_out_of_scope_shows_nobody(
    dbs, reference_org, consultant_client
):
    other = gen_organisation(dbs, "Secret Client Ltd")
    gen_user(
        dbs,
        "colleague@example.com",
        "consultant",
        organisations=[reference_org.organisation, other],
    )
    page = text(consultant_client.get(f"/users/?organisation={other.id}"))
    assert "colleague@example.com" not in page and "Secret Client" not in page
    assert "No user matches these filters." in page
    mine = text(consultant_client.get(f"/users/?organisation={reference_org.organisation.id}"))
    assert "colleague@example.com" in mine


# Colleagues' two-factor and last login


@pytest.mark.parametrize("path", ["/users/{id}", "/users/?role=consultant"])
def test_a_consultant_does_not_see_a_fellow_consultants_logins(
    dbs, reference_org, consultant_client, admin_client, path
):
    colleague = gen_user(
        dbs, "c2@example.com", "consultant", organisations=[reference_org.organisation]
    )
    colleague.last_login_at = utcnow().replace(year=2030, month=1, day=2)
    dbs.commit()
    page = text(consultant_client.get(path.format(id=colleague.id)))
    assert "c2@example.com" in page and "January 2, 2030" not in page
    assert "January 2, 2030" in text(admin_client.get(path.format(id=colleague.id)))


def test_a_consultant_sees_their_managers_logins(dbs, reference_org, consultant_client):
    manager = reference_org.users["france manager"]
    manager.last_login_at = utcnow().replace(year=2030, month=1, day=2)
    dbs.commit()
    for path in (f"/users/{manager.id}", "/users/?role=manager"):
        page = text(consultant_client.get(path))
        assert "January 2, 2030" in page and "Two-factor" in page, path


# Inviting a roster while someone else gives an address an account


def test_an_address_given_an_account_meanwhile_fails_alone(
    dbs, reference_org, consultant_client, mailing, monkeypatch
):
    for email in ("ann@acme.example", "bob@acme.example"):
        gen_person(dbs, reference_org.teams["France"], email).role = "manager"
    dbs.commit()
    listed = routes.roster_managers

    def listed_then_taken(session, viewer, organisation):
        managers = listed(session, viewer, organisation)
        if user_by_email(dbs, "ann@acme.example") is None:  # in another request, meanwhile
            gen_user(dbs, "ann@acme.example", "consultant")
        return managers

    monkeypatch.setattr(routes, "roster_managers", listed_then_taken)
    path = f"/users/invite/roster/{reference_org.organisation.id}"
    assert post(consultant_client, path, person="").status_code == 302
    assert user_by_email(dbs, "ann@acme.example").role == "consultant"  # untouched
    bob = user_by_email(dbs, "bob@acme.example")
    assert (bob.role, bob.status) == ("manager", "invited")
    assert [event.target for event in events(dbs, "user.invited")] == [f"user {bob.id}"]
    assert [message["To"] for message in mailing.messages] == ["bob@acme.example"]
    page = text(consultant_client.get(path))
    assert "Invitations sent: 1; failed: 1." in page
    assert "ann@acme.example could not be sent: This address has an account now." in page
