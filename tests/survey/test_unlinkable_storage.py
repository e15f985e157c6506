"""Nothing stored lets anyone, staff or whoever holds the database, pair answers with a person:
sealed drafts, random ids, no rowid, no dates, deleted content wiped from the file and the log."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from survey.db import checkpoint_log, make_engine, wipe_after_commit
from survey.models import Draft, Invitation, LadderRung, Response
from survey.rep.sealing import draft_key, new_browser_secret, seal, unseal
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.factories import (
    gen_person,
    gen_person_invitation,
    gen_user,
    make_invitation,
    make_person_invitation,
    make_team_link,
    make_world,
)
from tests.survey.journey import (
    answer_all,
    climb,
    item_fields,
    ladder_step,
    page_form,
    pages_of,
)

DRAFT_MARKER = "zebra-quokka-draft-7731"
ANSWER_MARKER = "narwhal-ibis-answer-9182"


def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own files and rowids")


def file_bytes(database_url: str) -> bytes:
    """The database file and its write-ahead log, as someone copying them would get them."""
    path = database_url.removeprefix("sqlite:///")
    found = b""
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as handle:
                found += handle.read()
        except FileNotFoundError:
            pass
    return found


def ladder_draft(client, token: str, questionnaire, words: str) -> None:
    """Answer every statement page, then save the ladder page (with ``words``) going back."""
    pages = pages_of(questionnaire)
    for page in pages:
        if page.kind != "items":
            break
        assert page_form(client, token, page.number, item_fields(page)).status_code == 302
    ladder = next(page for page in pages if page.kind == "ladder")
    reply = ladder_step(client, token, ladder.number, 1, words, "customers", "back")
    assert reply.status_code == 302


def test_a_draft_is_sealed_under_its_link(app, client, dbs, database_url):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    ladder_draft(client, token, world.questionnaire, DRAFT_MARKER)
    draft = dbs.scalar(select(Draft))
    assert DRAFT_MARKER.encode() not in draft.sealed
    assert unseal(draft_key(token), draft.id, draft.sealed)["ladder"][0]["words"] == DRAFT_MARKER
    assert unseal(draft_key(token + "x"), draft.id, draft.sealed) is None
    assert unseal(draft_key(token), draft.id + 1, draft.sealed) is None  # bound to its id
    if database_url.startswith("sqlite"):
        assert DRAFT_MARKER.encode() not in file_bytes(database_url)
    # The link itself resumes it, from any browser.
    page = app.test_client().get(f"/r/{token}/{len(pages_of(world.questionnaire)) - 1}")
    assert DRAFT_MARKER in page.get_data(as_text=True)


def test_a_team_link_draft_needs_the_browser_that_wrote_it(app, client, dbs):
    world = make_world(dbs)
    token = make_team_link(dbs, world)
    ladder_draft(client, token, world.questionnaire, DRAFT_MARKER)
    draft = dbs.scalar(select(Draft))
    secret = client.get_cookie("session")  # the secret lives in this browser's cookie only
    assert secret is not None
    assert unseal(draft_key(token), draft.id, draft.sealed) is None  # the link alone: no
    assert unseal(draft_key(token, new_browser_secret()), draft.id, draft.sealed) is None
    assert "Continue where" in client.get(f"/r/{token}").get_data(as_text=True)
    assert "Continue where" not in app.test_client().get(f"/r/{token}").get_data(as_text=True)


def test_sealing_round_trips_and_refuses_tampering():
    key = draft_key("a-token", new_browser_secret())
    sealed = seal(key, 5, {"answers": {"a1": 3}})
    assert unseal(key, 5, sealed) == {"answers": {"a1": 3}}
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert unseal(key, 5, tampered) is None
    assert unseal(key, 5, b"short") is None
    assert seal(key, 5, {"a": 1}) != seal(key, 5, {"a": 1})  # a fresh nonce each time


def test_a_reminder_leaves_no_way_back_to_the_draft(app, dbs, consultant_world, database_url):
    """After a reminder, neither the new link, the consultant's pages nor the database give
    back what the person had saved."""
    world, consultant, token, _person = consultant_world
    rep = app.test_client()
    ladder_draft(rep, token, world.questionnaire, DRAFT_MARKER)
    base = f"/clients/{world.organisation.id}/assessments/{world.assessment.id}"
    url = f"{base}/waves/{world.wave.id}"
    html = consultant.get(url + "/invitations").get_data(as_text=True)
    data = {"remind-team": 0, "remind-delivery": "email", "csrf_token": csrf_from(html)}
    assert consultant.post(url + "/reminders", data=data).status_code == 303
    dbs.expire_all()
    assert dbs.scalar(select(Draft)) is None
    assert rep.get(f"/r/{token}").status_code == 404  # the old link is dead
    for page in (
        "/invitations",
        "/rates",
        "/rates.json",
    ):
        assert DRAFT_MARKER not in consultant.get(url + page).get_data(as_text=True)
    if database_url.startswith("sqlite"):
        assert DRAFT_MARKER.encode() not in file_bytes(database_url)


@pytest.fixture
def consultant_world(app, dbs, mail):
    world = make_world(dbs, mode="anonymous")
    gen_user(dbs, "c@example.com", "consultant", organisations=[world.organisation])
    consultant = app.test_client()
    login(consultant, "c@example.com")
    person = gen_person(dbs, world.teams["France"], "ana@acme.example")
    token = gen_person_invitation(dbs, world.wave, person)
    return world, consultant, token, person


@pytest.fixture
def mail(app, smtp_server):
    app.config.update(
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        SMTP_SECURITY="none",
        MAIL_IN_BACKGROUND=False,
    )
    return smtp_server


def test_ids_of_drafts_are_random_and_rungs_have_no_rowid(app, dbs, database_url):
    sqlite_only(database_url)
    world = make_world(dbs)
    first = pages_of(world.questionnaire)[0]
    ids = []
    for _ in range(20):
        token = make_invitation(dbs, world)
        assert page_form(app.test_client(), token, 1, item_fields(first)).status_code == 302
        dbs.expire_all()
        invitation = dbs.scalar(select(Invitation).order_by(Invitation.id.desc()))
        ids.append(dbs.scalar(select(Draft.id).where(Draft.invitation_id == invitation.id)))
    assert ids != sorted(ids) and ids != sorted(ids, reverse=True)
    assert len(set(ids)) == 20
    answer_all(app.test_client(), make_invitation(dbs, world), world.questionnaire)
    with dbs.connection() as connection:
        for table in ("ladder_rung", "cooperation_link"):
            with pytest.raises(Exception, match="no such column: rowid"):
                connection.execute(text(f"SELECT rowid FROM {table}"))
            connection.rollback()
        assert connection.execute(text("SELECT COUNT(*) FROM ladder_rung")).scalar() == 2


def test_sqlite_runs_with_secure_delete(app, dbs, database_url):
    sqlite_only(database_url)
    with app.extensions["database"].engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_deleted_answers_and_drafts_leave_the_file_and_the_log(app, client, dbs, database_url):
    """A confidential answer with a marker in its ladder words, and a draft with another, are
    deleted with the person: neither marker is left in the database file or its log."""
    sqlite_only(database_url)
    world = make_world(dbs, mode="confidential")
    answered = make_person_invitation(dbs, world, "ana@example.com")
    pages = pages_of(world.questionnaire)
    for page in pages:
        action = "submit" if page.number == len(pages) else "next"
        if page.kind == "ladder":
            assert climb(app.test_client(), answered, page.number, [(ANSWER_MARKER, "customers")])
            continue
        data = item_fields(page) if page.kind == "items" else {}
        assert page_form(app.test_client(), answered, page.number, data, action).status_code
    assert dbs.scalar(select(LadderRung.words)) == ANSWER_MARKER
    dbs.rollback()
    assert ANSWER_MARKER.encode() in file_bytes(database_url)  # the answer, as stored

    gen_user(dbs, "admin@example.com", "admin")
    login(client, "admin@example.com")
    person = dbs.scalar(select(Invitation)).person
    url = f"/clients/{world.organisation.id}/people/{person.id}/delete"
    token = csrf_from(client.get(url).get_data(as_text=True))
    dbs.rollback()
    done = client.post(url, data={"csrf_token": token, "delete_responses": "y"})
    assert done.status_code == 302
    dbs.expire_all()
    assert dbs.scalar(select(Response)) is None
    dbs.rollback()
    assert ANSWER_MARKER.encode() not in file_bytes(database_url)


def test_a_busy_checkpoint_returns_at_once(app, dbs, database_url):
    sqlite_only(database_url)
    engine = app.extensions["database"].engine
    with engine.connect() as reader:
        reader.execute(text("BEGIN"))
        reader.execute(text("SELECT COUNT(*) FROM organisation")).scalar()
        with engine.begin() as writer:
            writer.execute(
                text("INSERT INTO organisation (name, created_at) VALUES ('x', '2026-01-01')")
            )
        assert checkpoint_log(engine) is False  # a reader holds the log: it does not wait
        reader.execute(text("COMMIT"))
    assert checkpoint_log(engine) is True


def test_commits_share_a_wipe_that_tries_again_until_the_log_is_empty(tmp_path):
    """The app's way (SQLITE_LOG_WIPE_SECONDS above 0): a thread empties the log after the
    commits that asked, and a checkpoint that a reader kept busy is tried again."""
    path = tmp_path / "wiped.db"
    engine = make_engine(f"sqlite:///{path}", log_wipe_seconds=0.05)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE answer (words TEXT)"))
    with engine.connect() as reader:
        reader.execute(text("BEGIN"))
        reader.execute(text("SELECT COUNT(*) FROM answer")).scalar()
        for n in range(3):
            with Session(engine) as session:
                session.execute(
                    text("INSERT INTO answer VALUES (:w)"), {"w": f"{ANSWER_MARKER}{n}"}
                )
                session.execute(text("DELETE FROM answer"))
                wipe_after_commit(session)
                session.commit()
        time.sleep(0.3)  # the wiper tries while the reader holds the log (not asserted)
        assert os.path.getsize(f"{path}-wal") > 0  # busy: nothing can be truncated yet
        reader.execute(text("COMMIT"))
    deadline = time.monotonic() + 10
    while os.path.getsize(f"{path}-wal") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.path.getsize(f"{path}-wal") == 0
    assert ANSWER_MARKER.encode() not in path.read_bytes()
    engine.dispose()


def test_a_process_that_ends_wipes_the_log_before_it_goes(tmp_path):
    """A command commits and exits long before the wiper's delay: the log is emptied anyway."""
    path = tmp_path / "command.db"
    script = textwrap.dedent(
        f"""
        from sqlalchemy import text
        from sqlalchemy.orm import Session
        from survey.db import make_engine, wipe_after_commit

        engine = make_engine("sqlite:///{path}", log_wipe_seconds=600)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE answer (words TEXT)"))
        with Session(engine) as session:
            session.execute(text("INSERT INTO answer VALUES ('{ANSWER_MARKER}')"))
            session.execute(text("DELETE FROM answer"))
            wipe_after_commit(session)
            session.commit()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=os.getcwd(), timeout=60)
    assert os.path.getsize(f"{path}-wal") == 0
    assert ANSWER_MARKER.encode() not in path.read_bytes()
