"""Exports: content, pseudonyms, nothing that leads to a person, formulas, small teams, jobs."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Invitation, Response
from tests.auth.helpers import login
from tests.factories import (
    REFERENCE_COUNTS,
    gen_person,
    gen_person_invitation,
    gen_response,
    gen_team,
    rep_questionnaire,
)
from tests.reports.helpers import EXPORTS, base, download, export, rows_of

PER_WAVE = sum(REFERENCE_COUNTS.values())  # every answer of answered_org, in each of its waves
IDENTITY = ["row_id", "wave", "team"]


def position(keyed: float) -> float:
    """A mean keyed answer on the 1..7 scale placed on 0..100: (x - 1) / (7 - 1) * 100."""
    return (keyed - 1) / 6 * 100


def test_wide_long_and_scores_hold_every_exported_response(client, answered_org):
    login(client, "c@example.com")
    questionnaire = rep_questionnaire()
    items = [item.id for item in questionnaire.items]

    wide = download(client, answered_org, "responses-wide")
    assert list(wide[0])[: len(IDENTITY) + len(items)] == IDENTITY + items
    assert Counter(row["wave"] for row in wide) == {"Spring": PER_WAVE, "Autumn": PER_WAVE}
    assert {row["why_1"] for row in wide} == {"pay", "customers"}
    assert len({row["row_id"] for row in wide}) == 2 * PER_WAVE

    long = download(client, answered_org, "responses-long")
    assert list(long[0]) == [*IDENTITY, "question", "dimension", "keyed", "answer", "words"]
    assert len(long) == 2 * PER_WAVE * (len(items) + 1)  # every statement and one rung
    motivation = [row for row in long if row["question"] == items[0]]
    assert {row["dimension"] for row in motivation} == {questionnaire.items[0].dimension}

    scores = download(client, answered_org, "scores")
    dimensions = [dimension.key for dimension in questionnaire.dimensions]
    assert list(scores[0]) == [*IDENTITY, "mindset_index", *dimensions]
    # gen_reference_answers: every keyed answer is 6 in Autumn (3 in Spring) except one statement
    # per person answered 4, so one dimension's mean is (5 * 6 + 4) / 6.
    autumn = [row for row in scores if row["wave"] == "Autumn"]
    expected_index = position((5 * 6 + (5 * 6 + 4) / 6) / 6)
    assert {float(row["mindset_index"]) for row in autumn} == {round(expected_index, 2)}
    for row in autumn:
        values = sorted(float(row[key]) for key in dimensions)
        assert values == [round(position((5 * 6 + 4) / 6), 2)] + [round(position(6), 2)] * 5


def test_confidential_pseudonyms_pair_the_waves_and_never_show_the_key(client, dbs, answered_org):
    answered_org.assessment.mode = "confidential"
    keys = [f"{n:032x}" for n in range(1, 6)]
    for wave in answered_org.waves:
        for key in keys:
            gen_response(dbs, wave, answered_org.teams["Product"], respondent_key=key)
    login(client, "c@example.com")

    wide = download(client, answered_org, "responses-wide")
    assert list(wide[0])[:4] == ["row_id", "pseudonym", "wave", "team"]
    paired = [row for row in wide if row["pseudonym"]]
    waves_by_pseudonym = {}
    for row in paired:
        waves_by_pseudonym.setdefault(row["pseudonym"], []).append(row["wave"])
    assert len(waves_by_pseudonym) == len(keys)
    assert all(sorted(w) == ["Autumn", "Spring"] for w in waves_by_pseudonym.values())
    for pseudonym in waves_by_pseudonym:
        assert len(pseudonym) == 16 and all(key[:8] not in pseudonym for key in keys)

    # The same pseudonyms in every response-level export and in a second download ...
    for name in ("responses-long", "scores", "responses-wide"):
        rows = download(client, answered_org, name)
        assert {row["pseudonym"] for row in rows if row["pseudonym"]} == set(waves_by_pseudonym)
    # ... but fresh row ids each time.
    again = download(client, answered_org, "responses-wide")
    assert not {row["row_id"] for row in again} & {row["row_id"] for row in wide}


def test_no_export_holds_an_id_a_key_a_person_or_a_token(client, dbs, answered_org, app):
    person = gen_person(dbs, answered_org.teams["Product"], "rep@example.com")
    token = gen_person_invitation(dbs, answered_org.waves[-1], person)
    # A stored key in an anonymous assessment (from data moved between modes) is not exported.
    product = answered_org.teams["Product"]
    gen_response(dbs, answered_org.waves[-1], product, respondent_key=person.pseudonym)
    login(client, "admin@example.com")
    texts = [export(client, answered_org, name).get_data(as_text=True) for name in EXPORTS]

    secrets_ = {token}
    secrets_ |= set(dbs.scalars(select(Invitation.token_hash)))
    secrets_ |= {str(response_id) for response_id in dbs.scalars(select(Response.id))}
    secrets_ |= {person.pseudonym, person.email}
    for text in texts:
        assert "pseudonym" not in text.splitlines()[0]
        for secret in secrets_:
            assert secret not in text


PAYLOADS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tcmd",
    "\rcmd",
]


@pytest.mark.parametrize("name", ["responses-wide", "responses-long"])
def test_exports_neutralise_formulas_in_ladder_words(client, dbs, answered_org, name):
    for words in PAYLOADS:
        gen_response(dbs, answered_org.waves[-1], answered_org.teams["Product"], words=words)
    formula_team = gen_team(dbs, answered_org.organisation, "=cmd|' /C calc'!A0")
    for _ in range(answered_org.assessment.min_group_size):
        gen_response(dbs, answered_org.waves[-1], formula_team)
    login(client, "c@example.com")

    response = export(client, answered_org, name)
    rows = rows_of(response.get_data(as_text=True))
    column = "why_1_words" if name == "responses-wide" else "words"
    found = [row[column] for row in rows if row[column]]
    assert sorted(found) == sorted("'" + payload for payload in PAYLOADS)
    assert "'" + formula_team.name in {row["team"] for row in rows}
    raw = response.get_data(as_text=True)
    for line in csv.reader(io.StringIO(raw.removeprefix("\ufeff"))):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)


def test_small_teams_cannot_be_read_from_response_exports(client, dbs, answered_org):
    """Spain (3 answers) and France (its complement) are never named; Tiny (a top team of 2) is
    left out, as no team above it can be shown; every team path stands for 5 or more answers.
    """
    tiny = gen_team(dbs, answered_org.organisation, "Tiny")
    for _ in range(2):
        gen_response(dbs, answered_org.waves[-1], tiny)
    login(client, "c@example.com")

    for name in ("responses-wide", "scores"):
        rows = download(client, answered_org, name)
        groups = Counter((row["wave"], row["team"]) for row in rows)
        assert {team for _, team in groups} == {"Global", "Global/France/Paris", "Product"}
        assert min(groups.values()) >= answered_org.assessment.min_group_size
        # Spain's 3 answers and France's own 6 are exported under Global.
        assert (
            groups[("Autumn", "Global")] == REFERENCE_COUNTS["Spain"] + REFERENCE_COUNTS["France"]
        )
        assert Counter(row["wave"] for row in rows)["Autumn"] == PER_WAVE
    long = download(client, answered_org, "responses-long")
    assert not {row["team"] for row in long} & {"Global/Spain", "Global/France", "Tiny"}


def test_aggregates_are_the_dashboards_suppressed_numbers(client, answered_org):
    login(client, "c@example.com")
    rows = download(client, answered_org, "aggregates")
    assert list(rows[0]) == [
        "team",
        "wave",
        "measure",
        "n",
        "mean",
        "sd",
        "ci_low",
        "ci_high",
        "hidden_reason",
    ]
    cells = {(row["team"], row["wave"], row["measure"]): row for row in rows}
    index = cells[("Global", "Autumn", "Mindset index")]
    assert index["n"] == "16" and index["hidden_reason"] == ""
    assert float(index["mean"]) == pytest.approx(position((5 * 6 + (5 * 6 + 4) / 6) / 6))
    spain = cells[("Global/Spain", "Autumn", "Mindset index")]
    assert (spain["n"], spain["mean"], spain["sd"]) == ("", "", "")
    assert spain["hidden_reason"] == "fewer than 5 answers"
    france = cells[("Global/France", "Spring", "Motivation")]
    assert france["mean"] == "" and france["hidden_reason"] == (
        "hidden together with Spain, which has fewer than 5 answers; shown when Spain has 5 or more"
    )
    assert cells[("Global/France/Paris", "Autumn", "Incentives")]["n"] == str(
        REFERENCE_COUNTS["Paris"]
    )


def test_every_file_asked_for_and_downloaded_is_audited(client, dbs, answered_org):
    login(client, "c@example.com")
    for name in EXPORTS:
        export(client, answered_org, name)
    events = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "export.download")).all()
    assert sorted(event.details["export"] for event in events) == sorted(EXPORTS)
    assert {event.user_email for event in events} == {"c@example.com"}
    assert {event.organisation_id for event in events} == {answered_org.organisation.id}
    jobs = {f"job {event.details['job']}" for event in events}
    downloads = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "job.download")).all()
    assert {event.target for event in downloads} == jobs
    assert {event.user_email for event in downloads} == {"c@example.com"}


def test_the_exports_page_lists_every_download_and_the_report(client, answered_org):
    login(client, "c@example.com")
    html = client.get(f"{base(answered_org)}/exports/").get_data(as_text=True)
    for name in EXPORTS:
        assert f'formaction="{base(answered_org)}/exports/{name}.csv"' in html
    assert f'action="{base(answered_org)}/report"' in html
    assert "anonymous" in html and "fewer than 5 answers" in html
