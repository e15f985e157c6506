"""Script and markup in every text a user can enter stay text in every page, chart and export.

The hostile organisation of ``tests.factories.hostile`` is entered through the consultant's own
forms (names, team tree, roster import, assessment, waves) and a rep's answers (ladder words);
then every page, chart spec, CSV download, JSON answer and report that the admin, the
consultant and the manager can reach by following links is fetched and inspected.
"""

from __future__ import annotations

import csv
import html
import io
import json

import pytest

from tests.auth.helpers import login
from tests.factories import (
    HOSTILE_EMAILS,
    HOSTILE_LADDER_WORDS,
    HOSTILE_NAMES,
    HOSTILE_TEAM_NAMES,
    gen_assessment,
)
from tests.reports.helpers import made
from tests.security.checks import (
    ATTRIBUTE,
    CLOSE_SCRIPT,
    SCRIPT,
    SCRIPT_URL,
    csv_problems,
    html_problems,
    problems_of,
    shown_text,
)
from tests.security.pages import Fetched, crawl, form_on, submit
from tests.security.routes import forms_only, seeds


@pytest.mark.slow
def test_every_page_chart_export_and_report_shows_hostile_text_as_text(hostile):
    fetched = {
        role: crawl(hostile.clients[role], seeds(hostile, role))[0]
        for role in ("consultant", "manager")
    }
    # The admin sees the consultant's pages; their downloads and reports are the same files.
    admin = hostile.clients["admin"]
    fetched["admin"] = crawl(admin, seeds(hostile, "admin", reports=False), follow=forms_only)[0]
    everything = [page for pages in fetched.values() for page in pages] + hostile.rep_pages
    problems = {page.url: found for page in everything if (found := problems_of(page))}
    assert problems == {}

    kinds = {page.mimetype for page in everything}
    assert kinds == {"text/html", "text/csv", "application/json"}
    assert [(page.url, page.status) for page in everything if page.status not in (200, 302)] == []
    # The hostile texts were really shown: every one of them, decoded, somewhere.
    seen = "\n".join(shown_text(page) for page in everything)
    assert [
        text for text in (*HOSTILE_NAMES, HOSTILE_LADDER_WORDS, *HOSTILE_EMAILS) if text not in seen
    ] == []
    charts = [
        json.loads(block)
        for page in everything
        if page.mimetype == "text/html"
        for block in html_problems(page.body)[1]
    ]
    in_charts = json.dumps(charts, ensure_ascii=False)
    assert CLOSE_SCRIPT in in_charts and all(name in in_charts for name in HOSTILE_TEAM_NAMES)
    managers = "\n".join(shown_text(page) for page in fetched["manager"])
    assert all(name in managers for name in HOSTILE_TEAM_NAMES[:2])
    report = next(page for page in fetched["consultant"] if "/report?team=" in page.url)
    assert "<svg" in report.body and HOSTILE_TEAM_NAMES[0] in shown_text(report)


def test_rep_pages_show_hostile_ladder_words_and_team_names_as_text(hostile):
    assert {page.url: problems_of(page) for page in hostile.rep_pages} == {
        page.url: [] for page in hostile.rep_pages
    }
    shown = "\n".join(shown_text(page) for page in hostile.rep_pages)
    assert HOSTILE_LADDER_WORDS in shown and SCRIPT_URL in shown
    assert all(name in shown for name in HOSTILE_TEAM_NAMES[1:])  # the other teams, on the map page


def test_csv_downloads_neutralise_formulas_in_names_words_and_e_mails(hostile):
    consultant = hostile.clients["consultant"]
    form = form_on(consultant, f"{hostile.wave_url}/invitations", "/reminders")
    links = submit(consultant, form, **{"remind-team": "0", "remind-delivery": "csv"})
    assert links.status_code == 200 and links.mimetype == "text/csv"
    text = links.get_data(as_text=True)
    assert csv_problems(text) == []
    assert "'=1+2@evil.example" in text and "'=1+2 Product" in text
    assessment = f"{hostile.base}/assessments/{hostile.assessment.id}"
    # Response-level files hold waves released in full: close the open one first.
    closing = form_on(consultant, f"{hostile.wave_url}/close", "/close")
    assert submit(consultant, closing).status_code == 302
    for name in ("responses-long", "responses-wide", "scores", "aggregates"):
        export = made_file(consultant, f"{assessment}/exports/{name}.csv")
        assert problems_of(export) == [], name
        assert "'=1+2 Product" in export.body and "'-1+2 </script>" in export.body
    words = made_file(consultant, f"{assessment}/exports/responses-long.csv").body
    assert f"'{HOSTILE_LADDER_WORDS}" in cells(words)


def made_file(client, url: str) -> Fetched:
    """The file a button at ``url`` has a job make, downloaded from the job's page."""
    _page, response = made(client, url)
    body = response.get_data(as_text=True)
    return Fetched(url, response.status_code, response.mimetype, body, dict(response.headers))


@pytest.mark.parametrize(
    "value",
    [CLOSE_SCRIPT, "<!--<script>", "]]><script>alert(1)</script>", "\u2028\u2029", "'&\""],
)
def test_json_in_script_blocks_cannot_be_closed_or_commented_out(app, value):
    with app.test_request_context():
        block = app.jinja_env.from_string(
            '<script type="application/json">{{ spec|tojson }}</script>'
        ).render(spec={"title": value, "values": [{"team": value}]})
    problems, (content,) = html_problems(block)
    assert problems == []
    assert "<" not in content and ">" not in content and "&" not in content
    assert json.loads(content) == {"title": value, "values": [{"team": value}]}


def test_values_sent_back_in_error_pages_and_searches_are_escaped(
    mailing_app, dbs, reference_org, reference_roster
):
    base = f"/clients/{reference_org.organisation.id}"
    assessment = gen_assessment(dbs, reference_org.organisation)
    visitor = mailing_app.test_client()
    consultant = mailing_app.test_client()
    login(consultant, reference_org.users["consultant"].email)
    roster = f"team path,e-mail,role\nGlobal,{ATTRIBUTE}@x,{SCRIPT}\n".encode()
    upload = form_on(consultant, f"{base}/roster")
    sent = {
        "failed login": submit(
            visitor, form_on(visitor, "/login"), email=ATTRIBUTE, password=SCRIPT
        ),
        "login ?next=": visitor.get(f"/login?next={SCRIPT_URL}"),
        "team name with '/'": submit(
            consultant, form_on(consultant, f"{base}/teams/new"), name=CLOSE_SCRIPT
        ),
        "long organisation name": submit(
            consultant, form_on(consultant, "/clients/new"), name=ATTRIBUTE * 20
        ),
        "assessment form": submit(
            consultant,
            form_on(consultant, f"{base}/assessments/new"),
            name=CLOSE_SCRIPT,
            min_group_size=ATTRIBUTE,
        ),
        "wave form": submit(
            consultant,
            form_on(consultant, f"{base}/assessments/{assessment.id}/waves/new"),
            name=SCRIPT,
            closes_at=ATTRIBUTE,
        ),
        "audit filter": submit(
            consultant, form_on(consultant, "/audit/", "/audit/"), since=SCRIPT, action=SCRIPT
        ),
        "people search": consultant.get(f"{base}/people/", query_string={"q": SCRIPT}),
        "people page": consultant.get(f"{base}/people/", query_string={"page": ATTRIBUTE}),
        "retention": submit(
            consultant,
            form_on(consultant, f"{base}/people/retention"),
            retention_days=ATTRIBUTE,
        ),
        "roster with errors": consultant.post(
            f"{base}/roster",
            data={**upload.fields, "roster": (io.BytesIO(roster), f"{SCRIPT}.csv")},
            content_type="multipart/form-data",
        ),
    }
    assert {label: response.status_code for label, response in sent.items()} == {
        "failed login": 401,
        "login ?next=": 200,
        "team name with '/'": 422,
        "long organisation name": 422,
        "assessment form": 422,
        "wave form": 422,
        "audit filter": 422,
        "people search": 200,
        "people page": 200,
        "retention": 422,
        "roster with errors": 422,
    }
    problems = {
        label: html_problems(response.get_data(as_text=True))[0] for label, response in sent.items()
    }
    assert problems == {label: [] for label in sent}
    for label in ("failed login", "team name with '/'", "people search", "roster with errors"):
        shown = html.unescape(sent[label].get_data(as_text=True))
        assert SCRIPT in shown or ATTRIBUTE in shown or CLOSE_SCRIPT in shown, label


def cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) for cell in row}
