"""Making a release: score the wave's responses, decide what may be shown, audit, store.

The order is the privacy model's: the responses a release takes in are marked first (so a
response submitted while the release is computed waits for the next one); suppression decides
each cell (:mod:`analysis.privacy`); the auditor checks the candidate together with every earlier
release of the wave and withholds more where a small group could be worked out
(:mod:`analysis.disclosure`); only then are the figures stored, never to change. The final
release also publishes the reps' results by the language they answered in, audited against
every team group of the wave (:mod:`survey.releases.languages`). The final
release of a wave of a confidential assessment also pairs it with the wave before
(:mod:`survey.releases.pairing`), audited in both waves. Only the final release pools the reps'
own words into word groups over the teams it shows (:func:`survey.ladder_words.release_words`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from analysis.privacy import COMPLEMENTARY, CellDecision, Suppression, suppress
from survey.aggregates import model
from survey.aggregates.loading import decode_answers, released_scores
from survey.instruments import InstrumentMissing, all_questionnaires, questionnaire_for
from survey.invitations import invitation_counts
from survey.ladder_words import release_words, words_threshold
from survey.models import Assessment, Release, Response, Wave
from survey.releases.audit import PublishedGroups, atom_tallies, release_groups, withheld_groups
from survey.releases.languages import release_languages
from survey.releases.pairing import add_pairing, previous_wave
from survey.releases.payload import release_payload
from survey.scoring import questionnaire_flags

WITHHELD = "hidden so that answers given since the last release cannot be worked out"


def make_release(session: Session, assessment: Assessment, wave: Wave, final: bool) -> Release:
    """Compute, audit and add (not commit) the next release of ``wave``.

    The wave's row is locked first (on PostgreSQL; SQLite has one writer at a time), so that an
    erasure in the same wave waits for the release, or the release for it. ``FOR NO KEY
    UPDATE`` leaves submissions free: their foreign key to the wave takes only a key-share lock.
    A final release of a confidential assessment also locks the wave before it, which it pairs
    with (:mod:`survey.releases.pairing`); rows are locked in id order, as erasures lock them.
    """
    before = previous_wave(assessment, wave) if final else None
    locked = [wave.id] if before is None else [wave.id, before.id]
    session.execute(
        select(Wave.id).where(Wave.id.in_(locked)).order_by(Wave.id).with_for_update(key_share=True)
    )
    earlier = list(
        session.scalars(select(Release).where(Release.wave_id == wave.id).order_by(Release.seq))
    )
    seq = (earlier[-1].seq if earlier else 0) + 1
    careless_left_out = (
        earlier[0].payload.get("careless_left_out", False)
        if earlier
        else assessment.careless_left_out
    )
    judge_careless(session, wave)
    taken = [Response.wave_id == wave.id, Response.released_in.is_(None)]
    if careless_left_out:  # judged and not flagged: one that came in meanwhile waits
        taken.append(Response.careless.is_(False))
    session.execute(
        update(Response)
        .where(*taken)
        .values(released_in=seq)
        .execution_options(synchronize_session=False)
    )
    k = assessment.min_group_size
    nodes = model.organisation_nodes(session, assessment.organisation_id)
    parents = {node.id: node.parent_id for node in nodes}
    invited = invitation_counts(session, wave.id)
    sent = {team: count for team, (count, _) in invited.items()}
    left_out = (
        set(earlier[0].payload["team_link_left_out"])
        if earlier
        else _invited_trees(parents, {team for team, count in sent.items() if count})
    )
    questionnaire = questionnaire_for(*wave.instrument("rep"))
    reps = released_scores(session, wave.id, questionnaire, "rep", left_out)
    managers = (
        released_scores(
            session,
            wave.id,
            questionnaire_for(*wave.instrument("manager")),
            "manager",
            left_out,
        )
        if assessment.manager_questionnaire_key
        else None
    )
    info = model.WaveInfo(wave.id, wave.name)
    dimensions = [dimension.name for dimension in questionnaire.dimensions]
    view = model.build_view(nodes, [info], dimensions, {wave.id: reps}, k, sent)
    manager_cells = _manager_suppression(parents, managers, wave.id, k) if managers else None

    candidate = PublishedGroups(seq, parents, _published(view, manager_cells, wave.id))
    withheld = withheld_groups(
        [release_groups(release) for release in earlier],
        candidate,
        atom_tallies(session, wave.id, left_out),
        k,
    )
    reason = WITHHELD if earlier else COMPLEMENTARY
    view.suppression = _withhold(
        view.suppression, {t for r, t in withheld if r == "rep"}, wave.id, reason
    )
    if manager_cells is not None:
        manager_cells = _withhold(
            manager_cells, {t for r, t in withheld if r == "manager"}, wave.id, reason
        )
    published = _published(view, manager_cells, wave.id)
    ladder_labels = questionnaire.ladder.labels() if questionnaire.ladder else {}
    payload = release_payload(
        view,
        info,
        managers,
        manager_cells,
        ladder_labels,
        invited,
        questionnaire,
    )
    payload["published"] = published
    payload["team_link_left_out"] = sorted(left_out)
    payload["careless_left_out"] = careless_left_out
    if final:
        payload["words"] = release_words(
            session, view, wave.id, questionnaire, left_out, words_threshold(assessment)
        )
        earlier_groups = [release_groups(release) for release in earlier]
        payload["languages"], languages = release_languages(
            session,
            wave.id,
            PublishedGroups(seq, parents, published),
            earlier_groups,
            left_out,
            k,
        )
        this_release = PublishedGroups(seq, parents, published, languages)
        add_pairing(
            session, assessment, wave, payload, this_release, earlier_groups, questionnaire, k
        )
    release = Release(wave_id=wave.id, seq=seq, final=final, k=k, payload=payload)
    session.add(release)
    session.flush()
    return release


def judge_careless(session: Session, wave: Wave) -> None:
    """Flag the wave's responses no release has judged yet as careless or not.

    Each response is judged once, by its own answers (:func:`survey.scoring.questionnaire_flags`),
    before a release first considers it; the flag is never shown for one response.
    """
    rows = session.execute(
        select(
            Response.id, Response.values, Response.questionnaire_key, Response.questionnaire_version
        ).where(
            Response.wave_id == wave.id,
            Response.released_in.is_(None),
            Response.careless.is_(None),
        )
    ).all()
    questionnaires = all_questionnaires()
    by_instrument: dict[tuple[str, int], list] = {}
    for row in rows:
        by_instrument.setdefault((row[2], row[3]), []).append(row)
    for instrument, found in by_instrument.items():
        questionnaire = questionnaires.get(instrument)
        if questionnaire is None:
            raise InstrumentMissing(*instrument)
        matrix = decode_answers([row[1] for row in found], len(questionnaire.items))
        flagged = questionnaire_flags(matrix, questionnaire).flagged
        session.execute(  # one executemany, however many responses
            JUDGE,
            [
                {"judged": row[0], "flag": bool(flag)}
                for row, flag in zip(found, flagged, strict=True)
            ],
        )


JUDGE = (
    update(Response.__table__)
    .where(Response.__table__.c.id == bindparam("judged"))
    .values(careless=bindparam("flag"))
)


def _invited_trees(parents: dict[int, int | None], invited: set[int]) -> set[int]:
    """Every team of each top-level tree in which someone was invited personally.

    Team-link answers to these teams are left out of every release of the wave (the set is
    fixed at the wave's first release): nothing shows that they come from different people, and
    every group above a team-link answer's team, up to the top, would mix them with personal
    answers, so they could stuff such a group to work out the personal answers in it.
    """

    def root(team: int) -> int:
        while parents.get(team) is not None:
            team = parents[team]
        return team

    mixed = {root(team) for team in invited if team in parents}
    return {team for team in parents if root(team) in mixed}


def _manager_suppression(parents, managers, wave_id: int, k: int) -> Suppression:
    teams, counts = np.unique(managers.team_ids, return_counts=True)
    own = {(int(t), wave_id): int(c) for t, c in zip(teams, counts, strict=True) if t in parents}
    if parents:
        own.setdefault((next(iter(parents)), wave_id), 0)
    return suppress(parents, own, k)


def _published(view: model.OrganisationView, managers: Suppression | None, wave_id: int) -> dict:
    reps = [team for team in view.teams if view.visible(team, wave_id)]
    shown_managers = [
        team for team in reps if managers is not None and managers.decision(team, wave_id).visible
    ]
    return {"rep": reps, "manager": shown_managers}


def _withhold(suppression: Suppression, teams: set[int], wave_id: int, reason: str) -> Suppression:
    if not teams:
        return suppression
    cells = dict(suppression.cells)
    for team in teams:
        cell: CellDecision = cells[(team, wave_id)]
        cells[(team, wave_id)] = replace(cell, visible=False, reason=reason)
    return Suppression(suppression.k, cells)


def next_interim_problem(session: Session, wave: Wave) -> str | None:
    """Why an interim release cannot be made now, or None.

    Anonymous assessments are released once, when the wave closes: an interim release would
    record on each answer whether it came in before or after it.
    """
    if wave.assessment.mode == "anonymous":
        return _(
            "This assessment is anonymous: its results are released once, when the wave "
            "closes, so that nothing records when an answer came in."
        )
    final = session.scalar(
        select(func.count()).where(Release.wave_id == wave.id, Release.final.is_(True))
    )
    if final:
        return _(
            "%(wave)s has been released in full; nothing more can be released.", wave=wave.name
        )
    waiting = session.scalar(
        select(func.count()).where(
            Response.wave_id == wave.id,
            Response.released_in.is_(None),
            Response.careless.is_not(True),
        )
    )
    if not waiting:
        return _("No answers have come in since the last release.")
    return None
