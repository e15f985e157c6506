"""Staff accounts in the browser, on the demo organisation: a consultant invites the Paris
manager from the roster; the manager sets a password through the mailed link, turns on
two-factor, logs out and back in with a code, and sees the Paris dashboard. A second manager
signs in through a local OpenID Connect provider."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from survey.accounts.sealed import seal
from survey.demo import DEMO_DOMAIN, DEMO_PASSWORD
from survey.models import SingleSignOn, Team, User
from tests.browser.accessibility import assert_accessible
from tests.sso.provider import LocalProvider

pytestmark = pytest.mark.browser
PARIS_MANAGER = f"manager.paris@{DEMO_DOMAIN}"  # on the demo's roster, without a login
NORTH_MANAGER = f"manager.north@{DEMO_DOMAIN}"
NEW_PASSWORD = "violet-anchor-drizzle-42"
LINK = re.compile(r"https?://\S+/welcome/\S+")


def _log_in(page, live_server: str, email: str, password: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_an_invited_manager_sets_a_password_turns_on_two_factor_and_sees_paris(
    browser, live_server, demo, smtp_server
):
    consultant = browser.new_context()
    page = consultant.new_page()
    _log_in(page, live_server, f"consultant@{DEMO_DOMAIN}", DEMO_PASSWORD)
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name=re.compile("managers from its roster")).first.click()
    page.get_by_role("button", name=f"Invite {PARIS_MANAGER}").click()
    assert "sent" in page.get_by_role("status").first.inner_text().lower()
    assert_accessible(page)
    consultant.close()

    (mail,) = [m for m in smtp_server.messages if m["To"] == PARIS_MANAGER]
    link = LINK.search(mail.get_content()).group(0)
    manager = browser.new_context()
    page = manager.new_page()
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    page.wait_for_url("**/dashboard/**")

    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name=re.compile("two-factor", re.I)).first.click()
    page.get_by_label("Current password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Turn on").click()
    assert_accessible(page)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    assert "recovery" in page.locator("main").inner_text().lower()

    page.get_by_role("button", name="Log out").click()
    _log_in(page, live_server, PARIS_MANAGER, NEW_PASSWORD)
    page.wait_for_url("**/login/code**")
    # The next 30-second step's code, as the phone shows it soon: the one used to turn
    # two-factor on is spent (a replay is refused).
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/**")
    assert "Paris" in page.locator("h1").inner_text()
    manager.close()


def test_a_manager_signs_in_through_the_organisations_identity_provider(
    app, browser, live_server, demo, dbs
):
    north = dbs.scalar(select(Team).where(Team.organisation_id == demo.id, Team.name == "North"))
    dbs.add(User(email=NORTH_MANAGER, role="manager", team=north))
    callback = f"{live_server}/sso/solarbright/callback"
    with LocalProvider(NORTH_MANAGER, redirect_uris=[callback]) as provider:
        dbs.add(
            SingleSignOn(
                organisation_id=demo.id,
                slug="solarbright",
                issuer=provider.issuer,
                client_id=provider.client_id,
                client_secret=seal(app.config["SECRET_KEY"], provider.client_secret),
                email_domains="solarbright.example",
            )
        )
        dbs.commit()
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.get_by_role("link", name=re.compile("single sign-on")).click()
        page.get_by_label(re.compile("sign-in name", re.I)).fill("solarbright")
        page.get_by_role("button", name="Continue to your company's sign-in").click()
        assert_accessible(page)
        page.get_by_role("link", name="Continue to SolarBright Energy's sign-in").click()
        page.wait_for_url("**/dashboard/**")
        assert "North" in page.locator("h1").inner_text()
        context.close()
