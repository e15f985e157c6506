"""The forms of single sign-on: an organisation's provider settings and the sign-in name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 60
MAX_ISSUER = 500
MAX_CLIENT_ID = 255
MAX_SECRET = 500  # sealed, it must fit the column's 1000 characters
LOCAL_HOSTS = ("127.0.0.1", "localhost")
RESERVED_SLUGS = ("settings",)  # would read as another page's address


def issuer_problem(issuer: str) -> str | None:
    """Why ``issuer`` cannot be a provider's issuer URL, or None.

    >>> issuer_problem("https://login.example.com/realms/acme") is None
    True
    >>> issuer_problem("http://127.0.0.1:8080") is None
    True
    >>> issuer_problem("http://login.example.com")
    'The issuer must start with https:// (plain http only for localhost).'
    """
    try:
        parts = urlsplit(issuer)
        host = parts.hostname
    except ValueError:
        return "This is not a URL such as https://login.example.com."
    if parts.scheme not in ("https", "http") or not host:
        return "This is not a URL such as https://login.example.com."
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return "The issuer must start with https:// (plain http only for localhost)."
    if parts.query or parts.fragment or parts.username or parts.password:
        return "The issuer is a plain address, without ?query, #fragment or user name."
    return None


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be a sign-in name, or None.

    >>> slug_problem("acme-solar") is None
    True
    >>> slug_problem("Acme Solar")
    'Use lowercase letters, digits and single hyphens only, such as acme-solar.'
    """
    if not SLUG.fullmatch(slug):
        return "Use lowercase letters, digits and single hyphens only, such as acme-solar."
    if slug in RESERVED_SLUGS:
        return f"{slug!r} is reserved; choose another sign-in name."
    return None


def _strip(text: str | None) -> str | None:
    return text.strip() if isinstance(text, str) else text


class SettingsForm(FlaskForm):
    """An organisation's OpenID Connect provider. The client secret is never shown back:
    left blank, the current one stays."""

    issuer = URLField(
        "Issuer URL",
        filters=[_strip],
        validators=[DataRequired("Enter the provider's issuer URL."), Length(max=MAX_ISSUER)],
    )
    client_id = StringField(
        "Client ID",
        filters=[_strip],
        validators=[DataRequired("Enter the client ID."), Length(max=MAX_CLIENT_ID)],
    )
    client_secret = PasswordField("Client secret", validators=[Optional(), Length(max=MAX_SECRET)])
    slug = StringField(
        "Sign-in name",
        filters=[_strip],
        validators=[DataRequired("Choose a sign-in name."), Length(max=MAX_SLUG)],
    )
    enabled = BooleanField("Managers may sign in through this provider")

    def validate_issuer(self, field: StringField) -> None:
        problem = issuer_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_slug(self, field: StringField) -> None:
        problem = slug_problem(field.data)
        if problem:
            raise ValidationError(problem)


class StartForm(FlaskForm):
    """The sign-in name of a manager's organisation."""

    slug = StringField(
        "Your organisation's sign-in name",
        filters=[lambda text: text.strip().lower() if isinstance(text, str) else text],
        validators=[DataRequired("Enter your organisation's sign-in name."), Length(max=MAX_SLUG)],
    )

    def validate_slug(self, field: StringField) -> None:
        if not SLUG.fullmatch(field.data):
            raise ValidationError("A sign-in name has only letters, digits and hyphens.")
