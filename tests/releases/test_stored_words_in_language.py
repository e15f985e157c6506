"""Dimension names and WHY-ladder targets, stored in the source wording, read in the reader's
language on dashboards, charts and reports."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from questionnaires import load_directory
from survey.releases.labels import shown_value

REP = load_directory()["rep-mindset", 1]


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_a_stored_dimension_name_and_ladder_target_read_in_the_readers_language(app, language):
    translated = REP.in_language(language)
    with app.test_request_context(), force_locale(language):
        for source, shown in zip(REP.dimensions, translated.dimensions, strict=True):
            assert shown_value(source.name, "dimension") == shown.name
        for source, shown in zip(REP.ladder.targets, translated.ladder.targets, strict=True):
            assert shown_value(source.label, "rung") == shown.label
        assert shown_value("None of these", "rung") != "None of these"
        assert shown_value("Paris", "rung") == "Paris"  # not a stored target: as it is


def test_in_english_they_stay_as_stored(app):
    with app.test_request_context():
        assert shown_value(REP.dimensions[0].name, "dimension") == REP.dimensions[0].name
        assert shown_value("None of these", "rung") == "None of these"
