"""The vega, vega-lite and vega-embed bundle that draws the charts in the browser.

``flask --app survey build-assets`` writes it from ``vl_convert`` into the app's static files,
where Flask serves it (``make run`` and ``make test`` do this first, and so do the browser
tests); the app only reads it. Without it the app still serves every page, logs an error at its
first request that says how to build it, and the pages show each chart's table with a note
instead of the chart.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Flask, current_app, request, url_for

VEGA_BUNDLE = "vendor/vega-bundle.js"
"""The bundle's path under the static folder, as the templates ask for it."""

BUILD_COMMAND = "flask --app survey build-assets"
PUBLIC_FILE_MODE = 0o644
"""A static file anyone may read, such as a web server running as another user."""


def vega_bundle_path(static_folder: str | os.PathLike[str]) -> Path:
    return Path(static_folder) / VEGA_BUNDLE


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, PUBLIC_FILE_MODE)  # mkstemp makes it 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_vega_bundle(static_folder: str | os.PathLike[str]) -> tuple[Path, bool]:
    """Write the bundle of the installed ``vl_convert`` under ``static_folder``.

    Returns the bundle's path and whether the file changed: a bundle that is already the same
    is left alone, one from another version of ``vl_convert`` is replaced. Takes about 2 s.
    """
    import vl_convert  # large, and needed only here

    path = vega_bundle_path(static_folder)
    text = vl_convert.javascript_bundle()
    if (
        path.is_file()
        and path.stat().st_mode & 0o777 == PUBLIC_FILE_MODE
        and path.read_text(encoding="utf-8") == text
    ):
        return path, False
    write_atomically(path, text)
    return path, True


def check_vega_bundle(app: Flask) -> bool:
    """Whether the bundle is in ``app``'s static folder; logs an error when it is not."""
    if app.static_folder is None:
        return False
    path = vega_bundle_path(app.static_folder)
    if path.is_file():
        return True
    app.logger.error(
        "The chart bundle %s is missing: run `%s` (make run does). Until then pages show "
        "their tables without charts.",
        path,
        BUILD_COMMAND,
    )
    return False


def static_url(filename: str) -> str:
    """``url_for("static", filename=filename)``, made once per app, mount point and file: every
    page asks for the same few files (templates call it as ``static_url``)."""
    urls = current_app.extensions.setdefault("static_urls", {})
    key = (request.script_root, filename)
    if key not in urls:
        urls[key] = url_for("static", filename=filename)
    return urls[key]


def init_app(app: Flask) -> None:
    """Give templates ``static_url``; check for the bundle at the first request, not in
    ``create_app``: the command that builds it loads the app too, and should not start with an
    error."""
    app.add_template_global(static_url)
    checked = False

    @app.before_request
    def check_once() -> None:
        nonlocal checked
        if not checked:
            checked = True
            check_vega_bundle(app)
