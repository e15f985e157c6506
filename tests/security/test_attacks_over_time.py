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
from datetime import timedelta
from itertools import pairwise

import numpy as np
import pytest
from sqlalchemy import func, select

from questionnaires import load_directory
from survey.models import (
    Assessment,
    Invitation,
    Organisation,
    Person,
    Release,
    ReleasedErasure,
    Response,
    Team,
    Wave,
)
from survey.models._columns import utcnow
from survey.models.response import pack_values
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.disclosure_oracle import audit
from tests.factories import gen_user, rep_questionnaire

K = 5


@dataclass
class Truth:
    """What the test knows: each wave's responses, and each release's tree and members."""

    parents: dict[int, int | None]
    alive: dict[int, set[int]] = field(default_factory=dict)  # wave -> response ids
    team_of: dict[int, int] = field(default_factory=dict)  # response -> team
    releases: dict[tuple[int, int], tuple[dict, frozenset]] = field(default_factory=dict)

    def subtree(self, parents: dict, team: int, members: frozenset) -> frozenset:
        def inside(node):
            while node is not None:
                if node == team:
                    return True
                node = parents[node]
            return False

        return frozenset(r for r in members if inside(self.team_of[r]))


@dataclass
class World:
    organisation: Organisation
    assessment: Assessment
    waves: list[Wave]
    teams: dict[str, Team]
    truth: Truth


def build(dbs) -> World:
    questionnaire = rep_questionnaire()
    organisation = Organisation(name="Boreal")
    dbs.add(organisation)
    dbs.flush()

    def team(name, parent=None):
        node = Team(organisation_id=organisation.id, name=name, parent=parent)
        dbs.add(node)
        dbs.flush()
        return node

    top = team("Global")
    nordics = team("Nordics", top)
    teams = {
        "Global": top,
        "Nordics": nordics,
        "Oslo": team("Oslo", nordics),
        "Stockholm": team("Stockholm", nordics),
        "Denmark": team("Denmark", top),
    }
    assessment = Assessment(
        organisation_id=organisation.id,
        name="Mindset",
        mode="confidential",
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    now = utcnow()
    waves = [
        Wave(
            assessment=assessment,
            name="Spring",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=60),
        ),
        Wave(
            assessment=assessment,
            name="Autumn",
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=20),
        ),
    ]
    dbs.add_all([assessment, *waves])
    dbs.commit()
    truth = Truth({t.id: t.parent_id for t in teams.values()})
    return World(organisation, assessment, waves, teams, truth)


def answer(dbs, world: World, wave: Wave, team: str, n: int, seed: int, key: str | None = None):
    """``n`` responses with random answers, known to the truth."""
    questionnaire = rep_questionnaire()
    rng = np.random.default_rng(seed)
    for _ in range(n):
        response = Response(
            wave=wave,
            team_id=world.teams[team].id,
            questionnaire_key=questionnaire.key,
            questionnaire_version=questionnaire.version,
            values=pack_values([int(v) for v in rng.integers(1, 8, len(questionnaire.items))]),
            respondent_key=key,
        )
        dbs.add(response)
        dbs.flush()
        world.truth.alive.setdefault(wave.id, set()).add(response.id)
        world.truth.team_of[response.id] = world.teams[team].id
    dbs.commit()


def note_release(world: World, wave: Wave, seq: int) -> None:
    """The truth of what release ``seq`` of ``wave`` took in (called right after it is made)."""
    key = (wave.id, seq)
    if key not in world.truth.releases:
        members = frozenset(world.truth.alive.get(wave.id, set()))
        world.truth.releases[key] = (dict(world.truth.parents), members)


@dataclass
class Attacker:
    """Everything one manager saw: ``(wave, release seq, team) -> n``, in order of looking."""

    looks: list[dict[tuple[int, int, int], int]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)  # every API answer, in order

    def poll(self, client, world: World) -> None:
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
                    assert rows == [] and csv_text.strip() == ""
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

    def groups(self, world: World) -> dict[tuple[int, int, int], frozenset]:
        """Every figure seen, as the set of responses behind it (the truth's view)."""
        sets = {}
        for look in self.looks:
            for (wave, seq, team), n in look.items():
                parents, members = world.truth.releases[(wave, seq)]
                behind = world.truth.subtree(parents, team, members)
                assert len(behind) == n, (wave, seq, team)  # the test's truth is the app's
                sets[(wave, seq, team)] = behind
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


def erase(dbs, consultant, world: World, pseudonym: str, team: str) -> set[int]:
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
    for alive in world.truth.alive.values():
        alive -= keyed
    return keyed


def _reliability(html: str) -> str:
    return html.split('id="reliability"', 1)[1].split("</section>", 1)[0]


def consultant_post(client, url: str) -> None:
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code in (302, 409), response.status_code


@pytest.mark.slow
def test_a_manager_who_polls_and_subtracts_learns_nothing_under_k(app, dbs):
    world = build(dbs)
    spring, autumn = world.waves
    gen_user(dbs, "boss@example.com", "manager", team=world.teams["Global"])
    gen_user(dbs, "c@example.com", "consultant", organisations=[world.organisation])
    manager, consultant = app.test_client(), app.test_client()
    login(manager, "boss@example.com")
    login(consultant, "c@example.com")
    base = f"/clients/{world.organisation.id}/assessments/{world.assessment.id}/waves"
    release = f"{base}/{autumn.id}/release"
    spy = Attacker()

    answer(dbs, world, spring, "Oslo", 3, 1)
    answer(dbs, world, spring, "Stockholm", 6, 2)
    answer(dbs, world, spring, "Denmark", 5, 3, key="erase-me")
    spy.poll(manager, world)  # Spring is released as it is read: closed

    answer(dbs, world, autumn, "Oslo", 5, 4)
    answer(dbs, world, autumn, "Stockholm", 5, 5)
    answer(dbs, world, autumn, "Stockholm", 1, 50, key="late-erase")
    answer(dbs, world, autumn, "Denmark", 4, 6)
    spy.poll(manager, world)  # Autumn open: counts only
    consultant_post(consultant, release)
    spy.poll(manager, world)
    for step, team in enumerate(["Oslo", "Denmark", "Stockholm", "Oslo", "Oslo"]):
        answer(dbs, world, autumn, team, 1, 10 + step)  # one more answer ...
        spy.poll(manager, world)
        consultant_post(consultant, release)  # ... and a release right after it
        spy.poll(manager, world)

    spring_first = spy.answers[: len(world.teams)]
    # A team moves: Denmark goes under Nordics. Past waves keep their tree.
    world.teams["Denmark"].parent_id = world.teams["Nordics"].id
    world.truth.parents[world.teams["Denmark"].id] = world.teams["Nordics"].id
    dbs.commit()
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
    answer(dbs, world, autumn, "Stockholm", 1, 40)
    spy.poll(manager, world)
    consultant_post(consultant, f"{base}/{autumn.id}/close")
    spy.poll(manager, world)

    assert spy.looks[-1], "the final release shows something"
    assert audit(spy.groups(world), K) is None
    assert spy.moves_by_fewer_than_k() == []
    spring_last = spy.answers[-len(world.teams) * len(world.waves) :][: len(world.teams)]
    for before, after in zip(spring_first, spring_last, strict=True):
        for key in ("headline", "distribution", "heatmap", "cooperation", "rates"):
            # Moved and erased since: Spring's release never changes.
            assert before["sections"][key] == after["sections"][key]
        assert before["release"] == after["release"]


def test_managers_answers_are_never_shown_for_a_group_a_subtraction_would_expose(app, dbs):
    """Paris has 5 managers who answered, France 1 more of its own: France's 6 minus Paris's 5
    would be that one manager's self-assessment, so the two are never both shown."""
    world = build(dbs)
    manager_q = load_directory()[("manager-mindset", 1)]
    world.assessment.manager_questionnaire_key = manager_q.key
    world.assessment.manager_questionnaire_version = manager_q.version
    world.assessment.manager_questionnaire_sha256 = manager_q.sha256
    spring = world.waves[0]
    answer(dbs, world, spring, "Oslo", 6, 1)
    answer(dbs, world, spring, "Nordics", 5, 2)
    rng = np.random.default_rng(3)
    for team, count in (("Oslo", 5), ("Nordics", 1)):
        for _ in range(count):
            dbs.add(
                Response(
                    wave=spring,
                    team_id=world.teams[team].id,
                    role="manager",
                    questionnaire_key=manager_q.key,
                    questionnaire_version=manager_q.version,
                    values=pack_values([int(v) for v in rng.integers(1, 8, len(manager_q.items))]),
                )
            )
    dbs.commit()
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
    world = build(dbs)
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
    answer(dbs, world, spring, "Oslo", 5, 1)
    answer(dbs, world, spring, "Stockholm", 1, 2)
    questionnaire = rep_questionnaire()
    for _ in range(4):  # the attacker's known answers, through Nordics' team link
        dbs.add(
            Response(
                wave=spring,
                team_id=nordics.id,
                channel="team_link",
                questionnaire_key=questionnaire.key,
                questionnaire_version=questionnaire.version,
                values=pack_values([4] * len(questionnaire.items)),
            )
        )
    dbs.commit()
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
    world = build(dbs)
    autumn = world.waves[1]
    answer(dbs, world, autumn, "Oslo", 4, 1)
    answer(dbs, world, autumn, "Stockholm", 4, 2)
    gen_user(dbs, "c@example.com", "consultant", organisations=[world.organisation])
    login(consultant := app.test_client(), "c@example.com")
    base = f"/clients/{world.organisation.id}/assessments/{world.assessment.id}"
    consultant_post(consultant, f"{base}/waves/{autumn.id}/release")
    answer(dbs, world, autumn, "Oslo", 1, 3)
    answer(dbs, world, autumn, "Stockholm", 4, 4)
    consultant_post(consultant, f"{base}/waves/{autumn.id}/close")
    labels = [
        row["team"]
        for row in csv.DictReader(
            io.StringIO(
                consultant.get(f"{base}/exports/scores.csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
        if row["wave"] == "Autumn"
    ]
    assert labels and set(labels) == {"Global/Nordics"} and len(labels) == 13
    final = consultant.get(f"{base}/exports/aggregates.csv").get_data(as_text=True)
    assert "Global/Nordics/Oslo,Autumn,Mindset index,5," in final  # the release shows Oslo


def test_anonymous_waves_have_no_interim_release(app, dbs):
    """An interim release would record on each anonymous answer whether it came before it."""
    world = build(dbs)
    world.assessment.mode = "anonymous"
    dbs.commit()
    autumn = world.waves[1]
    answer(dbs, world, autumn, "Oslo", 6, 1)
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
    world = build(dbs)
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
    answer(dbs, world, spring, "Oslo", 1, 1)
    questionnaire = rep_questionnaire()
    for _ in range(4):
        dbs.add(
            Response(
                wave=spring,
                team_id=world.teams["Stockholm"].id,
                channel="team_link",
                questionnaire_key=questionnaire.key,
                questionnaire_version=questionnaire.version,
                values=pack_values([4] * len(questionnaire.items)),
            )
        )
    dbs.commit()
    gen_user(dbs, "boss@example.com", "manager", team=world.teams["Global"])
    login(client := app.test_client(), "boss@example.com")
    for name in ("Global", "Nordics"):
        data = client.get(
            f"/api/v1/assessments/{world.assessment.id}/teams/{world.teams[name].id}"
            f"?wave={spring.id}"
        ).get_json()
        assert data["sections"]["headline"]["rows"] == [], name
