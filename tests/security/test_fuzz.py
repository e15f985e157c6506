"""Random requests to every route and form, as four kinds of visitor: never a 5xx.

For each route, Hypothesis draws requests with real or random parameters, a method, a query
string and form fields (the field names of the forms that post there and random ones, with
random, injected and huge values); half of them carry the session's valid CSRF token, so that
the handlers themselves are reached, not only the CSRF check.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_from
from tests.factories import gen_hostile_invitation
from tests.security.checks import ATTRIBUTE, CLOSE_SCRIPT, INJECTIONS, NUMBERS, database_text
from tests.security.pages import Form, crawl
from tests.security.routes import (
    QUERY_ARGUMENTS,
    SLOW,
    Route,
    forms_by_endpoint,
    forms_only,
    real_values,
    rep_forms,
    routes,
    seeds,
)

pytestmark = pytest.mark.slow
EXAMPLES_PER_ROUTE = 6
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
SETTINGS = settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# NUL characters have a test of their own, in every field (test_sql_injection.py), so that a
# known failure on PostgreSQL shows there and does not make this test fail at random.
text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60)
values = st.one_of(
    text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from((*INJECTIONS, *NUMBERS, ATTRIBUTE, CLOSE_SCRIPT, "", " ", "0" * 400)),
)
names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)


@dataclass
class Visitor:
    client: FlaskClient
    routes: list[Route]
    values: dict[str, str]
    forms: dict[str, list[Form]]  # by the endpoint they post to
    csrf: str


def visitor(hostile, dbs, role: str) -> Visitor:
    hostile.app.config["LINK_FAILURES_PER_ADDRESS"] = "100000 per minute"
    hostile.app.config["LINK_FAILURES_PER_BROWSER"] = "100000 per minute"
    token = gen_hostile_invitation(dbs, hostile)
    found = [route for route in routes(hostile.app) if route.endpoint not in SLOW]
    if role in ("admin", "manager"):
        client = hostile.clients[role]
        forms = crawl(client, seeds(hostile, role, reports=False), follow=forms_only)[1]
    elif role == "rep":
        client = hostile.app.test_client()
        forms = rep_forms(client, token)
    else:
        client = hostile.app.test_client()
        forms = crawl(client, ["/", "/login"])[1]
    page = "/" if role in ("admin", "manager") else "/login"  # "/" has the logout form
    csrf = csrf_from(client.get(page).get_data(as_text=True))
    by_endpoint = forms_by_endpoint(hostile.app, forms)
    return Visitor(client, found, real_values(hostile, token), by_endpoint, csrf)


def no_server_error(response, request: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (request, response.status_code)
    assert database_text(body) == [], (request, database_text(body))


@st.composite
def route_requests(draw, target: Visitor, route: Route):
    changed = draw(st.dictionaries(st.sampled_from(sorted(target.values)), values, max_size=2))
    path = route.url(target.values, **{k: v for k, v in changed.items() if k in route.converters})
    method = draw(st.sampled_from(METHODS))
    query = draw(st.dictionaries(st.sampled_from(QUERY_ARGUMENTS) | names, values, max_size=3))
    data = draw(st.dictionaries(names, values, max_size=4))
    if draw(st.booleans()):
        data["csrf_token"] = target.csrf
    return method, path, query, data


@st.composite
def form_posts(draw, target: Visitor, forms: list[Form]):
    form = draw(st.sampled_from(forms))
    fields = st.sampled_from(form.names) | names if form.names else names
    changed = draw(st.dictionaries(fields, values, min_size=1, max_size=4))
    data = {**form.filled(), **changed}
    if draw(st.booleans()):  # a valid token, under the form's own (perhaps prefixed) name
        for name in form.names:
            if name.endswith("csrf_token"):
                data[name] = target.csrf
    if form.method == "GET":  # a browser replaces the action's query with the form's fields
        return "GET", urlsplit(form.action).path, data, {}
    return "POST", form.action, None, data


@pytest.mark.parametrize("role", ["anonymous", "rep", "manager", "admin"])
def test_random_requests_never_get_a_server_error(hostile, dbs, role):
    target = visitor(hostile, dbs, role)
    assert target.forms
    for route in target.routes:
        forms = target.forms.get(route.endpoint)
        requests = route_requests(target, route)
        if forms:
            requests = requests | form_posts(target, forms)

        @SETTINGS
        @given(requests)
        def send(request):
            method, path, query, data = request
            response = target.client.open(
                path, method=method, query_string=query or None, data=data
            )
            no_server_error(response, f"{method} {path} {query} {data}")

        send()
