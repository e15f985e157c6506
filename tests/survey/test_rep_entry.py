"""What a link opens, read in one statement; the team's zone at any depth, in one more; each item's
radios made once and kept."""

from __future__ import annotations

import pytest

from survey.models._columns import utcnow
from survey.rep.entries import ZONE_LEVELS, open_entry, team_zone
from survey.rep.forms import radios
from tests.factories import gen_invitation, gen_team, gen_team_link, make_world


@pytest.mark.parametrize("depth", [0, 1, ZONE_LEVELS, ZONE_LEVELS + 1, ZONE_LEVELS + 3])
@pytest.mark.parametrize("zoned", ["team", "top", "organisation"])
def test_the_team_zone_is_the_nearest_set_at_any_depth(dbs, depth, zoned):
    world = make_world(dbs)
    world.organisation.time_zone = "Europe/Paris"
    top = gen_team(dbs, world.organisation, "Top")
    team = top
    for level in range(depth):
        team = gen_team(dbs, world.organisation, f"Level {level}", parent=team)
    if zoned == "team":
        team.time_zone = "Asia/Tokyo"
    elif zoned == "top":
        top.time_zone = "America/Chicago"
    dbs.commit()
    expected = {"team": "Asia/Tokyo", "top": "America/Chicago", "organisation": "Europe/Paris"}
    assert team.zone == expected[zoned]  # the model's own walk up the tree
    for token in (
        gen_invitation(dbs, world.wave, team),
        gen_team_link(dbs, world.wave, team, 10),
    ):
        dbs.expunge_all()
        assert team_zone(dbs, open_entry(dbs, token, utcnow()).team_id) == expected[zoned]


def test_an_item_radio_group_checks_the_answer_and_escapes_its_labels():
    scale = ((1, "No <never>"), (2, "Yes & more"))
    html = radios("mot1", scale, 2)
    assert html.count('type="radio" name="q-mot1"') == 2
    assert 'value="2"\n        checked><span>Yes &amp; more</span>' in html
    assert 'value="1"\n        ><span>No &lt;never&gt;</span>' in html
    assert "checked" not in radios("mot1", scale, None)
    assert radios("mot1", scale, 2) is html  # made once, kept
