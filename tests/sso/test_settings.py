"""An organisation's single sign-on settings page, and the start page that asks for its name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.accounts.sealed import seal, unseal
from survey.models import AuditEvent, SingleSignOn
from tests.auth.helpers import login
from tests.conftest import csrf_from

SECRET = "s3cr3t-from-the-provider"
VALID = {
    "issuer": "https://login.acme.example/realms/acme",
    "client_id": "mindset-survey",
    "client_secret": SECRET,
    "slug": "acme-solar",
    "email_domains": "Acme.example, solar.example acme.example",
    "enabled": "y",
}


def url(reference_org, organisation=None) -> str:
    return f"/sso/settings/{(organisation or reference_org.organisation).id}"


def post(client, address: str, **fields):
    token = csrf_from(client.get(address).get_data(as_text=True))
    return client.post(address, data={**fields, "csrf_token": token})


def saved(dbs) -> SingleSignOn | None:
    dbs.expire_all()
    return dbs.scalar(select(SingleSignOn))


def test_a_consultant_of_the_organisation_saves_the_settings(
    app, dbs, consultant_client, reference_org
):
    address = url(reference_org)
    page = consultant_client.get(address)
    assert page.status_code == 200
    assert "Single sign-on" in page.get_data(as_text=True)

    response = post(consultant_client, address, **VALID)

    assert response.status_code == 302
    sso = saved(dbs)
    assert (sso.issuer, sso.client_id, sso.slug, sso.email_domains, sso.enabled) == (
        VALID["issuer"],
        "mindset-survey",
        "acme-solar",
        "acme.example solar.example",
        True,
    )
    assert SECRET not in sso.client_secret
    assert unseal(app.config["SECRET_KEY"], sso.client_secret) == SECRET
    shown = consultant_client.get(address).get_data(as_text=True)
    assert SECRET not in shown and sso.client_secret not in shown
    assert "http://localhost/sso/acme-solar/callback" in shown
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "sso.configured"))
    assert event.organisation_id == reference_org.organisation.id
    assert SECRET not in str(event.details) and event.details["slug"] == "acme-solar"
    assert event.details["email_domains"] == "acme.example solar.example"


def test_a_blank_secret_keeps_the_current_one(app, dbs, consultant_client, reference_org):
    address = url(reference_org)
    assert post(consultant_client, address, **VALID).status_code == 302
    first = saved(dbs).client_secret
    changed = {**VALID, "client_secret": "", "slug": "renamed", "email_domains": "acme.example"}
    changed.pop("enabled")
    assert post(consultant_client, address, **changed).status_code == 302
    sso = saved(dbs)
    assert sso.client_secret == first and sso.slug == "renamed" and not sso.enabled
    assert sso.email_domains == "acme.example"


@pytest.mark.parametrize(
    "change",
    [
        {"issuer": "https://login.rogue.example"},
        {"client_id": "another-client"},
        {"issuer": "https://login.rogue.example", "client_id": "another-client"},
    ],
)
def test_a_changed_provider_needs_the_secret_again(dbs, consultant_client, reference_org, change):
    """The saved secret must never be sent to a provider a consultant names afterwards."""
    address = url(reference_org)
    assert post(consultant_client, address, **VALID).status_code == 302
    before = saved(dbs)
    kept = (before.issuer, before.client_id, before.client_secret)

    response = post(consultant_client, address, **{**VALID, "client_secret": "", **change})

    assert response.status_code == 422
    assert "enter the client secret again" in response.get_data(as_text=True)
    sso = saved(dbs)
    assert (sso.issuer, sso.client_id, sso.client_secret) == kept
    changed = post(consultant_client, address, **{**VALID, "client_secret": "new-one", **change})
    assert changed.status_code == 302


def test_an_admin_may_set_it_too(app, reference_org):
    admin = app.test_client()
    login(admin, reference_org.users["admin"].email)
    assert admin.get(url(reference_org)).status_code == 200


@pytest.mark.parametrize("who", ["rival consultant", "global manager", "paris manager"])
def test_others_get_a_404(app, dbs, reference_org, who):
    other = app.test_client()
    login(other, reference_org.users[who].email)
    assert other.get(url(reference_org)).status_code == 404
    assert other.post(url(reference_org), data=VALID).status_code in (400, 404)
    assert saved(dbs) is None


def test_a_visitor_is_sent_to_the_login_page(client, reference_org):
    response = client.get(url(reference_org))
    assert response.status_code == 302 and "/login" in response.location


def test_a_missing_organisation_is_a_404(consultant_client):
    assert consultant_client.get("/sso/settings/999999").status_code == 404


def test_without_the_csrf_token_nothing_is_saved(dbs, consultant_client, reference_org):
    assert consultant_client.post(url(reference_org), data=VALID).status_code == 400
    assert saved(dbs) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("issuer", "http://login.acme.example", "https://"),
        ("issuer", "not a url", "not a URL"),
        ("issuer", "https://login.acme.example/?x=1", "without ?query"),
        ("slug", "Acme Solar", "lowercase letters"),
        ("slug", "acme--solar", "lowercase letters"),
        ("slug", "settings", "reserved"),
        ("issuer", "https://[::1]:99999", "not a URL"),
        ("issuer", "https://\u00e9x.example", "not a URL"),
        ("client_id", "", "client ID"),
        ("email_domains", "", "at least one e-mail domain"),
        ("email_domains", "acme", "not a domain"),
        ("email_domains", "@acme.example", "not a domain"),
        ("email_domains", "acme.example/x", "not a domain"),
        ("email_domains", " ".join(f"d{n}.example" for n in range(11)), "at most 10"),
        ("email_domains", "a" * 501, "500"),
    ],
)
def test_bad_settings_are_refused_with_a_message(
    dbs, consultant_client, reference_org, field, value, message
):
    response = post(consultant_client, url(reference_org), **{**VALID, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert saved(dbs) is None


def test_a_local_provider_may_use_plain_http(dbs, consultant_client, reference_org):
    fields = {**VALID, "issuer": "http://127.0.0.1:8080/realms/acme"}
    assert post(consultant_client, url(reference_org), **fields).status_code == 302


def test_in_production_plain_http_is_refused(
    app, dbs, consultant_client, reference_org, monkeypatch
):
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    fields = {**VALID, "issuer": "http://127.0.0.1:8080/realms/acme"}
    response = post(consultant_client, url(reference_org), **fields)
    assert response.status_code == 422
    assert "must start with https://" in response.get_data(as_text=True)
    assert saved(dbs) is None


def test_a_first_setting_needs_the_secret(dbs, consultant_client, reference_org):
    response = post(consultant_client, url(reference_org), **{**VALID, "client_secret": ""})
    assert response.status_code == 422
    assert "client secret" in response.get_data(as_text=True)
    assert saved(dbs) is None


def test_a_sign_in_name_belongs_to_one_organisation(app, dbs, consultant_client, reference_org):
    assert post(consultant_client, url(reference_org), **VALID).status_code == 302
    rival = app.test_client()
    login(rival, reference_org.users["rival consultant"].email)
    response = post(rival, url(reference_org, reference_org.rival), **VALID)
    assert response.status_code == 422
    assert "already uses this sign-in name" in response.get_data(as_text=True)
    assert len(dbs.scalars(select(SingleSignOn)).all()) == 1


def test_the_organisation_page_links_to_the_settings(consultant_client, reference_org):
    page = consultant_client.get(f"/clients/{reference_org.organisation.id}")
    assert url(reference_org) in page.get_data(as_text=True)


def test_the_login_page_links_to_single_sign_on(client):
    assert 'href="/sso/"' in client.get("/login").get_data(as_text=True)


def test_the_start_page_links_to_the_organisation_s_sign_in(client, acme_sso):
    """A link, not a redirect: CSP's form-action 'self' would stop a form's redirect to the
    provider in a browser."""
    response = post(client, "/sso/", slug=" Acme ")
    assert response.status_code == 200
    assert 'href="/sso/acme"' in response.get_data(as_text=True)
    assert "Acme Solar" in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["nobody", "", "no such name", "x" * 61])
def test_the_start_page_refuses_an_unknown_name(client, acme_sso, slug):
    response = post(client, "/sso/", slug=slug)
    assert response.status_code == 422


def test_the_start_page_needs_its_csrf_token(client, acme_sso):
    assert client.post("/sso/", data={"slug": "acme"}).status_code == 400


def test_a_secret_sealed_under_another_key_asks_to_be_entered_again(
    app, dbs, consultant_client, client, acme_sso, reference_org
):
    acme_sso = dbs.merge(acme_sso)
    acme_sso.client_secret = seal("another-secret-key-of-32-characters", SECRET)
    dbs.commit()
    page = consultant_client.get(url(reference_org)).get_data(as_text=True)
    assert "can no longer be read" in page
    response = client.get("/sso/acme")
    assert response.status_code == 503
    assert "ask your consultant" in response.get_data(as_text=True)
