"""The cooperation page: each team once by its readable name (its path as context), chosen teams
stored, the per-direction limit kept on the server, forged team ids refused."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.models import CooperationLink
from survey.rep.forms import team_choices
from tests.factories import make_invitation, make_world
from tests.factories.base import gen_team
from tests.survey.journey import answer_page, page_form, pages_of


def _answer_up_to_cooperation(client, token, questionnaire) -> int:
    """Answer every page before the cooperation page; returns its number."""
    for page in pages_of(questionnaire):
        if page.kind == "cooperation":
            return page.number
        assert answer_page(client, token, page).status_code == 302
    raise AssertionError("no cooperation page")


def _checkboxes(html: str, direction: str) -> list[str]:
    return re.findall(rf'name="help-{direction}" value="(\d+)"', html)


def test_team_choices_name_each_team_once_with_its_path_as_context():
    choices = team_choices(
        {3: "Global Sales/Germany/Berlin-Brandenburg", 1: "Product", 2: "Global Sales/Zürich"}
    )
    assert [(c.id, c.name, c.context) for c in choices] == [
        (3, "Berlin-Brandenburg", "Global Sales › Germany"),
        (1, "Product", ""),
        (2, "Zürich", "Global Sales"),
    ]
    assert choices[2].search == "zurich global sales"  # case and accents folded for the search


def test_each_other_team_appears_once_by_readable_name(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)  # a rep in Global/France
    number = _answer_up_to_cooperation(client, token, world.questionnaire)
    html = client.get(f"/r/{token}/{number}").get_data(as_text=True)

    others = {name: team.id for name, team in world.teams.items() if name != "France"}
    for direction, _label in world.questionnaire.cooperation.directions:
        boxes = _checkboxes(html, direction)
        assert sorted(boxes) == sorted(str(team_id) for team_id in others.values())
        assert len(boxes) == len(set(boxes))  # each team once
    assert str(world.teams["France"].id) not in _checkboxes(html, "received")
    assert '<span class="team-name">Paris</span>' in html
    assert "Global › France</span>" in html  # the path, as context
    assert "Global/France/Paris" not in html  # never the raw path as the label
    assert 'aria-live="polite"' in html
    assert 'for="find-received"' in html  # the search box has a label
    assert "js/team-search.js" in html
    assert "<script>" not in html  # no inline script under the strict CSP


def test_chosen_teams_are_kept_and_stored(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    number = _answer_up_to_cooperation(client, token, world.questionnaire)
    paris, product = world.teams["Paris"].id, world.teams["Product"].id
    chosen = {"help-received": [str(paris), str(product)], "help-given": [str(product)]}

    back = page_form(client, token, number, chosen, action="back")
    assert back.status_code == 302
    html = client.get(f"/r/{token}/{number}").get_data(as_text=True)
    checked = re.findall(r'name="help-(\w+)" value="(\d+)"\s+checked', html)
    assert sorted(checked) == sorted(
        [("received", str(paris)), ("received", str(product)), ("given", str(product))]
    )

    sent = page_form(client, token, number, chosen, action="submit")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")
    links = dbs.scalars(select(CooperationLink)).all()
    assert sorted((link.direction, link.other_team_id) for link in links) == sorted(
        [("received", paris), ("received", product), ("given", product)]
    )


def test_more_teams_than_the_limit_are_refused_with_a_clear_message(client, app, dbs):
    world = make_world(dbs)
    limit = world.questionnaire.cooperation.max_teams
    spain = world.teams["Spain"]
    extra = [gen_team(dbs, world.organisation, f"Region {n}", spain) for n in range(limit + 1)]
    token = make_invitation(dbs, world)
    number = _answer_up_to_cooperation(client, token, world.questionnaire)
    too_many = [str(team.id) for team in extra[: limit + 1]]

    response = page_form(client, token, number, {"help-given": too_many}, action="submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"Please choose at most {limit} teams." in html
    assert 'id="err-given"' in html
    assert not dbs.scalars(select(CooperationLink)).all()


def test_forged_team_ids_are_refused_not_crashed(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    number = _answer_up_to_cooperation(client, token, world.questionnaire)
    own = str(world.teams["France"].id)
    for forged in (own, "999999", "2147483648", "9" * 18, "-1", "abc", "1e3", "", "9" * 40):
        response = page_form(client, token, number, {"help-received": forged}, action="submit")
        assert 400 <= response.status_code < 500, forged
    assert not dbs.scalars(select(CooperationLink)).all()
