"""Security headers on every response, and a Content-Security-Policy without inline script.

Chart specs travel in ``<script type="application/json">`` blocks, read by the static
``charts.js``. Vega compiles its expressions with ``Function``, so pages that draw charts in the
browser also allow ``'unsafe-eval'`` (and inline styles, which vega-embed adds for tooltips);
a view opts in with ``allow_charts()``. Every other page forbids both.

Every answer but the static files is sent with ``Cache-Control: no-store``: survey pages,
dashboards, the API, exports and reports hold answers, links or results that must not stay in a
browser's or a proxy's cache (a shared computer's back button, a corporate proxy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, abort, after_this_request, request
from flask_babel import gettext as _

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
FORM_TYPES = {
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/x-url-encoded",
}
"""The bodies that Werkzeug reads into ``request.form`` and ``request.files``."""
CHART_ADDITIONS = {"script-src": "'unsafe-eval'", "style-src": "'unsafe-inline'"}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def allow_charts() -> None:
    """Let this response's page run Vega (see the module docstring for why)."""

    @after_this_request
    def chart_policy(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = POLICIES[True]
        return response


def content_security_policy(charts: bool) -> str:
    policy = dict(BASE_POLICY)
    if charts:
        for directive, source in CHART_ADDITIONS.items():
            policy[directive] = f"{policy[directive]} {source}"
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


POLICIES = {charts: content_security_policy(charts) for charts in (False, True)}
"""Both policies, written once."""


class SecurityHeaders:
    """WSGI middleware that gives every response of ``app`` its security headers.

    The policy without charts unless the page set one (``allow_charts``), each of ``HEADERS``
    unless the response has its own, ``Cache-Control: no-store`` on everything but the files
    under ``static_path``, and no ``Server`` header. Added to the header list as the response
    starts: the values are known to be valid, so Werkzeug's checks of each header are not needed
    on every response.
    """

    def __init__(self, app: WSGIApplication, static_path: str | None) -> None:
        self.app = app
        self.static_prefix = static_path.rstrip("/") + "/" if static_path else None
        self.defaults = [("Content-Security-Policy", POLICIES[False]), *HEADERS.items()]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse):
        prefix = self.static_prefix
        no_store = not (prefix and environ.get("PATH_INFO", "").startswith(prefix))

        def start_with_headers(status: str, headers: list[tuple[str, str]], exc_info=None):
            names = {name.lower() for name, _value in headers}
            if no_store or "server" in names:
                headers[:] = [
                    (name, value)
                    for name, value in headers
                    if name.lower() != "server"
                    and not (no_store and name.lower() == "cache-control")
                ]
            headers.extend(
                (name, value) for name, value in self.defaults if name.lower() not in names
            )
            if no_store:
                headers.append(("Cache-Control", "no-store"))
            return start_response(status, headers, exc_info)

        return self.app(environ, start_with_headers)


def has_nul(fields) -> bool:
    """Whether any key or any value of a MultiDict holds NUL: every value of a repeated key
    (``?a=ok&a=%00``), not only the first that ``.values()`` gives; uploads by field name and
    file name."""
    for key, values in fields.lists():
        texts = (value if isinstance(value, str) else value.filename or "" for value in values)
        if "\x00" in key or any("\x00" in text for text in texts):
            return True
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters() -> None:
        """No text field holds NUL: PostgreSQL cannot store or compare it, so refuse it at once.

        The form is read only when the body is one (Werkzeug parses no other body into it)."""
        if (
            "\x00" in request.path
            or has_nul(request.args)
            or (
                request.mimetype in FORM_TYPES and (has_nul(request.form) or has_nul(request.files))
            )
        ):
            abort(400, _("Text with a NUL character cannot be stored or searched."))

    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.static_url_path)  # type: ignore[method-assign]
