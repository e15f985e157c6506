"""The OpenID Connect client side of single sign-on, with Authlib's Flask client.

A client is built per request from the organisation's row, so changed settings apply at once.
The authorization code flow uses PKCE (S256), ``state`` and ``nonce``; all three are kept in the
session under a key of that organisation's own, so one organisation's answer cannot finish
another's sign-in. A callback whose ``state`` is not one of them is refused before anything is
fetched. The discovery document must name the configured issuer, and its endpoints must be on
the issuer's own scheme, host and port, so the client secret only ever goes to that host.
Authlib checks the ID token's signature (the provider's JWKS), issuer, expiry and nonce; this
module asks it to check the audience (the client id) too, and requires a verified e-mail.

Anything that goes wrong becomes a ``SignInFailed`` with the status and message to show.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import Response, current_app, request, session
from flask_babel import gettext as _
from joserfc.errors import JoseError

from survey.accounts.sealed import unseal
from survey.models import SingleSignOn
from survey.sso.forms import issuer_problem

SCOPE = "openid email profile"
TIMEOUT = 10  # seconds for each request to the provider
DISCOVERY = "/.well-known/openid-configuration"
REASON_LENGTH = 60  # of the provider's error code, as shown
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
DEFAULT_PORTS = {"https": 443, "http": 80}
# What a provider that is down, misconfigured or says nonsense may raise on the way.
PROVIDER_TROUBLE = (requests.RequestException, ValueError, KeyError, TypeError, RuntimeError)


class SignInFailed(Exception):
    """A sign-in that cannot go on: ``status`` and a message for the person signing in."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def start(sso: SingleSignOn, secret_key: str, redirect_uri: str) -> Response:
    """The redirect to the provider's authorization endpoint, remembering state, nonce and the
    PKCE verifier in the session."""
    client = _client(sso, secret_key)
    try:
        _check_metadata(sso, client.load_server_metadata())
        return client.authorize_redirect(redirect_uri)
    except PROVIDER_TROUBLE as error:
        raise _unreachable(sso) from error


def finish(sso: SingleSignOn, secret_key: str) -> str:
    """The verified e-mail (lower case) of the callback's request, once its ``state`` is found
    in the session, the code exchanged and the ID token checked."""
    if not _state_pending(sso):
        raise SignInFailed(
            400,
            _("This sign-in has expired or was started in another browser. Please start again."),
        )
    client = _client(sso, secret_key)
    try:
        metadata = client.load_server_metadata()
        _check_metadata(sso, metadata)
        token = client.authorize_access_token(claims_options=_expected_claims(sso, metadata))
    except OAuthError as error:
        reason = str(error.error or "no reason given")
        raise SignInFailed(
            401,
            _(
                "Your company's sign-in did not succeed (%(reason)s).",
                reason=reason[:REASON_LENGTH],
            ),
        ) from error
    except (JoseError, AuthlibBaseError) as error:
        raise SignInFailed(
            401, _("Your company's sign-in sent an identity that is not valid.")
        ) from error
    except PROVIDER_TROUBLE as error:
        raise _unreachable(sso) from error
    return verified_email(token.get("userinfo"))


def verified_email(claims: dict | None) -> str:
    """The e-mail of checked ID token claims, when the provider says it is verified."""
    if not claims:
        raise SignInFailed(401, _("Your company's sign-in sent no identity token."))
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise SignInFailed(401, _("Your company's sign-in did not say your e-mail address."))
    if claims.get("email_verified") is not True:
        raise SignInFailed(
            401,
            _(
                "Your company's sign-in has not verified your e-mail address, so it cannot be "
                "matched to an account here."
            ),
        )
    return email.strip().lower()


def _name(sso: SingleSignOn) -> str:
    """The client's name: Authlib keeps a sign-in's state under ``_state_<name>_<state>``."""
    return f"sso-{sso.id}"


def _state_pending(sso: SingleSignOn) -> bool:
    """Whether the request's ``state`` is one of a sign-in through ``sso`` started in this
    session and not yet expired."""
    state = request.args.get("state")
    kept = session.get(f"_state_{_name(sso)}_{state}") if state else None
    return isinstance(kept, dict) and kept.get("exp", 0) >= time.time()


def _client(sso: SingleSignOn, secret_key: str) -> FlaskOAuth2App:
    secret = unseal(secret_key, sso.client_secret)
    if secret is None or issuer_problem(sso.issuer, production=current_app.config["PRODUCTION"]):
        raise SignInFailed(
            503,
            _(
                "Single sign-on is not available: its settings must be entered again. "
                "Please ask your consultant."
            ),
        )
    name = _name(sso)
    return FlaskOAuth2App(
        FlaskIntegration(name),
        name,
        client_id=sso.client_id,
        client_secret=secret,
        server_metadata_url=sso.issuer.rstrip("/") + DISCOVERY,
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT,
        },
    )


def _expected_claims(sso: SingleSignOn, metadata: dict) -> dict:
    """Authlib checks the audience only through ``azp``: the ID token's ``aud`` must name this
    client, and its ``iss`` the provider."""
    return {
        "iss": {"essential": True, "values": [metadata["issuer"]]},
        "aud": {"essential": True, "values": [sso.client_id]},
    }


def _check_metadata(sso: SingleSignOn, metadata: dict) -> None:
    """The discovery document must name the issuer that was configured (OIDC Discovery 4.3),
    and its endpoints must be on the issuer's origin: nothing, the secret least of all, is sent
    to another host."""
    if str(metadata.get("issuer", "")).rstrip("/") != sso.issuer.rstrip("/"):
        raise ValueError("the provider names another issuer")
    origin = _origin(sso.issuer)
    if origin is None or any(_origin(metadata.get(key)) != origin for key in ENDPOINTS):
        raise SignInFailed(
            502,
            _(
                "Your company's sign-in service (%(issuer)s) names addresses on another host, "
                "so it is not used. Please ask your consultant.",
                issuer=sso.issuer,
            ),
        )


def _origin(url: object) -> tuple | None:
    """The scheme, host and port of ``url``; None when it is not a URL."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    return (parts.scheme, parts.hostname, port) if parts.hostname else None


def _unreachable(sso: SingleSignOn) -> SignInFailed:
    return SignInFailed(
        502,
        _(
            "Your company's sign-in service (%(issuer)s) did not answer as expected. "
            "Please try again later, or log in with your password.",
            issuer=sso.issuer,
        ),
    )
