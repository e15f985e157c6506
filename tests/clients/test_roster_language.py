"""The roster's optional language column: read, refused, previewed, stored, and absent; and a
manager invited from the roster getting the roster's language."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from survey.clients.roster import RosterRow, parse_roster
from survey.clients.uploads import upload_rows
from survey.models import Person, RosterUpload, User
from survey.users.inviting import invite_roster_managers, roster_managers
from tests.clients.helpers import upload
from tests.clients.test_roster_import import confirm, preview_of, text_of
from tests.factories import gen_person
from tests.users.helpers import post

WITH_LANGUAGE = (
    "Team path;E-mail;Role;Language\r\n"
    "Global/France/Paris;anne@example.com;rep;FR\r\n"
    "Global/Spain;bob@example.com;rep;\r\n"
    "Global/Spain;carl@example.com;manager;es\r\n"
)


def languages_of(dbs, org) -> dict[str, str | None]:
    dbs.expire_all()
    people = dbs.scalars(select(Person).where(Person.organisation_id == org.organisation.id))
    return {person.email: person.language for person in people}


# Reading the column


def test_the_language_column_is_read_in_lower_case_and_may_be_empty():
    parsed = parse_roster(WITH_LANGUAGE.encode())
    assert parsed.errors == []
    assert [(row.email, row.language) for row in parsed.rows] == [
        ("anne@example.com", "fr"),
        ("bob@example.com", ""),
        ("carl@example.com", "es"),
    ]


def test_a_file_without_the_column_reads_as_before():
    parsed = parse_roster(b"team path,e-mail,role\nGlobal,ann@example.com,rep\n")
    assert parsed.rows == [RosterRow(2, ("Global",), "ann@example.com", "rep")]
    assert parsed.rows[0].language is None


@pytest.mark.parametrize("header", ["language", "Lang", "LANGUAGE"])
def test_the_column_header_in_any_case(header):
    parsed = parse_roster(f"role;email;team;{header}\nrep;a@x.org;Global;de\n".encode())
    assert parsed.rows[0].language == "de"


def test_an_unknown_language_is_refused_naming_its_line_and_the_codes():
    data = (
        "team path;e-mail;role;language\n"
        "Global;anne@example.com;rep;en\n"
        "Global;bob@example.com;rep;Italiano\n"
        "Global;carl@example.com;rep;pt-BR\n"
    )
    parsed = parse_roster(data.encode())
    assert [(error.line, error.message) for error in parsed.errors] == [
        (
            3,
            "The language 'Italiano' is unknown; write one of en, fr, de, es, or leave it "
            "empty to let the person's browser decide.",
        ),
        (
            4,
            "The language 'pt-BR' is unknown; write one of en, fr, de, es, or leave it "
            "empty to let the person's browser decide.",
        ),
    ]
    assert parsed.rows[0].language == "en"


def test_an_upload_kept_before_the_language_column_still_reads(app: Flask):
    kept = RosterUpload(rows=[[2, ["Global"], "a@x.org", "rep"]])
    assert upload_rows(kept) == [RosterRow(2, ("Global",), "a@x.org", "rep", None)]
    kept = RosterUpload(rows=[[2, ["Global"], "a@x.org", "rep", "fr"]])
    assert upload_rows(kept)[0].language == "fr"


# Through the pages


def test_languages_are_previewed_and_stored(consultant_client, dbs, answered_org):
    assert (
        upload(consultant_client, answered_org.organisation.id, WITH_LANGUAGE.encode()).status_code
        == 302
    )
    text = text_of(preview_of(consultant_client, answered_org))
    assert "Line E-mail Team Role Language" in text
    assert "anne@example.com Global/France/Paris rep Français (fr)" in text
    assert "bob@example.com Global/Spain rep browser's choice" in text
    assert confirm(consultant_client, answered_org).status_code == 302
    assert languages_of(dbs, answered_org) == {
        "anne@example.com": "fr",
        "bob@example.com": None,
        "carl@example.com": "es",
    }
    # The same file again changes nothing.
    upload(consultant_client, answered_org.organisation.id, WITH_LANGUAGE.encode())
    assert "0 new people 0 updated 3 unchanged" in text_of(
        preview_of(consultant_client, answered_org)
    )


def test_a_new_language_updates_and_an_empty_cell_clears(consultant_client, dbs, answered_org):
    upload(consultant_client, answered_org.organisation.id, WITH_LANGUAGE.encode())
    confirm(consultant_client, answered_org)
    changed = (
        "Team path;E-mail;Role;Language\r\n"
        "Global/France/Paris;anne@example.com;rep;\r\n"
        "Global/Spain;bob@example.com;rep;de\r\n"
        "Global/Spain;carl@example.com;manager;es\r\n"
    )
    upload(consultant_client, answered_org.organisation.id, changed.encode())
    text = text_of(preview_of(consultant_client, answered_org))
    assert "People whose team, role or language changes" in text
    assert "2 updated 1 unchanged" in text
    assert "anne@example.com Global/France/Paris rep Français (fr) → browser's choice" in text
    assert "bob@example.com Global/Spain rep browser's choice → Deutsch (de)" in text
    confirm(consultant_client, answered_org)
    assert languages_of(dbs, answered_org) == {
        "anne@example.com": None,
        "bob@example.com": "de",
        "carl@example.com": "es",
    }


def test_a_file_without_the_column_leaves_the_languages(consultant_client, dbs, answered_org):
    upload(consultant_client, answered_org.organisation.id, WITH_LANGUAGE.encode())
    confirm(consultant_client, answered_org)
    without = (
        "Team path;E-mail;Role\r\n"
        "Global/France;anne@example.com;rep\r\n"  # moved
        "Global/Spain;bob@example.com;rep\r\n"
        "Global/Spain;dora@example.com;rep\r\n"  # new
    )
    upload(consultant_client, answered_org.organisation.id, without.encode())
    page = preview_of(consultant_client, answered_org)
    text = text_of(page)
    assert "Language" not in text and "browser's choice" not in text
    assert "People whose team or role changes" in text
    assert "1 new person 1 updated 1 unchanged" in text
    confirm(consultant_client, answered_org)
    assert languages_of(dbs, answered_org) == {
        "anne@example.com": "fr",
        "bob@example.com": None,
        "carl@example.com": "es",
        "dora@example.com": None,
    }


def test_an_unknown_language_imports_nothing(consultant_client, dbs, answered_org):
    data = "Team path;E-mail;Role;Language\r\nGlobal;anne@example.com;rep;klingon\r\n"
    response = upload(consultant_client, answered_org.organisation.id, data.encode())
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "Line 2: The language 'klingon' is unknown; write one of en, fr, de, es" in text
    assert "anne@example.com" not in languages_of(dbs, answered_org)


def test_the_upload_page_documents_the_column(consultant_client, answered_org):
    page = consultant_client.get(f"/clients/{answered_org.organisation.id}/roster")
    text = text_of(page.get_data(as_text=True))
    assert "An optional fourth column, language ," in text
    assert "one of en, fr, de, es" in text


# Inviting a manager from the roster


def roster_manager(dbs, team, email: str, language: str | None) -> Person:
    person = gen_person(dbs, team, email)
    person.role, person.language = "manager", language
    dbs.commit()
    return person


def test_a_manager_invited_from_the_roster_gets_its_language(
    dbs, reference_org, consultant_client, mailing
):
    ann = roster_manager(dbs, reference_org.teams["France"], "ann@acme.example", "fr")
    roster_manager(dbs, reference_org.teams["Spain"], "bea@acme.example", None)
    path = f"/users/invite/roster/{reference_org.organisation.id}"
    assert post(consultant_client, path, person=str(ann.id)).status_code == 302
    assert post(consultant_client, path, person="").status_code == 302
    dbs.expire_all()
    users = {user.email: user.language for user in dbs.scalars(select(User))}
    assert users["ann@acme.example"] == "fr"
    assert users["bea@acme.example"] is None
    # The invitation is in the roster's language (the subject is translated when French is).
    assert {message["To"] for message in mailing.messages} == {
        "ann@acme.example",
        "bea@acme.example",
    }


def test_a_language_that_is_not_spoken_is_not_copied(app: Flask, dbs, reference_org):
    roster_manager(dbs, reference_org.teams["France"], "ann@acme.example", "it")
    admin = reference_org.users["admin"]
    with app.test_request_context():
        managers = roster_managers(dbs, admin, reference_org.organisation)
        invited, refused = invite_roster_managers(dbs, managers)
    assert refused == {}
    assert [(user.email, user.language) for user, _token in invited] == [("ann@acme.example", None)]
