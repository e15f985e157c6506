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

from flask import Flask, Response, abort, g, request
from flask_babel import gettext as _

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
    g.allow_charts = True


def content_security_policy(charts: bool) -> str:
    policy = dict(BASE_POLICY)
    if charts:
        for directive, source in CHART_ADDITIONS.items():
            policy[directive] = f"{policy[directive]} {source}"
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


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
        """No text field holds NUL: PostgreSQL cannot store or compare it, so refuse it at once."""
        if (
            "\x00" in request.path
            or has_nul(request.args)
            or has_nul(request.form)
            or has_nul(request.files)
        ):
            abort(400, _("Text with a NUL character cannot be stored or searched."))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = content_security_policy(
            g.get("allow_charts", False)
        )
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Server", None)
        return response
