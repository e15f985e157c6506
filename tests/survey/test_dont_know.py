"""Version 3 of the rep questionnaire: every statement on how the rep is managed offers "Don't
know / does not apply", stored as no answer; a rep who knows nothing of their manager gets their
own result and gives no climate score; the quality page shows the share of such answers."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from questionnaires import Questionnaire, load_directory
from survey.models import Response, Wave
from survey.models.response import MISSING, unpack_values
from survey.scoring import climate_positions
from tests.auth.helpers import login
from tests.factories import make_invitation, make_world
from tests.quality.world import add_answers, quality_url, row_cells, simulated, text_of
from tests.survey.journey import answer_all, item_fields, page_form, pages_of

V3 = load_directory()[("rep-mindset", 3)]
LABEL = "Don't know / does not apply"


def ask_v3(dbs, wave: Wave) -> Questionnaire:
    """Make ``wave`` ask version 3 of the rep questionnaire; returns it."""
    wave.rep_questionnaire_version, wave.rep_questionnaire_sha256 = V3.version, V3.sha256
    dbs.commit()
    return V3


def climate_ids(questionnaire: Questionnaire) -> list[str]:
    return [item.id for item in questionnaire.items_of("climate")]


def test_every_climate_statement_offers_dont_know(client, dbs):
    world = make_world(dbs)
    ask_v3(dbs, world.wave)
    token = make_invitation(dbs, world)
    intro = " ".join(client.get(f"/r/{token}").get_data(as_text=True).split())
    assert f'you can answer "{LABEL}"' in intro
    for page in pages_of(V3):
        if page.kind != "items":
            break
        html = client.get(f"/r/{token}/{page.number}").get_data(as_text=True)
        offered = [item.id for item in page.items if f'name="q-{item.id}" value="na"' in html]
        assert offered == [item.id for item in page.items if item.not_applicable]
        assert (LABEL in html) == bool(offered and page.climate)  # on the manager statements
        assert ("Does not apply to me" in html) == bool(offered and not page.climate)
        if page.climate:
            assert offered == [item.id for item in page.items]
        assert page_form(client, token, page.number, item_fields(page)).status_code == 302


def test_dont_know_on_every_climate_item_is_stored_as_none_and_scores_no_climate(client, dbs):
    world = make_world(dbs)
    ask_v3(dbs, world.wave)
    token = make_invitation(dbs, world)
    keyed_six = {item.id: "2" if item.reversed else "6" for item in V3.items_of("self")}
    answer_all(client, token, V3, chosen=keyed_six | dict.fromkeys(climate_ids(V3), "na"))

    stored = dbs.scalar(select(Response))
    assert stored.questionnaire_version == 3
    values = unpack_values(stored.values)
    assert [values[V3.item_index[item_id]] for item_id in climate_ids(V3)] == [None] * 6
    assert stored.values.count(MISSING) == 6
    matrix = np.array([[np.nan if value is None else value for value in values]], dtype=float)
    assert np.isnan(climate_positions(matrix, V3)).all()
    with client.session_transaction() as session:
        result = session["result"]
    # Every dimension of the rep's own stance is scored, at keyed 6 ((6 - 1) / 6 of the way).
    assert result["positions"] == [83.3] * len(V3.dimensions)
    assert result["index"] == 83.3


def test_a_climate_answered_in_part_still_scores():
    """Half the climate items answered is enough, as for any dimension."""
    answered = {item_id: 7 for item_id in climate_ids(V3)[:3]}
    matrix = np.array([[answered.get(item.id, np.nan) for item in V3.items]], dtype=float)
    assert not np.isnan(climate_positions(matrix, V3)).any()


def test_the_quality_page_shows_the_share_of_dont_know(app, dbs, reference_org):
    org = reference_org
    org.assessment.rep_questionnaire_version = V3.version
    org.assessment.rep_questionnaire_sha256 = V3.sha256
    dbs.commit()
    answers = simulated(V3, 60, seed=3)
    answers[:6, V3.item_index["clm7"]] = np.nan  # some do not know whether their manager does
    add_answers(dbs, org.waves[1], org.teams["France"], answers, V3)
    client = app.test_client()
    login(client, org.users["admin"].email)
    page = client.get(quality_url(org.organisation.id, org.assessment.id)).get_data(as_text=True)
    assert f'"{LABEL}" share' in text_of(page)
    assert row_cells(page, "Statement")[-1] == f'"{LABEL}" share'
    share = np.isnan(answers[:, V3.item_index["clm7"]]).mean()
    assert share >= 0.1
    assert row_cells(page, "clm7")[-1] == f"{100 * share:.0f}%"
