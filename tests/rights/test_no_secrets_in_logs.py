"""After a whole administrative flow, neither the audit table nor the app log holds a secret."""

from __future__ import annotations

import json
import logging

from sqlalchemy import select, text

from survey.models import Person
from survey.tokens import token_hash
from tests.auth.helpers import PASSWORD, login, logout
from tests.conftest import csrf_from
from tests.factories import gen_person, gen_person_invitation, rep_questionnaire
from tests.survey.journey import answer_all

WRONG_PASSWORD = "not-the-password-42"
LADDER_WORDS = "less CO2 with every roof"  # what tests.survey.journey.answer_all writes


def audit_table(dbs) -> str:
    """Every column of every audit row, as text."""
    rows = dbs.execute(text("SELECT * FROM audit_event")).mappings().all()
    return json.dumps([dict(row) for row in rows], default=str)


def test_no_token_password_answer_or_deleted_address_is_logged(
    app, client, dbs, runner, reference_org, waves, caplog
):
    caplog.set_level(logging.DEBUG, logger="survey")
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    france = reference_org.teams["France"]
    ada = gen_person(dbs, france, "ada@acme.example")
    bob = gen_person(dbs, france, "bob@acme.example")
    gen_person(dbs, france, "idle@acme.example", added_days_ago=500)
    ada_token = gen_person_invitation(dbs, waves["open"], ada)
    bob_token = gen_person_invitation(dbs, waves["open"], bob)
    pseudonyms = [ada.pseudonym, bob.pseudonym]
    answer_all(app.test_client(), ada_token, rep_questionnaire())  # a rep answers, with words

    login(client, "rival@example.com", WRONG_PASSWORD)  # a failed login
    login(client, "rival@example.com")
    assert (
        client.get(f"/clients/{reference_org.organisation.id}/people/").status_code == 404
    )  # refused
    logout(client)
    login(client, "c@example.com")
    retention = f"/clients/{reference_org.organisation.id}/people/retention"
    token = csrf_from(client.get(retention).get_data(as_text=True))
    saved = client.post(retention, data={"csrf_token": token, "retention_days": "100"})
    assert saved.status_code == 302
    for person in (ada, bob):
        url = f"/clients/{reference_org.organisation.id}/people/{person.id}/delete"
        token = csrf_from(client.get(url).get_data(as_text=True))
        assert client.post(url, data={"csrf_token": token}).status_code == 302
    purge = runner.invoke(args=["purge-identities"])
    assert "purged 1 person" in purge.output
    assert client.get("/audit/").status_code == 200
    download = client.get("/audit/events.csv").get_data(as_text=True)

    logged = audit_table(dbs) + caplog.text + purge.output + download
    assert "Refused access: user" in caplog.text  # the log was captured
    actions = {row[0] for row in dbs.execute(text("SELECT action FROM audit_event"))}
    assert {"access.refused", "organisation.retention", "person.delete"} <= actions
    assert "identities.purge" in actions and "audit.download" in actions
    secrets = [
        ada_token,
        bob_token,
        token_hash(ada_token),
        token_hash(bob_token),
        PASSWORD,
        WRONG_PASSWORD,
        app.config["SECRET_KEY"],
        LADDER_WORDS,
        "ada@acme.example",
        "bob@acme.example",
        "idle@acme.example",
        *pseudonyms,
    ]
    assert [secret for secret in secrets if secret in logged] == []
    assert dbs.scalars(select(Person)).all() == []
