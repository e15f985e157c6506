"""A small organisation with controlled answer counts in two waves, for dashboard tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from survey.models import Assessment, LadderRung, Organisation, Response, Team, Wave
from survey.models._columns import utcnow
from survey.models.response import pack_values
from tests.factories import rep_questionnaire

# Global (own 0) -> France (6 + Paris 7), Spain (3); Product (6). France and Paris move towards
# purpose between the waves; Spain has too few answers to show at all.
COUNTS = {"France": 6, "Paris": 7, "Spain": 3, "Product": 6}


@dataclass
class Org:
    organisation: Organisation
    assessment: Assessment
    waves: list[Wave]
    teams: dict[str, Team]


def add_responses(dbs, wave: Wave, team: Team, n: int, value: int) -> None:
    questionnaire = rep_questionnaire()
    for person in range(n):
        # The same answer to every item: purpose-keyed items score `value`, the others reversed.
        answers = [value if not item.reversed else 8 - value for item in questionnaire.items]
        answers[person % len(answers)] = 4  # a little spread inside the team
        top = "customers" if value > 4 else "pay"
        dbs.add(
            Response(
                wave=wave,
                team_id=team.id,
                questionnaire_key=questionnaire.key,
                questionnaire_version=questionnaire.version,
                values=pack_values(answers),
                ladder=[LadderRung(position=1, target=top)],
            )
        )


def build_org(dbs, name: str = "Helio") -> Org:
    questionnaire = rep_questionnaire()
    organisation = Organisation(name=name)
    dbs.add(organisation)
    dbs.flush()

    def team(team_name, parent=None, department="sales"):
        node = Team(
            organisation_id=organisation.id, name=team_name, parent=parent, department=department
        )
        dbs.add(node)
        return node

    global_team = team("Global")
    france = team("France", global_team)
    teams = {
        "Global": global_team,
        "France": france,
        "Paris": team("Paris", france),
        "Spain": team("Spain", global_team),
        "Product": team("Product", None, "product"),
    }
    assessment = Assessment(
        organisation_id=organisation.id,
        name="Mindset 2026",
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    now = utcnow()
    waves = [
        Wave(
            assessment=assessment,
            name="Spring",
            opens_at=now - timedelta(days=200),
            closes_at=now - timedelta(days=180),
        ),
        Wave(
            assessment=assessment,
            name="Autumn",
            opens_at=now - timedelta(days=20),
            closes_at=now - timedelta(days=1),
        ),
    ]
    dbs.add_all([assessment, *waves])
    dbs.flush()
    for wave, value in zip(waves, (3, 6), strict=True):
        for team_name, count in COUNTS.items():
            add_responses(dbs, wave, teams[team_name], count, value)
    dbs.commit()
    return Org(organisation, assessment, waves, teams)
