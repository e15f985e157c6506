"""The reading in words at the top of the dashboard, the share-back page and the report."""

from __future__ import annotations

import re

from survey import share_back
from tests.auth.helpers import login

READING = re.compile(r'<section class="panel reading".*?</section>', re.S)
PRACTICES = re.compile(r"<li><strong>(.*?)\.</strong>.*?\((suggested because .*?)\)</span>", re.S)


def page(client, org, team: str, wave: int = -1) -> str:
    url = f"/dashboard/{org.assessment.id}/{org.teams[team].id}?wave={org.waves[wave].id}"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reading(html: str) -> str:
    return READING.search(html).group(0)


def test_the_reading_comes_first_and_says_what_the_tests_say(client, answered_org):
    login(client, "p@example.com")
    html = page(client, answered_org, "Paris")
    words = reading(html)
    assert html.index(words) < html.index('id="h-release"') < html.index('id="h-headline"')
    assert "In Autumn, Paris leans towards management by values" in words
    assert "Since Spring it has moved towards management by values" in words
    assert "more than chance variation would explain" in words  # the change section's verdict
    assert "moved towards purpose, larger than chance variation" in html
    assert "How sure we are: this rests on only 7 answers" in words
    suggested = PRACTICES.findall(words)
    assert 2 <= len(suggested) <= 3
    assert all(because.startswith("suggested because ") for _, because in suggested)
    assert "team&#39;s lowest" in suggested[0][1]


def test_a_first_wave_reads_as_a_baseline(client, answered_org):
    login(client, "g@example.com")
    words = reading(page(client, answered_org, "Global", wave=0))
    assert "In Spring, Global" in words
    assert "first released wave" in words and "in a first wave" in words
    assert "moved" not in words


def test_hidden_teams_say_they_are_too_small_and_nothing_else(client, app, answered_org):
    login(client, "f@example.com")
    words = reading(page(client, answered_org, "France"))
    assert "France&#39;s results for Autumn are not shown (hidden together with Spain" in words
    assert "nothing is inferred" in words
    assert "Paris" not in words  # the shown child team does not stand in for it
    assert "reading-practices" not in words and "sections below" not in words
    admin = app.test_client()
    login(admin, "admin@example.com")
    spain = reading(page(admin, answered_org, "Spain"))
    assert "(fewer than 5 answers): the group is too small" in spain
    assert not PRACTICES.findall(spain)


def test_an_unreleased_wave_has_no_reading_yet(client, reference_org):
    login(client, "rival@example.com")
    url = f"/dashboard/{reference_org.rival_assessment.id}/{reference_org.rival_team.id}"
    html = client.get(f"{url}?wave={reference_org.rival_wave.id}").get_data(as_text=True)
    assert "Zenith 1 is not released yet, so there is no reading" in reading(html)


def test_the_share_back_page_reads_exactly_as_the_managers_page(client, app, answered_org):
    manager = app.test_client()
    login(manager, "p@example.com")
    managers = reading(page(manager, answered_org, "Paris"))
    with app.app_context():
        token = share_back.share_token(answered_org.assessment.id, answered_org.teams["Paris"].id)
    shared = client.get(f"/results/{token}").get_data(as_text=True)
    assert reading(shared) == managers


def test_the_report_leads_each_team_with_the_same_reading(client, app, answered_org):
    manager = app.test_client()
    login(manager, "p@example.com")
    dashboard_words = re.search(
        r'<p class="reading-words">(.*?)</p>', reading(page(manager, answered_org, "Paris"))
    ).group(1)
    login(client, "c@example.com")
    base = f"/clients/{answered_org.organisation.id}/assessments/{answered_org.assessment.id}"
    team = answered_org.teams["Paris"].id
    html = client.get(f"{base}/report?team={team}&wave={answered_org.waves[-1].id}").get_data(
        as_text=True
    )
    part = html.split(f'id="team-{team}"')[1]
    assert dashboard_words in part
    assert part.index("In a few words") < part.index("Findings")
    assert '<h3 id="h-reading-' in part
    assert "suggested because" in part
