"""An organisation's single sign-on settings: read, check and save them, audited."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.accounts.sealed import seal, unseal
from survey.audit import record
from survey.models import Organisation, SingleSignOn
from survey.sso.forms import SettingsForm, domains_of

SLUG_TAKEN = _l("Another organisation already uses this sign-in name.")
SECRET_MISSING = _l("Enter the client secret the provider gave you.")
SECRET_AGAIN = _l("The issuer or client ID changed: enter the client secret again.")


def settings_of(session: Session, organisation: Organisation) -> SingleSignOn | None:
    """The organisation's single sign-on, if it has one."""
    return session.scalar(
        select(SingleSignOn).where(SingleSignOn.organisation_id == organisation.id)
    )


def secret_lost(sso: SingleSignOn | None, secret_key: str) -> bool:
    """Whether the saved client secret can no longer be read (``SECRET_KEY`` changed)."""
    return sso is not None and unseal(secret_key, sso.client_secret) is None


def enabled_by_slug(session: Session, slug: str) -> SingleSignOn | None:
    """The enabled single sign-on with this sign-in name, if any."""
    return session.scalar(
        select(SingleSignOn).where(SingleSignOn.slug == slug, SingleSignOn.enabled.is_(True))
    )


def save_settings(
    session: Session,
    organisation: Organisation,
    current: SingleSignOn | None,
    form: SettingsForm,
    secret_key: str,
) -> SingleSignOn | None:
    """Save what ``form`` (already validated) says, audited as ``sso.configured``; commits.

    None, with the reason on the form's fields, when the sign-in name is another
    organisation's, or there is no client secret while there is none yet or the issuer or
    client id changes (the saved secret must never go to another provider); nothing is then
    saved.
    """
    if not form.client_secret.data:
        if current is None:
            form.client_secret.errors.append(SECRET_MISSING)
            return None
        if (current.issuer, current.client_id) != (form.issuer.data, form.client_id.data):
            form.client_secret.errors.append(SECRET_AGAIN)
            return None
    if _slug_taken(session, form.slug.data, organisation):
        form.slug.errors.append(SLUG_TAKEN)
        return None
    sso = current or SingleSignOn(organisation_id=organisation.id)
    sso.issuer = form.issuer.data
    sso.client_id = form.client_id.data
    sso.slug = form.slug.data
    sso.email_domains = " ".join(domains_of(form.email_domains.data))
    sso.enabled = form.enabled.data
    if form.client_secret.data:
        sso.client_secret = seal(secret_key, form.client_secret.data)
    session.add(sso)
    record(
        session,
        "sso.configured",
        organisation_id=organisation.id,
        target=f"organisation {organisation.id}",
        issuer=sso.issuer,
        client_id=sso.client_id,
        slug=sso.slug,
        email_domains=sso.email_domains,
        enabled=sso.enabled,
        new_client_credential=bool(form.client_secret.data),
    )
    try:
        session.commit()
    except IntegrityError:  # the same sign-in name saved by someone else meanwhile
        session.rollback()
        form.slug.errors.append(SLUG_TAKEN)
        return None
    return sso


def _slug_taken(session: Session, slug: str, organisation: Organisation) -> bool:
    owner = session.scalar(select(SingleSignOn.organisation_id).where(SingleSignOn.slug == slug))
    return owner is not None and owner != organisation.id
