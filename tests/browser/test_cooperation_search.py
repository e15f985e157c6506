"""The cooperation page with 500 teams on a 375 x 812 phone: search by part of a name, choose,
remove, leave and come back with the choice kept; axe finds nothing serious."""

from __future__ import annotations

import pytest

from survey.models import Team
from tests.browser.accessibility import assert_accessible
from tests.factories import make_invitation, make_world
from tests.survey.journey import answer_page, pages_of

pytestmark = pytest.mark.browser
COUNTRIES = 20
TERRITORIES = 24  # 20 countries x 24 territories, + the 20 countries and the world's 5: 505


def gen_many_teams(dbs, world) -> int:
    """Countries under Global, territories under each (one of them Berlin-Brandenburg under
    Germany); returns how many teams the rep in France may name."""
    top = world.teams["Global"]
    countries = [Team(organisation_id=world.organisation.id, name="Germany", parent=top)]
    countries += [
        Team(organisation_id=world.organisation.id, name=f"Country {c:02d}", parent=top)
        for c in range(1, COUNTRIES)
    ]
    dbs.add_all(countries)
    for number, country in enumerate(countries):
        names = [f"Territory {number:02d}-{t:02d}" for t in range(TERRITORIES)]
        if country.name == "Germany":
            names[0] = "Berlin-Brandenburg"
        dbs.add_all(
            Team(organisation_id=world.organisation.id, name=name, parent=country) for name in names
        )
    dbs.commit()
    return len(world.teams) - 1 + COUNTRIES + COUNTRIES * TERRITORIES


def test_rep_finds_chooses_and_keeps_a_team_among_500(app, live_server, phone_812, dbs, client):
    world = make_world(dbs)
    choosable = gen_many_teams(dbs, world)
    assert choosable >= 500
    token = make_invitation(dbs, world)
    for plan in pages_of(world.questionnaire):  # the pages before it, through the Flask client
        if plan.kind == "cooperation":
            number = plan.number
            break
        assert answer_page(client, token, plan).status_code == 302
    page = phone_812()
    page.goto(f"{live_server}/r/{token}/{number}")  # the personal link resumes in any browser

    got = page.get_by_role("group", name="I got help from")
    rows = got.locator(".team-list li")
    assert rows.count() == choosable
    search = got.get_by_label("Find a team or department")
    count = got.locator("[data-count]")
    assert count.inner_text() == f"{choosable} teams"
    assert_accessible(page)

    search.click()
    page.keyboard.type("berlin")
    page.wait_for_function(
        "() => document.querySelectorAll('#teams-received li:not([hidden])').length === 1"
    )
    page.wait_for_function(
        "() => document.querySelector('#count-received').textContent.startsWith('1 team matches')"
    )
    shown = got.locator(".team-list li:not([hidden])")
    name, context = shown.locator(".team-name"), shown.locator(".team-context")
    assert name.inner_text() == "Berlin-Brandenburg"
    assert context.inner_text().endswith("Global › Germany")  # after ", in" for screen readers
    assert context.bounding_box()["y"] < name.bounding_box()["y"]  # the path shown above
    page.keyboard.press("Enter")  # to the first match, not a submit
    assert page.url.endswith(f"/r/{token}/{number}")
    page.keyboard.press("Space")
    berlin = got.get_by_role("checkbox", name="Berlin-Brandenburg")
    assert berlin.is_checked()
    chosen = got.locator(".team-chosen li")
    assert chosen.count() == 1 and "Berlin-Brandenburg" in chosen.inner_text()

    search.fill("prod")  # choose a second, then remove it from the chosen list
    got.get_by_role("checkbox", name="Product").check()
    assert chosen.count() == 2
    got.get_by_role("button", name="Remove Product").click()
    assert chosen.count() == 1
    assert not got.get_by_role("checkbox", name="Product").is_checked()
    assert "Removed Product" in count.inner_text()
    search.fill("")
    assert rows.locator("visible=true").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)

    page.get_by_role("button", name="Back").click()
    page.wait_for_url(f"**/r/{token}/{number - 1}")  # the ladder, on the step it ended with
    page.get_by_role("button", name="That's where it ends").click()
    page.wait_for_url(f"**/r/{token}/{number}")
    got = page.get_by_role("group", name="I got help from")
    assert got.get_by_role("checkbox", name="Berlin-Brandenburg").is_checked()
    kept = got.locator(".team-chosen li")
    assert kept.count() == 1 and "Berlin-Brandenburg" in kept.inner_text()
    assert got.get_by_role("button", name="Remove Berlin-Brandenburg").is_visible()
    given = page.get_by_role("group", name="I helped")
    assert given.locator("input:checked").count() == 0
