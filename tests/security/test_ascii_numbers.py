"""Ids, page numbers and counts are ASCII digits: other scripts' digits, signs, spaces and
exponents get what a word gets (404, 400 or the form's message), never a 500 and never another
id ("١" is 1 to Python's ``int()``, "²" passes ``isdigit()`` and then breaks ``int()``).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey.models import Assessment, Team, Wave
from survey.params import parse_id
from tests.auth.helpers import login
from tests.factories import gen_assessment, gen_invitation, gen_wave, rep_questionnaire
from tests.security.pages import form_on, submit
from tests.security.routes import routes
from tests.survey.journey import answer_page, item_fields, page_form, pages_of

BAD = ("²", "١٢", "٣", "1²", " 1", "+1", "1e3", "-1")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
NOT_A_NUMBER = "x"


def foreign(number: int) -> str:
    """``number`` in Arabic-Indic digits, which Python's ``int()`` reads as the same number."""
    return str(number).translate(ARABIC_INDIC)


def count(dbs, model) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model))


@pytest.fixture
def place(app, dbs, reference_org, reference_roster):
    """Acme Solar (with ROSTER) and a new assessment whose wave is open, a logged-in admin."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 answers as in production
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    admin = app.test_client()
    assert login(admin, reference_org.users["admin"].email).status_code == 302
    organisation = reference_org.organisation.id
    base = f"/clients/{organisation}/assessments/{assessment.id}"
    return {
        "admin": admin,
        "organisation": organisation,
        "assessment": assessment.id,
        "wave": wave.id,
        "team": reference_org.teams["Global"].id,
        "base": base,
        "wave_url": f"{base}/waves/{wave.id}",
    }


def test_parse_id_takes_ascii_digits_only():
    assert [parse_id(text) for text in ("0", "7", "0042", "9" * 18)] == [0, 7, 42, 10**18 - 1]
    for text in (*BAD, "", "9" * 19, "1_000", "1.0", "1\n", "\uff11", None):
        assert parse_id(text) is None, text


def test_non_ascii_digits_in_a_path_match_no_route(
    app, dbs, place, reference_org, reference_roster
):
    """Every ``<int:...>`` parameter of every route: the real id in another script, and the
    bad values, all answer 404 (no route matches), as a word would."""
    admin = place["admin"]
    token = rep_link(dbs, place, reference_org)
    real = {
        "organisation_id": place["organisation"],
        "assessment_id": place["assessment"],
        "wave_id": place["wave"],
        "team_id": place["team"],
        "person_id": next(iter(reference_roster.values())).id,
        "user_id": reference_org.users["global manager"].id,
        "batch_id": 1,
        "job_id": 1,
        "action_id": 1,
        "number": 1,
        "version": 1,
    }
    checked = 0
    for route in routes(app):
        numbers = [name for name, kind in route.converters.items() if kind == "int"]
        if not numbers:
            continue
        values = {**{name: str(value) for name, value in real.items()}, "token": token}
        values |= {"section": "headline", "name": "scores", "key": "rep-mindset"}
        method = "GET" if "GET" in route.methods else route.methods[0]
        for name in numbers:
            for bad in (*BAD, foreign(real[name]), NOT_A_NUMBER):
                response = admin.open(route.url(values, **{name: bad}), method=method)
                assert response.status_code == 404, (route.rule, name, bad, response.status_code)
                checked += 1
    assert checked > 100


def rep_link(dbs, place, reference_org) -> str:
    """A rep's single-use link to the open wave, for Global."""
    return gen_invitation(dbs, dbs.get(Wave, place["wave"]), reference_org.teams["Global"])


QUERIES = {
    "dashboard wave": "/dashboard/{assessment}/{team}?wave={value}",
    "dashboard CSV wave": "/dashboard/{assessment}/{team}/headline.csv?wave={value}",
    "API wave": "/api/v1/assessments/{assessment}/teams/{team}?wave={value}",
    "report team": "{base}/report?team={value}",
    "report wave": "{base}/report?wave={value}",
    "organisations page": "/clients/?page={value}",
    "people page": "/clients/{organisation}/people/?page={value}",
    "assessments page": "/clients/{organisation}/assessments/?page={value}",
    "invitations page": "{wave_url}/invitations?page={value}",
    "words page": "{wave_url}/words?page={value}",
    "plans wave": "/plans/{assessment}?wave={value}",
    "plans page": "/plans/{assessment}?page={value}",
    "team plan wave": "/plans/{assessment}/{team}?wave={value}",
    "audit page": "/audit/?page={value}",
    "audit organisation": "/audit/?organisation={value}",
    "users page": "/users/?page={value}",
    "users organisation": "/users/?organisation={value}",
    "roster managers page": "/users/invite/roster/{organisation}?page={value}",
}
# The real id a parameter names, so that its Arabic-Indic spelling would find it.
REAL = {"wave": "wave", "team": "team", "organisation": "organisation"}


@pytest.mark.parametrize("case", sorted(QUERIES))
def test_non_ascii_digits_in_a_query_answer_as_a_word_does(place, case):
    admin = place["admin"]
    template = QUERIES[case]
    parameter = template.rsplit("?", 1)[1].split("=")[0]
    values = [*BAD]
    if parameter in REAL:
        values.append(foreign(place[REAL[parameter]]))

    def get(value: str):
        return admin.get(template.format(**place, value=value))

    word = get(NOT_A_NUMBER)
    assert word.status_code < 500
    for value in values:
        response = get(value)
        assert response.status_code == word.status_code, (case, value, response.status_code)


SELECTED = re.compile(
    r"<option[^>]*\bselected\b[^>]*value=\"([^\"]*)\"|"
    r"<option[^>]*value=\"([^\"]*)\"[^>]*\bselected\b"
)


def selected(html: str) -> list[str]:
    return [a or b for a, b in SELECTED.findall(html)]


def test_the_parent_asked_for_when_adding_a_team_is_an_ascii_id(place):
    admin = place["admin"]
    url = f"/clients/{place['organisation']}/teams/new?parent="
    word = selected(admin.get(url + NOT_A_NUMBER).get_data(as_text=True))
    chosen = selected(admin.get(url + str(place["team"])).get_data(as_text=True))
    assert str(place["team"]) in chosen and chosen != word
    for value in (*BAD, foreign(place["team"])):
        response = admin.get(url + value)
        assert response.status_code == 200
        assert selected(response.get_data(as_text=True)) == word, value


def test_team_forms_take_ascii_ids_only(place, dbs):
    admin = place["admin"]
    new_team = form_on(admin, f"/clients/{place['organisation']}/teams/new")
    teams = count(dbs, Team)
    word = submit(admin, new_team, name="Lyon", department="sales", parent=NOT_A_NUMBER)
    assert word.status_code == 422
    for value in (*BAD, foreign(place["team"])):
        response = submit(admin, new_team, name="Lyon", department="sales", parent=value)
        assert response.status_code == 422, value
    assert count(dbs, Team) == teams


def test_assessment_forms_take_ascii_numbers_only(place, dbs):
    admin = place["admin"]
    url = f"/clients/{place['organisation']}/assessments/new"
    form = form_on(admin, url)
    key = rep_questionnaire().key
    version = rep_questionnaire().version
    valid = {"name": "Second", "rep_questionnaire": f"{key}:{version}", "mode": "anonymous"}
    assessments = count(dbs, Assessment)
    assert submit(admin, form, **valid, min_group_size=NOT_A_NUMBER).status_code == 422
    for value in (*BAD, foreign(5)):
        response = submit(admin, form, **valid, min_group_size=value)
        assert response.status_code == 422, value
        assert "Not a valid integer value." in response.get_data(as_text=True)
        wrong_version = {**valid, "rep_questionnaire": f"{key}:{value}"}
        assert submit(admin, form, **wrong_version, min_group_size="5").status_code == 422
    assert count(dbs, Assessment) == assessments


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("/invitations", {"invite-team": "{value}", "invite-delivery": "csv"}),
        ("/reminders", {"remind-team": "{value}", "remind-delivery": "csv"}),
        ("/team-links", {"link-team": "{value}", "link-role": "rep"}),
        ("/team-links", {"link-team": "{team}", "link-role": "rep", "link-capacity": "{value}"}),
    ],
)
def test_invitation_forms_take_ascii_team_ids_only(place, action, fields):
    admin = place["admin"]
    form = form_on(admin, f"{place['wave_url']}/invitations", action)

    def send(value: str):
        filled = {k: v.format(value=value, team=place["team"]) for k, v in fields.items()}
        return submit(admin, form, **filled)

    word = send(NOT_A_NUMBER)
    assert 400 <= word.status_code < 500
    for value in (*BAD, foreign(0), foreign(place["team"])):
        assert send(value).status_code == word.status_code, value


def test_the_retention_period_takes_ascii_digits_only(place, dbs):
    admin = place["admin"]
    form = form_on(admin, f"/clients/{place['organisation']}/people/retention")
    assert submit(admin, form, retention_days=NOT_A_NUMBER).status_code == 422
    for value in (*BAD, foreign(30)):
        assert submit(admin, form, retention_days=value).status_code == 422, value


def test_rep_answers_and_teams_are_ascii_digits(app, dbs, place, reference_org):
    """An answer "٦" or a team "١" is refused with 400 as "x" is, and nothing is saved."""
    questionnaire = rep_questionnaire()
    token = rep_link(dbs, place, reference_org)
    rep = app.test_client()
    pages = pages_of(questionnaire)
    first = pages[0]
    item = first.items[0]
    for value in (NOT_A_NUMBER, *BAD, foreign(6)):
        data = {**item_fields(first), f"q-{item.id}": value}
        assert page_form(rep, token, 1, data).status_code == 400, value
    for page in pages[:-1]:
        assert answer_page(rep, token, page).status_code == 302
    last = pages[-1]
    assert last.kind == "cooperation"
    direction = questionnaire.cooperation.directions[0][0]
    other = reference_org.teams["Product"].id
    for value in (NOT_A_NUMBER, *BAD, foreign(other)):
        response = page_form(rep, token, last.number, {f"help-{direction}": value})
        assert response.status_code == 400, value
