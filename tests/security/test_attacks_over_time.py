"""A manager who keeps every figure they were ever shown, and subtracts.

The attacker polls every team's API answer, page and CSV after each single submission, interim
release, team move, erasure and closing. The test knows the truth (which responses existed at
each release, in which tree), turns every figure the attacker saw into the set of responses
behind it, and asks the disclosure auditor whether any combination of those sets singles out
fewer than k responses. It also checks directly that no figure the attacker saw moved by fewer
than k answers between two looks.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pytest
from sqlalchemy import func, select

from survey.models import Invitation, Person, Release, ReleasedErasure, Response
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.disclosure_oracle import audit
from tests.factories import gen_response, gen_user, rep_questionnaire
from tests.factories.confidential import (
    PairedWorld,
    answer_at_random,
    behind,
    gen_boreal,
    move,
    note_release,
)
from tests.reports.helpers import made

K = 5


@dataclass
class Attacker:
    """Everything one manager saw: ``(wave, release seq, team) -> n``, in order of looking."""

    looks: list[dict[tuple[int, int, int], int]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)  # every API answer, in order

    def poll(self, client, world: PairedWorld) -> None:
        seen: dict[tuple[int, int, int], int] = {}
        base = f"/api/v1/assessments/{world.assessment.id}/teams"
        for wave in world.waves:
            for team in world.teams.values():
                url = f"{base}/{team.id}?wave={wave.id}"
                data = client.get(url).get_json()
                self.answers.append(data)
                page = client.get(f"/dashboard/{world.assessment.id}/{team.id}?wave={wave.id}")
                assert page.status_code == 200
                assert page.headers["Cache-Control"] == "no-store"
                self.pages.append(page.get_data(as_text=True))
                csv_text = client.get(
                    f"/dashboard/{world.assessment.id}/{team.id}/headline.csv?wave={wave.id}"
                ).get_data(as_text=True)
                release = data["release"]
                rows = data["sections"]["headline"]["rows"]
                if release is None:
                    assert rows == [] and len(csv_text.strip().splitlines()) == 2  # headers only
                    for row in data["sections"]["rates"]["rows"]:
                        shown = row["answered"]
                        assert shown is None or int(shown.split()[0]) % K == 0
                    continue
                note_release(world, wave, release["seq"])
                if rows:
                    n = {row["n"] for row in rows}
                    assert len(n) == 1 and f",{n.pop()}," in csv_text.replace("\r", "")
                    seen[(wave.id, release["seq"], team.id)] = rows[0]["n"]
                for section in ("trend", "heatmap"):
                    for row in data["sections"][section]["rows"]:
                        assert row["n"] >= K, (section, row)
        self.looks.append(seen)

    def groups(self, world: PairedWorld) -> dict[tuple[int, int, int], frozenset]:
        """Every figure seen, as the set of responses behind it (the truth's view)."""
        sets = {}
        for look in self.looks:
            for (wave, seq, team), n in look.items():
                shown = behind(world, wave, seq, team)
                assert len(shown) == n, (wave, seq, team)  # the test's truth is the app's
                sets[(wave, seq, team)] = shown
        return sets

    def moves_by_fewer_than_k(self) -> list:
        """Per team and wave, any two figures seen that differ by 1 .. k-1 answers."""
        by_cell: dict[tuple[int, int], set[int]] = {}
        for look in self.looks:
            for (wave, _seq, team), n in look.items():
                by_cell.setdefault((wave, team), set()).add(n)
        return [
            (cell, a, b)
            for cell, values in by_cell.items()
            for a in values
            for b in values
            if 0 < b - a < K
        ]


def erase(dbs, consultant, world: PairedWorld, pseudonym: str, team: str) -> set[int]:
    """Delete the person with ``pseudonym``, answers and all, through the consultant's page."""
    person = Person(
        organisation_id=world.organisation.id,
        email=f"{pseudonym}@example.com",
        team_id=world.teams[team].id,
        pseudonym=pseudonym,
    )
    dbs.add(person)
    dbs.commit()
    keyed = set(dbs.scalars(select(Response.id).where(Response.respondent_key == pseudonym)))
    assert keyed
    url = f"/clients/{world.organisation.id}/people/{person.id}/delete"
    token = csrf_from(consultant.get(url).get_data(as_text=True))
    erased = consultant.post(url, data={"csrf_token": token, "delete_responses": "y"})
    assert erased.status_code == 302
    dbs.expire_all()
    assert not set(dbs.scalars(select(Response.id).where(Response.id.in_(keyed))))
    world.alive -= keyed
    return keyed


def _reliability(html: str) -> str:
    return html.split('id="reliability"', 1)[1].split("</section>", 1)[0]


def _planted(dbs, wave, team) -> None:
    """One answer the attacker knows (every statement 4), sent through the team's link."""
    values = [4] * len(rep_questionnaire().items)
    gen_response(dbs, wave, team, values=values, channel="team_link", ladder_target=None)


def consultant_post(client, url: str) -> None:
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code in (302, 409), response.status_code


@pytest.mark.slow
def test_a_manager_who_polls_and_subtracts_learns_nothing_under_k(app, dbs):
    world = gen_boreal(dbs)
    spring, autumn = world.waves
    gen_user(dbs, "boss@example.com", "manager", team=world.teams["Global"])
    gen_user(dbs, "c@example.com", "consultant", organisations=[world.organisation])
    manager, consultant = app.test_client(), app.test_client()
    login(manager, "boss@example.com")
    login(consultant, "c@example.com")
    base = f"/clients/{world.organisation.id}/assessments/{world.assessment.id}/waves"
    release = f"{base}/{autumn.id}/release"
    spy = Attacker()

    answer_at_random(dbs, world, spring, "Oslo", 3, 1)
    answer_at_random(dbs, world, spring, "Stockholm", 6, 2)
    answer_at_random(dbs, world, spring, "Denmark", 5, 3, key="erase-me")
    spy.poll(manager, world)  # Spring is released as it is read: closed

    answer_at_random(dbs, world, autumn, "Oslo", 5, 4)
    answer_at_random(dbs, world, autumn, "Stockholm", 5, 5)
    answer_at_random(dbs, world, autumn, "Stockholm", 1, 50, key="late-erase")
    answer_at_random(dbs, world, autumn, "Denmark", 4, 6)
    spy.poll(manager, world)  # Autumn open: counts only
    consultant_post(consultant, release)
    spy.poll(manager, world)
    for step, team in enumerate(["Oslo", "Denmark", "Stockholm", "Oslo", "Oslo"]):
        answer_at_random(dbs, world, autumn, team, 1, 10 + step)  # one more answer ...
        spy.poll(manager, world)
        consultant_post(consultant, release)  # ... and a release right after it
        spy.poll(manager, world)

    spring_first = spy.answers[: len(world.teams)]
    # A team moves: Denmark goes under Nordics. Past waves keep their tree.
    move(dbs, world, world.teams["Denmark"], world.teams["Nordics"])
    spy.poll(manager, world)
    # Erasures: the person behind one Spring answer, and one whose Autumn answer an interim
    # release took in (the final release must not let it be worked out either).
    report = f"/clients/{world.organisation.id}/assessments/{world.assessment.id}/report"
    before = _reliability(consultant.get(f"{report}?wave={spring.id}").get_data(as_text=True))
    erase(dbs, consultant, world, "erase-me", "Denmark")
    spy.poll(manager, world)
    after = _reliability(consultant.get(f"{report}?wave={spring.id}").get_data(as_text=True))
    assert "<td>" in before and before == after  # the report's alpha is released too
    erase(dbs, consultant, world, "late-erase", "Stockholm")
    kept = dbs.scalars(select(ReleasedErasure)).all()
    # Every released response leaves a tombstone (Spring is audited again when Autumn pairs
    # with it); none of them had a partner: no pairing was published with them.
    denmark, stockholm = world.teams["Denmark"].id, world.teams["Stockholm"].id
    assert sorted((row.wave_id, row.team_id, row.first_release) for row in kept) == sorted(
        [(spring.id, denmark, 1)] * 5 + [(autumn.id, stockholm, 1)]
    )
    assert {(row.previous_partner_team_id, row.next_partner_team_id) for row in kept} == {
        (None, None)
    }
    answer_at_random(dbs, world, autumn, "Stockholm", 1, 40)
    spy.poll(manager, world)
    consultant_post(consultant, f"{base}/{autumn.id}/close")
    spy.poll(manager, world)

    assert spy.looks[-1], "the final release shows something"
    assert audit(spy.groups(world), K) is None
    assert spy.moves_by_fewer_than_k() == []
    spring_last = spy.answers[-len(world.teams) * len(world.waves) :][: len(world.teams)]
    for before, after in zip(spring_first, spring_last, strict=True):
        for key in ("headline", "distribution", "heatmap", "cooperation", "rates", "dimensions"):
            # Moved and erased since: Spring's release never changes, nor its tests or words.
            assert before["sections"][key] == after["sections"][key]
        assert before["release"] == after["release"]
        assert before["reading"] == after["reading"]


def test_managers_answers_are_never_shown_for_a_group_a_subtraction_would_expose(app, dbs):
    """Paris has 5 managers who answered, France 1 more of its own: France's 6 minus Paris's 5
    would be that one manager's self-assessment, so the two are never both shown."""
    world = gen_boreal(dbs, managers=True)
    spring = world.waves[0]
    answer_at_random(dbs, world, spring, "Oslo", 6, 1)
    answer_at_random(dbs, world, spring, "Nordics", 5, 2)
    rng = np.random.default_rng(3)
    for team, count in (("Oslo", 5), ("Nordics", 1)):
        answer_at_random(dbs, world, spring, team, count, rng, role="manager")
    gen_user(dbs, "boss@example.com", "manager", team=world.teams["Global"])
    login(client := app.test_client(), "boss@example.com")
    shown = {}
    for team in ("Global", "Nordics", "Oslo"):
        data = client.get(
            f"/api/v1/assessments/{world.assessment.id}/teams/{world.teams[team].id}"
            f"?wave={spring.id}"
        ).get_json()
        rows = data["sections"]["perception"]["rows"]
        if rows:
            shown[team] = rows[0]["managers"]
    assert shown, "some managers' view is shown"
    assert all(n >= K for n in shown.values())
    counts = sorted(set(shown.values()))
    assert all(b - a >= K for a, b in pairwise(counts)), shown


def test_team_link_answers_never_stuff_a_group_with_personal_answers(app, dbs):
    """A department's team link reaches teams that were invited personally: four known answers
    through it next to one real answer would give that answer away (P - A - known = B)."""
    world = gen_boreal(dbs)
    spring = world.waves[0]
    nordics, oslo = world.teams["Nordics"], world.teams["Stockholm"]
    for team in (oslo, world.teams["Oslo"]):
        dbs.add(
            Invitation(
                wave=spring,
                team_id=team.id,
                token_hash=f"{team.id:064d}",
                expires_at=spring.closes_at,
                used=True,
            )
        )
    dbs.commit()
    answer_at_random(dbs, world, spring, "Oslo", 5, 1)
    answer_at_random(dbs, world, spring, "Stockholm", 1, 2)
    for _ in range(4):  # the attacker's known answers, through Nordics' team link
        _planted(dbs, spring, nordics)
    gen_user(dbs, "boss@example.com", "manager", team=world.teams["Global"])
    login(client := app.test_client(), "boss@example.com")
    seen = {}
    for name in ("Global", "Nordics", "Oslo", "Stockholm"):
        data = client.get(
            f"/api/v1/assessments/{world.assessment.id}/teams/{world.teams[name].id}"
            f"?wave={spring.id}"
        ).get_json()
        rows = data["sections"]["headline"]["rows"]
        seen[name] = rows[0]["n"] if rows else None
    # The four team-link answers count nowhere; Stockholm's one person stays hidden.
    assert seen["Stockholm"] is None
    assert seen["Oslo"] is None or seen["Nordics"] is None or seen["Nordics"] - seen["Oslo"] >= K
    assert 4 + 5 + 1 not in seen.values()


def test_exports_after_an_interim_release_never_set_a_few_answers_apart(app, dbs):
    """Oslo and Stockholm had 4 answers each at the interim release (only Nordics shown). By
    closing, Oslo has 1 more and Stockholm 4 more: the final release shows both, but Oslo's
    exported rows would be 4 seen before plus 1 new, so every row stays under Nordics."""
    world = gen_boreal(dbs)
    autumn = world.waves[1]
    answer_at_random(dbs, world, autumn, "Oslo", 4, 1)
    answer_at_random(dbs, world, autumn, "Stockholm", 4, 2)
    gen_user(dbs, "c@example.com", "consultant", organisations=[world.organisation])
    login(consultant := app.test_client(), "c@example.com")
    base = f"/clients/{world.organisation.id}/assessments/{world.assessment.id}"
    consultant_post(consultant, f"{base}/waves/{autumn.id}/release")
    answer_at_random(dbs, world, autumn, "Oslo", 1, 3)
    answer_at_random(dbs, world, autumn, "Stockholm", 4, 4)
    consultant_post(consultant, f"{base}/waves/{autumn.id}/close")
    scores = made(consultant, f"{base}/exports/scores.csv")[1].get_data(as_text=True)
    labels = [
        row["team"]
        for row in csv.DictReader(io.StringIO(scores.lstrip("\ufeff")))
        if row["wave"] == "Autumn"
    ]
    assert labels and set(labels) == {"Global/Nordics"} and len(labels) == 13
    final = made(consultant, f"{base}/exports/aggregates.csv")[1].get_data(as_text=True)
    assert "Global/Nordics/Oslo,Autumn,Mindset index,5," in final  # the release shows Oslo


def test_anonymous_waves_have_no_interim_release(app, dbs):
    """An interim release would record on each anonymous answer whether it came before it."""
    world = gen_boreal(dbs)
    world.assessment.mode = "anonymous"
    dbs.commit()
    autumn = world.waves[1]
    answer_at_random(dbs, world, autumn, "Oslo", 6, 1)
    gen_user(dbs, "c@example.com", "consultant", organisations=[world.organisation])
    login(consultant := app.test_client(), "c@example.com")
    base = f"/clients/{world.organisation.id}/assessments/{world.assessment.id}"
    refused = consultant.get(f"{base}/waves/{autumn.id}/release")
    assert refused.status_code == 409
    assert "released once, when the wave closes" in refused.get_data(as_text=True)
    page = consultant.get(base)
    assert page.status_code == 200 and "Close now" in page.get_data(as_text=True)
    assert "Release interim results" not in page.get_data(as_text=True)
    made = select(func.count()).where(Release.wave_id == autumn.id)
    assert dbs.scalar(made) == 0


def test_team_link_answers_below_a_group_never_stuff_it_either(app, dbs):
    """Oslo's one person was invited personally; four known answers through Stockholm's team
    link (Stockholm has no invitations) would make Nordics 5 = 4 known + Oslo's one."""
    world = gen_boreal(dbs)
    spring = world.waves[0]
    dbs.add(
        Invitation(
            wave=spring,
            team_id=world.teams["Oslo"].id,
            token_hash="1" * 64,
            expires_at=spring.closes_at,
            used=True,
        )
    )
    dbs.commit()
    answer_at_random(dbs, world, spring, "Oslo", 1, 1)
    for _ in range(4):
        _planted(dbs, spring, world.teams["Stockholm"])
    gen_user(dbs, "boss@example.com", "manager", team=world.teams["Global"])
    login(client := app.test_client(), "boss@example.com")
    for name in ("Global", "Nordics"):
        data = client.get(
            f"/api/v1/assessments/{world.assessment.id}/teams/{world.teams[name].id}"
            f"?wave={spring.id}"
        ).get_json()
        assert data["sections"]["headline"]["rows"] == [], name
