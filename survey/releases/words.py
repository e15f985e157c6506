"""The "In their own words" section: a team's view of the reps' words, read when shown.

The final release of a wave stores, for each team it shows, which word groups make up the
team's view (:func:`survey.ladder_words.release_words`); the words and their current category
are read now (:func:`survey.ladder_words.stored_words`), so erased steps are gone and held-back
ones only counted. The section is never cached with the released figures. Beside the words, in
random order and without team or date, the themes that recur among them
(:func:`analysis.themes.themes`).
"""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from analysis.themes import NOT_SORTED, Recurring, themes
from survey.aggregates.cache import score_cache
from survey.aggregates.model import Section
from survey.i18n import language
from survey.instruments import questionnaire_for
from survey.ladder_words import steps_stamp, stored_words
from survey.models import Assessment
from survey.releases.cells import NOT_IN_TREE
from survey.releases.read import Dashboard
from survey.releases.store import payload

TITLE = "In their own words"
"""The section's title in English (the section gives it in the reader's language)."""
LISTED = 100
"""Words listed in the JSON API and the report (all of them are in the words CSV)."""
COLUMNS = ["words", "category"]


def words_section(session: Session, assessment: Assessment, board: Dashboard) -> Section:
    """The team's words for the board's wave, read from the final release's word groups as the
    stored steps now stand: cached until a step of the wave is held back, shown again, sorted
    or erased (:func:`survey.ladder_words.steps_stamp`)."""
    release = board.release
    if release is None or not release.final:
        return _nothing(
            board.team.name, _("no final release of %(wave)s yet", wave=board.wave.name)
        )
    key = (
        "words",
        board.wave,  # its name is read live
        release.seq,
        board.team.id,
        steps_stamp(session, board.wave.id),
        language(),
    )
    cache = score_cache()
    section = cache.get(key)
    if section is None:
        section = _read(session, assessment, board)
        cache.put(key, section)
    return section


def _read(session: Session, assessment: Assessment, board: Dashboard) -> Section:
    team, release = board.team, board.release
    data = payload(session, release)
    stored = data.get("words")
    if stored is None:
        return _nothing(team.name, _("this release was made before people's words were released"))
    cell = data["cells"].get(str(team.id))
    if cell is None or not cell["visible"]:
        return _nothing(team.name, NOT_IN_TREE if cell is None else cell["reason"])
    threshold = stored["threshold"]
    view = stored["views"].get(str(team.id))
    if view is None:
        return _nothing(
            team.name,
            _(
                "fewer than %(threshold)s people's words in this group and the groups below it",
                threshold=threshold,
            ),
        )
    blocks = [stored["blocks"][owner] for owner in view["blocks"]]
    found = stored_words(session, board.wave.id, blocks)
    labels = _labels(assessment, board.wave.id)
    words = [words for words, _, _ in found.shown]
    categories = [
        None if target is None else labels.get(target, target) for _, target, _ in found.shown
    ]
    people = view["writers"] - found.withdrawn
    findings = [
        _(
            "Words from %(people)s people in this group and the groups below it, in random "
            "order, without team or date. Shown only for groups pooling at least "
            "%(threshold)s people's words. %(held_back)s held back by the consultant.",
            people=people,
            threshold=threshold,
            held_back=found.held_back,
        )
    ]
    if found.withdrawn:
        findings.append(
            _(
                "The words of %(withdrawn)s people are no longer shown: someone in their group "
                "had their answers erased, and what is left of a group is not shown on its own.",
                withdrawn=found.withdrawn,
            )
        )
    if stored["not_pooled"].get(str(team.id)):
        findings.append(
            _(
                "The words of fewer than %(threshold)s people, in groups too small to pool even "
                "together, are not shown.",
                threshold=threshold,
            )
        )
    recurring = themes(words, categories, [writer for _, _, writer in found.shown])
    table = pd.DataFrame(
        {"words": words, "category": [category or _("Not sorted yet") for category in categories]},
        columns=COLUMNS,
    )
    figures = {
        "people": people,
        "shown": len(words),
        "listed": LISTED,
        "threshold": threshold,
        "held_back": found.held_back,
        "words": [_theme(theme) for theme in recurring.words],
        "categories": [_theme(theme) for theme in recurring.categories],
    }
    return Section("words", _("In their own words"), table, [], tuple(findings), figures)


def _theme(theme: Recurring) -> dict:
    name = _("Not sorted yet") if theme.name == NOT_SORTED else theme.name
    return {"name": name, "people": theme.people, "example": theme.example}


def _nothing(name: str, reason: str) -> Section:
    return Section(
        "words", _("In their own words"), pd.DataFrame(columns=COLUMNS), [(name, reason)]
    )


def _labels(assessment: Assessment, wave_id: int) -> dict[str, str]:
    wave = next(wave for wave in assessment.waves if wave.id == wave_id)
    ladder = questionnaire_for(*wave.instrument("rep")).ladder
    return ladder.labels() if ladder else {}
