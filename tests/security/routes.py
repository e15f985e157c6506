"""Every route of the app, with real values for its parameters, for tests that send bad ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from flask import Flask

from tests.security.pages import Form
from tests.security.world import Hostile

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Every query argument a view reads (request.args), whatever the route.
QUERY_ARGUMENTS = (
    "wave",
    "team",
    "page",
    "q",
    "next",
    "parent",
    "incomplete",
    "action",
    "organisation",
    "since",
    "until",
)
DESTRUCTIVE = ("delete", "archive", "close_wave", "roster_cancel", "roster_confirm")
SLOW = ("reports.report_pdf",)  # WeasyPrint: a second or more for each PDF made
LEFT_OUT = ("static", "auth.logout")  # a logout would end the visitor's session mid-test


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    converters: dict[str, str]

    def url(self, values: dict[str, str], **changed: str) -> str:
        """The path with ``values``, some ``changed`` (quoted as a browser would send them)."""
        merged = {**values, **changed}
        return PARAMETER.sub(lambda m: quote(str(merged[m.group(2)]), safe=""), self.rule)


def routes(app: Flask) -> list[Route]:
    """Every route but the static files and the logout."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in LEFT_OUT:
            continue
        converters = {name: kind or "default" for kind, name in PARAMETER.findall(rule.rule)}
        methods = tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        found.append(Route(rule.endpoint, rule.rule, methods, converters))
    return sorted(found, key=lambda route: (route.rule, route.methods))


def real_values(world: Hostile, token: str) -> dict[str, str]:
    """A value that exists for every route parameter, in the hostile organisation."""
    person = next(iter(world.people.values()))
    return {
        "organisation_id": str(world.organisation.id),
        "assessment_id": str(world.assessment.id),
        "wave_id": str(world.waves["now"].id),
        "team_id": str(next(iter(world.teams.values())).id),
        "batch_id": "1",
        "person_id": str(person.id),
        "token": token,
        "number": "1",
        "section": "change",
        "name": "scores",
    }


def endpoint_of(app: Flask, form: Form) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.match(urlsplit(form.action).path, method=form.method)[0]


def forms_by_endpoint(app: Flask, forms: list[Form]) -> dict[str, list[Form]]:
    """The forms by the endpoint they send to; one per set of field names, no logout."""
    found: dict[str, dict[tuple, Form]] = {}
    for form in forms:
        endpoint = endpoint_of(app, form)
        if endpoint not in LEFT_OUT:
            key = (tuple(sorted(form.names)), tuple(form.files))
            found.setdefault(endpoint, {}).setdefault(key, form)
    return {endpoint: list(kinds.values()) for endpoint, kinds in found.items()}


def distinct_forms(app: Flask, forms: list[Form]) -> list[Form]:
    """The POST forms of ``forms_by_endpoint``, those that delete, archive or close last."""
    posting = [
        (endpoint, form)
        for endpoint, kinds in forms_by_endpoint(app, forms).items()
        for form in kinds
        if form.method == "POST"
    ]
    posting.sort(key=lambda pair: pair[0].endswith(DESTRUCTIVE))
    return [form for _endpoint, form in posting]
