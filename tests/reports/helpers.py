"""Making exports and reports through their jobs, and reading them, in tests."""

from __future__ import annotations

import csv
import io
import re
import zlib

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_from
from tests.factories import ReferenceOrg

BOM = "\ufeff"
EXPORTS = ("responses-long", "responses-wide", "scores", "aggregates")


def base(org: ReferenceOrg) -> str:
    return f"/clients/{org.organisation.id}/assessments/{org.assessment.id}"


def rows_of(text: str) -> list[dict[str, str]]:
    """The CSV's rows as dicts; the file must start with the byte order mark."""
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


FILE_LINK = re.compile(r'href="(/clients/\d+/jobs/\d+/file)"')


def ask(client: FlaskClient, url: str, page: str = "/") -> TestResponse:
    """Press a button that makes a file: POST ``url`` with the session's CSRF token, read from
    ``page`` (the home page has the logout form). Not followed."""
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


def made(client: FlaskClient, url: str) -> tuple[str, TestResponse]:
    """Ask for a file at ``url``; the job's page (the job ran in the request, so it is done and
    links to the file) and the file downloaded through that link."""
    asked = ask(client, url)
    assert asked.status_code == 303, (url, asked.status_code)
    job_page = client.get(asked.headers["Location"])
    assert job_page.status_code == 200
    html = job_page.get_data(as_text=True)
    link = FILE_LINK.search(html)
    assert link, f"no file on the job page of {url}"
    return html, client.get(link.group(1))


def export(client: FlaskClient, org: ReferenceOrg, name: str, query: str = "") -> TestResponse:
    """The CSV file of export ``name``, made by its job."""
    _page, response = made(client, f"{base(org)}/exports/{name}.csv{query}")
    assert response.status_code == 200, name
    assert response.mimetype == "text/csv"
    return response


def download(client: FlaskClient, org: ReferenceOrg, name: str) -> list[dict[str, str]]:
    """The rows of export ``name``, made by its job."""
    return rows_of(export(client, org, name).get_data(as_text=True))


def report_pdf(client: FlaskClient, org: ReferenceOrg, query: str = "") -> TestResponse:
    """The PDF report (``query``: ``?team=...&wave=...``), made by its job."""
    _page, response = made(client, f"{base(org)}/report.pdf{query}")
    assert response.status_code == 200
    return response


def pdf_page_count(pdf: bytes) -> int:
    """Pages in the PDF's page tree, read from its (possibly compressed) objects."""
    objects = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            objects.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    text = b"\n".join(objects)
    counts = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", text)
    counts += re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", text)
    return max((int(count) for count in counts), default=0)
