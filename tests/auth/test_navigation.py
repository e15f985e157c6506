"""Getting around: the product name leads home; a "Dashboards" link in the header leads to one
list of the assessments in scope, each with its dashboards (and, for consultants and admins,
its report); the organisation and assessment pages link there too."""

from __future__ import annotations

import re

from tests.auth.helpers import login
from tests.factories import gen_assessment

HREF = re.compile(r'href="([^"]+)"')


def _links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in HREF.findall(html)]


def test_the_header_links_home_and_to_the_dashboards(client, answered_org):
    login(client, "c@example.com")
    html = client.get(f"/clients/{answered_org.organisation.id}").get_data(as_text=True)
    header = html.split('<header class="site">')[1].split("</header>")[0]
    assert '<a class="brand" href="/">Mindset Survey</a>' in header
    assert 'href="/dashboard/">Dashboards</a>' in header


def test_a_consultant_reaches_every_dashboard_and_report_from_one_list(client, answered_org):
    org = answered_org
    login(client, "c@example.com")
    html = client.get("/dashboard/").get_data(as_text=True)
    links = _links(html)
    a = org.assessment.id
    report = f"/clients/{org.organisation.id}/assessments/{a}/report"
    for team in ("Global", "Product"):
        assert f"/dashboard/{a}/{org.teams[team].id}" in links, team
    assert report in links
    for link in (f"/dashboard/{a}/{org.teams['Global'].id}", report):
        assert client.get(link).status_code == 200, link
    assert f'id="assessment-{a}"' in html


def test_the_organisation_and_assessment_pages_link_to_dashboards_and_report(client, answered_org):
    org = answered_org
    login(client, "c@example.com")
    a = org.assessment.id
    report = f"/clients/{org.organisation.id}/assessments/{a}/report"
    for page in (
        f"/clients/{org.organisation.id}",
        f"/clients/{org.organisation.id}/assessments/{a}",
    ):
        links = _links(client.get(page).get_data(as_text=True))
        assert f"/dashboard/#assessment-{a}" in links, page
        assert report in links, page


def test_a_manager_of_several_assessments_switches_in_one_place(client, dbs, answered_org):
    org = answered_org
    second = gen_assessment(dbs, org.organisation, name="Pulse 2027")
    login(client, "f@example.com")
    dashboard = f"/dashboard/{org.assessment.id}/{org.teams['France'].id}"
    page = client.get(dashboard).get_data(as_text=True)
    assert 'href="/dashboard/">Dashboards</a>' in page  # from every dashboard page
    html = client.get("/dashboard/").get_data(as_text=True)
    links = _links(html)
    assert dashboard in links
    assert f"/dashboard/{second.id}/{org.teams['France'].id}" in links
    assert "/report" not in html  # reports are the consultant's
