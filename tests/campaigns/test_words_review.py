"""The consultant's review of a wave's ladder words: listing, filters, pages, hold back, sort."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.models import AuditEvent, LadderRung, Response
from survey.word_keys import word_key
from tests.auth.helpers import login
from tests.campaigns.helpers import post_form
from tests.conftest import without_csrf
from tests.factories import new_response

STEP_FIELD = re.compile(r'name="step" value="([0-9a-f]+)"')


def steps_on(html: str) -> list[str]:
    """The keys of the steps a page lists, in order (an unsorted step has two forms)."""
    return list(dict.fromkeys(STEP_FIELD.findall(html)))


def url(org, wave=None, tail: str = "") -> str:
    wave = wave or org.waves[-1]
    base = f"/clients/{org.organisation.id}/assessments/{org.assessment.id}/waves/{wave.id}/words"
    return base + tail


def respond(dbs, org, steps: list[tuple[str | None, str | None]], team: str = "France"):
    """A response of the last wave whose ladder has ``steps``: (target, words), from step 1."""
    response = new_response(org.waves[-1], org.teams[team], ladder_target=None)
    response.ladder = [
        LadderRung(position=position, target=target, words=words)
        for position, (target, words) in enumerate(steps, start=1)
    ]
    dbs.add(response)
    dbs.commit()
    return response


def key_of(app, response: Response, position: int) -> str:
    with app.app_context():
        return word_key(response.id, position)


def rung(dbs, response: Response, position: int) -> LadderRung:
    dbs.expire_all()
    return dbs.get(LadderRung, (response.id, position))


def events(dbs, prefix: str = "words.") -> list[AuditEvent]:
    dbs.expire_all()
    query = select(AuditEvent).where(AuditEvent.action.startswith(prefix))
    return list(dbs.scalars(query.order_by(AuditEvent.id)))


def page_text(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return without_csrf(response.get_data(as_text=True))


@pytest.fixture
def words(dbs, reference_org):
    """Three responses: a sorted one, an unsorted two-step one and one with a wordless step."""
    return {
        "sorted": respond(dbs, reference_org, [("pay", "my bonus")]),
        "open": respond(dbs, reference_org, [(None, "Ask Bob Martin"), (None, "the clients")]),
        "mixed": respond(dbs, reference_org, [("customers", None), ("none", "my kids")], "Paris"),
    }


# Who may see it


def test_consultants_and_admins_see_it_others_get_the_usual_refusal(
    app, reference_org, words, consultant_client
):
    org = reference_org
    assert consultant_client.get(url(org)).status_code == 200
    admin = app.test_client()
    login(admin, org.users["admin"].email)
    assert admin.get(url(org)).status_code == 200
    for who in ("global manager", "rival consultant"):
        client = app.test_client()
        login(client, org.users[who].email)
        assert client.get(url(org)).status_code == 404, who
    visitor = app.test_client().get(url(org))
    assert visitor.status_code == 302 and visitor.headers["Location"].startswith("/login")


def test_a_manager_cannot_hold_back_or_sort(app, dbs, reference_org, words):
    org = reference_org
    manager = app.test_client()
    login(manager, org.users["global manager"].email)
    token = re.search(r'name="csrf_token" value="([^"]+)"', manager.get("/").get_data(True))
    key = key_of(app, words["open"], 1)
    for tail, data in (("/hold-back", {}), ("/sort", {"category": "pay"})):
        data = {"csrf_token": token.group(1), "step": key, **data}
        assert manager.post(url(org, tail=tail), data=data).status_code == 404
    assert rung(dbs, words["open"], 1).target is None
    assert not rung(dbs, words["open"], 1).held_back


def test_the_assessment_page_links_each_wave_to_its_words(reference_org, consultant_client):
    org = reference_org
    assessment = f"/clients/{org.organisation.id}/assessments/{org.assessment.id}"
    html = page_text(consultant_client, assessment)
    for wave in org.waves:
        assert f'href="{url(org, wave)}"' in html


# What it lists


def test_it_lists_the_words_and_categories_without_team_date_or_response(
    app, reference_org, words, consultant_client
):
    html = page_text(consultant_client, url(reference_org))
    for text in ("my bonus", "Ask Bob Martin", "the clients", "my kids"):
        assert text in html
    assert "My pay" in html and "None of these" in html and "Not sorted yet" in html
    for team in ("France", "Paris", "Spain"):
        assert team not in html
    for response in words.values():
        assert str(response.id) not in html
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html)
    keys = steps_on(html)
    expected = sorted(
        key_of(app, words[name], position)
        for name, position in (("sorted", 1), ("open", 1), ("open", 2), ("mixed", 2))
    )
    assert keys == expected  # by key, and a step without words is not listed


def test_the_counts_sit_at_the_top(dbs, reference_org, words, consultant_client):
    words_rung = rung(dbs, words["sorted"], 1)
    words_rung.held_back = True
    dbs.commit()
    html = page_text(consultant_client, url(reference_org))
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert counts == {"Steps with words": "4", "Held back": "1", "Not sorted yet": "2"}


def test_a_wave_without_words_says_so(reference_org, consultant_client):
    html = page_text(consultant_client, url(reference_org, reference_org.waves[0]))
    assert "No rep has written words on the WHY ladder" in html
    assert 'name="step"' not in html


def test_the_filters_show_unsorted_and_held_back_steps(
    app, dbs, reference_org, words, consultant_client
):
    held = rung(dbs, words["sorted"], 1)
    held.held_back = True
    dbs.commit()
    unsorted = steps_on(page_text(consultant_client, url(reference_org) + "?show=unsorted"))
    assert sorted(unsorted) == sorted(key_of(app, words["open"], p) for p in (1, 2))
    held_back = page_text(consultant_client, url(reference_org) + "?show=held")
    assert steps_on(held_back) == [key_of(app, words["sorted"], 1)]
    assert "will appear in released views again" in held_back
    every = steps_on(page_text(consultant_client, url(reference_org) + "?show=what"))
    assert len(every) == 4


def test_long_lists_are_paginated(dbs, reference_org, consultant_client):
    for number in range(60):
        respond(dbs, reference_org, [("pay", f"reason {number}")])
    first = page_text(consultant_client, url(reference_org))
    second = page_text(consultant_client, url(reference_org) + "?page=2")
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert len(steps_on(first)) == 50 and len(steps_on(second)) == 10
    assert not set(steps_on(first)) & set(steps_on(second))
    assert page_text(consultant_client, url(reference_org) + "?page=99") == second
    assert page_text(consultant_client, url(reference_org) + "?page=x") == first


# Hold back and show again


def test_hold_back_and_show_again_round_trip(app, dbs, reference_org, words, consultant_client):
    org = reference_org
    key = key_of(app, words["open"], 1)
    page = url(org) + "?show=unsorted"
    held = post_form(
        consultant_client, page, url(org, tail="/hold-back?page=1&show=unsorted"), {"step": key}
    )
    assert held.status_code == 302
    assert held.headers["Location"] == url(org) + "?page=1&show=unsorted"
    assert rung(dbs, words["open"], 1).held_back
    html = page_text(consultant_client, held.headers["Location"])
    assert "never shown to managers, in reports or to reps" in html
    again = post_form(
        consultant_client, page, url(org, tail="/show-again?page=1&show=held"), {"step": key}
    )
    assert again.headers["Location"] == url(org) + "?page=1&show=held"
    assert not rung(dbs, words["open"], 1).held_back
    assert "will appear in released views again" in page_text(consultant_client, url(org))
    hold, show = events(dbs)
    assert (hold.action, show.action) == ("words.hold_back", "words.show_again")
    assert hold.organisation_id == org.organisation.id
    assert hold.target == f"wave {org.waves[-1].id}" and hold.details == {"step": key}
    assert "Bob" not in str(hold.details) + str(show.details)


def test_holding_back_twice_changes_nothing_more(app, dbs, reference_org, words, consultant_client):
    key = key_of(app, words["open"], 1)
    for _ in range(2):
        answer = post_form(
            consultant_client,
            url(reference_org),
            url(reference_org, tail="/hold-back"),
            {"step": key},
        )
        assert answer.status_code == 302
    assert len(events(dbs)) == 1
    assert "already held back" in page_text(consultant_client, url(reference_org))


# Sorting


def sort(client, org, key: str | None, category: str | None):
    data = {name: value for name, value in (("step", key), ("category", category)) if value}
    return post_form(client, url(org), url(org, tail="/sort"), data)


def test_sorting_sets_the_category_and_the_top_only_for_the_top_step(
    app, dbs, reference_org, words, consultant_client
):
    org, response = reference_org, words["open"]
    assert sort(consultant_client, org, key_of(app, response, 1), "customers").status_code == 302
    assert rung(dbs, response, 1).target == "customers"
    assert dbs.get(Response, response.id).ladder_top is None  # not its top step
    assert sort(consultant_client, org, key_of(app, response, 2), "none").status_code == 302
    assert rung(dbs, response, 2).target == "none"
    assert dbs.get(Response, response.id).ladder_top == "none"
    first, second = events(dbs)
    assert first.details == {
        "step": key_of(app, response, 1),
        "category": "customers",
        "top": False,
    }
    assert second.details["top"] is True
    assert "Not sorted yet</td>" not in page_text(consultant_client, url(org))


def test_a_category_already_given_is_never_overwritten(
    app, dbs, reference_org, words, consultant_client
):
    org = reference_org
    answer = sort(consultant_client, org, key_of(app, words["sorted"], 1), "customers")
    assert answer.status_code == 409
    assert "never changed" in answer.get_data(as_text=True)
    assert rung(dbs, words["sorted"], 1).target == "pay"
    assert dbs.get(Response, words["sorted"].id).ladder_top == "pay"
    html = page_text(consultant_client, url(org))
    assert html.count('action="' + url(org, tail="/sort")) == 2  # the two unsorted steps only
    assert events(dbs) == []


@pytest.mark.parametrize("category", ["society-and-more", "Customers", "", None])
def test_a_bad_category_is_refused_and_nothing_stored(
    app, dbs, reference_org, words, consultant_client, category
):
    answer = sort(consultant_client, reference_org, key_of(app, words["open"], 2), category)
    assert answer.status_code == 400
    assert "Choose" in answer.get_data(as_text=True)
    assert rung(dbs, words["open"], 2).target is None
    assert dbs.get(Response, words["open"].id).ladder_top is None
    assert events(dbs) == []


@pytest.mark.parametrize("key", ["0" * 24, "not a key", "ABCDEF" * 4, "", None])
def test_an_unknown_step_is_refused_and_nothing_changes(
    app, dbs, reference_org, words, consultant_client, key
):
    org = reference_org
    for tail, data in (("/hold-back", {}), ("/show-again", {}), ("/sort", {"category": "pay"})):
        if key is not None:
            data = {**data, "step": key}
        answer = post_form(consultant_client, url(org), url(org, tail=tail), data)
        assert answer.status_code in (400, 404), (tail, key)
        assert "Nothing was changed" in answer.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.scalar(select(func.count()).where(LadderRung.held_back)) == 0
    assert rung(dbs, words["open"], 1).target is None
    assert events(dbs) == []


def test_a_step_of_another_wave_is_unknown_here(app, dbs, reference_org, consultant_client):
    org = reference_org
    other = new_response(org.waves[0], org.teams["France"], ladder_target=None)
    other.ladder = [LadderRung(position=1, target=None, words="elsewhere")]
    dbs.add(other)
    dbs.commit()
    answer = post_form(
        consultant_client, url(org), url(org, tail="/hold-back"), {"step": key_of(app, other, 1)}
    )
    assert answer.status_code == 404
    assert not rung(dbs, other, 1).held_back


def test_a_form_without_its_csrf_token_is_refused(
    app, dbs, reference_org, words, consultant_client
):
    key = key_of(app, words["open"], 1)
    answer = consultant_client.post(url(reference_org, tail="/hold-back"), data={"step": key})
    assert answer.status_code == 400
    assert not rung(dbs, words["open"], 1).held_back
