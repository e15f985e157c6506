"""A world for the reps' own words: a team tree whose reps write steps the truth can trace.

:func:`gen_words_world` makes an organisation with teams ``{name: parent name}`` (parents
first), an assessment (confidential unless told, so that interim releases can be made) with
k = ``k`` and a words threshold ``threshold``, one open wave, and in each team ``answers``
responses of which the first ``writers`` write two steps of words each. Every step's text is
unique (``"reason 7 ..."``), so the truth maps each step shown back to its response; the others
answer with no words at all. :func:`close` closes the wave, so the next view makes its final
release. Users: an admin and a manager of each team (``world.users``, by team name).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from survey.models import Assessment, Organisation, Team, User, Wave
from survey.models._columns import utcnow
from tests.factories.base import (
    gen_assessment,
    gen_organisation,
    gen_response,
    gen_team,
    gen_user,
    gen_wave,
)

NUMBERS = itertools.count()
# The two steps each writer writes: the first sorted as customers, the second not sorted yet.
FIRST, SECOND = "reason {n}: our customers trust us", "reason {n}: the company grows with customers"


@dataclass
class WordsWorld:
    organisation: Organisation
    assessment: Assessment
    wave: Wave
    teams: dict[str, Team]
    users: dict[str, User]
    writer_of: dict[str, int] = field(default_factory=dict)  # step text -> response id
    team_of: dict[int, str] = field(default_factory=dict)  # response id -> team name

    def writers(self, texts) -> set[int]:
        """The responses that wrote ``texts``."""
        return {self.writer_of[text] for text in texts}


def gen_words_world(
    dbs: Session,
    tree: dict[str, str | None],
    counts: dict[str, tuple[int, int]],
    *,
    k: int = 3,
    threshold: int = 4,
    mode: str = "confidential",
) -> WordsWorld:
    """The world of the module: ``counts`` gives each team's ``(answers, writers)``."""
    organisation = gen_organisation(dbs, f"Words {next(NUMBERS)}")
    teams: dict[str, Team] = {}
    for name, parent in tree.items():
        teams[name] = gen_team(dbs, organisation, name, teams[parent] if parent else None)
    assessment = gen_assessment(
        dbs, organisation, mode, min_group_size=k, comment_min_group_size=threshold
    )
    wave = gen_wave(dbs, assessment, -timedelta(days=5), timedelta(days=30), "Now")
    users = {"admin": gen_user(dbs, f"admin{organisation.id}@words.example", "admin")}
    for name, team in teams.items():
        email = f"{name.lower()}{organisation.id}@words.example"
        users[name] = gen_user(dbs, email, "manager", team)
    world = WordsWorld(organisation, assessment, wave, teams, users)
    for name, (answers, writers) in counts.items():
        for person in range(answers):
            add_answer(dbs, world, name, words=person < writers)
    return world


def add_answer(dbs: Session, world: WordsWorld, team: str, *, words: bool = True) -> int:
    """One more response in ``team`` (with two steps of words, or none); returns its id."""
    if not words:
        return gen_response(dbs, world.wave, world.teams[team], ladder_target=None).id
    n = next(NUMBERS)
    texts = (FIRST.format(n=n), SECOND.format(n=n))
    response = gen_response(
        dbs, world.wave, world.teams[team], steps=[(texts[0], "customers"), (texts[1], None)]
    )
    for text in texts:
        world.writer_of[text] = response.id
    world.team_of[response.id] = team
    return response.id


def close(dbs: Session, world: WordsWorld) -> None:
    """Close the wave now: the next view makes its final release."""
    world.wave.closes_at = utcnow() - timedelta(seconds=1)
    dbs.commit()
