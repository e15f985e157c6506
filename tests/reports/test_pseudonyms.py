"""Export pseudonyms: HMAC-SHA256, stable per assessment, different between assessments."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from survey.reports.pseudonyms import export_pseudonym, new_row_id, pseudonym_key

KEY = "0f" * 16  # a stored respondent key, as survey.models.people.new_pseudonym makes them


def test_pseudonym_is_the_truncated_hmac_of_the_key_under_a_derived_key():
    derived = hmac.new(
        b"secret", b"mindset-survey export pseudonym, assessment 7", hashlib.sha256
    ).digest()
    # hmac.new(derived, KEY.encode(), hashlib.sha256).hexdigest()[:16], RFC 2104 HMAC-SHA256
    expected = hmac.new(derived, KEY.encode(), hashlib.sha256).hexdigest()[:16]
    assert export_pseudonym(pseudonym_key("secret", 7), KEY) == expected


def test_pseudonyms_are_stable_per_assessment_and_differ_between_assessments_and_secrets():
    first = export_pseudonym(pseudonym_key("secret", 7), KEY)
    assert export_pseudonym(pseudonym_key("secret", 7), KEY) == first
    assert export_pseudonym(pseudonym_key("secret", 8), KEY) != first
    assert export_pseudonym(pseudonym_key("other secret", 7), KEY) != first
    assert export_pseudonym(pseudonym_key("secret", 7), "1" * 32) != first
    assert KEY not in first and len(first) == 16


def test_an_empty_secret_is_refused():
    with pytest.raises(ValueError, match="secret_key must not be empty"):
        pseudonym_key("", 7)


def test_row_ids_are_random_hex():
    ids = {new_row_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(row_id) == 16 and int(row_id, 16) >= 0 for row_id in ids)
