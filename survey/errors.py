"""Plain error pages: a clear message and the right status, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey.instruments import InstrumentChanged, InstrumentMissing

TITLES = {
    400: _l("This request could not be understood"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too much data"),
    422: _l("Please check your answers"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}
MESSAGES = {
    404: _l("There is nothing at this address."),
    413: _l("The form sent more data than any survey page needs, so nothing was saved."),
    500: _l("Nothing you entered was lost. Please try again in a moment."),
}


API_PREFIX = "/api/v1"


def error_page(status: int, message: str | None = None):
    title = TITLES.get(status) or _("Error")
    text = message or MESSAGES.get(status, title)
    return render_template("error.html", status=status, title=title, message=text), status


def is_api_request() -> bool:
    """Whether the request is for the JSON API, matched or not (a blueprint's error handlers
    never see a URL that no route matched, so the app's handlers ask this)."""
    path = request.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def json_error(error: HTTPException):
    """The API's error answer, ``{"error": {"status": 404, "message": "Not Found"}}``, with the
    error's own headers (such as ``Allow`` for a 405)."""
    status = error.code or 500
    response = jsonify(error={"status": status, "message": error.name})
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if is_api_request():
            return json_error(error)
        return error_page(
            400,
            _(
                "This form has expired or was not sent from this site, so nothing was saved. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return json_error(error)
        status = error.code or 500
        described = error.description if error.description != type(error).description else None
        return error_page(status, described)

    @app.errorhandler(InstrumentChanged)
    @app.errorhandler(InstrumentMissing)
    def instrument_problem(error: Exception):
        app.logger.error("Questionnaire refused: %s", error)
        return error_page(
            409,
            _(
                "This survey is paused while its questionnaire is checked. %(reason)s",
                reason=error,
            ),
        )
