"""Languages and time zones in the browser, on the demo organisation: a Paris rep answers in
French because the roster says so; a Bavarian (Munich) rep switches from German to English
half-way and keeps every answer; the France manager reads the dashboard in German; an
invitation sent to a Madrid rep is in Spanish, its deadline in Madrid time."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from questionnaires import load_directory
from survey.demo import DEMO_DOMAIN, DEMO_PASSWORD
from survey.i18n import when
from survey.invitations import invite_people, link_url
from survey.models import Assessment, Person, Response, Team
from survey.models._columns import utcnow
from survey.rep.pages import plan_pages
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser
SHIPPED = load_directory()


def in_language(app, language: str, text: str, **values) -> str:
    """``text`` as the catalogue of ``language`` has it."""
    with app.test_request_context(), force_locale(language):
        return gettext(text, **values)


def invite(app, dbs, demo, team_name: str) -> tuple[str, Person]:
    """A personal link to the open wave for the first rep of ``team_name`` on the roster."""
    team = dbs.scalar(select(Team).where(Team.organisation_id == demo.id, Team.name == team_name))
    person = dbs.scalar(
        select(Person).where(Person.team_id == team.id, Person.role == "rep").order_by(Person.id)
    )
    wave = demo_open_wave(dbs, demo)
    (link,) = invite_people(dbs, wave, [person], utcnow(), days=30)
    dbs.commit()
    return link_url(app.config["PUBLIC_URL"], link.token), person


def demo_open_wave(dbs, demo):
    assessment = dbs.scalar(select(Assessment).where(Assessment.organisation_id == demo.id))
    return assessment.waves[-1]


def answers_in(dbs, wave, team_id: int, language: str) -> int:
    query = select(func.count()).where(
        Response.wave_id == wave.id, Response.team_id == team_id, Response.language == language
    )
    return dbs.scalar(query)


def answer(page, app, plans, questionnaire, start: int = 1, stop: int | None = None) -> None:
    """Answer pages ``start`` to ``stop`` (all by default) with language-free selectors: 5 on
    every statement, one ladder step, no team on the map; sends on the last page."""
    for plan in plans[start - 1 : stop]:
        page.wait_for_url(re.compile(rf".*/{plan.number}(\?.*)?$"))
        if plan.kind == "items":
            for item in plan.items:
                page.check(f'input[name="q-{item.id}"][value="5"]')
        elif plan.kind == "ladder":
            page.fill("#ladder-words", "Des clients qui nous font confiance")
            page.click('button[name="action"][value="stop"]')
            continue
        last = plan.number == len(plans)
        page.click(f'button[name="action"][value="{"submit" if last else "next"}"]')


def test_a_paris_rep_answers_in_french_from_the_roster(app, dbs, demo, browser):
    url, person = invite(app, dbs, demo, "Paris")
    assert person.language == "fr"
    before = answers_in(dbs, demo_open_wave(dbs, demo), person.team_id, "fr")
    context = browser.new_context(locale="en-GB")  # the browser asks for English: the roster wins
    page = context.new_page()
    page.goto(url)
    assert page.get_attribute("html", "lang") == "fr"
    page.get_by_role("link", name=in_language(app, "fr", "Start")).click()
    wave = demo_open_wave(dbs, demo)
    questionnaire = SHIPPED[wave.instrument("rep")[:2]]
    french = questionnaire.in_language("fr")
    plans = plan_pages(questionnaire, app.config["ITEMS_PER_PAGE"])
    first = plans[0].items[0]
    assert french.item(first.id).text in page.content()
    assert french.scale.labels[0] in page.content()
    assert_accessible(page)
    answer(page, app, plans, questionnaire)
    page.wait_for_url("**/thanks")
    assert page.get_attribute("html", "lang") == "fr"
    assert answers_in(dbs, wave, person.team_id, "fr") == before + 1
    context.close()


def test_a_munich_rep_switches_from_german_to_english_and_keeps_the_answers(
    app, dbs, demo, browser
):
    url, person = invite(app, dbs, demo, "Bavaria")
    assert person.language == "de"
    before = answers_in(dbs, demo_open_wave(dbs, demo), person.team_id, "en")
    page = browser.new_page()
    page.goto(url)
    assert page.get_attribute("html", "lang") == "de"
    page.get_by_role("link", name=in_language(app, "de", "Start")).click()
    wave = demo_open_wave(dbs, demo)
    questionnaire = SHIPPED[wave.instrument("rep")[:2]]
    plans = plan_pages(questionnaire, app.config["ITEMS_PER_PAGE"])
    answer(page, app, plans, questionnaire, stop=1)  # page 1 answered and sent on
    page.wait_for_url("**/2")
    half = plans[1].items[: len(plans[1].items) // 2]
    for item in half:  # page 2 half answered, not sent: the switch must keep these too
        page.check(f'input[name="q-{item.id}"][value="2"]')
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/2")
    assert page.get_attribute("html", "lang") == "en"
    assert questionnaire.item(half[0].id).text in page.content()  # the English wording now
    for item in half:
        assert page.is_checked(f'input[name="q-{item.id}"][value="2"]')
    page.get_by_role("button", name="Back").click()
    page.wait_for_url("**/1")
    for item in plans[0].items:
        assert page.is_checked(f'input[name="q-{item.id}"][value="5"]')
    page.get_by_role("button", name="Next").click()
    answer(page, app, plans, questionnaire, start=2)
    page.wait_for_url("**/thanks")
    assert answers_in(dbs, wave, person.team_id, "en") == before + 1
    page.close()


def test_the_france_manager_reads_the_dashboard_in_german(app, dbs, demo, browser, live_server):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.get_attribute("html", "lang") == "de"
    page.get_by_label(in_language(app, "de", "E-mail")).fill(f"france.manager@{DEMO_DOMAIN}")
    page.get_by_label(in_language(app, "de", "Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=in_language(app, "de", "Log in")).click()
    page.wait_for_url(re.compile(r".*/dashboard/\d+/\d+.*"))  # the France dashboard
    page.wait_for_selector("main h1")
    assert page.get_attribute("html", "lang") == "de"
    text = page.locator("main").inner_text()
    assert in_language(app, "de", "Download the numbers (CSV)") in text
    assert "Download the numbers" not in text
    source = SHIPPED["rep-mindset", 1]  # what the released waves asked
    german = source.in_language("de")
    assert german.dimensions[1].name in text and source.dimensions[1].name not in text
    assert_accessible(page)
    context.close()


def test_an_invitation_to_a_madrid_rep_is_in_spanish_with_the_deadline_in_madrid_time(
    app, dbs, demo, browser, live_server, smtp_server
):
    wave = demo_open_wave(dbs, demo)
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(f"consultant@{DEMO_DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/**")
    assessment = wave.assessment
    page.goto(
        f"{live_server}/clients/{demo.id}/assessments/{assessment.id}/waves/{wave.id}/invitations"
    )
    page.get_by_label("Who", exact=True).first.select_option(label="Global Sales/Spain/Madrid")
    page.get_by_role("button", name="Make the links").click()
    page.get_by_role("heading", name="Done").wait_for()
    madrid = [m for m in smtp_server.messages if re.match(r"rep\d+\.madrid@", m["To"])]
    assert madrid
    body = madrid[0].get_content()
    with app.test_request_context(), force_locale("es"):
        deadline = when(wave.closes_at, "Europe/Madrid")
    open_until = in_language(app, "es", "The survey is open until %(closes)s.", closes=deadline)
    assert open_until in " ".join(body.split()) and "(Europe/Madrid)" in body
    assert "The survey is open until" not in body
    page.close()
