"""Bad input on the rep's pages: a clear message, a 4xx, and nothing stored changes."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.models import Draft, Response
from tests.conftest import csrf_from
from tests.factories import make_invitation, make_world
from tests.survey.journey import item_fields, ladder_step, page_form, pages_of


def _counts(dbs):
    return (
        dbs.scalar(select(func.count()).select_from(Response)),
        dbs.scalar(select(func.count()).select_from(Draft)),
    )


def _setup(client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    return world, token, pages_of(world.questionnaire)[0]


def test_value_off_the_scale_is_refused(client, app, dbs):
    _world, token, first = _setup(client, dbs)
    data = item_fields(first)
    data[f"q-{first.items[0].id}"] = "9"
    response = page_form(client, token, 1, data)
    assert response.status_code == 400
    assert "is not on the scale 1 to 7" in response.get_data(as_text=True)
    assert _counts(dbs) == (0, 0)


def test_text_instead_of_a_number_is_refused(client, app, dbs):
    _world, token, first = _setup(client, dbs)
    data = item_fields(first)
    data[f"q-{first.items[0].id}"] = "1; DROP TABLE response"
    assert page_form(client, token, 1, data).status_code == 400
    assert _counts(dbs) == (0, 0)


def test_unknown_question_is_refused(client, app, dbs):
    _world, token, first = _setup(client, dbs)
    response = page_form(client, token, 1, {**item_fields(first), "q-nonexistent": "4"})
    assert response.status_code == 400
    assert "does not belong to this page" in response.get_data(as_text=True)
    assert _counts(dbs) == (0, 0)


def test_missing_answers_rerender_the_page_with_messages(client, app, dbs):
    _world, token, first = _setup(client, dbs)
    data = item_fields(first)
    left_out = first.items[-1]
    del data[f"q-{left_out.id}"]
    response = page_form(client, token, 1, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please choose an answer to this statement." in html
    assert f'id="err-{left_out.id}"' in html
    assert f'name="q-{first.items[0].id}" value="6"\n        checked' in html
    assert _counts(dbs) == (0, 0)


def test_missing_or_wrong_csrf_token_is_refused(client, app, dbs):
    _world, token, first = _setup(client, dbs)
    client.get(f"/r/{token}/1")
    missing = client.post(f"/r/{token}/1", data={"action": "next", **item_fields(first)})
    wrong = client.post(
        f"/r/{token}/1", data={"csrf_token": "forged", "action": "next", **item_fields(first)}
    )
    for response in (missing, wrong):
        assert response.status_code == 400
        assert "nothing was saved" in response.get_data(as_text=True)
    assert _counts(dbs) == (0, 0)


def test_unknown_action_is_refused(client, app, dbs):
    _world, token, first = _setup(client, dbs)
    assert page_form(client, token, 1, item_fields(first), action="skip").status_code == 400
    assert _counts(dbs) == (0, 0)


def test_oversized_body_is_refused_with_413(client, app, dbs):
    _world, token, _first = _setup(client, dbs)
    html = client.get(f"/r/{token}/1").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "action": "next", "padding": "x" * 100_000}
    response = client.post(f"/r/{token}/1", data=data)
    assert response.status_code == 413
    assert "nothing was saved" in response.get_data(as_text=True)
    assert _counts(dbs) == (0, 0)


def test_ladder_with_an_unknown_target_is_refused(client, app, dbs):
    world, token, _first = _setup(client, dbs)
    pages = pages_of(world.questionnaire)
    for page in pages:
        if page.kind == "ladder":
            break
        page_form(client, token, page.number, item_fields(page))
    response = ladder_step(client, token, page.number, 1, "my quota", "lottery", "deeper")
    assert response.status_code == 400
    csrf = csrf_from(client.get(f"/r/{token}/{page.number}").get_data(as_text=True))
    fields = {"csrf_token": csrf, "action": "deeper", "ladder-words": "my quota"}
    for bad in ({"step": "3"}, {"step": "1", "ladder-1-target": "pay"}, {"step": "x"}):
        refused = client.post(f"/r/{token}/{page.number}", data={**fields, **bad})
        assert refused.status_code == 400, bad  # a step not reached, an old field, no step
    kind_only = ladder_step(client, token, page.number, 1, "", "customers", "deeper")
    assert kind_only.status_code == 422
    assert "Please write a few words first" in kind_only.get_data(as_text=True)
    assert dbs.scalar(select(func.count()).select_from(Response)) == 0


def test_changed_questionnaire_file_is_refused_with_a_clear_message(client, app, dbs):
    world, token, _first = _setup(client, dbs)
    world.assessment.rep_questionnaire_sha256 = "0" * 64
    dbs.commit()
    response = client.get(f"/r/{token}")
    assert response.status_code == 409
    assert "has changed since this assessment started" in response.get_data(as_text=True)
