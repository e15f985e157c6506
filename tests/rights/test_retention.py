"""Retention: who is past the period, and the purge-identities command (dry run, real, again)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Invitation, Person, Response
from survey.models._columns import utcnow
from survey.retention import expired_people, retention_cutoff
from tests.factories import gen_person, gen_person_invitation, gen_response
from tests.rights.helpers import audit_events, count


@pytest.fixture
def roster(dbs, reference_org, waves):
    """Acme keeps identities 100 days; Zenith until deleted. Who is past 100 days is marked."""
    france, hq = reference_org.teams["France"], reference_org.rival_team
    people = {
        # last wave closed 400 days ago: past; answered confidentially, one link unused
        "old": gen_person(dbs, france, "old@acme.example", added_days_ago=500),
        # invited to the old and the recent wave (closed 10 days ago): kept
        "recent": gen_person(dbs, france, "recent@acme.example", added_days_ago=500),
        # invited to the open wave only: kept
        "open": gen_person(dbs, france, "open@acme.example", added_days_ago=500),
        # never invited, added 150 days ago: past
        "idle": gen_person(dbs, france, "idle@acme.example", added_days_ago=150),
        # never invited, added 50 days ago: kept
        "new": gen_person(dbs, france, "new@acme.example", added_days_ago=50),
        # Zenith keeps identities until deleted
        "zenith": gen_person(dbs, hq, "z@zenith.example", added_days_ago=5000),
    }
    answered = gen_person_invitation(dbs, waves["old"], people["old"])
    gen_response(
        dbs,
        waves["old"],
        france,
        respondent_key=people["old"].pseudonym,
        used_token=answered,
        cooperation=True,
    )
    gen_person_invitation(dbs, waves["old"], people["old"])  # a second link, never used
    for wave in ("old", "recent"):
        gen_person_invitation(dbs, waves[wave], people["recent"])
    gen_response(
        dbs, waves["recent"], france, respondent_key=people["recent"].pseudonym, cooperation=True
    )
    gen_person_invitation(dbs, waves["open"], people["open"])
    reference_org.organisation.retention_days = 100
    dbs.commit()
    return people


def test_the_cutoff_is_the_retention_period_before_now():
    assert retention_cutoff(datetime(2026, 5, 1), 30) == datetime(2026, 4, 1)
    with pytest.raises(ValueError, match=r"^retention_days must be at least 1, not 0\.$"):
        retention_cutoff(datetime(2026, 5, 1), 0)


def test_only_people_past_the_period_are_expired(dbs, reference_org, waves, roster):
    expired = expired_people(dbs, reference_org.organisation, utcnow())
    assert [e.person.email for e in expired] == ["idle@acme.example", "old@acme.example"]
    idle, old = expired
    assert not idle.invited and idle.since == roster["idle"].created_at
    assert old.invited and old.since == waves["old"].closes_at
    assert expired_people(dbs, reference_org.rival, utcnow()) == []


def test_a_dry_run_lists_who_would_go_and_changes_nothing(
    runner, dbs, reference_org, waves, roster
):
    before = (count(dbs, Person), count(dbs, Invitation), count(dbs, AuditEvent))

    result = runner.invoke(args=["purge-identities", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Acme Solar: 2 people past 100 days would be purged:",
        f"  idle@acme.example (person {roster['idle'].id}), added "
        f"{roster['idle'].created_at:%Y-%m-%d}, never invited",
        f"  old@acme.example (person {roster['old'].id}), last wave closed "
        f"{waves['old'].closes_at:%Y-%m-%d}",
        "Zenith Wind: keeps identities until someone deletes them; nothing to purge.",
        "Dry run: nothing was changed.",
    ]
    assert (count(dbs, Person), count(dbs, Invitation), count(dbs, AuditEvent)) == before
    assert count(dbs, Response, Response.respondent_key.is_(None)) == 0


def test_a_real_run_purges_only_the_expired_and_a_second_run_nothing(
    runner, dbs, reference_org, waves, roster
):
    old_key = roster["old"].pseudonym
    recent_key = roster["recent"].pseudonym
    kept = {roster[name].id for name in ("recent", "open", "new", "zenith")}

    result = runner.invoke(args=["purge-identities"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Acme Solar: purged 2 people past 100 days; 1 unused link(s) revoked, "
        "1 answer(s) no longer paired across waves.",
        "Zenith Wind: keeps identities until someone deletes them; nothing to purge.",
    ]
    assert "@" not in result.output  # a real run names nobody
    dbs.expire_all()
    assert set(dbs.scalars(select(Person.id))) == kept
    assert count(dbs, Response) == 2  # answers stay
    assert count(dbs, Response, Response.respondent_key == old_key) == 0
    assert count(dbs, Response, Response.respondent_key == recent_key) == 1
    assert count(dbs, Invitation, Invitation.person_id.is_(None)) == 1  # the used one, unlinked
    (event,) = audit_events(dbs, "identities.purge")
    assert event.user_email is None
    assert event.organisation_id == reference_org.organisation.id
    assert event.details == {
        "people": 2,
        "retention_days": 100,
        "invitations_revoked": 1,
        "invitations_unlinked": 1,
        "responses_unpaired": 1,
    }

    again = runner.invoke(args=["purge-identities"])

    assert again.exit_code == 0
    assert "Acme Solar: nobody is past the retention period of 100 days." in again.output
    assert len(kept) == count(dbs, Person)
    assert len(audit_events(dbs, "identities.purge")) == 1


def test_one_organisation_can_be_named(runner, dbs, reference_org, roster):
    result = runner.invoke(args=["purge-identities", "--organisation", "Zenith Wind"])
    assert result.output.splitlines() == [
        "Zenith Wind: keeps identities until someone deletes them; nothing to purge."
    ]
    assert count(dbs, Person) == 6
    unknown = runner.invoke(args=["purge-identities", "--organisation", "Nowhere"])
    assert unknown.exit_code == 2
    assert "There is no organisation called 'Nowhere'." in unknown.output
