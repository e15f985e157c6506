"""The language switch at the top of every page, and the choice of CSV separator."""

from urllib.parse import urlsplit

from flask import abort, redirect, request
from flask_babel import gettext as _

from survey.i18n import choose_language
from survey.main import bp
from survey.spreadsheet import choose_style


@bp.get("/language/<code>")
def language(code: str):
    """Read the app in language ``code`` from now on, in this browser, and go back to the page
    the switch was used on. A link, not a form: the choice changes nothing but how pages read
    here, and a page carrying it stays the same for everyone (no token in it)."""
    if not choose_language(code):
        abort(404, _("This language is not available."))
    return redirect(_back())


@bp.get("/csv-style/<key>")
def csv_style(key: str):
    """Download CSV files with this separator and decimal mark from now on, in this browser."""
    if not choose_style(key):
        abort(404, _("There is no such CSV style."))
    return redirect(_back())


def _back() -> str:
    """The page the switch was used on (the browser's Referer, sent for this site's own pages
    under the Referrer-Policy ``same-origin``), else the home page; never another site."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc != request.host or not came_from.path.startswith("/"):
        return "/"
    path = came_from.path.replace("\\", "/")
    if path.startswith("//"):
        return "/"
    return path + (f"?{came_from.query}" if came_from.query else "")
