"""Alpha only where it can be estimated: from 30 answers and not negative; otherwise the report
says so and gives the alpha pooled over every assessment asking the questionnaire, if any."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pingouin
import pytest

from tests.auth.helpers import login
from tests.factories import gen_scaled_responses, rep_questionnaire
from tests.reports.test_report import product_report, reliability_rows

TOO_FEW = "too few answers to estimate reliability"


def _section(html: str) -> str:
    return html.split('id="reliability"')[1].split('id="methodology"')[0]


def test_a_small_group_gets_no_alpha_and_the_pooled_figure_instead(client, dbs, reference_org):
    keyed = [
        gen_scaled_responses(dbs, reference_org.waves, reference_org.teams[team], seed=seed)
        for team, seed in (("Product", 7), ("France", 11))
    ]
    pooled = np.vstack([answers for by_wave in keyed for answers in by_wave.values()])
    login(client, "admin@example.com")
    html = product_report(client, reference_org, reference_org.waves[-1])
    section = _section(html)
    rows = reliability_rows(html)
    questionnaire = rep_questionnaire()
    for dimension in questionnaire.dimensions:
        columns = [
            i for i, item in enumerate(questionnaire.items) if item.dimension == dimension.key
        ]
        items, answers, shown, interval, note = rows[dimension.name]
        assert (int(items), int(answers), shown, interval) == (len(columns), 12, TOO_FEW, "–")
        # pingouin.cronbach_alpha(data=pd.DataFrame(pooled[:, columns])), pingouin 0.7
        alpha, _ = pingouin.cronbach_alpha(data=pd.DataFrame(pooled[:, columns]))
        if alpha >= 0:
            figure = re.search(r"questionnaire: (\d\.\d\d) \((\d+) answers\)", note)
            assert figure, dimension.name
            assert float(figure.group(1)) == pytest.approx(alpha, abs=0.005)
            assert int(figure.group(2)) == pooled.shape[0]
        else:
            assert note == ""
        assert f"{dimension.name}: {TOO_FEW}." in section
    assert not re.search(r"<td>-\d", section)  # no negative alpha, nor alpha if dropped


def test_the_reference_groups_of_six_get_no_alpha(client, answered_org):
    """The reference answers: 6 in Product; the pool, 22 a wave in two waves, has one."""
    login(client, "admin@example.com")
    html = product_report(client, answered_org, answered_org.waves[-1])
    rows = reliability_rows(html)
    for dimension in rep_questionnaire().dimensions:
        assert rows[dimension.name][2:4] == [TOO_FEW, "–"]
        assert rows[dimension.name][4].startswith("pooled over every assessment")
    assert not re.search(r"<td>-?\d\.\d\d</td>", _section(html))
