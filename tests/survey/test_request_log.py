"""One JSON line per request on ``survey.requests``, without tokens, e-mails or addresses."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from survey import create_app
from survey.db import db
from survey.request_log import LOGGER_NAME, loggable_path
from tests.auth.helpers import PASSWORD, login
from tests.factories import gen_user, make_person_invitation, make_team_link, make_world
from tests.survey.journey import answer_all

FIELDS = {"time", "event", "method", "path", "status", "duration_ms", "user_id"}
EMAIL = "ada@acme.example"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged() -> Iterator[Collect]:
    """The records of ``survey.requests``, as its own handler receives them."""
    handler = Collect()
    logging.getLogger(LOGGER_NAME).addHandler(handler)
    yield handler
    logging.getLogger(LOGGER_NAME).removeHandler(handler)


def lines(handler: Collect) -> list[dict]:
    return [json.loads(record.getMessage()) for record in handler.records]


@pytest.fixture
def app_with(database_url) -> Iterator:
    """Makes apps with some settings of the test's own; their connections close at the end."""
    made = []

    def make(**settings):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret-key-not-for-production",
                "DATABASE_URL": database_url,
                **settings,
            }
        )
        made.append(app)
        with app.app_context():
            db.create_all()
        return app

    yield make
    for app in made:
        app.extensions["database"].engine.dispose()


def test_a_rep_journey_and_a_login_log_no_token_and_no_email(app, client, dbs, logged):
    world = make_world(dbs)
    token = make_person_invitation(dbs, world, EMAIL)
    team_token = make_team_link(dbs, world)
    user = gen_user(
        dbs, "consultant@acme.example", "consultant", organisations=[world.organisation]
    )
    answer_all(client, token, world.questionnaire)
    client.get("/thanks")
    client.get(f"/r/{team_token}?again={token}&email={EMAIL}")
    client.get(f"/r/{token}")  # used now: the same 404 as an unknown link
    client.get(f"/people/{EMAIL}/x")
    consultant = app.test_client()
    login(consultant, user.email, next_path=f"/clients/?q={EMAIL}")
    consultant.get(f"/clients/{world.organisation.id}")

    found = lines(logged)
    assert all(set(line) == FIELDS for line in found)
    text = "\n".join(record.getMessage() for record in logged.records)
    for secret in (token, team_token, EMAIL, user.email, PASSWORD, "127.0.0.1", "?"):
        assert secret not in text
    paths = [line["path"] for line in found]
    assert "/r/<token>" in paths and "/r/<token>/1" in paths
    assert "/people/<redacted>/x" in paths
    assert [line["status"] for line in found if line["path"] == "/thanks"] == [200]
    assert {line["user_id"] for line in found if line["path"].startswith("/r/")} == {None}
    logged_in = [line for line in found if line["path"] == "/login" and line["method"] == "POST"]
    assert [(line["status"], line["user_id"]) for line in logged_in] == [(302, user.id)]
    after = [line for line in found if line["path"] == f"/clients/{world.organisation.id}"]
    assert [(line["status"], line["user_id"]) for line in after] == [(200, user.id)]
    assert all(line["duration_ms"] >= 0 and line["event"] == "request" for line in found)


def test_each_line_is_one_json_object_at_a_level_by_status(client, logged):
    client.get("/")
    client.get("/no-such-page")
    assert [(line["path"], line["status"]) for line in lines(logged)] == [
        ("/", 200),
        ("/no-such-page", 404),
    ]
    assert [record.levelname for record in logged.records] == ["INFO", "WARNING"]
    assert all("\n" not in record.getMessage() for record in logged.records)


@pytest.mark.parametrize(
    ("level", "logged_statuses"),
    [("INFO", [200, 404]), ("warning", [404]), ("ERROR", []), ("OFF", [])],
)
def test_the_level_setting_chooses_what_is_logged(app_with, logged, level, logged_statuses):
    client = app_with(REQUEST_LOG_LEVEL=level).test_client()
    client.get("/")
    client.get("/no-such-page")
    assert [line["status"] for line in lines(logged)] == logged_statuses


def test_the_level_setting_comes_from_the_environment(app_with, logged, monkeypatch):
    monkeypatch.setenv("SURVEY_REQUEST_LOG_LEVEL", "WARNING")
    client = app_with().test_client()
    client.get("/")
    client.get("/no-such-page")
    assert [line["status"] for line in lines(logged)] == [404]


def test_an_unknown_level_is_refused_with_the_choices(app_with):
    with pytest.raises(ValueError) as error:
        app_with(REQUEST_LOG_LEVEL="loud")
    assert str(error.value) == (
        "SURVEY_REQUEST_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, OFF, not 'loud'."
    )


def test_addresses_are_logged_only_when_configured(app_with, logged):
    for setting in (False, True):
        app_with(REQUEST_LOG_ADDRESSES=setting).test_client().get("/")
    without, with_address = lines(logged)
    assert "address" not in without
    assert with_address["address"] == "127.0.0.1"


def test_a_server_error_is_logged_with_its_status(app_with, logged):
    app = app_with(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-only/fail")
    def fail():
        raise RuntimeError("boom")

    assert app.test_client().get("/test-only/fail").status_code == 500
    (line,) = lines(logged)
    assert (line["path"], line["status"]) == ("/test-only/fail", 500)
    assert logged.records[0].levelname == "ERROR"


@pytest.mark.parametrize(
    ("path", "logged_as"),
    [
        ("/r/Qx3-_abcDEF", "/r/<token>"),
        ("/r/Qx3-_abcDEF/4", "/r/<token>/4"),
        ("/r/", "/r/"),
        ("/results/eyJhIjoxfQ.sig-_x", "/results/<token>"),
        ("/results/", "/results/"),
        ("/thanks", "/thanks"),
        ("/clients/12/people/", "/clients/12/people/"),
        ("/a/ada@acme.example/b", "/a/<redacted>/b"),
        ("/x" * 200, "/x" * 150 + "..."),
    ],
)
def test_paths_lose_tokens_and_email_addresses(path, logged_as):
    assert loggable_path(path) == logged_as
