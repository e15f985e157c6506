"""Each dimension against the last wave and the rest of the organisation, on the dashboard.

The paired figures per dimension are checked against the paired changes computed here from the
people's own answers (the dimension score by hand: the mean of its keyed items, on 0-100); the
section's rows against :mod:`analysis.dimension_comparison` fed with the released summaries,
and its rest-of-organisation figures against the rest's answers themselves (scipy's Welch test).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats

from analysis.change import PAIRED, WELCH
from analysis.dimension_comparison import REST
from survey.aggregates.dashboards import dashboard
from survey.aggregates.export import section_table_csv
from survey.releases.dimensions import COLUMNS, FIRST_WAVE, TITLE
from survey.releases.pairing import paired_figures
from survey.releases.read import KEYS
from survey.releases.reading import changes_by_dimension, team_reading
from tests.auth.helpers import login
from tests.factories import gen_user, rep_questionnaire
from tests.factories.confidential import answer, build, inside, release

TREE = {"Global": None, "North": "Global", "Oslo": "North", "Bergen": "North", "South": "Global"}
PEOPLE = {"Oslo": 7, "Bergen": 6, "South": 8}


def _world(dbs, app, first_final: bool = True):
    world = build(dbs, TREE, waves=2)
    for seed, wave in enumerate(world.waves):
        for team, count in PEOPLE.items():
            answer(dbs, world, wave, team, [f"{team}-{i}" for i in range(count)], seed)
    a, b = world.waves
    with app.app_context():
        release(dbs, world, a, final=first_final)
        made = release(dbs, world, b, final=True)
    return world, a, b, made


def _dimension_scores(keyed: np.ndarray) -> dict[str, float]:
    """A person's dimensions by hand: the mean of the dimension's keyed items (all answered in
    these worlds) on 0 (1) to 100 (7)."""
    questionnaire = rep_questionnaire()
    return {
        dimension.name: (
            np.mean(
                [keyed[i] for i, item in enumerate(questionnaire.items) if item.dimension == key]
            )
            - 1
        )
        / 6
        * 100
        for dimension in questionnaire.dimensions
        for key in [dimension.key]
    }


def _people(world, wave, team_id):
    return {
        a.key: _dimension_scores(a.keyed)
        for a in world.answers.values()
        if a.wave == wave.id and inside(world.parents, a.team, team_id)
    }


def test_each_visible_team_stores_the_paired_change_of_each_dimension(app, dbs):
    world, a, b, made = _world(dbs, app)
    names = [d.name for d in rep_questionnaire().dimensions]
    for team in world.teams.values():
        paired = made.payload["cells"][str(team.id)]["paired"]
        before, after = _people(world, a, team.id), _people(world, b, team.id)
        keys = sorted(before)
        assert sorted(paired["dimensions"]) == sorted(names)
        for name in names:
            changes = np.array([after[key][name] - before[key][name] for key in keys])
            stored = paired["dimensions"][name]
            assert stored["difference"] == pytest.approx(changes.mean()), (team.name, name)
            assert stored["sd"] == pytest.approx(changes.std(ddof=1)), (team.name, name)


def test_the_section_tests_paired_changes_and_the_rest_of_the_organisation(app, dbs):
    world, a, b, _made = _world(dbs, app)
    oslo = world.teams["Oslo"]
    with app.app_context():
        board = dashboard(dbs, world.assessment, oslo.id, b.id)
        changes = changes_by_dimension(board)
        sentences = team_reading(board).sentences
    section = board.sections["dimensions"]
    assert "dimensions" in KEYS and section.title == TITLE
    assert list(section.table.columns) == COLUMNS
    names = [d.name for d in rep_questionnaire().dimensions]
    waves = section.table[section.table["against"] == a.name]
    rest = section.table[section.table["against"] == REST]
    assert list(waves["dimension"]) == names and list(rest["dimension"]) == names
    assert set(waves["test"]) == {PAIRED} and set(rest["test"]) == {WELCH}

    # A wave row: the paired t-test of Oslo's pairs, as scipy computes it from their scores.
    before, after = _people(world, a, oslo.id), _people(world, b, oslo.id)
    keys = sorted(before)
    name = names[2]
    row = waves[waves["dimension"] == name].iloc[0]
    x = [before[key][name] for key in keys]
    y = [after[key][name] for key in keys]
    expected = stats.ttest_rel(y, x)  # scipy.stats.ttest_rel(after, before)
    assert row["p_value"] == pytest.approx(expected.pvalue)
    assert row["difference"] == pytest.approx(np.mean(np.subtract(y, x)))
    assert row["n_team"] == row["n_other"] == len(keys) == PEOPLE["Oslo"]

    # A rest row: Welch's test of Oslo's answers against everyone else's (Bergen and South).
    oslo_now = [s[name] for s in after.values()]
    others = [
        s[name]
        for key, s in _people(world, b, world.teams["Global"].id).items()
        if key not in after
    ]
    expected = stats.ttest_ind(oslo_now, others, equal_var=False)
    row = rest[rest["dimension"] == name].iloc[0]
    assert row["p_value"] == pytest.approx(expected.pvalue)
    assert row["difference"] == pytest.approx(np.mean(oslo_now) - np.mean(others))
    assert (row["n_team"], row["n_other"]) == (PEOPLE["Oslo"], PEOPLE["Bergen"] + PEOPLE["South"])
    assert "p_adjusted" not in section.table.columns

    # The helper other code uses: the wave rows, keyed by dimension key.
    assert sorted(changes) == sorted(d.key for d in rep_questionnaire().dimensions)
    cooperation = changes["cooperation"]
    row = waves[waves["dimension"] == cooperation.name].iloc[0]
    assert cooperation.difference == pytest.approx(row["difference"])
    assert cooperation.verdict == row["verdict"]

    # The reading names a dimension only where its test says the difference is beyond chance.
    beyond = section.table[section.table["verdict"].str.endswith("larger than chance variation")]
    for name in beyond["dimension"]:
        assert name.lower() in " ".join(sentences)
    assert len(sentences) <= 4
    assert "rest of the organisation" in sentences[1]  # folded into the ranking

    lines = section_table_csv("dimensions", section.table).splitlines()
    assert lines[0].startswith("Dimension,Compared with,Answers in the team")
    assert len(lines) == 2 + len(section.table)


def test_the_top_team_has_no_rest_and_older_releases_fall_back_to_welch(app, dbs):
    world, a, b, made = _world(dbs, app)
    older = copy.deepcopy(made.payload)  # as a release made before dimensions were paired
    for cell in older["cells"].values():
        cell["paired"].pop("dimensions")
    made.payload = older
    dbs.commit()
    top = world.teams["Global"]
    with app.app_context():
        section = dashboard(dbs, world.assessment, top.id, b.id).sections["dimensions"]
    assert set(section.table["against"]) == {a.name}
    assert set(section.table["test"]) == {WELCH}
    assert any("is a top team" in finding for finding in section.findings)


def test_a_first_wave_has_only_the_rest_and_says_so(app, dbs):
    world, a, _b, _made = _world(dbs, app)
    with app.app_context():
        section = dashboard(dbs, world.assessment, world.teams["South"].id, a.id).sections[
            "dimensions"
        ]
    assert set(section.table["against"]) == {REST}
    assert FIRST_WAVE in section.findings


def test_the_page_and_the_api_show_the_section(app, dbs, client):
    world, _a, b, _made = _world(dbs, app)
    gen_user(dbs, "admin@example.com", "admin")
    login(client, "admin@example.com")
    north = world.teams["North"]
    html = client.get(f"/dashboard/{world.assessment.id}/{north.id}?wave={b.id}").get_data(
        as_text=True
    )
    assert 'id="h-dimensions"' in html and TITLE in html
    api = client.get(
        f"/api/v1/assessments/{world.assessment.id}/teams/{north.id}?wave={b.id}"
    ).get_json()
    rows = api["sections"]["dimensions"]["rows"]
    assert rows and set(rows[0]) == set(COLUMNS)
    csv = client.get(f"/dashboard/{world.assessment.id}/{north.id}/dimensions.csv?wave={b.id}")
    assert csv.status_code == 200 and b"Compared with" in csv.data


def test_dimension_pairs_are_stored_for_all_dimensions_or_none():
    """One dimension whose change is the same for everyone, or one a pair lacks, and no
    dimension keeps its pairs: a lone dimension on Welch's test would tell which."""
    rng = np.random.default_rng(5)
    before = rng.normal(50, 10, 8)
    after = before + rng.normal(2, 3, 8)
    answers = rng.integers(1, 8, (8, len(rep_questionnaire().items))).astype(float)
    reversed_items = np.array(rep_questionnaire().reversed_mask())
    missing = before.copy()
    missing[3] = np.nan

    def stored(dimensions: dict) -> dict:
        return paired_figures(1, before, after, answers, reversed_items, 5, dimensions)

    varied = {"Varied": (before, after), "Other": (after, before + 1.5 * (after - before))}
    assert stored(varied | {"Same": (before, before + 4.0)})["dimensions"] == {}
    assert stored(varied | {"Incomplete": (missing, after)})["dimensions"] == {}
    changes = after - before
    assert stored(varied)["dimensions"]["Varied"] == {
        "difference": pytest.approx(changes.mean()),
        "sd": pytest.approx(changes.std(ddof=1)),
    }
    assert set(stored(varied)["dimensions"]) == {"Varied", "Other"}
