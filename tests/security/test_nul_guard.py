"""NUL in any value of any parameter is refused with 400, not only in the first value of a key.

PostgreSQL cannot store or compare NUL, so the guard in ``survey/security.py`` turns such
requests away before any view reads them.
"""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_from

NUL_MESSAGE = "Text with a NUL character cannot be stored or searched."


def refused_for_nul(response) -> bool:
    return response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "a=%00",
        "a=ok&a=%00",
        "a=ok&a=ok&a=x%00y",
        "a=ok&b=ok&b=%00",
        "a%00=ok",
        "page=1&page=%00",
    ],
)
def test_nul_in_any_query_value_or_key_is_refused(client, query):
    assert refused_for_nul(client.get(f"/login?{query}"))
    assert client.get("/login?a=ok&a=fine").status_code == 200


def test_nul_in_a_repeated_form_field_is_refused(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    fields = MultiDict([("csrf_token", token), ("email", "a@example.com"), ("password", "x" * 12)])
    for repeated in (
        [("email", "b@example.com\x00")],
        [("note", "ok"), ("note", "\x00")],
        [("no\x00te", "ok")],
    ):
        sent = client.post("/login", data=MultiDict([*fields.items(multi=True), *repeated]))
        assert refused_for_nul(sent), repeated


def test_nul_in_an_uploaded_file_name_is_refused(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    sent = client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "a@example.com",
            "password": "x" * 12,
            "roster": (io.BytesIO(b"team path,e-mail,role\n"), "roster\x00.csv"),
        },
        content_type="multipart/form-data",
    )
    assert refused_for_nul(sent)
