"""Only admins and consultants reach the quality pages; an assessment's only within scope."""

from __future__ import annotations

import pytest

from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.quality.world import quality_url

POOLED = "/instruments/rep-mindset/1/quality"


def _client(app, org, who):
    client = app.test_client()
    if who is not None:
        login(client, org.users[who].email)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("consultant", 200),
        ("rival consultant", 404),
        ("idle consultant", 404),
        ("global manager", 404),
        ("paris manager", 404),
    ],
)
def test_the_assessment_page_is_for_admins_and_its_consultants(app, reference_org, who, status):
    org = reference_org
    client = _client(app, org, who)
    url = quality_url(org.organisation.id, org.assessment.id)
    assert client.get(url).status_code == status
    assert client.get(url + "/careless").status_code == status


def test_a_rep_or_any_visitor_is_sent_to_log_in(app, reference_org):
    org = reference_org
    client = app.test_client()
    url = quality_url(org.organisation.id, org.assessment.id)
    for path in (url, url + "/careless", POOLED, "/instruments/quality"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path


def test_an_assessment_named_under_another_organisation_is_a_404(app, reference_org):
    org = reference_org
    client = _client(app, org, "admin")
    assert client.get(quality_url(org.rival.id, org.assessment.id)).status_code == 404
    assert client.get(quality_url(org.organisation.id, 999999)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("consultant", 200), ("idle consultant", 200), ("global manager", 404)],
)
def test_the_pooled_pages_are_for_admins_and_every_consultant(app, reference_org, who, status):
    client = _client(app, reference_org, who)
    assert client.get(POOLED).status_code == status
    assert client.get("/instruments/quality").status_code == status


def test_an_instrument_that_is_not_installed_is_a_404(app, reference_org):
    client = _client(app, reference_org, "consultant")
    assert client.get("/instruments/rep-mindset/99/quality").status_code == 404
    assert client.get("/instruments/no-such-thing/1/quality").status_code == 404


def test_a_manager_cannot_change_the_careless_setting(app, dbs, reference_org):
    org = reference_org
    client = _client(app, org, "global manager")
    token = csrf_from(client.get("/").get_data(as_text=True))
    url = quality_url(org.organisation.id, org.assessment.id) + "/careless"
    response = client.post(url, data={"csrf_token": token, "careless": "leave_out"})
    assert response.status_code == 404
    dbs.refresh(org.assessment)
    assert org.assessment.careless_left_out is False


def test_the_pages_link_to_each_other(app, reference_org):
    org = reference_org
    client = _client(app, org, "consultant")
    url = quality_url(org.organisation.id, org.assessment.id)
    assessment = f"/clients/{org.organisation.id}/assessments/{org.assessment.id}"
    assert f'href="{url}"' in client.get(assessment).get_data(as_text=True)
    assert f'href="{POOLED}"' in client.get(url).get_data(as_text=True)
    assert 'href="/instruments/quality"' in client.get("/clients/").get_data(as_text=True)
    assert f'href="{POOLED}"' in client.get("/instruments/quality").get_data(as_text=True)
