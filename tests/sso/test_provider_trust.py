"""What single sign-on trusts, and what it does not: the client secret only goes to the
configured provider's host, a callback needs a state this session started, and only e-mails of
the organisation's own domains sign in."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from survey.accounts.links import issue_link, open_link
from survey.accounts.sealed import seal
from survey.models import SingleSignOn, User
from tests.conftest import csrf_from
from tests.factories import gen_user
from tests.sso.helpers import (
    CALLBACK,
    DOMAINS,
    SLUG,
    back_to_app,
    logged_in,
    provider_answer,
    query_of,
    sign_in,
    to_provider,
)
from tests.sso.provider import LocalProvider

ENDPOINTS = {
    "authorization_endpoint": "/authorize",
    "token_endpoint": "/token",
    "jwks_uri": "/jwks",
}


@pytest.fixture
def rogue(provider: LocalProvider) -> Iterator[LocalProvider]:
    """Another provider on this machine, for the same client id: it must never hear from us."""
    local = LocalProvider(
        provider.user_email, client_id=provider.client_id, redirect_uris=[CALLBACK]
    ).start()
    yield local
    local.stop()


def refused(response, status: int, client) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert not logged_in(client)
    return response.get_data(as_text=True)


def test_a_consultant_cannot_send_the_secret_to_another_provider(
    app, dbs, consultant_client, reference_org, acme_sso, provider, rogue
):
    """The reviewer's attack: a consultant names their own issuer and keeps the saved secret,
    then signs in to collect it at their token endpoint."""
    address = f"/sso/settings/{reference_org.organisation.id}"
    token = csrf_from(consultant_client.get(address).get_data(as_text=True))
    fields = {
        "csrf_token": token,
        "issuer": rogue.issuer,
        "client_id": provider.client_id,
        "client_secret": "",
        "slug": SLUG,
        "email_domains": DOMAINS,
        "enabled": "y",
    }

    response = consultant_client.post(address, data=fields)

    assert response.status_code == 422
    dbs.expire_all()
    assert dbs.scalar(select(SingleSignOn)).issuer == provider.issuer
    visitor = app.test_client()
    assert sign_in(visitor).status_code == 302  # through the configured provider
    assert rogue.authorizations == [] and rogue.token_requests == []
    assert len(provider.token_requests) == 1


def rogue_metadata(provider: LocalProvider, rogue: LocalProvider, endpoint: str, base: str):
    """The provider's discovery document, with ``endpoint`` on ``base`` instead."""
    metadata = provider.metadata()
    return lambda: {**metadata, endpoint: base + ENDPOINTS[endpoint]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_endpoints_on_another_host_are_refused_before_the_redirect(
    client, acme_sso, provider, rogue, monkeypatch, endpoint
):
    monkeypatch.setattr(
        provider, "metadata", rogue_metadata(provider, rogue, endpoint, rogue.issuer)
    )
    text = refused(client.get(f"/sso/{SLUG}"), 502, client)
    assert "another host" in text
    assert rogue.authorizations == [] and provider.authorizations == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("other", ["rogue", "https", "localhost"])
def test_endpoints_on_another_origin_are_refused_at_the_callback(
    client, acme_sso, provider, rogue, monkeypatch, endpoint, other
):
    """Changed between the redirect and the callback: the code is never exchanged, so the
    secret is sent nowhere. Another port, scheme or host name is another origin."""
    location = provider_answer(to_provider(client))
    port = urlsplit(provider.issuer).port
    base = {
        "rogue": rogue.issuer,
        "https": f"https://127.0.0.1:{port}",
        "localhost": f"http://localhost:{port}",
    }[other]
    monkeypatch.setattr(provider, "metadata", rogue_metadata(provider, rogue, endpoint, base))

    refused(back_to_app(client, location), 502, client)

    assert provider.token_requests == [] and rogue.token_requests == []


def test_a_discovery_document_naming_another_issuer_is_refused(
    client, acme_sso, provider, rogue, monkeypatch
):
    monkeypatch.setattr(provider, "metadata", lambda: {**rogue.metadata()})
    refused(client.get(f"/sso/{SLUG}"), 502, client)
    assert rogue.authorizations == []


def test_the_state_is_checked_before_anything_is_fetched(client, acme_sso, provider):
    """With the provider down, a forged state gets the 400 of a bad state, not the 502 of a
    provider that does not answer: nothing was asked of the network."""
    location = provider_answer(to_provider(client))
    provider.stop()
    code = query_of(location)["code"]
    text = refused(client.get(f"/sso/{SLUG}/callback?code={code}&state=forged"), 400, client)
    assert "start again" in text


def test_a_state_of_another_organisation_is_refused(
    app, dbs, client, acme_sso, provider, reference_org
):
    dbs.add(
        SingleSignOn(
            organisation_id=reference_org.rival.id,
            slug="zenith",
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=seal(app.config["SECRET_KEY"], provider.client_secret),
            email_domains=DOMAINS,
        )
    )
    dbs.commit()
    state = query_of(to_provider(client, "zenith"))["state"]
    refused(client.get(f"/sso/{SLUG}/callback?code=x&state={state}"), 400, client)
    assert provider.token_requests == []


def test_an_expired_state_is_refused(client, acme_sso, provider):
    location = provider_answer(to_provider(client))
    with client.session_transaction() as session:
        (key,) = [key for key in session if key.startswith("_state_")]
        session[key] = {**session[key], "exp": 0}
    refused(back_to_app(client, location), 400, client)
    assert provider.token_requests == []


def test_in_production_a_plain_http_provider_is_not_used(
    app, client, acme_sso, provider, monkeypatch
):
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    text = refused(client.get(f"/sso/{SLUG}"), 503, client)
    assert "ask your consultant" in text.lower()
    assert provider.authorizations == []


@pytest.mark.parametrize("email", ["m@other.example", "m@sub.acme.example", "m@acme.example.net"])
def test_an_email_outside_the_organisation_s_domains_is_refused(
    dbs, client, acme_sso, provider, reference_org, email
):
    gen_user(dbs, email, "manager", team=reference_org.teams["Paris"])
    provider.user_email = email
    text = refused(sign_in(client), 403, client)
    assert "no account" in text.lower()


def test_without_domains_nobody_signs_in(dbs, client, acme_sso, provider):
    acme_sso = dbs.merge(acme_sso)
    acme_sso.email_domains = ""
    dbs.commit()
    refused(sign_in(client), 403, client)  # the Paris manager, who signs in otherwise


def test_the_first_sign_in_closes_the_invitation(dbs, client, acme_sso, provider, reference_org):
    manager = User(
        email="new@acme.example", role="manager", team_id=reference_org.teams["Paris"].id
    )
    dbs.add(manager)
    dbs.commit()
    invitation = issue_link(dbs, manager, "invite")
    dbs.commit()
    assert open_link(dbs, invitation, "invite") is not None
    provider.user_email = manager.email

    assert sign_in(client).status_code == 302

    dbs.expire_all()
    assert open_link(dbs, invitation, "invite") is None
