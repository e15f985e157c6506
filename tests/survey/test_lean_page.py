"""What a rep's page is spared, and what it keeps: the limiter's check before every request (unless
a whole-app limit is set), the staff account, Flask-Babel's look-ups for each text; translations
that still follow ``force_locale`` and ``refresh``, templates' texts escaped as Jinja's own."""

from __future__ import annotations

from flask import g, render_template_string, url_for
from flask_babel import force_locale, refresh

from survey import create_app
from survey.limiter import limiter
from tests.auth.helpers import login
from tests.factories import gen_user, make_invitation, make_world


def test_without_whole_app_limits_the_limiter_checks_nothing_before_each_request(app):
    assert limiter._check_request_limit not in app.before_request_funcs[None]


def test_a_whole_app_limit_keeps_the_check_and_applies(database_url):
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret-key-not-for-production",
                "DATABASE_URL": database_url,
                "RATELIMIT_STORAGE_URI": "memory://",
                "RATELIMIT_DEFAULT": "2/minute",
            }
        )
        assert limiter._check_request_limit in app.before_request_funcs[None]
        client = app.test_client()
        statuses = [client.get("/login").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
    finally:  # the limiter is the process's one: the next apps get no default limit
        limiter.limit_manager.set_default_limits([])


def test_a_survey_page_loads_no_account_and_shows_no_staff_links(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    gen_user(dbs, "c@example.com", "consultant", organisations=[world.organisation])
    login(client, "c@example.com")
    with client:
        html = client.get(f"/r/{token}/1").get_data(as_text=True)
        assert "_login_user" not in g  # the account was never read
    assert "Log out" not in html and "/dashboard" not in html
    assert "Log out" in client.get("/account").get_data(as_text=True)  # a staff page: it is


def test_translations_follow_force_locale_and_refresh_within_a_request(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        page = "{{ _('Next') }}|{{ ngettext('%(num)d item', '%(num)d items', 2) }}"
        french = render_template_string(page)
        with force_locale("de"):
            german = render_template_string(page)
        assert render_template_string(page) == french
        g.roster_language = "es"
        refresh()
        spanish = render_template_string(page)
    assert french.startswith("Suivant|") and german.startswith("Weiter|")
    assert spanish.startswith("Siguiente|")


def test_template_texts_are_escaped_and_formatted_as_jinja_does(app):
    with app.test_request_context():
        named = render_template_string(
            "{% trans text='A<b>', num=4 %}{{ text }} and {{ num }}{% endtrans %}|"
            "{{ ngettext('%(num)d item', '%(num)d items', 3, num=4) }}"
        )
        html = render_template_string("{{ _('%(who)s: 100%%', who='<b>') }}")
        text = render_template_string(
            "{% autoescape false %}{{ _('%(who)s: 100%%', who='<b>') }}{% endautoescape %}"
        )
    assert named == "A&lt;b&gt; and 4|4 items"  # variables named as the functions' arguments
    assert html == "&lt;b&gt;: 100%"
    assert text == "<b>: 100%"  # where a template does not escape


def test_static_url_is_url_for_static(app):
    with app.test_request_context():
        assert render_template_string("{{ static_url('css/app.css') }}") == url_for(
            "static", filename="css/app.css"
        )
    with app.test_request_context(base_url="http://localhost/survey"):
        assert render_template_string("{{ static_url('css/app.css') }}") == (
            "/survey/static/css/app.css"
        )
