"""Links in mails, downloads, pages and the command line come from ``PUBLIC_URL``, never from
the request's Host (or X-Forwarded-Host) header, which a client can forge.

The app mails survey invitations and reminders, staff invitations, and password resets
(tests/auth/test_password_links.py checks those against a forged host too).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.models import MailDelivery
from tests.auth.helpers import login
from tests.campaigns.helpers import links_in, mail_links, path_of
from tests.factories import HOSTILE_EMAILS, gen_assessment, gen_person, gen_wave
from tests.security.checks import SCRIPT
from tests.security.pages import crawl, form_on, submit

PUBLIC_URL = "https://survey.consultancy.example"  # as the security conftest configures it
FORGED = "evil.example"
FORGED_HEADERS = {
    "X-Forwarded-Host": FORGED,
    "X-Forwarded-Proto": "https",
    "Forwarded": f"host={FORGED}",
}


class ForgedHost:
    """A test client whose every request names another host, as an attacker's would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, base_url=f"http://{FORGED}", headers=FORGED_HEADERS, **kwargs)

    def post(self, url: str, **kwargs):
        return self.client.post(url, base_url=f"http://{FORGED}", headers=FORGED_HEADERS, **kwargs)


@pytest.fixture
def wave_url(dbs, reference_org, reference_roster) -> str:
    """An open wave of a new assessment of Acme Solar, with ROSTER on its roster."""
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    return f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}/waves/{wave.id}"


@pytest.fixture
def forged(mailing_app, reference_org) -> ForgedHost:
    consultant = ForgedHost(mailing_app.test_client())
    assert login(consultant, reference_org.users["consultant"].email).status_code == 302
    return consultant


def test_mailed_invitations_and_reminders_link_to_the_public_url(forged, wave_url, smtp_server):
    invite = form_on(forged, f"{wave_url}/invitations", "/invitations")
    sent = submit(forged, invite, **{"invite-team": "0", "invite-delivery": "email"})
    assert sent.status_code == 303
    remind = form_on(forged, f"{wave_url}/invitations", "/reminders")
    reminded = submit(forged, remind, **{"remind-team": "0", "remind-delivery": "email"})
    assert reminded.status_code == 303
    assert len(smtp_server.messages) == 12  # six people, invited and reminded
    for message in smtp_server.messages:
        (link,) = mail_links(message)
        assert link.startswith(f"{PUBLIC_URL}/r/")
        assert FORGED not in message.as_string()
    for location in (sent.headers["Location"], reminded.headers["Location"]):
        assert location.startswith("/") and FORGED not in location


def test_a_staff_invitation_links_to_the_public_url(forged, reference_org, smtp_server):
    team = reference_org.teams["France"].id
    invite = form_on(forged, "/users/invite", "/users/invite")
    sent = submit(forged, invite, email="new.manager@acme.example", role="manager", team=team)
    assert sent.status_code == 302 and FORGED not in sent.headers["Location"]
    (message,) = smtp_server.messages
    assert f"{PUBLIC_URL}/welcome/" in message.get_content()
    assert FORGED not in message.as_string()


def test_downloaded_links_and_the_team_link_page_use_the_public_url(
    forged, reference_org, wave_url
):
    invite = form_on(forged, f"{wave_url}/invitations", "/invitations")
    download = submit(forged, invite, **{"invite-team": "0", "invite-delivery": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 6
    assert all(row["link"].startswith(f"{PUBLIC_URL}/r/") for row in rows)
    team = reference_org.teams["Paris"].id
    link_form = form_on(forged, f"{wave_url}/invitations", "/team-links")
    page = submit(forged, link_form, **{"link-team": str(team)}).get_data(as_text=True)
    (link,) = links_in(page)
    assert link.startswith(f"{PUBLIC_URL}/r/") and FORGED not in page


def test_no_page_or_redirect_shows_the_forged_host(forged, reference_org, wave_url, mailing_app):
    pages, _forms = crawl(forged, ["/clients/", "/dashboard/", "/audit/", wave_url + "/rates"])
    link_form = form_on(forged, f"{wave_url}/invitations", "/team-links")
    made = submit(forged, link_form, **{"link-team": str(reference_org.teams["Paris"].id)})
    (link,) = links_in(made.get_data(as_text=True))
    rep = ForgedHost(mailing_app.test_client())
    rep_pages, _forms = crawl(rep, [path_of(link)])
    assert len(pages) > 20 and len(rep_pages) >= 2
    for page in [*pages, *rep_pages]:
        assert FORGED not in page.body, page.url
        assert FORGED not in page.headers.get("Location", ""), page.url
    redirect = rep.get("/login?next=/dashboard/")
    assert FORGED not in redirect.get_data(as_text=True)


def test_the_command_line_prints_links_to_the_public_url(mailing_app, dbs, reference_org, wave_url):
    mailing_app.config["SERVER_NAME"] = FORGED  # not what links are built from either
    wave_id = wave_url.rsplit("/", 1)[1]
    runner = mailing_app.test_cli_runner()
    result = runner.invoke(args=["invite", "--wave", wave_id, "--count", "2", "--team", "Global"])
    assert result.exit_code == 0, result.output
    links = result.output.split()
    assert len(links) == 2 and all(link.startswith(f"{PUBLIC_URL}/r/") for link in links)


def test_a_mail_goes_to_the_address_on_the_roster_or_fails(
    forged, dbs, reference_org, wave_url, smtp_server
):
    for email in (f"{SCRIPT}@evil.example", HOSTILE_EMAILS[1]):
        gen_person(dbs, reference_org.teams["Spain"], email)
    invite = form_on(forged, f"{wave_url}/invitations", "/invitations")
    team = {"invite-team": str(reference_org.teams["Spain"].id), "invite-delivery": "email"}
    assert submit(forged, invite, **team).status_code == 303
    mailed = sorted(message["To"] for message in smtp_server.messages)
    assert mailed == ["eva@acme.example", "fer@acme.example"]  # the other two fail, alone
    statuses = dbs.execute(select(MailDelivery.status, func.count()).group_by(MailDelivery.status))
    assert dict(statuses.all()) == {"sent": 2, "failed": 2}
