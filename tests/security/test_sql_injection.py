"""SQL injection in every route parameter, query argument and form field: a 4xx or an ordinary
empty answer, never a 5xx, and nothing of the database (driver names, SQL, a traceback) shown.
"""

from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_from
from tests.factories import HOSTILE_TOP, gen_hostile_invitation
from tests.security.checks import INJECTIONS, NUMBERS, database_text
from tests.security.pages import Form, crawl, read_page
from tests.security.routes import (
    QUERY_ARGUMENTS,
    SLOW,
    distinct_forms,
    forms_only,
    real_values,
    rep_forms,
    routes,
    seeds,
)


def refused_or_empty(response, where: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (where, response.status_code)
    assert database_text(body) == [], (where, database_text(body))


def many_link_failures(app) -> None:
    """Guessed links count towards the 429; here every payload should reach the view."""
    app.config["LINK_FAILURES_PER_ADDRESS"] = "100000 per minute"
    app.config["LINK_FAILURES_PER_BROWSER"] = "100000 per minute"
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "100000 per minute"
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "100000 per minute"


@pytest.mark.slow
def test_every_route_parameter(hostile, dbs):
    many_link_failures(hostile.app)
    admin = hostile.clients["admin"]
    token = gen_hostile_invitation(dbs, hostile)
    csrf = csrf_from(admin.get("/clients/new").get_data(as_text=True))
    values = real_values(hostile, token)
    sent = 0
    for route in routes(hostile.app):
        for name, converter in route.converters.items():
            payloads = NUMBERS + INJECTIONS[:2] if converter == "int" else INJECTIONS + NUMBERS
            for payload in payloads:
                url = route.url(values, **{name: payload})
                for method in route.methods:
                    if method == "GET":
                        response = admin.get(url)
                    else:
                        response = admin.post(url, data={"csrf_token": csrf})
                    refused_or_empty(response, f"{method} {url}")
                    sent += 1
    assert sent > 500


@pytest.mark.slow
def test_every_query_argument(hostile, dbs):
    many_link_failures(hostile.app)
    admin = hostile.clients["admin"]
    token = gen_hostile_invitation(dbs, hostile)
    values = real_values(hostile, token)
    gets = [route for route in routes(hostile.app) if "GET" in route.methods]
    for route in gets:
        payloads = INJECTIONS[:1] if route.endpoint in SLOW else INJECTIONS + NUMBERS
        for payload in payloads:
            query = {argument: payload for argument in QUERY_ARGUMENTS}
            url = route.url(values)
            refused_or_empty(admin.get(url, query_string=query), f"{url} ?{payload}")


def test_injected_searches_and_filters_find_nothing(hostile):
    admin = hostile.clients["admin"]
    people = f"{hostile.base}/people/"
    assert "evil.example" in admin.get(people).get_data(as_text=True)
    for payload in ("' OR '1'='1", "%' OR 1=1 --", "%", "_"):
        page = admin.get(people, query_string={"q": payload})
        assert page.status_code == 200
        assert "evil.example" not in page.get_data(as_text=True), payload
    audit = admin.get("/audit/", query_string={"organisation": "1 OR 1=1"})
    assert audit.status_code == 422
    api = f"/api/v1/assessments/{hostile.assessment.id}/teams/{hostile.teams[HOSTILE_TOP].id}"
    assert admin.get(api, query_string={"wave": "1 OR 1=1"}).status_code == 404


def form_targets(hostile, dbs) -> list[tuple]:
    """Every kind of form with the client that sends it: the rep's pages, the login, and the
    admin's (those that delete, archive or close last)."""
    admin = hostile.clients["admin"]
    rep = hostile.app.test_client()
    visitor = hostile.app.test_client()
    _pages, forms = crawl(admin, seeds(hostile, "admin", reports=False), follow=forms_only)
    rep_pages = rep_forms(rep, gen_hostile_invitation(dbs, hostile))
    login = read_page("/login", visitor.get("/login").get_data(as_text=True))[1]
    return [
        *((rep, form) for form in distinct_forms(hostile.app, rep_pages)),
        *((visitor, form) for form in distinct_forms(hostile.app, login)),
        *((admin, form) for form in distinct_forms(hostile.app, forms)),
    ]


def filled_with(form: Form, name: str, payload: str) -> dict:
    """The form as a browser sends it, with ``payload`` in ``name`` (and in its file, if any)."""
    data = {**form.filled(), name: payload}
    if form.files:
        file_name = name if name in form.files else form.files[0]
        data[file_name] = (io.BytesIO(payload.encode()), f"{payload}.csv")
    return data


def fields_of(form: Form) -> list[str]:
    return [name for name in form.names if not name.endswith("csrf_token")] or ["unexpected"]


@pytest.mark.slow
def test_every_form_field(hostile, dbs):
    many_link_failures(hostile.app)
    targets = form_targets(hostile, dbs)
    assert len(targets) > 20
    payloads = (*INJECTIONS, *NUMBERS)
    sent = 0
    for client, form in targets:
        for name in fields_of(form):
            for _ in range(3):  # three payloads a field, taking turns through all of them
                payload = payloads[sent % len(payloads)]
                response = client.post(form.action, data=filled_with(form, name, payload))
                refused_or_empty(response, f"{form.action} {name}={payload!r}")
                sent += 1


CONTROL = ("a\x00b", "\x1b[2J\u202e\ufeff\u0007")


@pytest.mark.slow
def test_nul_and_control_characters_in_every_argument_and_field(hostile, dbs):
    many_link_failures(hostile.app)
    admin = hostile.clients["admin"]
    values = real_values(hostile, gen_hostile_invitation(dbs, hostile))
    failures = []
    for route in routes(hostile.app):
        if "GET" in route.methods and route.endpoint not in SLOW:
            for payload in CONTROL:
                urls = [
                    route.url(values, **{name: payload})
                    for name, converter in route.converters.items()
                    if converter != "int"  # the router turns those away before any view
                ]
                query = dict.fromkeys(QUERY_ARGUMENTS, payload)
                for url in [*urls, route.url(values)]:
                    if admin.get(url, query_string=query).status_code >= 500:
                        failures.append(("GET", url, repr(payload)))
    for client, form in form_targets(hostile, dbs):
        for name in fields_of(form):
            for payload in CONTROL:
                response = client.post(form.action, data=filled_with(form, name, payload))
                if response.status_code >= 500:
                    failures.append(("POST", form.action, name, repr(payload)))
    assert failures == [], "\n".join(map(str, failures))
