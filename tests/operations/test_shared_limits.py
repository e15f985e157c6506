"""Failed logins counted in Redis are counted by every app server; without Redis, or while it
does not answer, each process counts alone."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import redis
from limits import parse

from survey import config, create_app
from survey.limiter import hit, limiter
from tests.auth.helpers import login
from tests.operations.helpers import another_server

REDIS_URL = "redis://127.0.0.1:6379/9"  # database 9 of the local Redis (.ci/run starts it)
NOBODY_LISTENS = "redis://127.0.0.1:1/0"
LIMIT = "3 per hour"


@pytest.fixture
def address() -> str:
    """A client address of this test alone, so that its counts in Redis are its own."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@pytest.fixture
def redis_url(address: str) -> Iterator[str]:
    """The test Redis; the test is skipped when it does not answer. The keys counting
    ``address`` are deleted after."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        pytest.skip(f"no Redis answers at {REDIS_URL} ({error}); start one to run this test")
    yield REDIS_URL
    for key in client.scan_iter(match=f"*{address}*"):
        client.delete(key)
    client.close()


@pytest.fixture(autouse=True)
def store_alive_again() -> Iterator[None]:
    """The one limiter outlives each app: a store it marked dead in one test is not in the next."""
    yield
    limiter._storage_dead = False


def failed_logins(server, address: str, email: str, times: int) -> list[int]:
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return [login(client, email, "wrong-password-123").status_code for _ in range(times)]


def right_login(server, address: str, email: str) -> int:
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return login(client, email).status_code


def test_failed_logins_on_one_app_server_are_refused_on_another(
    database_url, redis_url, reference_org, address
):
    email = reference_org.users["admin"].email
    first = another_server(database_url, REDIS_URL=redis_url, LOGIN_FAILURES_PER_ACCOUNT=LIMIT)
    assert failed_logins(first, address, email, 3) == [401, 401, 401]
    keys = redis.Redis.from_url(redis_url).keys(f"*{address}*")
    assert keys, "the failed logins are not counted in Redis"

    # A second server builds its own connection to the store: it sees the first one's counts.
    second = another_server(database_url, REDIS_URL=redis_url, LOGIN_FAILURES_PER_ACCOUNT=LIMIT)
    assert second.config["RATELIMIT_STORAGE_URI"] == redis_url
    assert right_login(second, address, email) == 429
    assert right_login(second, "10.255.255.254", email) == 302  # another address is not held
    for server in (first, second):
        server.extensions["database"].engine.dispose()


def test_without_a_shared_store_each_app_server_counts_alone(database_url, reference_org, address):
    email = reference_org.users["admin"].email
    first = another_server(database_url, LOGIN_FAILURES_PER_ACCOUNT=LIMIT)
    assert first.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert failed_logins(first, address, email, 3) == [401, 401, 401]
    assert right_login(first, address, email) == 429
    second = another_server(database_url, LOGIN_FAILURES_PER_ACCOUNT=LIMIT)
    assert right_login(second, address, email) == 302
    for server in (first, second):
        server.extensions["database"].engine.dispose()


def test_a_redis_that_does_not_answer_leaves_each_process_counting_alone(
    database_url, reference_org, address, caplog
):
    email = reference_org.users["admin"].email
    server = another_server(
        database_url, REDIS_URL=NOBODY_LISTENS, LOGIN_FAILURES_PER_ACCOUNT=LIMIT
    )
    assert failed_logins(server, address, email, 3) == [401, 401, 401]
    assert right_login(server, address, email) == 429  # still limited, in this process
    assert right_login(server, "10.255.255.253", email) == 302  # and nobody else is refused
    assert "falling back to in-memory storage" in caplog.text
    server.extensions["database"].engine.dispose()


def test_a_count_taken_in_a_view_falls_back_to_memory_too(database_url, address, caplog):
    server = another_server(database_url, REDIS_URL=NOBODY_LISTENS)
    limit = parse("2 per hour")
    with server.test_request_context():
        assert [hit(limit, "test-hits", address) for _ in range(3)] == [True, True, False]
    assert "Rate limit storage unreachable" in caplog.text
    server.extensions["database"].engine.dispose()


@pytest.mark.parametrize(
    ("given", "chosen"),
    [
        ({}, "memory://"),
        ({"REDIS_URL": "redis://cache:6379/0"}, "redis://cache:6379/0"),
        (
            {"REDIS_URL": "redis://cache:6379/0", "RATELIMIT_STORAGE_URI": "memcached://m:11211"},
            "memcached://m:11211",
        ),
        ({"RATELIMIT_STORAGE_URI": "redis://other:6379/2"}, "redis://other:6379/2"),
    ],
)
def test_the_rate_limits_count_where_said_else_in_redis_else_in_memory(given, chosen):
    settings = {"REDIS_URL": None, "RATELIMIT_STORAGE_URI": None, **given}
    config.choose_rate_limit_storage(settings)
    assert settings["RATELIMIT_STORAGE_URI"] == chosen
    timeouts = settings.get("RATELIMIT_STORAGE_OPTIONS")
    assert timeouts == (config.REDIS_TIMEOUTS if chosen.startswith("redis") else None)


def test_the_environment_chooses_the_store(monkeypatch, tmp_path):
    monkeypatch.delenv("SURVEY_RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("SURVEY_REDIS_URL", "redis://127.0.0.1:6379/9")
    database = f"sqlite:///{tmp_path / 'survey.db'}"
    app = create_app({"TESTING": True, "DATABASE_URL": database, "JOBS_IN_BACKGROUND": False})
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/9"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/9"
    monkeypatch.setenv("SURVEY_RATELIMIT_STORAGE_URI", "memory://")
    app = create_app({"TESTING": True, "DATABASE_URL": database, "JOBS_IN_BACKGROUND": False})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
