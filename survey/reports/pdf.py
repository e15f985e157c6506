"""The printable report as PDF: WeasyPrint lays out the report's HTML with the print styles."""

from __future__ import annotations

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher


def html_to_pdf(html: str, stylesheet: str) -> bytes:
    """A PDF of ``html`` styled by ``stylesheet`` (``@media print`` rules apply).

    The document must be self-contained (styles passed here, charts as inline SVG): the fetcher
    allows no protocol at all, so nothing is read from the network or the file system.
    """
    closed = URLFetcher(allowed_protocols=())
    document = HTML(string=html, url_fetcher=closed, media_type="print")
    return document.write_pdf(stylesheets=[CSS(string=stylesheet, url_fetcher=closed)])
