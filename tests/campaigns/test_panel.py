"""The panel that the organisation's page includes: its assessments and what to do next."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from survey.clients.organisations import recent_assessments
from survey.db import db
from survey.models._columns import utcnow
from tests.factories import gen_assessment, gen_organisation, gen_wave


def panel(app, organisation) -> str:
    with app.test_request_context():
        recent = recent_assessments(db.session, organisation.id, utcnow())  # as the page does
        return render_template(
            "campaigns/_organisation_panel.html",
            organisation=organisation,
            recent_assessments=recent,
        )


def test_an_organisation_without_assessments_is_told_what_to_do(app, dbs):
    nova = gen_organisation(dbs, "Nova Grid")  # a new client, unlike Acme Solar
    html = panel(app, nova)
    assert "No assessment yet" in html
    assert f'href="/clients/{nova.id}/assessments/new"' in html


def test_the_panel_lists_assessments_and_their_waves(app, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation, name="Sales mindset")
    gen_wave(dbs, assessment, opens_in=-timedelta(days=1), name="Spring")
    html = panel(app, reference_org.organisation)
    assert f'href="/clients/{reference_org.organisation.id}/assessments/{assessment.id}"' in html
    assert "Spring (open)" in html
    assert "All assessments" in html
