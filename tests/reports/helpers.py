"""Reading exports and reports in tests."""

from __future__ import annotations

import csv
import io
import re
import zlib

from tests.factories import ReferenceOrg

BOM = "\ufeff"
EXPORTS = ("responses-long", "responses-wide", "scores", "aggregates")


def base(org: ReferenceOrg) -> str:
    return f"/clients/{org.organisation.id}/assessments/{org.assessment.id}"


def rows_of(text: str) -> list[dict[str, str]]:
    """The CSV's rows as dicts; the file must start with the byte order mark."""
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def download(client, org: ReferenceOrg, name: str) -> list[dict[str, str]]:
    response = client.get(f"{base(org)}/exports/{name}.csv")
    assert response.status_code == 200, name
    assert response.mimetype == "text/csv"
    return rows_of(response.get_data(as_text=True))


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
