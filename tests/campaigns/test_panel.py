"""The panel that the organisation's page includes: its assessments and what to do next."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from tests.campaigns.helpers import make_assessment, make_wave


def panel(app, organisation) -> str:
    with app.test_request_context():
        return render_template("campaigns/_organisation_panel.html", organisation=organisation)


def test_an_organisation_without_assessments_is_told_what_to_do(app, acme):
    html = panel(app, acme.organisation)
    assert "No assessment yet" in html
    assert f'href="/clients/{acme.organisation.id}/assessments/new"' in html


def test_the_panel_lists_assessments_and_their_waves(app, acme, dbs):
    assessment = make_assessment(dbs, acme.organisation, name="Mindset 2026")
    make_wave(dbs, assessment, opens_in=-timedelta(days=1), name="Spring")
    html = panel(app, acme.organisation)
    assert f'href="/clients/{acme.organisation.id}/assessments/{assessment.id}"' in html
    assert "Spring (open)" in html
    assert "All assessments" in html
