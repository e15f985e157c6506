"""Signing in through a real OpenID Connect provider running locally (``LocalProvider``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from survey.models import AuditEvent, User
from survey.models._columns import utcnow
from tests.factories import gen_user
from tests.sso.helpers import (
    back_to_app,
    logged_in,
    provider_answer,
    query_of,
    sign_in,
    to_provider,
)


def failed_because(caplog, reason: str) -> bool:
    """Whether the app logged the sign-in as failed for ``reason`` (the error Authlib raised)."""
    return any(
        "failed" in record.getMessage() and reason in record.getMessage()
        for record in caplog.records
    )


def user_count(dbs) -> int:
    return dbs.scalar(select(func.count()).select_from(User))


def refused(response, status: int, client) -> str:
    """The page's text, once checked that it is a plain page with ``status`` and no login."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert not logged_in(client)
    return response.get_data(as_text=True)


def test_an_invited_manager_signs_in_and_becomes_active(
    dbs, client, acme_sso, provider, reference_org
):
    manager = User(
        email="new@acme.example", role="manager", team_id=reference_org.teams["Paris"].id
    )
    dbs.add(manager)
    dbs.commit()
    assert manager.status == "invited"
    provider.user_email = "New@Acme.example"  # the provider's spelling; matched in lower case

    response = sign_in(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    assert logged_in(client)
    dbs.expire_all()
    assert manager.status == "active" and manager.password_hash is None
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "user.sso_login"))
    assert event.organisation_id == acme_sso.organisation_id
    assert event.target == f"user {manager.id}"


def test_the_code_flow_uses_pkce_s256_state_and_nonce(client, acme_sso, provider):
    authorize = to_provider(client)
    sent = query_of(authorize)
    assert urlsplit(authorize).netloc == f"127.0.0.1:{provider.port}"
    assert sent["response_type"] == "code"
    assert sent["code_challenge_method"] == "S256"
    assert sent["state"] and sent["nonce"] and set(sent["scope"].split()) >= {"openid", "email"}
    assert sent["redirect_uri"] == "http://localhost/sso/acme/callback"

    assert back_to_app(client, provider_answer(authorize)).status_code == 302

    (token_request,) = provider.token_requests
    assert create_s256_code_challenge(token_request["code_verifier"]) == sent["code_challenge"]
    assert "code_verifier" not in authorize  # the verifier never goes through the browser
    assert logged_in(client)


def test_a_tampered_code_verifier_is_refused_by_the_provider(client, acme_sso, provider):
    location = provider_answer(to_provider(client))
    with client.session_transaction() as session:
        (key,) = [key for key in session if key.startswith("_state_")]
        kept = session[key]
        kept["data"]["code_verifier"] = "x" * 50
        session[key] = kept

    text = refused(back_to_app(client, location), 401, client)
    assert "invalid_grant" in text


def test_a_state_that_does_not_match_is_refused(client, acme_sso, provider):
    location = provider_answer(to_provider(client))
    parts = urlsplit(location)
    query = {**query_of(location), "state": "forged-state"}
    forged = "&".join(f"{key}={value}" for key, value in query.items())

    text = refused(client.get(f"{parts.path}?{forged}"), 400, client)
    assert "start again" in text
    assert provider.token_requests == []  # the code was never exchanged


def test_a_callback_without_state_is_refused(client, acme_sso, provider):
    location = provider_answer(to_provider(client))
    code = query_of(location)["code"]
    refused(client.get(f"/sso/acme/callback?code={code}"), 400, client)


def test_a_callback_in_another_browser_is_refused(app, client, acme_sso, provider):
    location = provider_answer(to_provider(client))
    other = app.test_client()
    refused(back_to_app(other, location), 400, other)


def test_a_nonce_that_does_not_match_is_refused(client, acme_sso, provider, caplog):
    provider.nonce = "another-nonce"
    refused(sign_in(client), 401, client)
    assert failed_because(caplog, "Invalid claim: 'nonce'")


def test_a_token_for_another_audience_is_refused(client, acme_sso, provider, caplog):
    provider.audience = "another-client"
    refused(sign_in(client), 401, client)
    assert failed_because(caplog, "Invalid claim: 'aud'")


def test_a_token_for_another_audience_is_refused_even_with_our_azp(
    client, acme_sso, provider, caplog
):
    """Authlib alone would accept it: with ``azp`` naming us it skips the audience."""
    provider.audience = "another-client"
    provider.extra_claims = {"azp": provider.client_id}
    refused(sign_in(client), 401, client)
    assert failed_because(caplog, "Invalid claim: 'aud'")


def test_an_expired_token_is_refused(client, acme_sso, provider, caplog):
    provider.expired = True
    refused(sign_in(client), 401, client)
    assert failed_because(caplog, "expired_token")


def test_a_token_signed_with_another_key_is_refused(client, acme_sso, provider, caplog):
    provider.forged_key = RSAKey.generate_key(2048, parameters={"kid": provider.key.kid})
    refused(sign_in(client), 401, client)
    assert failed_because(caplog, "bad_signature")


def test_an_unverified_email_is_refused(client, acme_sso, provider):
    provider.email_verified = False
    text = refused(sign_in(client), 401, client)
    assert "not verified" in text


def test_an_unknown_email_creates_no_user(dbs, client, acme_sso, provider):
    provider.user_email = "stranger@acme.example"
    users = user_count(dbs)
    text = refused(sign_in(client), 403, client)
    assert "stranger@acme.example" in text and "Acme Solar" in text and "invitation" in text
    assert user_count(dbs) == users


def test_a_manager_of_another_organisation_is_refused(
    dbs, client, acme_sso, provider, reference_org
):
    gen_user(dbs, "zoe@zenith.example", "manager", team=reference_org.rival_team)
    provider.user_email = "zoe@zenith.example"
    refused(sign_in(client), 403, client)


def test_a_consultant_cannot_sign_in_through_it(client, acme_sso, provider):
    provider.user_email = "c@example.com"
    refused(sign_in(client), 403, client)


def test_a_disabled_manager_is_refused(dbs, client, acme_sso, provider, reference_org):
    manager = dbs.get(User, reference_org.users["paris manager"].id)
    manager.disabled_at = utcnow()
    dbs.commit()
    refused(sign_in(client), 403, client)


def test_a_provider_error_is_a_plain_page(client, acme_sso, provider):
    state = query_of(to_provider(client))["state"]
    response = client.get(f"/sso/acme/callback?error=access_denied&state={state}")
    assert "access_denied" in refused(response, 401, client)


def test_a_provider_that_is_down_gets_a_plain_502(client, acme_sso, provider):
    provider.stop()
    text = refused(client.get("/sso/acme"), 502, client)
    assert "did not answer" in text


def test_a_provider_that_goes_down_before_the_callback_gets_a_plain_502(client, acme_sso, provider):
    location = provider_answer(to_provider(client))
    provider.stop()
    refused(back_to_app(client, location), 502, client)


def test_a_manager_with_two_factor_is_sent_to_the_code_step(
    dbs, client, acme_sso, provider, reference_org
):
    manager = dbs.get(User, reference_org.users["paris manager"].id)
    manager.totp_enabled_at = utcnow()
    dbs.commit()
    response = sign_in(client)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login/code"
    assert not logged_in(client)


def test_changed_settings_apply_without_restart(dbs, client, acme_sso, provider):
    acme_sso = dbs.merge(acme_sso)
    acme_sso.client_id = "not-registered"
    dbs.commit()
    authorize = to_provider(client)
    assert query_of(authorize)["client_id"] == "not-registered"


def test_an_unknown_or_disabled_sign_in_name_is_a_404(dbs, client, acme_sso):
    assert client.get("/sso/nobody").status_code == 404
    assert client.get("/sso/nobody/callback?code=x&state=y").status_code == 404
    acme_sso = dbs.merge(acme_sso)
    acme_sso.enabled = False
    dbs.commit()
    assert client.get("/sso/acme").status_code == 404
    assert client.get("/sso/acme/callback?code=x&state=y").status_code == 404
