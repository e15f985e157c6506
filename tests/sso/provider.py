"""A real OpenID Connect provider for tests, built with Authlib's server components.

``LocalProvider`` serves discovery, an authorization endpoint that approves ``user_email`` at
once (no login page), a token endpoint (authorization code grant, PKCE required, client secret
by HTTP Basic or POST) and its JWKS, on 127.0.0.1 and a free port, in a thread. Everything is
kept in memory. Tests make it misbehave by setting attributes before the token request:

- ``audience``: the ID token's ``aud`` instead of the client id;
- ``expired``: the ID token expired an hour ago;
- ``email_verified``: the ``email_verified`` claim;
- ``nonce``: the ID token's ``nonce`` instead of the one the client sent;
- ``forged_key``: a key the ID token is signed with instead of the published one;
- ``extra_claims``: more claims in the ID token (such as ``azp``).

It records what it saw: ``authorizations`` (each authorization request's parameters) and
``token_requests`` (each token request's form).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Error
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

SCOPES = ("openid", "email", "profile")


@dataclass
class Client(ClientMixin):
    """The one registered client (the survey app)."""

    provider: LocalProvider

    def get_client_id(self) -> str:
        return self.provider.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.provider.redirect_uris[0] if self.provider.redirect_uris else None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(part for part in scope.split() if part in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.provider.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.provider.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class User:
    email: str

    def get_user_id(self) -> str:
        return self.email


@dataclass
class Code:
    """An authorization code and what it was issued for."""

    code: str
    user: User
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class CodeGrant(AuthorizationCodeGrant):
    """Codes kept in the provider's memory; the client authenticates with its secret."""

    def save_authorization_code(self, code: str, request) -> None:
        data = request.payload.data
        self.server.provider.codes[code] = Code(
            code=code,
            user=request.user,
            redirect_uri=request.payload.redirect_uri,
            scope=request.payload.scope,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client) -> Code | None:
        return self.server.provider.codes.get(code)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> User:
        return authorization_code.user


class OpenID(OpenIDCode):
    """ID tokens signed with the provider's RSA key, bent as the provider is told to."""

    def __init__(self, provider: LocalProvider):
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request) -> bool:
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def resolve_client_private_key(self, client) -> RSAKey:
        return self.provider.forged_key or self.provider.key

    def get_client_algorithm(self, client) -> str:
        return "RS256"

    def get_encode_header(self, client) -> dict:
        return {"alg": "RS256", "kid": self.provider.key.kid}

    def get_client_claims(self, client) -> dict:
        claims = {
            "iss": self.provider.issuer,
            "aud": [self.provider.audience or client.get_client_id()],
        }
        if self.provider.expired:
            now = int(time.time())
            claims |= {"iat": now - 7200, "exp": now - 3600}
        return claims | self.provider.extra_claims

    def get_authorization_code_claims(self, authorization_code: Code) -> dict:
        claims = super().get_authorization_code_claims(authorization_code)
        if self.provider.nonce is not None:
            claims["nonce"] = self.provider.nonce
        return claims

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        return UserInfo(
            sub=f"sub-{user.email}",
            email=user.email,
            email_verified=self.provider.email_verified,
            name=user.email.split("@")[0],
        )


class LocalProvider:
    """An OpenID Connect provider on 127.0.0.1; ``start()`` it and ``stop()`` it when done, or
    use it as a context manager.

    ``redirect_uris`` lists the callbacks it accepts (the app's
    ``PUBLIC_URL + /sso/<slug>/callback``); ``issuer`` is its base URL once started.
    """

    def __init__(
        self,
        user_email: str = "manager@example.com",
        *,
        client_id: str = "mindset-survey",
        client_secret: str | None = None,
        redirect_uris: list[str] | None = None,
    ):
        self.user_email = user_email
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.redirect_uris = list(redirect_uris or [])
        self.audience: str | None = None
        self.expired = False
        self.email_verified = True
        self.nonce: str | None = None
        self.forged_key: RSAKey | None = None
        self.extra_claims: dict = {}
        self.codes: dict[str, Code] = {}
        self.authorizations: list[dict] = []
        self.token_requests: list[dict] = []
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.client = Client(self)
        self.app = self._build_app()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self._server.server_port
        self.issuer = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LocalProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering: later requests to it fail to connect. Safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> LocalProvider:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _build_app(self) -> Flask:
        app = Flask(__name__)
        server = AuthorizationServer(
            app, query_client=self._query_client, save_token=lambda token, request: None
        )
        server.provider = self
        server.register_grant(CodeGrant, [CodeChallenge(required=True), OpenID(self)])

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(self.metadata())

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            self.authorizations.append(request.args.to_dict())
            user = User(self.user_email)
            try:
                grant = server.get_consent_grant(end_user=user)
            except OAuth2Error as error:
                return jsonify(error=error.error, error_description=error.description), 400
            return server.create_authorization_response(grant=grant, grant_user=user)

        @app.post("/token")
        def token():
            self.token_requests.append(request.form.to_dict())
            return server.create_token_response()

        return app

    def _query_client(self, client_id: str) -> Client | None:
        return self.client if client_id == self.client_id else None

    def metadata(self) -> dict:
        """The discovery document."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": list(SCOPES),
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }
