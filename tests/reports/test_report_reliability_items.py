"""The report's statement tables (item-total r, alpha if dropped) and the tested extremes."""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
import pingouin
import pytest
from markupsafe import escape
from scipy import stats
from sqlalchemy import select
from statsmodels.stats.multitest import multipletests

from analysis.scoring import dimension_scores
from survey.models import Assessment, Organisation, Release, Team, Wave
from survey.releases.build import make_release
from survey.reports.findings import _extremes
from tests.auth.helpers import login
from tests.factories import (
    gen_assessment,
    gen_organisation,
    gen_scaled_responses,
    gen_team,
    gen_wave,
    new_response,
    rep_questionnaire,
)
from tests.factories import gen_user as make_user
from tests.reports.helpers import base, pdf_page_count, report_pdf

ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
WEAK = 0.30  # Field (2005), as survey.reports.scale_reliability.WEAK_ITEM_TOTAL


@dataclass
class Org:
    """One team, Sales, answering the given waves."""

    organisation: Organisation
    assessment: Assessment
    waves: list[Wave]
    team: Team
    keyed: dict[int, np.ndarray]  # wave id -> responses x items, after reverse keying


def gen_org(dbs, name: str, waves: int) -> Org:
    """Two closed waves 80 days apart (or one), no answers yet."""
    organisation = gen_organisation(dbs, name)
    team = gen_team(dbs, organisation, "Sales")
    assessment = gen_assessment(dbs, organisation, name="Mindset 2027")
    made = [
        gen_wave(
            dbs,
            assessment,
            opens_in=-timedelta(days=100 - 80 * number),
            lasts=timedelta(days=10),
            name=f"Wave {number + 1}",
        )
        for number in range(waves)
    ]
    return Org(organisation, assessment, made, team, {})


def report(client, org: Org, wave: Wave) -> str:
    response = client.get(f"{base(org)}/report?wave={wave.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reliability_section(html: str) -> str:
    return html.split('id="reliability"')[1].split('id="methodology"')[0]


def item_rows(html: str) -> dict[str, list[str]]:
    """``{statement id: [text, reversed, r, alpha if dropped, note]}`` of the statement tables."""
    tables = reliability_section(html).split('class="report-items"')[1:]
    rows = {}
    for table in tables:
        for row in ROW.findall(table):
            cells = [
                re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in CELL.findall(row)
            ]
            if cells:
                rows[cells[0]] = cells[1:]
    return rows


def findings_of(html: str) -> str:
    return re.sub(r"\s+", " ", html.split('class="findings"')[1].split("</ul>")[0])


def consultant(client, dbs, org: Org) -> None:
    make_user(dbs, "c@example.com", "consultant", organisations=[org.organisation])
    login(client, "c@example.com")


@pytest.fixture
def scaled(dbs) -> Org:
    """Sales answering two waves (40 a wave, enough for alpha): five coherent scales and one
    (incentives) of noise."""
    org = gen_org(dbs, "Lumen", waves=2)
    org.keyed = gen_scaled_responses(dbs, org.waves, org.team, n=40)
    return org


@pytest.fixture
def scaled_few(dbs) -> Org:
    """As ``scaled``, 12 a wave: too few for alpha, enough for the findings."""
    org = gen_org(dbs, "Lumen", waves=2)
    org.keyed = gen_scaled_responses(dbs, org.waves, org.team)
    return org


def test_statement_tables_give_item_rest_r_and_alpha_if_dropped_and_flag_weak_statements(
    client, dbs, scaled
):
    consultant(client, dbs, scaled)
    wave = scaled.waves[-1]
    rows = item_rows(report(client, scaled, wave))
    questionnaire = rep_questionnaire()
    keyed = scaled.keyed[wave.id]
    flagged = []
    for dimension in questionnaire.dimensions:
        columns = [
            i for i, item in enumerate(questionnaire.items) if item.dimension == dimension.key
        ]
        # pingouin.cronbach_alpha(data=pd.DataFrame(keyed[:, columns])), pingouin 0.7
        alpha, _ = pingouin.cronbach_alpha(data=pd.DataFrame(keyed[:, columns]))
        for column in columns:
            item = questionnaire.items[column]
            others = [c for c in columns if c != column]
            # np.corrcoef(item, sum of the others)[0, 1]: the corrected item-total r;
            # pingouin.cronbach_alpha(data=pd.DataFrame(keyed[:, others])): alpha if dropped
            r = np.corrcoef(keyed[:, column], keyed[:, others].sum(axis=1))[0, 1]
            dropped, _ = pingouin.cronbach_alpha(data=pd.DataFrame(keyed[:, others]))
            text, reversed_, shown_r, shown_dropped, note = rows[item.id]
            assert text == str(escape(item.text))
            assert reversed_ == ("yes" if item.reversed else "no")
            assert float(shown_r) == pytest.approx(r, abs=0.005)
            assert float(shown_dropped) == pytest.approx(dropped, abs=0.005)
            raises = round(dropped, 2) > round(alpha, 2)
            assert ("alpha higher without it" in note) == raises
            assert (f"r below {WEAK:.2f}".replace("0.", ".", 1) in note) == (r < WEAK)
            if raises or r < WEAK:
                flagged.append(dimension.key)
    assert set(flagged) == {"incentives"}  # the scale answered at random


def test_the_gap_between_the_extremes_is_tested_paired_and_holm_adjusted(client, dbs, scaled_few):
    scaled = scaled_few
    consultant(client, dbs, scaled)
    wave = scaled.waves[-1]
    sentence = findings_of(report(client, scaled, wave))
    questionnaire = rep_questionnaire()
    scores = (
        (
            dimension_scores(
                scaled.keyed[wave.id],
                questionnaire.item_dimension_index(),
                len(questionnaire.dimensions),
                np.zeros(len(questionnaire.items), dtype=bool),  # already keyed
                1,
                7,
                questionnaire.min_answered_share,
            )
            - 1
        )
        / 6
        * 100
    )
    names = [dimension.name for dimension in questionnaire.dimensions]
    means = scores.mean(axis=0)
    high, low = int(np.argmax(means)), int(np.argmin(means))
    # scipy.stats.ttest_rel(scores[:, high], scores[:, low]) and its confidence_interval(0.95);
    # statsmodels' multipletests(p of the 15 pairs' ttest_rel, method="holm")[1]
    test = stats.ttest_rel(scores[:, high], scores[:, low])
    ci = test.confidence_interval(0.95)
    pairs = list(itertools.combinations(range(6), 2))
    adjusted = multipletests(
        [stats.ttest_rel(scores[:, a], scores[:, b]).pvalue for a, b in pairs], method="holm"
    )[1][pairs.index((min(high, low), max(high, low)))]
    gap = (
        f"Within the same people, {escape(names[high])} is "
        f"{np.mean(scores[:, high] - scores[:, low]):.1f} points above {escape(names[low])} on "
        f"average (95% interval {ci.low:.1f} to {ci.high:.1f}, for this pair alone)"
    )
    assert gap in sentence
    verdict = (
        "a gap larger than chance alone would explain among the 15 comparisons between dimensions"
        if adjusted < 0.05
        else "given the 15 comparisons between dimensions, the gap could be chance"
    )
    assert f"{verdict} (paired t-test, Holm-adjusted p = {adjusted:.3f})." in sentence
    assert "overlap" not in sentence


def _strip_new_fields(data: dict) -> dict:
    """The payload as a release made before item statistics and extremes were stored."""
    old = copy.deepcopy(data)
    for rows in [old["roots_reliability"]] + [c.get("reliability") for c in old["cells"].values()]:
        if rows:
            rows["scales"] = [row[:9] for row in rows["scales"]]
    for cell in old["cells"].values():
        cell.pop("extremes", None)
    return old


def test_a_release_made_before_the_new_fields_says_they_were_not_computed(app, client, dbs, scaled):
    wave = scaled.waves[-1]
    with app.app_context():
        for earlier in scaled.waves:
            release = make_release(dbs, scaled.assessment, earlier, final=True)
            if earlier is wave:
                release.payload = _strip_new_fields(release.payload)
        dbs.commit()
    consultant(client, dbs, scaled)
    html = report(client, scaled, wave)
    section = reliability_section(html)
    assert 'class="report-items"' not in section
    for dimension in rep_questionnaire().dimensions:
        assert (
            f"{escape(dimension.name)}: the statements' figures were not computed for this release."
        ) in section
    assert re.search(r"<td>0\.\d\d</td>", section)  # alpha is still shown
    assert (
        "Whether the gap between them is more than chance was not computed for this release."
    ) in findings_of(html)
    stored = dbs.scalars(select(Release).where(Release.wave_id == wave.id)).one()
    assert "extremes" not in stored.payload["cells"][str(scaled.team.id)]


def straight_liners(dbs, n: int = 37) -> tuple[Org, Wave]:
    """One team whose members each give one answer to every statement (1 to 7 in turn).

    With 23 of them, alpha came out near -1.18e16 before variances were tested against a
    relative tolerance (rounding left the constant totals a tiny positive variance); 37 are
    enough for the report to estimate alpha at all.
    """
    org = gen_org(dbs, "Flat", waves=1)
    n_items = len(rep_questionnaire().items)
    for person in range(n):
        dbs.add(new_response(org.waves[0], org.team, values=[person % 7 + 1] * n_items))
    dbs.commit()
    return org, org.waves[0]


def test_straight_liners_give_undefined_alpha_with_its_reason_never_a_huge_number(client, dbs):
    org, wave = straight_liners(dbs)
    consultant(client, dbs, org)
    html = report(client, org, wave)
    section = reliability_section(html)
    for dimension in rep_questionnaire().dimensions:
        # Half of each scale is reverse-keyed: every keyed total is 24, for everyone.
        assert re.search(
            rf"<td>{re.escape(str(escape(dimension.name)))}</td><td>6</td><td>37</td>\s*"
            r"<td>undefined</td><td>–</td><td>the total score has no variance</td>",
            section,
        )
    numbers = [float(x) for x in re.findall(r"<td>(-?\d+\.\d+)</td>", section)]
    assert numbers and all(abs(x) <= 5.0 for x in numbers)  # alpha if dropped -5, r -1
    assert not re.search(r"\de[+-]?\d", section)
    assert "Every dimension has the same mean (50)." in findings_of(html)


def test_the_pdf_with_statement_tables_still_renders(client, dbs, scaled):
    consultant(client, dbs, scaled)
    response = report_pdf(client, scaled, f"?wave={scaled.waves[-1].id}")
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert pdf_page_count(response.data) >= 5  # the statement tables take a page more


HEADLINE = pd.DataFrame(
    {
        "measure": ["Motivation", "Cooperation", "Incentives"],
        "n": [20, 20, 20],
        "mean": [70.4, 61.0, 58.2],
        "sd": [10.0, 10.0, 10.0],
        "ci_low": [65.7, 56.3, 53.5],
        "ci_high": [75.1, 65.7, 62.9],
    }
)


def stored_gap(p_adjusted, reason=None):
    return {
        "extremes": {
            "highest": "Motivation",
            "lowest": "Incentives",
            "n": 20,
            "difference": 12.2,
            "ci_low": 7.04,
            "ci_high": 17.36,
            "p": None if p_adjusted is None else p_adjusted / 15,
            "p_adjusted": p_adjusted,
            "comparisons": 15,
            "adjustment": "holm",
            "undefined_reason": reason,
        }
    }


POLES = "Closest to the purpose-driven pole: Motivation (70). Closest to the contractual pole: "
GAP = (
    "Within the same people, Motivation is 12.2 points above Incentives on average (95% "
    "interval 7.0 to 17.4, for this pair alone): "
)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        (
            stored_gap(0.0123),
            f"{GAP}a gap larger than chance alone would explain among the 15 comparisons "
            "between dimensions (paired t-test, Holm-adjusted p = 0.012).",
        ),
        (
            stored_gap(0.0004),
            f"{GAP}a gap larger than chance alone would explain among the 15 comparisons "
            "between dimensions (paired t-test, Holm-adjusted p < 0.001).",
        ),
        (
            stored_gap(0.0498),  # not "p = 0.050" next to "larger than chance"
            f"{GAP}a gap larger than chance alone would explain among the 15 comparisons "
            "between dimensions (paired t-test, Holm-adjusted p < 0.05).",
        ),
        (
            stored_gap(0.31),
            f"{GAP}given the 15 comparisons between dimensions, the gap could be chance "
            "(paired t-test, Holm-adjusted p = 0.310).",
        ),
        (
            stored_gap(None, "everyone has the same gap between the two dimensions"),
            "Whether the gap between them is more than chance cannot be tested: everyone has "
            "the same gap between the two dimensions.",
        ),
        (
            {},  # a release made before the test was stored
            "Whether the gap between them is more than chance was not computed for this release.",
        ),
    ],
)
def test_the_extremes_in_words_say_what_the_paired_test_says(cell, words):
    sentence = _extremes(HEADLINE, cell)
    assert sentence == f"{POLES}Incentives (58). {words}"
    assert "overlap" not in sentence
