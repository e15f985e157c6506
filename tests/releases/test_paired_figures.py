"""The final release of a confidential wave stores each visible team's paired change (issue 10).

The same people answer two waves; the test scores their answers itself and checks the stored
figures against :func:`analysis.change.paired_change` on those scores, the reliable change
against Jacobson & Truax computed by hand (Cronbach's alpha from its formula), and that
:func:`analysis.change.paired_from_summary` gives the paired test back from what is stored.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.change import paired_change, paired_from_summary
from survey.releases.pairing import (
    HIDDEN_BEFORE,
    NO_FINAL_BEFORE,
    RCI_COUNTS_HIDDEN,
    SAME_FOR_ALL,
    paired_figures,
)
from tests.auth.helpers import login
from tests.factories import gen_user, rep_questionnaire
from tests.factories.confidential import K, answer, build, inside, release

TREE = {"Global": None, "North": "Global", "Oslo": "North", "Bergen": "North", "South": "Global"}
PEOPLE = {"Oslo": 7, "Bergen": 6, "South": 8}


def _answered(dbs):
    """Two waves in which the same people (``PEOPLE`` of each team) answer."""
    world = build(dbs, TREE, waves=2)
    for seed, wave in enumerate(world.waves):
        for team, count in PEOPLE.items():
            answer(dbs, world, wave, team, [f"{team}-{i}" for i in range(count)], seed)
    return world, *world.waves


def _two_waves(dbs, first_final: bool = True):
    world, a, b = _answered(dbs)
    release(dbs, world, a, final=first_final)
    return world, a, b, release(dbs, world, b, final=True)


def _by_person(world, wave, team_id):
    return {
        answer.key: answer
        for answer in world.answers.values()
        if answer.wave == wave.id and inside(world.parents, answer.team, team_id)
    }


def _alpha(keyed: np.ndarray) -> float:
    """Cronbach's alpha from its formula, every item one scale (answers complete)."""
    items = keyed.shape[1]
    total = keyed.sum(axis=1).var(ddof=1)
    return items / (items - 1) * (1 - keyed.var(axis=0, ddof=1).sum() / total)


def test_every_visible_team_gets_the_paired_change_of_its_people(app, dbs):
    with app.app_context():
        world, a, b, made = _two_waves(dbs)
    payload = made.payload
    assert payload["paired_with"] == a.id
    assert sorted(payload["paired_teams"]) == sorted(t.id for t in world.teams.values())
    for team in world.teams.values():
        cell = payload["cells"][str(team.id)]
        assert "paired_hidden" not in cell
        paired = cell["paired"]
        before, after = _by_person(world, a, team.id), _by_person(world, b, team.id)
        keys = sorted(before)
        assert keys == sorted(after)
        x = np.array([before[key].index for key in keys])
        y = np.array([after[key].index for key in keys])
        expected = paired_change(x, y)
        assert paired["wave_id"] == a.id
        assert paired["n"] == expected.n == len(keys)
        assert paired["mean_before"] == pytest.approx(x.mean())
        assert paired["difference"] == pytest.approx((y - x).mean())
        assert paired["sd"] == pytest.approx((y - x).std(ddof=1))
        assert "wilcoxon" not in paired  # a statistic of 0 would say everyone moved alike

        # The reader's round trip: the paired t-test from what the cell stores.
        rebuilt = paired_from_summary(
            paired["n"],
            paired["difference"],
            paired["sd"],
            mean_before=paired["mean_before"],
        )
        for name in ("statistic", "df", "p_value", "mean_after", "detectable"):
            assert getattr(rebuilt, name) == pytest.approx(getattr(expected, name)), name
        assert rebuilt.ci == pytest.approx(expected.ci)

        # Jacobson & Truax by hand, with alpha of all 36 keyed items over the pairs' A answers.
        rci = paired["rci"]
        alpha = _alpha(np.vstack([before[key].keyed for key in keys]))
        assert 0 < alpha < 1
        assert rci["reliability"] == pytest.approx(alpha)
        s_diff = math.sqrt(2) * x.std(ddof=1) * math.sqrt(1 - alpha)
        assert rci["threshold"] == pytest.approx(1.96 * s_diff)
        scores = (y - x) / s_diff
        counts = {
            "towards_purpose": int((scores > 1.96).sum()),
            "towards_contractual": int((scores < -1.96).sum()),
            "no_reliable_change": int((abs(scores) <= 1.96).sum()),
        }
        # The three counts add up to the pairs: all are shown, or none (each group k or more).
        shown = min(counts.values()) >= K
        for name, count in counts.items():
            assert rci[name] == (count if shown else None), name
        assert rci["undefined_reason"] == (None if shown else RCI_COUNTS_HIDDEN.format(k=K))


def test_no_pairs_while_the_previous_wave_has_no_final_release(app, dbs):
    with app.app_context():
        *_, made = _two_waves(dbs, first_final=False)
    assert "paired_with" not in made.payload
    for cell in made.payload["cells"].values():
        assert "paired" not in cell and cell["paired_hidden"] == NO_FINAL_BEFORE


def test_interim_releases_and_anonymous_assessments_pair_nothing(app, dbs):
    with app.app_context():
        world, a, b = _answered(dbs)
        release(dbs, world, a, final=True)
        interim = release(dbs, world, b, final=False)
        assert "paired_with" not in interim.payload
        assert not any(
            "paired" in c or "paired_hidden" in c for c in interim.payload["cells"].values()
        )
        world.assessment.mode = "anonymous"
        dbs.commit()
        final = release(dbs, world, b, final=True)
    assert "paired_with" not in final.payload
    assert not any("paired" in c or "paired_hidden" in c for c in final.payload["cells"].values())


def test_a_team_hidden_in_the_previous_wave_shows_no_pairs(app, dbs):
    """Bergen has 3 people in A (hidden there), 6 in B: its pairs are not shown."""
    with app.app_context():
        world = build(dbs, TREE, waves=2)
        a, b = world.waves
        people = {a: {"Oslo": 7, "Bergen": 3, "South": 8}, b: {"Oslo": 7, "Bergen": 6, "South": 8}}
        for seed, wave in enumerate(world.waves):
            for team, count in people[wave].items():
                answer(dbs, world, wave, team, [f"{team}-{i}" for i in range(count)], seed)
        release(dbs, world, a, final=True)
        made = release(dbs, world, b, final=True)
    bergen = made.payload["cells"][str(world.teams["Bergen"].id)]
    assert bergen["visible"] and "paired" not in bergen
    assert bergen["paired_hidden"] == HIDDEN_BEFORE
    assert world.teams["Bergen"].id not in made.payload["paired_teams"]


def test_a_change_that_is_the_same_for_everyone_is_not_stored():
    """With an SD of 0 the mean change would be each person's own change."""
    rng = np.random.default_rng(3)
    before = rng.normal(50, 10, 8)
    answers = rng.integers(1, 8, (8, len(rep_questionnaire().items))).astype(float)
    reversed_items = np.array(rep_questionnaire().reversed_mask())
    assert paired_figures(1, before, before + 2.5, answers, reversed_items, K) is None
    assert paired_figures(1, before, before, answers, reversed_items, K) is None
    stored = paired_figures(1, before, before + rng.normal(2, 3, 8), answers, reversed_items, K)
    assert stored is not None and stored["n"] == 8
    assert SAME_FOR_ALL.startswith("not shown")


def test_the_team_page_shows_the_paired_change_and_the_reliable_change(app, dbs, client):
    with app.app_context():
        world, _, b, made = _two_waves(dbs)
    gen_user(dbs, "admin@example.com", "admin")
    login(client, "admin@example.com")
    north = world.teams["North"]
    html = client.get(f"/dashboard/{world.assessment.id}/{north.id}?wave={b.id}").get_data(
        as_text=True
    )
    pairs = made.payload["cells"][str(north.id)]["paired"]["n"]
    assert f"among the {pairs} people who answered both waves" in html
    assert "paired t-test" in html
    assert "to count as a reliable change (Jacobson &amp; Truax)" in html
    change = html[html.index('id="h-change"') : html.index("Download the numbers")]
    assert "nan" not in change.replace("Benjamini", "")  # no missing value printed as text
    assert "not the paired one" not in change.split("<li>")[1]  # North itself is paired
    api = client.get(
        f"/api/v1/assessments/{world.assessment.id}/teams/{north.id}?wave={b.id}"
    ).get_json()
    rows = {row["group"]: row for row in api["sections"]["change"]["rows"]}
    assert rows["North"]["test"] == "paired t-test (the same people in both waves)"
    assert rows["North"]["pairs"] == pairs
    assert "p_adjusted" not in rows["North"]


def test_a_page_mixing_paired_and_welch_rows_says_which_is_which(app, dbs, client):
    """A newcomer in Bergen withholds the pairs of Bergen, North and Global; South keeps its."""
    world, a, b = _answered(dbs)
    answer(dbs, world, b, "Bergen", ["Bergen-newcomer"], 9)
    with app.app_context():
        release(dbs, world, a, final=True)
        made = release(dbs, world, b, final=True)
    cells = made.payload["cells"]
    assert "paired" in cells[str(world.teams["South"].id)]
    assert "paired" not in cells[str(world.teams["Global"].id)]
    gen_user(dbs, "admin@example.com", "admin")
    login(client, "admin@example.com")
    url = f"/dashboard/{world.assessment.id}/{world.teams['Global'].id}?wave={b.id}"
    html = client.get(url).get_data(as_text=True)
    change = html[html.index('id="h-change"') : html.index("Download the numbers")]
    rows = {item.split("</strong>")[0]: item for item in change.split("<li><strong>")[1:]}
    assert "among the 8 people who answered both waves" in rows["South"]
    assert "not the paired one" not in rows["South"] and "nan" not in rows["South"]
    assert "Tested with Welch's test, not the paired one: " in rows["Global"]
