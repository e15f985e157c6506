"""The report's note on answering languages, read only from what the release stored."""

from __future__ import annotations

import pytest

from survey.reports.languages import language_note


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def test_published_languages_are_named_with_how_many_answered_in_each():
    stored = {
        "mixed": True,
        "published": [
            {"language": "fr", "n": 7},
            {"language": "de", "n": 6},
            {"language": "es", "n": 5},
        ],
    }
    note = language_note({"languages": stored}, 5)
    assert note.sentences[0] == "Answers were given in French, German and Spanish."
    assert "keep each statement's meaning and keying" in note.sentences[1]
    assert "Means are not given by language" in note.sentences[2]
    assert [(row.name, row.n) for row in note.rows] == [
        ("French", 7),
        ("German", 6),
        ("Spanish", 5),
    ]


def test_means_stored_by_an_earlier_release_are_not_shown():
    stored = {
        "mixed": True,
        "published": [
            {"language": "fr", "n": 7, "index": 61.25, "dimensions": {"Motivation": 60.0}},
            {"language": "de", "n": 6, "index": 55.0, "dimensions": {}},
        ],
        "others": True,
    }
    note = language_note({"languages": stored}, 5)
    assert [(row.name, row.n) for row in note.rows] == [("French", 7), ("German", 6)]
    assert not hasattr(note.rows[0], "index")


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"cells": {}},  # made before languages were released
        {"languages": {"mixed": False, "published": []}},
        {"languages": {"mixed": True, "published": [{"language": "fr", "n": 9}]}},
        {"languages": {"mixed": None, "published": [], "others": True}},
    ],
)
def test_one_language_or_an_old_release_says_nothing(payload):
    assert language_note(payload, 5) is None


def test_the_report_page_and_pdf_show_the_languages_the_release_published(
    client, dbs, answered_org
):
    from sqlalchemy import update

    from survey.models import Response
    from tests.auth.helpers import login
    from tests.reports.helpers import base, report_pdf

    # Paris's reps answered in French, everyone else in German: each language is a union of
    # teams the release shows, so the auditor has nothing to withhold.
    paris = answered_org.teams["Paris"].id
    reps = update(Response).where(Response.role == "rep")
    dbs.execute(reps.where(Response.team_id == paris).values(language="fr"))
    dbs.execute(reps.where(Response.team_id != paris).values(language="de"))
    dbs.commit()
    login(client, "c@example.com")
    page = client.get(f"{base(answered_org)}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="languages"' in html and "Answers were given in German and French." in html
    assert "meaning and keying" in html
    assert report_pdf(client, answered_org).data.startswith(b"%PDF")
