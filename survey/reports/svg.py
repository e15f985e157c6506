"""Vega-Lite chart specs drawn as static SVG by vl-convert, for the printable report."""

from __future__ import annotations

import hashlib
import json

import vl_convert

from survey.aggregates.cache import score_cache

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
"""Text is laid out in Arial's metrics (Liberation Sans shares them), so that labels fit where
the SVG is drawn again, by WeasyPrint or a browser; the default "sans-serif" is DejaVu Sans
under fontconfig, which is wider than vl-convert measures and gets clipped."""


def chart_svg(spec: dict) -> str:
    """The SVG of one chart spec; specs carry their data inline, so nothing is fetched.

    Drawn once per distinct spec and kept in the app's score cache.
    """
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    key = ("report-svg", digest)
    cache = score_cache()
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(spec, config={"font": FONT}, allowed_base_urls=[])
        cache.put(key, svg)
    return svg
