"""The printable report: findings in words, SVG charts, change, reliability, methodology, PDF."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pingouin
import pytest
from markupsafe import escape
from sqlalchemy import select

from analysis.change import classify_changes, compare_summaries
from analysis.scoring import dimension_scores, mindset_index
from survey.models import AuditEvent
from tests.auth.helpers import login
from tests.factories import gen_assessment, gen_scaled_responses, rep_questionnaire
from tests.reports.helpers import ask, base, made, pdf_page_count

ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)


@pytest.fixture
def scaled_answers(dbs, reference_org) -> dict[int, np.ndarray]:
    """Product alone answers Spring and Autumn (40 a wave, enough for alpha): five coherent
    scales and one (incentives) of noise, the trait moving +1 between the waves. The keyed
    answers, by wave id."""
    return gen_scaled_responses(dbs, reference_org.waves, reference_org.teams["Product"], n=40)


def product_report(client, org, wave) -> str:
    return report(client, org, team=org.teams["Product"].id, wave=wave.id)


def report(client, answered_org, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    response = client.get(f"{base(answered_org)}/report?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reliability_rows(html: str) -> dict[str, list[str]]:
    section = html.split('id="reliability"')[1].split('id="methodology"')[0]
    rows = {}
    for row in ROW.findall(section):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in CELL.findall(row)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def dimension_means(keyed: np.ndarray) -> np.ndarray:
    questionnaire = rep_questionnaire()
    return dimension_scores(
        keyed,
        questionnaire.item_dimension_index(),
        len(questionnaire.dimensions),
        np.zeros(len(questionnaire.items), dtype=bool),  # already keyed
        1,
        7,
        questionnaire.min_answered_share,
    )


def test_findings_in_words_and_charts_as_inline_svg(client, reference_org, scaled_answers):
    login(client, "c@example.com")
    first, second = reference_org.waves
    html = product_report(client, reference_org, second)

    before = mindset_index(dimension_means(scaled_answers[first.id]), 1, 7)
    after = mindset_index(dimension_means(scaled_answers[second.id]), 1, 7)
    # analysis.scoring.mindset_index(dimension_scores(keyed, ...), 1, 7).mean()
    assert f"In Autumn, Product scores {after.mean():.0f} on the mindset index" in html
    # Welch's test from the two waves' n, mean and SD; Product is the only team compared, so its
    # family holds one test: analysis.change.classify_changes([compare_summaries(...)])
    welch = compare_summaries(
        before.size, before.mean(), before.std(ddof=1), after.size, after.mean(), after.std(ddof=1)
    )
    verdict = classify_changes([welch])[0].label
    assert f"Since Spring, the index {verdict}" in html
    names = [dimension.name for dimension in rep_questionnaire().dimensions]
    means = np.nanmean(dimension_means(scaled_answers[second.id]) - 1, axis=0)
    assert f"Closest to the purpose-driven pole: {escape(names[int(np.argmax(means))])}" in html
    assert f"Closest to the contractual pole: {escape(names[int(np.argmin(means))])}" in html

    assert html.count("<svg") >= 4  # trend, profile, distribution, ladder
    assert 'type="application/json"' not in html and "vega-bundle" not in html
    assert "Change since Spring" in html


def test_reliability_shows_alpha_with_its_feldt_interval_and_flags_scales_below_70(
    client, reference_org, scaled_answers
):
    login(client, "admin@example.com")
    wave = reference_org.waves[-1]
    rows = reliability_rows(product_report(client, reference_org, wave))
    questionnaire = rep_questionnaire()
    keyed = scaled_answers[wave.id]
    flagged = []
    for dimension in questionnaire.dimensions:
        columns = [
            i for i, item in enumerate(questionnaire.items) if item.dimension == dimension.key
        ]
        # pingouin.cronbach_alpha(data=pd.DataFrame(keyed[:, columns])), pingouin 0.7: the
        # interval is Feldt's, rounded to 3 decimals.
        alpha, ci = pingouin.cronbach_alpha(data=pd.DataFrame(keyed[:, columns]))
        items, answers, shown_alpha, interval, note = rows[dimension.name]
        assert (int(items), int(answers)) == (len(columns), keyed.shape[0])
        assert float(shown_alpha) == pytest.approx(alpha, abs=0.005)
        low, high = (float(part) for part in interval.split(" to "))
        assert (low, high) == pytest.approx(tuple(ci), abs=0.0051)
        assert (note == "below .70") == (alpha < 0.70)
        if alpha < 0.70:
            flagged.append(dimension.key)
    assert flagged == ["incentives"]  # the scale answered at random


def test_methodology_describes_each_dimension_scoring_intervals_and_privacy(client, answered_org):
    login(client, "c@example.com")
    html = report(client, answered_org)
    methods = html.split('id="methodology"')[1]
    for dimension in rep_questionnaire().dimensions:
        for text in (dimension.name, dimension.description, dimension.contractual_pole):
            assert str(escape(text)) in methods
        assert str(escape(dimension.purpose_pole)) in methods
        assert all(str(escape(source)) in methods for source in dimension.sources)
    assert "Welch" in methods and "Benjamini" in methods and "Feldt" in methods
    assert "No figure rests on fewer than 5 people" in methods


def test_hidden_cells_say_why(client, answered_org):
    login(client, "c@example.com")
    html = report(client, answered_org)
    assert "Spain, Autumn: not shown, fewer than 5 answers." in html
    assert (
        "France, Autumn: not shown, hidden together with Spain, which has fewer than 5 answers; "
        "shown when Spain has 5 or more."
    ) in html
    spain = report(client, answered_org, team=answered_org.teams["Spain"].id)
    assert "No figures are shown for Spain in Autumn: fewer than 5 answers." in spain
    assert "Spain: left out, fewer than 5 answers." in spain
    assert "<svg" not in spain


def test_a_team_report_covers_that_team_and_escapes_its_name_in_charts(client, dbs, answered_org):
    answered_org.teams["Paris"].name = "<script>alert(1)</script>"
    dbs.commit()
    login(client, "c@example.com")
    html = report(
        client, answered_org, team=answered_org.teams["Paris"].id, wave=answered_org.waves[0].id
    )
    assert "Global/France/&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "In Spring, &lt;script&gt;" in html and "This is the first released wave" in html
    assert "Global scores" not in html


def test_the_pdf_is_a_paged_pdf_made_by_a_job_and_it_is_audited(
    client, reference_org, scaled_answers, dbs
):
    login(client, "c@example.com")
    product, wave = reference_org.teams["Product"], reference_org.waves[-1]
    page, response = made(
        client, f"{base(reference_org)}/report.pdf?team={product.id}&wave={wave.id}"
    )
    assert "<h1>PDF report · Autumn</h1>" in page and 'status-done">done<' in page
    name = f"acme-solar-mindset-2026-{wave.name.lower()}-product-report.pdf"
    assert f"Download {name}" in page
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    pdf = response.data
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 20_000
    # Cover, the team, reliability and methodology each start a page.
    assert pdf_page_count(pdf) >= 4
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "report.download"))
    assert event.user_email == "c@example.com"
    assert (event.details["wave_id"], event.details["team_id"]) == (wave.id, product.id)
    downloaded = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "job.download"))
    assert downloaded.target == f"job {event.details['job']}"


def test_without_a_wave_the_report_says_what_to_do(client, dbs, answered_org):
    empty = gen_assessment(dbs, answered_org.organisation, name="Next year")
    login(client, "c@example.com")
    url = f"/clients/{answered_org.organisation.id}/assessments/{empty.id}"
    assert "There is no wave yet" in client.get(f"{url}/report").get_data(as_text=True)
    assert "Schedule and open a wave" in client.get(f"{url}/exports/").get_data(as_text=True)
    assert ask(client, f"{url}/report.pdf").status_code == 404
    _page, scores = made(client, f"{url}/exports/scores.csv")
    assert scores.get_data(as_text=True).count("\n") == 1
