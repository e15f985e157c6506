"""Under werkzeug's development server (``flask run``, ``make run``) the app's structured log is
the only request log: the server's own request lines, which name the client's address and the
whole survey token, are dropped; its startup banner is still written."""

from __future__ import annotations

import http.client
import logging
import threading

import pytest
from werkzeug.serving import make_server

from survey.request_log import LOGGER_NAME
from survey.tokens import new_token
from tests.factories import make_invitation, make_world


class Kept(logging.Handler):
    """Every line that gets through to a logger's handlers, formatted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logs():
    """The lines written by the ``werkzeug`` logger and by the app's request log."""
    werkzeug_logger = logging.getLogger("werkzeug")
    level = werkzeug_logger.level
    werkzeug_logger.setLevel(logging.INFO)  # as werkzeug sets it when it logs first
    kept = {"werkzeug": Kept(), "app": Kept()}
    werkzeug_logger.addHandler(kept["werkzeug"])
    logging.getLogger(LOGGER_NAME).addHandler(kept["app"])
    yield kept
    werkzeug_logger.removeHandler(kept["werkzeug"])
    logging.getLogger(LOGGER_NAME).removeHandler(kept["app"])
    werkzeug_logger.setLevel(level)


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    thread.join()


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    status = connection.getresponse().status
    connection.close()
    return status


def test_the_development_server_logs_no_token_and_no_address(app, dbs, server, logs):
    token = make_invitation(dbs, make_world(dbs))
    unknown = new_token()
    port = server.server_port
    assert get(port, f"/r/{token}") == 200
    assert get(port, f"/r/{token}/1?page=2") == 200
    assert get(port, f"/r/{unknown}") == 404
    assert get(port, "/login?next=/dashboard/") == 200
    server.shutdown()  # every request has been logged by now

    written = "\n".join(logs["werkzeug"].lines)
    for secret in (token, unknown, "127.0.0.1", "/r/", "GET ", "next="):
        assert secret not in written, secret
    app_log = "\n".join(logs["app"].lines)
    assert app_log.count('"path": "/r/<token>"') == 2  # the app's own lines, token masked
    assert '"path": "/r/<token>/1"' in app_log
    assert token not in app_log and unknown not in app_log and "127.0.0.1" not in app_log


def test_the_development_server_still_writes_its_startup_banner(app, server, logs):
    server.log_startup()
    banner = "\n".join(logs["werkzeug"].lines)
    assert f" * Running on http://127.0.0.1:{server.server_port}" in banner
