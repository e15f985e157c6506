"""Structured request logs: one JSON line per request on the logger ``survey.requests``.

Each line holds the method, the path (a survey link's or a share-back link's token replaced by
``<token>``, e-mail-like parts by ``<redacted>``, never the query string), the status, the
duration in milliseconds and the id of the logged-in user, if any. No IP address unless
``REQUEST_LOG_ADDRESSES`` is on, no headers, no form data. Settings, from the environment or
the app config:

- ``SURVEY_REQUEST_LOG_LEVEL`` / ``REQUEST_LOG_LEVEL``: ``INFO`` (default) logs every request,
  ``WARNING`` only 4xx and 5xx answers, ``ERROR`` only 5xx, ``OFF`` nothing;
- ``SURVEY_REQUEST_LOG_ADDRESSES`` / ``REQUEST_LOG_ADDRESSES``: ``1`` adds the client's address.

The lines go to the server's error stream (standard error under ``flask run``, gunicorn's error
log under gunicorn) and are not passed on to the app's own logger, so each line stays one
parseable JSON object.

They are the only request log: werkzeug's development server (``flask run``, ``make run``) would
also write ``127.0.0.1 - - [date] "GET /r/<the whole token> HTTP/1.1" 200 -`` for every request,
so its request lines are dropped (:class:`WerkzeugRequestLines`) and only its startup banner
(" * Running on ...") is written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from flask.logging import wsgi_errors_stream

LOGGER_NAME = "survey.requests"
LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "OFF": logging.CRITICAL + 1,
}
MAX_PATH = 300
SURVEY_LINK = re.compile(r"^/r/[^/]+")
SHARE_BACK_LINK = re.compile(r"^/results/[^/]+")
EMAIL_LIKE = re.compile(r"[^/]*@[^/]*")
# How werkzeug's request handler starts each of its lines: the client's address, then the date.
WERKZEUG_REQUEST_LINE = re.compile(r"^\S* - - \[")

logger = logging.getLogger(LOGGER_NAME)


class WerkzeugRequestLines(logging.Filter):
    """Drops the development server's lines about requests: each names the client's address and
    the whole path, a survey link's token included (and its errors about bad requests, which
    quote the request line). The server's other lines, such as its startup banner, pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and WERKZEUG_REQUEST_LINE.match(record.msg))


def quiet_werkzeug_requests() -> None:
    """Put :class:`WerkzeugRequestLines` on the ``werkzeug`` logger, once per process."""
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(each, WerkzeugRequestLines) for each in werkzeug_logger.filters):
        werkzeug_logger.addFilter(WerkzeugRequestLines())


def loggable_path(path: str) -> str:
    """``path`` without secrets or personal data: ``/r/<token>/...``, ``/results/<token>``,
    e-mails ``<redacted>``."""
    path = SURVEY_LINK.sub("/r/<token>", path)
    path = SHARE_BACK_LINK.sub("/results/<token>", path)
    path = EMAIL_LIKE.sub("<redacted>", path)
    return path if len(path) <= MAX_PATH else path[:MAX_PATH] + "..."


def status_level(status: int) -> int:
    """The level a request is logged at: ERROR for 5xx, WARNING for 4xx, else INFO."""
    if status >= 500:
        return logging.ERROR
    return logging.WARNING if status >= 400 else logging.INFO


def request_line(
    method: str,
    path: str,
    status: int,
    duration_ms: float,
    user_id: int | None,
    address: str | None = None,
) -> str:
    """One request as a JSON object on one line (``address`` only when given)."""
    record = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": "request",
        "method": method[:16],
        "path": loggable_path(path),
        "status": status,
        "duration_ms": round(duration_ms, 1),
        "user_id": user_id,
    }
    if address is not None:
        record["address"] = address
    return json.dumps(record, ensure_ascii=False)


def level_setting(value: str) -> int:
    """The logger level for a ``REQUEST_LOG_LEVEL`` name.

    Raises
    ------
    ValueError
        For a name other than DEBUG, INFO, WARNING, ERROR or OFF.
    """
    name = value.strip().upper()
    if name not in LEVELS:
        raise ValueError(
            f"SURVEY_REQUEST_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {value!r}."
        )
    return LEVELS[name]


def init_app(app: Flask) -> None:
    """Time every request and log it when its response is ready."""
    app.config.setdefault("REQUEST_LOG_LEVEL", os.environ.get("SURVEY_REQUEST_LOG_LEVEL", "INFO"))
    app.config.setdefault(
        "REQUEST_LOG_ADDRESSES", os.environ.get("SURVEY_REQUEST_LOG_ADDRESSES", "0") == "1"
    )
    threshold = level_setting(app.config["REQUEST_LOG_LEVEL"])
    quiet_werkzeug_requests()
    logger.propagate = False
    if not logger.handlers:
        handler = logging.StreamHandler(wsgi_errors_stream)  # the server's error stream
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)  # each app applies its own threshold

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        level = status_level(response.status_code)
        if level >= threshold and logger.isEnabledFor(level):
            started = g.get("request_started", time.perf_counter())
            address = request.remote_addr if app.config["REQUEST_LOG_ADDRESSES"] else None
            line = request_line(
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                _user_id(),
                address,
            )
            logger.log(level, line)
        return response


def _user_id() -> int | None:
    """The logged-in user's id, if this request loaded one (Flask-Login keeps it on ``g``).

    Reading it from ``g`` costs no query and leaves the session cookie untouched.
    """
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.id
