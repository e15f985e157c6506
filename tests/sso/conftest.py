"""A local OpenID Connect provider per test, and Acme Solar signing in through it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from survey.accounts.sealed import seal
from survey.models import SingleSignOn
from tests.factories.reference import ReferenceOrg
from tests.sso.helpers import CALLBACK, DOMAINS, SLUG
from tests.sso.provider import LocalProvider


@pytest.fixture
def provider() -> Iterator[LocalProvider]:
    """A running provider that approves the Paris manager of the reference organisation."""
    local = LocalProvider("p@example.com", redirect_uris=[CALLBACK]).start()
    yield local
    local.stop()


@pytest.fixture
def acme_sso(
    app: Flask, dbs: Session, reference_org: ReferenceOrg, provider: LocalProvider
) -> SingleSignOn:
    """Acme Solar's single sign-on through ``provider``, enabled, at ``/sso/acme``, for the
    domains of the tests' users (``DOMAINS``)."""
    sso = SingleSignOn(
        organisation_id=reference_org.organisation.id,
        slug=SLUG,
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=seal(app.config["SECRET_KEY"], provider.client_secret),
        email_domains=DOMAINS,
        enabled=True,
    )
    dbs.add(sso)
    dbs.commit()
    return sso
