"""Deleting a person: identity gone, links dead, answers kept or deleted, anonymous ones stay."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import (
    AuditEvent,
    CooperationLink,
    Draft,
    Invitation,
    LadderRung,
    Person,
    Response,
)
from tests.auth.helpers import login
from tests.conftest import csrf_from, without_csrf
from tests.factories import gen_person, gen_person_invitation, gen_response, rep_questionnaire
from tests.rights.helpers import audit_events, count
from tests.survey.journey import item_fields, page_form, pages_of


@pytest.fixture
def ada(dbs, reference_org, waves):
    """Ada answered the old and the recent wave (confidential) and has an unused open-wave link."""
    france = reference_org.teams["France"]
    person = gen_person(dbs, france, "ada@acme.example")
    for wave in ("old", "recent"):
        token = gen_person_invitation(dbs, waves[wave], person)
        gen_response(
            dbs,
            waves[wave],
            france,
            respondent_key=person.pseudonym,
            used_token=token,
            cooperation=True,
        )
    person.open_token = gen_person_invitation(dbs, waves["open"], person)
    return person


@pytest.fixture
def others(dbs, reference_org, waves):
    """Bob's confidential answer, and an anonymous answer from the same team."""
    france = reference_org.teams["France"]
    bob = gen_person(dbs, france, "bob@acme.example")
    gen_response(dbs, waves["recent"], france, respondent_key=bob.pseudonym, cooperation=True)
    gen_response(dbs, waves["recent"], france, words="anonymous words", cooperation=True)
    return bob


def delete_url(reference_org, person_id: int) -> str:
    return f"/clients/{reference_org.organisation.id}/people/{person_id}/delete"


def confirm(client, reference_org, person_id: int, **data):
    page = client.get(delete_url(reference_org, person_id))
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    return client.post(delete_url(reference_org, person_id), data={"csrf_token": token, **data})


def test_the_confirmation_page_says_exactly_what_will_go(client, reference_org, ada):
    login(client, "c@example.com")
    html = client.get(delete_url(reference_org, ada.id)).get_data(as_text=True)
    assert "Delete ada@acme.example?" in html
    assert "Global/France" in html
    assert "1 unused invitation link to confidential assessments, which stops working" in html
    assert "2 invitations to confidential assessments they already used" in html
    assert "They sent 2 answers in confidential mode" in html
    assert 'name="delete_responses"' in html


def test_deleting_a_person_keeps_their_answers_without_the_key(
    app, client, dbs, reference_org, ada, others
):
    login(client, "c@example.com")
    pseudonym, token = ada.pseudonym, ada.open_token
    first_page = pages_of(rep_questionnaire())[0]
    started = page_form(app.test_client(), token, 1, item_fields(first_page))  # a draft is saved
    assert started.status_code == 302 and count(dbs, Draft) == 1

    done = confirm(client, reference_org, ada.id)

    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/clients/{reference_org.organisation.id}/people/")
    assert count(dbs, Person, Person.id == ada.id) == 0
    assert client.get(f"/r/{token}").status_code == 404
    assert count(dbs, Invitation, Invitation.used.is_(False)) == 0
    assert count(dbs, Draft) == 0
    used = dbs.scalars(select(Invitation).where(Invitation.used.is_(True))).all()
    assert len(used) == 2 and {invitation.person_id for invitation in used} == {None}
    assert count(dbs, Response, Response.respondent_key == pseudonym) == 0
    assert count(dbs, Response) == 4  # Ada's two, without a key, Bob's and the anonymous one
    assert count(dbs, Response, Response.respondent_key.is_(None)) == 3
    assert count(dbs, Response, Response.respondent_key == others.pseudonym) == 1
    assert count(dbs, LadderRung) == 4

    followed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "One person was deleted from the roster: 1 unused link(s) revoked" in followed
    assert "ada@acme.example" not in followed


def test_deleting_a_person_with_their_answers_takes_ladders_and_links_too(
    client, dbs, reference_org, ada, others
):
    login(client, "c@example.com")
    pseudonym = ada.pseudonym

    done = confirm(client, reference_org, ada.id, delete_responses="y")

    assert done.status_code == 302
    assert count(dbs, Person) == 1  # Bob
    assert count(dbs, Response, Response.respondent_key == pseudonym) == 0
    assert count(dbs, Response) == 2  # Bob's and the anonymous one stay
    assert count(dbs, Response, Response.respondent_key.is_(None)) == 1
    assert count(dbs, LadderRung) == 2
    assert count(dbs, CooperationLink) == 2


def test_anonymous_answers_stay_whatever_is_chosen(client, dbs, reference_org, waves):
    hq = reference_org.rival_team
    carla = gen_person(dbs, hq, "carla@zenith.example")
    token = gen_person_invitation(dbs, waves["zenith"], carla)
    gen_response(dbs, waves["zenith"], hq, used_token=token, cooperation=True)
    login(client, "rival@example.com")
    url = f"/clients/{reference_org.rival.id}/people/{carla.id}/delete"
    html = client.get(url).get_data(as_text=True)
    assert 'name="delete_responses"' not in html
    assert "answers to anonymous assessments stay in the results" in html

    done = client.post(url, data={"csrf_token": csrf_from(html), "delete_responses": "y"})

    assert done.status_code == 302
    assert count(dbs, Person) == 0
    assert count(dbs, Response) == 1
    assert count(dbs, LadderRung) == 1
    flashed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 link(s) to anonymous assessments revoked or untied" in flashed


def test_in_anonymous_mode_nothing_shows_whether_a_person_answered(
    client, dbs, reference_org, waves
):
    """Two people, one who used their anonymous link and one who did not: the same words."""
    hq = reference_org.rival_team
    pages, flashes, details = [], [], []
    login(client, "rival@example.com")
    for name, answered in (("used", True), ("unused", False)):
        person = gen_person(dbs, hq, f"{name}@zenith.example")
        token = gen_person_invitation(dbs, waves["zenith"], person)
        if answered:
            gen_response(dbs, waves["zenith"], hq, used_token=token, cooperation=True)
        url = f"/clients/{reference_org.rival.id}/people/{person.id}/delete"
        html = client.get(url).get_data(as_text=True)
        page = without_csrf(html)
        pages.append(page.replace(f"{name}@zenith.example", "someone"))
        done = client.post(url, data={"csrf_token": csrf_from(html)})
        flashes.append(client.get(done.headers["Location"]).get_data(as_text=True))
        details.append(audit_events(dbs, "person.delete")[-1].details)
    assert pages[0] == pages[1]
    assert "their 1 invitation to anonymous assessments" in pages[0]
    assert "already used" not in pages[0] and "unused" not in pages[0]
    for flashed in flashes:
        assert "0 unused link(s) revoked" in flashed
        assert "1 link(s) to anonymous assessments revoked or untied" in flashed
    assert details[0] == details[1]
    assert details[0] == {
        "invitations_revoked": 0,
        "invitations_unlinked": 0,
        "responses_deleted": 0,
        "responses_unpaired": 0,
        "anonymous_invitations": 1,
    }


def test_each_deletion_is_audited_without_the_persons_e_mail(client, dbs, reference_org, ada):
    login(client, "c@example.com")
    person_id = ada.id
    confirm(client, reference_org, person_id, delete_responses="y")
    (event,) = audit_events(dbs, "person.delete")
    assert event.user_email == "c@example.com"
    assert event.organisation_id == reference_org.organisation.id
    assert event.target == f"person {person_id}"
    assert event.details == {
        "invitations_revoked": 1,
        "invitations_unlinked": 2,
        "responses_deleted": 2,
        "responses_unpaired": 0,
        "anonymous_invitations": 0,
    }
    assert not any("ada@acme.example" in str(vars(e)) for e in audit_events(dbs))


def test_a_post_without_the_csrf_token_deletes_nothing(client, dbs, reference_org, ada):
    login(client, "c@example.com")
    refused = client.post(delete_url(reference_org, ada.id), data={"delete_responses": "y"})
    assert refused.status_code == 400
    assert count(dbs, Person) == 1
    assert count(dbs, Response) == 2
    assert count(dbs, AuditEvent, AuditEvent.action == "person.delete") == 0


@pytest.mark.parametrize(
    ("who", "organisation", "audited_organisation"),
    [
        ("rival@example.com", "organisation", "organisation"),  # another client's consultant
        ("f@example.com", "organisation", "organisation"),  # a manager
        ("rival@example.com", "rival", "rival"),  # their own client, another's person
    ],
)
def test_others_get_the_404_of_a_missing_page_and_it_is_audited(
    client, dbs, reference_org, ada, who, organisation, audited_organisation
):
    organisation_id = getattr(reference_org, organisation).id
    login(client, who)
    url = f"/clients/{organisation_id}/people/{ada.id}/delete"
    token = csrf_from(client.get("/").get_data(as_text=True))  # the logout button's
    assert client.get(url).status_code == 404
    assert client.post(url, data={"csrf_token": token, "delete_responses": "y"}).status_code == 404
    assert count(dbs, Person) == 1
    refused = audit_events(dbs, "access.refused")
    assert len(refused) == 2
    assert {event.user_email for event in refused} == {who}
    assert {event.organisation_id for event in refused} == {
        getattr(reference_org, audited_organisation).id
    }


def test_a_missing_person_or_organisation_is_a_404(client, dbs, reference_org, ada):
    login(client, "c@example.com")
    assert client.get(delete_url(reference_org, ada.id + 1000)).status_code == 404
    assert client.get(f"/clients/999/people/{ada.id}/delete").status_code == 404
    assert client.get(f"/clients/{2**70}/people/{ada.id}/delete").status_code == 404
    targets = [event.target for event in audit_events(dbs, "access.refused")]
    # An id of more than 18 digits matches no route: a plain 404, not a refusal.
    assert targets == [f"person {ada.id + 1000}", "organisation 999"]
