"""Production settings and the health check."""

from __future__ import annotations

import pytest

from survey import create_app


def test_health_reports_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_says_503_when_the_database_is_gone(tmp_path):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/missing-dir/none/x.db"}
    )
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_health_reports_redis_and_stays_up_without_it(app, socket_free_port):
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/9"
    try:
        import redis

        redis.Redis(db=9, socket_timeout=1).ping()
    except Exception:
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (.ci/run starts it)")
    assert app.test_client().get("/health").get_json() == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
    }
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{socket_free_port}/0"  # nobody listens
    response = app.test_client().get("/health")
    assert response.status_code == 200  # every server shares Redis: none leaves the pool
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unreachable"}


@pytest.fixture
def socket_free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("key", [None, "", "dev", "short-key", "x" * 31])
def test_production_refuses_a_missing_or_weak_secret_key(monkeypatch, key):
    monkeypatch.setenv("SURVEY_ENV", "production")
    if key is None:
        monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SURVEY_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="needs SURVEY_SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_starts_with_a_strong_key(monkeypatch):
    monkeypatch.setenv("SURVEY_ENV", "production")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "k" * 64)
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["PRODUCTION"] is True
    assert not app.debug
