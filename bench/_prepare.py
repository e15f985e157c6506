"""A benchmark database: one open wave whose invitations each hold a complete draft.

Submitting such an invitation's last page with ``action=submit`` stores a response at once, as
a rep's final click does after answering every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from questionnaires import load_directory
from survey.config import DEFAULTS
from survey.db import Base, make_engine
from survey.invitations import invite_people, invite_unnamed
from survey.models import (
    Assessment,
    Draft,
    Invitation,
    Organisation,
    Person,
    Team,
    Wave,
)
from survey.models._columns import utcnow
from survey.models.response import new_response_id
from survey.rep.pages import plan_pages
from survey.rep.sealing import draft_key, seal
from survey.tokens import token_hash

QUESTIONNAIRE = ("rep-mindset", 1)
ITEMS_PER_PAGE = DEFAULTS["ITEMS_PER_PAGE"]
ANSWER = 6
WORDS = "Customers who trust us"  # each prepared step of the WHY ladder
INVITATION_DAYS = 30


@dataclass(frozen=True)
class PreparedWave:
    """Where the prepared invitations are submitted, and what a response of them holds.

    ``pseudonyms[i]`` is the respondent key that the response of ``tokens[i]`` carries
    (confidential mode only; empty otherwise). ``other_team_id`` is a team the respondent may
    name on the cooperation page.
    """

    tokens: list[str]
    pseudonyms: list[str]
    last_page: int
    wave_id: int
    team_id: int
    other_team_id: int
    questionnaire_key: str
    questionnaire_version: int
    item_ids: tuple[str, ...]
    ladder: list[dict]


def sealed_drafts(session: Session, wave_id: int, tokens: list[str], state: dict) -> list[dict]:
    """Rows for ``insert(Draft)``: ``state`` sealed under each invitation's own link."""
    by_hash = {token_hash(token): token for token in tokens}
    rows = []
    for invitation_id, digest in session.execute(
        select(Invitation.id, Invitation.token_hash).where(Invitation.wave_id == wave_id)
    ):
        draft_id = new_response_id()
        sealed = seal(draft_key(by_hash[digest]), draft_id, state)
        rows.append({"id": draft_id, "invitation_id": invitation_id, "sealed": sealed})
    return rows


def prepare_wave(
    database_url: str, invitations: int, *, confidential: bool = False, rungs: int = 1
) -> PreparedWave:
    """Create the tables, an open wave and ``invitations`` links with complete drafts.

    Each draft answers every item with ``ANSWER`` and climbs ``rungs`` steps of the WHY ladder.
    In confidential mode each invitation is a person's, so that each response carries its own
    respondent key; otherwise the invitations are unnamed.
    """
    questionnaire = load_directory()[QUESTIONNAIRE]
    pages = plan_pages(questionnaire, ITEMS_PER_PAGE)
    targets = questionnaire.ladder.targets
    ladder = [{"target": targets[n % len(targets)].key, "words": WORDS} for n in range(rungs)]
    state = {
        "answers": {item.id: ANSWER for item in questionnaire.items},
        "ladder": ladder,
        "ladder_done": True,
        "reached": len(pages),
    }
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as session:
        organisation = Organisation(name="Bench Solar")
        sales = Team(organisation=organisation, name="Global")
        france = Team(organisation=organisation, name="France", parent=sales)
        product = Team(organisation=organisation, name="Product", department="product")
        assessment = Assessment(
            organisation=organisation,
            name="Mindset",
            mode="confidential" if confidential else "anonymous",
            rep_questionnaire_key=questionnaire.key,
            rep_questionnaire_version=questionnaire.version,
            rep_questionnaire_sha256=questionnaire.sha256,
        )
        wave = Wave(
            assessment=assessment,
            name="Wave 1",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
        session.add_all([organisation, sales, france, product, assessment, wave])
        session.flush()
        people = []
        if confidential:
            people = [
                Person(
                    organisation_id=organisation.id,
                    team_id=france.id,
                    email=f"rep{n}@bench.example",
                )
                for n in range(invitations)
            ]
            session.add_all(people)
            session.flush()
            links = invite_people(session, wave, people, now, INVITATION_DAYS)
        else:
            links = invite_unnamed(
                session, wave, france.id, invitations, "rep", now, INVITATION_DAYS
            )
        session.flush()
        drafts = sealed_drafts(session, wave.id, [link.token for link in links], state)
        if drafts:
            session.execute(insert(Draft), drafts)
        session.commit()
    engine.dispose()
    return PreparedWave(
        tokens=[link.token for link in links],
        pseudonyms=[person.pseudonym for person in people],
        last_page=len(pages),
        wave_id=wave.id,
        team_id=france.id,
        other_team_id=product.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        item_ids=tuple(item.id for item in questionnaire.items),
        ladder=ladder,
    )


def submit_fields(wave: PreparedWave) -> dict[str, str]:
    """The last page's answers: help received from and given to the other team."""
    return {"help-received": str(wave.other_team_id), "help-given": str(wave.other_team_id)}


def bare_body(wave: PreparedWave) -> str:
    """The bare endpoint's form: the same answers, ladder and cooperation as a prepared draft
    and its last page, so that it stores the same rows as the app's submit."""
    fields = [(f"q-{item_id}", str(ANSWER)) for item_id in wave.item_ids]
    for position, rung in enumerate(wave.ladder, start=1):
        fields += [
            (f"ladder-{position}-target", rung["target"]),
            (f"ladder-{position}-words", rung["words"]),
        ]
    return urlencode(fields + list(submit_fields(wave).items()))
