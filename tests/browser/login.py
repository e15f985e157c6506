"""Logging in through the login page, as a person would, in a browser test."""

from __future__ import annotations

from tests.auth.helpers import PASSWORD


def log_in(page, live_server: str, email: str) -> None:
    """Fill the login page with ``email`` and the tests' password; wait for the dashboards."""
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/**")
