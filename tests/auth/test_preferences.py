"""A staff user's own language and time zone: chosen in the profile, used on every page."""

from __future__ import annotations

from datetime import datetime

from tests.auth.helpers import login
from tests.conftest import csrf_from


def save(client, data: dict):
    page = client.get("/account/preferences").get_data(as_text=True)
    return client.post("/account/preferences", data={"csrf_token": csrf_from(page), **data})


def test_a_manager_reads_pages_in_the_language_and_zone_of_their_profile(app, reference_org, dbs):
    manager = reference_org.users["paris manager"]
    manager.last_login_at = datetime(2026, 3, 10, 12, 0)
    dbs.commit()
    client = app.test_client()
    login(client, manager.email)
    assert save(client, {"language": "de", "time_zone": "Europe/Berlin"}).status_code == 302
    dbs.refresh(manager)
    assert (manager.language, manager.time_zone) == ("de", "Europe/Berlin")
    page = client.get("/account", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "(Europe/Berlin)" in page  # the last login, in the zone chosen, named


def test_the_browser_decides_until_the_profile_says_otherwise(app, reference_org, dbs):
    client = app.test_client()
    login(client, reference_org.users["consultant"].email)
    page = client.get("/account", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert '<html lang="es">' in page.get_data(as_text=True)
    assert save(client, {"language": "", "time_zone": ""}).status_code == 302
    assert reference_org.users["consultant"].language is None


def test_an_unknown_language_or_zone_is_refused_and_nothing_saved(app, reference_org, dbs):
    client = app.test_client()
    login(client, reference_org.users["paris manager"].email)
    for data in ({"language": "xx", "time_zone": ""}, {"language": "", "time_zone": "Mars/Base"}):
        response = save(client, data)
        assert response.status_code == 422
        assert "Not a valid choice" in response.get_data(as_text=True)
    dbs.refresh(reference_org.users["paris manager"])
    assert reference_org.users["paris manager"].time_zone is None


def test_the_language_switch_keeps_to_this_site(app):
    client = app.test_client()
    back = client.get("/language/fr", headers={"Referer": "http://localhost/account?x=1"})
    assert back.status_code == 302 and back.headers["Location"] == "/account?x=1"
    away = client.get("/language/de", headers={"Referer": "https://evil.example/phish"})
    assert away.headers["Location"] == "/"
    assert client.get("/language/xx").status_code == 404
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)
