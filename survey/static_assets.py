"""The vega, vega-lite and vega-embed bundle, written once into the app's static files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Flask

VEGA_BUNDLE = "vendor/vega-bundle.js"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def ensure_vega_bundle(static_folder: Path) -> Path:
    """Create the bundle from ``vl_convert`` unless it is there already."""
    path = static_folder / VEGA_BUNDLE
    if not path.exists():
        import vl_convert

        write_atomically(path, vl_convert.javascript_bundle())
    return path


def init_app(app: Flask) -> None:
    ensure_vega_bundle(Path(app.static_folder))
