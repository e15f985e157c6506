"""Security headers on every response; Vega's 'unsafe-eval' only where charts are drawn."""

from __future__ import annotations

from tests.auth.helpers import login
from tests.factories import (
    gen_assessment,
    gen_invitation,
    gen_wave,
    make_invitation,
    make_world,
    rep_questionnaire,
)
from tests.survey.journey import answer_all


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_safe(response, charts: bool = False) -> None:
    csp = policy(response)
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert ("'unsafe-eval'" in csp["script-src"]) is charts
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Server" not in response.headers


def test_plain_pages_forbid_eval_and_inline_script(client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    for url in (
        "/",
        "/login",
        f"/r/{token}",
        f"/r/{token}/1",
        "/r/unknown",
        "/nowhere",
        "/static/css/app.css",
        "/api/v1/assessments",
    ):
        response = client.get(url)
        assert_safe(response)
        response.close()
    assert_safe(client.post("/login"))  # refused for its missing CSRF token, still with headers


def test_chart_pages_allow_eval_and_never_inline_script(client, dbs, answered_org):
    wave = gen_wave(dbs, gen_assessment(dbs, answered_org.organisation))  # open since a day
    token = gen_invitation(dbs, wave, answered_org.teams["France"])
    answer_all(client, token, rep_questionnaire())
    thanks = client.get("/thanks")
    assert_safe(thanks, charts=True)
    assert "<script>" not in thanks.get_data(as_text=True)

    login(client, "admin@example.com")
    assessment, team = answered_org.assessment.id, answered_org.teams["Global"].id
    page = client.get(f"/dashboard/{assessment}/{team}")
    assert_safe(page, charts=True)
    html = page.get_data(as_text=True)
    assert "<script>" not in html
    assert all(
        'type="application/json"' in tag or 'src="/static/' in tag
        for tag in html.split("<script")[1:]
    )
