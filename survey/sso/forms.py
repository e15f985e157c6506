"""The forms of single sign-on: an organisation's provider settings and the sign-in name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 60
MAX_ISSUER = 500
MAX_CLIENT_ID = 255
MAX_SECRET = 500  # sealed, it must fit the column's 1000 characters
LOCAL_HOSTS = ("127.0.0.1", "localhost")
MAX_DOMAINS = 10
DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
MAX_DOMAIN = 253
MAX_DOMAINS_TEXT = 500  # the column's length
RESERVED_SLUGS = ("settings",)  # would read as another page's address


def issuer_problem(issuer: str, *, production: bool = True) -> str | None:
    """Why ``issuer`` cannot be a provider's issuer URL, or None. Plain http is only for a
    provider on this machine, and never in production.

    >>> issuer_problem("https://login.example.com/realms/acme") is None
    True
    >>> issuer_problem("http://127.0.0.1:8080", production=False) is None
    True
    >>> issuer_problem("http://127.0.0.1:8080")
    'The issuer must start with https://.'
    >>> issuer_problem("http://login.example.com", production=False)
    'The issuer must start with https:// (plain http only for localhost).'
    """
    try:
        parts = urlsplit(issuer)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return _("This is not a URL such as https://login.example.com.")
    if parts.scheme not in ("https", "http") or not host or not issuer.isascii():
        return _("This is not a URL such as https://login.example.com.")
    if parts.scheme == "http" and production:
        return _("The issuer must start with https://.")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return _("The issuer must start with https:// (plain http only for localhost).")
    if parts.query or parts.fragment or parts.username or parts.password:
        return _("The issuer is a plain address, without ?query, #fragment or user name.")
    return None


def domains_of(text: str) -> list[str]:
    """The distinct domains of a space- or comma-separated list, in lower case.

    >>> domains_of(" Acme.example, solar.example acme.example ")
    ['acme.example', 'solar.example']
    """
    return list(dict.fromkeys(text.lower().replace(",", " ").split()))


def domains_problem(domains: list[str]) -> str | None:
    """Why ``domains`` cannot be the e-mail domains allowed to sign in, or None.

    >>> domains_problem(["acme.example", "xn--sol-6na.example"]) is None
    True
    >>> domains_problem(["@acme.example"])
    "'@acme.example' is not a domain such as acme.example."
    """
    if not domains:
        return _("Enter at least one e-mail domain, such as acme.example.")
    if len(domains) > MAX_DOMAINS:
        return _("Enter at most %(max)s domains.", max=MAX_DOMAINS)
    for domain in domains:
        if len(domain) > MAX_DOMAIN or not DOMAIN.fullmatch(domain):
            return _(
                "%(domain)s is not a domain such as acme.example.", domain=repr(domain[:MAX_DOMAIN])
            )
    return None


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be a sign-in name, or None.

    >>> slug_problem("acme-solar") is None
    True
    >>> slug_problem("Acme Solar")
    'Use lowercase letters, digits and single hyphens only, such as acme-solar.'
    """
    if not SLUG.fullmatch(slug):
        return _("Use lowercase letters, digits and single hyphens only, such as acme-solar.")
    if slug in RESERVED_SLUGS:
        return _("%(slug)s is reserved; choose another sign-in name.", slug=repr(slug))
    return None


def _strip(text: str | None) -> str | None:
    return text.strip() if isinstance(text, str) else text


class SettingsForm(FlaskForm):
    """An organisation's OpenID Connect provider. The client secret is never shown back:
    left blank, the current one stays (unless the issuer or client id changes)."""

    issuer = URLField(
        _l("Issuer URL"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the provider's issuer URL.")), Length(max=MAX_ISSUER)],
    )
    client_id = StringField(
        _l("Client ID"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the client ID.")), Length(max=MAX_CLIENT_ID)],
    )
    client_secret = PasswordField(
        _l("Client secret"), validators=[Optional(), Length(max=MAX_SECRET)]
    )
    slug = StringField(
        _l("Sign-in name"),
        filters=[_strip],
        validators=[DataRequired(_l("Choose a sign-in name.")), Length(max=MAX_SLUG)],
    )
    email_domains = StringField(
        _l("E-mail domains that may sign in"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter at least one e-mail domain, such as acme.example.")),
            Length(max=MAX_DOMAINS_TEXT),
        ],
    )
    enabled = BooleanField(_l("Managers may sign in through this provider"))

    def validate_issuer(self, field: StringField) -> None:
        problem = issuer_problem(field.data, production=current_app.config["PRODUCTION"])
        if problem:
            raise ValidationError(problem)

    def validate_email_domains(self, field: StringField) -> None:
        problem = domains_problem(domains_of(field.data))
        if problem:
            raise ValidationError(problem)

    def validate_slug(self, field: StringField) -> None:
        problem = slug_problem(field.data)
        if problem:
            raise ValidationError(problem)


class StartForm(FlaskForm):
    """The sign-in name of a manager's organisation."""

    slug = StringField(
        _l("Your organisation's sign-in name"),
        filters=[lambda text: text.strip().lower() if isinstance(text, str) else text],
        validators=[
            DataRequired(_l("Enter your organisation's sign-in name.")),
            Length(max=MAX_SLUG),
        ],
    )

    def validate_slug(self, field: StringField) -> None:
        if not SLUG.fullmatch(field.data):
            raise ValidationError(_("A sign-in name has only letters, digits and hyphens."))
