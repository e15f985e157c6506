"""Every route of the app, with real values for its parameters, for tests that send bad ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from flask import Flask

from tests.factories import HOSTILE_PRODUCT, Hostile, rep_questionnaire
from tests.security.pages import Form, read_page, submit
from tests.survey.journey import item_fields, pages_of

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
    "show",
    "role",
    "status",
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
        "job_id": "1",
        "action_id": "1",
        "person_id": str(person.id),
        "user_id": str(world.users["manager"].id),
        "token": token,
        "number": "1",
        "section": "change",
        "name": "scores",
        "key": "rep-mindset",
        "version": "1",
        "slug": "acme",
        "code": "fr",
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


def seeds(world: Hostile, role: str, reports: bool = True) -> list[str]:
    """Where a crawl as ``role`` starts: the menus, and what only a form or a script reaches.

    ``reports=False`` leaves out the reports (each draws its charts, slowly, for no form).
    """
    teams = [
        team.id
        for name, team in world.teams.items()
        if role != "manager" or name != HOSTILE_PRODUCT
    ]
    waves = [wave.id for wave in world.waves.values()]
    assessment = f"{world.base}/assessments/{world.assessment.id}"
    api = f"/api/v1/assessments/{world.assessment.id}/teams"
    urls = ["/dashboard/", "/api/v1/assessments"]
    urls += [f"{api}/{team}?wave={wave}" for team in teams for wave in waves]
    if role == "manager":
        return urls
    urls += ["/clients/", "/audit/", f"{world.wave_url}/rates.json", f"{world.wave_url}/rates"]
    urls += [f"{world.wave_url}/mailings/1.json", f"{world.wave_url}/words"]
    if reports:
        urls += [f"{assessment}/report?team={t}&wave={w}" for t in teams for w in waves]
    return urls


def rep_forms(client, token: str) -> list[Form]:
    """The form of every page of the rep's questionnaire, walked with valid answers to the end."""
    forms = []
    for page in pages_of(rep_questionnaire()):
        url = f"/r/{token}/{page.number}"
        (form,) = read_page(url, client.get(url).get_data(as_text=True))[1]
        forms.append(form)
        data = item_fields(page) if page.kind == "items" else {}
        if page.kind == "ladder":  # one step, then "That's where it ends"
            data = {"ladder-words": "Customers who trust us", "action": "stop"}
        if form.fields["action"] in ("next", "deeper"):
            assert submit(client, form, **data).status_code == 302
    return forms


def forms_only(url: str) -> bool:
    """Whether a crawl for forms follows ``url``: no downloads, no reports."""
    return ".csv" not in url and "/report" not in url
